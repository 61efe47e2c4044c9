/* Reading comparison specs, shared by the spec reader (compare_spec.c),
 * its value helpers (compare_spec_values.c) and the run planner
 * (compare_plan.c). */
#ifndef NNLAB_COMPARE_SPEC_H
#define NNLAB_COMPARE_SPEC_H

#include "compare/compare_internal.h"
#include "io/ini_reader.h"

/* What reading the spec collects besides the public fields. */
typedef struct spec_state {
  ini_reader r;
  const nnlab_registry *registry;
  char **groups;     /* the candidate sections, in order */
  char *config_path; /* dataset problems */
  char *config_text;
  GPtrArray *problem_sets; /* "section.key=value" from [problem] */
  GPtrArray *problem_keys; /* their keys, for locations */
} spec_state;

/* Per candidate, what its runs' configs are made from. */
typedef struct candidate_plan {
  nnlab_component optimizer; /* info NULL when the config's is kept */
  GPtrArray *sets;           /* "section.key=value" config overrides */
  GPtrArray *keys;           /* the spec key behind each, for locations */
} candidate_plan;

/* ---- Values (compare_spec_values.c) ---- */

/* A batch size up to SPEC_MAX_BATCH, or "full" (any case) or 0, read as
 * 0: as in train configs, the whole training set, and for quadratic_deep
 * the exact gradient. */
#define SPEC_MAX_BATCH (1u << 24)
gboolean spec_parse_batch_size(const char *text, guint64 *out);
/* Appends the config override "config_key=value" and the spec key that
 * set it. */
void spec_add_set(GPtrArray *sets, GPtrArray *keys, const char *spec_key,
                  const char *config_key, const char *value);
/* A learning rate as text that reads back exactly. */
char *spec_format_lr(double lr);

/* ---- Run plans (compare_plan.c) ---- */

/* Dataset problems: every run's config, parsed. */
gboolean compare_plan_dataset_runs(spec_state *s, nnlab_compare *compare,
                                   candidate_plan *plans, GError **error);
/* Loads the dataset the runs share. */
gboolean compare_load_dataset(spec_state *s, nnlab_compare *compare,
                              GError **error);
/* Test functions: takes each plan's optimizer. */
void compare_plan_function_runs(nnlab_compare *compare, candidate_plan *plans);

/* ---- Different losses (compare_losses.c) ---- */

/* NULL when every run trains with the same loss (hyperparameters
 * included); else one line naming two candidates and their losses. */
char *compare_mixed_losses(const nnlab_compare *compare);
/* The task's own metric, which ranks candidates with different losses:
 * accuracy for classification, rmse for regression; on the validation
 * data if there is any, else on the training data. */
nnlab_compare_metric compare_common_metric(nnlab_task task, gboolean has_val);

#endif
