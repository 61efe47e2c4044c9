/* Adamax, as torch.optim.Adamax (Adam with the infinity norm):
 *   g        = grad + weight_decay * param
 *   exp_avg  = beta1 * exp_avg + (1 - beta1) * g
 *   exp_inf  = max(beta2 * exp_inf, |g| + eps)
 *   param   -= lr / (1 - beta1^step) * exp_avg / exp_inf */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, BETAS, EPS, WEIGHT_DECAY };
enum { EXP_AVG, EXP_INF };

static const nnlab_hparam adamax_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 2e-3, 0, INFINITY, 0, "learning rate"),
    [BETAS] = NNLAB_HPARAM_PAIR_DEF(
        "betas", 0.9, 0.999, 0, 1, NNLAB_HPARAM_MAX_EXCLUSIVE,
        "decay rates of the first moment and the infinity norm"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-8, 0, INFINITY, 0,
                                   "term added to the infinity norm"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
};

NNLAB_VECTORIZE static nnlab_status adamax_step(float *params,
                                                const float *grads,
                                                float *const *slots, size_t n,
                                                uint64_t step,
                                                const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const double beta1 = hp[BETAS].pair[0];
  const double bias_correction = 1.0 - pow(beta1, (double)step);
  const float clr = (float)(hp[LR].f / bias_correction);
  const float inflow1 = (float)(1.0 - beta1);
  const float decay2 = (float)hp[BETAS].pair[1];
  const float eps = (float)hp[EPS].f;
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  float *restrict exp_avg = slots[EXP_AVG];
  float *restrict exp_inf = slots[EXP_INF];

  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + weight_decay * params[i];
    exp_avg[i] += inflow1 * (g - exp_avg[i]);
    const float decayed = decay2 * exp_inf[i];
    const float current = fabsf(g) + eps;
    exp_inf[i] = decayed > current ? decayed : current;
    params[i] -= clr * exp_avg[i] / exp_inf[i];
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "adamax", .version = "1.0.0",
             .description =
                 "Adamax: Adam with the infinity norm of the "
                 "gradients, as torch.optim.Adamax",
             .hparams = adamax_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(adamax_hparams),
             .optimizer = {.slot_names = {"exp_avg", "exp_inf"},
                           .step = adamax_step});
