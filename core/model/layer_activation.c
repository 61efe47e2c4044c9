/* The activation layer (model/layer.h): an activation plugin's forward and
 * backward over a batch, shape unchanged, no parameters. It only calls the
 * plugin; model.c records the call for the crash handler and checks it. */
#include "model/layer.h"

static void activation_output_shape(const nnlab_value *hparams,
                                    const layer_shape *in, layer_shape *out) {
  (void)hparams;
  *out = *in;
}

static gboolean activation_n_params(const nnlab_value *hparams,
                                    const layer_shape *in, size_t *n) {
  (void)hparams, (void)in;
  *n = 0;
  return TRUE;
}

static nnlab_status activation_forward(const layer_ctx *ctx, const float *in,
                                       float *out, size_t rows) {
  return ctx->plugin->activation.forward(
      in, out, rows, layer_shape_size(&ctx->out), ctx->hparams);
}

static nnlab_status activation_backward(const layer_ctx *ctx, const float *in,
                                        const float *out, const float *dout,
                                        float *din, float *grads, size_t rows) {
  (void)grads;
  return ctx->plugin->activation.backward(
      in, out, dout, din, rows, layer_shape_size(&ctx->out), ctx->hparams);
}

const layer_ops layer_activation_ops = {
    .output_shape = activation_output_shape,
    .n_params = activation_n_params,
    .forward = activation_forward,
    .backward = activation_backward,
};
