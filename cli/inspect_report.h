/* What nnlab inspect found in a model file or checkpoint, gathered once
 * and printed as text (inspect_text.h) or JSON (inspect_json.h). */
#ifndef NNLAB_CLI_INSPECT_REPORT_H
#define NNLAB_CLI_INSPECT_REPORT_H

#include <nnlab/nnlab.h>

typedef struct inspect_report {
  const char *path;
  const nnlab_model_file *file;
  nnlab_layer_stats *layers; /* one per layer */
  gboolean has_best;         /* best_index is set */
  size_t best_index;         /* into the history */
  gboolean best_by_val;      /* chosen by validation loss, else training */
  /* With --data: */
  const char *data_path;
  size_t data_rows;
  nnlab_unit_health *health; /* one per layer, or NULL */
  char **hints;              /* NULL-terminated */
} inspect_report;

/* From file, and data_path if set, fills in the layer statistics, the best
 * epoch, the unit health and the hints. On failure what was gathered so
 * far is still freed by inspect_report_clear. */
gboolean inspect_report_gather(inspect_report *report, GError **error);

/* Frees what inspect_report_gather allocated; path, file and data_path
 * stay the caller's. */
void inspect_report_clear(inspect_report *report);

#endif
