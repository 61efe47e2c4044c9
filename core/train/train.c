/* The trainer: batches, loss, backward, optimizer steps in chunks, the
 * divergence guard, schedules, early stopping and stop rules, and
 * nnlab_evaluate. Buffers are made once per fit or evaluation, never in a
 * step; a diverged step leaves the weights as they were before it. It writes
 * no file: saving is the epoch hook's job. */
#include <math.h>
#include <string.h>

#include <nnlab/hparams.h>
#include <nnlab/train.h>

#include "base/alloc.h"
#include "model/divergence.h"
#include "compute/flat_vector.h"
#include "model/metrics_accumulator.h"
#include "plugins/plugin_call.h"
#include "train/schedule.h"
#include "compute/thread_pool.h"

struct nnlab_trainer {
  nnlab_model *model;
  nnlab_component loss, optimizer;
  nnlab_train_config config;
  int lr_index;
  size_t n_slots;
  float *slots[NNLAB_MAX_SLOTS];
  nnlab_trainer_state state;
  GArray *history;    /* nnlab_epoch_record */
  float *backup;      /* parameters before the current step */
  float *best_params; /* early stopping */
  /* After early stopping put the best weights in the model, the weights
   * training reached, to continue from. */
  float *last_params;
  gboolean holds_best;
  double grad_norm_sum; /* this epoch's, for stop_grad_norm */
  nnlab_progress_fn progress;
  void *progress_data;
  nnlab_epoch_hook epoch_hook;
  void *epoch_hook_data;
};

void nnlab_train_config_init(nnlab_train_config *config) {
  memset(config, 0, sizeof *config);
  config->epochs = 10;
  config->batch_size = 32;
  config->shuffle = TRUE;
  config->schedule.kind = NNLAB_SCHEDULE_CONSTANT;
  config->schedule.step_size = 10;
  config->schedule.gamma = 0.1;
  config->schedule.patience = 10;
  config->schedule.factor = 0.1;
  config->schedule.power = 1.0;
  config->schedule.decay_rate = 0.1;
  /* torch's OneCycleLR and CosineAnnealingWarmRestarts defaults. */
  config->schedule.pct_start = 0.3;
  config->schedule.div_factor = 25.0;
  config->schedule.final_div_factor = 1e4;
  config->schedule.restart_period = 10;
  config->schedule.restart_mult = 1;
}

nnlab_trainer *nnlab_trainer_new(nnlab_model *model,
                                 const nnlab_component *loss,
                                 const nnlab_component *optimizer,
                                 const nnlab_train_config *config,
                                 GError **error) {
  if (!schedule_check(&config->schedule, error)) return NULL;
  size_t n = nnlab_model_n_params(model);
  nnlab_trainer *trainer = g_new0(nnlab_trainer, 1);
  trainer->model = model;
  trainer->config = *config;
  nnlab_component_copy(&trainer->loss, loss);
  nnlab_component_copy(&trainer->optimizer, optimizer);
  trainer->lr_index = nnlab_hparams_index(optimizer->info, "lr");
  trainer->history = g_array_new(FALSE, TRUE, sizeof(nnlab_epoch_record));
  trainer->state.best_val_loss = INFINITY;
  nnlab_rng_seed(&trainer->state.shuffle_rng, config->seed);
  schedule_state_init(&trainer->state.schedule,
                      optimizer->hparams[trainer->lr_index].f);
  while (trainer->n_slots < NNLAB_MAX_SLOTS &&
         optimizer->info->optimizer.slot_names[trainer->n_slots])
    trainer->n_slots++;
  for (size_t i = 0; i < trainer->n_slots; i++) {
    trainer->slots[i] = alloc_floats(n, "optimizer state", error);
    if (!trainer->slots[i]) goto fail;
  }
  trainer->backup = alloc_floats(n, "parameter backup", error);
  if (!trainer->backup) goto fail;
  if (config->early_stopping_patience) {
    trainer->best_params = alloc_floats(n, "best parameters", error);
    trainer->last_params =
        trainer->best_params ? alloc_floats(n, "last parameters", error) : NULL;
    if (!trainer->last_params) goto fail;
  }
  return trainer;
fail:
  nnlab_trainer_free(trainer);
  return NULL;
}

