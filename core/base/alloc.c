/* The engine's large buffers (alloc.h): 64-byte aligned, zeroed,
 * overflow-checked, and a GError instead of an abort when memory runs out.
 * Tests make the n-th allocation fail here; it knows nothing of what the
 * buffers hold. */
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

#define NNLAB_ALIGNMENT 64

/* Fault injection for tests: the allocation numbered fail_at (counting
 * from 1 after nnlab_debug_fail_allocation) fails. Atomic because the
 * compare harness allocates from several threads. */
static gint64 fail_at;
static gint64 allocations;

void nnlab_debug_fail_allocation(guint64 n) {
  __atomic_store_n(&allocations, 0, __ATOMIC_RELAXED);
  fail_at = (gint64)n;
}

guint64 nnlab_debug_allocations(void) {
  return (guint64)allocations;
}

void *alloc_array(size_t n, size_t size, const char *what, GError **error) {
  size_t bytes = 0;
  if (!g_size_checked_mul(&bytes, n, size)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "%s: %zu x %zu bytes overflows the address space", what, n,
                size);
    return NULL;
  }
  void *memory = NULL;
  gint64 number = __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
  if ((fail_at && number == fail_at) ||
      posix_memalign(&memory, NNLAB_ALIGNMENT, MAX(bytes, 1)) != 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "%s: cannot allocate %zu bytes", what, bytes);
    return NULL;
  }
  memset(memory, 0, MAX(bytes, 1));
  return memory;
}

float *alloc_floats(size_t n, const char *what, GError **error) {
  return alloc_array(n, sizeof(float), what, error);
}

void alloc_free(void *memory) {
  free(memory);
}
