/* Loading model files and checkpoints (layout in docs/formats.md): header,
 * layers, standardization, split, history and training state, each checked
 * and named in errors. Plugins are resolved in the registry given; a
 * different installed version is a warning returned to the caller, never
 * printed here. It never writes the file. */
#include <string.h>

#include <nnlab/files.h>
#include <nnlab/model_file.h>

#include "io/h5_attrs.h"
#include "io/h5_groups.h"
#include "base/alloc.h"
#include "io/h5_arrays.h"
#include "io/h5_checksum.h"
#include "base/engine_warning.h"
#include "checkpoint/model_file_history.h"

#define MAX_LAYERS 4096
#define MAX_UNITS (1u << 24)

typedef struct loader {
  const char *path;
  const nnlab_registry *registry;
  hid_t file;
  GPtrArray *warnings;
  gboolean checksums; /* the file declares them (h5_checksum.h) */
} loader;

static gboolean invalid(const loader *ld, GError **error, const char *format,
                        ...) G_GNUC_PRINTF(3, 4);
static gboolean invalid(const loader *ld, GError **error, const char *format,
                        ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s", ld->path,
              message);
  return FALSE;
}

/* Resolves the plugin recorded at object (attributes spec, plugin,
 * version); a different installed version is a warning. */
static gboolean read_component(loader *ld, hid_t object, const char *where,
                               nnlab_plugin_kind kind, nnlab_component *out,
                               GError **error) {
  g_autofree char *spec = NULL, *version = NULL;
  if (!h5_attr_read_string(object, "spec", where, &spec, error) ||
      !h5_attr_read_string(object, "version", where, &version, error))
    return FALSE;
  if (!spec)
    return invalid(ld, error, "%s: attribute 'spec' is missing", where);
  GError *local = NULL;
  if (!nnlab_component_resolve(ld->registry, kind, spec, out, &local)) {
    g_propagate_prefixed_error(error, local, "%s: %s: ", ld->path, where);
    return FALSE;
  }
  if (version && strcmp(version, out->info->version) != 0)
    g_ptr_array_add(
        ld->warnings,
        g_strdup_printf("%s: %s: %s '%s' was version %s when "
                        "saved; loaded version %s",
                        ld->path, where, nnlab_kind_name(kind), out->info->name,
                        version, out->info->version));
  return TRUE;
}

static gboolean read_header(loader *ld, nnlab_model_file *f, GError **error) {
  g_autofree char *format = NULL, *task = NULL;
  gboolean present = FALSE;
  long long version = 0;
  if (!h5_attr_read_string(ld->file, "format", "/", &format, error))
    return FALSE;
  if (!format || strcmp(format, NNLAB_MODEL_FORMAT) != 0)
    return invalid(ld, error,
                   "not an nnlab model or checkpoint (root attribute "
                   "'format' is %s%s%s)",
                   format ? "'" : "", format ? format : "missing",
                   format ? "'" : "");
  if (!h5_attr_read_int(ld->file, "format_version", "/", &present, &version,
                        error))
    return FALSE;
  if (!present || version < 1)
    return invalid(ld, error, "/: attribute 'format_version' is missing");
  if (version > NNLAB_MODEL_FORMAT_VERSION)
    return invalid(ld, error,
                   "written by a newer nnlab (format version %lld; this "
                   "nnlab %s reads up to %d)",
                   version, nnlab_version(), NNLAB_MODEL_FORMAT_VERSION);
  if (!h5_checksums_declared(ld->file, ld->path, &ld->checksums, error) ||
      !h5_attr_read_string(ld->file, "task", "/", &task, error))
    return FALSE;
  if (g_strcmp0(task, "classification") == 0)
    f->task = NNLAB_TASK_CLASSIFICATION;
  else if (g_strcmp0(task, "regression") == 0)
    f->task = NNLAB_TASK_REGRESSION;
  else
    return invalid(ld, error,
                   "/: attribute 'task' must be classification "
                   "or regression");
  guint64 n_classes = 0;
  size_t n_names = 0;
  if (!h5_read_uint64(ld->file, "n_classes", ld->path, "/", &n_classes,
                      error) ||
      !h5_attr_read_strings(ld->file, "class_names", "/", &f->class_names,
                            &n_names, error) ||
      !h5_attr_read_string(ld->file, "config", "/", &f->config_text, error) ||
      !h5_attr_read_string(ld->file, "config_path", "/", &f->config_path,
                           error) ||
      !h5_attr_read_string(ld->file, "nnlab_version", "/", &f->nnlab_version,
                           error) ||
      !h5_attr_read_string(ld->file, "created", "/", &f->created, error))
    return FALSE;
  if (n_classes > NNLAB_DATASET_MAX_CLASSES ||
      (f->task == NNLAB_TASK_CLASSIFICATION && n_classes == 0))
    return invalid(ld, error, "/: n_classes %llu is outside [%d, %zu]",
                   (unsigned long long)n_classes,
                   f->task == NNLAB_TASK_CLASSIFICATION,
                   NNLAB_DATASET_MAX_CLASSES);
  if (f->class_names && n_names != n_classes)
    return invalid(ld, error, "/: %zu class_names for %llu classes", n_names,
                   (unsigned long long)n_classes);
  f->n_classes = (size_t)n_classes;
  AUTO_GROUP loss = h5_open_group(ld->file, "loss", ld->path, error);
  return loss >= 0 &&
         read_component(ld, loss, "/loss", NNLAB_KIND_LOSS, &f->loss, error);
}