void nnlab_trainer_free(nnlab_trainer *trainer) {
  if (!trainer) return;
  nnlab_component_clear(&trainer->loss);
  nnlab_component_clear(&trainer->optimizer);
  for (size_t i = 0; i < trainer->n_slots; i++) alloc_free(trainer->slots[i]);
  alloc_free(trainer->backup);
  alloc_free(trainer->best_params);
  alloc_free(trainer->last_params);
  g_array_unref(trainer->history);
  g_free(trainer);
}

void nnlab_trainer_set_epoch_hook(nnlab_trainer *trainer, nnlab_epoch_hook hook,
                                  void *user_data) {
  trainer->epoch_hook = hook;
  trainer->epoch_hook_data = user_data;
}

void nnlab_trainer_get_state(const nnlab_trainer *trainer,
                             nnlab_trainer_state *state) {
  *state = trainer->state;
}

void nnlab_trainer_set_state(nnlab_trainer *trainer,
                             const nnlab_trainer_state *state,
                             const nnlab_epoch_record *history,
                             size_t n_epochs) {
  trainer->state = *state;
  g_array_set_size(trainer->history, 0);
  g_array_append_vals(trainer->history, history, (guint)n_epochs);
}

void nnlab_trainer_set_epochs(nnlab_trainer *trainer, size_t epochs) {
  trainer->config.epochs = epochs;
}

nnlab_model *nnlab_trainer_model(const nnlab_trainer *trainer) {
  return trainer->model;
}

const nnlab_component *nnlab_trainer_optimizer(const nnlab_trainer *trainer) {
  return &trainer->optimizer;
}

size_t nnlab_trainer_n_slots(const nnlab_trainer *trainer) {
  return trainer->n_slots;
}

float *nnlab_trainer_slot(nnlab_trainer *trainer, size_t index) {
  return index < trainer->n_slots ? trainer->slots[index] : NULL;
}

float *nnlab_trainer_best_params(nnlab_trainer *trainer) {
  return trainer->best_params;
}

const float *nnlab_trainer_last_params(const nnlab_trainer *trainer) {
  return trainer->holds_best ? trainer->last_params : NULL;
}

void nnlab_trainer_set_last_params(nnlab_trainer *trainer,
                                   const float *params) {
  if (!trainer->last_params) return;
  memcpy(trainer->last_params, params,
         nnlab_model_n_params(trainer->model) * sizeof(float));
  trainer->holds_best = TRUE;
}

void nnlab_trainer_set_progress(nnlab_trainer *trainer,
                                nnlab_progress_fn callback, void *user_data) {
  trainer->progress = callback;
  trainer->progress_data = user_data;
}

const nnlab_epoch_record *nnlab_trainer_history(const nnlab_trainer *trainer,
                                                size_t *n_epochs) {
  *n_epochs = trainer->history->len;
  return (const nnlab_epoch_record *)trainer->history->data;
}

size_t nnlab_trainer_best_epoch(const nnlab_trainer *trainer) {
  return trainer->state.best_epoch;
}

gboolean nnlab_trainer_stopped_early(const nnlab_trainer *trainer) {
  return trainer->state.stopped_early;
}

const char *nnlab_stop_rule_name(nnlab_stop_rule rule) {
  switch (rule) {
    case NNLAB_STOP_EARLY_STOPPING:
      return "early_stopping";
    case NNLAB_STOP_LOSS:
      return "stop_loss";
    case NNLAB_STOP_GRAD_NORM:
      return "stop_grad_norm";
    case NNLAB_STOP_NONE:
      break;
  }
  return NULL;
}

nnlab_stop_rule nnlab_trainer_stop_rule(const nnlab_trainer *trainer) {
  return trainer->state.stop_rule;
}

/* Targets of one batch in the form the loss plugin takes. */
typedef struct batch_targets {
  nnlab_targets plugin;
  float *values;   /* rows x k floats when the loss needs float targets */
  int32_t *labels; /* rows labels for classification */
} batch_targets;

/* Whether a classification dataset is fed to the loss as float targets:
 * one-hot for k outputs, or the 0/1 label itself for a single output. */
static gboolean labels_as_floats(const nnlab_component *loss) {
  return !(loss->info->loss.targets & NNLAB_LOSS_CLASS_TARGETS);
}

