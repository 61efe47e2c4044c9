/* Drawing nnlab compare's plots with PLplot: curves (mean and band over
 * the seeds, against epochs, steps or samples), learning-rate sweeps and
 * 2-D trajectories, from a comparison that has run; it trains nothing.
 * PLplot keeps global state: plots are drawn one at a time, on the
 * calling thread. */
#include "compare_plots.h"

#include <math.h>
#include <plplot.h>
#include <string.h>

#include <glib/gstdio.h>

#define N_COLORS 10
#define LINE_COLOR(i) (2 + (int)((i) % N_COLORS))
#define BAND_COLOR(i) (2 + N_COLORS + (int)((i) % N_COLORS))
#define GRID_COLOR (2 + 2 * N_COLORS)
#define CONTOUR_COLOR (GRID_COLOR + 1)
#define LOG_DECADES 12 /* the most a log axis shows */
#define CONTOUR_GRID 200
#define CONTOUR_LEVELS 18
/* Each page puts its legend at the right edge, measured first so that the
 * plot leaves it the room its longest name needs; the plot takes the rest.
 * Widths are fractions of the page. */
#define LEGEND_TEXT_SCALE 0.8
#define LEGEND_TEXT_OFFSET 0.8 /* between line sample and text, in chars */
#define LEGEND_LINE 0.05       /* the line sample */
#define LEGEND_MARGIN 0.01     /* between the legend and the page's edge */
#define LEGEND_GAP 0.03        /* between the plot and the legend */
#define LEGEND_MAX 0.35        /* wider labels are drawn smaller */

/* Matplotlib's "tab10". */
static const int palette[N_COLORS][3] = {
    {31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
    {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
    {188, 189, 34},  {23, 190, 207}};

/* The cairo driver for the format, checked before plinit (which exits the
 * process when a driver is missing). */
static gboolean pick_device(const char *format, const char **device,
                            GError **error) {
  *device = strcmp(format, "svg") == 0 ? "svgcairo" : "pngcairo";
  const char *menus[128], *names[128];
  const char **menu_list = menus, **name_list = names;
  int n = G_N_ELEMENTS(names);
  plgDevs(&menu_list, &name_list, &n);
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], *device) == 0) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
              "PLplot has no %s driver, so no plots were drawn (install "
              "plplot-driver-cairo)",
              *device);
  return FALSE;
}

/* Draws the legend at the page's right edge (colors NULL: all in the
 * foreground colour); returns its width as a fraction of the page. */
static double draw_legend(size_t n, const char *const *labels,
                          const int *colors, double scale) {
  g_autofree PLINT *options = g_new(PLINT, MAX(n, 1));
  g_autofree PLINT *styles = g_new(PLINT, MAX(n, 1));
  g_autofree PLINT *line_colors = g_new(PLINT, MAX(n, 1));
  g_autofree PLINT *text_colors = g_new(PLINT, MAX(n, 1));
  g_autofree PLFLT *widths = g_new(PLFLT, MAX(n, 1));
  for (size_t i = 0; i < n; i++) {
    options[i] = PL_LEGEND_LINE;
    styles[i] = 1;
    line_colors[i] = colors ? colors[i] : 1;
    text_colors[i] = 1;
    widths[i] = 2.5;
  }
  PLFLT width = 0, height = 0;
  plschr(0, scale);
  pllegend(&width, &height, PL_LEGEND_BACKGROUND,
           PL_POSITION_RIGHT | PL_POSITION_INSIDE | PL_POSITION_SUBPAGE,
           LEGEND_MARGIN, 0.0, LEGEND_LINE, 0, 1, 1, 0, 0, (PLINT)n, options,
           LEGEND_TEXT_OFFSET, scale, 2.0, 0.0, text_colors, labels, NULL, NULL,
           NULL, NULL, line_colors, styles, widths, NULL, NULL, NULL, NULL);
  return width;
}

/* The legend's width at text scale. PLplot exports no way to measure
 * text (plstrl is private), but pllegend measures its labels with the
 * driver's own fonts: so the legend is drawn on a scratch stream of the
 * same driver and page size, whose page is thrown away. */
static double legend_width(const char *device, int width, int height, size_t n,
                           const char *const *labels, double scale) {
  PLINT page = 0, scratch = 0;
  plgstrm(&page);
  plmkstrm(&scratch);
  plsdev(device);
  plsfnam("/dev/null");
  plspage(0, 0, width, height, 0, 0);
  plinit();
  pladv(0);
  plvpor(0, 1, 0, 1);
  plwind(0, 1, 0, 1);
  double legend = draw_legend(n, labels, NULL, scale);
  plend1();
  plsstrm(page);
  return legend;
}

