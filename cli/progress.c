/* Training progress on stderr: a redrawn bar on a tty, plain epoch lines
 * otherwise, nothing when quiet. It only reads the progress it is given;
 * stdout stays free for --json. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#define BAR_WIDTH 24
#define REDRAW_INTERVAL_US 100000

void progress_printer_init(progress_printer *printer, gboolean quiet,
                           nnlab_task task, size_t epochs, size_t log_every) {
  printer->log_every = log_every ? log_every : MAX(1, (epochs + 24) / 25);
  printer->quiet = quiet;
  printer->tty = isatty(fileno(stderr));
  printer->task = task;
  printer->last_draw = 0;
}

char *format_metrics(const nnlab_metrics *m, nnlab_task task,
                     const char *prefix) {
  if (task == NNLAB_TASK_CLASSIFICATION)
    return g_strdup_printf("%sloss %.4f  %sacc %.4f", prefix, m->loss, prefix,
                           m->accuracy);
  return g_strdup_printf("%sloss %.4g  %srmse %.4g  %smae %.4g  %sr2 %.4f",
                         prefix, m->loss, prefix, m->rmse, prefix, m->mae,
                         prefix, m->r2);
}

/* Loss and the task's headline metric, for one line per epoch. */
static char *format_brief_metrics(const nnlab_metrics *m, nnlab_task task,
                                  const char *prefix) {
  if (task == NNLAB_TASK_CLASSIFICATION) return format_metrics(m, task, prefix);
  return g_strdup_printf("%sloss %.4g  %srmse %.4g", prefix, m->loss, prefix,
                         m->rmse);
}

static void draw_bar(const nnlab_progress *p) {
  size_t filled = p->batches ? p->batch * BAR_WIDTH / p->batches : BAR_WIDTH;
  char bar[BAR_WIDTH + 1];
  for (size_t i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '=' : ' ';
  bar[BAR_WIDTH] = '\0';
  double rate = p->epoch_seconds > 0 ? p->samples / p->epoch_seconds : 0;
  double left =
      p->batch ? p->epoch_seconds * (double)(p->batches - p->batch) / p->batch
               : 0;
  fprintf(stderr,
          "\r\033[Kepoch %zu/%zu [%s] %zu/%zu  loss %.4g  %.0f samples/s  "
          "ETA %.1fs",
          p->epoch, p->epochs, bar, p->batch, p->batches, p->running_loss, rate,
          left);
  fflush(stderr);
}

void progress_printer_update(const nnlab_progress *p, void *user_data) {
  progress_printer *printer = user_data;
  if (printer->quiet) return;
  if (!p->finished) {
    gint64 now = g_get_monotonic_time();
    if (!printer->tty || now - printer->last_draw < REDRAW_INTERVAL_US) return;
    printer->last_draw = now;
    draw_bar(p);
    return;
  }
  const nnlab_epoch_record *r = p->finished;
  /* The first, every log_every-th and the last epoch, also when a stop
   * rule makes it the last. */
  if (r->epoch % printer->log_every != 0 && r->epoch != 1 &&
      r->epoch != p->epochs && !p->stopping) {
    if (printer->tty) fprintf(stderr, "\r\033[K");
    return;
  }
  g_autofree char *train = format_brief_metrics(&r->train, printer->task, "");
  g_autofree char *val =
      isnan(r->val.loss) ? g_strdup("")
                         : format_brief_metrics(&r->val, printer->task, "val_");
  fprintf(stderr, "%sepoch %zu/%zu  %s  %s%slr %.3g  %.2fs\n",
          printer->tty ? "\r\033[K" : "", r->epoch, p->epochs, train, val,
          *val ? "  " : "", r->lr, r->seconds);
}
