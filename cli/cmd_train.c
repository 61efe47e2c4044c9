/* nnlab train: train a network from an INI config (or resume a checkpoint)
 * and save the model. It owns the output directory (lock, earlier runs,
 * checkpoints, messages); the training itself is nnlab_run_train's, and
 * this file adds only hooks for progress and checkpoints. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "checkpointer.h"
#include "commands.h"
#include "earlier_run.h"
#include "error_output.h"
#include "json_output.h"
#include "metrics_output.h"
#include "model_loading.h"
#include "option_parsing.h"
#include "progress.h"
#include "registry_loading.h"
#include "run_lock.h"

typedef struct train_options {
  char **overrides;
  char *out_dir;
  char *resume;
  gint epochs;
  gint checkpoint_every;
  gint keep;
  gint log_every;
  gboolean strict_versions;
  gboolean force;
  gboolean quiet;
  gboolean verbose;
  gboolean json;
} train_options;

/* Prints what the perceptron rule found. */
static void report_perceptron(const nnlab_run *run) {
  size_t epochs = run->config->train.epochs, rows = run->train->n_rows;
  if (run->perceptron_converged_epoch)
    printf(
        "perceptron converged at epoch %zu: all %zu training rows are "
        "classified correctly\n",
        run->perceptron_converged_epoch, rows);
  else
    printf(
        "perceptron did not converge in %zu epochs: no epoch classified "
        "all %zu rows correctly. The classes are not linearly separable, "
        "and a single perceptron can only draw one straight line (XOR is "
        "the classic case); add a hidden layer.\n",
        epochs, rows);
}

/* The message of the rule that stopped training, or NULL. */
static char *stop_message(const nnlab_run *run) {
  nnlab_trainer_state s;
  nnlab_trainer_get_state(run->trainer, &s);
  const nnlab_train_config *c = &run->config->train;
  switch (s.stop_rule) {
    case NNLAB_STOP_EARLY_STOPPING:
      return g_strdup_printf(
          "early stopping at epoch %zu (step %" G_GUINT64_FORMAT
          "): val_loss has not improved for %zu epochs",
          s.epochs_done, s.step, c->early_stopping_patience);
    case NNLAB_STOP_LOSS:
      return g_strdup_printf("stopped at epoch %zu (step %" G_GUINT64_FORMAT
                             "): the training loss %.6g fell below "
                             "stop_loss = %g",
                             s.epochs_done, s.step, s.stop_value, c->stop_loss);
    case NNLAB_STOP_GRAD_NORM:
      return g_strdup_printf(
          "stopped at epoch %zu (step %" G_GUINT64_FORMAT
          "): the mean gradient norm %.6g fell below stop_grad_norm = %g",
          s.epochs_done, s.step, s.stop_value, c->stop_grad_norm);
    case NNLAB_STOP_NONE:
      break;
  }
  return NULL;
}

/* Whether early stopping put an earlier epoch's weights in the model. */
static gboolean restored_best(const nnlab_run *run) {
  nnlab_trainer_state s;
  nnlab_trainer_get_state(run->trainer, &s);
  return run->config->train.early_stopping_patience && s.best_epoch &&
         s.best_epoch < s.epochs_done;
}

/* One line: which rule stopped training, and which epoch's weights the
 * model holds when that is not the last epoch's. */
static void report_stop(const nnlab_run *run) {
  g_autofree char *message = stop_message(run);
  nnlab_trainer_state s;
  nnlab_trainer_get_state(run->trainer, &s);
  if (!restored_best(run)) {
    if (message) printf("%s\n", message);
    return;
  }
  printf("%s%srestored the weights of epoch %zu, the best val_loss (%.6g)\n",
         message ? message : "", message ? "; " : "", s.best_epoch,
         s.best_val_loss);
}

static void add_stop_json(JsonBuilder *b, const nnlab_run *run) {
  nnlab_trainer_state s;
  nnlab_trainer_get_state(run->trainer, &s);
  json_builder_set_member_name(b, "stopped");
  if (s.stop_rule == NNLAB_STOP_NONE) {
    json_builder_add_null_value(b);
  } else {
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "rule");
    json_builder_add_string_value(b, nnlab_stop_rule_name(s.stop_rule));
    json_builder_set_member_name(b, "epoch");
    json_builder_add_int_value(b, (gint64)s.epochs_done);
    json_builder_set_member_name(b, "step");
    json_builder_add_int_value(b, (gint64)s.step);
    json_builder_set_member_name(b, "value");
    json_builder_add_double_value(b, s.stop_value);
    json_builder_end_object(b);
  }
  json_builder_set_member_name(b, "weights_epoch");
  json_builder_add_int_value(
      b, (gint64)(restored_best(run) ? s.best_epoch : s.epochs_done));
}

/* The split to report at the end: test if there is one, else validation,
 * else training. */
static const nnlab_dataset *final_part(const nnlab_run *run,
                                       const char **name) {
  if (run->test) return *name = "test", run->test;
  if (run->val) return *name = "val", run->val;
  return *name = "train", run->train;
}

