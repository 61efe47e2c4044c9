/* An earlier run in the directory nnlab train writes to: its model.h5 or
 * its epoch checkpoints. A new training (not --resume) refuses to mix its
 * files with them unless told to replace them (--force). */
#ifndef NNLAB_CLI_EARLIER_RUN_H
#define NNLAB_CLI_EARLIER_RUN_H

#include <nnlab/nnlab.h>

/* Fails when out_dir holds an earlier run and replace is FALSE, naming
 * the directory and how to continue or replace it. With replace, deletes
 * the earlier run's model.h5 and checkpoints and says so on stderr.
 * Call with the run lock held. */
gboolean earlier_run_check(const char *out_dir, gboolean replace,
                           GError **error);

#endif
