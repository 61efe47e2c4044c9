/* Which instruction set the compute kernels use. */
#ifndef NNLAB_SIMD_H
#define NNLAB_SIMD_H

typedef enum nnlab_simd {
  NNLAB_SIMD_SCALAR, /* portable C */
  NNLAB_SIMD_AVX2,   /* x86-64 AVX2 and FMA */
} nnlab_simd;

/* Chosen once, at the first call: AVX2 when the CPU has AVX2 and FMA,
 * unless the environment sets NNLAB_SIMD=scalar. */
nnlab_simd nnlab_simd_active(void);
/* "scalar" or "avx2". */
const char *nnlab_simd_name(nnlab_simd simd);
/* Switches the kernels to simd from now on, for tests and benchmarks;
 * falls back to the portable path when the CPU lacks it. Returns the path
 * in effect. Not to be called while other threads compute. */
nnlab_simd nnlab_simd_force(nnlab_simd simd);

#endif
