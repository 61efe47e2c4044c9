/* Saving model files and checkpoints (layout in docs/formats.md): the file
 * is built in memory (h5_memory_file.c), every array with its checksum,
 * then replaced atomically. It only writes what nnlab_model_file_load
 * reads back. */
#include <string.h>

#include <nnlab/model_file.h>

#include "io/atomic_file.h"
#include "io/h5_attrs.h"
#include "io/h5_groups.h"
#include "io/h5_arrays.h"
#include "io/h5_checksum.h"
#include "io/h5_memory_file.h"
#include "checkpoint/model_file_history.h"

static gboolean write_plugin_attrs(hid_t object, const nnlab_component *c,
                                   GError **error) {
  g_autofree char *spec = nnlab_component_format(c);
  return h5_attr_write_string(object, "spec", spec, error) &&
         h5_attr_write_string(object, "plugin", c->info->name, error) &&
         h5_attr_write_string(object, "version", c->info->version, error);
}

static gboolean write_layers(hid_t root, nnlab_model *model, GError **error) {
  AUTO_GROUP layers = h5_create_group(root, "layers", error);
  if (layers < 0) return FALSE;
  size_t fan_in = nnlab_model_n_inputs(model);
  if (!h5_write_uint64(layers, "count", nnlab_model_n_layers(model), error) ||
      !h5_write_uint64(layers, "inputs", fan_in, error))
    return FALSE;
  for (size_t l = 0; l < nnlab_model_n_layers(model); l++) {
    char name[32];
    g_snprintf(name, sizeof name, "%zu", l + 1);
    AUTO_GROUP layer = h5_create_group(layers, name, error);
    size_t units = nnlab_model_layer_units(model, l);
    hsize_t w_dims[2] = {fan_in, units}, b_dims[1] = {units};
    if (layer < 0 ||
        !write_plugin_attrs(layer, nnlab_model_layer_activation(model, l),
                            error) ||
        !h5_write_uint64(layer, "units", units, error) ||
        !h5_write_array(layer, "weights", H5T_NATIVE_FLOAT, 2, w_dims,
                        nnlab_model_layer_weights(model, l), error) ||
        !h5_write_array(layer, "bias", H5T_NATIVE_FLOAT, 1, b_dims,
                        nnlab_model_layer_bias(model, l), error))
      return FALSE;
    fan_in = units;
  }
  return TRUE;
}

static gboolean write_standardization(hid_t root, const nnlab_model *model,
                                      GError **error) {
  const float *mean = nnlab_model_standardization_mean(model);
  if (!mean) return TRUE;
  AUTO_GROUP group = h5_create_group(root, "standardization", error);
  hsize_t dims[1] = {nnlab_model_n_inputs(model)};
  return group >= 0 &&
         h5_write_array(group, "mean", H5T_NATIVE_FLOAT, 1, dims, mean,
                        error) &&
         h5_write_array(group, "std", H5T_NATIVE_FLOAT, 1, dims,
                        nnlab_model_standardization_std(model), error);
}

static gboolean write_split(hid_t root, const nnlab_model_file *f,
                            GError **error) {
  if (!f->data_path) return TRUE;
  AUTO_GROUP group = h5_create_group(root, "split", error);
  const nnlab_split *s = &f->split;
  hsize_t train[1] = {s->n_train}, val[1] = {s->n_val}, test[1] = {s->n_test};
  G_STATIC_ASSERT(sizeof(size_t) == sizeof(guint64));
  return group >= 0 &&
         h5_attr_write_string(group, "data_path", f->data_path, error) &&
         (!f->data_digest ||
          h5_attr_write_string(group, "data_digest", f->data_digest, error)) &&
         h5_write_uint64(group, "data_rows", f->data_rows, error) &&
         h5_write_double(group, "val_fraction", f->split_config.val_fraction,
                         error) &&
         h5_write_double(group, "test_fraction", f->split_config.test_fraction,
                         error) &&
         h5_write_uint64(group, "seed", f->split_config.seed, error) &&
         h5_write_uint64(group, "stratified", f->split_config.stratify,
                         error) &&
         h5_write_array(group, "train", H5T_NATIVE_UINT64, 1, train, s->train,
                        error) &&
         h5_write_array(group, "val", H5T_NATIVE_UINT64, 1, val, s->val,
                        error) &&
         h5_write_array(group, "test", H5T_NATIVE_UINT64, 1, test, s->test,
                        error);
}

static gboolean write_history(hid_t root, const nnlab_model_file *f,
                              GError **error) {
  AUTO_GROUP group = h5_create_group(root, "history", error);
  if (group < 0) return FALSE;
  size_t n = f->n_epochs;
  hsize_t dims[1] = {n};
  g_autofree double *column = g_new0(double, MAX(n, 1));
  g_autofree guint64 *epochs = g_new0(guint64, MAX(n, 1));
  for (size_t i = 0; i < n; i++) epochs[i] = f->history[i].epoch;
  if (!h5_write_array(group, "epoch", H5T_NATIVE_UINT64, 1, dims, epochs,
                      error))
    return FALSE;
  for (size_t c = 0; c < model_file_n_history_columns; c++) {
    for (size_t i = 0; i < n; i++)
      memcpy(
          &column[i],
          (const char *)&f->history[i] + model_file_history_columns[c].offset,
          sizeof(double));
    if (!h5_write_array(group, model_file_history_columns[c].name,
                        H5T_NATIVE_DOUBLE, 1, dims, column, error))
      return FALSE;
  }
  return TRUE;
}

/* A flat buffer laid out like the parameters, written as name/N/weights
 * and name/N/bias per layer so it reads like /layers. */
