/* Run configs (docs/config.md): INI text with --set overrides into an
 * nnlab_run_config, every section and key checked and [layer.N]'s values
 * read, errors naming the file, line and key and suggesting the nearest.
 * It only parses: it loads no data and builds no model (run/run.c does,
 * and checks what needs the input width). */
#include <math.h>
#include <string.h>

#include <nnlab/config.h>
#include <nnlab/hparams.h>

#include <nnlab/common.h>
#include "io/ini_reader.h"
#include "train/config_internal.h"
#include "plugins/loss_pairing.h"
#include "base/suggest.h"
#include "base/text_list.h"

/* The keys each fixed section accepts; [optimizer] also takes the chosen
 * optimizer's hyperparameters and [layer.N] takes weights and bias. */
static const char *const data_keys[] = {
    "path",       "val_fraction", "test_fraction",
    "split_seed", "stratify",     "standardize",
    NULL};
static const char *const model_keys[] = {
    "hidden",     "activation", "output_activation",
    "outputs",    "layers",     "init",
    "init_scale", "seed",       NULL};
static const char *const training_keys[] = {"epochs",
                                            "batch_size",
                                            "loss",
                                            "shuffle",
                                            "shuffle_seed",
                                            "schedule",
                                            "schedule_unit",
                                            "step_size",
                                            "gamma",
                                            "warmup_epochs",
                                            "warmup_steps",
                                            "min_lr",
                                            "plateau_patience",
                                            "plateau_factor",
                                            "milestones",
                                            "total_iters",
                                            "power",
                                            "decay_rate",
                                            "max_lr",
                                            "pct_start",
                                            "anneal_strategy",
                                            "div_factor",
                                            "final_div_factor",
                                            "restart_period",
                                            "restart_mult",
                                            "early_stopping_patience",
                                            "clip_norm",
                                            "stop_loss",
                                            "stop_grad_norm",
                                            "rule",
                                            NULL};
static const char *const layer_keys[] = {"weights", "bias", NULL};

static const char *const section_names[] = {"data",      "model",   "training",
                                            "optimizer", "layer.N", NULL};

static gboolean is_layer_section(const char *name, size_t *index) {
  if (!g_str_has_prefix(name, "layer.")) return FALSE;
  char *end = NULL;
  guint64 n = g_ascii_strtoull(name + 6, &end, 10);
  if (*end || n == 0 || end == name + 6) return FALSE;
  *index = (size_t)n;
  return TRUE;
}

static gboolean check_sections(const ini_reader *r, GError **error) {
  g_auto(GStrv) groups = g_key_file_get_groups(r->file, NULL);
  for (size_t i = 0; groups[i]; i++) {
    const char *name = groups[i];
    size_t index;
    gboolean ok = TRUE;
    if (strcmp(name, "data") == 0)
      ok = ini_check_keys(r, name, data_keys, FALSE, NULL, error);
    else if (strcmp(name, "model") == 0)
      ok = ini_check_keys(r, name, model_keys, FALSE, NULL, error);
    else if (strcmp(name, "training") == 0)
      ok = ini_check_keys(r, name, training_keys, FALSE, NULL, error);
    else if (is_layer_section(name, &index))
      ok = ini_check_keys(r, name, layer_keys, FALSE, NULL, error);
    else if (strcmp(name, "optimizer") != 0) {
      g_autofree char *hint = suggest_hint(name, section_names);
      g_autofree char *shown = nnlab_excerpt(name);
      return ini_fail(r, name, NULL, error, "unknown section [%s]%s", shown,
                      hint);
    }
    if (!ok) return FALSE;
  }
  return TRUE;
}

static gboolean get_size(const ini_reader *r, const char *section,
                         const char *key, size_t fallback, size_t *out,
                         GError **error) {
  guint64 v = 0;
  if (!ini_get_count(r, section, key, fallback, 0, G_MAXUINT32, &v, error))
    return FALSE;
  *out = (size_t)v;
  return TRUE;
}

static gboolean config_resolve(const ini_reader *r,
                               const nnlab_registry *registry,
                               nnlab_plugin_kind kind, const char *section,
                               const char *key, const char *spec,
                               nnlab_component *out, GError **error) {
  if (nnlab_component_resolve(registry, kind, spec, out, error)) return TRUE;
  return ini_locate(r, section, key, error);
}

