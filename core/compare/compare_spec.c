/* Reading a comparison spec: [compare], [problem] and [candidate NAME]
 * sections (docs/compare.md). Everything is checked, and every run's
 * config parsed, before anything runs; errors name the file and line.
 * It runs nothing and writes nothing. */
#include <math.h>
#include <string.h>

#include <nnlab/files.h>
#include <nnlab/hparams.h>

#include "compare/compare_spec.h"
#include <nnlab/common.h>
#include "base/suggest.h"

#define MAX_SEEDS 10000
#define MAX_GRID 100

static const char *const compare_keys[] = {
    "title",   "seeds",        "target",   "target_metric",
    "sort_by", "sweep_metric", "baseline", "plot_format",
    "band",    "x_axis",       NULL};
static const char *const function_keys[] = {
    "function", "start", "steps",        "noise",      "condition",
    "angle",    "dim",   "problem_seed", "batch_size", NULL};
static const char *const candidate_keys[] = {"optimizer", "lr", "batch_size",
                                             "activation", NULL};
static const char *const section_names[] = {"compare", "problem",
                                            "candidate NAME", NULL};
static const char *const metric_names[] = {
    "train_loss",       "train_accuracy",    "train_rmse",
    "train_mae",        "train_r2",          "val_loss",
    "val_accuracy",     "val_rmse",          "val_mae",
    "val_r2",           "test_loss",         "test_accuracy",
    "test_rmse",        "test_mae",          "test_r2",
    "epochs_to_target", "seconds_to_target", NULL};
const char *const compare_function_names[] = {"rosenbrock", "beale", "bowl",
                                              "quadratic_deep", NULL};
static const char *const x_axis_names[] = {"epoch", "step", "samples", NULL};

const char *nnlab_compare_x_axis_name(nnlab_compare_x_axis axis) {
  return (size_t)axis < G_N_ELEMENTS(x_axis_names) - 1 ? x_axis_names[axis]
                                                       : NULL;
}

const char *nnlab_compare_metric_name(nnlab_compare_metric metric) {
  return (size_t)metric < G_N_ELEMENTS(metric_names) - 1 ? metric_names[metric]
                                                         : NULL;
}

gboolean nnlab_compare_metric_from_name(const char *name,
                                        nnlab_compare_metric *metric) {
  if (strcmp(name, "loss") == 0) name = "train_loss";
  for (size_t i = 0; metric_names[i]; i++)
    if (strcmp(name, metric_names[i]) == 0)
      return *metric = (nnlab_compare_metric)i, TRUE;
  return FALSE;
}

/* The measure of a metric on its part of the data. */
typedef enum metric_measure {
  MEASURE_LOSS,
  MEASURE_ACCURACY,
  MEASURE_RMSE,
  MEASURE_MAE,
  MEASURE_R2,
} metric_measure;

static metric_measure measure_of(nnlab_compare_metric metric) {
  return (metric_measure)(metric % NNLAB_COMPARE_N_MEASURES);
}

gboolean nnlab_compare_metric_higher_is_better(nnlab_compare_metric metric) {
  if (metric >= NNLAB_COMPARE_N_FINAL) return FALSE;
  return measure_of(metric) == MEASURE_ACCURACY ||
         measure_of(metric) == MEASURE_R2;
}

gboolean nnlab_compare_metric_is_loss(nnlab_compare_metric metric) {
  return metric < NNLAB_COMPARE_N_FINAL && measure_of(metric) == MEASURE_LOSS;
}

static gboolean read_seeds(const ini_reader *r, nnlab_compare *c,
                           GError **error) {
  g_autofree char *raw = ini_raw(r, "compare", "seeds");
  if (!raw) raw = g_strdup("1..3");
  g_autoptr(GArray) seeds = g_array_new(FALSE, FALSE, sizeof(guint64));
  g_auto(GStrv) items = g_strsplit(raw, ",", -1);
  for (size_t i = 0; items[i]; i++) {
    char *item = g_strstrip(items[i]);
    char *dots = strstr(item, "..");
    guint64 from = 0, to = 0;
    gboolean ok;
    if (dots) {
      *dots = '\0';
      ok = ini_parse_count(g_strstrip(item), G_MAXUINT64, &from) &&
           ini_parse_count(g_strstrip(dots + 2), G_MAXUINT64, &to) &&
           from <= to && to - from < MAX_SEEDS;
    } else {
      ok = ini_parse_count(item, G_MAXUINT64, &from);
      to = from;
    }
    if (!ok) {
      g_autofree char *shown = nnlab_excerpt(raw);
      return ini_fail(r, "compare", "seeds", error,
                      "seeds: expected seeds like '1, 2, 3' or a range like "
                      "'1..5', got '%s'",
                      shown);
    }
    for (guint64 s = from;; s++) {
      for (guint j = 0; j < seeds->len; j++)
        if (g_array_index(seeds, guint64, j) == s)
          return ini_fail(r, "compare", "seeds", error,
                          "seeds: seed %" G_GUINT64_FORMAT " appears twice", s);
      g_array_append_val(seeds, s);
      if (seeds->len > MAX_SEEDS)
        return ini_fail(r, "compare", "seeds", error, "seeds: at most %d seeds",
                        MAX_SEEDS);
      if (s == to) break;
    }
  }
  if (seeds->len == 0)
    return ini_fail(r, "compare", "seeds", error, "seeds: give at least one");
  c->n_seeds = seeds->len;
  c->seeds = (uint64_t *)g_array_steal(seeds, NULL);
  return TRUE;
}

