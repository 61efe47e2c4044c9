/* The training loop: learning XOR, batch-size semantics checked against
 * hand-computed gradient steps, seeded shuffling, learning-rate schedules,
 * early stopping, gradient clipping, the divergence guard, metrics, and
 * the perceptron rule. */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/gradcheck.h"
#include "support/plugins.h"

#define assert_near(actual, expected, tol)                                    \
  do {                                                                        \
    double actual_ = (actual), expected_ = (expected), tol_ = (tol);          \
    if (!(fabs(actual_ - expected_) <= tol_))                                 \
      fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, actual_, \
               expected_, tol_);                                              \
  } while (0)

static void assert_contains(const char *text, const char *part) {
  if (!strstr(text, part)) fail_msg("'%s' does not contain '%s'", text, part);
}

/* ---- Fixtures --------------------------------------------------------------
 */

static nnlab_dataset *regression_data(size_t n, size_t d, size_t k,
                                      const float *x, const float *y) {
  GError *error = NULL;
  nnlab_dataset *data =
      nnlab_dataset_new(NNLAB_TASK_REGRESSION, n, d, k, 0, &error);
  if (!data) fail_msg("%s", error->message);
  memcpy(data->features, x, n * d * sizeof(float));
  memcpy(data->targets, y, n * k * sizeof(float));
  return data;
}

static nnlab_dataset *classification_data(size_t n, size_t d, size_t classes,
                                          const float *x,
                                          const int32_t *labels) {
  GError *error = NULL;
  nnlab_dataset *data =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, n, d, 1, classes, &error);
  if (!data) fail_msg("%s", error->message);
  memcpy(data->features, x, n * d * sizeof(float));
  memcpy(data->labels, labels, n * sizeof(int32_t));
  return data;
}

/* Ten rows of a smooth two-feature regression problem. */
static nnlab_dataset *wave_data(void) {
  enum { N = 10 };
  float x[N * 2], y[N];
  for (size_t i = 0; i < N; i++) {
    x[2 * i] = -1.0f + 0.2f * (float)i;
    x[2 * i + 1] = (float)((i * 7) % 10) / 10.0f - 0.45f;
    y[i] = sinf(2.0f * x[2 * i]) + 0.5f * x[2 * i + 1];
  }
  return regression_data(N, 2, 1, x, y);
}

/* Training data y = 2 x1 - x2 and validation data y = x1 - 0.5 x2: a linear
 * model starting from zero first approaches the validation optimum, then
 * overshoots it, so the validation loss has a minimum in between. */
static void overfitting_data(nnlab_dataset **train, nnlab_dataset **val) {
  enum { N = 8 };
  float x[N * 2], y_train[N], y_val[N];
  for (size_t i = 0; i < N; i++) {
    x[2 * i] = (i & 1) ? 1.0f : -1.0f;
    x[2 * i + 1] = (i & 2) ? 1.0f : -1.0f;
    if (i >= 4) x[2 * i] *= 0.5f, x[2 * i + 1] *= 0.5f;
    y_train[i] = 2.0f * x[2 * i] - x[2 * i + 1];
    y_val[i] = 0.5f * y_train[i];
  }
  *train = regression_data(N, 2, 1, x, y_train);
  *val = regression_data(N, 2, 1, x, y_val);
}

static const float xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1};
static const int32_t xor_labels[] = {0, 1, 1, 0};

static nnlab_model *new_model(size_t n_inputs, const char *const *layers) {
  GError *error = NULL;
  nnlab_model *model =
      nnlab_model_new(test_registry(), n_inputs, layers, &error);
  if (!model) fail_msg("%s", error->message);
  return model;
}

static void init_model(nnlab_model *model, nnlab_init_scheme scheme,
                       uint64_t seed) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  nnlab_model_init(model, scheme, 0.5, &rng);
}

static void resolve(nnlab_plugin_kind kind, const char *spec,
                    nnlab_component *component) {
  GError *error = NULL;
  if (!nnlab_component_resolve(test_registry(), kind, spec, component, &error))
    fail_msg("%s", error->message);
}

static nnlab_trainer *new_trainer(nnlab_model *model, const char *loss_spec,
                                  const char *optimizer_spec,
                                  const nnlab_train_config *config) {
  nnlab_component loss, optimizer;
  resolve(NNLAB_KIND_LOSS, loss_spec, &loss);
  resolve(NNLAB_KIND_OPTIMIZER, optimizer_spec, &optimizer);
  GError *error = NULL;
  nnlab_trainer *trainer =
      nnlab_trainer_new(model, &loss, &optimizer, config, &error);
  if (!trainer) fail_msg("%s", error->message);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&optimizer);
  return trainer;
}

static void fit(nnlab_trainer *trainer, const nnlab_dataset *train,
                const nnlab_dataset *val) {
  GError *error = NULL;
  if (!nnlab_trainer_fit(trainer, train, val, &error))
    fail_msg("%s", error->message);
}

static float *params_copy(nnlab_model *model) {
  return g_memdup2(nnlab_model_params(model),
                   nnlab_model_n_params(model) * sizeof(float));
}

static void assert_params_near(nnlab_model *model, const float *expected,
                               double rtol) {
  const float *params = nnlab_model_params(model);
  for (size_t i = 0; i < nnlab_model_n_params(model); i++)
    if (!(fabs((double)params[i] - expected[i]) <=
          rtol * (1.0 + fabs(expected[i]))))
      fail_msg("parameter %zu is %.9g, expected %.9g", i, (double)params[i],
               (double)expected[i]);
}

/* What the progress callback saw. */
typedef struct step_log {
  nnlab_model *model;
  size_t steps;               /* optimizer steps */
  size_t steps_this_epoch;    /* in the epoch under way */
  size_t steps_per_epoch[64]; /* for each finished epoch */
  size_t samples_per_epoch[64];
  size_t epochs_finished;
  size_t last_epoch, last_batch; /* position of the last step */
  float *last_params;            /* parameters after the last step */
} step_log;

static void log_step(const nnlab_progress *progress, void *user_data) {
  step_log *log = user_data;
  if (progress->finished) {
    g_assert(log->epochs_finished < G_N_ELEMENTS(log->steps_per_epoch));
    log->steps_per_epoch[log->epochs_finished] = log->steps_this_epoch;
    log->samples_per_epoch[log->epochs_finished] = progress->samples;
    log->epochs_finished++;
    log->steps_this_epoch = 0;
    return;
  }
  log->steps++;
  log->steps_this_epoch++;
  log->last_epoch = progress->epoch;
  log->last_batch = progress->batch;
  if (log->model) {
    g_free(log->last_params);
    log->last_params = params_copy(log->model);
  }
}

/* One plain gradient-descent step, W -= lr * dL/dW, on rows [first, first +
 * rows) of a regression dataset, computed outside the trainer. */
static void manual_sgd_step(nnlab_model *model, const char *loss_spec,
                            const nnlab_dataset *data, size_t first,
                            size_t rows, float lr) {
  nnlab_component loss;
  resolve(NNLAB_KIND_LOSS, loss_spec, &loss);
  size_t d = data->n_features, k = data->n_targets;
  GError *error = NULL;
  const float *x = data->features + first * d;
  const float *out = nnlab_model_forward(model, x, rows, &error);
  assert_non_null(out);
  g_autofree float *dpred = g_new(float, rows *k);
  nnlab_targets targets = {data->targets + first * k, NULL};
  double value = 0;
  assert_int_equal(loss.info->loss.compute(out, &targets, rows, k, loss.hparams,
                                           &value, dpred),
                   NNLAB_STATUS_OK);
  assert_true(nnlab_model_backward(model, x, dpred, &error));
  float *params = nnlab_model_params(model);
  const float *grads = nnlab_model_grads(model);
  for (size_t i = 0; i < nnlab_model_n_params(model); i++)
    params[i] -= lr * grads[i];
  nnlab_component_clear(&loss);
}

