/* A run: config, data, split, model and trainer put together, for a new
 * training or a resumed checkpoint (which must agree with the config and
 * the data's digest). The model is built here once the data gives its
 * input width. It writes no file: nnlab_run_describe gives the caller what
 * to save. */
#include <stdlib.h>
#include <string.h>

#include <nnlab/hparams.h>
#include <nnlab/run.h>

#include "train/config_internal.h"

static char *absolute_path(const char *path) {
  char *real = realpath(path, NULL);
  char *copy = g_strdup(real ? real : path);
  free(real);
  return copy;
}

/* Loads the data and records where it came from and its digest. */
static gboolean load_data(nnlab_run *run, const char *path, GError **error) {
  run->data = nnlab_dataset_load(path, error);
  if (!run->data) return FALSE;
  run->data_path = absolute_path(path);
  run->data_digest = nnlab_dataset_digest(run->data);
  return TRUE;
}

static gboolean select_parts(nnlab_run *run, GError **error) {
  const nnlab_split *s = &run->split;
  run->train = nnlab_dataset_select(run->data, s->train, s->n_train, error);
  if (!run->train) return FALSE;
  if (s->n_val &&
      !(run->val = nnlab_dataset_select(run->data, s->val, s->n_val, error)))
    return FALSE;
  if (s->n_test &&
      !(run->test = nnlab_dataset_select(run->data, s->test, s->n_test, error)))
    return FALSE;
  return TRUE;
}

/* A [layer.N] key's count of values against the layer's shape. */
static gboolean check_count(const char *location, const char *key, size_t found,
                            size_t expected, GError **error) {
  if (!location || found == expected) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: %s: expected %zu values, found %zu", location, key, expected,
              found);
  return FALSE;
}

/* Layer l's hand-set values from [layer.N], if any, into model. */
static gboolean set_layer(nnlab_model *model, size_t l, size_t fan_in,
                          const nnlab_run_config_layer *layer, GError **error) {
  size_t units = nnlab_model_layer_units(model, l);
  if (!check_count(layer->weights_location, "weights", layer->n_weights,
                   fan_in * units, error) ||
      !check_count(layer->bias_location, "bias", layer->n_bias, units, error))
    return FALSE;
  if (layer->weights)
    memcpy(nnlab_model_layer_weights(model, l), layer->weights,
           fan_in * units * sizeof(float));
  if (layer->bias)
    memcpy(nnlab_model_layer_bias(model, l), layer->bias,
           units * sizeof(float));
  return TRUE;
}

nnlab_model *nnlab_run_config_build_model(const nnlab_run_config *c,
                                          size_t n_inputs, size_t n_outputs,
                                          GError **error) {
  if (!config_check_parameters(c, n_inputs, n_outputs, error)) return NULL;
  size_t n_layers = c->n_hidden + 1;
  g_autofree size_t *units = g_new(size_t, n_layers);
  g_autofree nnlab_component *activations = g_new(nnlab_component, n_layers);
  for (size_t i = 0; i < c->n_hidden; i++) {
    units[i] = c->hidden_units[i];
    activations[i] = c->hidden_activations[i];
  }
  units[c->n_hidden] = n_outputs;
  activations[c->n_hidden] = c->output_activation;
  nnlab_model *model = nnlab_model_new_from_components(
      n_inputs, units, activations, n_layers, error);
  if (!model) return NULL;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, c->seed);
  nnlab_model_init(model, c->init, c->init_scale, &rng);
  size_t fan_in = n_inputs;
  for (size_t l = 0; l < n_layers; l++) {
    if (!set_layer(model, l, fan_in, &c->layers[l], error)) {
      nnlab_model_free(model);
      return NULL;
    }
    fan_in = units[l];
  }
  return model;
}

/* Everything after the data is in run->data. */
static nnlab_run *prepare(nnlab_run *run, const nnlab_run_config *config,
                          GError **error) {
  run->config = config;
  run->config_path = absolute_path(config->path);
  run->init_seed = config->seed;
  run->split_config = config->split;
  run->split_config.stratify =
      config->stratify < 0 ? run->data->task == NNLAB_TASK_CLASSIFICATION
                           : config->stratify;
  if (!nnlab_split_make(run->data, &run->split_config, &run->split, error) ||
      !select_parts(run, error))
    goto fail;
  if (!nnlab_run_config_check_data(config, run->data, error)) goto fail;
  size_t d = run->data->n_features;
  size_t outputs = nnlab_run_config_outputs_for(config, run->data);
  run->model = nnlab_run_config_build_model(config, d, outputs, error);
  if (!run->model) goto fail;
  if (config->standardize) {
    g_autofree float *mean = g_new(float, d), *std = g_new(float, d);
    nnlab_standardization_fit(run->data, run->split.train, run->split.n_train,
                              mean, std);
    if (!nnlab_model_set_standardization(run->model, mean, std, error))
      goto fail;
  }
  run->trainer = nnlab_trainer_new(run->model, &config->loss,
                                   &config->optimizer, &config->train, error);
  if (!run->trainer) goto fail;
  return run;
fail:
  nnlab_run_free(run);
  return NULL;
}