static gboolean check_compatible(const nnlab_model *model,
                                 const nnlab_component *loss,
                                 const nnlab_dataset *data, const char *what,
                                 GError **error) {
  size_t k = nnlab_model_n_outputs(model);
  if (data->n_features != nnlab_model_n_inputs(model)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s data has %zu features but the model takes %zu inputs", what,
                data->n_features, nnlab_model_n_inputs(model));
    return FALSE;
  }
  if (data->task == NNLAB_TASK_REGRESSION) {
    if (!(loss->info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS) ||
        data->n_targets != k) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s data is regression with %zu targets; the model has %zu "
                  "outputs and loss '%s' %s float targets",
                  what, data->n_targets, k, loss->info->name,
                  loss->info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS
                      ? "takes"
                      : "does not take");
      return FALSE;
    }
    return TRUE;
  }
  gboolean binary = k == 1 && data->n_classes <= 2;
  if (!binary && k != data->n_classes) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s data has %zu classes but the model has %zu outputs (use "
                "%zu outputs, or 1 for two classes)",
                what, data->n_classes, k, data->n_classes);
    return FALSE;
  }
  return TRUE;
}

static void fill_targets(const nnlab_dataset *data, const size_t *rows,
                         size_t n, size_t k, gboolean as_floats,
                         batch_targets *out) {
  out->plugin.values = NULL;
  out->plugin.classes = NULL;
  if (data->task == NNLAB_TASK_REGRESSION) {
    for (size_t r = 0; r < n; r++)
      memcpy(out->values + r * k, data->targets + rows[r] * k,
             k * sizeof(float));
    out->plugin.values = out->values;
    return;
  }
  for (size_t r = 0; r < n; r++) out->labels[r] = data->labels[rows[r]];
  out->plugin.classes = out->labels;
  if (!as_floats) return;
  for (size_t r = 0; r < n; r++) {
    float *row = out->values + r * k;
    if (k == 1) {
      row[0] = (float)out->labels[r];
    } else {
      memset(row, 0, k * sizeof(float));
      row[out->labels[r]] = 1.0f;
    }
  }
  out->plugin.values = out->values;
}

/* Per-call buffers for a batch of up to capacity rows. */
typedef struct batch_buffers {
  size_t capacity;
  float *x, *doutput;
  batch_targets targets;
  size_t *rows;
} batch_buffers;

static void batch_buffers_clear(batch_buffers *b) {
  alloc_free(b->x);
  alloc_free(b->doutput);
  alloc_free(b->targets.values);
  alloc_free(b->targets.labels);
  alloc_free(b->rows);
  memset(b, 0, sizeof *b);
}

static gboolean batch_buffers_init(batch_buffers *b, size_t capacity, size_t d,
                                   size_t k, GError **error) {
  memset(b, 0, sizeof *b);
  b->capacity = capacity;
  size_t xcells = 0, kcells = 0;
  if (!g_size_checked_mul(&xcells, capacity, d) ||
      !g_size_checked_mul(&kcells, capacity, k)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "batch of %zu rows is too large", capacity);
    return FALSE;
  }
  if ((b->x = alloc_floats(xcells, "batch inputs", error)) &&
      (b->doutput = alloc_floats(kcells, "output gradient", error)) &&
      (b->targets.values = alloc_floats(kcells, "batch targets", error)) &&
      (b->targets.labels =
           alloc_array(capacity, sizeof(int32_t), "batch labels", error)) &&
      (b->rows = alloc_array(capacity, sizeof(size_t), "batch rows", error)))
    return TRUE;
  batch_buffers_clear(b);
  return FALSE;
}

static gboolean loss_failed(const nnlab_component *loss, nnlab_status status,
                            GError **error) {
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN, "loss '%s' failed: %s",
              loss->info->name, nnlab_status_message(status));
  return FALSE;
}