static void train_config(nnlab_train_config *config, size_t epochs,
                         size_t batch_size, gboolean shuffle) {
  nnlab_train_config_init(config);
  config->epochs = epochs;
  config->batch_size = batch_size;
  config->shuffle = shuffle;
}

/* ---- Learning ---------------------------------------------------------------
 */

/* XOR is not linearly separable; a hidden layer of 8 learns it from any of
 * several initializations (with 4 units a few seeds in a hundred end in a
 * local minimum, so this uses 8: 300 of 300 seeds succeed with margin). */
static void test_xor_is_learned_from_several_seeds(void **state) {
  (void)state;
  nnlab_dataset *xor_data = classification_data(4, 2, 2, xor_x, xor_labels);
  static const struct {
    const char *layers[3];
    const char *loss, *optimizer;
    size_t epochs;
  } setups[] = {
      {{"8:tanh", "1:sigmoid", NULL},
       "binary_cross_entropy",
       "adam(lr=0.05)",
       400},
      {{"8:tanh", "1:sigmoid", NULL}, "mse", "sgd(lr=0.5, momentum=0.9)", 400},
  };
  for (size_t s = 0; s < G_N_ELEMENTS(setups); s++) {
    for (uint64_t seed = 1; seed <= 4; seed++) {
      nnlab_model *model = new_model(2, setups[s].layers);
      init_model(model, NNLAB_INIT_XAVIER_UNIFORM, seed);
      nnlab_train_config config;
      train_config(&config, setups[s].epochs, 4, TRUE);
      config.seed = seed;
      nnlab_trainer *trainer =
          new_trainer(model, setups[s].loss, setups[s].optimizer, &config);
      fit(trainer, xor_data, NULL);
      float out[4];
      GError *error = NULL;
      assert_true(nnlab_model_predict(model, xor_x, 4, out, &error));
      for (size_t i = 0; i < 4; i++)
        if ((out[i] >= 0.5f) != (xor_labels[i] == 1))
          fail_msg("%s with %s, seed %llu: XOR(%g, %g) predicted %g",
                   setups[s].loss, setups[s].optimizer,
                   (unsigned long long)seed, (double)xor_x[2 * i],
                   (double)xor_x[2 * i + 1], (double)out[i]);
      size_t n_epochs = 0;
      const nnlab_epoch_record *history =
          nnlab_trainer_history(trainer, &n_epochs);
      assert_int_equal(n_epochs, setups[s].epochs);
      assert_true(history[n_epochs - 1].train.accuracy == 1.0);
      assert_true(history[n_epochs - 1].train.loss < history[0].train.loss);
      nnlab_trainer_free(trainer);
      nnlab_model_free(model);
    }
  }
  nnlab_dataset_free(xor_data);
}

/* ---- Batches ----------------------------------------------------------------
 */

/* Trains a fresh 2-3-1 network with plain SGD for epochs epochs of
 * batch_size rows without shuffling, and checks it against the same steps
 * taken by hand on consecutive rows. */
static void check_unshuffled_trajectory(size_t batch_size, size_t epochs,
                                        size_t expected_steps_per_epoch) {
  nnlab_dataset *data = wave_data();
  const char *const layers[] = {"3:tanh", "1:identity", NULL};
  nnlab_model *model = new_model(2, layers);
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_model *by_hand = new_model(2, layers);
  init_model(by_hand, NNLAB_INIT_XAVIER_UNIFORM, 4);

  nnlab_train_config config;
  train_config(&config, epochs, batch_size, FALSE);
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.1)", &config);
  step_log log = {0};
  nnlab_trainer_set_progress(trainer, log_step, &log);
  fit(trainer, data, NULL);

  size_t n = data->n_rows;
  size_t batch = batch_size == 0 ? n : MIN(batch_size, n);
  for (size_t e = 0; e < epochs; e++)
    for (size_t first = 0; first < n; first += batch)
      manual_sgd_step(by_hand, "mse", data, first, MIN(batch, n - first), 0.1f);

  size_t n_epochs = 0;
  nnlab_trainer_history(trainer, &n_epochs);
  assert_int_equal(n_epochs, epochs);
  assert_int_equal(log.epochs_finished, epochs);
  for (size_t e = 0; e < epochs; e++) {
    assert_int_equal(log.steps_per_epoch[e], expected_steps_per_epoch);
    assert_int_equal(log.samples_per_epoch[e], n);
  }
  assert_int_equal(log.steps, epochs * expected_steps_per_epoch);
  assert_params_near(model, nnlab_model_params(by_hand), 1e-6);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_model_free(by_hand);
  nnlab_dataset_free(data);
}

/* Batch size 0 or N (or more): one step per epoch over all rows, i.e. batch
 * gradient descent. */
static void test_full_batch_takes_one_step_per_epoch(void **state) {
  (void)state;
  check_unshuffled_trajectory(0, 3, 1);
  check_unshuffled_trajectory(10, 3, 1);
  check_unshuffled_trajectory(25, 2, 1);
}

static void test_batch_of_one_takes_n_steps_per_epoch(void **state) {
  (void)state;
  check_unshuffled_trajectory(1, 2, 10);
}

/* Batches of 3 over 10 rows: 3 + 3 + 3 + 1. */
static void test_mini_batches_take_ceil_n_over_b_steps(void **state) {
  (void)state;
  check_unshuffled_trajectory(3, 2, 4);
  check_unshuffled_trajectory(5, 2, 2);
}

/* Full-batch gradient descent does not depend on the order of the rows:
 * with shuffling it matches the unshuffled run up to summation order. */
static void test_full_batch_ignores_shuffling(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  const char *const layers[] = {"3:tanh", "1:identity", NULL};
  float *results[2];
  for (int shuffle = 0; shuffle < 2; shuffle++) {
    nnlab_model *model = new_model(2, layers);
    init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
    nnlab_train_config config;
    train_config(&config, 5, 0, shuffle);
    nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.1)", &config);
    fit(trainer, data, NULL);
    results[shuffle] = params_copy(model);
    nnlab_trainer_free(trainer);
    nnlab_model_free(model);
  }
  for (size_t i = 0; i < 13; i++)
    assert_near(results[1][i], results[0][i], 1e-5);
  g_free(results[0]);
  g_free(results[1]);
  nnlab_dataset_free(data);
}

/* Trains a 2-3-1 network with shuffled mini-batches; returns its
 * parameters. */
static float *shuffled_run(const nnlab_dataset *data, uint64_t seed,
                           double *final_loss) {
  nnlab_model *model =
      new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, 6, 3, TRUE);
  config.seed = seed;
  nnlab_trainer *trainer =
      new_trainer(model, "mse", "sgd(lr=0.1, momentum=0.5)", &config);
  fit(trainer, data, NULL);
  size_t n_epochs = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  *final_loss = history[n_epochs - 1].train.loss;
  float *params = params_copy(model);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  return params;
}

static void test_shuffling_is_seeded(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  double loss_a, loss_b, loss_c;
  g_autofree float *a = shuffled_run(data, 7, &loss_a);
  g_autofree float *b = shuffled_run(data, 7, &loss_b);
  g_autofree float *c = shuffled_run(data, 8, &loss_c);
  assert_memory_equal(a, b, 13 * sizeof(float));
  assert_true(loss_a == loss_b);
  assert_memory_not_equal(a, c, 13 * sizeof(float));
  nnlab_dataset_free(data);
}

/* The (w, b) of a one-input linear model after every step. */
typedef struct param_trace {
  nnlab_model *model;
  GArray *values; /* float pairs */
} param_trace;

static void trace_params(const nnlab_progress *progress, void *user_data) {
  param_trace *trace = user_data;
  if (!progress->finished)
    g_array_append_vals(trace->values, nnlab_model_params(trace->model), 2);
}

/* The rows each step of a batch-1 run used, recovered from the parameter
 * changes of a one-input linear model under mse: a step on row x moves w
 * by x times what it moves b, and the rows have x = 1 ... N. */
