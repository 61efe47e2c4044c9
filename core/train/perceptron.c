/* The perceptron learning rule (Rosenblatt) on a one-layer, one-output
 * model with a 0/1 activation: weights move by lr * error * x on each
 * mistake until an epoch has none. It uses the model's own forward pass
 * and no gradient, loss or optimizer plugin. */
#include <string.h>

#include <nnlab/train.h>

gboolean nnlab_perceptron_fit(nnlab_model *model, const nnlab_dataset *train,
                              size_t max_epochs, double lr,
                              size_t *converged_epoch, GError **error) {
  *converged_epoch = 0;
  const nnlab_component *activation = nnlab_model_layer_activation(model, 0);
  nnlab_output_kind output = activation->info->activation_properties.output;
  if (nnlab_model_n_layers(model) != 1 || nnlab_model_n_outputs(model) != 1 ||
      (output != NNLAB_OUTPUT_DECISIONS && output != NNLAB_OUTPUT_UNDECLARED)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the perceptron rule needs a model of one layer with one "
                "output and an activation that outputs 0/1 decisions (no "
                "hidden layers, output_activation = step)");
    return FALSE;
  }
  if (train->task != NNLAB_TASK_CLASSIFICATION || train->n_classes > 2 ||
      train->n_features != nnlab_model_n_inputs(model)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the perceptron rule needs two-class data with %zu features",
                nnlab_model_n_inputs(model));
    return FALSE;
  }
  size_t d = train->n_features;
  float *w = nnlab_model_layer_weights(model, 0);
  float *bias = nnlab_model_layer_bias(model, 0);
  g_autofree float *x = g_new(float, d);
  for (size_t epoch = 1; epoch <= max_epochs; epoch++) {
    size_t mistakes = 0;
    for (size_t r = 0; r < train->n_rows; r++) {
      nnlab_model_standardize(model, train->features + r * d, 1, x);
      /* The model's own forward pass, so that convergence means
       * nnlab_model_predict classifies every row right. */
      const float *predicted = nnlab_model_forward(model, x, 1, error);
      if (!predicted) return FALSE;
      double error_signal = (double)train->labels[r] - (double)predicted[0];
      if (error_signal == 0) continue;
      mistakes++;
      for (size_t j = 0; j < d; j++) w[j] += (float)(lr * error_signal * x[j]);
      bias[0] += (float)(lr * error_signal);
    }
    if (mistakes == 0) {
      *converged_epoch = epoch;
      return TRUE;
    }
  }
  return TRUE;
}
