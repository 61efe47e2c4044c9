/* Learning-rate schedules against torch.optim.lr_scheduler: every case of
 * tests/reference/schedules.tsv (100 rates written by make_schedules.py
 * with torch) read through the config parser and evaluated by
 * schedule_lr, per epoch and per step; a trainer stepping a one-cycle
 * schedule per optimizer step; and errors for bad schedule settings. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "train/schedule.h"
#include "support/plugins.h"

#define STEPS 100
#define BASE_LR 0.1
#define TOLERANCE 1e-6

typedef struct reference_case {
  char *name, *settings; /* settings: "key = value; key = value" */
  double rates[STEPS];
} reference_case;

static GPtrArray *cases; /* reference_case */
static double losses[STEPS];

static void parse_values(const char *text, double *out) {
  g_auto(GStrv) words = g_strsplit(text, " ", -1);
  assert_int_equal(g_strv_length(words), STEPS);
  for (size_t i = 0; i < STEPS; i++) out[i] = g_ascii_strtod(words[i], NULL);
}

static void free_case(gpointer data) {
  reference_case *c = data;
  g_free(c->name);
  g_free(c->settings);
  g_free(c);
}

static int load_reference(void **state) {
  (void)state;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename(SOURCE_ROOT, "tests", "reference",
                                           "schedules.tsv", NULL);
  if (!g_file_get_contents(path, &text, NULL, NULL)) return -1;
  cases = g_ptr_array_new_with_free_func(free_case);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (size_t i = 0; lines[i]; i++) {
    if (!lines[i][0] || lines[i][0] == '#') continue;
    g_auto(GStrv) fields = g_strsplit(lines[i], "\t", 3);
    if (g_strv_length(fields) != 3) return -1;
    if (strcmp(fields[0], "losses") == 0) {
      parse_values(fields[2], losses);
      continue;
    }
    reference_case *c = g_new0(reference_case, 1);
    c->name = g_strdup(fields[0]);
    c->settings = g_strdup(fields[1]);
    parse_values(fields[2], c->rates);
    g_ptr_array_add(cases, c);
  }
  return cases->len >= 14 ? 0 : -1;
}

static int free_reference(void **state) {
  (void)state;
  g_ptr_array_unref(cases);
  return 0;
}

/* A run config with the case's [training] settings, in the given unit;
 * with respell, warmup_epochs is spelled warmup_steps for unit step. */
static nnlab_run_config *parse_config(const char *settings, const char *unit,
                                      gboolean respell, GError **error) {
  g_autoptr(GString) training = g_string_new(NULL);
  g_auto(GStrv) pairs = g_strsplit(settings, ";", -1);
  for (size_t i = 0; pairs[i]; i++) {
    char *pair = g_strstrip(pairs[i]);
    /* warmup_epochs is spelled warmup_steps when the unit is a step. */
    if (respell && strcmp(unit, "step") == 0 &&
        g_str_has_prefix(pair, "warmup_epochs"))
      g_string_append_printf(training, "warmup_steps%s\n",
                             pair + strlen("warmup_epochs"));
    else
      g_string_append_printf(training, "%s\n", pair);
  }
  g_autofree char *text = g_strdup_printf(
      "[data]\npath = %s/datasets/iris.h5\n"
      "[training]\nepochs = %d\nloss = cross_entropy\nschedule_unit = %s\n%s"
      "[optimizer]\nname = sgd\nlr = %g\n",
      SOURCE_ROOT, STEPS, unit, training->str, BASE_LR);
  return nnlab_run_config_parse(text, "/schedules.ini", NULL, test_registry(),
                                error);
}

/* nnlab's 100 rates for the case, fed the reference losses. */
static void nnlab_rates(const nnlab_schedule_config *schedule, double *out) {
  nnlab_schedule_state state;
  schedule_state_init(&state, BASE_LR);
  for (size_t t = 0; t < STEPS; t++) {
    out[t] = schedule_lr(schedule, &state, t, STEPS);
    schedule_observe(schedule, &state, losses[t]);
  }
}

static void check_case(const reference_case *c, const char *unit) {
  GError *error = NULL;
  nnlab_run_config *config = parse_config(c->settings, unit, TRUE, &error);
  if (!config) fail_msg("%s: %s", c->name, error->message);
  double rates[STEPS];
  nnlab_rates(&config->train.schedule, rates);
  for (size_t t = 0; t < STEPS; t++)
    if (!(fabs(rates[t] - c->rates[t]) <= TOLERANCE))
      fail_msg("%s per %s: t = %zu: nnlab %.17g, torch %.17g", c->name, unit, t,
               rates[t], c->rates[t]);
  nnlab_run_config_free(config);
}

static void test_every_schedule_matches_torch_per_epoch(void **state) {
  (void)state;
  for (guint i = 0; i < cases->len; i++)
    check_case(g_ptr_array_index(cases, i), "epoch");
}

/* The same rates when t counts optimizer steps (plateau watches epochs
 * only, and is refused per step). */