static gboolean read_layers(loader *ld, nnlab_model_file *f, GError **error) {
  AUTO_GROUP layers = h5_open_group(ld->file, "layers", ld->path, error);
  guint64 count = 0, inputs = 0;
  if (layers < 0 ||
      !h5_read_uint64(layers, "count", ld->path, "/layers", &count, error) ||
      !h5_read_uint64(layers, "inputs", ld->path, "/layers", &inputs, error))
    return FALSE;
  if (count == 0 || count > MAX_LAYERS || inputs == 0 || inputs > MAX_UNITS)
    return invalid(ld, error,
                   "/layers: %llu layers of %llu inputs is not a "
                   "valid network",
                   (unsigned long long)count, (unsigned long long)inputs);
  g_autofree size_t *units = g_new0(size_t, count);
  nnlab_component *activations = g_new0(nnlab_component, count);
  gboolean ok = TRUE;
  size_t read = 0;
  for (; ok && read < count; read++) {
    char name[32], where[48];
    g_snprintf(name, sizeof name, "%zu", read + 1);
    g_snprintf(where, sizeof where, "/layers/%s", name);
    AUTO_GROUP layer = h5_open_group(layers, name, ld->path, error);
    guint64 n = 0;
    ok = layer >= 0 &&
         h5_read_uint64(layer, "units", ld->path, where, &n, error) &&
         (n > 0 && n <= MAX_UNITS
              ? TRUE
              : invalid(ld, error, "%s: %llu units is not valid", where,
                        (unsigned long long)n)) &&
         read_component(ld, layer, where, NNLAB_KIND_ACTIVATION,
                        &activations[read], error) &&
         /* The weights the sizes promise, before allocating for them. */
         h5_check_array(layer, "weights", ld->path, where, 2,
                        (hsize_t[]){read ? units[read - 1] : inputs, n},
                        error) &&
         h5_check_array(layer, "bias", ld->path, where, 1, (hsize_t[]){n},
                        error);
    units[read] = (size_t)n;
    if (!ok) break;
  }
  if (ok)
    f->model = nnlab_model_new_from_components((size_t)inputs, units,
                                               activations, count, error);
  for (size_t i = 0; i < count; i++) nnlab_component_clear(&activations[i]);
  g_free(activations);
  if (!f->model) return FALSE;
  size_t fan_in = (size_t)inputs;
  for (size_t l = 0; l < count; l++) {
    char name[48];
    g_snprintf(name, sizeof name, "/layers/%zu", l + 1);
    AUTO_GROUP layer = H5Gopen2(ld->file, name, H5P_DEFAULT);
    hsize_t w_dims[2] = {fan_in, units[l]}, b_dims[1] = {units[l]};
    if (!h5_read_array(layer, "weights", ld->path, name, H5T_NATIVE_FLOAT, 2,
                       w_dims, nnlab_model_layer_weights(f->model, l), error) ||
        !h5_read_array(layer, "bias", ld->path, name, H5T_NATIVE_FLOAT, 1,
                       b_dims, nnlab_model_layer_bias(f->model, l), error))
      return FALSE;
    fan_in = units[l];
  }
  return TRUE;
}

