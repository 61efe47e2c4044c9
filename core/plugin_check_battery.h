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

void plugin_check_battery(const nnlab_plugin_info *info, check_sink *sink);

#endif
