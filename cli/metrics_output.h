/* Metrics in JSON output. */
#ifndef NNLAB_CLI_METRICS_OUTPUT_H
#define NNLAB_CLI_METRICS_OUTPUT_H

#include <json-glib/json-glib.h>
#include <nnlab/nnlab.h>

/* Adds member name: {"loss": ..., "accuracy": ...} with the metrics that
 * apply to the task. */
void add_metrics_json(JsonBuilder *builder, const char *name,
                      const nnlab_metrics *metrics, nnlab_task task);

#endif
