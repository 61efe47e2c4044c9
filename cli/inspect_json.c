/* nnlab inspect --json: the report inspect_report.c gathered, as one
 * object. Formatting only: no statistic is computed here, and NaN or Inf
 * become null. */
#include "inspect_json.h"

#include <math.h>

#include "json_output.h"
#include "metrics_output.h"

/* "rectifier", "saturating" or "other": the kind name for output. */
static const char *unit_kind_name(nnlab_unit_kind kind) {
  switch (kind) {
    case NNLAB_UNITS_RECTIFIER:
      return "rectifier";
    case NNLAB_UNITS_SATURATING:
      return "saturating";
    case NNLAB_UNITS_OTHER:
      break;
  }
  return "other";
}

static void add_count(JsonBuilder *b, const char *key, size_t value) {
  json_builder_set_member_name(b, key);
  json_builder_add_int_value(b, (gint64)value);
}

/* JSON has no NaN or Inf: those become null. */
static void add_number(JsonBuilder *b, const char *key, double value) {
  json_builder_set_member_name(b, key);
  if (isfinite(value))
    json_builder_add_double_value(b, value);
  else
    json_builder_add_null_value(b);
}

/* "spec": ..., "plugin": ..., "version": ..., "hyperparameters": {...} */
static void add_component_members(JsonBuilder *b, const nnlab_component *c) {
  g_autofree char *spec = nnlab_component_format(c);
  json_add_string_member(b, "spec", spec);
  json_add_string_member(b, "plugin", c->info->name);
  json_add_string_member(b, "version", c->info->version);
  json_builder_set_member_name(b, "hyperparameters");
  json_builder_begin_object(b);
  for (size_t i = 0; i < c->info->n_hparams; i++) {
    json_builder_set_member_name(b, c->info->hparams[i].name);
    json_add_hparam_value(b, &c->info->hparams[i], &c->hparams[i]);
  }
  json_builder_end_object(b);
}

static void add_component(JsonBuilder *b, const char *key,
                          const nnlab_component *c) {
  json_builder_set_member_name(b, key);
  json_builder_begin_object(b);
  add_component_members(b, c);
  json_builder_end_object(b);
}

static void add_value_stats(JsonBuilder *b, const char *key,
                            const nnlab_value_stats *s) {
  json_builder_set_member_name(b, key);
  json_builder_begin_object(b);
  add_count(b, "count", s->count);
  add_number(b, "mean", s->mean);
  add_number(b, "std", s->std);
  add_number(b, "min", s->min);
  add_number(b, "max", s->max);
  add_number(b, "l2_norm", s->l2_norm);
  add_count(b, "zeros", s->zeros);
  add_number(b, "zero_fraction", nnlab_value_stats_zero_fraction(s));
  add_count(b, "nonfinite", s->nonfinite);
  json_builder_end_object(b);
}

