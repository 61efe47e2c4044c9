/* Candidates that train with different losses: compare_mixed_losses finds
 * two that differ, compare_common_metric names the metric to rank by
 * instead. It ranks nothing itself and never compares loss values. */

/* Each run reports its own loss, so "log_cosh 0.02 against mse 0.05" says
 * nothing about which model is better: loss values rank candidates only
 * when every candidate uses the same loss (hyperparameters included).
 * Otherwise the spec reader ranks by the task's own metric
 * (compare_common_metric) and refuses a loss as the sort key or the
 * target's metric (docs/compare.md, "Different losses"). */
#include <nnlab/common.h>

#include "compare/compare_spec.h"

char *compare_mixed_losses(const nnlab_compare *c) {
  if (!c->priv->configs) return NULL;
  g_autofree char *first = nnlab_component_format(&c->priv->configs[0]->loss);
  for (size_t i = 1; i < c->n_runs; i++) {
    g_autofree char *other = nnlab_component_format(&c->priv->configs[i]->loss);
    if (g_str_equal(first, other)) continue;
    g_autofree char *a =
        nnlab_excerpt(c->candidates[c->runs[0].candidate].name);
    g_autofree char *b =
        nnlab_excerpt(c->candidates[c->runs[i].candidate].name);
    return g_strdup_printf("'%s' trains with %s, '%s' with %s", a, first, b,
                           other);
  }
  return NULL;
}

nnlab_compare_metric compare_common_metric(nnlab_task task, gboolean has_val) {
  if (task == NNLAB_TASK_CLASSIFICATION)
    return has_val ? NNLAB_COMPARE_VAL_ACCURACY : NNLAB_COMPARE_TRAIN_ACCURACY;
  return has_val ? NNLAB_COMPARE_VAL_RMSE : NNLAB_COMPARE_TRAIN_RMSE;
}
