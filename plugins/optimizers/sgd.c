/* Stochastic gradient descent with momentum, as torch.optim.SGD. Like every
 * plugin it sees only <nnlab/plugin.h>. Each element is updated on its own,
 * since the host may split the vector into chunks. */

/* The update, per element:
 *   g   = grad + weight_decay * param
 *   buf = g                                  on step 1
 *   buf = momentum * buf + (1 - dampening) * g  afterwards
 *   d   = nesterov ? g + momentum * buf : buf   (d = g when momentum == 0)
 *   param -= lr * d
 * torch starts the momentum buffer at the first gradient, undamped; the host
 * hands us a zeroed slot, so step 1 is detected from the step count. */
#include <math.h>

#include <nnlab/plugin.h>

enum { LR, MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY };

static const nnlab_hparam sgd_hparams[] = {
    [LR] = NNLAB_HPARAM_FLOAT_DEF("lr", 1e-3, 0, INFINITY, 0, "learning rate"),
    [MOMENTUM] = NNLAB_HPARAM_FLOAT_DEF("momentum", 0, 0, INFINITY, 0,
                                        "momentum factor (0 disables it)"),
    [DAMPENING] = NNLAB_HPARAM_FLOAT_DEF("dampening", 0, 0, 1, 0,
                                         "dampening applied to new gradients "
                                         "entering the momentum buffer"),
    [NESTEROV] = NNLAB_HPARAM_BOOL_DEF(
        "nesterov", false,
        "Nesterov momentum (needs momentum > 0 and dampening 0)"),
    [WEIGHT_DECAY] = NNLAB_HPARAM_FLOAT_DEF("weight_decay", 0, 0, INFINITY, 0,
                                            "L2 penalty added to the gradient"),
};

NNLAB_VECTORIZE static nnlab_status sgd_step(float *params, const float *grads,
                                             float *const *slots, size_t n,
                                             uint64_t step,
                                             const nnlab_value *hp) {
  const float lr = (float)hp[LR].f;
  const float momentum = (float)hp[MOMENTUM].f;
  const float dampening = (float)hp[DAMPENING].f;
  const bool nesterov = hp[NESTEROV].b;
  const float weight_decay = (float)hp[WEIGHT_DECAY].f;
  if (step == 0) return NNLAB_STATUS_INVALID_ARGUMENT;
  /* torch raises ValueError for this combination. */
  if (nesterov && (momentum <= 0 || dampening != 0))
    return NNLAB_STATUS_INVALID_ARGUMENT;

  if (momentum == 0) {
    for (size_t i = 0; i < n; i++) {
      const float g = grads[i] + weight_decay * params[i];
      params[i] -= lr * g;
    }
    return NNLAB_STATUS_OK;
  }

  float *restrict buf = slots[0];
  /* The buffer is zero before step 1, where it becomes the gradient itself. */
  const float inflow = step == 1 ? 1.0f : (float)(1.0 - hp[DAMPENING].f);
  if (nesterov) {
    for (size_t i = 0; i < n; i++) {
      const float g = grads[i] + weight_decay * params[i];
      buf[i] = momentum * buf[i] + inflow * g;
      params[i] -= lr * (g + momentum * buf[i]);
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      const float g = grads[i] + weight_decay * params[i];
      buf[i] = momentum * buf[i] + inflow * g;
      params[i] -= lr * buf[i];
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "sgd", .version = "1.0.0",
             .description =
                 "Stochastic gradient descent with optional "
                 "(Nesterov) momentum, as torch.optim.SGD",
             .hparams = sgd_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(sgd_hparams),
             .optimizer = {.slot_names = {"momentum_buffer"},
                           .step = sgd_step});
