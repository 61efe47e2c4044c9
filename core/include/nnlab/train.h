/* Training by gradient descent: epochs of batches (batch size N is batch
 * gradient descent, 1 stochastic, anything else mini-batch), an optimizer
 * plugin over the flat parameter vector, learning-rate schedules, early
 * stopping, gradient clipping and a divergence guard. */
#ifndef NNLAB_TRAIN_H
#define NNLAB_TRAIN_H

#include <nnlab/dataset.h>
#include <nnlab/metrics.h>
#include <nnlab/model.h>

G_BEGIN_DECLS

/* The schedules, with the torch.optim.lr_scheduler class each matches;
 * docs/config.md gives every formula. t counts epochs or optimizer steps
 * (nnlab_schedule_unit) from 0, T is the run's total of them. */
typedef enum nnlab_schedule_kind {
  NNLAB_SCHEDULE_CONSTANT,
  NNLAB_SCHEDULE_STEP,         /* lr * gamma^floor(t / step_size): StepLR */
  NNLAB_SCHEDULE_EXPONENTIAL,  /* lr * gamma^t: ExponentialLR */
  NNLAB_SCHEDULE_COSINE,       /* linear warmup, then cosine to min_lr */
  NNLAB_SCHEDULE_PLATEAU,      /* lr * factor after patience bad epochs */
  NNLAB_SCHEDULE_MULTISTEP,    /* lr * gamma^(milestones <= t): MultiStepLR */
  NNLAB_SCHEDULE_POLYNOMIAL,   /* lr * (1 - t / total_iters)^power */
  NNLAB_SCHEDULE_INVERSE_TIME, /* lr / (1 + decay_rate * t) */
  NNLAB_SCHEDULE_ONE_CYCLE,    /* OneCycleLR over the whole run */
  NNLAB_SCHEDULE_COSINE_RESTARTS, /* CosineAnnealingWarmRestarts */
} nnlab_schedule_kind;

/* What t counts: epochs (the rate changes between epochs) or optimizer
 * steps (it changes between batches). */
typedef enum nnlab_schedule_unit {
  NNLAB_SCHEDULE_PER_EPOCH,
  NNLAB_SCHEDULE_PER_STEP,
} nnlab_schedule_unit;

#define NNLAB_SCHEDULE_MAX_MILESTONES 64

typedef struct nnlab_schedule_config {
  nnlab_schedule_kind kind;
  nnlab_schedule_unit unit;
  size_t step_size; /* step */
  double gamma;     /* step, exponential, multistep */
  size_t warmup;    /* cosine: warmup length in units */
  double min_lr;    /* cosine and cosine_restarts target, plateau floor */
  size_t patience;  /* plateau */
  double factor;    /* plateau */
  size_t milestones[NNLAB_SCHEDULE_MAX_MILESTONES]; /* multistep, rising */
  size_t n_milestones;
  size_t total_iters;      /* polynomial; 0: the whole run */
  double power;            /* polynomial */
  double decay_rate;       /* inverse_time */
  double max_lr;           /* one_cycle; 0: the optimizer's lr */
  double pct_start;        /* one_cycle: share of the run spent rising */
  double div_factor;       /* one_cycle: starts at max_lr / div_factor */
  double final_div_factor; /* one_cycle: ends at start / final_div_factor */
  gboolean anneal_linear;  /* one_cycle: linear instead of cosine anneal */
  size_t restart_period;   /* cosine_restarts: T_0 */
  size_t restart_mult;     /* cosine_restarts: T_mult */
} nnlab_schedule_config;

NNLAB_API gboolean nnlab_schedule_kind_from_name(const char *name,
                                                 nnlab_schedule_kind *kind);
NNLAB_API const char *nnlab_schedule_kind_name(nnlab_schedule_kind kind);

