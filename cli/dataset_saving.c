/* Saving an imported dataset, then what was written: one line, or a JSON
 * object with its shape and digest. The writing of the file is core's;
 * nothing is printed on stdout unless the save succeeded. */
#include "dataset_saving.h"

#include <stdio.h>

#include "error_output.h"
#include "json_output.h"

static void report_json(const nnlab_dataset *dataset, const char *path) {
  g_autofree char *digest = nnlab_dataset_digest(dataset);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, path);
  json_builder_set_member_name(b, "task");
  json_builder_add_string_value(b, nnlab_task_name(dataset->task));
  json_builder_set_member_name(b, "rows");
  json_builder_add_int_value(b, (gint64)dataset->n_rows);
  json_builder_set_member_name(b, "features");
  json_builder_add_int_value(b, (gint64)dataset->n_features);
  json_builder_set_member_name(b, "targets");
  json_builder_add_int_value(b, (gint64)dataset->n_targets);
  json_builder_set_member_name(b, "classes");
  json_builder_add_int_value(b, (gint64)dataset->n_classes);
  json_builder_set_member_name(b, "digest");
  json_builder_add_string_value(b, digest);
  json_builder_end_object(b);
  print_json(b);
}

int data_save_and_report(const nnlab_dataset *dataset, const char *path,
                         gboolean as_json) {
  g_autoptr(GError) error = NULL;
  if (!nnlab_dataset_save(dataset, path, &error)) return report_error(error);
  if (as_json) {
    report_json(dataset, path);
  } else if (dataset->task == NNLAB_TASK_CLASSIFICATION) {
    printf("wrote %s: %zu rows x %zu features, classification, %zu classes\n",
           path, dataset->n_rows, dataset->n_features, dataset->n_classes);
  } else {
    printf("wrote %s: %zu rows x %zu features, regression, %zu target%s\n",
           path, dataset->n_rows, dataset->n_features, dataset->n_targets,
           dataset->n_targets == 1 ? "" : "s");
  }
  return 0;
}
