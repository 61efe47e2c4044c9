/* Run configurations: INI files (read with GKeyFile) describing the data,
 * the model, the training and the optimizer. docs/config.md lists every
 * key. All plugin names and hyperparameters are resolved and checked when
 * the file is loaded, so a bad config fails before anything trains. */
#ifndef NNLAB_CONFIG_H
#define NNLAB_CONFIG_H

#include <nnlab/model.h>
#include <nnlab/split.h>
#include <nnlab/train.h>

G_BEGIN_DECLS

/* A [layer.N] section's hand-set values, read with the config; whether
 * they fit the layer is known once the data gives the input width. The
 * locations ("FILE:LINE") are for errors. */
typedef struct nnlab_run_config_layer {
  float *weights; /* NULL when not given */
  size_t n_weights;
  float *bias; /* NULL when not given */
  size_t n_bias;
  char *weights_location;
  char *bias_location;
} nnlab_run_config_layer;

typedef struct nnlab_run_config {
  char *path; /* the config file */
  char *text; /* its text with any overrides applied, as run */

  char *data_path; /* resolved against the config file's directory */
  nnlab_split_config split;
  int stratify; /* -1: by task (yes for classification) */
  gboolean standardize;

  size_t n_hidden;
  size_t *hidden_units;
  nnlab_component *hidden_activations; /* one per hidden layer */
  nnlab_component output_activation;
  size_t n_outputs; /* 0: as many as the data needs */
  nnlab_init_scheme init;
  double init_scale;
  uint64_t seed; /* weight init; the default for the others */

  nnlab_component loss;
  char *loss_location; /* "FILE:LINE" or "--set training.loss", for errors */
  nnlab_component optimizer;
  nnlab_train_config train;
  gboolean perceptron_rule; /* [training] rule = perceptron */

  char *hidden_location; /* "FILE:LINE: hidden" or ": layers", for errors */
  nnlab_run_config_layer *layers; /* n_hidden + 1: [layer.1], ... */
} nnlab_run_config;

/* Loads path, applying overrides ("section.key=value", NULL-terminated)
 * first. Errors name the file, line and key (or the --set override) and
 * suggest the nearest valid section or key. */
NNLAB_API nnlab_run_config *nnlab_run_config_load(
    const char *path, const char *const *overrides,
    const nnlab_registry *registry, GError **error);
/* The same from text; path is used in messages and to resolve data. */
NNLAB_API nnlab_run_config *nnlab_run_config_parse(
    const char *text, const char *path, const char *const *overrides,
    const nnlab_registry *registry, GError **error);
NNLAB_API void nnlab_run_config_free(nnlab_run_config *config);

/* The number of outputs for data: n_outputs if set, else the number of
 * targets (regression), 1 for two classes with a loss on a single output
 * (binary losses), else the number of classes. */
NNLAB_API size_t nnlab_run_config_outputs_for(const nnlab_run_config *config,
                                              const nnlab_dataset *data);
/* Whether the loss can learn from data: a loss that needs class labels
 * (NNLAB_LOSS_NEEDS_CLASS_LABELS) is refused on a regression dataset. The
 * error names training.loss and data.path. */
NNLAB_API gboolean nnlab_run_config_check_data(const nnlab_run_config *config,
                                               const nnlab_dataset *data,
                                               GError **error);
/* A model built and initialized as the config says (hand-set weights
 * applied). What needs the input width is checked here: the parameter cap
 * and the number of [layer.N] values. */
NNLAB_API nnlab_model *nnlab_run_config_build_model(
    const nnlab_run_config *config, size_t n_inputs, size_t n_outputs,
    GError **error);

G_END_DECLS

#endif
