/* NAdam, as torch.optim.NAdam (weight decay is an L2 term in the gradient).
 * Like every plugin it sees only <nnlab/plugin.h>. Each element is updated on
 * its own, since the host may split the vector into chunks. */

/* The update, per element:
 *   g          = grad + weight_decay * param
 *   mu_t       = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
 *   mu_product = mu_1 * ... * mu_step
 *   exp_avg    = beta1 * exp_avg + (1 - beta1) * g
 *   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
 *   denom      = sqrt(exp_avg_sq / (1 - beta2^step)) + eps
 *   param     -= lr * (1 - mu_step) / (1 - mu_product) * g / denom
 *   param     -= lr * mu_{step+1} / (1 - mu_product * mu_{step+1})
 *                * exp_avg / denom
 *
 * torch keeps mu_product as per-parameter state. The host only keeps
 * per-element float slots and may split the vector into chunks, so instead
 * mu_product is recomputed from the step count in double on every call:
 * deterministic, the same in every chunk, and at least as accurate as
 * torch's float32 running product. */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, BETAS, EPS, WEIGHT_DECAY, MOMENTUM_DECAY };
enum { EXP_AVG, EXP_AVG_SQ };

static const nnlab_hparam nadam_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 2e-3, 0, INFINITY, 0, "learning rate"),
    [BETAS] = NNLAB_HPARAM_PAIR_DEF(
        "betas", 0.9, 0.999, 0, 1, NNLAB_HPARAM_MAX_EXCLUSIVE,
        "decay rates of the first and second moment averages"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-8, 0, INFINITY, 0,
                                   "term added to the denominator"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
    [MOMENTUM_DECAY] =
        NNLAB_HPARAM_FLOAT_DEF("momentum_decay", 4e-3, 0, INFINITY, 0,
                               "decay of the momentum schedule mu_t"),
};

/* The momentum coefficient mu_t of step t. */
static double nadam_mu(double beta1, double momentum_decay, uint64_t t) {
  return beta1 * (1.0 - 0.5 * pow(0.96, (double)t * momentum_decay));
}

/* mu_1 * ... * mu_step. Every factor is below 1, so once the product falls
 * under 2^-60 both 1 - mu_product and 1 - mu_product * mu_next are exactly 1
 * in double and the remaining factors cannot change the update: stopping
 * there keeps the cost bounded (about 400 factors for beta1 = 0.9). */
static double nadam_mu_product(double beta1, double momentum_decay,
                               uint64_t step) {
  double product = 1.0;
  for (uint64_t t = 1; t <= step && product >= 0x1p-60; t++)
    product *= nadam_mu(beta1, momentum_decay, t);
  return product;
}

NNLAB_VECTORIZE static nnlab_status nadam_step(float *params,
                                               const float *grads,
                                               float *const *slots, size_t n,
                                               uint64_t step,
                                               const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const double lr = hp[LR].f;
  const double beta1 = hp[BETAS].pair[0], beta2 = hp[BETAS].pair[1];
  const double momentum_decay = hp[MOMENTUM_DECAY].f;
  const double mu = nadam_mu(beta1, momentum_decay, step);
  const double mu_next = nadam_mu(beta1, momentum_decay, step + 1);
  const double mu_product = nadam_mu_product(beta1, momentum_decay, step);
  const double mu_product_next = mu_product * mu_next;
  const float grad_step = (float)(lr * (1.0 - mu) / (1.0 - mu_product));
  const float avg_step = (float)(lr * mu_next / (1.0 - mu_product_next));
  const float bias_correction2 = (float)(1.0 - pow(beta2, (double)step));
  const float inflow1 = (float)(1.0 - beta1);
  const float decay2 = (float)beta2, inflow2 = (float)(1.0 - beta2);
  const float eps = (float)hp[EPS].f;
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  float *restrict exp_avg = slots[EXP_AVG];
  float *restrict exp_avg_sq = slots[EXP_AVG_SQ];

  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + weight_decay * params[i];
    exp_avg[i] += inflow1 * (g - exp_avg[i]);
    exp_avg_sq[i] = decay2 * exp_avg_sq[i] + inflow2 * g * g;
    const float denom = sqrtf(exp_avg_sq[i] / bias_correction2) + eps;
    params[i] -= grad_step * g / denom;
    params[i] -= avg_step * exp_avg[i] / denom;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "nadam", .version = "1.0.0",
             .description =
                 "NAdam: Adam with Nesterov momentum, as "
                 "torch.optim.NAdam",
             .hparams = nadam_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(nadam_hparams),
             .optimizer = {.slot_names = {"exp_avg", "exp_avg_sq"},
                           .step = nadam_step});