/* A learning rate, a list of them, or logspace(FROM, TO, COUNT). */
static gboolean parse_grid(const char *raw, GArray *values) {
  if (g_str_has_prefix(raw, "logspace")) {
    const char *open = strchr(raw, '(');
    size_t len = strlen(raw);
    if (!open || raw[len - 1] != ')') return FALSE;
    g_autofree char *inner = g_strndup(open + 1, len - (open - raw) - 2);
    g_auto(GStrv) parts = g_strsplit(inner, ",", -1);
    double from = 0, to = 0;
    guint64 count = 0;
    if (g_strv_length(parts) != 3 ||
        !ini_parse_number(g_strstrip(parts[0]), &from) ||
        !ini_parse_number(g_strstrip(parts[1]), &to) ||
        !ini_parse_count(g_strstrip(parts[2]), MAX_GRID, &count) || from <= 0 ||
        to <= 0 || count < 2)
      return FALSE;
    for (guint64 i = 0; i < count; i++) {
      double v = from * pow(to / from, (double)i / (double)(count - 1));
      g_array_append_val(values, v);
    }
    return TRUE;
  }
  g_auto(GStrv) items = g_strsplit(raw, ",", -1);
  for (size_t i = 0; items[i]; i++) {
    double v = 0;
    if (!ini_parse_number(g_strstrip(items[i]), &v) || v <= 0) return FALSE;
    g_array_append_val(values, v);
  }
  return values->len > 0 && values->len <= MAX_GRID;
}

/* ---- The spec ------------------------------------------------------------
 */

static gboolean is_candidate_group(const char *group) {
  return g_str_has_prefix(group, "candidate") &&
         (group[9] == '\0' || g_ascii_isspace(group[9]));
}

static gboolean check_sections(spec_state *s, GError **error) {
  g_auto(GStrv) groups = g_key_file_get_groups(s->r.file, NULL);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; groups[i]; i++) {
    const char *g = groups[i];
    if (strcmp(g, "compare") == 0 || strcmp(g, "problem") == 0) continue;
    if (is_candidate_group(g)) {
      g_ptr_array_add(candidates, g_strdup(g));
      continue;
    }
    g_autofree char *first = g_strdup(g);
    char *space = strchr(first, ' ');
    if (space) *space = '\0';
    const char *nearest = suggest_nearest(first, section_names);
    if (!nearest && g_str_has_prefix("candidate", first) && *first)
      nearest = "candidate NAME";
    g_autofree char *hint =
        nearest ? g_strdup_printf(" (did you mean [%s]?)", nearest)
                : g_strdup("");
    g_autofree char *shown = nnlab_excerpt(g);
    return ini_fail(&s->r, g, NULL, error,
                    "unknown section [%s]%s; expected [compare], [problem] "
                    "and [candidate NAME] sections",
                    shown, hint);
  }
  if (!g_key_file_has_group(s->r.file, "problem"))
    return ini_fail(&s->r, "problem", NULL, error,
                    "missing section [problem] (config = FILE.ini, or "
                    "function = rosenbrock, beale, bowl or quadratic_deep)");
  if (candidates->len == 0)
    return ini_fail(&s->r, "problem", NULL, error,
                    "no [candidate NAME] sections: name at least one "
                    "candidate to run");
  g_ptr_array_add(candidates, NULL);
  s->groups = (char **)g_ptr_array_steal(candidates, NULL);
  return TRUE;
}

/* ini_check_keys; in a candidate, an unknown key with no near name is
 * most likely an optimizer's hyperparameter. */
static gboolean check_keys(const ini_reader *r, const char *section,
                           const char *const *known, gboolean dotted_ok,
                           GError **error) {
  const char *otherwise =
      is_candidate_group(section)
          ? "; an optimizer's hyperparameters go in its spec, e.g. "
            "optimizer = adam(lr=0.01, betas=(0.9, 0.99))"
          : NULL;
  return ini_check_keys(r, section, known, dotted_ok, otherwise, error);
}