static gboolean read_data(const ini_reader *r, nnlab_run_config *c,
                          GError **error) {
  g_autofree char *path = NULL;
  if (!ini_get_string(r, "data", "path", NULL, &path, error)) return FALSE;
  if (!path || !*path)
    return ini_fail(r, "data", NULL, error,
                    "missing key 'path' in [data] (the dataset file)");
  g_autofree char *dir = g_path_get_dirname(r->path);
  c->data_path = g_path_is_absolute(path) ? g_strdup(path)
                                          : g_build_filename(dir, path, NULL);
  guint64 seed = 0;
  gboolean stratify = FALSE;
  if (!ini_get_double(r, "data", "val_fraction", 0, 0, 0.99,
                      &c->split.val_fraction, error) ||
      !ini_get_double(r, "data", "test_fraction", 0, 0, 0.99,
                      &c->split.test_fraction, error) ||
      !ini_get_count(r, "data", "split_seed", c->seed, 0, G_MAXUINT64, &seed,
                     error) ||
      !ini_get_bool(r, "data", "standardize", TRUE, &c->standardize, error))
    return FALSE;
  if (c->split.val_fraction + c->split.test_fraction >= 1)
    return ini_fail(r, "data", "test_fraction", error,
                    "val_fraction + test_fraction must be below 1");
  c->split.seed = seed;
  c->stratify = -1;
  if (g_key_file_has_key(r->file, "data", "stratify", NULL)) {
    if (!ini_get_bool(r, "data", "stratify", TRUE, &stratify, error))
      return FALSE;
    c->stratify = stratify;
  }
  return TRUE;
}

/* hidden, activation, output_activation and outputs: the shorthand for a
 * stack of dense layers and their activations. */
static gboolean read_hidden(const ini_reader *r, const nnlab_registry *registry,
                            nnlab_run_config *c, GError **error) {
  g_autofree char *hidden = NULL, *activation = NULL, *output = NULL;
  if (!ini_get_string(r, "model", "hidden", "", &hidden, error) ||
      !ini_get_string(r, "model", "activation", "relu", &activation, error) ||
      !ini_get_string(r, "model", "output_activation",
                      CONFIG_DEFAULT_OUTPUT_ACTIVATION, &output, error) ||
      !get_size(r, "model", "outputs", 0, &c->n_outputs, error))
    return FALSE;
  g_autoptr(GPtrArray) sizes = text_list_split(hidden);
  g_autoptr(GPtrArray) specs = text_list_split(activation);
  if (!sizes || !specs) {
    const char *key = sizes ? "activation" : "hidden";
    g_autofree char *shown = nnlab_excerpt(sizes ? activation : hidden);
    return ini_fail(r, "model", key, error, "%s: unbalanced brackets in '%s'",
                    key, shown);
  }
  if (sizes->len > MAX_HIDDEN_LAYERS)
    return ini_fail(r, "model", "hidden", error,
                    "hidden: %u hidden layers, more than the limit of %d",
                    sizes->len, MAX_HIDDEN_LAYERS);
  c->n_hidden = sizes->len;
  c->hidden_units = g_new0(size_t, MAX(c->n_hidden, 1));
  c->hidden_activations = g_new0(nnlab_component, MAX(c->n_hidden, 1));
  if (c->n_hidden && specs->len != 1 && specs->len != c->n_hidden)
    return ini_fail(r, "model", "activation", error,
                    "activation: give one activation for all %zu hidden "
                    "layers or one per layer, not %u",
                    c->n_hidden, specs->len);
  for (size_t i = 0; i < c->n_hidden; i++) {
    const char *size = g_ptr_array_index(sizes, i);
    char *end = NULL;
    guint64 units = g_ascii_strtoull(size, &end, 10);
    g_autofree char *shown = nnlab_excerpt(size);
    if (*end || units == 0 || size[0] == '-')
      return ini_fail(r, "model", "hidden", error,
                      "hidden: expected a comma-separated list of positive "
                      "layer sizes, got '%s'",
                      shown);
    if (units > MAX_UNITS)
      return ini_fail(r, "model", "hidden", error,
                      "hidden: layer %zu has %s units, more than the limit "
                      "of %u",
                      i + 1, shown, MAX_UNITS);
    c->hidden_units[i] = (size_t)units;
    const char *spec = g_ptr_array_index(specs, specs->len == 1 ? 0 : i);
    if (!config_resolve(r, registry, NNLAB_KIND_ACTIVATION, "model",
                        "activation", spec, &c->hidden_activations[i], error))
      return FALSE;
  }
  /* Without hidden layers the activation is unused, but a typo in it is
   * still an error. */
  for (size_t i = 0; c->n_hidden == 0 && i < specs->len; i++) {
    nnlab_component unused = {0};
    if (!config_resolve(r, registry, NNLAB_KIND_ACTIVATION, "model",
                        "activation", g_ptr_array_index(specs, i), &unused,
                        error))
      return FALSE;
    nnlab_component_clear(&unused);
  }
  /* The hidden layers alone, before the data gives the input width. */
  g_autofree char *location = ini_where(r, "model", "hidden");
  c->hidden_location = g_strdup_printf("%s: hidden", location);
  if (!config_check_parameters(c, 0, 0, error)) return FALSE;
  return config_resolve(r, registry, NNLAB_KIND_ACTIVATION, "model",
                        "output_activation", output, &c->output_activation,
                        error);
}

