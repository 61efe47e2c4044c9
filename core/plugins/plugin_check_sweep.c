/* The hyperparameter sweep of nnlab plugins check: the battery again at
 * settings spread over each declared range, one hyperparameter (or one
 * element of a pair) at a time with the others at the base setting. It
 * only picks the settings; the checks are plugin_check_battery.c's. */

/* A backward that ignores its hyperparameter passes at the default, where
 * a = 1 hides it, and fails here.
 *
 * Points of a float range: its bounds (just inside an exclusive one; an
 * unbounded side stops a decade past the default), the midpoint, and
 * log-spaced points when it spans more than two decades (a range from 0
 * always does, from a thousandth of its top). Ints the same, rounded;
 * bools and choices every value. Each setting goes through
 * nnlab_hparams_set, so it is exactly what a config could give, and
 * settings equal to the base or to each other are checked once. */
#include "plugins/plugin_check_battery.h"

#include <math.h>
#include <string.h>

#include <nnlab/component.h>
#include <nnlab/hparams.h>

/* Failures printed one by one; more are only counted. */
#define MAX_FAILURES_SHOWN 8

typedef struct sweep_setting {
  char *spec; /* "snake(a=0.001)" */
  nnlab_value *values;
} sweep_setting;

static void sweep_setting_clear(gpointer data) {
  sweep_setting *setting = data;
  g_free(setting->spec);
  g_free(setting->values);
}

static char *format_spec(const nnlab_plugin_info *info,
                         const nnlab_value *values) {
  nnlab_component component = {info, (nnlab_value *)values};
  return nnlab_component_format(&component);
}

/* v to two significant digits, so that names read "a=0.0056". */
static double round_to_2_digits(double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_ascii_strtod(g_ascii_formatd(buf, sizeof buf, "%.2g", v), NULL);
}

typedef struct sweep_builder {
  const nnlab_plugin_info *info;
  const nnlab_value *base;
  GArray *settings;  /* sweep_setting */
  GHashTable *specs; /* of the base and every setting */
} sweep_builder;

/* Adds the base with hyperparameter index set to text, if it parses, is in
 * range, and is new. */
static gboolean try_setting(sweep_builder *b, size_t index, const char *text) {
  size_t n = MAX(b->info->n_hparams, 1);
  nnlab_value *values = g_memdup2(b->base, n * sizeof(nnlab_value));
  if (!nnlab_hparams_set(b->info, values, b->info->hparams[index].name, text,
                         NULL)) {
    g_free(values);
    return FALSE;
  }
  char *spec = format_spec(b->info, values);
  if (g_hash_table_contains(b->specs, spec)) {
    g_free(spec);
    g_free(values);
    return TRUE;
  }
  g_hash_table_add(b->specs, spec);
  sweep_setting setting = {g_strdup(spec), values};
  g_array_append_val(b->settings, setting);
  return TRUE;
}

/* Sets element (0 or 1 of a pair, else 0) of hyperparameter index to v;
 * a rounded point falls back to exact when rounding left the range. */