typedef struct nnlab_train_config {
  size_t epochs;
  size_t batch_size; /* 0 means the whole training set */
  gboolean shuffle;  /* reshuffle the training rows every epoch */
  uint64_t seed;     /* seeds the shuffling */
  nnlab_schedule_config schedule;
  size_t early_stopping_patience; /* 0: off; needs validation data */
  double clip_norm;               /* clip the global gradient norm; 0: off */
  /* The course's stop rules, checked after each epoch; 0: off. */
  double stop_loss;      /* the epoch's training loss fell below this */
  double stop_grad_norm; /* the epoch's mean gradient norm fell below this */
} nnlab_train_config;

/* Defaults: 10 epochs, batch 32, shuffled with seed 0, constant lr, no
 * early stopping or clipping. */
NNLAB_API void nnlab_train_config_init(nnlab_train_config *config);

typedef struct nnlab_epoch_record {
  size_t epoch; /* 1-based */
  double lr;
  nnlab_metrics train; /* running averages over the epoch's batches */
  nnlab_metrics val;   /* NaN without validation data */
  double seconds;
} nnlab_epoch_record;

/* What a schedule remembers between epochs. */
typedef struct nnlab_schedule_state {
  double base_lr;    /* the optimizer's configured lr */
  double plateau_lr; /* reduce-on-plateau's current rate */
  double best_loss;  /* reduce-on-plateau's best monitored loss */
  size_t bad_epochs; /* epochs since it improved */
} nnlab_schedule_state;

/* Why training ended before its last epoch. */
typedef enum nnlab_stop_rule {
  NNLAB_STOP_NONE,           /* it did not (or has not yet) */
  NNLAB_STOP_EARLY_STOPPING, /* the validation loss stopped improving */
  NNLAB_STOP_LOSS,           /* the training loss fell below stop_loss */
  NNLAB_STOP_GRAD_NORM,      /* the gradient norm fell below stop_grad_norm */
} nnlab_stop_rule;

/* "early_stopping", "stop_loss" (the config key) or "stop_grad_norm";
 * NULL for NNLAB_STOP_NONE. */
NNLAB_API const char *nnlab_stop_rule_name(nnlab_stop_rule rule);

/* Everything besides the parameters, optimizer slots and history that a
 * trainer needs to continue exactly where it stopped (a checkpoint). */
typedef struct nnlab_trainer_state {
  uint64_t step;         /* optimizer steps taken */
  size_t epochs_done;    /* epochs completed */
  nnlab_rng shuffle_rng; /* as it stands at the start of the next epoch */
  nnlab_schedule_state schedule;
  size_t best_epoch;      /* early stopping's best, or the last epoch */
  double best_val_loss;   /* INFINITY before the first validation */
  gboolean stopped_early; /* by any rule */
  nnlab_stop_rule stop_rule;
  double stop_value; /* the loss or gradient norm that fired the rule */
} nnlab_trainer_state;

typedef struct nnlab_progress {
  size_t epoch, epochs;               /* 1-based epoch of total */
  size_t batch, batches;              /* batches done in this epoch, of total */
  size_t samples;                     /* samples done in this epoch */
  double epoch_seconds;               /* time spent in this epoch so far */
  double running_loss;                /* mean training loss so far this epoch */
  const nnlab_epoch_record *finished; /* set once, when the epoch ends */
  gboolean stopping; /* with finished: a stop rule ends training here */
} nnlab_progress;

typedef void (*nnlab_progress_fn)(const nnlab_progress *progress,
                                  void *user_data);

typedef struct nnlab_trainer nnlab_trainer;

/* The trainer copies loss and optimizer and keeps a pointer to model. */
NNLAB_API nnlab_trainer *nnlab_trainer_new(nnlab_model *model,
                                           const nnlab_component *loss,
                                           const nnlab_component *optimizer,
                                           const nnlab_train_config *config,
                                           GError **error);
NNLAB_API void nnlab_trainer_free(nnlab_trainer *trainer);
NNLAB_API void nnlab_trainer_set_progress(nnlab_trainer *trainer,
                                          nnlab_progress_fn callback,
                                          void *user_data);

/* Trains on raw (unstandardized) data; the model's standardization is
 * applied. val may be NULL. On divergence returns FALSE with
 * NNLAB_ERROR_DIVERGED and the model keeps the last finite weights; with
 * early stopping the model ends with the best validation weights. */
