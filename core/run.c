#include <nnlab/hparams.h>
#include <nnlab/run.h>

static nnlab_dataset *select_part(const nnlab_dataset *data, const size_t *rows,
                                  size_t n, GError **error) {
  return n ? nnlab_dataset_select(data, rows, n, error) : NULL;
}

nnlab_run *nnlab_run_prepare(const nnlab_run_config *config, GError **error) {
  nnlab_run *run = g_new0(nnlab_run, 1);
  run->config = config;
  run->data = nnlab_dataset_load(config->data_path, error);
  if (!run->data) goto fail;
  run->split_config = config->split;
  run->split_config.stratify =
      config->stratify < 0 ? run->data->task == NNLAB_TASK_CLASSIFICATION
                           : config->stratify;
  if (!nnlab_split_make(run->data, &run->split_config, &run->split, error))
    goto fail;
  GError *local = NULL;
  if (!(run->train = select_part(run->data, run->split.train,
                                 run->split.n_train, &local)) ||
      (run->split.n_val &&
       !(run->val = select_part(run->data, run->split.val, run->split.n_val,
                                &local))) ||
      (run->split.n_test &&
       !(run->test = select_part(run->data, run->split.test, run->split.n_test,
                                 &local)))) {
    g_propagate_error(error, local);
    goto fail;
  }
  size_t d = run->data->n_features;
  size_t outputs = nnlab_run_config_outputs_for(config, run->data);
  run->model = nnlab_run_config_build_model(config, d, outputs, error);
  if (!run->model) goto fail;
  if (config->standardize) {
    g_autofree float *mean = g_new(float, d), *std = g_new(float, d);
    nnlab_standardization_fit(run->data, run->split.train, run->split.n_train,
                              mean, std);
    if (!nnlab_model_set_standardization(run->model, mean, std, error))
      goto fail;
  }
  run->trainer = nnlab_trainer_new(run->model, &config->loss,
                                   &config->optimizer, &config->train, error);
  if (!run->trainer) goto fail;
  return run;
fail:
  nnlab_run_free(run);
  return NULL;
}

gboolean nnlab_run_train(nnlab_run *run, nnlab_progress_fn progress,
                         void *progress_data, GError **error) {
  const nnlab_run_config *config = run->config;
  if (config->perceptron_rule) {
    double lr = config->optimizer
                    .hparams[nnlab_hparams_index(config->optimizer.info, "lr")]
                    .f;
    return nnlab_perceptron_fit(run->model, run->train, config->train.epochs,
                                lr, &run->perceptron_converged_epoch, error);
  }
  nnlab_trainer_set_progress(run->trainer, progress, progress_data);
  return nnlab_trainer_fit(run->trainer, run->train, run->val, error);
}

nnlab_model_file nnlab_run_describe(const nnlab_run *run) {
  nnlab_model_file f = {0};
  f.model = run->model;
  f.loss = run->config->loss;
  f.task = run->data->task;
  f.n_classes = run->data->n_classes;
  f.class_names = run->data->class_names;
  f.data_path = run->config->data_path;
  f.data_rows = run->data->n_rows;
  f.split_config = run->split_config;
  f.split = run->split;
  f.history =
      (nnlab_epoch_record *)nnlab_trainer_history(run->trainer, &f.n_epochs);
  f.config_text = run->config->text;
  return f;
}

void nnlab_run_free(nnlab_run *run) {
  if (!run) return;
  nnlab_trainer_free(run->trainer);
  nnlab_model_free(run->model);
  nnlab_dataset_free(run->train);
  nnlab_dataset_free(run->val);
  nnlab_dataset_free(run->test);
  nnlab_split_clear(&run->split);
  nnlab_dataset_free(run->data);
  g_free(run);
}