static void rows_visited(gboolean shuffle, uint64_t seed, size_t epochs,
                         size_t *rows) {
  enum { N = 8 };
  float x[N], y[N];
  for (size_t i = 0; i < N; i++) x[i] = (float)(i + 1), y[i] = 20.0f;
  nnlab_dataset *data = regression_data(N, 1, 1, x, y);
  nnlab_model *model = new_model(1, (const char *[]){"1:identity", NULL});
  init_model(model, NNLAB_INIT_ZEROS, 0);
  nnlab_train_config config;
  train_config(&config, epochs, 1, shuffle);
  config.seed = seed;
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=1e-4)", &config);
  param_trace trace = {model, g_array_new(FALSE, FALSE, sizeof(float))};
  nnlab_trainer_set_progress(trainer, trace_params, &trace);
  fit(trainer, data, NULL);
  assert_int_equal(trace.values->len, 2 * N * epochs);
  const float *pairs = (const float *)trace.values->data;
  double w = 0, b = 0;
  for (size_t s = 0; s < N * epochs; s++) {
    double ratio = (pairs[2 * s] - w) / (pairs[2 * s + 1] - b);
    size_t row = (size_t)lround(ratio) - 1;
    assert_true(row < N && fabs(ratio - (double)(row + 1)) < 1e-2);
    rows[s] = row;
    w = pairs[2 * s];
    b = pairs[2 * s + 1];
  }
  g_array_unref(trace.values);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* Every epoch visits every row once; with shuffling in a new order each
 * epoch, the same orders for the same seed. */
static void test_each_epoch_is_a_fresh_permutation(void **state) {
  (void)state;
  enum { N = 8, EPOCHS = 4 };
  size_t in_order[N * EPOCHS], a[N * EPOCHS], b[N * EPOCHS], c[N * EPOCHS];
  rows_visited(FALSE, 0, EPOCHS, in_order);
  for (size_t s = 0; s < N * EPOCHS; s++) assert_int_equal(in_order[s], s % N);
  rows_visited(TRUE, 5, EPOCHS, a);
  rows_visited(TRUE, 5, EPOCHS, b);
  rows_visited(TRUE, 6, EPOCHS, c);
  assert_memory_equal(a, b, sizeof a);
  assert_memory_not_equal(a, c, sizeof a);
  for (size_t e = 0; e < EPOCHS; e++) {
    gboolean seen[N] = {FALSE};
    for (size_t i = 0; i < N; i++) {
      assert_false(seen[a[e * N + i]]);
      seen[a[e * N + i]] = TRUE;
    }
    /* 1 in 40320 that two random orders coincide. */
    if (e > 0)
      assert_memory_not_equal(a + e * N, a + (e - 1) * N, N * sizeof(size_t));
  }
}

/* fit takes raw data and applies the model's standardization: the same as
 * training a model without one on standardized data. */
static void test_training_applies_standardization(void **state) {
  (void)state;
  nnlab_dataset *raw = wave_data();
  nnlab_dataset *standardized = wave_data();
  const float mean[] = {0.5f, -0.25f}, std[] = {2.0f, 0.5f};
  for (size_t i = 0; i < raw->n_rows * 2; i++) {
    raw->features[i] = raw->features[i] * std[i % 2] + mean[i % 2];
    standardized->features[i] = (raw->features[i] - mean[i % 2]) / std[i % 2];
  }
  const char *const layers[] = {"3:tanh", "1:identity", NULL};
  nnlab_model *with = new_model(2, layers), *without = new_model(2, layers);
  init_model(with, NNLAB_INIT_XAVIER_UNIFORM, 4);
  init_model(without, NNLAB_INIT_XAVIER_UNIFORM, 4);
  GError *error = NULL;
  assert_true(nnlab_model_set_standardization(with, mean, std, &error));
  nnlab_train_config config;
  train_config(&config, 5, 3, TRUE);
  nnlab_trainer *a = new_trainer(with, "mse", "adam(lr=0.01)", &config);
  nnlab_trainer *b = new_trainer(without, "mse", "adam(lr=0.01)", &config);
  fit(a, raw, raw);
  fit(b, standardized, standardized);
  assert_memory_equal(nnlab_model_params(with), nnlab_model_params(without),
                      nnlab_model_n_params(with) * sizeof(float));
  size_t n_a = 0, n_b = 0;
  const nnlab_epoch_record *history_a = nnlab_trainer_history(a, &n_a);
  const nnlab_epoch_record *history_b = nnlab_trainer_history(b, &n_b);
  assert_true(history_a[n_a - 1].val.loss == history_b[n_b - 1].val.loss);
  nnlab_trainer_free(a);
  nnlab_trainer_free(b);
  nnlab_model_free(with);
  nnlab_model_free(without);
  nnlab_dataset_free(raw);
  nnlab_dataset_free(standardized);
}

/* ---- Learning-rate schedules ------------------------------------------------
 */

/* The learning rates recorded for each epoch of a 10-epoch run. */
static void scheduled_lrs(const nnlab_schedule_config *schedule, size_t epochs,
                          double *lrs) {
  nnlab_dataset *data = wave_data();
  nnlab_model *model =
      new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, epochs, 5, TRUE);
  config.schedule = *schedule;
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.2)", &config);
  fit(trainer, data, NULL);
  size_t n_epochs = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  assert_int_equal(n_epochs, epochs);
  for (size_t e = 0; e < epochs; e++) {
    assert_int_equal(history[e].epoch, e + 1);
    lrs[e] = history[e].lr;
  }
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

static void test_step_and_exponential_schedules(void **state) {
  (void)state;
  double lrs[10];
  nnlab_schedule_config step = {
      .kind = NNLAB_SCHEDULE_STEP, .step_size = 3, .gamma = 0.5};
  scheduled_lrs(&step, 10, lrs);
  /* torch StepLR: lr * gamma^floor((epoch - 1) / step_size). */
  const double expected[] = {0.2, 0.2,  0.2,  0.1,  0.1,
                             0.1, 0.05, 0.05, 0.05, 0.025};
  for (size_t e = 0; e < 10; e++) assert_near(lrs[e], expected[e], 1e-15);

  nnlab_schedule_config exponential = {.kind = NNLAB_SCHEDULE_EXPONENTIAL,
                                       .gamma = 0.9};
  scheduled_lrs(&exponential, 10, lrs);
  for (size_t e = 0; e < 10; e++)
    assert_near(lrs[e], 0.2 * pow(0.9, (double)e), 1e-15);

  nnlab_schedule_config constant = {.kind = NNLAB_SCHEDULE_CONSTANT};
  scheduled_lrs(&constant, 10, lrs);
  for (size_t e = 0; e < 10; e++) assert_true(lrs[e] == 0.2);
}

/* Linear warmup over the first epochs to the base rate, then a half cosine
 * from the base rate towards min_lr over the remaining epochs (torch's
 * CosineAnnealingLR with T_max = epochs - warmup). */
static void test_cosine_schedule_with_warmup(void **state) {
  (void)state;
  enum { EPOCHS = 12, WARMUP = 3 };
  double lrs[EPOCHS];
  nnlab_schedule_config cosine = {
      .kind = NNLAB_SCHEDULE_COSINE, .warmup = WARMUP, .min_lr = 0.01};
  scheduled_lrs(&cosine, EPOCHS, lrs);
  for (size_t e = 0; e < WARMUP; e++)
    assert_near(lrs[e], 0.2 * (double)(e + 1) / WARMUP, 1e-15);
  for (size_t e = WARMUP; e < EPOCHS; e++) {
    double t = (double)(e - WARMUP) / (double)(EPOCHS - WARMUP);
    assert_near(lrs[e], 0.01 + 0.5 * (0.2 - 0.01) * (1.0 + cos(G_PI * t)),
                1e-15);
  }
  /* Rises during warmup, then falls monotonically. */
  for (size_t e = 1; e < EPOCHS; e++)
    assert_true(e < WARMUP ? lrs[e] > lrs[e - 1] : lrs[e] <= lrs[e - 1]);
  assert_true(lrs[EPOCHS - 1] > 0.01);
}