gboolean nnlab_evaluate(nnlab_model *model, const nnlab_component *loss,
                        const nnlab_dataset *data, nnlab_metrics *metrics,
                        GError **error) {
  if (!check_compatible(model, loss, data, "evaluation", error)) return FALSE;
  size_t d = data->n_features, k = nnlab_model_n_outputs(model);
  const size_t chunk = 256;
  batch_buffers b;
  if (!batch_buffers_init(&b, chunk, d, k, error)) return FALSE;
  metrics_accumulator acc;
  metrics_accumulator_init(&acc, data->task, k,
                           nnlab_loss_class_threshold(loss));
  gboolean ok = TRUE;
  for (size_t start = 0; ok && start < data->n_rows; start += chunk) {
    size_t n = MIN(chunk, data->n_rows - start);
    for (size_t r = 0; r < n; r++) b.rows[r] = start + r;
    nnlab_model_standardize(model, data->features + start * d, n, b.x);
    const float *out = nnlab_model_forward(model, b.x, n, error);
    if (!out) {
      ok = FALSE;
      break;
    }
    fill_targets(data, b.rows, n, k, labels_as_floats(loss), &b.targets);
    double value = 0;
    plugin_call_begin(loss->info, PLUGIN_PHASE_LOSS, 0);
    nnlab_status status = loss->info->loss.compute(out, &b.targets.plugin, n, k,
                                                   loss->hparams, &value, NULL);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK && status != NNLAB_STATUS_NUMERIC) {
      ok = loss_failed(loss, status, error);
      break;
    }
    if (status == NNLAB_STATUS_NUMERIC) value = NAN;
    metrics_accumulator_add(&acc, n, value, out, b.targets.labels,
                            b.targets.values);
  }
  if (ok) *metrics = metrics_accumulator_result(&acc);
  metrics_accumulator_clear(&acc);
  batch_buffers_clear(&b);
  return ok;
}

/* The optimizer updates the parameters in chunks small enough to stay in
 * cache while each is backed up, updated and checked; large vectors are
 * split between threads (updates are elementwise, so the bits do not
 * depend on the split). */
#define UPDATE_CHUNK 4096
#define PARALLEL_UPDATE ((size_t)1 << 17)

typedef struct update_job {
  nnlab_trainer *trainer;
  float *params;
  const float *grads;
  size_t n, n_tasks;
  uint64_t step;
  /* Per task: the end of what it backed up and updated, and the outcome
   * of the chunk it stopped at. */
  size_t end[POOL_MAX_THREADS];
  nnlab_status status[POOL_MAX_THREADS];
  gboolean finite[POOL_MAX_THREADS];
} update_job;

static size_t update_task_start(const update_job *job, size_t task) {
  size_t chunks = (job->n + UPDATE_CHUNK - 1) / UPDATE_CHUNK;
  return MIN(task * chunks / job->n_tasks * UPDATE_CHUNK, job->n);
}

static void update_task(void *context, size_t task) {
  update_job *job = context;
  nnlab_trainer *t = job->trainer;
  size_t first = update_task_start(job, task);
  size_t last = update_task_start(job, task + 1);
  job->end[task] = first;
  job->status[task] = NNLAB_STATUS_OK;
  job->finite[task] = TRUE;
  for (size_t start = first; start < last; start += UPDATE_CHUNK) {
    size_t len = MIN(UPDATE_CHUNK, last - start);
    float *slots[NNLAB_MAX_SLOTS] = {NULL};
    for (size_t i = 0; i < t->n_slots; i++) slots[i] = t->slots[i] + start;
    memcpy(t->backup + start, job->params + start, len * sizeof(float));
    job->end[task] = start + len;
    plugin_call_begin(t->optimizer.info, PLUGIN_PHASE_STEP, 0);
    job->status[task] = t->optimizer.info->optimizer.step(
        job->params + start, job->grads + start, slots, len, job->step,
        t->optimizer.hparams);
    plugin_call_end();
    if (job->status[task] != NNLAB_STATUS_OK) return;
    job->finite[task] = vector_all_finite(job->params + start, len);
    if (!job->finite[task]) return;
  }
}

/* Records in fault the first non-finite weight of the chunk a failing
 * task stopped at, before it is restored: an optimizer step cannot be
 * replayed once its state has moved on. */
static void record_update_fault(const update_job *job, size_t task,
                                nonfinite_origin *fault) {
  const nnlab_trainer *t = job->trainer;
  size_t first = update_task_start(job, task);
  size_t start =
      first + (job->end[task] - first - 1) / UPDATE_CHUNK * UPDATE_CHUNK;
  size_t len = job->end[task] - start;
  if (job->status[task] == NNLAB_STATUS_NUMERIC) {
    *fault = (nonfinite_origin){
        .found = TRUE, .plugin = t->optimizer.info, .phase = PLUGIN_PHASE_STEP};
    return;
  }
  *fault = (nonfinite_origin){.found = FALSE};
  origin_check_plugin(fault, t->optimizer.info, PLUGIN_PHASE_STEP, 0,
                      t->backup + start, job->params + start, len);
  for (size_t i = start; i < start + len && fault->found; i++)
    if (!isfinite(job->params[i])) {
      fault->has_grad = TRUE;
      fault->grad = job->grads[i];
      break;
    }
}

