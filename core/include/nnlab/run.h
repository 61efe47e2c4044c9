/* A training run as a config describes it: load the data, split it,
 * fit standardization on the training rows, build and initialize the
 * model, train, and describe the result as a model file. */
#ifndef NNLAB_RUN_H
#define NNLAB_RUN_H

#include <nnlab/config.h>
#include <nnlab/model_file.h>

G_BEGIN_DECLS

typedef struct nnlab_run {
  const nnlab_run_config *config; /* borrowed, or owned_config */
  nnlab_run_config *owned_config; /* a resumed run's own config */
  nnlab_dataset *data;
  char *data_path;   /* absolute */
  char *data_digest; /* nnlab_dataset_digest */
  char *config_path; /* absolute */
  uint64_t init_seed;
  nnlab_split_config split_config; /* stratify resolved for the data */
  nnlab_split split;
  nnlab_dataset *train, *val, *test; /* val and test NULL when empty */
  nnlab_model *model;
  nnlab_trainer *trainer;
  size_t perceptron_converged_epoch; /* rule = perceptron: 0 if never */
  nnlab_checkpoint checkpoint_view;  /* for nnlab_run_describe */
  gboolean data_borrowed;            /* data belongs to the caller */
} nnlab_run;

/* Everything up to training; errors name the file at fault. */
NNLAB_API nnlab_run *nnlab_run_prepare(const nnlab_run_config *config,
                                       GError **error);
/* The same on data already loaded (config->data_path is only recorded),
 * which the run borrows and never changes: runs on several threads can
 * share one dataset, loaded once. data_digest stays NULL. */
NNLAB_API nnlab_run *nnlab_run_prepare_with_data(const nnlab_run_config *config,
                                                 const nnlab_dataset *data,
                                                 GError **error);
/* Continues the run saved in checkpoint (which gives up its model): the
 * data at its recorded path, which must have the same digest; its split,
 * weights, optimizer state, schedule, generator and history. With config,
 * the config must agree with the checkpoint (layers, activations, loss,
 * optimizer) and its training settings (epochs, checkpointing) apply;
 * without, the checkpoint's own config text is used. A dataset path in
 * config replaces the recorded one. */
NNLAB_API nnlab_run *nnlab_run_resume(nnlab_model_file *checkpoint,
                                      const nnlab_run_config *config,
                                      const nnlab_registry *registry,
                                      GError **error);
/* Trains by the config's rule. On divergence the error is
 * NNLAB_ERROR_DIVERGED and the model holds the last finite weights. */
NNLAB_API gboolean nnlab_run_train(nnlab_run *run, nnlab_progress_fn progress,
                                   void *progress_data, GError **error);
/* A view of the run for nnlab_model_file_save; valid while run lives. */
NNLAB_API nnlab_model_file nnlab_run_describe(const nnlab_run *run);
NNLAB_API void nnlab_run_free(nnlab_run *run);

G_END_DECLS

#endif