static int finish(nnlab_run *run, const char *model_path,
                  const train_options *o, GError *train_error) {
  const char *part_name = NULL;
  const nnlab_dataset *part = final_part(run, &part_name);
  nnlab_metrics metrics;
  g_autoptr(GError) error = NULL;
  if (!nnlab_evaluate(run->model, &run->config->loss, part, &metrics, &error))
    return report_error(error);
  if (o->json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "model");
    json_builder_add_string_value(b, model_path);
    json_builder_set_member_name(b, "split");
    json_builder_add_string_value(b, part_name);
    json_builder_set_member_name(b, "rows");
    json_builder_add_int_value(b, (gint64)part->n_rows);
    add_metrics_json(b, "metrics", &metrics, part->task);
    if (run->config->perceptron_rule) {
      json_builder_set_member_name(b, "perceptron_converged_epoch");
      json_builder_add_int_value(b, (gint64)run->perceptron_converged_epoch);
    }
    if (!run->config->perceptron_rule) add_stop_json(b, run);
    json_builder_set_member_name(b, "diverged");
    json_builder_add_boolean_value(b, train_error != NULL);
    json_builder_end_object(b);
    print_json(b);
  } else {
    if (run->config->perceptron_rule)
      report_perceptron(run);
    else
      report_stop(run);
    g_autofree char *text = format_metrics(&metrics, part->task, "");
    printf("%s (%zu rows): %s\nmodel saved to %s\n", part_name, part->n_rows,
           text, model_path);
  }
  if (train_error) return report_error(train_error);
  return 0;
}

static char *default_out_dir(const char *config_path) {
  g_autofree char *base = g_path_get_basename(config_path);
  char *dot = strrchr(base, '.');
  if (dot) *dot = '\0';
  return g_build_filename("runs", base, NULL);
}

/* A resumed run writes where the checkpoint lives: the run directory of
 * DIR/checkpoints/epoch-N.h5, or the checkpoint's own directory. */
static char *resume_out_dir(const char *checkpoint_path) {
  g_autofree char *dir = g_path_get_dirname(checkpoint_path);
  g_autofree char *base = g_path_get_basename(dir);
  return strcmp(base, "checkpoints") == 0 ? g_path_get_dirname(dir)
                                          : g_strdup(dir);
}

/* Builds the run: from a config, or from a checkpoint to resume. */
static nnlab_run *start_run(const train_options *o, const char *config_path,
                            const nnlab_registry *registry,
                            nnlab_run_config **config, GError **error) {
  if (config_path) {
    *config = nnlab_run_config_load(
        config_path, (const char *const *)o->overrides, registry, error);
    if (!*config) return NULL;
    if (o->epochs >= 0) (*config)->train.epochs = (size_t)o->epochs;
  }
  if (!o->resume) return nnlab_run_prepare(*config, error);
  nnlab_model_file *checkpoint =
      load_model_file(o->resume, registry, o->strict_versions, error);
  if (!checkpoint) return NULL;
  nnlab_run *run = nnlab_run_resume(checkpoint, *config, registry, error);
  if (!run) g_prefix_error(error, "%s: ", o->resume);
  nnlab_model_file_free(checkpoint);
  if (run && o->epochs >= 0) nnlab_trainer_set_epochs(run->trainer, o->epochs);
  return run;
}

/* The output directory must be writable, and model.h5 in it a new or
 * regular file, before any time is spent. */
static gboolean prepare_out_dir(const char *out_dir, const char *model_path,
                                GError **error) {
  return nnlab_make_output_directory(out_dir, error) &&
         nnlab_check_output_file(model_path, error);
}

