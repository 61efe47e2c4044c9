/* Adagrad, as torch.optim.Adagrad. Like every plugin it sees only
 * <nnlab/plugin.h>. Each element is updated on its own, since the host may
 * split the vector into chunks. */

/* The update, per element:
 *   g    = grad + weight_decay * param
 *   clr  = lr / (1 + (step - 1) * lr_decay)
 *   sum += g * g          (sum starts at initial_accumulator_value)
 *   param -= clr * g / (sqrt(sum) + eps)
 * The host zeroes the slot, so initial_accumulator_value is added on step 1. */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, LR_DECAY, WEIGHT_DECAY, INITIAL_ACCUMULATOR_VALUE, EPS };

static const nnlab_hparam adagrad_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 1e-2, 0, INFINITY, 0, "learning rate"),
    [LR_DECAY] = NNLAB_HPARAM_FLOAT_DEF(
        "lr_decay", 0, 0, INFINITY, 0,
        "learning rate decay: lr / (1 + (step - 1) * lr_decay)"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
    [INITIAL_ACCUMULATOR_VALUE] = NNLAB_HPARAM_FLOAT_DEF(
        "initial_accumulator_value", 0, 0, INFINITY, 0,
        "starting value of the sum of squared gradients"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-10, 0, INFINITY, 0,
                                   "term added to the denominator"),
};

NNLAB_VECTORIZE static nnlab_status adagrad_step(float *params,
                                                 const float *grads,
                                                 float *const *slots, size_t n,
                                                 uint64_t step,
                                                 const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const double lr = hp[LR].f;
  const float clr = (float)(lr / (1.0 + (double)(step - 1) * hp[LR_DECAY].f));
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  const float initial =
      step == 1 ? (float)hp[INITIAL_ACCUMULATOR_VALUE].f : 0.0f;
  const float eps = (float)hp[EPS].f;
  float *restrict sum = slots[0];

  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + weight_decay * params[i];
    sum[i] = (sum[i] + initial) + g * g;
    params[i] -= clr * g / (sqrtf(sum[i]) + eps);
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "adagrad",
             .version = "1.0.0",
             .description =
                 "Adagrad: per-parameter steps scaled by the "
                 "summed squared gradients, as torch.optim.Adagrad",
             .hparams = adagrad_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(adagrad_hparams),
             .optimizer = {.slot_names = {"sum"}, .step = adagrad_step});