NNLAB_API gboolean nnlab_trainer_fit(nnlab_trainer *trainer,
                                     const nnlab_dataset *train,
                                     const nnlab_dataset *val, GError **error);

NNLAB_API const nnlab_epoch_record *nnlab_trainer_history(
    const nnlab_trainer *trainer, size_t *n_epochs);

/* Called after each epoch's record is in the history; returning FALSE
 * stops nnlab_trainer_fit with that error (e.g. a checkpoint that could
 * not be written). */
typedef gboolean (*nnlab_epoch_hook)(nnlab_trainer *trainer,
                                     const nnlab_epoch_record *record,
                                     void *user_data, GError **error);
NNLAB_API void nnlab_trainer_set_epoch_hook(nnlab_trainer *trainer,
                                            nnlab_epoch_hook hook,
                                            void *user_data);

/* The trainer's state, for checkpoints. set_state also replaces the
 * history; the optimizer slots and best parameters are written through
 * the pointers below. */
NNLAB_API void nnlab_trainer_get_state(const nnlab_trainer *trainer,
                                       nnlab_trainer_state *state);
NNLAB_API void nnlab_trainer_set_state(nnlab_trainer *trainer,
                                       const nnlab_trainer_state *state,
                                       const nnlab_epoch_record *history,
                                       size_t n_epochs);
/* Train until this many epochs are done in all (for resuming). */
NNLAB_API void nnlab_trainer_set_epochs(nnlab_trainer *trainer, size_t epochs);
NNLAB_API nnlab_model *nnlab_trainer_model(const nnlab_trainer *trainer);
/* The optimizer as configured (lr holds the rate of the last epoch). */
NNLAB_API const nnlab_component *nnlab_trainer_optimizer(
    const nnlab_trainer *trainer);
/* The optimizer's state slots, each laid out like the parameters. */
NNLAB_API size_t nnlab_trainer_n_slots(const nnlab_trainer *trainer);
NNLAB_API float *nnlab_trainer_slot(nnlab_trainer *trainer, size_t index);
/* Early stopping's best parameters, or NULL without early stopping. */
NNLAB_API float *nnlab_trainer_best_params(nnlab_trainer *trainer);
/* When fit has ended by putting the best parameters in the model: the
 * parameters training had reached, which the next fit continues from.
 * NULL otherwise. */
NNLAB_API const float *nnlab_trainer_last_params(const nnlab_trainer *trainer);
/* Restores that situation from a checkpoint (early stopping only). */
NNLAB_API void nnlab_trainer_set_last_params(nnlab_trainer *trainer,
                                             const float *params);
/* The epoch whose weights the model holds after early stopping, else the
 * last epoch trained. */
NNLAB_API size_t nnlab_trainer_best_epoch(const nnlab_trainer *trainer);
NNLAB_API gboolean nnlab_trainer_stopped_early(const nnlab_trainer *trainer);
/* Which rule stopped training, NNLAB_STOP_NONE if none did. */
NNLAB_API nnlab_stop_rule nnlab_trainer_stop_rule(const nnlab_trainer *trainer);

/* Loss and metrics of model on raw data. */
NNLAB_API gboolean nnlab_evaluate(nnlab_model *model,
                                  const nnlab_component *loss,
                                  const nnlab_dataset *data,
                                  nnlab_metrics *metrics, GError **error);

/* The Rosenblatt perceptron rule on a model of one layer with one output
 * and the step activation: for each row in order, w += lr * (t - y) * x.
 * Stops after the first epoch with every row classified correctly and
 * stores that epoch in *converged_epoch, or leaves it 0 when max_epochs
 * pass without one (the classes are not linearly separable, as in XOR). */
NNLAB_API gboolean nnlab_perceptron_fit(nnlab_model *model,
                                        const nnlab_dataset *train,
                                        size_t max_epochs, double lr,
                                        size_t *converged_epoch,
                                        GError **error);

G_END_DECLS

#endif
