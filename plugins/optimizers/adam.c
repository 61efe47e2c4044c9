/* Adam, as torch.optim.Adam (weight decay is an L2 term in the gradient). Like
 * every plugin it sees only <nnlab/plugin.h>. Each element is updated on its
 * own, since the host may split the vector into chunks. */

/* The update, per element:
 *   g          = grad + weight_decay * param
 *   exp_avg    = beta1 * exp_avg + (1 - beta1) * g
 *   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
 *   v          = amsgrad ? (max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq))
 *                        : exp_avg_sq
 *   denom      = sqrt(v) / sqrt(1 - beta2^step) + eps
 *   param     -= lr / (1 - beta1^step) * exp_avg / denom
 * max_exp_avg_sq is left untouched when amsgrad is false. */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, BETAS, EPS, WEIGHT_DECAY, AMSGRAD };
enum { EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ };

static const nnlab_hparam adam_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 1e-3, 0, INFINITY, 0, "learning rate"),
    [BETAS] = NNLAB_HPARAM_PAIR_DEF(
        "betas", 0.9, 0.999, 0, 1, NNLAB_HPARAM_MAX_EXCLUSIVE,
        "decay rates of the first and second moment averages"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-8, 0, INFINITY, 0,
                                   "term added to the denominator"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
    [AMSGRAD] = NNLAB_HPARAM_BOOL_DEF(
        "amsgrad", false, "use the running maximum of the second moment"),
};

NNLAB_VECTORIZE static nnlab_status adam_step(float *params, const float *grads,
                                              float *const *slots, size_t n,
                                              uint64_t step,
                                              const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const double beta1 = hp[BETAS].pair[0], beta2 = hp[BETAS].pair[1];
  const double bias_correction1 = 1.0 - pow(beta1, (double)step);
  const double bias_correction2 = 1.0 - pow(beta2, (double)step);
  const float step_size = (float)(hp[LR].f / bias_correction1);
  const float bias_correction2_sqrt = (float)sqrt(bias_correction2);
  const float inflow1 = (float)(1.0 - beta1);
  const float decay2 = (float)beta2, inflow2 = (float)(1.0 - beta2);
  const float eps = (float)hp[EPS].f;
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  const bool amsgrad = hp[AMSGRAD].b;
  float *restrict exp_avg = slots[EXP_AVG];
  float *restrict exp_avg_sq = slots[EXP_AVG_SQ];
  float *restrict max_exp_avg_sq = slots[MAX_EXP_AVG_SQ];

  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + weight_decay * params[i];
    exp_avg[i] += inflow1 * (g - exp_avg[i]);
    exp_avg_sq[i] = decay2 * exp_avg_sq[i] + inflow2 * g * g;
    float v = exp_avg_sq[i];
    if (amsgrad) {
      if (max_exp_avg_sq[i] > v) v = max_exp_avg_sq[i];
      max_exp_avg_sq[i] = v;
    }
    const float denom = sqrtf(v) / bias_correction2_sqrt + eps;
    params[i] -= step_size * exp_avg[i] / denom;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "adam", .version = "1.0.0",
             .description =
                 "Adam with optional AMSGrad and L2 weight decay, "
                 "as torch.optim.Adam",
             .hparams = adam_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(adam_hparams),
             .optimizer = {
                 .slot_names = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
                 .step = adam_step});
