/* The checks behind nnlab plugins check, reporting to a sink so they can
 * stream out of a child process as they run. */
#ifndef NNLAB_PLUGIN_CHECK_BATTERY_H
#define NNLAB_PLUGIN_CHECK_BATTERY_H

#include <nnlab/plugin_check.h>

typedef struct check_sink {
  /* Called before a check runs, so a crash can be pinned to it. */
  void (*begin)(struct check_sink *sink, const char *name);
  void (*result)(struct check_sink *sink, const char *name, gboolean passed,
                 const char *detail);
  void *data;
} check_sink;

/* Every check: the defaults' text, the kind's battery at base (NULL: the
 * defaults) and, when sweep is set, again at settings spread over each
 * hyperparameter's range (plugin_check_sweep.c). Returns how many settings
 * were checked, base included. */
size_t plugin_check_battery(const nnlab_plugin_info *info,
                            const nnlab_value *base, gboolean sweep,
                            check_sink *sink);

/* The defaults print and parse back. */
void plugin_check_hparam_text(const nnlab_plugin_info *info, check_sink *sink);
/* FALSE if the plugin refuses hp as an invalid argument on ordinary
 * inputs: a combination its table cannot express, such as SGD's Nesterov
 * momentum without momentum. The sweep skips such settings. */
gboolean plugin_check_accepts(const nnlab_plugin_info *info,
                              const nnlab_value *hp);
/* The kind's battery at hp. swept: a setting away from the base, where
 * optimizers are held only to finite steps, since many steps with extreme
 * settings may rightly diverge. */
void plugin_check_setting(const nnlab_plugin_info *info, const nnlab_value *hp,
                          gboolean swept, check_sink *sink);

#endif
