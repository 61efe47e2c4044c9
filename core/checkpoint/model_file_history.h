/* The per-epoch history of a model file: one HDF5 array of doubles per
 * column, each a field of every epoch record. One table for the writer and
 * the reader, so that they cannot disagree. */
#ifndef NNLAB_MODEL_FILE_HISTORY_H
#define NNLAB_MODEL_FILE_HISTORY_H

#include <stddef.h>

typedef struct history_column {
  const char *name;
  size_t offset; /* of a double in nnlab_epoch_record */
} history_column;

extern const history_column model_file_history_columns[];
extern const size_t model_file_n_history_columns;

#endif
