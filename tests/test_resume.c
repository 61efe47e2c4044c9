/* Exact resume: a run of 10 epochs and a run of 5 epochs saved, loaded and
 * resumed to 10 end bit-identical (weights, optimizer state, trainer state,
 * history apart from timings), for every built-in optimizer and for batch
 * sizes 1, 32 and the whole training set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include <nnlab/nnlab.h>

#include "support/plugins.h"

static const char *const optimizers[] = {
    "sgd",   "sgd_nesterov", "adagrad",  "rmsprop", "adam",
    "adamw", "nadam",        "adadelta", "adamax",  NULL};

static char *work_dir;

static int make_work_dir(void **state) {
  (void)state;
  work_dir = g_dir_make_tmp("nnlab-resume-XXXXXX", NULL);
  return 0;
}

static int remove_work_dir(void **state) {
  (void)state;
  g_autoptr(GDir) dir = g_dir_open(work_dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    g_autofree char *path = g_build_filename(work_dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(work_dir);
  g_free(work_dir);
  return 0;
}

/* A plateau schedule keeps state across epochs. */
static const char plateau[] =
    "schedule = plateau\nplateau_patience = 1\nplateau_factor = 0.5\n";

/* Iris with a validation split, a schedule and clipping, so every piece
 * of trainer state matters. */
static char *config_text(const char *optimizer, const char *batch,
                         gboolean early_stopping, const char *schedule) {
  const char *name = strcmp(optimizer, "sgd_nesterov") == 0 ? "sgd" : optimizer;
  const char *extra = strcmp(optimizer, "sgd_nesterov") == 0
                          ? "momentum = 0.9\nnesterov = true\n"
                      : strcmp(optimizer, "sgd") == 0 ? "momentum = 0.5\n"
                                                      : "";
  return g_strdup_printf(
      "[data]\npath = %s/datasets/iris.h5\nval_fraction = 0.2\n"
      "[model]\nhidden = 6\nactivation = tanh\nseed = 9\n"
      "[training]\nepochs = 10\nbatch_size = %s\nloss = cross_entropy\n"
      "%sclip_norm = 5\nearly_stopping_patience = %d\n"
      "[optimizer]\nname = %s\nlr = %s\n%s",
      SOURCE_ROOT, batch, schedule, early_stopping ? 3 : 0, name,
      /* Large steps make the validation loss rise within 5 epochs, so the
       * best weights differ from the last ones. */
      early_stopping ? "0.5" : "0.01", extra);
}

static nnlab_run *start(const nnlab_run_config *config) {
  GError *error = NULL;
  nnlab_run *run = nnlab_run_prepare(config, &error);
  if (!run) fail_msg("%s", error->message);
  return run;
}

static void train(nnlab_run *run) {
  GError *error = NULL;
  if (!nnlab_run_train(run, NULL, NULL, &error)) fail_msg("%s", error->message);
}

static void assert_same_floats(const float *a, const float *b, size_t n,
                               const char *what, const char *label) {
  if (memcmp(a, b, n * sizeof(float)) != 0)
    fail_msg("%s: %s differs after resuming", label, what);
}

static void compare_runs(nnlab_run *full, nnlab_run *resumed,
                         const char *label) {
  size_t n = nnlab_model_n_params(full->model);
  assert_int_equal(n, nnlab_model_n_params(resumed->model));
  assert_same_floats(nnlab_model_params(full->model),
                     nnlab_model_params(resumed->model), n, "weights", label);
  for (size_t i = 0; i < nnlab_trainer_n_slots(full->trainer); i++)
    assert_same_floats(nnlab_trainer_slot(full->trainer, i),
                       nnlab_trainer_slot(resumed->trainer, i), n,
                       "an optimizer slot", label);
  nnlab_trainer_state a, b;
  nnlab_trainer_get_state(full->trainer, &a);
  nnlab_trainer_get_state(resumed->trainer, &b);
  assert_int_equal(a.step, b.step);
  assert_int_equal(a.epochs_done, b.epochs_done);
  assert_memory_equal(&a.shuffle_rng, &b.shuffle_rng, sizeof a.shuffle_rng);
  assert_memory_equal(&a.schedule, &b.schedule, sizeof a.schedule);
  assert_int_equal(a.stopped_early, b.stopped_early);
  assert_int_equal(a.stop_rule, b.stop_rule);
  assert_memory_equal(&a.stop_value, &b.stop_value, sizeof a.stop_value);
  const nnlab_component *oa = nnlab_trainer_optimizer(full->trainer);
  const nnlab_component *ob = nnlab_trainer_optimizer(resumed->trainer);
  int lr = nnlab_hparams_index(oa->info, "lr");
  assert_memory_equal(&oa->hparams[lr].f, &ob->hparams[lr].f, sizeof(double));
  size_t epochs_a, epochs_b;
  const nnlab_epoch_record *ha =
      nnlab_trainer_history(full->trainer, &epochs_a);
  const nnlab_epoch_record *hb =
      nnlab_trainer_history(resumed->trainer, &epochs_b);
  assert_int_equal(epochs_a, epochs_b);
  for (size_t e = 0; e < epochs_a; e++) {
    nnlab_epoch_record x = ha[e], y = hb[e];
    x.seconds = y.seconds = 0; /* timings aside */
    if (memcmp(&x, &y, sizeof x) != 0)
      fail_msg("%s: history of epoch %zu differs", label, e + 1);
  }
}

