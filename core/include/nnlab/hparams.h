/* Hyperparameter values checked against a plugin's table. */
#ifndef NNLAB_HPARAMS_H
#define NNLAB_HPARAMS_H

#include <nnlab/common.h>

G_BEGIN_DECLS

/* A newly allocated array of info->n_hparams values holding the defaults
 * (never NULL; free with g_free). */
NNLAB_API nnlab_value *nnlab_hparams_new_defaults(
    const nnlab_plugin_info *info);

/* Index of the hyperparameter called name, or -1. */
NNLAB_API int nnlab_hparams_index(const nnlab_plugin_info *info,
                                  const char *name);

/* Parses text as the value of hyperparameter key and stores it in values.
 * Bools take true/false/1/0/yes/no, pairs "0.9,0.999" (brackets allowed),
 * choices one of their names. Errors: unknown key (suggesting the nearest),
 * wrong type, out of range. */
NNLAB_API gboolean nnlab_hparams_set(const nnlab_plugin_info *info,
                                     nnlab_value *values, const char *key,
                                     const char *text, GError **error);

/* Text of one value as a config would spell it; free with g_free. */
NNLAB_API char *nnlab_hparam_format_value(const nnlab_hparam *spec,
                                          const nnlab_value *value);
/* The allowed range, e.g. "[0, 1)", "any", "none|tanh"; free with g_free. */
NNLAB_API char *nnlab_hparam_format_range(const nnlab_hparam *spec);
/* "float", "int", "bool", "pair", "choice". */
NNLAB_API const char *nnlab_hparam_type_name(nnlab_hparam_type type);

G_END_DECLS

#endif