/* Keys of train configs that the harness sets itself, or that must be the
 * same for every candidate. */
static gboolean check_config_key(const ini_reader *r, const char *section,
                                 const char *key, gboolean in_candidate,
                                 GError **error) {
  if (!strcmp(key, "model.seed") || !strcmp(key, "training.shuffle_seed"))
    return ini_fail(r, section, key, error,
                    "%s: the seeds come from [compare] seeds, so that every "
                    "candidate starts from the same weights and data order",
                    key);
  if (in_candidate && g_str_has_prefix(key, "data."))
    return ini_fail(r, section, key, error,
                    "%s: data settings belong in [problem], so that every "
                    "candidate sees the same data and split",
                    key);
  if (!in_candidate && g_str_has_prefix(key, "optimizer."))
    return ini_fail(r, section, key, error,
                    "%s: optimizer settings belong to the candidates "
                    "(optimizer = NAME(key=value, ...))",
                    key);
  return TRUE;
}

static gboolean read_compare(spec_state *s, nnlab_compare *c, GError **error) {
  const ini_reader *r = &s->r;
  if (!check_keys(r, "compare", compare_keys, FALSE, error) ||
      !read_seeds(r, c, error))
    return FALSE;
  g_autofree char *title = ini_raw(r, "compare", "title");
  if (title && *title) {
    c->title = g_steal_pointer(&title);
  } else {
    c->title = g_path_get_basename(c->spec_path);
    char *dot = strrchr(c->title, '.');
    if (dot && dot != c->title) *dot = '\0';
  }
  static const char *const formats[] = {"png", "svg", NULL};
  static const char *const bands[] = {"minmax", "std", NULL};
  size_t format = 0, band = 0;
  if (!ini_get_choice(r, "compare", "plot_format", formats, &format, error) ||
      !ini_get_choice(r, "compare", "band", bands, &band, error))
    return FALSE;
  c->plot_format = g_strdup(formats[format]);
  c->std_band = band == 1;
  g_autofree char *target = ini_raw(r, "compare", "target");
  if (target) {
    if (!ini_parse_number(target, &c->target)) {
      g_autofree char *shown = nnlab_excerpt(target);
      return ini_fail(r, "compare", "target", error,
                      "target: expected a number, got '%s'", shown);
    }
    c->has_target = TRUE;
  }
  return TRUE;
}

/* A metric key: one of the names, fitting the problem (validation or test
 * data, the task's measures, a curve). */
static gboolean read_metric(const spec_state *s, const nnlab_compare *c,
                            const char *key, nnlab_compare_metric fallback,
                            gboolean curve_only, gboolean final_only,
                            nnlab_compare_metric *out, GError **error) {
  const ini_reader *r = &s->r;
  g_autofree char *raw = ini_raw(r, "compare", key);
  if (!raw) return *out = fallback, TRUE;
  if (!nnlab_compare_metric_from_name(raw, out)) {
    g_autofree char *hint = suggest_hint(raw, metric_names);
    g_autofree char *shown = nnlab_excerpt(raw);
    return ini_fail(r, "compare", key, error,
                    "%s: unknown metric '%s'%s; expected train_, val_ or "
                    "test_ followed by loss, accuracy, rmse, mae or r2, or "
                    "epochs_to_target or seconds_to_target",
                    key, shown, hint);
  }
  nnlab_compare_metric m = *out;
  gboolean timing = m == NNLAB_COMPARE_EPOCHS_TO_TARGET ||
                    m == NNLAB_COMPARE_SECONDS_TO_TARGET;
  if (timing && (final_only || curve_only))
    return ini_fail(r, "compare", key, error,
                    "%s: expected a metric such as val_loss, not %s", key, raw);
  if (timing && !c->has_target)
    return ini_fail(r, "compare", key, error, "%s: %s needs [compare] target",
                    key, raw);
  if (curve_only && m >= NNLAB_COMPARE_TEST_LOSS)
    return ini_fail(r, "compare", key, error,
                    "%s: %s is measured only at the end; use a train_ or "
                    "val_ metric",
                    key, raw);
  if (timing) return TRUE;
  if (c->kind != NNLAB_COMPARE_DATASET && m != NNLAB_COMPARE_TRAIN_LOSS)
    return ini_fail(r, "compare", key, error,
                    "%s: a test function has one loss, f(x) - f(x*): use "
                    "loss",
                    key);
  metric_measure measure = measure_of(m);
  if (measure == MEASURE_ACCURACY && c->task != NNLAB_TASK_CLASSIFICATION)
    return ini_fail(r, "compare", key, error,
                    "%s: %s needs a classification problem; use rmse, mae "
                    "or r2 for regression",
                    key, raw);
  if (measure > MEASURE_ACCURACY && c->task != NNLAB_TASK_REGRESSION)
    return ini_fail(r, "compare", key, error,
                    "%s: %s needs a regression problem; use accuracy for "
                    "classification",
                    key, raw);
  const nnlab_run_config *base = c->priv->configs ? c->priv->configs[0] : NULL;
  gboolean is_val = m >= NNLAB_COMPARE_VAL_LOSS && m < NNLAB_COMPARE_TEST_LOSS;
  gboolean is_test = m >= NNLAB_COMPARE_TEST_LOSS;
  if ((is_val && (!base || base->split.val_fraction == 0)) ||
      (is_test && (!base || base->split.test_fraction == 0)))
    return ini_fail(r, "compare", key, error,
                    "%s: %s needs %s data ([data] %s in the problem's config)",
                    key, raw, is_val ? "validation" : "test",
                    is_val ? "val_fraction" : "test_fraction");
  return TRUE;
}