static gboolean read_model(const ini_reader *r, const nnlab_registry *registry,
                           nnlab_run_config *c, GError **error) {
  g_autofree char *init = NULL;
  if (!ini_get_string(r, "model", "init", "xavier_uniform", &init, error) ||
      !ini_get_double(r, "model", "init_scale", 0.1, 0, 1e6, &c->init_scale,
                      error))
    return FALSE;
  if (!nnlab_init_scheme_from_name(init, &c->init)) {
    g_autofree char *shown = nnlab_excerpt(init);
    return ini_fail(r, "model", "init", error,
                    "init: unknown scheme '%s'; expected zeros, uniform, "
                    "normal, xavier_uniform, xavier_normal, he_uniform or "
                    "he_normal",
                    shown);
  }
  return g_key_file_has_key(r->file, "model", "layers", NULL)
             ? config_read_layers(r, registry, c, error)
             : read_hidden(r, registry, c, error);
}

/* milestones = 30, 80: rising epoch (or step) numbers. */
static gboolean read_milestones(const ini_reader *r, nnlab_schedule_config *s,
                                GError **error) {
  g_autofree char *raw = ini_raw(r, "training", "milestones");
  s->n_milestones = 0;
  g_auto(GStrv) items = g_strsplit(raw ? raw : "", ",", -1);
  for (size_t i = 0; items[i]; i++) {
    char *item = g_strstrip(items[i]), *end = NULL;
    if (!*item && !items[1]) break; /* milestones = (none) */
    guint64 v = g_ascii_strtoull(item, &end, 10);
    gboolean rising =
        s->n_milestones == 0 || v > s->milestones[s->n_milestones - 1];
    if (!*item || *end || item[0] == '-' || v > G_MAXUINT32 || !rising) {
      g_autofree char *shown = nnlab_excerpt(raw);
      return ini_fail(r, "training", "milestones", error,
                      "milestones: expected rising whole numbers separated "
                      "by commas, e.g. 30, 80; got '%s'",
                      shown);
    }
    if (s->n_milestones == NNLAB_SCHEDULE_MAX_MILESTONES)
      return ini_fail(r, "training", "milestones", error,
                      "milestones: more than %d",
                      NNLAB_SCHEDULE_MAX_MILESTONES);
    s->milestones[s->n_milestones++] = (size_t)v;
  }
  if (s->kind == NNLAB_SCHEDULE_MULTISTEP && s->n_milestones == 0)
    return ini_fail(r, "training", "milestones", error,
                    "milestones: the multistep schedule needs at least one");
  return TRUE;
}

/* schedule_unit, and the warmup counted in that unit. */
static gboolean read_schedule_unit(const ini_reader *r,
                                   nnlab_schedule_config *s, GError **error) {
  g_autofree char *unit = NULL;
  if (!ini_get_string(r, "training", "schedule_unit", "epoch", &unit, error))
    return FALSE;
  if (strcmp(unit, "step") == 0) {
    s->unit = NNLAB_SCHEDULE_PER_STEP;
  } else if (strcmp(unit, "epoch") == 0) {
    s->unit = NNLAB_SCHEDULE_PER_EPOCH;
  } else {
    g_autofree char *shown = nnlab_excerpt(unit);
    return ini_fail(r, "training", "schedule_unit", error,
                    "schedule_unit: expected epoch or step, got '%s'", shown);
  }
  gboolean per_step = s->unit == NNLAB_SCHEDULE_PER_STEP;
  const char *key = per_step ? "warmup_steps" : "warmup_epochs";
  const char *other = per_step ? "warmup_epochs" : "warmup_steps";
  if (g_key_file_has_key(r->file, "training", other, NULL))
    return ini_fail(r, "training", other, error,
                    "%s: with schedule_unit = %s the warmup is %s", other,
                    per_step ? "step" : "epoch", key);
  if (per_step && s->kind == NNLAB_SCHEDULE_PLATEAU)
    return ini_fail(r, "training", "schedule_unit", error,
                    "schedule_unit: the plateau schedule watches each "
                    "epoch's loss; use schedule_unit = epoch");
  return get_size(r, "training", key, 0, &s->warmup, error);
}

