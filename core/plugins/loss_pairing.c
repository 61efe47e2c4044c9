/* The checks of loss_pairing.h: a table of which activation outputs each
 * loss input takes, and messages that name both config keys and suggest
 * plugins found in the registry by their properties. Judged from declared
 * properties only: no plugin function is called. */
#include "plugins/loss_pairing.h"

#include <string.h>

/* At most this many plugin names in a suggestion. */
#define SUGGESTED_NAMES 4

static gboolean accepts(nnlab_loss_input input, nnlab_output_kind output) {
  switch (input) {
    case NNLAB_LOSS_INPUT_LOGITS:
      return output == NNLAB_OUTPUT_VALUES;
    case NNLAB_LOSS_INPUT_PROBABILITIES:
      return output == NNLAB_OUTPUT_PROBABILITIES;
    case NNLAB_LOSS_INPUT_LOG_PROBABILITIES:
      return output == NNLAB_OUTPUT_LOG_PROBABILITIES;
    case NNLAB_LOSS_INPUT_VALUES:
    case NNLAB_LOSS_INPUT_UNDECLARED:
      break;
  }
  return TRUE;
}

/* What a plugin must declare to appear in a suggestion. */
typedef struct wanted {
  nnlab_plugin_kind kind;
  nnlab_output_kind output;   /* activations: exactly this output */
  nnlab_output_kind accepted; /* losses: taking this output... */
  uint32_t needs;             /* ...with these needs */
} wanted;

static gboolean matches(const nnlab_plugin_info *info, const wanted *w) {
  if (!info || info->kind != w->kind) return FALSE;
  if (w->kind == NNLAB_KIND_ACTIVATION)
    return info->activation_properties.output == w->output;
  const nnlab_loss_properties *p = &info->loss_properties;
  return p->input != NNLAB_LOSS_INPUT_UNDECLARED &&
         accepts(p->input, w->accepted) && p->needs == w->needs;
}

/* "a, b, c" ("a or b" for losses, named as one choice): usable plugins that
 * match, in search order; NULL if none. */
static char *names_matching(const nnlab_registry *registry, const wanted *w) {
  GString *names = g_string_new(NULL);
  size_t found = 0;
  for (size_t i = 0; registry && i < nnlab_registry_count(registry) &&
                     found < SUGGESTED_NAMES;
       i++) {
    const nnlab_plugin_info *info =
        nnlab_plugin_get_info(nnlab_registry_get(registry, i));
    if (!matches(info, w)) continue;
    const char *separator = w->kind == NNLAB_KIND_LOSS ? " or " : ", ";
    g_string_append_printf(names, "%s%s", found++ ? separator : "", info->name);
  }
  return g_string_free(names, found == 0);
}

/* The output activations to suggest for a loss that wants outputs of kind
 * output: the default one (may be NULL) when it outputs that, else those
 * that do. */
static char *activations_outputting(const nnlab_registry *registry,
                                    nnlab_output_kind output,
                                    const char *default_output) {
  const nnlab_plugin *preferred =
      registry && default_output
          ? nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, default_output,
                                NULL)
          : NULL;
  if (preferred &&
      nnlab_plugin_get_info(preferred)->activation_properties.output == output)
    return g_strdup(default_output);
  wanted w = {.kind = NNLAB_KIND_ACTIVATION, .output = output};
  return names_matching(registry, &w);
}

static nnlab_output_kind output_for(nnlab_loss_input input) {
  switch (input) {
    case NNLAB_LOSS_INPUT_PROBABILITIES:
      return NNLAB_OUTPUT_PROBABILITIES;
    case NNLAB_LOSS_INPUT_LOG_PROBABILITIES:
      return NNLAB_OUTPUT_LOG_PROBABILITIES;
    default:
      return NNLAB_OUTPUT_VALUES;
  }
}

/* The second fix: keep the kind of output and change the loss. A loss on
 * logits is the same model as log-probabilities with a loss on those. */
static void suggest_other_loss(GString *out, const nnlab_component *output,
                               const nnlab_loss_properties *loss,
                               const nnlab_registry *registry) {
  nnlab_output_kind kind = output->info->activation_properties.output;
  gboolean via_log = loss->input == NNLAB_LOSS_INPUT_LOGITS &&
                     kind != NNLAB_OUTPUT_LOG_PROBABILITIES;
  if (via_log) kind = NNLAB_OUTPUT_LOG_PROBABILITIES;
  wanted w = {.kind = NNLAB_KIND_LOSS, .accepted = kind, .needs = loss->needs};
  g_autofree char *losses = names_matching(registry, &w);
  if (!losses) return;
  if (!via_log) {
    g_string_append_printf(out, ", or keep it with training.loss = %s", losses);
    return;
  }
  g_autofree char *activations = activations_outputting(registry, kind, NULL);
  if (activations)
    g_string_append_printf(
        out, ", or output_activation = %s with a loss that takes %s (%s)",
        activations, nnlab_output_kind_name(kind), losses);
}

char *loss_pairing_problem(const nnlab_component *output,
                           const nnlab_component *loss,
                           gboolean gradient_training,
                           const char *default_output,
                           const nnlab_registry *registry) {
  const nnlab_activation_properties *a = &output->info->activation_properties;
  const nnlab_loss_properties *l = &loss->info->loss_properties;
  if (a->output == NNLAB_OUTPUT_DECISIONS)
    return gradient_training
               ? g_strdup_printf(
                     "model.output_activation = %s outputs 0/1 decisions "
                     "with no gradient, so training.loss = %s cannot train "
                     "through it; set training.rule = perceptron, or use an "
                     "output activation with a gradient",
                     output->info->name, loss->info->name)
               : NULL;
  if (a->output == NNLAB_OUTPUT_UNDECLARED || accepts(l->input, a->output))
    return NULL;
  GString *out = g_string_new(NULL);
  g_string_append_printf(out,
                         "training.loss = %s expects %s but "
                         "model.output_activation = %s outputs %s",
                         loss->info->name, nnlab_loss_input_name(l->input),
                         output->info->name, nnlab_output_kind_name(a->output));
  if (l->input == NNLAB_LOSS_INPUT_LOGITS)
    g_string_append(out,
                    " (the loss normalizes its input itself, so it "
                    "would be normalized twice)");
  g_autofree char *fix =
      activations_outputting(registry, output_for(l->input), default_output);
  if (fix && !strchr(fix, ','))
    g_string_append_printf(out, "; use output_activation = %s", fix);
  else if (fix)
    g_string_append_printf(out,
                           "; use an output activation that outputs %s (%s)",
                           nnlab_loss_input_name(l->input), fix);
  suggest_other_loss(out, output, l, registry);
  return g_string_free(out, FALSE);
}

char *loss_data_problem(const nnlab_component *loss, nnlab_task task,
                        const char *data_path) {
  if (task != NNLAB_TASK_REGRESSION ||
      !(loss->info->loss_properties.needs & NNLAB_LOSS_NEEDS_CLASS_LABELS))
    return NULL;
  g_autofree char *shown = nnlab_excerpt(data_path);
  return g_strdup_printf(
      "training.loss = %s needs class labels, but data.path = %s is a "
      "regression dataset (real-valued targets); use a loss that takes "
      "values, such as mse",
      loss->info->name, shown);
}