static void add_network(JsonBuilder *b, const inspect_report *r) {
  nnlab_model *model = r->file->model;
  json_builder_set_member_name(b, "network");
  json_builder_begin_object(b);
  add_count(b, "inputs", nnlab_model_n_inputs(model));
  add_count(b, "outputs", nnlab_model_n_outputs(model));
  add_count(b, "params", nnlab_model_n_params(model));
  json_builder_set_member_name(b, "standardized");
  json_builder_add_boolean_value(
      b, nnlab_model_standardization_mean(model) != NULL);
  json_builder_set_member_name(b, "layers");
  json_builder_begin_array(b);
  for (size_t l = 0; l < nnlab_model_n_layers(model); l++) {
    const nnlab_layer_stats *s = &r->layers[l];
    json_builder_begin_object(b);
    add_count(b, "layer", l + 1);
    add_count(b, "inputs", s->inputs);
    add_count(b, "units", s->units);
    add_component(b, "activation", nnlab_model_layer_activation(model, l));
    add_count(b, "weights", s->weights.count);
    add_count(b, "biases", s->bias.count);
    add_count(b, "params", s->n_params);
    add_value_stats(b, "weight_stats", &s->weights);
    add_value_stats(b, "bias_stats", &s->bias);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  add_component(b, "loss", &r->file->loss);
  json_builder_end_object(b);
}

static void add_epoch(JsonBuilder *b, const char *key,
                      const nnlab_epoch_record *e, nnlab_task task) {
  json_builder_set_member_name(b, key);
  json_builder_begin_object(b);
  add_count(b, "epoch", e->epoch);
  add_number(b, "lr", e->lr);
  add_metrics_json(b, "train", &e->train, task);
  add_metrics_json(b, "val", &e->val, task);
  json_builder_end_object(b);
}

static void add_training(JsonBuilder *b, const inspect_report *r) {
  const nnlab_model_file *f = r->file;
  const nnlab_checkpoint *c = f->checkpoint;
  json_builder_set_member_name(b, "training");
  json_builder_begin_object(b);
  add_count(b, "epochs", c ? c->state.epochs_done : f->n_epochs);
  json_builder_set_member_name(b, "step");
  if (c)
    json_builder_add_int_value(b, (gint64)c->state.step);
  else
    json_builder_add_null_value(b);
  json_builder_set_member_name(b, "stopped_early");
  json_builder_add_boolean_value(b, c && c->state.stopped_early);
  json_add_string_member(b, "stop_rule",
                         c ? nnlab_stop_rule_name(c->state.stop_rule) : NULL);
  if (f->n_epochs)
    add_epoch(b, "last", &f->history[f->n_epochs - 1], f->task);
  else
    json_add_string_member(b, "last", NULL);
  if (r->has_best) {
    add_epoch(b, "best", &f->history[r->best_index], f->task);
    json_add_string_member(b, "best_by",
                           r->best_by_val ? "val_loss" : "train_loss");
  } else {
    json_add_string_member(b, "best", NULL);
  }
  json_builder_end_object(b);
}

static void add_optimizer(JsonBuilder *b, const nnlab_checkpoint *c) {
  if (!c) {
    json_add_string_member(b, "optimizer", NULL);
    return;
  }
  json_builder_set_member_name(b, "optimizer");
  json_builder_begin_object(b);
  add_component_members(b, &c->optimizer);
  add_count(b, "step", c->state.step);
  json_builder_end_object(b);
}

static void add_health(JsonBuilder *b, const inspect_report *r) {
  json_builder_set_member_name(b, "health");
  if (!r->health) {
    json_builder_add_null_value(b);
    return;
  }
  nnlab_model *model = r->file->model;
  json_builder_begin_object(b);
  json_add_string_member(b, "data", r->data_path);
  add_count(b, "rows", r->data_rows);
  json_builder_set_member_name(b, "layers");
  json_builder_begin_array(b);
  for (size_t l = 0; l + 1 < nnlab_model_n_layers(model); l++) {
    const nnlab_unit_health *h = &r->health[l];
    double cells = (double)h->rows * (double)h->units;
    json_builder_begin_object(b);
    add_count(b, "layer", l + 1);
    json_add_string_member(b, "activation",
                           nnlab_model_layer_activation(model, l)->info->name);
    json_add_string_member(b, "kind", unit_kind_name(h->kind));
    add_count(b, "units", h->units);
    if (h->kind == NNLAB_UNITS_RECTIFIER) {
      add_count(b, "dead_units", h->dead_units);
      add_number(b, "dead_fraction", (double)h->dead_units / (double)h->units);
    } else if (h->kind == NNLAB_UNITS_SATURATING) {
      add_number(b, "saturated_fraction", (double)h->saturated_outputs / cells);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
}

void inspect_print_json(const inspect_report *r) {
  const nnlab_model_file *f = r->file;
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_string_member(b, "file", r->path);
  json_add_string_member(b, "kind", f->checkpoint ? "checkpoint" : "model");
  json_add_string_member(b, "nnlab_version", f->nnlab_version);
  json_add_string_member(b, "created", f->created);
  json_add_string_member(b, "task", nnlab_task_name(f->task));
  add_count(b, "n_classes", f->n_classes);
  json_builder_set_member_name(b, "class_names");
  json_builder_begin_array(b);
  for (size_t i = 0; f->class_names && f->class_names[i]; i++)
    json_builder_add_string_value(b, f->class_names[i]);
  json_builder_end_array(b);
  json_add_string_member(b, "config_path", f->config_path);
  json_builder_set_member_name(b, "data");
  if (f->data_path) {
    json_builder_begin_object(b);
    json_add_string_member(b, "path", f->data_path);
    json_add_string_member(b, "digest", f->data_digest);
    add_count(b, "rows", f->data_rows);
    add_count(b, "train", f->split.n_train);
    add_count(b, "val", f->split.n_val);
    add_count(b, "test", f->split.n_test);
    json_builder_end_object(b);
  } else {
    json_builder_add_null_value(b);
  }
  add_network(b, r);
  add_optimizer(b, f->checkpoint);
  add_training(b, r);
  add_health(b, r);
  json_builder_set_member_name(b, "hints");
  json_builder_begin_array(b);
  for (size_t i = 0; r->hints[i]; i++)
    json_builder_add_string_value(b, r->hints[i]);
  json_builder_end_array(b);
  json_builder_end_object(b);
  print_json(b);
}