static gboolean read_one_cycle(const ini_reader *r, nnlab_schedule_config *s,
                               GError **error) {
  g_autofree char *anneal = NULL;
  if (!ini_get_double(r, "training", "max_lr", 0, 0, 1e6, &s->max_lr, error) ||
      !ini_get_double(r, "training", "pct_start", 0.3, 1e-9, 1 - 1e-9,
                      &s->pct_start, error) ||
      !ini_get_double(r, "training", "div_factor", 25, 1e-9, 1e12,
                      &s->div_factor, error) ||
      !ini_get_double(r, "training", "final_div_factor", 1e4, 1e-9, 1e12,
                      &s->final_div_factor, error) ||
      !ini_get_string(r, "training", "anneal_strategy", "cos", &anneal, error))
    return FALSE;
  s->anneal_linear = strcmp(anneal, "linear") == 0;
  if (!s->anneal_linear && strcmp(anneal, "cos") != 0) {
    g_autofree char *shown = nnlab_excerpt(anneal);
    return ini_fail(r, "training", "anneal_strategy", error,
                    "anneal_strategy: expected cos or linear, got '%s'", shown);
  }
  return TRUE;
}

#define SCHEDULES(kind) (1u << NNLAB_SCHEDULE_##kind)

/* The schedules each key shapes: a key set for another schedule would be
 * silently ignored, so it is an error. */
static const struct schedule_key {
  const char *key;
  unsigned schedules;
} schedule_keys[] = {
    {"step_size", SCHEDULES(STEP)},
    {"gamma", SCHEDULES(STEP) | SCHEDULES(MULTISTEP) | SCHEDULES(EXPONENTIAL)},
    {"milestones", SCHEDULES(MULTISTEP)},
    {"min_lr",
     SCHEDULES(COSINE) | SCHEDULES(COSINE_RESTARTS) | SCHEDULES(PLATEAU)},
    {"warmup_epochs", SCHEDULES(COSINE)},
    {"warmup_steps", SCHEDULES(COSINE)},
    {"plateau_patience", SCHEDULES(PLATEAU)},
    {"plateau_factor", SCHEDULES(PLATEAU)},
    {"total_iters", SCHEDULES(POLYNOMIAL)},
    {"power", SCHEDULES(POLYNOMIAL)},
    {"decay_rate", SCHEDULES(INVERSE_TIME)},
    {"restart_period", SCHEDULES(COSINE_RESTARTS)},
    {"restart_mult", SCHEDULES(COSINE_RESTARTS)},
    {"max_lr", SCHEDULES(ONE_CYCLE)},
    {"pct_start", SCHEDULES(ONE_CYCLE)},
    {"div_factor", SCHEDULES(ONE_CYCLE)},
    {"final_div_factor", SCHEDULES(ONE_CYCLE)},
    {"anneal_strategy", SCHEDULES(ONE_CYCLE)},
};

static gboolean check_schedule_keys(const ini_reader *r,
                                    nnlab_schedule_kind kind, GError **error) {
  for (size_t i = 0; i < G_N_ELEMENTS(schedule_keys); i++) {
    const struct schedule_key *k = &schedule_keys[i];
    if (k->schedules & (1u << kind) ||
        !g_key_file_has_key(r->file, "training", k->key, NULL))
      continue;
    g_autoptr(GString) owners = g_string_new(NULL);
    for (unsigned j = 0; j < 32; j++)
      if (k->schedules & (1u << j))
        g_string_append_printf(
            owners, "%s%s", owners->len ? ", " : "",
            nnlab_schedule_kind_name((nnlab_schedule_kind)j));
    return ini_fail(r, "training", k->key, error,
                    "%s shapes only schedule = %s, not %s (remove it, or "
                    "choose that schedule)",
                    k->key, owners->str, nnlab_schedule_kind_name(kind));
  }
  return TRUE;
}