/* An epoch hook that saves the run after epoch 5 and stops it there, as
 * a checkpoint followed by a kill would. */
static gboolean save_and_interrupt(nnlab_trainer *trainer,
                                   const nnlab_epoch_record *record,
                                   void *user_data, GError **error) {
  (void)trainer;
  nnlab_run *run = user_data;
  if (record->epoch < 5) return TRUE;
  g_autofree char *path = g_build_filename(work_dir, "half.h5", NULL);
  nnlab_model_file saved = nnlab_run_describe(run);
  if (!nnlab_model_file_save(&saved, path, error)) return FALSE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "interrupted");
  return FALSE;
}

/* The first half of a 10-epoch run, saved to work_dir/half.h5: a run of
 * 5 epochs, or with interrupt a run of 10 stopped after epoch 5 (for
 * schedules that depend on the run's length). */
static void train_half(const nnlab_run_config *config, gboolean interrupt) {
  nnlab_run *half = start(config);
  GError *error = NULL;
  if (interrupt) {
    nnlab_trainer_set_epoch_hook(half->trainer, save_and_interrupt, half);
    assert_false(nnlab_run_train(half, NULL, NULL, &error));
    assert_string_equal(error->message, "interrupted");
    g_error_free(error);
  } else {
    nnlab_trainer_set_epochs(half->trainer, 5);
    train(half);
    g_autofree char *path = g_build_filename(work_dir, "half.h5", NULL);
    nnlab_model_file saved = nnlab_run_describe(half);
    if (!nnlab_model_file_save(&saved, path, &error))
      fail_msg("%s", error->message);
  }
  nnlab_run_free(half);
}

/* 10 epochs straight, against 5, save, load, resume to 10. Returns the
 * rule that stopped the runs, if any. */
static nnlab_stop_rule check_resume_with(const char *optimizer,
                                         const char *batch,
                                         gboolean early_stopping,
                                         const char *schedule,
                                         gboolean interrupt) {
  g_autofree char *label =
      g_strdup_printf("%s, batch %s%s, %s", optimizer, batch,
                      early_stopping ? ", early stop" : "", schedule);
  g_autofree char *text =
      config_text(optimizer, batch, early_stopping, schedule);
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(text, "/resume.ini", NULL,
                                                    test_registry(), &error);
  if (!config) fail_msg("%s", error->message);
  nnlab_run *full = start(config);
  train(full);

  train_half(config, interrupt);
  g_autofree char *path = g_build_filename(work_dir, "half.h5", NULL);

  nnlab_model_file *loaded =
      nnlab_model_file_load(path, test_registry(), &error);
  if (!loaded) fail_msg("%s", error->message);
  nnlab_run *resumed = nnlab_run_resume(loaded, NULL, test_registry(), &error);
  if (!resumed) fail_msg("%s: %s", label, error->message);
  nnlab_model_file_free(loaded);
  nnlab_trainer_set_epochs(resumed->trainer, 10);
  train(resumed);
  compare_runs(full, resumed, label);
  nnlab_stop_rule rule = nnlab_trainer_stop_rule(full->trainer);
  nnlab_run_free(resumed);
  nnlab_run_free(full);
  nnlab_run_config_free(config);
  return rule;
}

static void check_resume(const char *optimizer, const char *batch,
                         gboolean early_stopping) {
  (void)check_resume_with(optimizer, batch, early_stopping, plateau, FALSE);
}