static gboolean read_standardization(loader *ld, nnlab_model_file *f,
                                     GError **error) {
  if (H5Lexists(ld->file, "standardization", H5P_DEFAULT) <= 0) return TRUE;
  AUTO_GROUP group =
      h5_open_group(ld->file, "standardization", ld->path, error);
  size_t d = nnlab_model_n_inputs(f->model);
  hsize_t dims[1] = {d};
  g_autofree float *mean = g_new(float, d), *std = g_new(float, d);
  GError *local = NULL;
  if (group < 0 ||
      !h5_read_array(group, "mean", ld->path, "/standardization",
                     H5T_NATIVE_FLOAT, 1, dims, mean, error) ||
      !h5_read_array(group, "std", ld->path, "/standardization",
                     H5T_NATIVE_FLOAT, 1, dims, std, error))
    return FALSE;
  if (!nnlab_model_set_standardization(f->model, mean, std, &local)) {
    g_propagate_prefixed_error(error, local,
                               "%s: /standardization: ", ld->path);
    return FALSE;
  }
  return TRUE;
}

static gboolean read_indices(loader *ld, hid_t group, const char *name,
                             size_t **out, size_t *n, GError **error) {
  hsize_t length = 0;
  if (!h5_array_length(group, name, ld->path, "/split", &length, error))
    return FALSE;
  if (length > G_MAXUINT32)
    return invalid(ld, error, "/split/%s: %llu rows is too many", name,
                   (unsigned long long)length);
  *n = (size_t)length;
  *out = alloc_array(MAX(length, 1), sizeof(size_t), "split rows", error);
  if (!*out) return FALSE;
  hsize_t dims[1] = {length};
  return h5_read_array(group, name, ld->path, "/split", H5T_NATIVE_UINT64, 1,
                       dims, *out, error);
}

static gboolean read_split(loader *ld, nnlab_model_file *f, GError **error) {
  if (H5Lexists(ld->file, "split", H5P_DEFAULT) <= 0) return TRUE;
  AUTO_GROUP group = h5_open_group(ld->file, "split", ld->path, error);
  nnlab_split *s = &f->split;
  guint64 seed = 0, stratified = 0;
  if (group < 0 ||
      !h5_attr_read_string(group, "data_path", "/split", &f->data_path,
                           error) ||
      !h5_attr_read_string(group, "data_digest", "/split", &f->data_digest,
                           error) ||
      !h5_read_uint64(group, "data_rows", ld->path, "/split", &f->data_rows,
                      error) ||
      !h5_read_double(group, "val_fraction", ld->path, "/split",
                      &f->split_config.val_fraction, error) ||
      !h5_read_double(group, "test_fraction", ld->path, "/split",
                      &f->split_config.test_fraction, error) ||
      !h5_read_uint64(group, "seed", ld->path, "/split", &seed, error) ||
      !h5_read_uint64(group, "stratified", ld->path, "/split", &stratified,
                      error) ||
      !read_indices(ld, group, "train", &s->train, &s->n_train, error) ||
      !read_indices(ld, group, "val", &s->val, &s->n_val, error) ||
      !read_indices(ld, group, "test", &s->test, &s->n_test, error))
    return FALSE;
  f->split_config.seed = seed;
  f->split_config.stratify = stratified != 0;
  const size_t *parts[] = {s->train, s->val, s->test};
  const size_t counts[] = {s->n_train, s->n_val, s->n_test};
  for (size_t p = 0; p < 3; p++)
    for (size_t i = 0; i < counts[p]; i++)
      if (parts[p][i] >= f->data_rows)
        return invalid(ld, error,
                       "/split: row %zu is outside the %llu rows "
                       "of the data",
                       parts[p][i], (unsigned long long)f->data_rows);
  return TRUE;
}

