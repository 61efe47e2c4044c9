/* Looking inside a trained network without gradients: statistics of each
 * layer's weights and biases, how its hidden units behave on data (dead
 * rectifiers, saturated sigmoid and tanh units), one-line hints about
 * likely problems, and the best epoch of a history. nnlab inspect prints
 * these; C programs can call them on any loaded model. */
#ifndef NNLAB_MODEL_STATS_H
#define NNLAB_MODEL_STATS_H

#include <nnlab/train.h>

G_BEGIN_DECLS

/* Statistics of an array of floats, computed in double precision over its
 * finite values (NaN and Inf are only counted). std is the population
 * standard deviation (divides by the count, as numpy's default); all
 * fields are 0 when no value is finite. */
typedef struct nnlab_value_stats {
  size_t count;     /* values in the array */
  size_t nonfinite; /* NaN or Inf values, left out of the rest */
  size_t zeros;     /* values exactly 0 (or -0) */
  double mean, std, min, max;
  double l2_norm; /* sqrt of the sum of squares */
} nnlab_value_stats;

NNLAB_API void nnlab_value_stats_compute(const float *values, size_t n,
                                         nnlab_value_stats *stats);
/* zeros / count, 0 for an empty array. */
NNLAB_API double nnlab_value_stats_zero_fraction(
    const nnlab_value_stats *stats);

typedef struct nnlab_layer_stats {
  size_t inputs, units;
  size_t n_params; /* inputs * units weights + units biases */
  nnlab_value_stats weights, bias;
} nnlab_layer_stats;

/* One entry per layer (nnlab_model_n_layers); g_free the array. */
NNLAB_API nnlab_layer_stats *nnlab_model_layer_stats(const nnlab_model *model);

typedef enum nnlab_unit_kind {
  NNLAB_UNITS_OTHER = 0,
  NNLAB_UNITS_RECTIFIER,  /* NNLAB_UNIT_FAILURE_DIES: relu, leaky_relu */
  NNLAB_UNITS_SATURATING, /* NNLAB_UNIT_FAILURE_SATURATES: sigmoid, tanh */
} nnlab_unit_kind;

/* What kind of units an activation makes, from the failure it declares
 * (activation_properties.failure in plugin.h); OTHER when undeclared. */
NNLAB_API nnlab_unit_kind
nnlab_activation_unit_kind(const nnlab_component *activation);

/* Outputs of a saturating unit within this of the bounds it declares
 * count as saturated: tanh |y| > 0.99, sigmoid y < 0.01 or y > 0.99 (the
 * derivative is below about 0.02 of its peak there). */
#define NNLAB_SATURATION_MARGIN 0.01

typedef struct nnlab_unit_health {
  nnlab_unit_kind kind;
  size_t units;
  size_t rows;
  /* Rectifiers: units whose output is <= 0 for every row; such a unit
   * passes no gradient to its weights on this data. 0 for other kinds. */
  size_t dead_units;
  /* Saturating units: outputs (of rows x units) beyond the margin above.
   * 0 for other kinds. */
  size_t saturated_outputs;
} nnlab_unit_health;

/* Runs x (rows x n_inputs raw features; the model's standardization is
 * applied) through the network, layer by layer, and describes each
 * layer's units: one entry per layer, the output layer included (callers
 * usually report hidden layers only). g_free the array. NULL with an
 * error when rows is 0 or an activation fails. */
NNLAB_API nnlab_unit_health *nnlab_model_unit_health(nnlab_model *model,
                                                     const float *x,
                                                     size_t rows,
                                                     GError **error);

/* One-line hints about likely problems, e.g. "layer 2: 40% of the weights
 * are exactly zero" or "layer 1: 12 of 64 relu units (19%) are dead on
 * this data". stats is nnlab_model_layer_stats; health may be NULL.
 * NULL-terminated (an empty list when nothing stands out); g_strfreev. */
NNLAB_API char **nnlab_model_hints(const nnlab_model *model,
                                   const nnlab_layer_stats *stats,
                                   const nnlab_unit_health *health);

/* The epoch of history with the lowest validation loss, or the lowest
 * training loss when no epoch has a validation loss (NaN losses are
 * skipped). Stores its index in *index and whether validation loss
 * decided in *by_val; FALSE when no epoch has a finite loss. */
NNLAB_API gboolean nnlab_history_best(const nnlab_epoch_record *history,
                                      size_t n_epochs, size_t *index,
                                      gboolean *by_val);

G_END_DECLS

#endif
