/* An nnlab_metrics as a JSON object, with only the metrics that apply to
 * the task. Non-finite values become null: JSON has no NaN or Inf. */
#include "metrics_output.h"

static void add_number(JsonBuilder *b, const char *name, double value) {
  json_builder_set_member_name(b, name);
  if (isfinite(value))
    json_builder_add_double_value(b, value);
  else
    json_builder_add_null_value(b);
}

void add_metrics_json(JsonBuilder *b, const char *name, const nnlab_metrics *m,
                      nnlab_task task) {
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_number(b, "loss", m->loss);
  if (task == NNLAB_TASK_CLASSIFICATION) {
    add_number(b, "accuracy", m->accuracy);
  } else {
    add_number(b, "rmse", m->rmse);
    add_number(b, "mae", m->mae);
    add_number(b, "r2", m->r2);
  }
  json_builder_end_object(b);
}