/* With mixed losses, a metric that ranks candidates (sort_by, and the
 * target that times them) must not be a loss. */
static gboolean check_comparable(const spec_state *s, const char *key,
                                 nnlab_compare_metric metric,
                                 nnlab_compare_metric common,
                                 const char *losses, GError **error) {
  if (!nnlab_compare_metric_is_loss(metric)) return TRUE;
  return ini_fail(&s->r, "compare", key, error,
                  "%s: candidates use different losses (%s), so their %s "
                  "values do not compare; use a common metric such as %s",
                  key, losses, nnlab_compare_metric_name(metric),
                  nnlab_compare_metric_name(common));
}

static gboolean read_metrics(const spec_state *s, nnlab_compare *c,
                             GError **error) {
  const nnlab_run_config *base = c->priv->configs ? c->priv->configs[0] : NULL;
  gboolean has_val = base && base->split.val_fraction > 0;
  nnlab_compare_metric fallback =
      has_val ? NNLAB_COMPARE_VAL_LOSS : NNLAB_COMPARE_TRAIN_LOSS;
  g_autofree char *losses = compare_mixed_losses(c);
  nnlab_compare_metric common = compare_common_metric(c->task, has_val);
  c->mixed_losses = losses != NULL;
  if (c->mixed_losses) {
    fallback = common;
    if (c->has_target &&
        !g_key_file_has_key(s->r.file, "compare", "target_metric", NULL))
      return ini_fail(&s->r, "compare", "target", error,
                      "target: candidates use different losses (%s); set "
                      "target_metric to a common metric such as %s",
                      losses, nnlab_compare_metric_name(common));
  }
  if (!read_metric(s, c, "target_metric", fallback, TRUE, FALSE,
                   &c->target_metric, error) ||
      !read_metric(s, c, "sort_by", fallback, FALSE, FALSE, &c->sort_by,
                   error) ||
      !read_metric(s, c, "sweep_metric", fallback, FALSE, TRUE,
                   &c->sweep_metric, error))
    return FALSE;
  return !c->mixed_losses ||
         (check_comparable(s, "sort_by", c->sort_by, common, losses, error) &&
          (!c->has_target ||
           check_comparable(s, "target_metric", c->target_metric, common,
                            losses, error)));
}

/* ---- Problems -------------------------------------------------------- */

