/* Out of memory at every buffer allocation along model building, dataset
 * loading, checkpoint loading and training: each failure is a clean error
 * (no crash; ASan and valgrind runs check for leaks too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include <nnlab/nnlab.h>

#include "support/plugins.h"

/* One operation: TRUE on success, FALSE with an error. */
typedef gboolean (*operation)(void *data, GError **error);

/* Fails the 1st, 2nd, ... allocation of op until it completes with no
 * injected failure left to hit; returns how many points were tried. */
static size_t fail_everywhere(const char *what, operation op, void *data) {
  for (guint64 k = 1;; k++) {
    GError *error = NULL;
    nnlab_debug_fail_allocation(k);
    gboolean ok = op(data, &error);
    guint64 made = nnlab_debug_allocations();
    nnlab_debug_fail_allocation(0);
    if (ok) {
      if (made >= k)
        fail_msg("%s: allocation %llu failed unnoticed", what,
                 (unsigned long long)k);
      return (size_t)(k - 1);
    }
    if (!error)
      fail_msg("%s: failure %llu without an error", what,
               (unsigned long long)k);
    if (!strstr(error->message, "cannot allocate"))
      fail_msg("%s: allocation %llu: unexpected error: %s", what,
               (unsigned long long)k, error->message);
    g_error_free(error);
  }
}

static gboolean build_model(void *data, GError **error) {
  (void)data;
  const char *const layers[] = {"32:relu", "16:tanh", "10:identity", NULL};
  nnlab_model *model = nnlab_model_new(test_registry(), 64, layers, error);
  if (!model) return FALSE;
  float x[3 * 64] = {0};
  const float *y = nnlab_model_forward(model, x, 3, error);
  nnlab_model_free(model);
  return y != NULL;
}

static gboolean load_dataset(void *data, GError **error) {
  (void)data;
  nnlab_dataset *d =
      nnlab_dataset_load(SOURCE_ROOT "/datasets/digits.h5", error);
  nnlab_dataset_free(d);
  return d != NULL;
}

static const char *const config_text =
    "[data]\npath = " SOURCE_ROOT
    "/datasets/iris.h5\nval_fraction = 0.2\n"
    "[model]\nhidden = 8\nseed = 1\n"
    "[training]\nepochs = 2\nbatch_size = 16\nloss = cross_entropy\n"
    "early_stopping_patience = 5\n"
    "[optimizer]\nname = adam\n";

static gboolean train_run(void *data, GError **error) {
  const nnlab_run_config *config = data;
  nnlab_run *run = nnlab_run_prepare(config, error);
  if (!run) return FALSE;
  gboolean ok = nnlab_run_train(run, NULL, NULL, error);
  nnlab_run_free(run);
  return ok;
}

static gboolean load_checkpoint(void *data, GError **error) {
  nnlab_model_file *f = nnlab_model_file_load(data, test_registry(), error);
  nnlab_model_file_free(f);
  return f != NULL;
}

static void test_out_of_memory_everywhere(void **state) {
  (void)state;
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(
      config_text, "/alloc.ini", NULL, test_registry(), &error);
  if (!config) fail_msg("%s", error->message);
  g_autofree char *dir = g_dir_make_tmp("nnlab-alloc-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "checkpoint.h5", NULL);
  nnlab_run *run = nnlab_run_prepare(config, &error);
  assert_non_null(run);
  assert_true(nnlab_run_train(run, NULL, NULL, &error));
  nnlab_model_file saved = nnlab_run_describe(run);
  assert_true(nnlab_model_file_save(&saved, path, &error));
  nnlab_run_free(run);

  size_t points = fail_everywhere("model building", build_model, NULL);
  points += fail_everywhere("dataset loading", load_dataset, NULL);
  points += fail_everywhere("checkpoint loading", load_checkpoint, path);
  points += fail_everywhere("training", train_run, config);
  /* Enough failure points to cover every buffer on these paths. */
  assert_true(points >= 30);
  print_message("allocation failure points tried: %zu\n", points);

  g_remove(path);
  g_rmdir(dir);
  nnlab_run_config_free(config);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_out_of_memory_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
