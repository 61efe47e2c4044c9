/* Looking inside a network (nnlab/model_stats.h): value statistics per
 * layer, dead and saturated units over a dataset, hints worth a line, and
 * the best epoch of a history. Read-only: it never changes the model's
 * parameters. */
#include <math.h>
#include <string.h>

#include <nnlab/model_stats.h>

#include "compute/gemm.h"
#include "plugins/plugin_call.h"

/* Rows per forward batch in nnlab_model_unit_health. */
#define HEALTH_BATCH_ROWS 512

/* Hints: thresholds of what is worth a line. */
#define HINT_ZERO_FRACTION 0.10
#define HINT_SATURATED_FRACTION 0.25
#define HINT_LARGE_WEIGHT 100.0

void nnlab_value_stats_compute(const float *values, size_t n,
                               nnlab_value_stats *stats) {
  memset(stats, 0, sizeof *stats);
  stats->count = n;
  double sum = 0.0, sum_squares = 0.0;
  size_t finite = 0;
  for (size_t i = 0; i < n; i++) {
    double v = values[i];
    if (!isfinite(v)) {
      stats->nonfinite++;
      continue;
    }
    if (v == 0.0) stats->zeros++;
    if (finite == 0 || v < stats->min) stats->min = v;
    if (finite == 0 || v > stats->max) stats->max = v;
    sum += v;
    sum_squares += v * v;
    finite++;
  }
  if (finite == 0) return;
  stats->mean = sum / (double)finite;
  /* A second pass for the deviations: exact for constant arrays. */
  double deviations = 0.0;
  for (size_t i = 0; i < n; i++) {
    double v = values[i];
    if (isfinite(v)) deviations += (v - stats->mean) * (v - stats->mean);
  }
  stats->std = sqrt(deviations / (double)finite);
  stats->l2_norm = sqrt(sum_squares);
}

double nnlab_value_stats_zero_fraction(const nnlab_value_stats *stats) {
  return stats->count ? (double)stats->zeros / (double)stats->count : 0.0;
}

nnlab_layer_stats *nnlab_model_layer_stats(const nnlab_model *model) {
  nnlab_model *m = (nnlab_model *)model; /* the accessors are not const */
  size_t n_layers = nnlab_model_n_layers(m), fan_in = nnlab_model_n_inputs(m);
  nnlab_layer_stats *stats = g_new0(nnlab_layer_stats, n_layers);
  for (size_t l = 0; l < n_layers; l++) {
    nnlab_layer_stats *s = &stats[l];
    s->inputs = fan_in;
    s->units = nnlab_model_layer_units(m, l);
    s->n_params = s->inputs * s->units + s->units;
    nnlab_value_stats_compute(nnlab_model_layer_weights(m, l),
                              s->inputs * s->units, &s->weights);
    nnlab_value_stats_compute(nnlab_model_layer_bias(m, l), s->units, &s->bias);
    fan_in = s->units;
  }
  return stats;
}

nnlab_unit_kind nnlab_activation_unit_kind(const nnlab_component *activation) {
  switch (activation->info->activation_properties.failure) {
    case NNLAB_UNIT_FAILURE_DIES:
      return NNLAB_UNITS_RECTIFIER;
    case NNLAB_UNIT_FAILURE_SATURATES:
      return NNLAB_UNITS_SATURATING;
    default:
      return NNLAB_UNITS_OTHER;
  }
}

static gboolean is_saturated(const nnlab_activation_properties *p, float y) {
  return y < (float)(p->lower_bound + NNLAB_SATURATION_MARGIN) ||
         y > (float)(p->upper_bound - NNLAB_SATURATION_MARGIN);
}

/* Counts what one batch of a layer's outputs (rows x units) shows. */
static void observe(nnlab_unit_health *h,
                    const nnlab_activation_properties *activation,
                    const float *y, size_t rows, gboolean *alive) {
  size_t units = h->units;
  for (size_t r = 0; r < rows; r++) {
    const float *row = y + r * units;
    if (h->kind == NNLAB_UNITS_RECTIFIER)
      for (size_t u = 0; u < units; u++) alive[u] |= row[u] > 0.0f;
    else if (h->kind == NNLAB_UNITS_SATURATING)
      for (size_t u = 0; u < units; u++)
        h->saturated_outputs += is_saturated(activation, row[u]);
  }
}