/* One optimizer step over all parameters. If the optimizer fails or a
 * weight becomes non-finite, every weight it changed is restored and the
 * failing status is returned (NNLAB_STATUS_NUMERIC for a non-finite
 * weight, with where in fault). */
static nnlab_status update_params(nnlab_trainer *t, float *params,
                                  const float *grads, size_t n,
                                  nonfinite_origin *fault) {
  update_job job; /* not zeroed: every task writes its own entries */
  job.trainer = t;
  job.params = params;
  job.grads = grads;
  job.n = n;
  job.n_tasks = 1;
  job.step = t->state.step + 1;
  if (n >= PARALLEL_UPDATE)
    job.n_tasks = MIN(pool_threads(), (n + UPDATE_CHUNK - 1) / UPDATE_CHUNK);
  if (job.n_tasks > 1)
    pool_parallel_for(job.n_tasks, update_task, &job);
  else
    update_task(&job, 0);
  nnlab_status outcome = NNLAB_STATUS_OK;
  size_t failed = 0;
  for (; failed < job.n_tasks && outcome == NNLAB_STATUS_OK; failed++)
    outcome = job.status[failed] != NNLAB_STATUS_OK ? job.status[failed]
              : job.finite[failed]                  ? NNLAB_STATUS_OK
                                                    : NNLAB_STATUS_NUMERIC;
  if (outcome == NNLAB_STATUS_OK) return outcome;
  if (outcome == NNLAB_STATUS_NUMERIC)
    record_update_fault(&job, failed - 1, fault);
  for (size_t i = 0; i < job.n_tasks; i++) {
    size_t start = update_task_start(&job, i);
    if (job.end[i] > start)
      memcpy(params + start, t->backup + start,
             (job.end[i] - start) * sizeof(float));
  }
  return outcome;
}

/* Position of a step, for messages. */
typedef struct step_position {
  size_t epoch, batch;
} step_position;

/* The step on b diverged: its weights are those it started from, so it is
 * replayed with checks to find which plugin or operation first made a
 * NaN or Inf. update_fault: what the optimizer step recorded, if that is
 * where it showed. */
static gboolean diverged(nnlab_trainer *t, batch_buffers *b, size_t n,
                         step_position at, const char *what,
                         const nonfinite_origin *update_fault, GError **error) {
  nonfinite_origin origin = {.found = FALSE};
  if (update_fault) origin = *update_fault;
  divergence_replay(t->model, &t->loss, b->x, &b->targets.plugin, n, b->doutput,
                    &origin);
  divergence_set_error(error, at.epoch, at.batch, what, &origin);
  return FALSE;
}

/* One optimizer step on a batch of n rows already in b. Adds the batch to
 * acc. On a non-finite loss, gradient or update the parameters are left as
 * they were before the step. */
static gboolean train_step(nnlab_trainer *t, batch_buffers *b, size_t n,
                           metrics_accumulator *acc, step_position at,
                           GError **error) {
  nnlab_model *model = t->model;
  size_t k = nnlab_model_n_outputs(model), p = nnlab_model_n_params(model);
  const float *out = nnlab_model_forward(model, b->x, n, error);
  if (!out) return FALSE;
  double loss = 0;
  plugin_call_begin(t->loss.info, PLUGIN_PHASE_LOSS, 0);
  nnlab_status status = t->loss.info->loss.compute(
      out, &b->targets.plugin, n, k, t->loss.hparams, &loss, b->doutput);
  plugin_call_end();
  if (status == NNLAB_STATUS_NUMERIC ||
      (status == NNLAB_STATUS_OK && !isfinite(loss)))
    return diverged(t, b, n, at, "the loss", NULL, error);
  if (status != NNLAB_STATUS_OK) return loss_failed(&t->loss, status, error);
  metrics_accumulator_add(acc, n, loss, out, b->targets.labels,
                          b->targets.values);
  if (!nnlab_model_backward(model, b->x, b->doutput, error)) return FALSE;
  float *grads = nnlab_model_grads(model);
  /* Squares of floats cannot overflow a double, so the norm is finite
   * exactly when every gradient is: without a use for the norm, the
   * cheaper test. */
  if (t->config.clip_norm > 0 || t->config.stop_grad_norm > 0) {
    double norm = sqrt(vector_sum_of_squares(grads, p));
    if (!isfinite(norm))
      return diverged(t, b, n, at, "the gradient", NULL, error);
    t->grad_norm_sum += norm;
    if (t->config.clip_norm > 0 && norm > t->config.clip_norm) {
      float scale = (float)(t->config.clip_norm / (norm + 1e-6));
      for (size_t i = 0; i < p; i++) grads[i] *= scale;
    }
  } else if (!vector_all_finite(grads, p)) {
    return diverged(t, b, n, at, "the gradient", NULL, error);
  }
  nonfinite_origin update_fault = {.found = FALSE};
  status = update_params(t, nnlab_model_params(model), grads, p, &update_fault);
  if (status == NNLAB_STATUS_OK) {
    t->state.step++;
    return TRUE;
  }
  if (status == NNLAB_STATUS_NUMERIC)
    return diverged(t, b, n, at, "an updated weight", &update_fault, error);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN,
              "optimizer '%s' failed: %s", t->optimizer.info->name,
              nnlab_status_message(status));
  return FALSE;
}

