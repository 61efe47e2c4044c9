/* Periodic checkpoints during nnlab train: DIR/checkpoints/epoch-NNNNNN.h5
 * every N epochs (the last K kept) and DIR/checkpoints/best.h5 for the
 * best validation loss seen at a checkpoint. */
#ifndef NNLAB_CLI_CHECKPOINTER_H
#define NNLAB_CLI_CHECKPOINTER_H

#include <nnlab/nnlab.h>

typedef struct checkpointer {
  const nnlab_run *run;
  char *directory; /* DIR/checkpoints */
  size_t every;    /* epochs; 0: off */
  size_t keep;     /* epoch files kept */
  double best_val_loss;
} checkpointer;

/* Creates DIR/checkpoints when every > 0, and deletes the temporary files
 * (.epoch-N.h5.XXXXXX, ...) of saves that a killed run left in DIR and
 * DIR/checkpoints. Call it holding the run lock. */
gboolean checkpointer_init(checkpointer *c, const nnlab_run *run,
                           const char *out_dir, size_t every, size_t keep,
                           GError **error);
void checkpointer_clear(checkpointer *c);
/* An nnlab_epoch_hook; user_data is the checkpointer. */
gboolean checkpointer_epoch_done(nnlab_trainer *trainer,
                                 const nnlab_epoch_record *record,
                                 void *user_data, GError **error);

#endif