static void test_every_optimizer_batch_1(void **state) {
  (void)state;
  for (size_t i = 0; optimizers[i]; i++)
    check_resume(optimizers[i], "1", FALSE);
}

static void test_every_optimizer_batch_32(void **state) {
  (void)state;
  for (size_t i = 0; optimizers[i]; i++)
    check_resume(optimizers[i], "32", FALSE);
}

static void test_every_optimizer_full_batch(void **state) {
  (void)state;
  for (size_t i = 0; optimizers[i]; i++)
    check_resume(optimizers[i], "full", FALSE);
}

/* Early stopping puts the best weights in the saved model; training must
 * continue from the weights it had reached. */
static void test_early_stopping_state(void **state) {
  (void)state;
  check_resume("adam", "8", TRUE);
  check_resume("sgd", "full", TRUE);
}

/* Schedules stepped per optimizer step resume mid-run where they were:
 * the rate depends on the step counter and the run's total steps, so the
 * first half is a 10-epoch run interrupted after epoch 5. */
static void test_step_unit_schedules(void **state) {
  (void)state;
  static const char *const schedules[] = {
      "schedule = one_cycle\nschedule_unit = step\n",
      ("schedule = cosine_restarts\nschedule_unit = step\n"
       "restart_period = 7\nrestart_mult = 2\n"),
      "schedule = cosine\nschedule_unit = step\nwarmup_steps = 50\n",
  };
  static const char *const batches[] = {"8", "16", "1"};
  for (size_t i = 0; i < G_N_ELEMENTS(schedules); i++)
    assert_int_equal(check_resume_with(i ? "sgd" : "adam", batches[i], FALSE,
                                       schedules[i], TRUE),
                     NNLAB_STOP_NONE);
}

/* A stop rule that fired stays fired: the resumed run does no more. */
static void test_stop_rule_state(void **state) {
  (void)state;
  assert_int_equal(
      check_resume_with("adam", "8", FALSE, "stop_loss = 0.3\n", FALSE),
      NNLAB_STOP_LOSS);
}

static void test_resume_refuses_a_contradicting_config(void **state) {
  (void)state;
  g_autofree char *text = config_text("adam", "32", FALSE, plateau);
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(text, "/resume.ini", NULL,
                                                    test_registry(), &error);
  nnlab_run *run = start(config);
  nnlab_trainer_set_epochs(run->trainer, 2);
  train(run);
  g_autofree char *path = g_build_filename(work_dir, "two.h5", NULL);
  nnlab_model_file saved = nnlab_run_describe(run);
  assert_true(nnlab_model_file_save(&saved, path, &error));
  nnlab_run_free(run);
  nnlab_run_config_free(config);

  const char *const wider[] = {"model.hidden=7", NULL};
  const char *const other_loss[] = {"training.loss=bce_with_logits", NULL};
  const char *const other_data[] = {
      "data.path=" SOURCE_ROOT "/datasets/wine.h5", NULL};
  const struct {
    const char *const *overrides;
    const char *message;
  } cases[] = {
      {wider, "hidden layer 1 has 7 units, the checkpoint 6"},
      {other_loss, "loss is bce_with_logits, the checkpoint's cross_entropy"},
      {other_data, "wine.h5 has 13 features; the checkpoint's model takes 4"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    nnlab_run_config *changed = nnlab_run_config_parse(
        text, "/resume.ini", cases[i].overrides, test_registry(), &error);
    if (!changed) fail_msg("%s", error->message);
    nnlab_model_file *loaded =
        nnlab_model_file_load(path, test_registry(), &error);
    assert_non_null(loaded);
    assert_null(nnlab_run_resume(loaded, changed, test_registry(), &error));
    if (!strstr(error->message, cases[i].message))
      fail_msg("'%s' does not contain '%s'", error->message, cases[i].message);
    g_clear_error(&error);
    nnlab_model_file_free(loaded);
    nnlab_run_config_free(changed);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_optimizer_batch_1),
      cmocka_unit_test(test_every_optimizer_batch_32),
      cmocka_unit_test(test_every_optimizer_full_batch),
      cmocka_unit_test(test_early_stopping_state),
      cmocka_unit_test(test_step_unit_schedules),
      cmocka_unit_test(test_stop_rule_state),
      cmocka_unit_test(test_resume_refuses_a_contradicting_config),
  };
  return cmocka_run_group_tests(tests, make_work_dir, remove_work_dir);
}