nnlab_unit_health *nnlab_model_unit_health(nnlab_model *model, const float *x,
                                           size_t rows, GError **error) {
  if (rows == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "no rows to run through the network");
    return NULL;
  }
  size_t n_layers = nnlab_model_n_layers(model);
  size_t d = nnlab_model_n_inputs(model), widest = d;
  nnlab_unit_health *health = g_new0(nnlab_unit_health, n_layers);
  gboolean **alive = g_new0(gboolean *, n_layers);
  for (size_t l = 0; l < n_layers; l++) {
    nnlab_unit_health *h = &health[l];
    h->kind =
        nnlab_activation_unit_kind(nnlab_model_layer_activation(model, l));
    h->units = nnlab_model_layer_units(model, l);
    h->rows = rows;
    alive[l] = g_new0(gboolean, h->units);
    widest = MAX(widest, h->units);
  }
  size_t batch = MIN(rows, (size_t)HEALTH_BATCH_ROWS);
  float *input = g_new(float, batch *widest);
  float *z = g_new(float, batch *widest), *y = g_new(float, batch *widest);
  gboolean ok = TRUE;
  for (size_t start = 0; ok && start < rows; start += batch) {
    size_t n = MIN(batch, rows - start), fan_in = d;
    nnlab_model_standardize(model, x + start * d, n, input);
    for (size_t l = 0; ok && l < n_layers; l++) {
      const nnlab_component *activation =
          nnlab_model_layer_activation(model, l);
      size_t units = health[l].units;
      const float *b = nnlab_model_layer_bias(model, l);
      for (size_t r = 0; r < n; r++)
        memcpy(z + r * units, b, units * sizeof(float));
      gemm_nn(n, units, fan_in, input, nnlab_model_layer_weights(model, l),
              1.0f, z);
      plugin_call_begin(activation->info, PLUGIN_PHASE_FORWARD, l + 1);
      nnlab_status status = activation->info->activation.forward(
          z, y, n, units, activation->hparams);
      plugin_call_end();
      if (status != NNLAB_STATUS_OK) {
        g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN,
                    "layer %zu: activation '%s' forward failed: %s", l + 1,
                    activation->info->name, nnlab_status_message(status));
        ok = FALSE;
        break;
      }
      observe(&health[l], &activation->info->activation_properties, y, n,
              alive[l]);
      memcpy(input, y, n * units * sizeof(float));
      fan_in = units;
    }
  }
  for (size_t l = 0; l < n_layers; l++) {
    if (health[l].kind == NNLAB_UNITS_RECTIFIER)
      for (size_t u = 0; u < health[l].units; u++)
        health[l].dead_units += !alive[l][u];
    g_free(alive[l]);
  }
  g_free(alive);
  g_free(input);
  g_free(z);
  g_free(y);
  if (!ok) g_clear_pointer(&health, g_free);
  return health;
}

static void hint_values(GPtrArray *hints, size_t layer, const char *what,
                        const nnlab_value_stats *s, gboolean zeros_matter) {
  if (s->nonfinite)
    g_ptr_array_add(hints,
                    g_strdup_printf("layer %zu: %zu of the %zu %s are NaN or "
                                    "Inf",
                                    layer, s->nonfinite, s->count, what));
  double zeros = nnlab_value_stats_zero_fraction(s);
  if (zeros_matter && s->zeros && zeros >= HINT_ZERO_FRACTION)
    g_ptr_array_add(
        hints,
        zeros == 1.0
            ? g_strdup_printf("layer %zu: all %zu %s are exactly zero", layer,
                              s->count, what)
            : g_strdup_printf("layer %zu: %.0f%% of the %s are exactly zero "
                              "(%zu of %zu)",
                              layer, 100.0 * zeros, what, s->zeros, s->count));
  double largest = MAX(fabs(s->min), fabs(s->max));
  if (largest > HINT_LARGE_WEIGHT)
    g_ptr_array_add(hints, g_strdup_printf("layer %zu: %s reach %.3g in "
                                           "magnitude (exploding?)",
                                           layer, what, largest));
}

static void hint_units(GPtrArray *hints, size_t layer, const char *activation,
                       const nnlab_unit_health *h) {
  if (h->kind == NNLAB_UNITS_RECTIFIER && h->dead_units)
    g_ptr_array_add(
        hints,
        g_strdup_printf("layer %zu: %zu of %zu %s units (%.1f%%) are "
                        "dead on this data (output <= 0 for every row)",
                        layer, h->dead_units, h->units, activation,
                        100.0 * (double)h->dead_units / (double)h->units));
  double cells = (double)h->rows * (double)h->units;
  double saturated = cells > 0 ? (double)h->saturated_outputs / cells : 0.0;
  if (h->kind == NNLAB_UNITS_SATURATING && saturated >= HINT_SATURATED_FRACTION)
    g_ptr_array_add(hints,
                    g_strdup_printf("layer %zu: %.0f%% of the %s outputs are "
                                    "saturated (gradients near zero)",
                                    layer, 100.0 * saturated, activation));
}

char **nnlab_model_hints(const nnlab_model *model,
                         const nnlab_layer_stats *stats,
                         const nnlab_unit_health *health) {
  GPtrArray *hints = g_ptr_array_new();
  size_t n_layers = nnlab_model_n_layers(model);
  for (size_t l = 0; l < n_layers; l++) {
    hint_values(hints, l + 1, "weights", &stats[l].weights, TRUE);
    /* Biases start at zero, so zeros there say little. */
    hint_values(hints, l + 1, "biases", &stats[l].bias, FALSE);
    if (health && l + 1 < n_layers)
      hint_units(hints, l + 1,
                 nnlab_model_layer_activation(model, l)->info->name,
                 &health[l]);
  }
  g_ptr_array_add(hints, NULL);
  return (char **)g_ptr_array_free(hints, FALSE);
}

gboolean nnlab_history_best(const nnlab_epoch_record *history, size_t n_epochs,
                            size_t *index, gboolean *by_val) {
  for (int pass = 0; pass < 2; pass++) {
    gboolean val = pass == 0, found = FALSE;
    double best = INFINITY;
    for (size_t i = 0; i < n_epochs; i++) {
      double loss = val ? history[i].val.loss : history[i].train.loss;
      if (isfinite(loss) && (!found || loss < best)) {
        best = loss;
        *index = i;
        found = TRUE;
      }
    }
    if (found) {
      *by_val = val;
      return TRUE;
    }
  }
  return FALSE;
}
