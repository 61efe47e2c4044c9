/* Adadelta, as torch.optim.Adadelta. Like every plugin it sees only
 * <nnlab/plugin.h>. Each element is updated on its own, since the host may
 * split the vector into chunks. */

/* The update, per element:
 *   g          = grad + weight_decay * param
 *   square_avg = rho * square_avg + (1 - rho) * g * g
 *   delta      = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
 *   acc_delta  = rho * acc_delta + (1 - rho) * delta * delta
 *   param     -= lr * delta */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, RHO, EPS, WEIGHT_DECAY };
enum { SQUARE_AVG, ACC_DELTA };

static const nnlab_hparam adadelta_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 1.0, 0, INFINITY, 0,
                                  "coefficient that scales delta"),
    [RHO] = NNLAB_HPARAM_FLOAT_DEF(
        "rho", 0.9, 0, 1, 0,
        "decay rate of the squared gradient and update averages"),
    [EPS] = NNLAB_HPARAM_FLOAT_DEF("eps", 1e-6, 0, INFINITY, 0,
                                   "term added inside both square roots"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
};

NNLAB_VECTORIZE static nnlab_status adadelta_step(float *params,
                                                  const float *grads,
                                                  float *const *slots, size_t n,
                                                  uint64_t step,
                                                  const nnlab_value *hp) {
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  const float lr = (float)hp[LR].f;
  const float rho = (float)hp[RHO].f, inflow = (float)(1.0 - hp[RHO].f);
  const float eps = (float)hp[EPS].f;
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  float *restrict square_avg = slots[SQUARE_AVG];
  float *restrict acc_delta = slots[ACC_DELTA];

  for (size_t i = 0; i < n; i++) {
    const float g = grads[i] + weight_decay * params[i];
    square_avg[i] = rho * square_avg[i] + inflow * g * g;
    const float std = sqrtf(square_avg[i] + eps);
    const float delta = sqrtf(acc_delta[i] + eps) / std * g;
    acc_delta[i] = rho * acc_delta[i] + inflow * delta * delta;
    params[i] -= lr * delta;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "adadelta",
             .version = "1.0.0",
             .description =
                 "Adadelta: steps scaled by running RMS of updates "
                 "and gradients, as torch.optim.Adadelta",
             .hparams = adadelta_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(adadelta_hparams),
             .optimizer = {.slot_names = {"square_avg", "acc_delta"},
                           .step = adadelta_step});
