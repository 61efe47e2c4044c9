/* Training progress on the terminal: a live bar per epoch on a tty, one
 * plain line per epoch otherwise, nothing when quiet. */
#ifndef NNLAB_CLI_PROGRESS_H
#define NNLAB_CLI_PROGRESS_H

#include <nnlab/nnlab.h>

typedef struct progress_printer {
  gboolean quiet;
  gboolean tty;
  nnlab_task task;
  size_t log_every; /* print every n-th epoch line (and the last) */
  gint64 last_draw; /* monotonic microseconds */
} progress_printer;

/* log_every 0 picks one so a run prints about 25 epoch lines. */
void progress_printer_init(progress_printer *printer, gboolean quiet,
                           nnlab_task task, size_t epochs, size_t log_every);
/* An nnlab_progress_fn; user_data is a progress_printer. */
void progress_printer_update(const nnlab_progress *progress, void *user_data);

/* "loss 0.1234  acc 0.9500" or "loss 1.23  rmse 2.1  mae 1.5  r2 0.91";
 * prefix is put before each name ("val_"). Free with g_free. */
char *format_metrics(const nnlab_metrics *metrics, nnlab_task task,
                     const char *prefix);

#endif
