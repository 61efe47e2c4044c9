/* Model files: one HDF5 file holding a trained network (architecture with
 * plugin names, versions and hyperparameters; weights; standardization),
 * the loss, how the data was split, the training history and the config
 * the run started from. Layout in docs/formats.md; h5py reads it. */
#ifndef NNLAB_MODEL_FILE_H
#define NNLAB_MODEL_FILE_H

#include <nnlab/config.h>
#include <nnlab/train.h>

G_BEGIN_DECLS

#define NNLAB_MODEL_FORMAT "nnlab-model"
#define NNLAB_MODEL_FORMAT_VERSION 1

/* What a checkpoint adds to a model file: enough to resume training
 * exactly. */
typedef struct nnlab_checkpoint {
  nnlab_component optimizer; /* lr holds the last epoch's rate */
  size_t n_slots;
  float *slots[NNLAB_MAX_SLOTS]; /* laid out like the parameters */
  float *best_params;            /* early stopping's best, or NULL */
  /* The weights to continue training from when /layers holds early
   * stopping's best instead, or NULL. */
  float *last_params;
  nnlab_trainer_state state;
  uint64_t init_seed; /* the seed the weights were initialized from */
} nnlab_checkpoint;

typedef struct nnlab_model_file {
  nnlab_model *model;
  nnlab_component loss;
  nnlab_task task;
  size_t n_classes;
  char **class_names; /* NULL-terminated, or NULL */

  /* How the data was split, so eval --split scores the same rows. */
  char *data_path;   /* absolute, or NULL */
  char *data_digest; /* nnlab_dataset_digest of the data, or NULL */
  uint64_t data_rows;
  nnlab_split_config split_config;
  nnlab_split split;

  nnlab_epoch_record *history;
  size_t n_epochs;
  char *config_text; /* or NULL */
  char *config_path; /* where the config was read from, or NULL */
  /* As loaded (NULL if absent); saving writes the current ones instead. */
  char *nnlab_version; /* of the nnlab that wrote the file */
  char *created;       /* ISO 8601 UTC time of writing */

  nnlab_checkpoint *checkpoint; /* NULL in a plain model file */

  /* Loading notes, e.g. a plugin present in another version. */
  char **warnings; /* NULL-terminated */
} nnlab_model_file;

/* Saves atomically (temporary file, fsync, rename). The file does not own
 * anything: fields are read from the struct as given. */
NNLAB_API gboolean nnlab_model_file_save(const nnlab_model_file *file,
                                         const char *path, GError **error);

/* Loads and checks every member; plugins are resolved through registry
 * (a missing one is an error naming it and where it was searched). */
NNLAB_API nnlab_model_file *nnlab_model_file_load(
    const char *path, const nnlab_registry *registry, GError **error);
/* Frees everything the loaded struct holds. */
NNLAB_API void nnlab_model_file_free(nnlab_model_file *file);

G_END_DECLS

#endif
