/* Allocation of the engine's large buffers: 64-byte aligned for vector
 * loads, overflow-checked, and failing with a GError instead of aborting. */
#ifndef NNLAB_ALLOC_H
#define NNLAB_ALLOC_H

#include <nnlab/common.h>

/* n zeroed floats, or NULL with an error naming what was being allocated. */
float *alloc_floats(size_t n, const char *what, GError **error);
/* n zeroed elements of size bytes each. */
void *alloc_array(size_t n, size_t size, const char *what, GError **error);
void alloc_free(void *memory);

#endif