static gboolean read_function(spec_state *s, nnlab_compare *c, GError **error) {
  const ini_reader *r = &s->r;
  compare_function *f = &c->priv->function;
  size_t kind = 0;
  if (!check_keys(r, "problem", function_keys, FALSE, error) ||
      !ini_get_choice(r, "problem", "function", compare_function_names, &kind,
                      error))
    return FALSE;
  f->kind = (compare_function_kind)kind;
  c->kind = kind == COMPARE_QUADRATIC_DEEP ? NNLAB_COMPARE_QUADRATIC
                                           : NNLAB_COMPARE_FUNCTION_2D;
  c->function = g_strdup(compare_function_names[kind]);
  c->task = NNLAB_TASK_REGRESSION;
  c->epoch_unit = g_strdup("step");
  gboolean quadratic = c->kind == NNLAB_COMPARE_QUADRATIC;
  static const char *const only_2d[] = {"start", "noise", "condition", "angle"};
  static const char *const only_quadratic[] = {"dim", "problem_seed",
                                               "batch_size"};
  for (size_t i = 0; i < G_N_ELEMENTS(only_2d); i++)
    if (quadratic && g_key_file_has_key(r->file, "problem", only_2d[i], NULL))
      return ini_fail(r, "problem", only_2d[i], error,
                      "%s: applies to the 2-D functions, not quadratic_deep",
                      only_2d[i]);
  for (size_t i = 0; i < G_N_ELEMENTS(only_quadratic); i++)
    if (!quadratic &&
        g_key_file_has_key(r->file, "problem", only_quadratic[i], NULL))
      return ini_fail(r, "problem", only_quadratic[i], error,
                      "%s: applies to quadratic_deep only", only_quadratic[i]);
  if (kind != COMPARE_BOWL &&
      (g_key_file_has_key(r->file, "problem", "condition", NULL) ||
       g_key_file_has_key(r->file, "problem", "angle", NULL)))
    return ini_fail(r, "problem",
                    g_key_file_has_key(r->file, "problem", "condition", NULL)
                        ? "condition"
                        : "angle",
                    error, "condition and angle apply to the bowl only");
  guint64 steps = 0, dim = 0, seed = 0, batch = 128;
  if (!ini_get_count(r, "problem", "steps", quadratic ? 300 : 200, 1, 1000000,
                     &steps, error) ||
      !ini_get_double(r, "problem", "noise", 0, 0, 1e6, &f->noise, error) ||
      !ini_get_double(r, "problem", "condition", 10, 1, 1e8, &f->condition,
                      error) ||
      !ini_get_double(r, "problem", "angle", 0, -360, 360, &f->angle, error) ||
      !ini_get_count(r, "problem", "dim", 100, 2, 2000, &dim, error) ||
      !ini_get_count(r, "problem", "problem_seed", 42, 0, G_MAXUINT64, &seed,
                     error))
    return FALSE;
  g_autofree char *batch_text = ini_raw(r, "problem", "batch_size");
  if (batch_text && !spec_parse_batch_size(batch_text, &batch)) {
    g_autofree char *shown = nnlab_excerpt(batch_text);
    return ini_fail(r, "problem", "batch_size", error,
                    "batch_size: expected an integer up to %u, or full, "
                    "got '%s'",
                    SPEC_MAX_BATCH, shown);
  }
  f->steps = (size_t)steps;
  f->batch_size = (size_t)batch;
  f->dim = quadratic ? (size_t)dim : 2;
  f->problem_seed = seed;
  compare_function_default_start(f);
  g_autofree char *start = ini_raw(r, "problem", "start");
  if (start) {
    g_auto(GStrv) parts = g_strsplit(start, ",", -1);
    if (g_strv_length(parts) != 2 ||
        !ini_parse_number(g_strstrip(parts[0]), &f->start[0]) ||
        !ini_parse_number(g_strstrip(parts[1]), &f->start[1])) {
      g_autofree char *shown = nnlab_excerpt(start);
      return ini_fail(r, "problem", "start", error,
                      "start: expected two numbers 'x, y', got '%s'", shown);
    }
  }
  compare_function_window(f, c->domain, c->minimum);
  compare_function_setup(f);
  if (quadratic)
    c->problem = g_strdup_printf(
        "quadratic_deep (dimension %zu, problem seed %" G_GUINT64_FORMAT
        "), %zu steps",
        f->dim, f->problem_seed, f->steps);
  else if (kind == COMPARE_BOWL)
    c->problem = g_strdup_printf(
        "bowl (condition %g, axes turned %g degrees) from (%g, %g) with "
        "gradient noise %g, %zu steps",
        f->condition, f->angle, f->start[0], f->start[1], f->noise, f->steps);
  else if (f->noise > 0)
    c->problem = g_strdup_printf(
        "%s from (%g, %g) with gradient noise %g, "
        "%zu steps",
        c->function, f->start[0], f->start[1], f->noise, f->steps);
  else
    c->problem = g_strdup_printf("%s from (%g, %g), %zu steps", c->function,
                                 f->start[0], f->start[1], f->steps);
  return TRUE;
}

/* The [problem] section.key = value lines as config overrides. */
static gboolean collect_config_sets(const ini_reader *r, const char *section,
                                    gboolean in_candidate, GPtrArray *sets,
                                    GPtrArray *keys, GError **error) {
  g_auto(GStrv) names = g_key_file_get_keys(r->file, section, NULL, NULL);
  for (size_t i = 0; names && names[i]; i++) {
    if (!strchr(names[i], '.')) continue;
    if (!check_config_key(r, section, names[i], in_candidate, error))
      return FALSE;
    g_autofree char *value = ini_raw(r, section, names[i]);
    g_ptr_array_add(sets, g_strdup_printf("%s=%s", names[i], value));
    g_ptr_array_add(keys, g_strdup(names[i]));
  }
  return TRUE;
}