/* Opens the page and sets the plot's viewport, leaving room at the right
 * for a legend of labels so that none is cut (a label longer than
 * LEGEND_MAX allows is drawn smaller). Returns the legend's text scale. */
static double begin_page(const char *device, const char *path, int width,
                         int height, size_t n_labels,
                         const char *const *labels) {
  double scale = LEGEND_TEXT_SCALE;
  double legend = legend_width(device, width, height, n_labels, labels, scale);
  if (legend > LEGEND_MAX) {
    scale *= LEGEND_MAX / legend;
    legend = legend_width(device, width, height, n_labels, labels, scale);
  }
  plsdev(device);
  plsfnam(path);
  plspage(0, 0, width, height, 0, 0);
  plscmap0n(CONTOUR_COLOR + 1);
  plscol0a(0, 255, 255, 255, 1.0);
  plscol0a(1, 0, 0, 0, 1.0);
  for (int i = 0; i < N_COLORS; i++) {
    plscol0a(LINE_COLOR(i), palette[i][0], palette[i][1], palette[i][2], 1.0);
    plscol0a(BAND_COLOR(i), palette[i][0], palette[i][1], palette[i][2], 0.18);
  }
  plscol0a(GRID_COLOR, 215, 215, 215, 1.0);
  plscol0a(CONTOUR_COLOR, 150, 165, 200, 1.0);
  plinit();
  pladv(0);
  /* The legend goes right of the plot, where it hides no data. */
  plvpor(0.09, 1 - LEGEND_MARGIN - legend - LEGEND_GAP, 0.11, 0.88);
  return scale;
}

/* Labels on a log y axis at 1, 2, 5 x 10^k (more steps when the window
 * spans little, only powers of ten when it spans much), with grid lines. */
static void log_y_labels(const double window[4]) {
  static const double fine[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9};
  static const double medium[] = {1, 2, 3, 5, 7};
  static const double coarse[] = {1, 2, 5};
  static const double decades[] = {1};
  double lo = window[2], hi = window[3], span = hi - lo;
  const double *steps = span < 0.6   ? fine
                        : span < 1.5 ? medium
                        : span < 3   ? coarse
                                     : decades;
  size_t n_steps = span < 0.6   ? G_N_ELEMENTS(fine)
                   : span < 1.5 ? G_N_ELEMENTS(medium)
                   : span < 3   ? G_N_ELEMENTS(coarse)
                                : 1;
  int stride = span > 8 ? 2 : 1;
  plschr(0, 0.9);
  for (int k = (int)floor(lo); k <= (int)ceil(hi); k++) {
    if (k % stride) continue;
    for (size_t i = 0; i < n_steps; i++) {
      double value = steps[i] * pow(10, k), y = log10(value);
      if (y < lo || y > hi) continue;
      plcol0(GRID_COLOR);
      pljoin(window[0], y, window[1], y);
      plcol0(1);
      g_autofree char *text = g_strdup_printf("%.3g", value);
      plmtex("lv", 0.8, (y - lo) / span, 1.0, text);
    }
  }
}

/* Axes with a light grid (log_x and log_y draw log scales), the
 * comparison's title and a line saying what the plot shows. */
static void draw_axes(const double window[4], gboolean grid, gboolean log_x,
                      gboolean log_y, const char *x_label, const char *y_label,
                      const char *title, const char *subtitle) {
  plwind(window[0], window[1], window[2], window[3]);
  plwidth(1.0);
  plcol0(GRID_COLOR);
  if (grid) plbox(log_x ? "gl" : "g", 0, 0, log_y ? "" : "g", 0, 0);
  if (log_y) log_y_labels(window);
  plcol0(1);
  plschr(0, 0.9);
  plbox(log_x ? "bcnstl" : "bcnst", 0, 0, log_y ? "bcstl" : "bcnstv", 0, 0);
  pllab(x_label, y_label, "");
  plmtex("t", 2.6, 0.5, 0.5, title);
  plschr(0, 0.75);
  plmtex("t", 1.0, 0.5, 0.5, subtitle);
}

/* ---- Curves ------------------------------------------------------------ */

/* One candidate's curve: mean and band over its seeds, per epoch where
 * at least one run has a value (already log10 when log). */