static gboolean write_param_tree(hid_t parent, const char *name,
                                 nnlab_model *model, const float *flat,
                                 GError **error) {
  AUTO_GROUP tree = h5_create_group(parent, name, error);
  if (tree < 0) return FALSE;
  const float *params = nnlab_model_params(model);
  size_t fan_in = nnlab_model_n_inputs(model);
  for (size_t l = 0; l < nnlab_model_n_layers(model); l++) {
    char layer_name[32];
    g_snprintf(layer_name, sizeof layer_name, "%zu", l + 1);
    AUTO_GROUP layer = h5_create_group(tree, layer_name, error);
    size_t units = nnlab_model_layer_units(model, l);
    hsize_t w_dims[2] = {fan_in, units}, b_dims[1] = {units};
    const float *w = flat + (nnlab_model_layer_weights(model, l) - params);
    const float *b = flat + (nnlab_model_layer_bias(model, l) - params);
    if (layer < 0 ||
        !h5_write_array(layer, "weights", H5T_NATIVE_FLOAT, 2, w_dims, w,
                        error) ||
        !h5_write_array(layer, "bias", H5T_NATIVE_FLOAT, 1, b_dims, b, error))
      return FALSE;
    fan_in = units;
  }
  return TRUE;
}

static gboolean write_optimizer(hid_t root, const nnlab_model_file *f,
                                GError **error) {
  const nnlab_checkpoint *c = f->checkpoint;
  AUTO_GROUP group = h5_create_group(root, "optimizer", error);
  if (group < 0 || !write_plugin_attrs(group, &c->optimizer, error))
    return FALSE;
  for (size_t i = 0; i < c->n_slots; i++)
    if (!write_param_tree(group, c->optimizer.info->optimizer.slot_names[i],
                          f->model, c->slots[i], error))
      return FALSE;
  return TRUE;
}

static gboolean write_trainer(hid_t root, const nnlab_model_file *f,
                              GError **error) {
  const nnlab_checkpoint *c = f->checkpoint;
  const nnlab_trainer_state *s = &c->state;
  AUTO_GROUP group = h5_create_group(root, "trainer", error);
  hsize_t rng_dims[1] = {4};
  return group >= 0 && h5_write_uint64(group, "step", s->step, error) &&
         h5_write_uint64(group, "epochs_done", s->epochs_done, error) &&
         h5_write_uint64(group, "best_epoch", s->best_epoch, error) &&
         h5_write_double(group, "best_val_loss", s->best_val_loss, error) &&
         h5_write_uint64(group, "stopped_early", s->stopped_early, error) &&
         h5_write_uint64(group, "stop_rule", s->stop_rule, error) &&
         h5_write_double(group, "stop_value", s->stop_value, error) &&
         h5_write_double(group, "base_lr", s->schedule.base_lr, error) &&
         h5_write_double(group, "plateau_lr", s->schedule.plateau_lr, error) &&
         h5_write_double(group, "plateau_best_loss", s->schedule.best_loss,
                         error) &&
         h5_write_uint64(group, "plateau_bad_epochs", s->schedule.bad_epochs,
                         error) &&
         h5_write_uint64(group, "init_seed", c->init_seed, error) &&
         h5_write_array(group, "shuffle_rng_state", H5T_NATIVE_UINT64, 1,
                        rng_dims, s->shuffle_rng.state, error) &&
         (!c->best_params || write_param_tree(group, "best_params", f->model,
                                              c->best_params, error)) &&
         (!c->last_params || write_param_tree(group, "last_params", f->model,
                                              c->last_params, error));
}

static gboolean write_root(hid_t root, const nnlab_model_file *f,
                           GError **error) {
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *created = g_date_time_format_iso8601(now);
  AUTO_GROUP loss = -1;
  gboolean ok =
      h5_attr_write_string(root, "format", NNLAB_MODEL_FORMAT, error) &&
      h5_attr_write_int(root, "format_version", NNLAB_MODEL_FORMAT_VERSION,
                        error) &&
      h5_checksums_declare(root, error) &&
      h5_attr_write_string(root, "nnlab_version", nnlab_version(), error) &&
      h5_attr_write_string(root, "created", created, error) &&
      h5_attr_write_string(root, "task", nnlab_task_name(f->task), error) &&
      h5_write_uint64(root, "n_classes", f->n_classes, error) &&
      (!f->class_names ||
       h5_attr_write_strings(root, "class_names",
                             (const char *const *)f->class_names,
                             g_strv_length(f->class_names), error)) &&
      (!f->config_text ||
       h5_attr_write_string(root, "config", f->config_text, error)) &&
      (!f->config_path ||
       h5_attr_write_string(root, "config_path", f->config_path, error));
  if (!ok) return FALSE;
  loss = h5_create_group(root, "loss", error);
  return loss >= 0 && write_plugin_attrs(loss, &f->loss, error);
}

static gboolean write_model_file(const char *path, const void *data,
                                 GError **error) {
  const nnlab_model_file *f = data;
  /* Built in memory, so a full disk is an error, not an unclosable file. */
  hid_t file = h5_memory_file_create(error);
  if (file < 0) return FALSE;
  gboolean ok =
      write_root(file, f, error) && write_layers(file, f->model, error) &&
      write_standardization(file, f->model, error) &&
      write_split(file, f, error) && write_history(file, f, error) &&
      (!f->checkpoint ||
       (write_optimizer(file, f, error) && write_trainer(file, f, error)));
  return h5_memory_file_close(file, ok, path, error);
}

gboolean nnlab_model_file_save(const nnlab_model_file *file, const char *path,
                               GError **error) {
  h5_silence silence;
  h5_silence_errors(&silence);
  gboolean ok = atomic_file_replace(path, write_model_file, file, error);
  h5_unsilence_errors(&silence);
  return ok;
}