static gboolean read_dataset_problem(spec_state *s, nnlab_compare *c,
                                     GError **error) {
  const ini_reader *r = &s->r;
  static const char *const keys[] = {"config", NULL};
  if (!check_keys(r, "problem", keys, TRUE, error) ||
      !collect_config_sets(r, "problem", FALSE, s->problem_sets,
                           s->problem_keys, error))
    return FALSE;
  g_autofree char *config = ini_raw(r, "problem", "config");
  g_autofree char *dir = g_path_get_dirname(c->spec_path);
  s->config_path = g_path_is_absolute(config)
                       ? g_strdup(config)
                       : g_build_filename(dir, config, NULL);
  g_autoptr(GError) io_error = NULL;
  if (!nnlab_check_input_file(s->config_path, &io_error) ||
      !g_file_get_contents(s->config_path, &s->config_text, NULL, &io_error))
    return ini_fail(r, "problem", "config", error, "config: %s",
                    io_error->message);
  c->kind = NNLAB_COMPARE_DATASET;
  c->epoch_unit = g_strdup("epoch");
  return TRUE;
}

static gboolean read_problem(spec_state *s, nnlab_compare *c, GError **error) {
  const ini_reader *r = &s->r;
  gboolean has_config = g_key_file_has_key(r->file, "problem", "config", NULL);
  gboolean has_function =
      g_key_file_has_key(r->file, "problem", "function", NULL);
  if (has_config && has_function)
    return ini_fail(r, "problem", "function", error,
                    "give either config = FILE.ini or function = NAME, not "
                    "both");
  if (has_function) return read_function(s, c, error);
  if (has_config) return read_dataset_problem(s, c, error);
  return ini_fail(r, "problem", NULL, error,
                  "[problem] needs config = FILE.ini (a train config) or "
                  "function = rosenbrock, beale, bowl or quadratic_deep");
}

/* ---- Candidates ------------------------------------------------------ */

static void candidate_plan_clear(candidate_plan *p) {
  nnlab_component_clear(&p->optimizer);
  if (p->sets) g_ptr_array_unref(p->sets);
  if (p->keys) g_ptr_array_unref(p->keys);
}

static void append_setting(GString *settings, const char *key,
                           const char *value) {
  if (settings->len) g_string_append(settings, ", ");
  if (key) g_string_append_printf(settings, "%s=", key);
  g_string_append(settings, value);
}

/* optimizer and lr: the plugin, and the grid, each value checked against
 * the plugin's range for lr. */
static gboolean read_optimizer_and_lr(const spec_state *s,
                                      const nnlab_compare *c, const char *group,
                                      candidate_plan *plan, GArray *grid,
                                      GString *settings, GError **error) {
  const ini_reader *r = &s->r;
  g_autofree char *optimizer = ini_raw(r, group, "optimizer");
  if (!optimizer && c->kind != NNLAB_COMPARE_DATASET) {
    g_autofree char *shown = nnlab_excerpt(group);
    return ini_fail(r, group, NULL, error,
                    "[%s]: missing key 'optimizer' (e.g. optimizer = "
                    "adam(lr=0.01))",
                    shown);
  }
  if (optimizer) {
    if (!nnlab_component_resolve(s->registry, NNLAB_KIND_OPTIMIZER, optimizer,
                                 &plan->optimizer, error))
      return ini_locate(r, group, "optimizer", error);
    append_setting(settings, NULL, optimizer);
  }
  g_autofree char *lr = ini_raw(r, group, "lr");
  if (!lr) return TRUE;
  if (!parse_grid(lr, grid)) {
    g_autofree char *shown = nnlab_excerpt(lr);
    return ini_fail(r, group, "lr", error,
                    "lr: expected a learning rate above 0, a list of them "
                    "('0.001, 0.01, 0.1') or logspace(FROM, TO, COUNT) with "
                    "FROM and TO above 0 and COUNT from 2 to %d; got '%s'",
                    MAX_GRID, shown);
  }
  append_setting(settings, "lr", lr);
  for (guint i = 0; plan->optimizer.info && i < grid->len; i++) {
    g_autofree char *text = spec_format_lr(g_array_index(grid, double, i));
    g_autofree nnlab_value *copy = g_memdup2(
        plan->optimizer.hparams,
        sizeof(nnlab_value) * MAX(plan->optimizer.info->n_hparams, 1));
    if (!nnlab_hparams_set(plan->optimizer.info, copy, "lr", text, error))
      return ini_locate(r, group, "lr", error);
  }
  return TRUE;
}

/* batch_size and activation: config overrides for dataset problems;
 * quadratic_deep takes a batch size (its sampling noise) too. */