typedef struct band {
  size_t n;
  double *x, *mean, *lo, *hi;
  size_t n_marks; /* where runs diverged */
  double *mark_x, *mark_y;
} band;

static void band_clear(band *b) {
  g_free(b->x);
  g_free(b->mean);
  g_free(b->lo);
  g_free(b->hi);
  g_free(b->mark_x);
  g_free(b->mark_y);
}

static double to_axis(double v, gboolean log) {
  return log ? log10(v) : v;
}

/* Where epoch e (0-based) of run ends on the x axis: the epoch, or the
 * steps or samples the run recorded there (NaN if none). */
static double x_of(const nnlab_compare *c, const nnlab_compare_run *run,
                   size_t e) {
  if (c->x_axis == NNLAB_COMPARE_X_STEP) return run->steps[e];
  if (c->x_axis == NNLAB_COMPARE_X_SAMPLES) return run->samples[e];
  return (double)(e + 1);
}

/* A diverged run's mark: the end of the epoch it diverged in (on the step
 * and samples axes, the step that diverged), or else of its last epoch. */
static double divergence_x(const nnlab_compare *c,
                           const nnlab_compare_run *run) {
  size_t e = MAX(run->diverged_epoch, 1) - 1;
  if (c->x_axis == NNLAB_COMPARE_X_EPOCH) return (double)(e + 1);
  if (e < run->n_epochs && isfinite(x_of(c, run, e))) return x_of(c, run, e);
  return run->epochs_done ? x_of(c, run, run->epochs_done - 1) : NAN;
}

static void band_for(const nnlab_compare *c, const nnlab_compare_row *row,
                     nnlab_compare_metric metric, gboolean log, band *out) {
  size_t n_runs = 0, length = 0;
  g_autofree const nnlab_compare_run **runs =
      nnlab_compare_row_runs(c, row, &n_runs);
  for (size_t k = 0; k < n_runs; k++) length = MAX(length, runs[k]->n_epochs);
  memset(out, 0, sizeof *out);
  out->x = g_new(double, MAX(length, 1));
  out->mean = g_new(double, MAX(length, 1));
  out->lo = g_new(double, MAX(length, 1));
  out->hi = g_new(double, MAX(length, 1));
  out->mark_x = g_new(double, MAX(n_runs, 1));
  out->mark_y = g_new(double, MAX(n_runs, 1));
  g_autofree double *values = g_new(double, MAX(n_runs, 1));
  for (size_t e = 0; e < length; e++) {
    size_t count = 0;
    /* The seeds of a candidate take the same steps on the same data. */
    double x = NAN;
    for (size_t k = 0; k < n_runs; k++) {
      const nnlab_compare_run *run = runs[k];
      if (e >= run->n_epochs || run->states[e] != NNLAB_COMPARE_EPOCH_TRAINED)
        continue;
      double v = run->curves[metric][e];
      if (isfinite(v) && (!log || v > 0)) values[count++] = v;
      if (isnan(x)) x = x_of(c, run, e);
    }
    if (!count || !isfinite(x)) continue;
    double sum = 0, lo = values[0], hi = values[0], squares = 0;
    for (size_t i = 0; i < count; i++) {
      sum += values[i];
      lo = MIN(lo, values[i]);
      hi = MAX(hi, values[i]);
    }
    double mean = sum / (double)count;
    for (size_t i = 0; i < count; i++)
      squares += (values[i] - mean) * (values[i] - mean);
    if (c->std_band) {
      double std = count > 1 ? sqrt(squares / (double)(count - 1)) : 0;
      hi = mean + std;
      lo = log && mean - std <= 0 ? lo : mean - std;
    }
    out->x[out->n] = x;
    out->mean[out->n] = to_axis(mean, log);
    out->lo[out->n] = to_axis(lo, log);
    out->hi[out->n] = to_axis(hi, log);
    out->n++;
  }
  for (size_t k = 0; k < n_runs; k++) {
    const nnlab_compare_run *run = runs[k];
    if (run->status != NNLAB_COMPARE_DIVERGED) continue;
    double x = divergence_x(c, run);
    if (!isfinite(x)) continue;
    size_t last = run->epochs_done;
    double v = last ? run->curves[metric][last - 1] : NAN;
    out->mark_x[out->n_marks] = x;
    out->mark_y[out->n_marks++] =
        isfinite(v) && (!log || v > 0) ? to_axis(v, log) : NAN;
  }
}

/* The y window over every band, at most LOG_DECADES decades on a log
 * axis, with a margin. */
