/* Verifying a whole file: every array of a model file, checkpoint or
 * dataset read and compared with its checksum (docs/formats.md), without
 * loading plugins or building the network. `nnlab inspect --verify`
 * prints what this finds. */
#ifndef NNLAB_FILE_VERIFY_H
#define NNLAB_FILE_VERIFY_H

#include <nnlab/common.h>

G_BEGIN_DECLS

typedef enum nnlab_array_state {
  NNLAB_ARRAY_OK,        /* its values match its checksum */
  NNLAB_ARRAY_UNCHECKED, /* readable, but the file carries no checksums */
  NNLAB_ARRAY_DAMAGED,   /* a mismatch, a missing checksum, or unreadable */
} nnlab_array_state;

typedef struct nnlab_array_check {
  char *path; /* the HDF5 path, e.g. "/layers/1/weights" */
  uint64_t n_values;
  nnlab_array_state state;
  /* DAMAGED: what is wrong, e.g. "checksum mismatch (the file is
   * damaged)"; otherwise NULL. */
  char *problem;
} nnlab_array_check;

typedef struct nnlab_file_check {
  char *path;
  char *format;       /* "nnlab-model" or "nnlab-dataset" */
  gboolean checksums; /* the file declares a checksum on every array */
  size_t n_arrays;    /* in the file's order of names */
  nnlab_array_check *arrays;
  size_t n_ok, n_unchecked, n_damaged;
} nnlab_file_check;

/* Reads every array of the nnlab file at path, in blocks (memory stays
 * small however large the file). Damaged arrays are in the result; NULL
 * with an error only when the file cannot be examined at all (missing,
 * not HDF5, not an nnlab file, or groups too damaged to list). */
NNLAB_API nnlab_file_check *nnlab_file_verify(const char *path, GError **error);
NNLAB_API void nnlab_file_check_free(nnlab_file_check *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(nnlab_file_check, nnlab_file_check_free)

G_END_DECLS

#endif