static gboolean read_axes(const spec_state *s, nnlab_compare *c, size_t index,
                          candidate_plan *plan, GString *settings,
                          GError **error) {
  const ini_reader *r = &s->r;
  const char *group = s->groups[index];
  static const char *const aliases[][2] = {
      {"batch_size", "training.batch_size"},
      {"activation", "model.activation"}};
  for (size_t i = 0; i < G_N_ELEMENTS(aliases); i++) {
    const char *key = aliases[i][0];
    g_autofree char *value = ini_raw(r, group, key);
    if (!value) continue;
    append_setting(settings, key, value);
    if (c->kind == NNLAB_COMPARE_DATASET) {
      spec_add_set(plan->sets, plan->keys, key, aliases[i][1], value);
      continue;
    }
    if (c->kind != NNLAB_COMPARE_QUADRATIC || i != 0)
      return ini_fail(r, group, key, error, "%s: applies to dataset problems%s",
                      key,
                      i == 0 ? " and quadratic_deep (the 2-D functions have "
                               "no data; use [problem] noise)"
                             : "");
    guint64 batch = 0;
    if (!spec_parse_batch_size(value, &batch)) {
      g_autofree char *shown = nnlab_excerpt(value);
      return ini_fail(r, group, key, error,
                      "batch_size: expected an integer up to %u, or full, "
                      "got '%s'",
                      SPEC_MAX_BATCH, shown);
    }
    c->priv->batch_sizes[index] = (size_t)batch;
  }
  return TRUE;
}

static gboolean read_candidate(spec_state *s, nnlab_compare *c, size_t index,
                               candidate_plan *plan, GError **error) {
  const ini_reader *r = &s->r;
  const char *group = s->groups[index];
  nnlab_compare_candidate *cand = &c->candidates[index];
  cand->name = g_strstrip(g_strdup(group + strlen("candidate")));
  if (!*cand->name)
    return ini_fail(r, group, NULL, error,
                    "[candidate] needs a name: [candidate NAME]");
  for (size_t i = 0; i < index; i++)
    if (strcmp(c->candidates[i].name, cand->name) == 0) {
      g_autofree char *shown = nnlab_excerpt(cand->name);
      return ini_fail(r, group, NULL, error, "candidate '%s' appears twice",
                      shown);
    }
  gboolean dataset = c->kind == NNLAB_COMPARE_DATASET;
  plan->sets = g_ptr_array_new_with_free_func(g_free);
  plan->keys = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) settings = g_string_new(NULL);
  g_autoptr(GArray) grid = g_array_new(FALSE, FALSE, sizeof(double));
  if (!check_keys(r, group, candidate_keys, dataset, error) ||
      (dataset &&
       !collect_config_sets(r, group, TRUE, plan->sets, plan->keys, error)) ||
      !read_optimizer_and_lr(s, c, group, plan, grid, settings, error) ||
      !read_axes(s, c, index, plan, settings, error))
    return FALSE;
  for (guint i = 0; i < plan->keys->len; i++) {
    const char *key = g_ptr_array_index(plan->keys, i);
    if (!strchr(key, '.')) continue;
    g_autofree char *value = ini_raw(r, group, key);
    append_setting(settings, key, value);
  }
  cand->settings = g_string_free(g_steal_pointer(&settings), FALSE);
  cand->n_lrs = MAX(grid->len, 1);
  cand->lrs = g_new(double, cand->n_lrs);
  cand->sweep_scores = g_new(double, cand->n_lrs);
  for (size_t i = 0; i < cand->n_lrs; i++) {
    cand->lrs[i] = grid->len ? g_array_index(grid, double, i) : NAN;
    cand->sweep_scores[i] = NAN;
  }
  return TRUE;
}

/* x_axis: what the curves are plotted against. Samples need a problem
 * whose steps draw them. */
static gboolean read_x_axis(const spec_state *s, nnlab_compare *c,
                            GError **error) {
  const ini_reader *r = &s->r;
  size_t axis = 0;
  if (!ini_get_choice(r, "compare", "x_axis", x_axis_names, &axis, error))
    return FALSE;
  c->x_axis = (nnlab_compare_x_axis)axis;
  if (c->x_axis != NNLAB_COMPARE_X_SAMPLES) return TRUE;
  if (c->kind == NNLAB_COMPARE_FUNCTION_2D)
    return ini_fail(r, "compare", "x_axis", error,
                    "x_axis: a 2-D function's gradient is exact and sees no "
                    "samples; use step");
  for (size_t i = 0; c->kind == NNLAB_COMPARE_QUADRATIC && i < c->n_candidates;
       i++)
    if (c->priv->batch_sizes[i] == 0) {
      g_autofree char *shown = nnlab_excerpt(c->candidates[i].name);
      return ini_fail(r, "compare", "x_axis", error,
                      "x_axis: candidate '%s' takes quadratic_deep's exact "
                      "gradient (batch_size = full), which sees no samples; "
                      "use step",
                      shown);
    }
  return TRUE;
}

/* ---- Loading ------------------------------------------------------------
 */