static void report(nnlab_trainer *t, nnlab_progress *progress) {
  if (t->progress) t->progress(progress, t->progress_data);
}

static void stop(nnlab_trainer *t, nnlab_stop_rule rule, double value) {
  t->state.stopped_early = TRUE;
  t->state.stop_rule = rule;
  t->state.stop_value = value;
}

/* The course's stop rules, after early stopping has had its say. */
static void check_stop_rules(nnlab_trainer *t, const nnlab_epoch_record *record,
                             double grad_norm) {
  const nnlab_train_config *c = &t->config;
  if (t->state.stopped_early) return;
  if (c->stop_loss > 0 && record->train.loss < c->stop_loss)
    stop(t, NNLAB_STOP_LOSS, record->train.loss);
  else if (c->stop_grad_norm > 0 && grad_norm < c->stop_grad_norm)
    stop(t, NNLAB_STOP_GRAD_NORM, grad_norm);
}

/* After an epoch: validation, schedule, early stopping and the stop
 * rules; grad_norm is the epoch's mean gradient norm. Returns FALSE on an
 * error. */
static gboolean end_epoch(nnlab_trainer *t, nnlab_epoch_record *record,
                          const nnlab_dataset *val, double grad_norm,
                          GError **error) {
  if (val && !nnlab_evaluate(t->model, &t->loss, val, &record->val, error))
    return FALSE;
  double monitored = val ? record->val.loss : record->train.loss;
  schedule_observe(&t->config.schedule, &t->state.schedule, monitored);
  g_array_append_val(t->history, *record);
  t->state.epochs_done++;
  if (!t->config.early_stopping_patience) {
    t->state.best_epoch = record->epoch;
  } else if (record->val.loss < t->state.best_val_loss) {
    t->state.best_val_loss = record->val.loss;
    t->state.best_epoch = record->epoch;
    memcpy(t->best_params, nnlab_model_params(t->model),
           nnlab_model_n_params(t->model) * sizeof(float));
  } else if (record->epoch - t->state.best_epoch >=
             t->config.early_stopping_patience) {
    stop(t, NNLAB_STOP_EARLY_STOPPING, t->state.best_val_loss);
  }
  check_stop_rules(t, record, grad_norm);
  return TRUE;
}

/* Gives the optimizer the schedule's rate at t of total units. */
static double set_scheduled_lr(nnlab_trainer *t, size_t t_units, size_t total) {
  double lr =
      schedule_lr(&t->config.schedule, &t->state.schedule, t_units, total);
  t->optimizer.hparams[t->lr_index].f = lr;
  return lr;
}

