/* One benchmark workload trained with nnlab (options in workload_args.h):
 * random data, one warm-up epoch, then timed epochs and one JSON line. It
 * measures speed only: it reports no accuracy and saves no model. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "workload_args.h"

static nnlab_dataset *random_dataset(const workload_args *args,
                                     gboolean classify, gboolean xor_data,
                                     GError **error) {
  size_t n = args->samples, d = args->inputs;
  size_t k = args->units[args->n_layers - 1];
  nnlab_dataset *data =
      classify ? nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, n, d, 1, k, error)
               : nnlab_dataset_new(NNLAB_TASK_REGRESSION, n, d, k, 0, error);
  if (!data) return NULL;
  workload_rng rng = {args->seed};
  for (size_t i = 0; i < n; i++) {
    float *x = data->features + i * d;
    for (size_t j = 0; j < d; j++)
      x[j] = xor_data ? (float)(workload_uniform(&rng) < 0.5)
                      : (float)workload_normal(&rng);
    if (classify) {
      data->labels[i] = (int32_t)(workload_uniform(&rng) * (double)k);
    } else {
      for (size_t j = 0; j < k; j++)
        data->targets[i * k + j] = xor_data
                                       ? (float)((x[0] != 0) != (x[1 % d] != 0))
                                       : (float)workload_uniform(&rng);
    }
  }
  return data;
}

/* Trains and reports; FALSE with error set on failure. */
static gboolean run(const workload_args *args, nnlab_registry *registry,
                    GError **error) {
  char **specs = g_new0(char *, args->n_layers + 1);
  for (size_t i = 0; i < args->n_layers; i++)
    specs[i] = g_strdup_printf(
        "%zu:%s", args->units[i],
        i + 1 < args->n_layers ? args->activation : args->output);
  nnlab_model *model = nnlab_model_new(registry, args->inputs,
                                       (const char *const *)specs, error);
  g_strfreev(specs);
  if (!model) return FALSE;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, args->seed);
  nnlab_model_init(model, NNLAB_INIT_HE_UNIFORM, 0, &rng);

  gboolean classify = strcmp(args->loss, "cross_entropy") == 0;
  gboolean xor_data = strcmp(args->activation, "sigmoid") == 0;
  char *optimizer_spec = strcmp(args->optimizer, "adam") == 0
                             ? g_strdup_printf("adam(lr=%g)", args->lr)
                             : g_strdup_printf("sgd(lr=%g, momentum=%g)",
                                               args->lr, args->momentum);
  nnlab_component loss = {0}, optimizer = {0};
  nnlab_trainer *trainer = NULL;
  nnlab_dataset *data = random_dataset(args, classify, xor_data, error);
  gboolean ok = data &&
                nnlab_component_resolve(registry, NNLAB_KIND_LOSS, args->loss,
                                        &loss, error) &&
                nnlab_component_resolve(registry, NNLAB_KIND_OPTIMIZER,
                                        optimizer_spec, &optimizer, error);
  if (ok) {
    nnlab_train_config config;
    nnlab_train_config_init(&config);
    config.epochs = 1; /* warm-up: sizes every workspace */
    config.batch_size = args->batch;
    config.seed = args->seed;
    trainer = nnlab_trainer_new(model, &loss, &optimizer, &config, error);
    ok = trainer && nnlab_trainer_fit(trainer, data, NULL, error);
  }
  if (ok) {
    double start = workload_now(), cpu_start = workload_cpu_seconds();
    size_t done = 0;
    do {
      done += args->epochs;
      nnlab_trainer_set_epochs(trainer, 1 + done);
      ok = nnlab_trainer_fit(trainer, data, NULL, error);
    } while (ok && args->epochs && workload_now() - start < args->seconds);
    if (ok)
      workload_report(args, done, workload_now() - start,
                      workload_cpu_seconds() - cpu_start);
  }
  nnlab_trainer_free(trainer);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&optimizer);
  g_free(optimizer_spec);
  nnlab_dataset_free(data);
  nnlab_model_free(model);
  return ok;
}

int main(int argc, char **argv) {
  workload_args args;
  if (!workload_args_parse(&args, argc, argv)) return 2;
  /* Read by the engine when it first splits work. */
  char threads[32];
  snprintf(threads, sizeof threads, "%zu", args.threads);
  g_setenv("NNLAB_THREADS", threads, TRUE);
  GError *error = NULL;
  nnlab_registry *registry = nnlab_registry_new_default();
  gboolean ok = run(&args, registry, &error);
  if (!ok) fprintf(stderr, "nnlab_workload: %s\n", error->message);
  g_clear_error(&error);
  nnlab_registry_free(registry);
  return ok ? 0 : 1;
}
