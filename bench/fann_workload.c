/* One benchmark workload trained with FANN (options in workload_args.h),
 * for comparison with nnlab's. It does not train the same way nnlab does:
 * FANN lacks mini-batches, Adam and ReLU, and stand-ins are used (below). */

/* FANN has no mini-batches and no Adam: it trains incrementally (one
 * weight update per sample, plain backpropagation with the given learning
 * rate and momentum), which is its fastest mode per sample. It has no ReLU
 * either (2.2): hidden "relu" layers use FANN_LINEAR_PIECE, the closest
 * cheap piecewise-linear function, and cross-entropy is trained as the
 * squared error on one-hot targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fann.h>

#include "workload_args.h"

static enum fann_activationfunc_enum activation(const char *name) {
  if (strcmp(name, "sigmoid") == 0) return FANN_SIGMOID;
  if (strcmp(name, "tanh") == 0) return FANN_SIGMOID_SYMMETRIC;
  if (strcmp(name, "relu") == 0) return FANN_LINEAR_PIECE;
  return FANN_LINEAR;
}

int main(int argc, char **argv) {
  workload_args args;
  if (!workload_args_parse(&args, argc, argv)) return 2;
  unsigned int layers[WORKLOAD_MAX_LAYERS + 1];
  layers[0] = (unsigned int)args.inputs;
  for (size_t i = 0; i < args.n_layers; i++)
    layers[i + 1] = (unsigned int)args.units[i];
  struct fann *ann =
      fann_create_standard_array((unsigned int)args.n_layers + 1, layers);
  if (!ann) return 1;
  fann_set_activation_function_hidden(ann, activation(args.activation));
  fann_set_activation_function_output(ann, activation(args.output));
  fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
  fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
  fann_set_learning_rate(ann, (float)args.lr);
  fann_set_learning_momentum(ann, (float)args.momentum);
  srand((unsigned int)args.seed);
  fann_randomize_weights(ann, -0.1f, 0.1f);

  size_t d = args.inputs, k = args.units[args.n_layers - 1];
  struct fann_train_data *data = fann_create_train(
      (unsigned int)args.samples, (unsigned int)d, (unsigned int)k);
  if (!data) return 1;
  int classify = strcmp(args.loss, "cross_entropy") == 0;
  int xor_data = strcmp(args.activation, "sigmoid") == 0;
  workload_rng rng = {args.seed};
  for (size_t i = 0; i < args.samples; i++) {
    fann_type *x = data->input[i], *y = data->output[i];
    for (size_t j = 0; j < d; j++)
      x[j] = xor_data ? (fann_type)(workload_uniform(&rng) < 0.5)
                      : (fann_type)workload_normal(&rng);
    if (classify) {
      size_t label = (size_t)(workload_uniform(&rng) * (double)k);
      for (size_t j = 0; j < k; j++) y[j] = j == label ? 1 : 0;
    } else {
      for (size_t j = 0; j < k; j++)
        y[j] = xor_data ? (fann_type)((x[0] != 0) != (x[1 % d] != 0))
                        : (fann_type)workload_uniform(&rng);
    }
  }

  fann_shuffle_train_data(data);
  fann_train_epoch(ann, data); /* warm-up */
  double start = workload_now(), cpu_start = workload_cpu_seconds();
  size_t done = 0;
  do {
    for (size_t e = 0; e < args.epochs; e++) {
      fann_shuffle_train_data(data);
      fann_train_epoch(ann, data);
    }
    done += args.epochs;
  } while (args.epochs && workload_now() - start < args.seconds);
  workload_report(&args, done, workload_now() - start,
                  workload_cpu_seconds() - cpu_start);
  fann_destroy_train(data);
  fann_destroy(ann);
  return 0;
}
