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

typedef enum nnlab_schedule_kind {
  NNLAB_SCHEDULE_CONSTANT,
  NNLAB_SCHEDULE_STEP,        /* lr * gamma^(epoch / step_size) */
  NNLAB_SCHEDULE_EXPONENTIAL, /* lr * gamma^epoch */
  NNLAB_SCHEDULE_COSINE,      /* linear warmup, then cosine to min_lr */
  NNLAB_SCHEDULE_PLATEAU,     /* lr * factor after patience bad epochs */
} nnlab_schedule_kind;

typedef struct nnlab_schedule_config {
  nnlab_schedule_kind kind;
  size_t step_size;     /* step */
  double gamma;         /* step, exponential */
  size_t warmup_epochs; /* cosine */
  double min_lr;        /* cosine target, plateau floor */
  size_t patience;      /* plateau */
  double factor;        /* plateau */
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

/* Everything besides the parameters, optimizer slots and history that a
 * trainer needs to continue exactly where it stopped (a checkpoint). */
typedef struct nnlab_trainer_state {
  uint64_t step;         /* optimizer steps taken */
  size_t epochs_done;    /* epochs completed */
  nnlab_rng shuffle_rng; /* as it stands at the start of the next epoch */
  nnlab_schedule_state schedule;
  size_t best_epoch;    /* early stopping's best, or the last epoch */
  double best_val_loss; /* INFINITY before the first validation */
  gboolean stopped_early;
} nnlab_trainer_state;

typedef struct nnlab_progress {
  size_t epoch, epochs;               /* 1-based epoch of total */
  size_t batch, batches;              /* batches done in this epoch, of total */
  size_t samples;                     /* samples done in this epoch */
  double epoch_seconds;               /* time spent in this epoch so far */
  double running_loss;                /* mean training loss so far this epoch */
  const nnlab_epoch_record *finished; /* set once, when the epoch ends */
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