nnlab_run *nnlab_run_prepare(const nnlab_run_config *config, GError **error) {
  nnlab_run *run = g_new0(nnlab_run, 1);
  if (!load_data(run, config->data_path, error)) {
    nnlab_run_free(run);
    return NULL;
  }
  return prepare(run, config, error);
}

nnlab_run *nnlab_run_prepare_with_data(const nnlab_run_config *config,
                                       const nnlab_dataset *data,
                                       GError **error) {
  nnlab_run *run = g_new0(nnlab_run, 1);
  run->data = (nnlab_dataset *)data;
  run->data_borrowed = TRUE;
  run->data_path = absolute_path(config->data_path);
  return prepare(run, config, error);
}

static gboolean differ(GError **error, const char *format, ...)
    G_GNUC_PRINTF(2, 3);
static gboolean differ(GError **error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "the config contradicts the checkpoint: %s", message);
  return FALSE;
}

/* The config must describe the network and training the checkpoint holds. */
static gboolean check_agrees(const nnlab_run_config *c,
                             const nnlab_model_file *f, GError **error) {
  nnlab_model *m = f->model;
  size_t layers = nnlab_model_n_layers(m);
  if (c->n_hidden + 1 != layers)
    return differ(error, "it has %zu hidden layers, the checkpoint %zu",
                  c->n_hidden, layers - 1);
  for (size_t l = 0; l < layers; l++) {
    const nnlab_component *saved = nnlab_model_layer_activation(m, l);
    const nnlab_component *wanted =
        l < c->n_hidden ? &c->hidden_activations[l] : &c->output_activation;
    size_t units = nnlab_model_layer_units(m, l);
    if (l < c->n_hidden && c->hidden_units[l] != units)
      return differ(error, "hidden layer %zu has %zu units, the checkpoint %zu",
                    l + 1, c->hidden_units[l], units);
    if (l == c->n_hidden && c->n_outputs && c->n_outputs != units)
      return differ(error, "outputs = %zu, the checkpoint has %zu",
                    c->n_outputs, units);
    g_autofree char *a = nnlab_component_format(wanted);
    g_autofree char *b = nnlab_component_format(saved);
    if (strcmp(a, b) != 0)
      return differ(error, "layer %zu's activation is %s, the checkpoint's %s",
                    l + 1, a, b);
  }
  g_autofree char *loss = nnlab_component_format(&c->loss);
  g_autofree char *saved_loss = nnlab_component_format(&f->loss);
  if (strcmp(loss, saved_loss) != 0)
    return differ(error, "loss is %s, the checkpoint's %s", loss, saved_loss);
  const char *optimizer = c->optimizer.info->name;
  if (strcmp(optimizer, f->checkpoint->optimizer.info->name) != 0)
    return differ(error, "optimizer is %s, the checkpoint's %s", optimizer,
                  f->checkpoint->optimizer.info->name);
  return TRUE;
}

static gboolean check_same_data(const nnlab_run *run, const nnlab_model_file *f,
                                GError **error) {
  const nnlab_dataset *data = run->data;
  size_t inputs = nnlab_model_n_inputs(f->model);
  if (data->n_features != inputs) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s has %zu features; the checkpoint's model takes %zu",
                run->data_path, data->n_features, inputs);
    return FALSE;
  }
  if (data->n_rows != f->data_rows ||
      (f->data_digest && strcmp(f->data_digest, run->data_digest) != 0)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s is not the data the checkpoint was trained on (%zu rows, "
                "digest %.12s; the checkpoint recorded %llu rows, digest "
                "%.12s)",
                run->data_path, data->n_rows, run->data_digest,
                (unsigned long long)f->data_rows,
                f->data_digest ? f->data_digest : "none");
    return FALSE;
  }
  return TRUE;
}

static void copy_split(nnlab_split *dest, const nnlab_split *src) {
  dest->n_train = src->n_train;
  dest->n_val = src->n_val;
  dest->n_test = src->n_test;
  dest->train = g_memdup2(src->train, MAX(src->n_train, 1) * sizeof(size_t));
  dest->val = g_memdup2(src->val, MAX(src->n_val, 1) * sizeof(size_t));
  dest->test = g_memdup2(src->test, MAX(src->n_test, 1) * sizeof(size_t));
}

