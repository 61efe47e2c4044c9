/* Finding an earlier run (model.h5 or checkpoints) in nnlab train's output
 * directory, and refusing to mix a new run with it unless --force. With
 * --force it deletes only model.h5 and the checkpoint files, nothing else
 * in the directory. The caller holds the run lock. */
#include "earlier_run.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

/* Files of checkpoints/ that a run writes (checkpointer.c). */
static gboolean is_checkpoint(const char *name) {
  return strcmp(name, "best.h5") == 0 ||
         (g_str_has_prefix(name, "epoch-") && g_str_has_suffix(name, ".h5"));
}

/* The newest epoch checkpoint's name, or NULL; with delete, removes every
 * checkpoint instead. */
static char *checkpoints(const char *directory, gboolean delete,
                         gboolean *found) {
  g_autoptr(GDir) dir = g_dir_open(directory, 0, NULL);
  char *newest = NULL;
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    if (!is_checkpoint(name)) continue;
    *found = TRUE;
    if (delete) {
      g_autofree char *path = g_build_filename(directory, name, NULL);
      g_unlink(path);
    } else if (strcmp(name, "best.h5") != 0 &&
               (!newest || strcmp(name, newest) > 0)) {
      g_free(newest);
      newest = g_strdup(name);
    }
  }
  return newest;
}

gboolean earlier_run_check(const char *out_dir, gboolean replace,
                           GError **error) {
  g_autofree char *model = g_build_filename(out_dir, "model.h5", NULL);
  g_autofree char *saved = g_build_filename(out_dir, "checkpoints", NULL);
  gboolean has_model = g_file_test(model, G_FILE_TEST_EXISTS);
  gboolean has_checkpoints = FALSE;
  g_autofree char *newest = checkpoints(saved, replace, &has_checkpoints);
  if (!has_model && !has_checkpoints) return TRUE;
  g_autofree char *shown = nnlab_excerpt(out_dir);
  if (replace) {
    g_unlink(model);
    fprintf(stderr, "nnlab: replacing the earlier run in %s (--force)\n",
            shown);
    return TRUE;
  }
  g_autofree char *resume =
      has_model ? g_strdup(model)
                : g_build_filename(saved, newest ? newest : "best.h5", NULL);
  g_autofree char *shown_resume = nnlab_excerpt(resume);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s already holds a run (%s); continue it with --resume %s, or "
              "replace it with --force",
              shown, has_model ? "model.h5" : "checkpoints", shown_resume);
  return FALSE;
}