static void test_every_schedule_matches_torch_per_step(void **state) {
  (void)state;
  for (guint i = 0; i < cases->len; i++) {
    const reference_case *c = g_ptr_array_index(cases, i);
    if (strcmp(c->name, "plateau") != 0) check_case(c, "step");
  }
}

static const reference_case *find_case(const char *name) {
  for (guint i = 0; i < cases->len; i++) {
    const reference_case *c = g_ptr_array_index(cases, i);
    if (strcmp(c->name, name) == 0) return c;
  }
  fail_msg("no reference case %s", name);
  return NULL;
}

/* Iris, 150 rows in batches of 15, 10 epochs: 100 optimizer steps, the
 * one-cycle rate changing at each. Each epoch records the rate of its
 * first step, and the optimizer ends at the rate of the last. */
static void test_trainer_steps_the_schedule_per_batch(void **state) {
  (void)state;
  const reference_case *c = find_case("one_cycle");
  g_autofree char *text = g_strdup_printf(
      "[data]\npath = %s/datasets/iris.h5\n"
      "[model]\nhidden = 4\nseed = 1\n"
      "[training]\nepochs = 10\nbatch_size = 15\nloss = cross_entropy\n"
      "schedule = one_cycle\nschedule_unit = step\n"
      "[optimizer]\nname = sgd\nlr = %g\n",
      SOURCE_ROOT, BASE_LR);
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(
      text, "/one_cycle.ini", NULL, test_registry(), &error);
  if (!config) fail_msg("%s", error->message);
  nnlab_run *run = nnlab_run_prepare(config, &error);
  if (!run) fail_msg("%s", error->message);
  if (!nnlab_run_train(run, NULL, NULL, &error)) fail_msg("%s", error->message);
  size_t epochs = 0;
  const nnlab_epoch_record *history =
      nnlab_trainer_history(run->trainer, &epochs);
  assert_int_equal(epochs, 10);
  for (size_t e = 0; e < epochs; e++)
    assert_true(fabs(history[e].lr - c->rates[e * 10]) <= TOLERANCE);
  const nnlab_component *optimizer = nnlab_trainer_optimizer(run->trainer);
  int lr = nnlab_hparams_index(optimizer->info, "lr");
  assert_true(fabs(optimizer->hparams[lr].f - c->rates[STEPS - 1]) <=
              TOLERANCE);
  nnlab_trainer_state trainer_state;
  nnlab_trainer_get_state(run->trainer, &trainer_state);
  assert_int_equal(trainer_state.step, STEPS);
  nnlab_run_free(run);
  nnlab_run_config_free(config);
}

static void expect_error(const char *settings, const char *unit,
                         const char *part) {
  GError *error = NULL;
  nnlab_run_config *config = parse_config(settings, unit, FALSE, &error);
  if (config) fail_msg("'%s' was accepted", settings);
  if (!strstr(error->message, part))
    fail_msg("'%s' does not contain '%s'", error->message, part);
  g_error_free(error);
}

static void test_bad_schedule_settings_name_the_key(void **state) {
  (void)state;
  expect_error("schedule = multistep", "epoch", "milestones");
  expect_error("schedule = multistep; milestones = 30, 10", "epoch",
               "milestones: expected rising");
  expect_error("schedule = multistep; milestones = 10, x", "epoch",
               "milestones");
  expect_error("schedule = polynomial; power = 0", "epoch", "power");
  expect_error("schedule = one_cycle; pct_start = 1", "epoch", "pct_start");
  expect_error("schedule = one_cycle; anneal_strategy = cosine", "epoch",
               "anneal_strategy: expected cos or linear");
  expect_error("schedule = one_cycle; div_factor = 0", "epoch", "div_factor");
  expect_error("schedule = cosine_restarts; restart_period = 0", "epoch",
               "restart_period");
  expect_error("schedule = cosine_restarts; restart_mult = 0", "epoch",
               "restart_mult");
  expect_error("schedule = inverse_time; decay_rate = -1", "epoch",
               "decay_rate");
  expect_error("schedule = constant", "batch",
               "schedule_unit: expected epoch or step");
  expect_error("schedule = plateau", "step", "schedule_unit");
  expect_error("schedule = cosine; warmup_epochs = 3", "step",
               "warmup_epochs: with schedule_unit = step the warmup is "
               "warmup_steps");
  expect_error("schedule = cosine; warmup_steps = 3", "epoch", "warmup_steps");
  expect_error("schedule = sawtooth", "epoch", "one_cycle");
  expect_error("schedule = step; milestones = 10", "epoch",
               "milestones shapes only schedule = multistep, not step");
  expect_error("schedule = exponential; min_lr = 0.01", "epoch",
               "min_lr shapes only schedule = cosine, plateau, "
               "cosine_restarts, not exponential");
  expect_error("schedule = constant; gamma = 0.5", "epoch",
               "gamma shapes only schedule = step, exponential, multistep");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_schedule_matches_torch_per_epoch),
      cmocka_unit_test(test_every_schedule_matches_torch_per_step),
      cmocka_unit_test(test_trainer_steps_the_schedule_per_batch),
      cmocka_unit_test(test_bad_schedule_settings_name_the_key),
  };
  return cmocka_run_group_tests(tests, load_reference, free_reference);
}