static gboolean read_history(loader *ld, nnlab_model_file *f, GError **error) {
  AUTO_GROUP group = h5_open_group(ld->file, "history", ld->path, error);
  hsize_t n = 0;
  if (group < 0 ||
      !h5_array_length(group, "epoch", ld->path, "/history", &n, error))
    return FALSE;
  if (n > 10000000)
    return invalid(ld, error, "/history: %llu epochs is too many",
                   (unsigned long long)n);
  hsize_t dims[1] = {n};
  f->n_epochs = (size_t)n;
  f->history =
      alloc_array(MAX(n, 1), sizeof(nnlab_epoch_record), "history", error);
  if (!f->history) return FALSE;
  g_autofree guint64 *epochs = g_new0(guint64, MAX(n, 1));
  g_autofree double *column = g_new0(double, MAX(n, 1));
  if (!h5_read_array(group, "epoch", ld->path, "/history", H5T_NATIVE_UINT64, 1,
                     dims, epochs, error))
    return FALSE;
  for (size_t i = 0; i < n; i++) f->history[i].epoch = (size_t)epochs[i];
  for (size_t c = 0; c < model_file_n_history_columns; c++) {
    if (!h5_read_array(group, model_file_history_columns[c].name, ld->path,
                       "/history", H5T_NATIVE_DOUBLE, 1, dims, column, error))
      return FALSE;
    for (size_t i = 0; i < n; i++)
      memcpy((char *)&f->history[i] + model_file_history_columns[c].offset,
             &column[i], sizeof(double));
  }
  return TRUE;
}

/* Reads name/N/weights and name/N/bias into a new flat buffer laid out
 * like the model's parameters. */
static float *read_param_tree(loader *ld, hid_t parent, const char *path,
                              const nnlab_model *model, GError **error) {
  const char *name = strrchr(path, '/') + 1;
  AUTO_GROUP tree = -1;
  if (H5Lexists(parent, name, H5P_DEFAULT) > 0)
    tree = H5Gopen2(parent, name, H5P_DEFAULT);
  if (tree < 0) {
    invalid(ld, error, "%s: missing", path);
    return NULL;
  }
  nnlab_model *m = (nnlab_model *)model;
  const float *params = nnlab_model_params(m);
  size_t n = nnlab_model_n_params(m), fan_in = nnlab_model_n_inputs(m);
  float *flat = alloc_floats(n, path, error);
  if (!flat) return NULL;
  for (size_t l = 0; l < nnlab_model_n_layers(m); l++) {
    char layer_name[32], where[256];
    g_snprintf(layer_name, sizeof layer_name, "%zu", l + 1);
    g_snprintf(where, sizeof where, "%s/%s", path, layer_name);
    size_t units = nnlab_model_layer_units(m, l);
    hsize_t w_dims[2] = {fan_in, units}, b_dims[1] = {units};
    AUTO_GROUP layer = h5_open_group(tree, layer_name, ld->path, error);
    if (layer < 0 ||
        !h5_read_array(
            layer, "weights", ld->path, where, H5T_NATIVE_FLOAT, 2, w_dims,
            flat + (nnlab_model_layer_weights(m, l) - params), error) ||
        !h5_read_array(layer, "bias", ld->path, where, H5T_NATIVE_FLOAT, 1,
                       b_dims, flat + (nnlab_model_layer_bias(m, l) - params),
                       error)) {
      g_free(flat);
      return NULL;
    }
    fan_in = units;
  }
  return flat;
}

