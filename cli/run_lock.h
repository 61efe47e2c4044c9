/* One nnlab train per run directory: an advisory lock on DIR/.lock, held
 * until the process exits (so a killed run leaves no stale lock). */
#ifndef NNLAB_CLI_RUN_LOCK_H
#define NNLAB_CLI_RUN_LOCK_H

#include <nnlab/nnlab.h>

/* Takes the lock or fails naming the process that holds it. */
gboolean run_lock_acquire(const char *out_dir, GError **error);

#endif
