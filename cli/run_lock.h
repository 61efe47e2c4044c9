/* One nnlab train or compare per output directory: an advisory lock on
 * DIR/.lock, held until the process exits (so a killed run leaves no stale
 * lock). The lock file names the holder: "PID COMMAND". */
#ifndef NNLAB_CLI_RUN_LOCK_H
#define NNLAB_CLI_RUN_LOCK_H

#include <nnlab/nnlab.h>

/* Takes the lock for command ("train", "compare") or fails naming the
 * directory and the process that holds it. */
gboolean run_lock_acquire(const char *out_dir, const char *command,
                          GError **error);

#endif
