/* nnlab_vec_*: the vector math exported to plugins (plugin.h), each call
 * going to the kernels of the instruction set simd.c chose. Dispatch only:
 * the math is in vecmath_avx2.c and vecmath_scalar.c. */
#include <nnlab/plugin.h>

#include "compute/simd.h"
#include "compute/vecmath_internal.h"

const vm_kernels *vm_active(void) {
#if defined(__x86_64__)
  if (simd_active() == SIMD_AVX2) return &vm_avx2;
#endif
  return &vm_scalar;
}

void nnlab_vec_exp(const float *x, float *y, size_t n) {
  vm_active()->exp(x, y, n);
}

void nnlab_vec_expm1(const float *x, float *y, size_t n) {
  vm_active()->expm1(x, y, n);
}

void nnlab_vec_log(const float *x, float *y, size_t n) {
  vm_active()->log(x, y, n);
}

void nnlab_vec_log1p(const float *x, float *y, size_t n) {
  vm_active()->log1p(x, y, n);
}

void nnlab_vec_tanh(const float *x, float *y, size_t n) {
  vm_active()->tanh(x, y, n);
}

void nnlab_vec_sigmoid(const float *x, float *y, size_t n) {
  vm_active()->sigmoid(x, y, n);
}

void nnlab_vec_softplus(const float *x, float *y, size_t n) {
  vm_active()->softplus(x, y, n);
}

void nnlab_vec_erf(const float *x, float *y, size_t n) {
  vm_active()->erf(x, y, n);
}

void nnlab_vec_erfc(const float *x, float *y, size_t n) {
  vm_active()->erfc(x, y, n);
}