static void test_step_schedule_needs_a_step_size(void **state) {
  (void)state;
  nnlab_model *model = new_model(2, (const char *[]){"1:identity", NULL});
  nnlab_component loss, optimizer;
  resolve(NNLAB_KIND_LOSS, "mse", &loss);
  resolve(NNLAB_KIND_OPTIMIZER, "sgd", &optimizer);
  nnlab_train_config config;
  train_config(&config, 3, 0, FALSE);
  config.schedule.kind = NNLAB_SCHEDULE_STEP;
  config.schedule.step_size = 0;
  GError *error = NULL;
  assert_null(nnlab_trainer_new(model, &loss, &optimizer, &config, &error));
  assert_non_null(error);
  assert_contains(error->message, "step_size");
  g_error_free(error);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&optimizer);
  nnlab_model_free(model);
}

/* The scheduled rate is the one the optimizer uses: with gamma 0 the step
 * schedule stops all learning after step_size epochs. */
static void test_schedule_drives_the_optimizer(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  float *after[2];
  for (size_t run = 0; run < 2; run++) {
    nnlab_model *model =
        new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
    init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
    nnlab_train_config config;
    train_config(&config, run == 0 ? 2 : 6, 5, FALSE);
    config.schedule = (nnlab_schedule_config){
        .kind = NNLAB_SCHEDULE_STEP, .step_size = 2, .gamma = 0.0};
    nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.2)", &config);
    fit(trainer, data, NULL);
    after[run] = params_copy(model);
    nnlab_trainer_free(trainer);
    nnlab_model_free(model);
  }
  assert_memory_equal(after[0], after[1], 13 * sizeof(float));
  g_free(after[0]);
  g_free(after[1]);
  nnlab_dataset_free(data);
}

/* A network of one step unit has zero gradients, so its loss never
 * improves: reduce-on-plateau cuts the rate after every patience + 1 bad
 * epochs, as torch's ReduceLROnPlateau does, down to min_lr. */
static void test_plateau_reduces_after_patience(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  static const struct {
    double min_lr;
    double expected[12];
  } cases[] = {
      {0.0,
       {0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025}},
      {0.06, {0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.06, 0.06, 0.06, 0.06, 0.06}},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    for (int with_val = 0; with_val < 2; with_val++) {
      nnlab_model *model = new_model(2, (const char *[]){"1:step", NULL});
      init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
      nnlab_train_config config;
      train_config(&config, 12, 0, FALSE);
      config.schedule = (nnlab_schedule_config){.kind = NNLAB_SCHEDULE_PLATEAU,
                                                .patience = 2,
                                                .factor = 0.5,
                                                .min_lr = cases[c].min_lr};
      nnlab_trainer *trainer =
          new_trainer(model, "mse", "sgd(lr=0.2)", &config);
      fit(trainer, data, with_val ? data : NULL);
      size_t n_epochs = 0;
      const nnlab_epoch_record *history =
          nnlab_trainer_history(trainer, &n_epochs);
      assert_int_equal(n_epochs, 12);
      for (size_t e = 0; e < 12; e++) {
        assert_true(history[e].train.loss == history[0].train.loss);
        assert_near(history[e].lr, cases[c].expected[e], 1e-15);
      }
      nnlab_trainer_free(trainer);
      nnlab_model_free(model);
    }
  }
  nnlab_dataset_free(data);
}

/* While the loss keeps improving the rate stays. */
static void test_plateau_keeps_rate_while_improving(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  nnlab_model *model =
      new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, 10, 0, FALSE);
  config.schedule = (nnlab_schedule_config){
      .kind = NNLAB_SCHEDULE_PLATEAU, .patience = 0, .factor = 0.5};
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.05)", &config);
  fit(trainer, data, NULL);
  size_t n_epochs = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  for (size_t e = 0; e < n_epochs; e++) {
    if (e > 0) assert_true(history[e].train.loss < history[e - 1].train.loss);
    assert_true(history[e].lr == 0.05);
  }
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* With validation data the plateau rule watches the validation loss. On
 * the data below the training loss keeps falling while the validation
 * loss turns up after about ten epochs. */
static void test_plateau_watches_validation_loss(void **state) {
  (void)state;
  enum { EPOCHS = 20, PATIENCE = 1 };
  nnlab_dataset *train, *val;
  overfitting_data(&train, &val);
  for (int with_val = 0; with_val < 2; with_val++) {
    nnlab_model *model = new_model(2, (const char *[]){"1:identity", NULL});
    init_model(model, NNLAB_INIT_ZEROS, 0);
    nnlab_train_config config;
    train_config(&config, EPOCHS, 0, FALSE);
    config.schedule = (nnlab_schedule_config){
        .kind = NNLAB_SCHEDULE_PLATEAU, .patience = PATIENCE, .factor = 0.5};
    nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.05)", &config);
    fit(trainer, train, with_val ? val : NULL);
    size_t n_epochs = 0;
    const nnlab_epoch_record *history =
        nnlab_trainer_history(trainer, &n_epochs);
    /* The rule applied by hand to the monitored losses: a new best must
     * beat the old one by 1e-4 relative. */
    double lr = 0.05, best = INFINITY;
    size_t bad = 0, reductions = 0;
    for (size_t e = 0; e < n_epochs; e++) {
      assert_near(history[e].lr, lr, 1e-15);
      double monitored = with_val ? history[e].val.loss : history[e].train.loss;
      if (monitored < best * (1 - 1e-4)) {
        best = monitored;
        bad = 0;
      } else if (++bad > PATIENCE) {
        lr *= 0.5;
        bad = 0;
        reductions++;
      }
    }
    if (with_val)
      assert_true(reductions > 0);
    else
      assert_int_equal(reductions, 0);
    nnlab_trainer_free(trainer);
    nnlab_model_free(model);
  }
  nnlab_dataset_free(train);
  nnlab_dataset_free(val);
}

/* ---- Early stopping ---------------------------------------------------------
 */

static nnlab_trainer *early_stopping_run(nnlab_model *model, size_t epochs,
                                         size_t patience,
                                         const nnlab_dataset *train,
                                         const nnlab_dataset *val) {
  init_model(model, NNLAB_INIT_ZEROS, 4);
  nnlab_train_config config;
  train_config(&config, epochs, 2, TRUE);
  config.seed = 3;
  config.early_stopping_patience = patience;
  nnlab_trainer *trainer =
      new_trainer(model, "mse", "sgd(lr=0.01, momentum=0.5)", &config);
  fit(trainer, train, val);
  return trainer;
}

static void test_early_stopping_restores_best_weights(void **state) {
  (void)state;
  nnlab_dataset *train, *val;
  overfitting_data(&train, &val);
  const char *const layers[] = {"1:identity", NULL};
  nnlab_model *model = new_model(2, layers);
  enum { PATIENCE = 3, MAX_EPOCHS = 60 };
  nnlab_trainer *trainer =
      early_stopping_run(model, MAX_EPOCHS, PATIENCE, train, val);
  size_t n_epochs = 0, best = nnlab_trainer_best_epoch(trainer);
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  assert_true(nnlab_trainer_stopped_early(trainer));
  assert_int_equal(nnlab_trainer_stop_rule(trainer), NNLAB_STOP_EARLY_STOPPING);
  assert_true(best > 1);
  assert_int_equal(n_epochs, best + PATIENCE);
  assert_true(n_epochs < MAX_EPOCHS);
  /* The best epoch has the lowest validation loss; the ones after it do not
   * improve on it. */
  for (size_t e = 0; e < n_epochs; e++)
    if (e != best - 1)
      assert_true(history[e].val.loss > history[best - 1].val.loss);
  assert_true(history[best - 2].val.loss > history[best - 1].val.loss);

  /* The model holds exactly the weights of a run stopped at the best
   * epoch. */
  nnlab_model *reference = new_model(2, layers);
  nnlab_trainer *reference_trainer =
      early_stopping_run(reference, best, PATIENCE, train, val);
  assert_false(nnlab_trainer_stopped_early(reference_trainer));
  assert_int_equal(nnlab_trainer_best_epoch(reference_trainer), best);
  assert_memory_equal(nnlab_model_params(model), nnlab_model_params(reference),
                      nnlab_model_n_params(model) * sizeof(float));

  nnlab_component mse;
  resolve(NNLAB_KIND_LOSS, "mse", &mse);
  nnlab_metrics metrics;
  GError *error = NULL;
  assert_true(nnlab_evaluate(model, &mse, val, &metrics, &error));
  assert_true(metrics.loss == history[best - 1].val.loss);
  nnlab_component_clear(&mse);

  nnlab_trainer_free(reference_trainer);
  nnlab_model_free(reference);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(train);
  nnlab_dataset_free(val);
}

