/* nnlab inspect's report as text on stdout: header, network, optimizer,
 * training, weight statistics, unit health and hints. Formatting only:
 * every number comes from the report (inspect_report.c) or the file. */
#include "inspect_text.h"

#include <math.h>
#include <stdio.h>

#include "progress.h"

static void print_header(const inspect_report *r) {
  const nnlab_model_file *f = r->file;
  printf("%s: nnlab %s", r->path,
         f->checkpoint ? "checkpoint (model and training state)"
                       : "model file (no training state)");
  if (f->nnlab_version) printf(", written by nnlab %s", f->nnlab_version);
  if (f->created) printf(" at %s", f->created);
  printf("\ntask: %s", nnlab_task_name(f->task));
  if (f->task == NNLAB_TASK_CLASSIFICATION) {
    printf(", %zu classes", f->n_classes);
    if (f->class_names) {
      g_autofree char *names = g_strjoinv(", ", f->class_names);
      printf(" (%s)", names);
    }
  }
  printf("\n");
  if (f->data_path)
    printf("data: %s (%llu rows: %zu train, %zu val, %zu test)\n", f->data_path,
           (unsigned long long)f->data_rows, f->split.n_train, f->split.n_val,
           f->split.n_test);
  if (f->config_path) printf("config: %s\n", f->config_path);
}

static void print_network(const inspect_report *r) {
  nnlab_model *model = r->file->model;
  size_t n_layers = nnlab_model_n_layers(model);
  printf("\nnetwork: %zu inputs%s, %zu layers, %zu parameters\n",
         nnlab_model_n_inputs(model),
         nnlab_model_standardization_mean(model) ? " (standardized)" : "",
         n_layers, nnlab_model_n_params(model));
  printf("  %-5s %7s  %-36s %-9s %9s %7s %9s\n", "LAYER", "UNITS", "ACTIVATION",
         "VERSION", "WEIGHTS", "BIASES", "PARAMS");
  for (size_t l = 0; l < n_layers; l++) {
    const nnlab_component *a = nnlab_model_layer_activation(model, l);
    const nnlab_layer_stats *s = &r->layers[l];
    g_autofree char *spec = nnlab_component_format(a);
    printf("  %-5zu %7zu  %-36s %-9s %9zu %7zu %9zu\n", l + 1, s->units, spec,
           a->info->version, s->weights.count, s->bias.count, s->n_params);
  }
  printf("  %-5s %7s  %-36s %-9s %9s %7s %9zu\n", "total", "", "", "", "", "",
         nnlab_model_n_params(model));
  g_autofree char *loss = nnlab_component_format(&r->file->loss);
  printf("loss: %s (%s %s)\n", loss, r->file->loss.info->name,
         r->file->loss.info->version);
}

static void print_optimizer(const nnlab_checkpoint *c) {
  if (!c) {
    printf(
        "\noptimizer: none recorded (a model file without training "
        "state)\n");
    return;
  }
  const nnlab_plugin_info *info = c->optimizer.info;
  printf("\noptimizer: %s %s, step %llu\n", info->name, info->version,
         (unsigned long long)c->state.step);
  for (size_t i = 0; i < info->n_hparams; i++) {
    g_autofree char *value =
        nnlab_hparam_format_value(&info->hparams[i], &c->optimizer.hparams[i]);
    printf("  %-16s %s\n", info->hparams[i].name, value);
  }
}

static void print_epoch(const char *title, const nnlab_epoch_record *e,
                        nnlab_task task) {
  g_autofree char *train = format_metrics(&e->train, task, "");
  printf("  %-34s %s", title, train);
  if (!isnan(e->val.loss)) {
    g_autofree char *val = format_metrics(&e->val, task, "val_");
    printf("  %s", val);
  }
  printf("  lr %.4g\n", e->lr);
}

static void print_training(const inspect_report *r) {
  const nnlab_model_file *f = r->file;
  const nnlab_checkpoint *c = f->checkpoint;
  printf("\ntraining: %zu epochs", c ? c->state.epochs_done : f->n_epochs);
  if (c) printf(", %llu steps", (unsigned long long)c->state.step);
  if (c && c->state.stopped_early)
    printf(", stopped by %s (weights of epoch %zu)",
           nnlab_stop_rule_name(c->state.stop_rule), c->state.best_epoch);
  printf("\n");
  if (!f->n_epochs) return;
  const nnlab_epoch_record *last = &f->history[f->n_epochs - 1];
  g_autofree char *last_title =
      g_strdup_printf("last (epoch %zu):", last->epoch);
  print_epoch(last_title, last, f->task);
  if (r->has_best) {
    const nnlab_epoch_record *best = &f->history[r->best_index];
    g_autofree char *best_title = g_strdup_printf(
        "best (epoch %zu, %s):", best->epoch,
        r->best_by_val ? "lowest val loss" : "lowest train loss");
    print_epoch(best_title, best, f->task);
  }
}

static void print_stats_row(size_t layer, const char *name,
                            const nnlab_value_stats *s) {
  printf("  %-5zu %-7s %8zu %11.4g %11.4g %11.4g %11.4g %11.4g %6.1f%%", layer,
         name, s->count, s->mean, s->std, s->min, s->max, s->l2_norm,
         100.0 * nnlab_value_stats_zero_fraction(s));
  if (s->nonfinite) printf("  (%zu NaN/Inf)", s->nonfinite);
  printf("\n");
}

static void print_weights(const inspect_report *r) {
  printf("\nweights:\n  %-5s %-7s %8s %11s %11s %11s %11s %11s %7s\n", "LAYER",
         "ARRAY", "COUNT", "MEAN", "STD", "MIN", "MAX", "L2 NORM", "ZEROS");
  for (size_t l = 0; l < nnlab_model_n_layers(r->file->model); l++) {
    print_stats_row(l + 1, "weights", &r->layers[l].weights);
    print_stats_row(l + 1, "bias", &r->layers[l].bias);
  }
}

static void print_health(const inspect_report *r) {
  if (!r->health) return;
  nnlab_model *model = r->file->model;
  printf("\nunits on %s (%zu rows, standardized as in training):\n",
         r->data_path, r->data_rows);
  size_t hidden = nnlab_model_n_layers(model) - 1;
  if (!hidden) printf("  no hidden layers\n");
  for (size_t l = 0; l < hidden; l++) {
    const nnlab_unit_health *h = &r->health[l];
    const char *name = nnlab_model_layer_activation(model, l)->info->name;
    printf("  layer %zu (%s): ", l + 1, name);
    if (h->kind == NNLAB_UNITS_RECTIFIER)
      printf("%zu of %zu units dead (%.1f%%)\n", h->dead_units, h->units,
             100.0 * (double)h->dead_units / (double)h->units);
    else if (h->kind == NNLAB_UNITS_SATURATING)
      printf("%.1f%% of outputs saturated\n",
             100.0 * (double)h->saturated_outputs /
                 ((double)h->rows * (double)h->units));
    else
      printf("no dead-unit or saturation check for this activation\n");
  }
}

void inspect_print_text(const inspect_report *r) {
  print_header(r);
  print_network(r);
  print_optimizer(r->file->checkpoint);
  print_training(r);
  print_weights(r);
  print_health(r);
  printf("\nhints:%s\n", r->hints[0] ? "" : " none");
  for (size_t i = 0; r->hints[i]; i++) printf("  %s\n", r->hints[i]);
}
