/* Which instruction set the compute kernels use (simd.h): AVX2 + FMA when
 * the CPU has both, unless NNLAB_SIMD=scalar; chosen once. It holds no
 * kernels, only the choice. */
#include "compute/simd.h"

#include <stdatomic.h>
#include <string.h>

#include <glib.h>

/* 0 until chosen; then the path + 1. */
static _Atomic int chosen;

static gboolean cpu_has_avx2(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return FALSE;
#endif
}

simd_isa simd_active(void) {
  int path = atomic_load_explicit(&chosen, memory_order_relaxed);
  if (path) return (simd_isa)(path - 1);
  const char *request = g_getenv("NNLAB_SIMD");
  simd_isa simd =
      request && strcmp(request, "scalar") == 0 ? SIMD_SCALAR : SIMD_AVX2;
  return simd_force(simd);
}

const char *simd_name(simd_isa simd) {
  return simd == SIMD_AVX2 ? "avx2" : "scalar";
}

simd_isa simd_force(simd_isa simd) {
  if (simd == SIMD_AVX2 && !cpu_has_avx2()) simd = SIMD_SCALAR;
  atomic_store(&chosen, (int)simd + 1);
  return simd;
}