static gboolean y_window(const band *bands, size_t n, gboolean log, double *lo,
                         double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    for (size_t e = 0; e < bands[i].n; e++) {
      *lo = MIN(*lo, bands[i].lo[e]);
      *hi = MAX(*hi, bands[i].hi[e]);
    }
  if (!isfinite(*lo) || !isfinite(*hi)) return FALSE;
  if (log) *lo = MAX(*lo, *hi - LOG_DECADES);
  double margin = MAX((*hi - *lo) * 0.05, log ? 0.05 : 1e-6);
  *lo -= margin;
  *hi += margin;
  return TRUE;
}

/* The x window. Epochs run from 1. Steps and samples run from 0, or on a
 * log scale when some curve would end within the first tenth of the axis
 * (batch GD's few steps beside stochastic GD's many); then every x value
 * becomes its log10. Returns whether the axis is logarithmic. */
static gboolean x_window(const nnlab_compare *c, band *bands, size_t n,
                         double window[2]) {
  double first = INFINITY, last = 0, shortest = INFINITY;
  for (size_t i = 0; i < n; i++) {
    const band *b = &bands[i];
    for (size_t e = 0; e < b->n; e++) {
      first = MIN(first, b->x[e]);
      last = MAX(last, b->x[e]);
    }
    for (size_t k = 0; k < b->n_marks; k++) last = MAX(last, b->mark_x[k]);
    if (b->n) shortest = MIN(shortest, b->x[b->n - 1]);
  }
  gboolean log = c->x_axis != NNLAB_COMPARE_X_EPOCH && isfinite(shortest) &&
                 shortest < last / 10 && first > 0;
  if (!log) {
    window[0] = c->x_axis == NNLAB_COMPARE_X_EPOCH ? 1 : 0;
    window[1] = MAX(last, window[0] + 1);
    return FALSE;
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t e = 0; e < bands[i].n; e++)
      bands[i].x[e] = log10(bands[i].x[e]);
    for (size_t k = 0; k < bands[i].n_marks; k++)
      bands[i].mark_x[k] = log10(MAX(bands[i].mark_x[k], first));
  }
  double margin = 0.02 * (log10(last) - log10(first));
  window[0] = log10(first) - margin;
  window[1] = log10(last) + margin;
  return TRUE;
}

static const char *x_label(const nnlab_compare *c) {
  switch (c->x_axis) {
    case NNLAB_COMPARE_X_STEP:
      return "optimizer steps";
    case NNLAB_COMPARE_X_SAMPLES:
      return "training samples seen";
    case NNLAB_COMPARE_X_EPOCH:
      break;
  }
  return c->epoch_unit;
}

static char *row_label(const nnlab_compare *c, const nnlab_compare_row *row) {
  const nnlab_compare_candidate *cand = &c->candidates[row->candidate];
  if (cand->n_lrs > 1)
    return g_strdup_printf("%s (lr %.3g)", cand->name, row->lr);
  return g_strdup(cand->name);
}

/* The rows' labels, NULL-terminated; g_strfreev it. */
static char **row_labels(const nnlab_compare *c) {
  char **labels = g_new0(char *, c->n_rows + 1);
  for (size_t i = 0; i < c->n_rows; i++) labels[i] = row_label(c, &c->rows[i]);
  return labels;
}

static void draw_bands(const band *bands, size_t n, const double window[4]) {
  for (size_t i = 0; i < n; i++) {
    const band *b = &bands[i];
    if (b->n < 2) continue;
    g_autofree double *px = g_new(double, 2 * b->n);
    g_autofree double *py = g_new(double, 2 * b->n);
    for (size_t e = 0; e < b->n; e++) {
      px[e] = px[2 * b->n - 1 - e] = b->x[e];
      py[e] = MAX(b->hi[e], window[2]);
      py[2 * b->n - 1 - e] = MAX(b->lo[e], window[2]);
    }
    plcol0(BAND_COLOR(i));
    plfill((PLINT)(2 * b->n), px, py);
  }
}

static void draw_means(const band *bands, size_t n, const double window[4]) {
  for (size_t i = 0; i < n; i++) {
    const band *b = &bands[i];
    plcol0(LINE_COLOR(i));
    plwidth(2.5);
    if (b->n > 1) plline((PLINT)b->n, b->x, b->mean);
    if (b->n == 1) plpoin(1, b->x, b->mean, 17);
    plwidth(1.5);
    plssym(0, 1.6);
    for (size_t k = 0; k < b->n_marks; k++) {
      double y = isnan(b->mark_y[k]) ? window[3] : b->mark_y[k];
      plpoin(1, &b->mark_x[k], &y, 5);
    }
  }
}