static void add_point(sweep_builder *b, size_t index, int element, double v,
                      gboolean round) {
  const nnlab_hparam *spec = &b->info->hparams[index];
  for (int attempt = round ? 0 : 1; attempt < 2; attempt++) {
    double value = attempt == 0 ? round_to_2_digits(v) : v;
    if (spec->type == NNLAB_HPARAM_INT) value = nearbyint(value);
    char number[G_ASCII_DTOSTR_BUF_SIZE], other[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_dtostr(number, sizeof number, value);
    g_autofree char *text = NULL;
    if (spec->type == NNLAB_HPARAM_PAIR) {
      g_ascii_dtostr(other, sizeof other, b->base[index].pair[1 - element]);
      text = element == 0 ? g_strdup_printf("%s,%s", number, other)
                          : g_strdup_printf("%s,%s", other, number);
    } else {
      text = g_strdup(number);
    }
    if (try_setting(b, index, text)) return;
  }
}

/* Log-spaced points between lo and hi (0 <= lo < hi) when they span more
 * than two decades: from lo, or from hi / 1000 when lo is 0. */
static void add_log_points(sweep_builder *b, size_t index, int element,
                           double lo, double hi, double sign) {
  double from = lo > 0 ? lo : hi * 1e-3;
  if (!(hi > 0) || hi / from <= 100) return;
  if (lo == 0) add_point(b, index, element, sign * from, TRUE);
  for (int k = 1; k <= 3; k++)
    add_point(b, index, element, sign * from * pow(hi / from, k / 4.0), TRUE);
}

static void add_range_points(sweep_builder *b, size_t index, int element,
                             double base) {
  const nnlab_hparam *spec = &b->info->hparams[index];
  double scale = base != 0 ? fabs(base) : 1;
  double lo = spec->min, hi = spec->max;
  if (isinf(hi)) hi = base > 0 ? 10 * base : base + scale;
  if (isinf(lo)) lo = base < 0 ? 10 * base : base - scale;
  /* "Just inside" is a thousandth of the range, or of the default when
   * the range is unbounded. */
  double inset =
      1e-3 * (isfinite(spec->min) && isfinite(spec->max) ? spec->max - spec->min
                                                         : scale);
  gboolean is_int = spec->type == NNLAB_HPARAM_INT;
  if (spec->flags & NNLAB_HPARAM_MIN_EXCLUSIVE && isfinite(spec->min))
    lo = spec->min + (is_int ? 1 : inset);
  if (spec->flags & NNLAB_HPARAM_MAX_EXCLUSIVE && isfinite(spec->max))
    hi = spec->max - (is_int ? 1 : inset);
  if (!(lo <= hi)) return;
  add_point(b, index, element, lo, FALSE);
  add_point(b, index, element, hi, FALSE);
  add_point(b, index, element, lo + (hi - lo) / 2, TRUE);
  if (hi > 0) add_log_points(b, index, element, MAX(lo, 0), hi, 1);
  if (lo < 0) add_log_points(b, index, element, MAX(-hi, 0), -lo, -1);
}

static void add_hparam_points(sweep_builder *b, size_t index) {
  const nnlab_hparam *spec = &b->info->hparams[index];
  const nnlab_value *base = &b->base[index];
  switch (spec->type) {
    case NNLAB_HPARAM_FLOAT:
      add_range_points(b, index, 0, base->f);
      break;
    case NNLAB_HPARAM_INT:
      add_range_points(b, index, 0, (double)base->i);
      break;
    case NNLAB_HPARAM_PAIR:
      add_range_points(b, index, 0, base->pair[0]);
      add_range_points(b, index, 1, base->pair[1]);
      break;
    case NNLAB_HPARAM_BOOL:
      try_setting(b, index, base->b ? "false" : "true");
      break;
    case NNLAB_HPARAM_CHOICE: {
      g_auto(GStrv) names =
          g_strsplit(spec->choices ? spec->choices : "", "|", -1);
      for (size_t i = 0; names[i]; i++) try_setting(b, index, names[i]);
      break;
    }
  }
}

/* The settings to check besides base, in table order. */
static GArray *sweep_settings(const nnlab_plugin_info *info,
                              const nnlab_value *base) {
  sweep_builder b = {
      info, base, g_array_new(FALSE, TRUE, sizeof(sweep_setting)),
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  g_array_set_clear_func(b.settings, sweep_setting_clear);
  g_hash_table_add(b.specs, format_spec(info, base));
  for (size_t i = 0; i < info->n_hparams; i++) add_hparam_points(&b, i);
  g_hash_table_unref(b.specs);
  return b.settings;
}

/* Passes checks at one swept setting on to the real sink under names that
 * say the setting, so that a crash is pinned to it too; passes are only
 * counted. */
typedef struct sweep_sink {
  check_sink sink;
  check_sink *out;
  const char *spec;
  size_t failed;      /* checks failed at this setting */
  size_t shown, more; /* failures passed on, and those only counted */
} sweep_sink;

static void sweep_begin(check_sink *sink, const char *name) {
  sweep_sink *s = (sweep_sink *)sink;
  g_autofree char *named = g_strdup_printf("%s, at %s", name, s->spec);
  s->out->begin(s->out, named);
}

static void sweep_result(check_sink *sink, const char *name, gboolean passed,
                         const char *detail) {
  sweep_sink *s = (sweep_sink *)sink;
  if (passed) return;
  s->failed++;
  if (s->shown == MAX_FAILURES_SHOWN) {
    s->more++;
    return;
  }
  s->shown++;
  g_autofree char *named = g_strdup_printf("%s, at %s", name, s->spec);
  s->out->result(s->out, named, FALSE, detail);
}

size_t plugin_check_battery(const nnlab_plugin_info *info,
                            const nnlab_value *base, gboolean sweep,
                            check_sink *sink) {
  g_autofree nnlab_value *defaults = nnlab_hparams_new_defaults(info);
  if (!base) base = defaults;
  plugin_check_hparam_text(info, sink);
  plugin_check_setting(info, base, FALSE, sink);
  if (!sweep || info->n_hparams == 0) return 1;
  g_autoptr(GArray) settings = sweep_settings(info, base);
  sweep_sink s = {{sweep_begin, sweep_result, NULL}, sink, NULL, 0, 0, 0};
  size_t failing = 0, refused = 0;
  for (guint i = 0; i < settings->len; i++) {
    const sweep_setting *setting = &g_array_index(settings, sweep_setting, i);
    s.spec = setting->spec;
    s.failed = 0;
    if (!plugin_check_accepts(info, setting->values)) {
      refused++;
      continue;
    }
    plugin_check_setting(info, setting->values, TRUE, &s.sink);
    failing += s.failed > 0;
  }
  g_autofree char *refusals =
      refused
          ? g_strdup_printf(" (%zu refused as invalid by the plugin)", refused)
          : g_strdup("");
  g_autofree char *name = g_strdup_printf(
      "the checks at %zu more settings of the hyperparameters%s",
      settings->len - refused, refusals);
  g_autofree char *detail = g_strdup_printf(
      "%zu of %zu settings fail a check%s", failing, settings->len - refused,
      s.more ? "; the first failures are shown above" : "");
  sink->begin(sink, name);
  sink->result(sink, name, failing == 0, detail);
  return 1 + settings->len - refused;
}