static gboolean read_schedule(const ini_reader *r, nnlab_schedule_config *s,
                              GError **error) {
  g_autofree char *kind = NULL;
  guint64 period = 0, mult = 0;
  if (!ini_get_string(r, "training", "schedule", "constant", &kind, error))
    return FALSE;
  if (!nnlab_schedule_kind_from_name(kind, &s->kind)) {
    g_autofree char *shown = nnlab_excerpt(kind);
    return ini_fail(r, "training", "schedule", error,
                    "schedule: unknown '%s'; expected constant, step, "
                    "multistep, exponential, polynomial, inverse_time, "
                    "cosine, cosine_restarts, one_cycle or plateau",
                    shown);
  }
  if (!check_schedule_keys(r, s->kind, error) ||
      !read_schedule_unit(r, s, error) || !read_milestones(r, s, error) ||
      !read_one_cycle(r, s, error) ||
      !get_size(r, "training", "step_size", 10, &s->step_size, error) ||
      !ini_get_double(r, "training", "gamma", 0.1, 0, 1, &s->gamma, error) ||
      !ini_get_double(r, "training", "min_lr", 0, 0, 1e6, &s->min_lr, error) ||
      !get_size(r, "training", "plateau_patience", 10, &s->patience, error) ||
      !ini_get_double(r, "training", "plateau_factor", 0.1, 0, 1, &s->factor,
                      error) ||
      !get_size(r, "training", "total_iters", 0, &s->total_iters, error) ||
      !ini_get_double(r, "training", "power", 1, 1e-9, 1e6, &s->power, error) ||
      !ini_get_double(r, "training", "decay_rate", 0.1, 0, 1e12, &s->decay_rate,
                      error) ||
      !ini_get_count(r, "training", "restart_period", 10, 0, G_MAXUINT32,
                     &period, error) ||
      !ini_get_count(r, "training", "restart_mult", 1, 0, 1000, &mult, error))
    return FALSE;
  s->restart_period = (size_t)period;
  s->restart_mult = (size_t)mult;
  if (s->step_size == 0)
    return ini_fail(r, "training", "step_size", error,
                    "step_size must be at least 1");
  if (period == 0 || mult == 0)
    return ini_fail(r, "training", period ? "restart_mult" : "restart_period",
                    error, "%s must be at least 1",
                    period ? "restart_mult" : "restart_period");
  return TRUE;
}

static gboolean read_training(const ini_reader *r,
                              const nnlab_registry *registry,
                              nnlab_run_config *c, GError **error) {
  nnlab_train_config *t = &c->train;
  nnlab_train_config_init(t);
  g_autofree char *batch = ini_raw(r, "training", "batch_size");
  g_autofree char *loss = NULL, *rule = NULL;
  guint64 shuffle_seed = 0;
  if (batch && g_ascii_strcasecmp(batch, "full") == 0)
    t->batch_size = 0;
  else if (!get_size(r, "training", "batch_size", 32, &t->batch_size, error))
    return FALSE;
  if (!get_size(r, "training", "epochs", 10, &t->epochs, error) ||
      !ini_get_bool(r, "training", "shuffle", TRUE, &t->shuffle, error) ||
      !ini_get_count(r, "training", "shuffle_seed", c->seed, 0, G_MAXUINT64,
                     &shuffle_seed, error) ||
      !get_size(r, "training", "early_stopping_patience", 0,
                &t->early_stopping_patience, error) ||
      !ini_get_double(r, "training", "clip_norm", 0, 0, 1e12, &t->clip_norm,
                      error) ||
      !ini_get_double(r, "training", "stop_loss", 0, 0, 1e300, &t->stop_loss,
                      error) ||
      !ini_get_double(r, "training", "stop_grad_norm", 0, 0, 1e300,
                      &t->stop_grad_norm, error) ||
      !read_schedule(r, &t->schedule, error))
    return FALSE;
  t->seed = shuffle_seed;
  if (!ini_get_string(r, "training", "rule", "gradient", &rule, error))
    return FALSE;
  if (strcmp(rule, "perceptron") == 0)
    c->perceptron_rule = TRUE;
  else if (strcmp(rule, "gradient") != 0) {
    g_autofree char *shown = nnlab_excerpt(rule);
    return ini_fail(r, "training", "rule", error,
                    "rule: expected gradient or perceptron, got '%s'", shown);
  }
  if (t->early_stopping_patience && c->split.val_fraction == 0)
    return ini_fail(r, "training", "early_stopping_patience", error,
                    "early stopping needs validation data: set "
                    "[data] val_fraction");
  if (!ini_get_string(r, "training", "loss", NULL, &loss, error)) return FALSE;
  if (!loss || !*loss)
    return ini_fail(r, "training", NULL, error,
                    "missing key 'loss' in [training] (e.g. loss = mse or "
                    "loss = cross_entropy)");
  c->loss_location = ini_where(r, "training", "loss");
  return config_resolve(r, registry, NNLAB_KIND_LOSS, "training", "loss", loss,
                        &c->loss, error);
}