static gboolean plot_curves(const nnlab_compare *c, const char *device,
                            const char *path, nnlab_compare_metric metric) {
  gboolean log = !nnlab_compare_metric_higher_is_better(metric);
  size_t n = c->n_rows;
  g_autofree band *bands = g_new0(band, n);
  for (size_t i = 0; i < n; i++)
    band_for(c, &c->rows[i], metric, log, &bands[i]);
  double window[4];
  gboolean log_x = x_window(c, bands, n, window);
  gboolean any = y_window(bands, n, log, &window[2], &window[3]);
  if (any) {
    g_auto(GStrv) labels = row_labels(c);
    double scale =
        begin_page(device, path, 900, 620, n, (const char *const *)labels);
    const char *name = c->kind == NNLAB_COMPARE_DATASET
                           ? nnlab_compare_metric_name(metric)
                           : "f(x) - f(x*)";
    g_autofree char *subtitle =
        g_strdup_printf("%s: %s over %zu seed%s (x: a run diverged)", name,
                        c->std_band ? "mean +- std" : "mean and min..max",
                        c->n_seeds, c->n_seeds == 1 ? "" : "s");
    draw_axes(window, TRUE, log_x, log, x_label(c), name, c->title, subtitle);
    draw_bands(bands, n, window);
    draw_means(bands, n, window);
    g_autofree int *colors = g_new(int, n);
    for (size_t i = 0; i < n; i++) colors[i] = LINE_COLOR(i);
    draw_legend(n, (const char *const *)labels, colors, scale);
    plend();
  }
  for (size_t i = 0; i < n; i++) band_clear(&bands[i]);
  return any;
}

/* ---- Learning-rate sweeps ---------------------------------------------- */

/* Per grid point of candidate: the final sweep metric over the seeds that
 * neither diverged nor failed (mean, min, max; NaN when none) and the
 * number of seeds that did. */
static void sweep_point(const nnlab_compare *c, size_t candidate, size_t l,
                        double out[4]) {
  out[0] = out[1] = out[2] = NAN;
  out[3] = 0;
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < c->n_runs; i++) {
    const nnlab_compare_run *run = &c->runs[i];
    double v = run->final[c->sweep_metric];
    if (run->candidate != candidate || run->lr_index != l) continue;
    if (!isfinite(v)) {
      out[3]++;
      continue;
    }
    out[1] = count ? MIN(out[1], v) : v;
    out[2] = count ? MAX(out[2], v) : v;
    sum += v;
    count++;
  }
  if (count) out[0] = sum / (double)count;
}

