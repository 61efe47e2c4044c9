/* This file implements the learning-rate schedules. It computes rates
 * only: the trainer (train.c) writes each one into the optimizer's lr. */

/* Each is a function of t and the run's total T alone, except
 * reduce-on-plateau, whose rate lives in nnlab_schedule_state (saved in
 * checkpoints with the step counter, so a resumed run sees the same
 * rates). The formulas follow torch.optim.lr_scheduler's closed forms;
 * tests/test_schedules.c checks 100 values of each against torch's. */
#include <math.h>
#include <string.h>

#include "train/schedule.h"

static const char *const kind_names[] = {
    [NNLAB_SCHEDULE_CONSTANT] = "constant",
    [NNLAB_SCHEDULE_STEP] = "step",
    [NNLAB_SCHEDULE_EXPONENTIAL] = "exponential",
    [NNLAB_SCHEDULE_COSINE] = "cosine",
    [NNLAB_SCHEDULE_PLATEAU] = "plateau",
    [NNLAB_SCHEDULE_MULTISTEP] = "multistep",
    [NNLAB_SCHEDULE_POLYNOMIAL] = "polynomial",
    [NNLAB_SCHEDULE_INVERSE_TIME] = "inverse_time",
    [NNLAB_SCHEDULE_ONE_CYCLE] = "one_cycle",
    [NNLAB_SCHEDULE_COSINE_RESTARTS] = "cosine_restarts",
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

static gboolean refuse(GError **error, const char *message) {
  g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_RANGE, message);
  return FALSE;
}

gboolean schedule_check(const nnlab_schedule_config *c, GError **error) {
  switch (c->kind) {
    case NNLAB_SCHEDULE_STEP:
      if (c->step_size == 0)
        return refuse(error, "the step schedule needs step_size >= 1");
      break;
    case NNLAB_SCHEDULE_PLATEAU:
      if (c->unit == NNLAB_SCHEDULE_PER_STEP)
        return refuse(error,
                      "the plateau schedule watches each epoch's loss; it "
                      "needs schedule_unit = epoch");
      break;
    case NNLAB_SCHEDULE_POLYNOMIAL:
      if (!(c->power > 0))
        return refuse(error, "the polynomial schedule needs power > 0");
      break;
    case NNLAB_SCHEDULE_ONE_CYCLE:
      if (!(c->pct_start > 0 && c->pct_start < 1) || !(c->div_factor > 0) ||
          !(c->final_div_factor > 0))
        return refuse(error,
                      "the one_cycle schedule needs 0 < pct_start < 1, "
                      "div_factor > 0 and final_div_factor > 0");
      break;
    case NNLAB_SCHEDULE_COSINE_RESTARTS:
      if (c->restart_period == 0 || c->restart_mult == 0)
        return refuse(error,
                      "the cosine_restarts schedule needs restart_period "
                      ">= 1 and restart_mult >= 1");
      break;
    default:
      break;
  }
  return TRUE;
}

void schedule_state_init(nnlab_schedule_state *state, double base_lr) {
  state->base_lr = base_lr;
  state->plateau_lr = base_lr;
  state->best_loss = INFINITY;
  state->bad_epochs = 0;
}

/* Half a cosine from start at pct 0 to end at pct 1. */
static double cosine_anneal(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (cos(G_PI * pct) + 1.0);
}

static double cosine_lr(const nnlab_schedule_config *c, double base, size_t t,
                        size_t total) {
  size_t warmup = c->warmup;
  if (t < warmup) return base * (double)(t + 1) / (double)warmup;
  size_t span = total > warmup ? total - warmup : 1;
  return cosine_anneal(base, c->min_lr, (double)(t - warmup) / (double)span);
}

static double multistep_lr(const nnlab_schedule_config *c, double base,
                           size_t t) {
  size_t passed = 0;
  while (passed < c->n_milestones && c->milestones[passed] <= t) passed++;
  return base * pow(c->gamma, (double)passed);
}

static double polynomial_lr(const nnlab_schedule_config *c, double base,
                            size_t t, size_t total) {
  size_t span = c->total_iters ? c->total_iters : total;
  if (span == 0 || t >= span) return 0.0;
  return base * pow(1.0 - (double)t / (double)span, c->power);
}

/* torch's OneCycleLR with three_phase=False: from max_lr / div_factor up
 * to max_lr at step pct_start * T - 1, then down to the start rate /
 * final_div_factor at step T - 1. */
static double one_cycle_lr(const nnlab_schedule_config *c, double base,
                           size_t t, size_t total) {
  double max_lr = c->max_lr > 0 ? c->max_lr : base;
  double initial = max_lr / c->div_factor;
  double final = initial / c->final_div_factor;
  double peak = c->pct_start * (double)total - 1.0;
  double last = (double)total - 1.0;
  double start = initial, end = max_lr, from = 0.0, to = peak;
  if ((double)t > peak) {
    start = max_lr;
    end = final;
    from = peak;
    to = last;
  }
  /* A phase of no length (a run of one step) sits at its end. */
  double pct = to > from ? ((double)t - from) / (to - from) : 1.0;
  if (c->anneal_linear) return (end - start) * pct + start;
  return cosine_anneal(start, end, pct);
}

/* torch's CosineAnnealingWarmRestarts: cycles of restart_period units,
 * each restart_mult times longer than the last. Integers throughout, so
 * cycle boundaries fall exactly where torch's counting puts them. */
static double cosine_restarts_lr(const nnlab_schedule_config *c, double base,
                                 size_t t) {
  size_t period = c->restart_period, into = t;
  if (c->restart_mult <= 1) {
    into = t % period;
  } else {
    while (into >= period) {
      into -= period;
      if (period > G_MAXSIZE / c->restart_mult) break;
      period *= c->restart_mult;
    }
  }
  return cosine_anneal(base, c->min_lr, (double)into / (double)period);
}

double schedule_lr(const nnlab_schedule_config *config,
                   const nnlab_schedule_state *state, size_t t, size_t total) {
  double base = state->base_lr;
  switch (config->kind) {
    case NNLAB_SCHEDULE_CONSTANT:
      return base;
    case NNLAB_SCHEDULE_STEP:
      return base * pow(config->gamma, (double)(t / config->step_size));
    case NNLAB_SCHEDULE_EXPONENTIAL:
      return base * pow(config->gamma, (double)t);
    case NNLAB_SCHEDULE_COSINE:
      return cosine_lr(config, base, t, total);
    case NNLAB_SCHEDULE_PLATEAU:
      return state->plateau_lr;
    case NNLAB_SCHEDULE_MULTISTEP:
      return multistep_lr(config, base, t);
    case NNLAB_SCHEDULE_POLYNOMIAL:
      return polynomial_lr(config, base, t, total);
    case NNLAB_SCHEDULE_INVERSE_TIME:
      return base / (1.0 + config->decay_rate * (double)t);
    case NNLAB_SCHEDULE_ONE_CYCLE:
      return one_cycle_lr(config, base, t, total);
    case NNLAB_SCHEDULE_COSINE_RESTARTS:
      return cosine_restarts_lr(config, base, t);
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