/* ---- The course's stop rules ------------------------------------------------
 */

/* Batch gradient descent on the wave data for up to epochs epochs with
 * the stop rules given (0: off). */
static nnlab_trainer *stop_rule_run(nnlab_model **model, size_t epochs,
                                    double stop_loss, double stop_grad_norm,
                                    const nnlab_dataset *data) {
  *model = new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
  init_model(*model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, epochs, 0, FALSE);
  config.stop_loss = stop_loss;
  config.stop_grad_norm = stop_grad_norm;
  nnlab_trainer *trainer = new_trainer(*model, "mse", "sgd(lr=0.2)", &config);
  fit(trainer, data, NULL);
  return trainer;
}

/* Training ends after the first epoch whose training loss is below
 * stop_loss, with the weights of that epoch. */
static void test_stop_loss_ends_at_the_first_epoch_below_it(void **state) {
  (void)state;
  enum { EPOCHS = 100 };
  nnlab_dataset *data = wave_data();
  nnlab_model *full_model, *stopped_model, *reference_model;
  nnlab_trainer *full = stop_rule_run(&full_model, EPOCHS, 0, 0, data);
  size_t n = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(full, &n);
  double threshold = history[29].train.loss * 1.001;
  size_t first = 0;
  while (!(history[first].train.loss < threshold)) first++;
  assert_true(first > 0 && first < EPOCHS - 1);

  nnlab_trainer *stopped =
      stop_rule_run(&stopped_model, EPOCHS, threshold, 0, data);
  assert_true(nnlab_trainer_stopped_early(stopped));
  assert_int_equal(nnlab_trainer_stop_rule(stopped), NNLAB_STOP_LOSS);
  assert_string_equal(nnlab_stop_rule_name(NNLAB_STOP_LOSS), "stop_loss");
  nnlab_trainer_state st;
  nnlab_trainer_get_state(stopped, &st);
  assert_int_equal(st.epochs_done, first + 1);
  assert_true(st.stop_value == history[first].train.loss);
  nnlab_trainer *reference =
      stop_rule_run(&reference_model, first + 1, 0, 0, data);
  assert_memory_equal(nnlab_model_params(stopped_model),
                      nnlab_model_params(reference_model),
                      nnlab_model_n_params(stopped_model) * sizeof(float));
  nnlab_trainer_free(reference);
  nnlab_trainer_free(stopped);
  nnlab_trainer_free(full);
  nnlab_model_free(reference_model);
  nnlab_model_free(stopped_model);
  nnlab_model_free(full_model);
  nnlab_dataset_free(data);
}

/* With batch gradient descent the rule watches the full gradient's norm:
 * a run stops at the first epoch where it is below the tolerance, and a
 * run one epoch shorter never sees it below. */
static void test_stop_grad_norm_ends_at_the_first_epoch_below_it(void **state) {
  (void)state;
  enum { EPOCHS = 300 };
  const double tolerance = 0.05;
  nnlab_dataset *data = wave_data();
  nnlab_model *model, *shorter_model;
  nnlab_trainer *stopped = stop_rule_run(&model, EPOCHS, 0, tolerance, data);
  assert_int_equal(nnlab_trainer_stop_rule(stopped), NNLAB_STOP_GRAD_NORM);
  nnlab_trainer_state st;
  nnlab_trainer_get_state(stopped, &st);
  assert_true(st.stop_value < tolerance && st.stop_value > 0);
  assert_true(st.epochs_done > 1 && st.epochs_done < EPOCHS);
  assert_int_equal(st.step, st.epochs_done);
  nnlab_trainer *shorter =
      stop_rule_run(&shorter_model, st.epochs_done - 1, 0, tolerance, data);
  assert_int_equal(nnlab_trainer_stop_rule(shorter), NNLAB_STOP_NONE);
  assert_false(nnlab_trainer_stopped_early(shorter));
  nnlab_trainer_free(shorter);
  nnlab_trainer_free(stopped);
  nnlab_model_free(shorter_model);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* A step unit has zero gradients: the norm rule fires after epoch 1. */
static void test_stop_grad_norm_fires_on_a_zero_gradient(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  nnlab_model *model = new_model(2, (const char *[]){"1:step", NULL});
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, 10, 3, TRUE);
  config.stop_grad_norm = 1e-12;
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.2)", &config);
  fit(trainer, data, NULL);
  nnlab_trainer_state st;
  nnlab_trainer_get_state(trainer, &st);
  assert_int_equal(st.stop_rule, NNLAB_STOP_GRAD_NORM);
  assert_int_equal(st.epochs_done, 1);
  assert_int_equal(st.step, 4); /* 10 rows in batches of 3 */
  assert_true(st.stop_value == 0);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

static void test_early_stopping_needs_validation_data(void **state) {
  (void)state;
  nnlab_dataset *train, *val;
  overfitting_data(&train, &val);
  nnlab_model *model = new_model(2, (const char *[]){"1:identity", NULL});
  nnlab_train_config config;
  train_config(&config, 5, 2, TRUE);
  config.early_stopping_patience = 2;
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd", &config);
  GError *error = NULL;
  assert_false(nnlab_trainer_fit(trainer, train, NULL, &error));
  assert_int_equal(error->code, NNLAB_ERROR_INVALID);
  assert_contains(error->message, "validation");
  g_error_free(error);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(train);
  nnlab_dataset_free(val);
}

/* ---- Clipping and divergence ------------------------------------------------
 */

/* One full-batch SGD step with the global gradient norm clipped to c (well
 * below the gradient's norm) moves the parameters by lr * c along the
 * negative gradient; without clipping, by lr times the gradient. */
static void test_gradient_clipping_bounds_the_step(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  const char *const layers[] = {"3:tanh", "1:identity", NULL};
  for (int clip = 0; clip < 2; clip++) {
    nnlab_model *model = new_model(2, layers);
    init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
    size_t n = nnlab_model_n_params(model);
    g_autofree float *before = params_copy(model);
    /* The unclipped gradient, by hand. */
    nnlab_model *probe = new_model(2, layers);
    memcpy(nnlab_model_params(probe), before, n * sizeof(float));
    manual_sgd_step(probe, "mse", data, 0, data->n_rows, 0.0f);
    const float *grad = nnlab_model_grads(probe);
    double grad_norm = 0;
    for (size_t i = 0; i < n; i++) grad_norm += (double)grad[i] * grad[i];
    grad_norm = sqrt(grad_norm);
    assert_true(grad_norm > 0.1);

    const double lr = 0.5, clip_norm = clip ? 1e-2 : 1e6;
    nnlab_train_config config;
    train_config(&config, 1, 0, FALSE);
    config.clip_norm = clip_norm;
    nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.5)", &config);
    fit(trainer, data, NULL);
    const float *after = nnlab_model_params(model);
    double step_norm = 0;
    for (size_t i = 0; i < n; i++) {
      double delta = (double)after[i] - before[i];
      step_norm += delta * delta;
      double expected =
          clip ? -lr * clip_norm * grad[i] / grad_norm : -lr * grad[i];
      /* The parameters are floats: the difference carries their rounding. */
      assert_near(delta, expected, 1e-7);
    }
    step_norm = sqrt(step_norm);
    if (clip) {
      assert_true(step_norm <= lr * clip_norm * (1 + 1e-4));
      assert_true(step_norm >= lr * clip_norm * 0.99);
    } else {
      assert_near(step_norm, lr * grad_norm, 1e-6);
    }
    nnlab_trainer_free(trainer);
    nnlab_model_free(probe);
    nnlab_model_free(model);
  }
  nnlab_dataset_free(data);
}