/* Which rule stopped training: files written before the stop rules
 * existed could only stop early by early stopping. */
static gboolean read_stop_rule(loader *ld, hid_t group, nnlab_trainer_state *s,
                               GError **error) {
  const char *at = "/trainer";
  guint64 rule = 0;
  s->stop_rule = s->stopped_early ? NNLAB_STOP_EARLY_STOPPING : NNLAB_STOP_NONE;
  s->stop_value = s->stopped_early ? s->best_val_loss : 0;
  if (H5Aexists(group, "stop_rule") <= 0) return TRUE;
  if (!h5_read_uint64(group, "stop_rule", ld->path, at, &rule, error) ||
      !h5_read_double(group, "stop_value", ld->path, at, &s->stop_value, error))
    return FALSE;
  if (rule > NNLAB_STOP_GRAD_NORM ||
      (rule != NNLAB_STOP_NONE) != s->stopped_early)
    return invalid(ld, error,
                   "/trainer stop_rule is %" G_GUINT64_FORMAT
                   "; expected 0 to 3, and 0 exactly when stopped_early is 0",
                   rule);
  s->stop_rule = (nnlab_stop_rule)rule;
  return TRUE;
}

static gboolean read_trainer_state(loader *ld, hid_t group, nnlab_checkpoint *c,
                                   GError **error) {
  nnlab_trainer_state *s = &c->state;
  guint64 epochs = 0, best = 0, stopped = 0, bad = 0;
  hsize_t rng_dims[1] = {4};
  const char *at = "/trainer";
  if (!h5_read_uint64(group, "step", ld->path, at, &s->step, error) ||
      !h5_read_uint64(group, "epochs_done", ld->path, at, &epochs, error) ||
      !h5_read_uint64(group, "best_epoch", ld->path, at, &best, error) ||
      !h5_read_double(group, "best_val_loss", ld->path, at, &s->best_val_loss,
                      error) ||
      !h5_read_uint64(group, "stopped_early", ld->path, at, &stopped, error) ||
      !h5_read_double(group, "base_lr", ld->path, at, &s->schedule.base_lr,
                      error) ||
      !h5_read_double(group, "plateau_lr", ld->path, at,
                      &s->schedule.plateau_lr, error) ||
      !h5_read_double(group, "plateau_best_loss", ld->path, at,
                      &s->schedule.best_loss, error) ||
      !h5_read_uint64(group, "plateau_bad_epochs", ld->path, at, &bad, error) ||
      !h5_read_uint64(group, "init_seed", ld->path, at, &c->init_seed, error) ||
      !h5_read_array(group, "shuffle_rng_state", ld->path, at,
                     H5T_NATIVE_UINT64, 1, rng_dims, s->shuffle_rng.state,
                     error))
    return FALSE;
  s->epochs_done = (size_t)epochs;
  s->best_epoch = (size_t)best;
  s->stopped_early = stopped != 0;
  s->schedule.bad_epochs = (size_t)bad;
  return read_stop_rule(ld, group, s, error);
}

/* /optimizer and /trainer: present in checkpoints, absent in model files
 * written without training state. */
static gboolean read_checkpoint(loader *ld, nnlab_model_file *f,
                                GError **error) {
  if (H5Lexists(ld->file, "optimizer", H5P_DEFAULT) <= 0) return TRUE;
  nnlab_checkpoint *c = f->checkpoint = g_new0(nnlab_checkpoint, 1);
  AUTO_GROUP optimizer = h5_open_group(ld->file, "optimizer", ld->path, error);
  AUTO_GROUP trainer = h5_open_group(ld->file, "trainer", ld->path, error);
  if (optimizer < 0 || trainer < 0 ||
      !read_component(ld, optimizer, "/optimizer", NNLAB_KIND_OPTIMIZER,
                      &c->optimizer, error) ||
      !read_trainer_state(ld, trainer, c, error))
    return FALSE;
  const char *const *names = c->optimizer.info->optimizer.slot_names;
  for (; c->n_slots < NNLAB_MAX_SLOTS && names[c->n_slots]; c->n_slots++) {
    g_autofree char *path = g_strdup_printf("/optimizer/%s", names[c->n_slots]);
    c->slots[c->n_slots] =
        read_param_tree(ld, optimizer, path, f->model, error);
    if (!c->slots[c->n_slots]) return FALSE;
  }
  if (H5Lexists(trainer, "best_params", H5P_DEFAULT) > 0 &&
      !(c->best_params = read_param_tree(ld, trainer, "/trainer/best_params",
                                         f->model, error)))
    return FALSE;
  if (H5Lexists(trainer, "last_params", H5P_DEFAULT) > 0 &&
      !(c->last_params = read_param_tree(ld, trainer, "/trainer/last_params",
                                         f->model, error)))
    return FALSE;
  return TRUE;
}