gboolean nnlab_trainer_fit(nnlab_trainer *t, const nnlab_dataset *train,
                           const nnlab_dataset *val, GError **error) {
  nnlab_model *model = t->model;
  if (!check_compatible(model, &t->loss, train, "training", error) ||
      (val && !check_compatible(model, &t->loss, val, "validation", error)))
    return FALSE;
  if (t->config.early_stopping_patience && !val) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "early stopping needs validation data");
    return FALSE;
  }
  if (train->n_rows == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the training data has no rows");
    return FALSE;
  }
  if (t->holds_best) {
    memcpy(nnlab_model_params(model), t->last_params,
           nnlab_model_n_params(model) * sizeof(float));
    t->holds_best = FALSE;
  }
  size_t n = train->n_rows, d = train->n_features;
  size_t k = nnlab_model_n_outputs(model);
  size_t batch = t->config.batch_size == 0 ? n : MIN(t->config.batch_size, n);
  size_t batches = (n + batch - 1) / batch;
  batch_buffers b;
  if (!batch_buffers_init(&b, batch, d, k, error)) return FALSE;
  /* Rows are standardized as batches are gathered, so training needs no
   * second copy of the data. */
  gboolean standardizes = nnlab_model_standardization_mean(model) != NULL;
  size_t *order = alloc_array(n, sizeof(size_t), "row order", error);
  if (!order) {
    batch_buffers_clear(&b);
    return FALSE;
  }
  gboolean ok = TRUE, as_floats = labels_as_floats(&t->loss);
  double threshold = nnlab_loss_class_threshold(&t->loss);
  gboolean per_step = t->config.schedule.unit == NNLAB_SCHEDULE_PER_STEP;
  size_t schedule_total =
      per_step ? t->config.epochs * batches : t->config.epochs;
  while (ok && !t->state.stopped_early &&
         t->state.epochs_done < t->config.epochs) {
    size_t epoch = t->state.epochs_done + 1;
    /* The rate the epoch starts with, and the one its history records. */
    double lr = set_scheduled_lr(t, per_step ? t->state.step : epoch - 1,
                                 schedule_total);
    t->grad_norm_sum = 0;
    /* Each epoch's order depends only on the generator's state, so a
     * checkpoint needs no more than that state to resume exactly. */
    for (size_t i = 0; i < n; i++) order[i] = i;
    if (t->config.shuffle) nnlab_rng_shuffle(&t->state.shuffle_rng, order, n);
    metrics_accumulator acc;
    metrics_accumulator_init(&acc, train->task, k, threshold);
    gint64 start = g_get_monotonic_time();
    nnlab_progress progress = {
        .epoch = epoch, .epochs = t->config.epochs, .batches = batches};
    for (size_t i = 0; ok && i < batches; i++) {
      size_t first = i * batch, rows = MIN(batch, n - first);
      for (size_t r = 0; r < rows; r++) {
        b.rows[r] = order[first + r];
        vector_copy_floats(b.x + r * d, train->features + b.rows[r] * d, d);
      }
      if (standardizes) nnlab_model_standardize(model, b.x, rows, b.x);
      fill_targets(train, b.rows, rows, k, as_floats, &b.targets);
      if (per_step && i > 0) set_scheduled_lr(t, t->state.step, schedule_total);
      ok = train_step(t, &b, rows, &acc, (step_position){epoch, i + 1}, error);
      if (ok && t->progress) {
        progress.batch = i + 1;
        progress.samples = first + rows;
        progress.epoch_seconds = (double)(g_get_monotonic_time() - start) / 1e6;
        progress.running_loss = acc.loss_sum / (double)acc.rows;
        report(t, &progress);
      }
    }
    if (ok) {
      nnlab_epoch_record record = {.epoch = epoch, .lr = lr};
      record.train = metrics_accumulator_result(&acc);
      record.val = (nnlab_metrics){NAN, NAN, NAN, NAN, NAN};
      ok =
          end_epoch(t, &record, val, t->grad_norm_sum / (double)batches, error);
      record.seconds = (double)(g_get_monotonic_time() - start) / 1e6;
      if (ok) {
        g_array_index(t->history, nnlab_epoch_record, t->history->len - 1)
            .seconds = record.seconds;
        progress.finished = &record;
        progress.stopping = t->state.stopped_early;
        report(t, &progress);
        if (t->epoch_hook)
          ok = t->epoch_hook(t, &record, t->epoch_hook_data, error);
      }
    }
    metrics_accumulator_clear(&acc);
  }
  if (t->config.early_stopping_patience && t->state.best_epoch > 0 && ok) {
    size_t bytes = nnlab_model_n_params(model) * sizeof(float);
    memcpy(t->last_params, nnlab_model_params(model), bytes);
    memcpy(nnlab_model_params(model), t->best_params, bytes);
    t->holds_best = TRUE;
  }
  alloc_free(order);
  batch_buffers_clear(&b);
  return ok;
}