static gboolean plot_sweep(const nnlab_compare *c, const char *device,
                           const char *path) {
  gboolean log = !nnlab_compare_metric_higher_is_better(c->sweep_metric);
  double window[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
  for (size_t i = 0; i < c->n_candidates; i++) {
    const nnlab_compare_candidate *cand = &c->candidates[i];
    if (cand->n_lrs < 2) continue;
    for (size_t l = 0; l < cand->n_lrs; l++) {
      double p[4];
      sweep_point(c, i, l, p);
      window[0] = MIN(window[0], log10(cand->lrs[l]));
      window[1] = MAX(window[1], log10(cand->lrs[l]));
      if (isnan(p[0]) || (log && p[1] <= 0)) continue;
      window[2] = MIN(window[2], to_axis(p[1], log));
      window[3] = MAX(window[3], to_axis(p[2], log));
    }
  }
  if (!isfinite(window[0]) || !isfinite(window[2])) return FALSE;
  if (log) window[2] = MAX(window[2], window[3] - LOG_DECADES);
  double dx = MAX((window[1] - window[0]) * 0.06, 0.1);
  double dy = MAX((window[3] - window[2]) * 0.06, log ? 0.04 : 1e-6);
  /* A row above the data per swept candidate for its divergence marks. */
  size_t n_swept = 0;
  for (size_t i = 0; i < c->n_candidates; i++)
    n_swept += c->candidates[i].n_lrs > 1;
  double marks = window[3] + dy;
  window[0] -= dx;
  window[1] += dx;
  window[2] -= dy;
  window[3] += dy * (1.5 + (double)n_swept);
  g_autoptr(GPtrArray) labels = g_ptr_array_new();
  for (size_t i = 0; i < c->n_candidates; i++)
    if (c->candidates[i].n_lrs > 1)
      g_ptr_array_add(labels, c->candidates[i].name);
  double scale = begin_page(device, path, 900, 620, labels->len,
                            (const char *const *)labels->pdata);
  const char *metric = nnlab_compare_metric_name(c->sweep_metric);
  g_autofree char *y_label = g_strdup_printf("final %s", metric);
  g_autofree char *subtitle = g_strdup_printf(
      "final %s by learning rate: mean and min..max over the seeds "
      "(o: chosen; x: a seed diverged)",
      metric);
  draw_axes(window, TRUE, TRUE, log, "learning rate", y_label, c->title,
            subtitle);
  g_autoptr(GArray) colors = g_array_new(FALSE, FALSE, sizeof(int));
  for (size_t i = 0; i < c->n_candidates; i++) {
    const nnlab_compare_candidate *cand = &c->candidates[i];
    if (cand->n_lrs < 2) continue;
    int color = LINE_COLOR(colors->len);
    g_autofree double *x = g_new(double, cand->n_lrs);
    g_autofree double *y = g_new(double, cand->n_lrs);
    size_t n = 0;
    plcol0(color);
    for (size_t l = 0; l < cand->n_lrs; l++) {
      double p[4], lx = log10(cand->lrs[l]);
      sweep_point(c, i, l, p);
      plwidth(1.5);
      plssym(0, 1.6);
      if (p[3] > 0) {
        double row = marks + dy * (double)colors->len;
        plpoin(1, &lx, &row, 5);
      }
      if (isnan(p[0]) || (log && p[1] <= 0)) continue;
      double lo = to_axis(p[1], log), hi = to_axis(p[2], log);
      plerry(1, &lx, &lo, &hi);
      x[n] = lx;
      y[n++] = to_axis(p[0], log);
      if (l == cand->best_lr) plpoin(1, &x[n - 1], &y[n - 1], 4);
    }
    plwidth(2.5);
    if (n > 1) plline((PLINT)n, x, y);
    if (n) plpoin((PLINT)n, x, y, 17);
    g_array_append_val(colors, color);
  }
  draw_legend(colors->len, (const char *const *)labels->pdata,
              (int *)colors->data, scale);
  plend();
  return TRUE;
}

/* ---- Trajectories -------------------------------------------------------
 */

static void plot_trajectories(const nnlab_compare *c, const char *device,
                              const char *path) {
  const double *d = c->domain;
  PLFLT **z = NULL;
  plAlloc2dGrid(&z, CONTOUR_GRID, CONTOUR_GRID);
  double xg[CONTOUR_GRID], yg[CONTOUR_GRID], top = 0, bottom = INFINITY;
  for (int i = 0; i < CONTOUR_GRID; i++) {
    xg[i] = d[0] + (d[1] - d[0]) * i / (CONTOUR_GRID - 1);
    yg[i] = d[2] + (d[3] - d[2]) * i / (CONTOUR_GRID - 1);
  }
  for (int i = 0; i < CONTOUR_GRID; i++)
    for (int j = 0; j < CONTOUR_GRID; j++) {
      z[i][j] = nnlab_compare_function_value(c, xg[i], yg[j]);
      top = MAX(top, z[i][j]);
      if (z[i][j] > 0) bottom = MIN(bottom, z[i][j]);
    }
  bottom = MAX(bottom, top * 1e-5);
  double levels[CONTOUR_LEVELS];
  for (int i = 0; i < CONTOUR_LEVELS; i++)
    levels[i] = bottom * pow(top / bottom, (double)i / (CONTOUR_LEVELS - 1));
  size_t n = c->n_rows;
  g_auto(GStrv) labels = row_labels(c);
  double scale =
      begin_page(device, path, 860, 760, n, (const char *const *)labels);
  g_autofree char *subtitle = g_strdup_printf(
      "trajectories on %s, seed %" G_GUINT64_FORMAT " (o: start, *: minimum)",
      c->function, c->seeds[0]);
  draw_axes(d, FALSE, FALSE, FALSE, "x", "y", c->title, subtitle);
  PLcGrid grid = {xg, yg, NULL, CONTOUR_GRID, CONTOUR_GRID, 0};
  plcol0(CONTOUR_COLOR);
  plwidth(1.0);
  plcont((PLFLT_MATRIX)z, CONTOUR_GRID, CONTOUR_GRID, 1, CONTOUR_GRID, 1,
         CONTOUR_GRID, levels, CONTOUR_LEVELS, pltr1, &grid);
  plFree2dGrid(z, CONTOUR_GRID, CONTOUR_GRID);
  g_autofree int *colors = g_new(int, n);
  /* The best last, on top. */
  for (size_t i = n; i-- > 0;) {
    size_t n_runs = 0;
    g_autofree const nnlab_compare_run **runs =
        nnlab_compare_row_runs(c, &c->rows[i], &n_runs);
    const nnlab_compare_run *run = runs[0];
    g_autofree double *x = g_new(double, MAX(run->n_points, 1));
    g_autofree double *y = g_new(double, MAX(run->n_points, 1));
    for (size_t p = 0; p < run->n_points; p++) {
      x[p] = run->trajectory[2 * p];
      y[p] = run->trajectory[2 * p + 1];
    }
    plcol0(LINE_COLOR(i));
    plwidth(2.0);
    if (run->n_points > 1) plline((PLINT)run->n_points, x, y);
    plssym(0, 1.4);
    if (run->n_points)
      plpoin(1, &x[run->n_points - 1], &y[run->n_points - 1],
             run->status == NNLAB_COMPARE_DIVERGED ? 5 : 17);
    colors[i] = LINE_COLOR(i);
  }
  /* Every run starts at the same point. */
  size_t n_runs = 0;
  g_autofree const nnlab_compare_run **first =
      nnlab_compare_row_runs(c, &c->rows[0], &n_runs);
  double sx = first[0]->trajectory[0], sy = first[0]->trajectory[1];
  double mx = c->minimum[0], my = c->minimum[1];
  plcol0(1);
  plwidth(1.5);
  plssym(0, 1.4);
  plpoin(1, &sx, &sy, 4);
  plpoin(1, &mx, &my, 3);
  draw_legend(n, (const char *const *)labels, colors, scale);
  plend();
}

/* ---- All of them ------------------------------------------------------- */

typedef enum plot_kind { PLOT_CURVES, PLOT_SWEEP, PLOT_TRAJECTORIES } plot_kind;

/* One plot to draw onto the temporary file of an atomic replacement. */
typedef struct plot_job {
  const nnlab_compare *compare;
  const char *device;
  plot_kind kind;
  nnlab_compare_metric metric; /* PLOT_CURVES */
  gboolean drawn;              /* FALSE: there was nothing to plot */
} plot_job;

/* PLplot reports no write errors, so a file that does not end as its
 * format ends (PNG's IEND chunk, SVG's closing tag) was cut short by a
 * full disk or a file size limit. */
static gboolean plot_complete(const char *path, const char *format) {
  static const char png_end[] = {'I', 'E', 'N', 'D', '\xAE', 'B', '`', '\x82'};
  char tail[16] = {0};
  FILE *file = fopen(path, "rb");
  size_t got = 0;
  if (file && fseek(file, -(long)sizeof tail, SEEK_END) == 0)
    got = fread(tail, 1, sizeof tail, file);
  if (file) fclose(file);
  if (got != sizeof tail) return FALSE;
  if (strcmp(format, "svg") == 0)
    return g_strstr_len(tail, sizeof tail, "</svg>") != NULL;
  return memcmp(tail + sizeof tail - sizeof png_end, png_end, sizeof png_end) ==
         0;
}

static gboolean draw_plot(const char *temporary_path, const void *data,
                          GError **error) {
  plot_job *job = (plot_job *)data;
  const nnlab_compare *c = job->compare;
  if (job->kind == PLOT_CURVES) {
    job->drawn = plot_curves(c, job->device, temporary_path, job->metric);
  } else if (job->kind == PLOT_SWEEP) {
    job->drawn = plot_sweep(c, job->device, temporary_path);
  } else {
    plot_trajectories(c, job->device, temporary_path);
    job->drawn = TRUE;
  }
  if (!job->drawn) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
                        "nothing to plot");
    return FALSE;
  }
  if (!plot_complete(temporary_path, c->plot_format)) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                        "the plot was cut short (a full disk or a file size "
                        "limit?)");
    return FALSE;
  }
  return TRUE;
}

