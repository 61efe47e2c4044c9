/* Build, train and use a network from C: XOR with a 2-4-1 tanh/sigmoid MLP.
 * Exits non-zero unless all four outputs are on the right side of 0.5. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

int main(void) {
  const float x[] = {0, 0, 0, 1, 1, 0, 1, 1};
  const int32_t y[] = {0, 1, 1, 0};
  GError *error = NULL;
  nnlab_registry *registry = nnlab_registry_new_default();
  nnlab_dataset *data =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 4, 2, 1, 2, &error);
  memcpy(data->features, x, sizeof x);
  memcpy(data->labels, y, sizeof y);
  const char *const layers[] = {"4:tanh", "1:sigmoid", NULL};
  nnlab_model *model = nnlab_model_new(registry, 2, layers, &error);
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 1);
  nnlab_model_init(model, NNLAB_INIT_XAVIER_UNIFORM, 0, &rng);
  nnlab_component loss, sgd;
  nnlab_component_resolve(registry, NNLAB_KIND_LOSS, "binary_cross_entropy",
                          &loss, NULL);
  nnlab_component_resolve(registry, NNLAB_KIND_OPTIMIZER,
                          "sgd(lr=0.5, momentum=0.9)", &sgd, NULL);
  nnlab_train_config config;
  nnlab_train_config_init(&config);
  config.epochs = 1000;
  config.batch_size = 0; /* the whole set: batch gradient descent */
  nnlab_trainer *trainer = nnlab_trainer_new(model, &loss, &sgd, &config, NULL);
  if (!nnlab_trainer_fit(trainer, data, NULL, &error)) {
    fprintf(stderr, "training failed: %s\n", error->message);
    return 1;
  }
  float out[4];
  int wrong = 0;
  nnlab_model_predict(model, x, 4, out, NULL);
  for (int i = 0; i < 4; i++) {
    printf("%g xor %g -> %.3f\n", x[2 * i], x[2 * i + 1], out[i]);
    wrong += (out[i] >= 0.5f) != (y[i] == 1);
  }
  nnlab_trainer_free(trainer);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&sgd);
  nnlab_model_free(model);
  nnlab_dataset_free(data);
  nnlab_registry_free(registry);
  return wrong ? 1 : 0;
}
