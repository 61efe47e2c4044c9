/* A component is a plugin with resolved hyperparameters, written as a spec
 * string: "leaky_relu(negative_slope=0.2)", "adam(lr=0.01, betas=(0.9,
 * 0.999))", or just "relu". */
#ifndef NNLAB_COMPONENT_H
#define NNLAB_COMPONENT_H

#include <nnlab/registry.h>

G_BEGIN_DECLS

typedef struct nnlab_component {
  const nnlab_plugin_info *info;
  nnlab_value *hparams; /* info->n_hparams values, owned */
} nnlab_component;

/* Looks up the plugin named in spec and applies its assignments over the
 * defaults. Errors name the plugin or key at fault. */
NNLAB_API gboolean nnlab_component_resolve(const nnlab_registry *registry,
                                           nnlab_plugin_kind kind,
                                           const char *spec,
                                           nnlab_component *component,
                                           GError **error);
/* Applies "key=value, key=(a, b)" assignments to an existing component. */
NNLAB_API gboolean nnlab_component_apply(nnlab_component *component,
                                         const char *assignments,
                                         GError **error);
/* The canonical spec with every hyperparameter, e.g.
 * "elu(alpha=1)"; free with g_free. */
NNLAB_API char *nnlab_component_format(const nnlab_component *component);
/* Deep copy. */
NNLAB_API void nnlab_component_copy(nnlab_component *dest,
                                    const nnlab_component *src);
NNLAB_API void nnlab_component_clear(nnlab_component *component);

G_END_DECLS

#endif
