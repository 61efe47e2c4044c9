/* Small public tables of nnlab/common.h: the library version, the error
 * quark, plugin kind names and status messages. Constant data only, no
 * state. */
#include "nnlab_config.h"

#include <string.h>

#include <nnlab/common.h>

G_DEFINE_QUARK(nnlab - error - quark, nnlab_error)

const char *nnlab_version(void) {
  return NNLAB_VERSION;
}

static const char *const kind_names[] = {
    [NNLAB_KIND_ACTIVATION] = "activation",
    [NNLAB_KIND_LOSS] = "loss",
    [NNLAB_KIND_OPTIMIZER] = "optimizer",
};

const char *nnlab_kind_name(nnlab_plugin_kind kind) {
  if (kind < NNLAB_KIND_ACTIVATION || kind > NNLAB_KIND_OPTIMIZER) return NULL;
  return kind_names[kind];
}

gboolean nnlab_kind_from_name(const char *name, nnlab_plugin_kind *kind) {
  for (int k = NNLAB_KIND_ACTIVATION; k <= NNLAB_KIND_OPTIMIZER; k++) {
    if (strcmp(name, kind_names[k]) == 0) {
      *kind = (nnlab_plugin_kind)k;
      return TRUE;
    }
  }
  return FALSE;
}

const char *nnlab_status_message(nnlab_status status) {
  switch (status) {
    case NNLAB_STATUS_OK:
      return "success";
    case NNLAB_STATUS_INVALID_ARGUMENT:
      return "invalid argument";
    case NNLAB_STATUS_UNSUPPORTED:
      return "unsupported input";
    case NNLAB_STATUS_NUMERIC:
      return "result not finite";
    case NNLAB_STATUS_NO_MEMORY:
      return "out of memory";
  }
  return "unknown status";
}