static gboolean read_optimizer(const ini_reader *r,
                               const nnlab_registry *registry,
                               nnlab_run_config *c, GError **error) {
  g_autofree char *name = NULL;
  if (!ini_get_string(r, "optimizer", "name", "sgd", &name, error) ||
      !config_resolve(r, registry, NNLAB_KIND_OPTIMIZER, "optimizer", "name",
                      name, &c->optimizer, error))
    return FALSE;
  g_auto(GStrv) keys = g_key_file_get_keys(r->file, "optimizer", NULL, NULL);
  for (size_t i = 0; keys && keys[i]; i++) {
    if (strcmp(keys[i], "name") == 0) continue;
    g_autofree char *value = ini_raw(r, "optimizer", keys[i]);
    if (!nnlab_hparams_set(c->optimizer.info, c->optimizer.hparams, keys[i],
                           value, error))
      return ini_locate(r, "optimizer", keys[i], error);
  }
  return TRUE;
}

/* The output activation and the loss, judged by their properties. */
static gboolean check_pairing(const ini_reader *r,
                              const nnlab_registry *registry,
                              const nnlab_run_config *c, GError **error) {
  gboolean gradient_training = !c->perceptron_rule && c->train.epochs > 0;
  g_autofree char *problem =
      loss_pairing_problem(&c->output_activation, &c->loss, gradient_training,
                           CONFIG_DEFAULT_OUTPUT_ACTIVATION, registry);
  return !problem || ini_fail(r, "training", "loss", error, "%s", problem);
}

/* [layer.N] numbers beyond the model's layers. */
static gboolean check_layer_sections(const ini_reader *r,
                                     const nnlab_run_config *c,
                                     GError **error) {
  g_auto(GStrv) groups = g_key_file_get_groups(r->file, NULL);
  for (size_t i = 0; groups[i]; i++) {
    size_t index;
    if (is_layer_section(groups[i], &index) && index > c->n_hidden + 1) {
      g_autofree char *shown = nnlab_excerpt(groups[i]);
      return ini_fail(r, groups[i], NULL, error,
                      "[%s]: the model has %zu layers (hidden layers, then "
                      "the output layer)",
                      shown, c->n_hidden + 1);
    }
  }
  return TRUE;
}

/* "1, -1; -1, 1": rows separated by ';', values by ','. Only counted
 * here: the rows' shape waits for the input width (build_model). */
static gboolean parse_floats(const ini_reader *r, const char *section,
                             const char *key, float **out, size_t *count,
                             char **location, GError **error) {
  g_autofree char *raw = ini_raw(r, section, key);
  if (!raw) return TRUE;
  /* Zero-terminated, so never NULL even when empty. */
  g_autoptr(GArray) values = g_array_new(TRUE, FALSE, sizeof(float));
  g_auto(GStrv) rows = g_strsplit(raw, ";", -1);
  for (size_t i = 0; rows[i]; i++) {
    g_auto(GStrv) cells = g_strsplit(rows[i], ",", -1);
    for (size_t j = 0; cells[j]; j++) {
      char *cell = g_strstrip(cells[j]), *end = NULL;
      if (!*cell) continue;
      double v = g_ascii_strtod(cell, &end);
      if (*end || !isfinite(v)) {
        g_autofree char *shown = nnlab_excerpt(cell);
        return ini_fail(r, section, key, error,
                        "%s: '%s' is not a finite number", key, shown);
      }
      float f = (float)v;
      g_array_append_val(values, f);
    }
  }
  *count = values->len;
  *location = ini_where(r, section, key);
  *out = (float *)g_array_free(g_steal_pointer(&values), FALSE);
  return TRUE;
}

