#include <math.h>
#include <string.h>

#include "schedule.h"

static const char *const kind_names[] = {
    [NNLAB_SCHEDULE_CONSTANT] = "constant",
    [NNLAB_SCHEDULE_STEP] = "step",
    [NNLAB_SCHEDULE_EXPONENTIAL] = "exponential",
    [NNLAB_SCHEDULE_COSINE] = "cosine",
    [NNLAB_SCHEDULE_PLATEAU] = "plateau",
};

gboolean nnlab_schedule_kind_from_name(const char *name,
                                       nnlab_schedule_kind *kind) {
  for (size_t i = 0; i < G_N_ELEMENTS(kind_names); i++) {
    if (strcmp(name, kind_names[i]) == 0) {
      *kind = (nnlab_schedule_kind)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *nnlab_schedule_kind_name(nnlab_schedule_kind kind) {
  return (size_t)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : NULL;
}

void schedule_state_init(nnlab_schedule_state *state, double base_lr) {
  state->base_lr = base_lr;
  state->plateau_lr = base_lr;
  state->best_loss = INFINITY;
  state->bad_epochs = 0;
}

double schedule_lr(const nnlab_schedule_config *config,
                   const nnlab_schedule_state *state, size_t epoch,
                   size_t total_epochs) {
  double base = state->base_lr;
  switch (config->kind) {
    case NNLAB_SCHEDULE_CONSTANT:
      return base;
    case NNLAB_SCHEDULE_STEP:
      return base * pow(config->gamma, (double)(epoch / config->step_size));
    case NNLAB_SCHEDULE_EXPONENTIAL:
      return base * pow(config->gamma, (double)epoch);
    case NNLAB_SCHEDULE_COSINE: {
      size_t warmup = config->warmup_epochs;
      if (epoch < warmup) return base * (double)(epoch + 1) / (double)warmup;
      size_t span = total_epochs > warmup ? total_epochs - warmup : 1;
      double progress = (double)(epoch - warmup) / (double)span;
      return config->min_lr +
             0.5 * (base - config->min_lr) * (1.0 + cos(G_PI * progress));
    }
    case NNLAB_SCHEDULE_PLATEAU:
      return state->plateau_lr;
  }
  return base;
}

void schedule_observe(const nnlab_schedule_config *config,
                      nnlab_schedule_state *state, double monitored_loss) {
  if (config->kind != NNLAB_SCHEDULE_PLATEAU) return;
  /* torch's ReduceLROnPlateau default: relative threshold 1e-4. */
  if (monitored_loss < state->best_loss * (1.0 - 1e-4)) {
    state->best_loss = monitored_loss;
    state->bad_epochs = 0;
    return;
  }
  if (++state->bad_epochs > config->patience) {
    state->plateau_lr = MAX(state->plateau_lr * config->factor, config->min_lr);
    state->bad_epochs = 0;
  }
}