int cmd_train(int argc, char **argv) {
  train_options o = {.epochs = -1, .keep = 3};
  GOptionEntry entries[] = {
      {"set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.overrides,
       "Override a config value (repeatable)", "SECTION.KEY=VALUE"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out_dir,
       "Directory for model.h5 and checkpoints/ (default: runs/CONFIG_NAME, "
       "or the resumed run's)",
       "DIR"},
      {"epochs", 'e', 0, G_OPTION_ARG_INT, &o.epochs,
       "Train until this many epochs in all (overrides [training] epochs)",
       "N"},
      {"resume", 'r', 0, G_OPTION_ARG_FILENAME, &o.resume,
       "Continue the run saved in this checkpoint or model file exactly",
       "CHECKPOINT"},
      {"checkpoint-every", 'c', 0, G_OPTION_ARG_INT, &o.checkpoint_every,
       "Write DIR/checkpoints/epoch-N.h5 every N epochs", "N"},
      {"keep-checkpoints", 'k', 0, G_OPTION_ARG_INT, &o.keep,
       "Keep the last K epoch checkpoints (default 3; best.h5 and model.h5 "
       "are kept too)",
       "K"},
      {"force", 'f', 0, G_OPTION_ARG_NONE, &o.force,
       "Replace the run that DIR already holds (model.h5, checkpoints)", NULL},
      {"strict-versions", 0, 0, G_OPTION_ARG_NONE, &o.strict_versions,
       "Refuse a checkpoint whose plugins are installed in another version",
       NULL},
      {"log-every", 0, 0, G_OPTION_ARG_INT, &o.log_every,
       "Print every N-th epoch (default: about 25 lines per run)", "N"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress output",
       NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose,
       "Show HDF5's own error messages too", NULL},
      {"json", 0, 0, G_OPTION_ARG_NONE, &o.json,
       "Print the final metrics as JSON", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "CONFIG.ini | --resume CHECKPOINT [CONFIG.ini] - train a network");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "Reads the config (sections [data], [model], [training], [optimizer];\n"
      "see docs/config.md), trains, prints progress on stderr, and saves the\n"
      "model with its split, history and full training state to\n"
      "DIR/model.h5. The final metrics are on the test split when the config\n"
      "holds one out.\n\n"
      "--resume continues a checkpoint bit for bit: a run of 10 epochs and a\n"
      "run of 5 resumed to 10 end with the same weights. Given a CONFIG too,\n"
      "it must agree with the checkpoint; its training settings apply.\n"
      "With a schedule that depends on the run's length (cosine, one_cycle,\n"
      "polynomial) that holds for a run of 10 stopped after 5, as a\n"
      "checkpoint of --checkpoint-every is.\n\n"
      "A DIR that already holds a run (model.h5 or checkpoints) is refused:\n"
      "continue it with --resume, or replace it with --force, which deletes\n"
      "the earlier model.h5 and checkpoints first.\n\n"
      "When early stopping, stop_loss or stop_grad_norm ends training, a\n"
      "line says which rule fired at which epoch and step, and which epoch's\n"
      "weights the model holds (--json: \"stopped\", \"weights_epoch\").\n");
  if (!parse_options(context, &argc, &argv)) return 2;
  if ((!o.resume && argc != 2) || (o.resume && argc > 2)) {
    fprintf(stderr,
            "nnlab: error: expected CONFIG.ini, or --resume "
            "CHECKPOINT [CONFIG.ini] (try --help)\n");
    return 2;
  }
  if (o.epochs < -1 || o.log_every < 0 || o.checkpoint_every < 0 ||
      o.keep < 1) {
    fprintf(stderr,
            "nnlab: error: --epochs, --log-every, --checkpoint-every "
            "and --keep-checkpoints take positive numbers\n");
    return 2;
  }
  nnlab_show_hdf5_errors(o.verbose);
  const char *config_path = argc == 2 ? argv[1] : NULL;
  g_autoptr(GError) error = NULL;
  nnlab_registry *registry = open_registry(FALSE);
  nnlab_run_config *config = NULL;
  checkpointer saver = {0};
  int status = 0;
  g_autofree char *out_dir = o.out_dir  ? g_strdup(o.out_dir)
                             : o.resume ? resume_out_dir(o.resume)
                                        : default_out_dir(config_path);
  g_autofree char *model_path = g_build_filename(out_dir, "model.h5", NULL);
  nnlab_run *run = start_run(&o, config_path, registry, &config, &error);
  if (!run || !prepare_out_dir(out_dir, model_path, &error) ||
      !run_lock_acquire(out_dir, "train", &error) ||
      (!o.resume && !earlier_run_check(out_dir, o.force, &error)) ||
      !checkpointer_init(&saver, run, out_dir, (size_t)o.checkpoint_every,
                         (size_t)o.keep, &error)) {
    status = report_error(error);
    goto done;
  }
  nnlab_trainer_set_epoch_hook(run->trainer, checkpointer_epoch_done, &saver);
  size_t epochs = run->config->train.epochs;
  if (o.epochs >= 0) epochs = (size_t)o.epochs;
  progress_printer printer;
  progress_printer_init(&printer, o.quiet, run->data->task, epochs,
                        (size_t)o.log_every);
  GError *train_error = NULL;
  gboolean trained =
      nnlab_run_train(run, progress_printer_update, &printer, &train_error);
  if (!trained &&
      !g_error_matches(train_error, NNLAB_ERROR, NNLAB_ERROR_DIVERGED)) {
    status = report_error(train_error);
    g_error_free(train_error);
    goto done;
  }
  /* After divergence the model holds the last finite weights: save them. */
  nnlab_model_file description = nnlab_run_describe(run);
  if (!nnlab_model_file_save(&description, model_path, &error)) {
    status = report_error(error);
    if (train_error) g_error_free(train_error);
    goto done;
  }
  status = finish(run, model_path, &o, train_error);
  if (train_error) {
    status = 3;
    g_error_free(train_error);
  }
done:
  checkpointer_clear(&saver);
  nnlab_run_free(run);
  nnlab_run_config_free(config);
  nnlab_registry_free(registry);
  g_strfreev(o.overrides);
  g_free(o.out_dir);
  g_free(o.resume);
  return status;
}