/* Writes DIR/NAME.FORMAT, never over a device, FIFO or directory; adds it
 * to written, or keeps the first error. */
static void write_plot(plot_job job, const char *dir, const char *name,
                       GPtrArray *written, GError **first_error) {
  char *path = g_strdup_printf("%s/%s.%s", dir, name, job.compare->plot_format);
  GError *error = NULL;
  if (nnlab_replace_file(path, draw_plot, &job, &error)) {
    g_ptr_array_add(written, path);
    return;
  }
  /* A plot with nothing to show is skipped without a word. */
  gboolean empty = !job.drawn && error->code == NNLAB_ERROR_NOT_FOUND;
  if (!empty && !*first_error)
    g_propagate_error(first_error, error);
  else
    g_error_free(error);
  g_free(path);
}

/* The curves to plot, train before val: the loss, and accuracy for
 * classification. Test functions have one curve, the loss. When
 * candidates train with different losses, one candidate's loss against
 * another's is the comparison the ranking refuses, so the loss curves
 * give way to the measure the table ranks by (sort_by, or the target's
 * metric when sorted by time to target): rmse, mae or r2 for regression,
 * accuracy for classification. A curve without values (no validation
 * data) is skipped when drawn. */
static size_t curve_metrics(const nnlab_compare *c,
                            nnlab_compare_metric curves[4]) {
  if (c->kind != NNLAB_COMPARE_DATASET) {
    curves[0] = NNLAB_COMPARE_TRAIN_LOSS;
    return 1;
  }
  if (c->mixed_losses) {
    nnlab_compare_metric ranking =
        c->sort_by < NNLAB_COMPARE_N_FINAL ? c->sort_by : c->target_metric;
    size_t measure = ranking % NNLAB_COMPARE_N_MEASURES;
    curves[0] = (nnlab_compare_metric)(NNLAB_COMPARE_TRAIN_LOSS + measure);
    curves[1] = (nnlab_compare_metric)(NNLAB_COMPARE_VAL_LOSS + measure);
    return 2;
  }
  curves[0] = NNLAB_COMPARE_TRAIN_LOSS;
  curves[1] = NNLAB_COMPARE_VAL_LOSS;
  if (c->task != NNLAB_TASK_CLASSIFICATION) return 2;
  curves[2] = NNLAB_COMPARE_TRAIN_ACCURACY;
  curves[3] = NNLAB_COMPARE_VAL_ACCURACY;
  return 4;
}

