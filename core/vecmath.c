/* nnlab_vec_*: the vector math exported to plugins (plugin.h), each call
 * going to the kernels of the instruction set simd.c chose. Dispatch only:
 * the math is in vecmath_avx2.c and vecmath_scalar.c. */
#include <nnlab/plugin.h>

#include "simd.h"
#include "vecmath_internal.h"

const nnlab_vm_kernels *nnlab_vm_active(void) {
#if defined(__x86_64__)
  if (nnlab_simd_active() == NNLAB_SIMD_AVX2) return &nnlab_vm_avx2;
#endif
  return &nnlab_vm_scalar;
}

void nnlab_vec_exp(const float *x, float *y, size_t n) {
  nnlab_vm_active()->exp(x, y, n);
}

void nnlab_vec_expm1(const float *x, float *y, size_t n) {
  nnlab_vm_active()->expm1(x, y, n);
}

void nnlab_vec_log(const float *x, float *y, size_t n) {
  nnlab_vm_active()->log(x, y, n);
}

void nnlab_vec_log1p(const float *x, float *y, size_t n) {
  nnlab_vm_active()->log1p(x, y, n);
}

void nnlab_vec_tanh(const float *x, float *y, size_t n) {
  nnlab_vm_active()->tanh(x, y, n);
}

void nnlab_vec_sigmoid(const float *x, float *y, size_t n) {
  nnlab_vm_active()->sigmoid(x, y, n);
}

void nnlab_vec_softplus(const float *x, float *y, size_t n) {
  nnlab_vm_active()->softplus(x, y, n);
}

void nnlab_vec_erf(const float *x, float *y, size_t n) {
  nnlab_vm_active()->erf(x, y, n);
}

void nnlab_vec_erfc(const float *x, float *y, size_t n) {
  nnlab_vm_active()->erfc(x, y, n);
}