/* Loads the checkpoint's training state into the new trainer. */
static void restore_trainer(nnlab_run *run, const nnlab_checkpoint *c,
                            const nnlab_model_file *f) {
  size_t n = nnlab_model_n_params(run->model);
  for (size_t i = 0; i < c->n_slots; i++)
    memcpy(nnlab_trainer_slot(run->trainer, i), c->slots[i], n * sizeof(float));
  float *best = nnlab_trainer_best_params(run->trainer);
  if (best && c->best_params) memcpy(best, c->best_params, n * sizeof(float));
  if (c->last_params)
    nnlab_trainer_set_last_params(run->trainer, c->last_params);
  nnlab_trainer_set_state(run->trainer, &c->state, f->history, f->n_epochs);
}

nnlab_run *nnlab_run_resume(nnlab_model_file *f, const nnlab_run_config *config,
                            const nnlab_registry *registry, GError **error) {
  if (!f->checkpoint || !f->data_path) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the file holds no training state to resume from");
    return NULL;
  }
  nnlab_run *run = g_new0(nnlab_run, 1);
  if (!config) {
    const char *path = f->config_path ? f->config_path : "checkpoint config";
    run->owned_config = nnlab_run_config_parse(
        f->config_text ? f->config_text : "", path, NULL, registry, error);
    if (!run->owned_config) {
      g_prefix_error(error, "the checkpoint's config: ");
      goto fail;
    }
    config = run->owned_config;
  }
  run->config = config;
  run->config_path = g_strdup(f->config_path ? f->config_path : config->path);
  run->init_seed = f->checkpoint->init_seed;
  if (!check_agrees(config, f, error) ||
      !load_data(run, run->owned_config ? f->data_path : config->data_path,
                 error) ||
      !check_same_data(run, f, error))
    goto fail;
  run->split_config = f->split_config;
  copy_split(&run->split, &f->split);
  if (!select_parts(run, error)) goto fail;
  run->model = g_steal_pointer(&f->model);
  run->trainer = nnlab_trainer_new(
      run->model, &f->loss, &f->checkpoint->optimizer, &config->train, error);
  if (!run->trainer) goto fail;
  restore_trainer(run, f->checkpoint, f);
  return run;
fail:
  nnlab_run_free(run);
  return NULL;
}

gboolean nnlab_run_train(nnlab_run *run, nnlab_progress_fn progress,
                         void *progress_data, GError **error) {
  const nnlab_run_config *config = run->config;
  if (config->perceptron_rule) {
    int lr = nnlab_hparams_index(config->optimizer.info, "lr");
    return nnlab_perceptron_fit(run->model, run->train, config->train.epochs,
                                config->optimizer.hparams[lr].f,
                                &run->perceptron_converged_epoch, error);
  }
  nnlab_trainer_set_progress(run->trainer, progress, progress_data);
  return nnlab_trainer_fit(run->trainer, run->train, run->val, error);
}

nnlab_model_file nnlab_run_describe(const nnlab_run *run) {
  nnlab_run *self = (nnlab_run *)run;
  nnlab_trainer *trainer = self->trainer;
  nnlab_checkpoint *c = &self->checkpoint_view;
  memset(c, 0, sizeof *c);
  c->optimizer = *nnlab_trainer_optimizer(trainer);
  c->n_slots = nnlab_trainer_n_slots(trainer);
  for (size_t i = 0; i < c->n_slots; i++)
    c->slots[i] = nnlab_trainer_slot(trainer, i);
  c->best_params = nnlab_trainer_best_params(trainer);
  c->last_params = (float *)nnlab_trainer_last_params(trainer);
  nnlab_trainer_get_state(trainer, &c->state);
  c->init_seed = run->init_seed;

  nnlab_model_file f = {0};
  f.model = run->model;
  f.loss = run->config->loss;
  f.task = run->data->task;
  f.n_classes = run->data->n_classes;
  f.class_names = run->data->class_names;
  f.data_path = run->data_path;
  f.data_digest = run->data_digest;
  f.data_rows = run->data->n_rows;
  f.split_config = run->split_config;
  f.split = run->split;
  f.history = (nnlab_epoch_record *)nnlab_trainer_history(trainer, &f.n_epochs);
  f.config_text = run->config->text;
  f.config_path = run->config_path;
  f.checkpoint = c;
  return f;
}

void nnlab_run_free(nnlab_run *run) {
  if (!run) return;
  nnlab_trainer_free(run->trainer);
  nnlab_model_free(run->model);
  nnlab_dataset_free(run->train);
  nnlab_dataset_free(run->val);
  nnlab_dataset_free(run->test);
  nnlab_split_clear(&run->split);
  if (!run->data_borrowed) nnlab_dataset_free(run->data);
  g_free(run->data_path);
  g_free(run->data_digest);
  g_free(run->config_path);
  nnlab_run_config_free(run->owned_config);
  g_free(run);
}