/* Removes the plots an earlier compare into dir may have left, so that
 * none of them (a train_accuracy.png from another spec, an svg beside the
 * new png) passes for this compare's. Only regular files with the names
 * compare writes: a FIFO or device there is not ours to remove (writing
 * the plot then fails with a warning naming it). */
static void remove_earlier_plots(const char *dir) {
  GPtrArray *names = g_ptr_array_new();
  for (int m = 0; m < NNLAB_COMPARE_N_CURVES; m++)
    g_ptr_array_add(names, (gpointer)nnlab_compare_metric_name(m));
  g_ptr_array_add(names, "loss");
  g_ptr_array_add(names, "lr_sweep");
  g_ptr_array_add(names, "trajectories");
  for (size_t i = 0; i < names->len; i++)
    for (const char *const *format = (const char *const[]){"png", "svg", NULL};
         *format; format++) {
      g_autofree char *path = g_strdup_printf(
          "%s/%s.%s", dir, (const char *)names->pdata[i], *format);
      GStatBuf st;
      if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode)) g_unlink(path);
    }
  g_ptr_array_unref(names);
}

gboolean compare_plots_write(const nnlab_compare *c, const char *dir,
                             GPtrArray *written, GError **error) {
  const char *device = NULL;
  if (!pick_device(c->plot_format, &device, error)) return FALSE;
  remove_earlier_plots(dir);
  GError *first_error = NULL;
  nnlab_compare_metric curves[4];
  size_t n_curves = curve_metrics(c, curves);
  for (size_t i = 0; i < n_curves; i++) {
    const char *name = c->kind == NNLAB_COMPARE_DATASET
                           ? nnlab_compare_metric_name(curves[i])
                           : "loss";
    plot_job job = {c, device, PLOT_CURVES, curves[i], FALSE};
    write_plot(job, dir, name, written, &first_error);
  }
  gboolean sweep = FALSE;
  for (size_t i = 0; i < c->n_candidates; i++)
    sweep |= c->candidates[i].n_lrs > 1;
  if (sweep) {
    plot_job job = {c, device, PLOT_SWEEP, 0, FALSE};
    write_plot(job, dir, "lr_sweep", written, &first_error);
  }
  if (c->kind == NNLAB_COMPARE_FUNCTION_2D) {
    plot_job job = {c, device, PLOT_TRAJECTORIES, 0, FALSE};
    write_plot(job, dir, "trajectories", written, &first_error);
  }
  if (first_error) g_propagate_error(error, first_error);
  return first_error == NULL;
}