/* Too large a learning rate overflows: 1e30 within a couple of steps, 2.5
 * after many epochs of growing oscillation. The trainer stops, names where,
 * and keeps the weights of the last step that was finite. */
static void test_divergence_is_reported_and_weights_stay_finite(void **state) {
  (void)state;
  nnlab_dataset *data = wave_data();
  static const struct {
    const char *layers[3];
    const char *optimizer;
  } cases[] = {
      {{"4:tanh", "1:identity", NULL}, "sgd(lr=1e30)"},
      {{"1:identity", NULL, NULL}, "sgd(lr=1e30)"},
      {{"1:identity", NULL, NULL}, "sgd(lr=2.5)"},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    nnlab_model *model = new_model(2, cases[c].layers);
    init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
    g_autofree float *initial = params_copy(model);
    nnlab_train_config config;
    train_config(&config, 500, 4, TRUE); /* 3 batches per epoch */
    nnlab_trainer *trainer =
        new_trainer(model, "mse", cases[c].optimizer, &config);
    step_log log = {.model = model};
    nnlab_trainer_set_progress(trainer, log_step, &log);
    GError *error = NULL;
    assert_false(nnlab_trainer_fit(trainer, data, NULL, &error));
    assert_non_null(error);
    assert_true(error->domain == NNLAB_ERROR);
    assert_int_equal(error->code, NNLAB_ERROR_DIVERGED);
    /* The step after the last one reported. */
    size_t epoch = 1, step = 1;
    if (log.steps > 0) {
      epoch = log.last_batch == 3 ? log.last_epoch + 1 : log.last_epoch;
      step = log.last_batch == 3 ? 1 : log.last_batch + 1;
    }
    if (c == 2) assert_true(epoch > 5);
    g_autofree char *where =
        g_strdup_printf("epoch %zu, step %zu", epoch, step);
    assert_contains(error->message, where);
    assert_contains(error->message, "not finite");
    /* No plugin made a NaN from finite inputs: an overflow, and the
     * learning rate is the thing to change. */
    assert_contains(error->message, "overflowed to");
    assert_contains(error->message, "try a smaller learning rate");
    assert_true(
        all_finite(nnlab_model_params(model), nnlab_model_n_params(model)));
    assert_memory_equal(nnlab_model_params(model),
                        log.steps ? log.last_params : initial,
                        nnlab_model_n_params(model) * sizeof(float));
    size_t n_epochs = 0;
    nnlab_trainer_history(trainer, &n_epochs);
    assert_int_equal(n_epochs, epoch - 1);
    g_error_free(error);
    g_free(log.last_params);
    nnlab_trainer_free(trainer);
    nnlab_model_free(model);
  }
  nnlab_dataset_free(data);
}

/* ---- Metrics ----------------------------------------------------------------
 */

/* Two targets from two features through hand-set weights. */
/* The crash handler is the program's choice: training installs none, and
 * nnlab_install_crash_handler puts one on an alternate stack, once. */
static void test_crash_handler_is_installed_only_when_asked(void **state) {
  (void)state;
  struct sigaction before, trained, installed, again;
  sigaction(SIGSEGV, NULL, &before);
  nnlab_dataset *data = wave_data();
  const char *layers[] = {"4:tanh", "1:identity", NULL};
  nnlab_model *model = new_model(2, layers);
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 4);
  nnlab_train_config config;
  train_config(&config, 2, 4, TRUE);
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0.1)", &config);
  assert_true(nnlab_trainer_fit(trainer, data, NULL, NULL));
  sigaction(SIGSEGV, NULL, &trained);
  assert_ptr_equal(trained.sa_handler, before.sa_handler);

  assert_true(nnlab_install_crash_handler());
  sigaction(SIGSEGV, NULL, &installed);
  assert_ptr_not_equal(installed.sa_handler, before.sa_handler);
  assert_true(installed.sa_flags & SA_ONSTACK);
  assert_true(installed.sa_flags & SA_SIGINFO);
  assert_true(nnlab_install_crash_handler());
  sigaction(SIGSEGV, NULL, &again);
  assert_ptr_equal(again.sa_handler, installed.sa_handler);
  /* Back to what the test runner had, for the tests after this one. */
  sigaction(SIGSEGV, &before, NULL);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