/* An older file loads, but nothing can tell whether its values are
 * intact: said once, with how to add checksums. */
static void warn_unchecked(const char *path, const nnlab_model_file *f) {
  if (f->checkpoint)
    engine_warn(
        "%s: its arrays carry no checksums (written by an older "
        "nnlab), so damage to them goes undetected; to add them, "
        "save it again: nnlab train --resume %s --epochs %zu",
        path, path, f->checkpoint->state.epochs_done);
  else
    engine_warn(
        "%s: its arrays carry no checksums (written by an older "
        "nnlab), so damage to them goes undetected; train it again "
        "to add them",
        path);
}

nnlab_model_file *nnlab_model_file_load(const char *path,
                                        const nnlab_registry *registry,
                                        GError **error) {
  /* A FIFO or a device would block or be read as data: refused first. */
  if (!nnlab_check_input_file(path, error)) return NULL;
  h5_silence silence;
  h5_silence_errors(&silence);
  loader ld = {path, registry, -1, g_ptr_array_new_with_free_func(g_free),
               FALSE};
  nnlab_model_file *f = g_new0(nnlab_model_file, 1);
  gboolean ok = FALSE;
  if (H5Fis_hdf5(path) <= 0) {
    invalid(&ld, error, "not an HDF5 file (truncated or another format?)");
  } else if ((ld.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    invalid(&ld, error, "cannot open as HDF5 (truncated or corrupt?)");
  } else {
    ok = read_header(&ld, f, error) && read_layers(&ld, f, error) &&
         read_standardization(&ld, f, error) && read_split(&ld, f, error) &&
         read_history(&ld, f, error) && read_checkpoint(&ld, f, error);
  }
  if (ld.file >= 0) H5Fclose(ld.file);
  h5_unsilence_errors(&silence);
  g_ptr_array_add(ld.warnings, NULL);
  f->warnings = (char **)g_ptr_array_free(ld.warnings, FALSE);
  if (!ok) {
    /* Some helpers name only the HDF5 object: name the file too. */
    if (error && *error && !g_str_has_prefix((*error)->message, path))
      g_prefix_error(error, "%s: ", path);
    nnlab_model_file_free(f);
    return NULL;
  }
  if (!ld.checksums) warn_unchecked(path, f);
  return f;
}

void nnlab_model_file_free(nnlab_model_file *f) {
  if (!f) return;
  nnlab_model_free(f->model);
  nnlab_component_clear(&f->loss);
  g_strfreev(f->class_names);
  g_free(f->data_path);
  nnlab_split_clear(&f->split);
  g_free(f->history);
  g_free(f->config_text);
  g_free(f->config_path);
  g_free(f->nnlab_version);
  g_free(f->created);
  g_free(f->data_digest);
  if (f->checkpoint) {
    nnlab_component_clear(&f->checkpoint->optimizer);
    for (size_t i = 0; i < f->checkpoint->n_slots; i++)
      g_free(f->checkpoint->slots[i]);
    g_free(f->checkpoint->best_params);
    g_free(f->checkpoint->last_params);
    g_free(f->checkpoint);
  }
  g_strfreev(f->warnings);
  g_free(f);
}
