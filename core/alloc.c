#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#define NNLAB_ALIGNMENT 64

void *nnlab_alloc_array(size_t n, size_t size, const char *what,
                        GError **error) {
  size_t bytes = 0;
  if (!g_size_checked_mul(&bytes, n, size)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "%s: %zu x %zu bytes overflows the address space", what, n,
                size);
    return NULL;
  }
  void *memory = NULL;
  if (posix_memalign(&memory, NNLAB_ALIGNMENT, MAX(bytes, 1)) != 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "%s: cannot allocate %zu bytes", what, bytes);
    return NULL;
  }
  memset(memory, 0, MAX(bytes, 1));
  return memory;
}

float *nnlab_alloc_floats(size_t n, const char *what, GError **error) {
  return nnlab_alloc_array(n, sizeof(float), what, error);
}

void nnlab_free(void *memory) {
  free(memory);
}