/* Each layer's hand-set weights and bias, from [layer.N]. */
static gboolean read_layers(const ini_reader *r, nnlab_run_config *c,
                            GError **error) {
  if (!check_layer_sections(r, c, error)) return FALSE;
  c->layers = g_new0(nnlab_run_config_layer, c->n_hidden + 1);
  for (size_t l = 0; l <= c->n_hidden; l++) {
    nnlab_run_config_layer *layer = &c->layers[l];
    g_autofree char *section = g_strdup_printf("layer.%zu", l + 1);
    if (!parse_floats(r, section, "weights", &layer->weights, &layer->n_weights,
                      &layer->weights_location, error) ||
        !parse_floats(r, section, "bias", &layer->bias, &layer->n_bias,
                      &layer->bias_location, error))
      return FALSE;
  }
  return TRUE;
}

void nnlab_run_config_free(nnlab_run_config *c) {
  if (!c) return;
  for (size_t i = 0; c->hidden_activations && i < c->n_hidden; i++)
    nnlab_component_clear(&c->hidden_activations[i]);
  g_free(c->hidden_activations);
  g_free(c->hidden_units);
  nnlab_component_clear(&c->output_activation);
  nnlab_component_clear(&c->loss);
  nnlab_component_clear(&c->optimizer);
  g_free(c->loss_location);
  g_free(c->hidden_location);
  for (size_t i = 0; c->layers && i <= c->n_hidden; i++) {
    g_free(c->layers[i].weights);
    g_free(c->layers[i].bias);
    g_free(c->layers[i].weights_location);
    g_free(c->layers[i].bias_location);
  }
  g_free(c->layers);
  g_free(c->data_path);
  g_free(c->text);
  g_free(c->path);
  g_free(c);
}

nnlab_run_config *nnlab_run_config_parse(const char *text, const char *path,
                                         const char *const *overrides,
                                         const nnlab_registry *registry,
                                         GError **error) {
  g_auto(ini_reader) r = {0};
  if (!ini_load(&r, text, path, overrides, "training.epochs=50", error))
    return NULL;
  nnlab_run_config *c = g_new0(nnlab_run_config, 1);
  c->path = g_strdup(path);
  c->text = g_key_file_to_data(r.file, NULL, NULL);
  guint64 seed = 0;
  if (!check_sections(&r, error) ||
      !ini_get_count(&r, "model", "seed", 0, 0, G_MAXUINT64, &seed, error)) {
    nnlab_run_config_free(c);
    return NULL;
  }
  c->seed = seed;
  if (!read_data(&r, c, error) || !read_model(&r, registry, c, error) ||
      !read_training(&r, registry, c, error) ||
      !read_optimizer(&r, registry, c, error) ||
      !check_pairing(&r, registry, c, error) || !read_layers(&r, c, error)) {
    nnlab_run_config_free(c);
    return NULL;
  }
  return c;
}

nnlab_run_config *nnlab_run_config_load(const char *path,
                                        const char *const *overrides,
                                        const nnlab_registry *registry,
                                        GError **error) {
  g_autofree char *text = ini_read_file(path, error);
  if (!text) return NULL;
  return nnlab_run_config_parse(text, path, overrides, registry, error);
}

size_t nnlab_run_config_outputs_for(const nnlab_run_config *c,
                                    const nnlab_dataset *data) {
  if (c->n_outputs) return c->n_outputs;
  if (data->task == NNLAB_TASK_REGRESSION) return data->n_targets;
  /* Two classes fit one output (a probability or a logit), except for
   * the losses that need a score per class. */
  gboolean per_class = (c->loss.info->loss_properties.needs &
                        NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS) != 0;
  if (data->n_classes <= 2 && (!per_class || c->perceptron_rule)) return 1;
  return data->n_classes;
}

gboolean nnlab_run_config_check_data(const nnlab_run_config *c,
                                     const nnlab_dataset *data,
                                     GError **error) {
  g_return_val_if_fail(c != NULL && data != NULL, FALSE);
  g_autofree char *problem =
      loss_data_problem(&c->loss, data->task, c->data_path);
  if (!problem) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s",
              c->loss_location ? c->loss_location : c->path, problem);
  return FALSE;
}
