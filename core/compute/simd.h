/* Which instruction set the compute kernels use. */
#ifndef NNLAB_SIMD_H
#define NNLAB_SIMD_H

typedef enum simd_isa {
  SIMD_SCALAR, /* portable C */
  SIMD_AVX2,   /* x86-64 AVX2 and FMA */
} simd_isa;

/* Chosen once, at the first call: AVX2 when the CPU has AVX2 and FMA,
 * unless the environment sets NNLAB_SIMD=scalar. */
simd_isa simd_active(void);
/* "scalar" or "avx2". */
const char *simd_name(simd_isa simd);
/* Switches the kernels to simd from now on, for tests and benchmarks;
 * falls back to the portable path when the CPU lacks it. Returns the path
 * in effect. Not to be called while other threads compute. */
simd_isa simd_force(simd_isa simd);

#endif
