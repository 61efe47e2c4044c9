/* What nnlab inspect found in a model file or checkpoint, gathered once
 * and printed as text or JSON. */
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

/* "relu", "leaky_relu", ...: the kind name for output. */
const char *inspect_unit_kind_name(nnlab_unit_kind kind);

void inspect_print_json(const inspect_report *report);

#endif
