/* RMSprop, as torch.optim.RMSprop. Like every plugin it sees only
 * <nnlab/plugin.h>. Each element is updated on its own, since the host may
 * split the vector into chunks. */

/* The update, per element:
 *   g          = grad + weight_decay * param
 *   square_avg = alpha * square_avg + (1 - alpha) * g * g
 *   grad_avg   = alpha * grad_avg + (1 - alpha) * g            (centered)
 *   avg        = sqrt(square_avg - grad_avg^2) + eps           (centered)
 *              = sqrt(square_avg) + eps                        (otherwise)
 *   buf        = momentum * buf + g / avg;  param -= lr * buf  (momentum > 0)
 *   param     -= lr * g / avg                                  (otherwise)
 * All three slots start at zero, as in torch. grad_avg and momentum_buffer are
 * left untouched when centered is false or momentum is 0. */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, ALPHA, EPS, WEIGHT_DECAY, MOMENTUM, CENTERED };
enum { SQUARE_AVG, GRAD_AVG, MOMENTUM_BUFFER };

static const nnlab_hparam rmsprop_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 1e-2, 0, INFINITY, 0, "learning rate"),
    [ALPHA] = NNLAB_HPARAM_FLOAT_DEF("alpha", 0.99, 0, 1, 0,
                                     "smoothing constant of the averages"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-8, 0, INFINITY, 0,
                                   "term added to the denominator"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
    [MOMENTUM] = NNLAB_HPARAM_FLOAT_DEF("momentum", 0, 0, INFINITY, 0,
                                        "momentum factor (0 disables it)"),
    [CENTERED] = NNLAB_HPARAM_BOOL_DEF(
        "centered", false,
        "normalize by the estimated variance instead of the raw second moment"),
};

typedef struct rmsprop_factors {
  float lr, alpha, inflow, eps, weight_decay, momentum;
} rmsprop_factors;

/* The loop for one variant: called with constant flags, each copy is
 * straight-line code the compiler can vectorize. */
static inline void rmsprop_update(float *params, const float *grads,
                                  float *const *slots, size_t n,
                                  const rmsprop_factors *f, const bool centered,
                                  const bool with_momentum) {
  float *restrict square_avg = slots[SQUARE_AVG];
  float *restrict grad_avg = slots[GRAD_AVG];
  float *restrict buf = slots[MOMENTUM_BUFFER];
  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + f->weight_decay * params[i];
    square_avg[i] = f->alpha * square_avg[i] + f->inflow * g * g;
    float avg;
    if (centered) {
      grad_avg[i] += f->inflow * (g - grad_avg[i]);
      avg = sqrtf(square_avg[i] - grad_avg[i] * grad_avg[i]) + f->eps;
    } else {
      avg = sqrtf(square_avg[i]) + f->eps;
    }
    if (with_momentum) {
      buf[i] = f->momentum * buf[i] + g / avg;
      params[i] -= f->lr * buf[i];
    } else {
      params[i] -= f->lr * g / avg;
    }
  }
}

NNLAB_VECTORIZE static nnlab_status rmsprop_step(float *params,
                                                 const float *grads,
                                                 float *const *slots, size_t n,
                                                 uint64_t step,
                                                 const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const rmsprop_factors f = {
      .lr = (float)hp[LR].f,
      .alpha = (float)hp[ALPHA].f,
      .inflow = (float)(1.0 - hp[ALPHA].f),
      .eps = (float)hp[EPS].f,
      .weight_decay = (float)hp[WEIGHT_DECAY].f,
      .momentum = (float)hp[MOMENTUM].f,
  };
  const bool centered = hp[CENTERED].b, with_momentum = f.momentum > 0;
  if (centered && with_momentum)
    rmsprop_update(params, grads, slots, n, &f, true, true);
  else if (centered)
    rmsprop_update(params, grads, slots, n, &f, true, false);
  else if (with_momentum)
    rmsprop_update(params, grads, slots, n, &f, false, true);
  else
    rmsprop_update(params, grads, slots, n, &f, false, false);
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "rmsprop",
             .version = "1.0.0",
             .description =
                 "RMSprop: steps scaled by a running RMS of the "
                 "gradients, as torch.optim.RMSprop",
             .hparams = rmsprop_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(rmsprop_hparams),
             .optimizer = {
                 .slot_names = {"square_avg", "grad_avg", "momentum_buffer"},
                 .step = rmsprop_step});