static gboolean read_spec(spec_state *s, nnlab_compare *c, GError **error) {
  if (!check_sections(s, error) || !read_compare(s, c, error) ||
      !read_problem(s, c, error))
    return FALSE;
  c->n_candidates = g_strv_length(s->groups);
  c->candidates = g_new0(nnlab_compare_candidate, c->n_candidates);
  c->priv->batch_sizes = g_new(size_t, c->n_candidates);
  for (size_t i = 0; i < c->n_candidates; i++)
    c->priv->batch_sizes[i] = c->priv->function.batch_size;
  candidate_plan *plans = g_new0(candidate_plan, c->n_candidates);
  gboolean ok = TRUE;
  for (size_t i = 0; ok && i < c->n_candidates; i++)
    ok = read_candidate(s, c, i, &plans[i], error);
  if (ok && c->kind == NNLAB_COMPARE_DATASET)
    ok = compare_plan_dataset_runs(s, c, plans, error) &&
         compare_load_dataset(s, c, error);
  else if (ok)
    compare_plan_function_runs(c, plans);
  for (size_t i = 0; i < c->n_candidates; i++) candidate_plan_clear(&plans[i]);
  g_free(plans);
  if (!ok || !read_metrics(s, c, error) || !read_x_axis(s, c, error))
    return FALSE;
  g_autofree char *baseline = ini_raw(&s->r, "compare", "baseline");
  if (!baseline) return TRUE;
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (size_t i = 0; i < c->n_candidates; i++) {
    if (strcmp(c->candidates[i].name, baseline) == 0)
      return c->baseline = i, TRUE;
    g_ptr_array_add(names, c->candidates[i].name);
  }
  g_ptr_array_add(names, NULL);
  g_autofree char *hint =
      suggest_hint(baseline, (const char *const *)names->pdata);
  g_autofree char *shown = nnlab_excerpt(baseline);
  return ini_fail(&s->r, "compare", "baseline", error,
                  "baseline: no candidate named '%s'%s", shown, hint);
}

nnlab_compare *nnlab_compare_load(const char *path,
                                  const char *const *overrides,
                                  const nnlab_registry *registry,
                                  GError **error) {
  g_autofree char *text = ini_read_file(path, error);
  if (!text) return NULL;
  spec_state s = {.registry = registry};
  if (!ini_load(&s.r, text, path, overrides,
                "compare.seeds=1..3 or 'candidate adam.lr=0.01'", error))
    return NULL;
  nnlab_compare *c = g_new0(nnlab_compare, 1);
  c->priv = g_new0(nnlab_compare_private, 1);
  c->spec_path = g_strdup(path);
  c->spec_text = g_key_file_to_data(s.r.file, NULL, NULL);
  s.problem_sets = g_ptr_array_new_with_free_func(g_free);
  s.problem_keys = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = read_spec(&s, c, error);
  ini_clear(&s.r);
  g_strfreev(s.groups);
  g_free(s.config_path);
  g_free(s.config_text);
  g_ptr_array_unref(s.problem_sets);
  g_ptr_array_unref(s.problem_keys);
  if (!ok) {
    nnlab_compare_free(c);
    return NULL;
  }
  return c;
}

void compare_run_clear(nnlab_compare_run *run) {
  g_free(run->message);
  g_free(run->config_text);
  g_free(run->init_digest);
  for (size_t i = 0; i < NNLAB_COMPARE_N_CURVES; i++) g_free(run->curves[i]);
  g_free(run->lr_curve);
  g_free(run->seconds);
  g_free(run->steps);
  g_free(run->samples);
  g_free(run->states);
  g_free(run->trajectory);
}

void nnlab_compare_free(nnlab_compare *c) {
  if (!c) return;
  nnlab_compare_private *p = c->priv;
  for (size_t i = 0; i < c->n_runs; i++) {
    compare_run_clear(&c->runs[i]);
    if (p->configs) nnlab_run_config_free(p->configs[i]);
  }
  g_free(c->runs);
  g_free(p->configs);
  nnlab_dataset_free(p->data);
  for (size_t i = 0; p->optimizers && i < c->n_candidates; i++)
    nnlab_component_clear(&p->optimizers[i]);
  g_free(p->optimizers);
  g_free(p->batch_sizes);
  compare_function_clear(&p->function);
  g_free(p);
  for (size_t i = 0; i < c->n_candidates; i++) {
    g_free(c->candidates[i].name);
    g_free(c->candidates[i].settings);
    g_free(c->candidates[i].lrs);
    g_free(c->candidates[i].sweep_scores);
  }
  g_free(c->candidates);
  g_free(c->rows);
  g_free(c->seeds);
  g_free(c->spec_path);
  g_free(c->spec_text);
  g_free(c->title);
  g_free(c->problem);
  g_free(c->epoch_unit);
  g_free(c->plot_format);
  g_free(c->function);
  g_free(c);
}