static void test_regression_metrics_match_hand_computation(void **state) {
  (void)state;
  enum { N = 4, D = 2, K = 2 };
  const float x[N * D] = {1, 2, -1, 0.5f, 0, -1, 2, 1};
  const float y[N * K] = {2, 3, -1, 1, 0.5f, -2, 3, 2};
  const float w[D * K] = {1, 0.5f, -1, 2}; /* inputs x outputs */
  const float b[K] = {0.25f, -0.5f};
  nnlab_dataset *data = regression_data(N, D, K, x, y);
  nnlab_model *model = new_model(D, (const char *[]){"2:identity", NULL});
  memcpy(nnlab_model_layer_weights(model, 0), w, sizeof w);
  memcpy(nnlab_model_layer_bias(model, 0), b, sizeof b);

  /* By hand, in double. */
  double squared = 0, absolute = 0, r2 = 0;
  for (size_t j = 0; j < K; j++) {
    double mean = 0, total = 0, residual = 0;
    for (size_t r = 0; r < N; r++) mean += y[r * K + j] / (double)N;
    for (size_t r = 0; r < N; r++) {
      double out = b[j];
      for (size_t i = 0; i < D; i++) out += (double)x[r * D + i] * w[i * K + j];
      double error = out - y[r * K + j];
      squared += error * error;
      absolute += fabs(error);
      residual += error * error;
      total += (y[r * K + j] - mean) * (y[r * K + j] - mean);
    }
    r2 += (1.0 - residual / total) / K;
  }
  double mse = squared / (N * K), rmse = sqrt(mse), mae = absolute / (N * K);

  nnlab_component loss;
  resolve(NNLAB_KIND_LOSS, "mse", &loss);
  nnlab_metrics m;
  GError *error = NULL;
  assert_true(nnlab_evaluate(model, &loss, data, &m, &error));
  assert_near(m.loss, mse, 1e-6);
  assert_near(m.rmse, rmse, 1e-6);
  assert_near(m.mae, mae, 1e-6);
  assert_near(m.r2, r2, 1e-6);
  assert_true(isnan(m.accuracy));

  /* With lr 0 the weights stay put, so the training history reports the
   * same numbers, accumulated over two batches (3 + 1 rows). */
  nnlab_train_config config;
  train_config(&config, 1, 3, TRUE);
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd(lr=0)", &config);
  fit(trainer, data, data);
  size_t n_epochs = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  assert_int_equal(n_epochs, 1);
  const nnlab_metrics *recorded[] = {&history[0].train, &history[0].val};
  for (size_t i = 0; i < 2; i++) {
    assert_near(recorded[i]->loss, mse, 1e-6);
    assert_near(recorded[i]->rmse, rmse, 1e-6);
    assert_near(recorded[i]->mae, mae, 1e-6);
    assert_near(recorded[i]->r2, r2, 1e-6);
    assert_true(isnan(recorded[i]->accuracy));
  }
  nnlab_trainer_free(trainer);

  /* Targets that the model reproduces exactly. */
  float *outputs = g_new(float, N *K);
  assert_true(nnlab_model_predict(model, x, N, outputs, &error));
  memcpy(data->targets, outputs, N * K * sizeof(float));
  g_free(outputs);
  assert_true(nnlab_evaluate(model, &loss, data, &m, &error));
  assert_true(m.loss == 0 && m.rmse == 0 && m.mae == 0);
  assert_near(m.r2, 1.0, 1e-12);

  nnlab_component_clear(&loss);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* evaluate works through the data in chunks; 700 rows take several. */
static void test_metrics_over_many_rows(void **state) {
  (void)state;
  enum { N = 700, D = 3, K = 2 };
  g_autofree float *x = g_new(float, N *D);
  g_autofree float *y = g_new(float, N *K);
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 12);
  for (size_t i = 0; i < N * D; i++) x[i] = (float)nnlab_rng_normal(&rng);
  for (size_t i = 0; i < N * K; i++) y[i] = (float)nnlab_rng_normal(&rng);
  nnlab_dataset *data = regression_data(N, D, K, x, y);
  nnlab_model *model =
      new_model(D, (const char *[]){"4:tanh", "2:identity", NULL});
  init_model(model, NNLAB_INIT_XAVIER_UNIFORM, 1);
  g_autofree float *out = g_new(float, N *K);
  GError *error = NULL;
  assert_true(nnlab_model_predict(model, x, N, out, &error));
  double squared = 0, absolute = 0, r2 = 0;
  for (size_t j = 0; j < K; j++) {
    double mean = 0, total = 0, residual = 0;
    for (size_t r = 0; r < N; r++) mean += y[r * K + j] / (double)N;
    for (size_t r = 0; r < N; r++) {
      double e = (double)out[r * K + j] - y[r * K + j];
      squared += e * e;
      absolute += fabs(e);
      residual += e * e;
      total += (y[r * K + j] - mean) * (y[r * K + j] - mean);
    }
    r2 += (1.0 - residual / total) / K;
  }
  nnlab_component loss;
  resolve(NNLAB_KIND_LOSS, "mae", &loss);
  nnlab_metrics m;
  assert_true(nnlab_evaluate(model, &loss, data, &m, &error));
  assert_near(m.loss, absolute / (N * K), 1e-6);
  assert_near(m.mae, absolute / (N * K), 1e-6);
  assert_near(m.rmse, sqrt(squared / (N * K)), 1e-6);
  assert_near(m.r2, r2, 1e-6);
  nnlab_component_clear(&loss);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

static void test_classification_metrics_match_hand_computation(void **state) {
  (void)state;
  enum { N = 6, D = 2, K = 3 };
  const float x[N * D] = {1, 0, 0, 1, -1, -1, 2, 1, 0.5f, 2, -2, 0.5f};
  int32_t labels[N] = {0, 1, 2, 1, 1, 0};
  /* Logits: (x1, x2, -x1 - x2). */
  const float w[D * K] = {1, 0, -1, 0, 1, -1};
  nnlab_dataset *data = classification_data(N, D, K, x, labels);
  nnlab_model *model = new_model(D, (const char *[]){"3:identity", NULL});
  memcpy(nnlab_model_layer_weights(model, 0), w, sizeof w);
  double loss_sum = 0;
  size_t correct = 0;
  for (size_t r = 0; r < N; r++) {
    double logits[K] = {x[r * D], x[r * D + 1], -x[r * D] - x[r * D + 1]};
    size_t best = 0;
    double norm = 0;
    for (size_t c = 0; c < K; c++) {
      norm += exp(logits[c]);
      if (logits[c] > logits[best]) best = c;
    }
    loss_sum += log(norm) - logits[labels[r]];
    correct += best == (size_t)labels[r];
  }
  assert_int_equal(correct, 4); /* rows 3 and 5 are wrong */

  nnlab_component loss;
  resolve(NNLAB_KIND_LOSS, "cross_entropy", &loss);
  nnlab_metrics m;
  GError *error = NULL;
  assert_true(nnlab_evaluate(model, &loss, data, &m, &error));
  assert_near(m.loss, loss_sum / N, 1e-6);
  assert_near(m.accuracy, 4.0 / 6.0, 1e-15);
  assert_true(isnan(m.rmse) && isnan(m.mae) && isnan(m.r2));

  nnlab_train_config config;
  train_config(&config, 1, 4, TRUE);
  nnlab_trainer *trainer =
      new_trainer(model, "cross_entropy", "sgd(lr=0)", &config);
  fit(trainer, data, data);
  size_t n_epochs = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(trainer, &n_epochs);
  assert_near(history[0].train.accuracy, 4.0 / 6.0, 1e-15);
  assert_near(history[0].train.loss, loss_sum / N, 1e-6);
  assert_near(history[0].val.accuracy, 4.0 / 6.0, 1e-15);
  nnlab_trainer_free(trainer);

  /* Labels that match the predictions: accuracy 1. */
  labels[3] = 0;
  labels[5] = 2;
  memcpy(data->labels, labels, sizeof labels);
  assert_true(nnlab_evaluate(model, &loss, data, &m, &error));
  assert_true(m.accuracy == 1.0);
  nnlab_component_clear(&loss);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* A single output is class 1 at or above 0.5 for probabilities, and at or
 * above 0 for logits. */
static void test_binary_accuracy_uses_the_loss_threshold(void **state) {
  (void)state;
  const float x[] = {-0.3f, 0.2f, 0.4f, 0.7f, -1.0f, 0.0f, 0.5f};
  const int32_t labels[] = {0, 1, 1, 1, 0, 1, 1};
  nnlab_dataset *data = classification_data(7, 1, 2, x, labels);
  nnlab_model *model = new_model(1, (const char *[]){"1:identity", NULL});
  nnlab_model_layer_weights(model, 0)[0] = 1.0f;
  static const struct {
    const char *loss;
    double accuracy;
  } cases[] = {
      /* Logits: all on the right side of 0 (0 itself is class 1). */
      {"bce_with_logits", 1.0},
      /* Probabilities: 0.2, 0.4 and 0 fall below 0.5; 0.5 is class 1. */
      {"mse", 4.0 / 7.0},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    nnlab_component loss;
    resolve(NNLAB_KIND_LOSS, cases[c].loss, &loss);
    nnlab_metrics m;
    GError *error = NULL;
    if (!nnlab_evaluate(model, &loss, data, &m, &error))
      fail_msg("%s", error->message);
    assert_near(m.accuracy, cases[c].accuracy, 1e-15);
    nnlab_component_clear(&loss);
  }
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

/* The threshold follows what the loss declares it expects, not its name:
 * a loss named bce_with_logits that declares nothing keeps 0.5, and one
 * of any name that declares logits gets 0. */
static void test_class_threshold_follows_the_declared_input(void **state) {
  (void)state;
  nnlab_plugin_info info = {.kind = NNLAB_KIND_LOSS, .name = "bce_with_logits"};
  nnlab_component loss = {.info = &info};
  assert_true(nnlab_loss_class_threshold(&loss) == 0.5);
  info.name = "my_logit_loss";
  info.loss_properties.input = NNLAB_LOSS_INPUT_LOGITS;
  assert_true(nnlab_loss_class_threshold(&loss) == 0.0);
  info.loss_properties.input = NNLAB_LOSS_INPUT_PROBABILITIES;
  assert_true(nnlab_loss_class_threshold(&loss) == 0.5);
}

static void test_incompatible_data_is_rejected(void **state) {
  (void)state;
  nnlab_dataset *xor_data = classification_data(4, 2, 2, xor_x, xor_labels);
  nnlab_dataset *wave = wave_data();
  nnlab_model *model = new_model(2, (const char *[]){"3:identity", NULL});
  nnlab_train_config config;
  train_config(&config, 1, 0, FALSE);
  nnlab_trainer *trainer = new_trainer(model, "mse", "sgd", &config);
  GError *error = NULL;
  /* 2 classes for 3 outputs. */
  assert_false(nnlab_trainer_fit(trainer, xor_data, NULL, &error));
  assert_contains(error->message, "2 classes but the model has 3 outputs");
  g_clear_error(&error);
  /* 1 regression target for 3 outputs. */
  assert_false(nnlab_trainer_fit(trainer, wave, NULL, &error));
  assert_contains(error->message, "1 targets");
  g_clear_error(&error);
  nnlab_trainer_free(trainer);
  nnlab_model_free(model);
  nnlab_dataset_free(xor_data);
  nnlab_dataset_free(wave);
}

/* ---- The perceptron ---------------------------------------------------------
 */

static size_t perceptron_run(const int32_t labels[4], double lr,
                             float predicted[4]) {
  nnlab_dataset *data = classification_data(4, 2, 2, xor_x, labels);
  nnlab_model *model = new_model(2, (const char *[]){"1:step", NULL});
  init_model(model, NNLAB_INIT_ZEROS, 0);
  size_t converged = 99;
  GError *error = NULL;
  if (!nnlab_perceptron_fit(model, data, 100, lr, &converged, &error))
    fail_msg("%s", error->message);
  assert_true(nnlab_model_predict(model, xor_x, 4, predicted, &error));
  nnlab_model_free(model);
  nnlab_dataset_free(data);
  return converged;
}

static void test_perceptron_learns_and_and_or_but_not_xor(void **state) {
  (void)state;
  static const int32_t and_labels[] = {0, 0, 0, 1}, or_labels[] = {0, 1, 1, 1};
  static const double rates[] = {1.0, 0.1, 0.3};
  for (size_t r = 0; r < G_N_ELEMENTS(rates); r++) {
    const int32_t *separable[] = {and_labels, or_labels};
    for (size_t s = 0; s < 2; s++) {
      float predicted[4];
      size_t epoch = perceptron_run(separable[s], rates[r], predicted);
      if (epoch == 0)
        fail_msg("%s with lr %g did not converge", s ? "OR" : "AND", rates[r]);
      assert_true(epoch <= 100);
      /* By hand from zero weights with lr 1, rows in order: AND is clean
       * in epoch 6 (w = (2, 1), b = -3), OR in epoch 4. */
      if (rates[r] == 1.0) assert_int_equal(epoch, s ? 4 : 6);
      for (size_t i = 0; i < 4; i++)
        if (predicted[i] != (float)separable[s][i])
          fail_msg("%s with lr %g: row %zu predicted %g", s ? "OR" : "AND",
                   rates[r], i, (double)predicted[i]);
    }
    float predicted[4];
    assert_int_equal(perceptron_run(xor_labels, rates[r], predicted), 0);
  }
}

/* The rule must classify rows exactly as the model does. Here it ends at
 * w = (-0.14, -0.06, -0.16), b = 0.1, where row 4 sums to zero in float
 * arithmetic (step gives 1) but to a hair below zero in double: a rule
 * that predicts in double reports convergence on a model that
 * misclassifies that row. */
static void test_perceptron_agrees_with_predict(void **state) {
  (void)state;
  const float x[] = {0.1f, 0.2f, 0.1f, 0.8f, 0.9f, 0.5f, 0.9f, 0.5f, 0.6f,
                     0.1f, 0.1f, 0.5f, 0.1f, 0.1f, 0.7f, 0.2f, 0.8f, 0.6f};
  const int32_t labels[] = {1, 0, 0, 0, 0, 0};
  nnlab_dataset *data = classification_data(6, 3, 2, x, labels);
  nnlab_model *model = new_model(3, (const char *[]){"1:step", NULL});
  init_model(model, NNLAB_INIT_ZEROS, 0);
  size_t converged = 0;
  GError *error = NULL;
  assert_true(nnlab_perceptron_fit(model, data, 200, 0.1, &converged, &error));
  assert_true(converged > 0);
  float predicted[6];
  assert_true(nnlab_model_predict(model, x, 6, predicted, &error));
  for (size_t i = 0; i < 6; i++)
    if (predicted[i] != (float)labels[i])
      fail_msg("converged at epoch %zu, but row %zu is predicted %g", converged,
               i + 1, (double)predicted[i]);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
}

static void test_perceptron_needs_one_step_unit(void **state) {
  (void)state;
  nnlab_dataset *data = classification_data(4, 2, 2, xor_x, xor_labels);
  static const char *const layer_sets[][3] = {
      {"1:sigmoid", NULL, NULL},
      {"2:step", "1:step", NULL},
      {"2:step", NULL, NULL},
  };
  for (size_t s = 0; s < G_N_ELEMENTS(layer_sets); s++) {
    nnlab_model *model = new_model(2, layer_sets[s]);
    size_t converged = 7;
    GError *error = NULL;
    assert_false(
        nnlab_perceptron_fit(model, data, 10, 1.0, &converged, &error));
    assert_int_equal(error->code, NNLAB_ERROR_INVALID);
    assert_contains(error->message, "output_activation = step");
    assert_int_equal(converged, 0);
    g_error_free(error);
    nnlab_model_free(model);
  }
  nnlab_dataset_free(data);
}

/* Two step units in a hidden layer do what one cannot:
 * h1 = step(x1 - x2 - 0.5), h2 = step(x2 - x1 - 0.5), y = step(h1 + h2 - 0.5).
 */
static void test_two_layer_step_network_computes_xor(void **state) {
  (void)state;
  nnlab_model *model = new_model(2, (const char *[]){"2:step", "1:step", NULL});
  const float w1[] = {1, -1, -1, 1}, b1[] = {-0.5f, -0.5f};
  const float w2[] = {1, 1}, b2[] = {-0.5f};
  memcpy(nnlab_model_layer_weights(model, 0), w1, sizeof w1);
  memcpy(nnlab_model_layer_bias(model, 0), b1, sizeof b1);
  memcpy(nnlab_model_layer_weights(model, 1), w2, sizeof w2);
  memcpy(nnlab_model_layer_bias(model, 1), b2, sizeof b2);
  float out[4];
  GError *error = NULL;
  assert_true(nnlab_model_predict(model, xor_x, 4, out, &error));
  for (size_t i = 0; i < 4; i++) assert_true(out[i] == (float)xor_labels[i]);
  nnlab_model_free(model);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_xor_is_learned_from_several_seeds),
      cmocka_unit_test(test_full_batch_takes_one_step_per_epoch),
      cmocka_unit_test(test_batch_of_one_takes_n_steps_per_epoch),
      cmocka_unit_test(test_mini_batches_take_ceil_n_over_b_steps),
      cmocka_unit_test(test_full_batch_ignores_shuffling),
      cmocka_unit_test(test_shuffling_is_seeded),
      cmocka_unit_test(test_each_epoch_is_a_fresh_permutation),
      cmocka_unit_test(test_training_applies_standardization),
      cmocka_unit_test(test_step_and_exponential_schedules),
      cmocka_unit_test(test_cosine_schedule_with_warmup),
      cmocka_unit_test(test_step_schedule_needs_a_step_size),
      cmocka_unit_test(test_schedule_drives_the_optimizer),
      cmocka_unit_test(test_plateau_reduces_after_patience),
      cmocka_unit_test(test_plateau_keeps_rate_while_improving),
      cmocka_unit_test(test_plateau_watches_validation_loss),
      cmocka_unit_test(test_early_stopping_restores_best_weights),
      cmocka_unit_test(test_early_stopping_needs_validation_data),
      cmocka_unit_test(test_stop_loss_ends_at_the_first_epoch_below_it),
      cmocka_unit_test(test_stop_grad_norm_ends_at_the_first_epoch_below_it),
      cmocka_unit_test(test_stop_grad_norm_fires_on_a_zero_gradient),
      cmocka_unit_test(test_gradient_clipping_bounds_the_step),
      cmocka_unit_test(test_divergence_is_reported_and_weights_stay_finite),
      cmocka_unit_test(test_crash_handler_is_installed_only_when_asked),
      cmocka_unit_test(test_regression_metrics_match_hand_computation),
      cmocka_unit_test(test_metrics_over_many_rows),
      cmocka_unit_test(test_classification_metrics_match_hand_computation),
      cmocka_unit_test(test_binary_accuracy_uses_the_loss_threshold),
      cmocka_unit_test(test_class_threshold_follows_the_declared_input),
      cmocka_unit_test(test_incompatible_data_is_rejected),
      cmocka_unit_test(test_perceptron_learns_and_and_or_but_not_xor),
      cmocka_unit_test(test_perceptron_agrees_with_predict),
      cmocka_unit_test(test_perceptron_needs_one_step_unit),
      cmocka_unit_test(test_two_layer_step_network_computes_xor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
