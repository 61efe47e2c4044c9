/* Planning a comparison's runs: for dataset problems one train config
 * per run (the problem's config with [problem]'s overrides, the
 * candidate's settings, its grid point and the seed), checked before
 * anything runs; for test functions the optimizer and a config text.
 * Nothing is trained here: compare_run.c runs the plan. */
#include <math.h>
#include <string.h>

#include <nnlab/hparams.h>

#include "compare/compare_spec.h"

/* ---- Run configs (dataset problems) ------------------------------------ */

/* The config text with the [optimizer] section's keys commented out, for
 * a candidate that brings its own optimizer (line numbers unchanged). */
static char *without_optimizer_keys(const char *text) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GString *out = g_string_new(NULL);
  gboolean inside = FALSE;
  for (size_t i = 0; lines[i]; i++) {
    const char *line = lines[i];
    while (*line == ' ' || *line == '\t') line++;
    if (*line == '[') {
      inside = g_str_has_prefix(line, "[optimizer]");
    } else if (inside && *line && *line != '#' && *line != ';') {
      g_string_append(out, "# ");
    }
    g_string_append(out, lines[i]);
    if (lines[i + 1]) g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

/* A config error caused by an override is reported where the spec sets
 * it: "--set training.epochs: ..." becomes "spec.ini:7: ...". Overrides
 * before from_candidate come from [problem], "seeds" from [compare], the
 * rest from the candidate's section. */
static void relocate(const spec_state *s, const GPtrArray *sets,
                     const GPtrArray *keys, guint from_candidate,
                     const char *group, GError *error) {
  for (guint i = sets->len; i-- > 0;) {
    const char *set = g_ptr_array_index(sets, i);
    if (!set) continue;
    const char *equals = strchr(set, '=');
    g_autofree char *prefix =
        g_strdup_printf("--set %.*s: ", (int)(equals - set), set);
    if (!g_str_has_prefix(error->message, prefix)) continue;
    const char *key = g_ptr_array_index(keys, i);
    const char *section = i < from_candidate          ? "problem"
                          : strcmp(key, "seeds") == 0 ? "compare"
                                                      : group;
    g_autofree char *location = ini_where(&s->r, section, key);
    char *message =
        g_strdup_printf("%s: %s", location, error->message + strlen(prefix));
    g_free(error->message);
    error->message = message;
    return;
  }
}

/* A candidate's overrides of the problem's config: [problem]'s, then its
 * optimizer (every hyperparameter) and settings. Returns where the
 * candidate's own begin. */
static guint candidate_sets(const spec_state *s, const candidate_plan *plan,
                            GPtrArray *sets, GPtrArray *keys) {
  for (guint k = 0; k < s->problem_sets->len; k++) {
    g_ptr_array_add(sets, g_strdup(g_ptr_array_index(s->problem_sets, k)));
    g_ptr_array_add(keys, g_strdup(g_ptr_array_index(s->problem_keys, k)));
  }
  guint from_candidate = sets->len;
  const nnlab_plugin_info *info = plan->optimizer.info;
  if (info) {
    spec_add_set(sets, keys, "optimizer", "optimizer.name", info->name);
    for (size_t h = 0; h < info->n_hparams; h++) {
      g_autofree char *value = nnlab_hparam_format_value(
          &info->hparams[h], &plan->optimizer.hparams[h]);
      g_autofree char *key =
          g_strdup_printf("optimizer.%s", info->hparams[h].name);
      spec_add_set(sets, keys, "optimizer", key, value);
    }
  }
  for (guint k = 0; k < plan->sets->len; k++) {
    g_ptr_array_add(sets, g_strdup(g_ptr_array_index(plan->sets, k)));
    g_ptr_array_add(keys, g_strdup(g_ptr_array_index(plan->keys, k)));
  }
  return from_candidate;
}

/* One run's config: the candidate's overrides, then its grid point and
 * the seed (the split seed stays the problem's). */
static nnlab_run_config *run_config(const spec_state *s, const char *text,
                                    GPtrArray *sets, GPtrArray *keys, double lr,
                                    uint64_t seed, const char *split_seed,
                                    GError **error) {
  if (!isnan(lr)) {
    g_autofree char *value = spec_format_lr(lr);
    spec_add_set(sets, keys, "lr", "optimizer.lr", value);
  }
  g_autofree char *value = g_strdup_printf("%" G_GUINT64_FORMAT, seed);
  spec_add_set(sets, keys, "seeds", "model.seed", value);
  spec_add_set(sets, keys, "seeds", "training.shuffle_seed", value);
  spec_add_set(sets, keys, "seeds", "data.split_seed", split_seed);
  g_ptr_array_add(sets, NULL);
  nnlab_run_config *config = nnlab_run_config_parse(
      text, s->config_path, (const char *const *)sets->pdata, s->registry,
      error);
  g_ptr_array_set_size(sets, sets->len - 1);
  return config;
}

/* The split seed of the problem's config (with [problem]'s overrides),
 * which every run keeps; checks the problem on the way. */
static gboolean problem_split_seed(const spec_state *s, char **split_seed,
                                   GError **error) {
  g_ptr_array_add(s->problem_sets, NULL);
  nnlab_run_config *base = nnlab_run_config_parse(
      s->config_text, s->config_path,
      (const char *const *)s->problem_sets->pdata, s->registry, error);
  g_ptr_array_set_size(s->problem_sets, s->problem_sets->len - 1);
  if (!base) {
    relocate(s, s->problem_sets, s->problem_keys, s->problem_sets->len, NULL,
             *error);
    return FALSE;
  }
  gboolean perceptron = base->perceptron_rule;
  *split_seed = g_strdup_printf("%" G_GUINT64_FORMAT, base->split.seed);
  nnlab_run_config_free(base);
  if (perceptron)
    return ini_fail(&s->r, "problem", "config", error,
                    "config: the perceptron rule has no optimizer to "
                    "compare; use rule = gradient");
  return TRUE;
}

/* The runs' configs: each candidate's settings, grid point and seed as
 * overrides of the problem's config. */
gboolean compare_plan_dataset_runs(spec_state *s, nnlab_compare *c,
                                   candidate_plan *plans, GError **error) {
  nnlab_compare_private *p = c->priv;
  g_autofree char *split_seed = NULL;
  if (!problem_split_seed(s, &split_seed, error)) return FALSE;
  c->n_runs = 0;
  for (size_t i = 0; i < c->n_candidates; i++)
    c->n_runs += c->candidates[i].n_lrs * c->n_seeds;
  c->runs = g_new0(nnlab_compare_run, c->n_runs);
  p->configs = g_new0(nnlab_run_config *, c->n_runs);
  size_t next = 0;
  for (size_t i = 0; i < c->n_candidates; i++) {
    const nnlab_compare_candidate *cand = &c->candidates[i];
    g_autofree char *text = plans[i].optimizer.info
                                ? without_optimizer_keys(s->config_text)
                                : g_strdup(s->config_text);
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
    guint from_candidate = candidate_sets(s, &plans[i], sets, keys);
    guint fixed = sets->len;
    for (size_t l = 0; l < cand->n_lrs; l++)
      for (size_t k = 0; k < c->n_seeds; k++) {
        g_ptr_array_set_size(sets, fixed);
        g_ptr_array_set_size(keys, fixed);
        nnlab_run_config *config = run_config(s, text, sets, keys, cand->lrs[l],
                                              c->seeds[k], split_seed, error);
        if (!config) {
          relocate(s, sets, keys, from_candidate, s->groups[i], *error);
          return FALSE;
        }
        nnlab_compare_run *run = &c->runs[next];
        run->candidate = i;
        run->lr_index = l;
        run->seed = c->seeds[k];
        int lr_index = nnlab_hparams_index(config->optimizer.info, "lr");
        run->lr = config->optimizer.hparams[lr_index].f;
        run->n_epochs = config->train.epochs;
        run->config_text = g_strdup(config->text);
        p->configs[next++] = config;
      }
  }
  return TRUE;
}

/* Where the problem's dataset path is set, for messages. */
static char *data_path_location(const spec_state *s) {
  for (guint i = 0; i < s->problem_keys->len; i++)
    if (strcmp(g_ptr_array_index(s->problem_keys, i), "data.path") == 0)
      return ini_where(&s->r, "problem", "data.path");
  int line = ini_line_of(s->config_text, "data", "path");
  return line ? g_strdup_printf("%s:%d", s->config_path, line)
              : g_strdup(s->config_path);
}

gboolean compare_load_dataset(spec_state *s, nnlab_compare *c, GError **error) {
  const nnlab_run_config *config = c->priv->configs[0];
  g_autofree char *location = data_path_location(s);
  if (!g_file_test(config->data_path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
                "%s: path: no dataset file at %s", location, config->data_path);
    return FALSE;
  }
  c->priv->data = nnlab_dataset_load(config->data_path, error);
  if (!c->priv->data) {
    g_prefix_error(error, "%s: ", location);
    return FALSE;
  }
  const nnlab_dataset *d = c->priv->data;
  c->task = d->task;
  g_autofree char *config_name = g_path_get_basename(s->config_path);
  g_autofree char *data_name = g_path_get_basename(config->data_path);
  c->problem =
      g_strdup_printf("%s: %s, %zu rows, %s, val %g, test %g", config_name,
                      data_name, d->n_rows, nnlab_task_name(d->task),
                      config->split.val_fraction, config->split.test_fraction);
  return TRUE;
}

/* ---- Run plans (test functions) ------------------------------------------
 */

static char *function_config_text(const nnlab_compare *c,
                                  const nnlab_compare_run *run,
                                  const nnlab_component *optimizer) {
  const compare_function *f = &c->priv->function;
  GString *t = g_string_new("[problem]\n");
  g_string_append_printf(t, "function = %s\nsteps = %zu\n", c->function,
                         f->steps);
  size_t batch = c->priv->batch_sizes[run->candidate];
  g_autofree char *batch_text =
      batch ? g_strdup_printf("%zu", batch) : g_strdup("full");
  if (c->kind == NNLAB_COMPARE_QUADRATIC)
    g_string_append_printf(
        t, "dim = %zu\nproblem_seed = %" G_GUINT64_FORMAT "\nbatch_size = %s\n",
        f->dim, f->problem_seed, batch_text);
  else
    g_string_append_printf(t, "start = %.17g, %.17g\nnoise = %.17g\n",
                           f->start[0], f->start[1], f->noise);
  if (f->kind == COMPARE_BOWL)
    g_string_append_printf(t, "condition = %.17g\nangle = %.17g\n",
                           f->condition, f->angle);
  g_string_append_printf(t, "\n[optimizer]\nname = %s\n",
                         optimizer->info->name);
  for (size_t h = 0; h < optimizer->info->n_hparams; h++) {
    const nnlab_hparam *spec = &optimizer->info->hparams[h];
    if (strcmp(spec->name, "lr") == 0) {
      g_autofree char *lr = spec_format_lr(run->lr);
      g_string_append_printf(t, "lr = %s\n", lr);
      continue;
    }
    g_autofree char *value =
        nnlab_hparam_format_value(spec, &optimizer->hparams[h]);
    g_string_append_printf(t, "%s = %s\n", spec->name, value);
  }
  g_string_append_printf(t, "\n[run]\nseed = %" G_GUINT64_FORMAT "\n",
                         run->seed);
  return g_string_free(t, FALSE);
}

void compare_plan_function_runs(nnlab_compare *c, candidate_plan *plans) {
  nnlab_compare_private *p = c->priv;
  p->optimizers = g_new0(nnlab_component, c->n_candidates);
  c->n_runs = 0;
  for (size_t i = 0; i < c->n_candidates; i++)
    c->n_runs += c->candidates[i].n_lrs * c->n_seeds;
  c->runs = g_new0(nnlab_compare_run, c->n_runs);
  size_t next = 0;
  for (size_t i = 0; i < c->n_candidates; i++) {
    nnlab_component *optimizer = &p->optimizers[i];
    *optimizer = plans[i].optimizer;
    plans[i].optimizer = (nnlab_component){0};
    int lr_index = nnlab_hparams_index(optimizer->info, "lr");
    for (size_t l = 0; l < c->candidates[i].n_lrs; l++)
      for (size_t k = 0; k < c->n_seeds; k++) {
        nnlab_compare_run *run = &c->runs[next++];
        run->candidate = i;
        run->lr_index = l;
        run->seed = c->seeds[k];
        run->lr = isnan(c->candidates[i].lrs[l])
                      ? optimizer->hparams[lr_index].f
                      : c->candidates[i].lrs[l];
        run->n_epochs = p->function.steps;
        run->config_text = function_config_text(c, run, optimizer);
      }
  }
}
