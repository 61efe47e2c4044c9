/* Periodic checkpoints during nnlab train (checkpointer.h): an epoch hook
 * that saves epoch-N.h5 and best.h5 and prunes the oldest epoch files. It
 * deletes only files it knows as its own (epoch-*.h5 and the temporaries of
 * atomic saves), and it never changes the run it saves. */
#include "checkpointer.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

/* A temporary of an atomic save: ".NAME.h5.XXXXXX" (see atomic_file.c). */
static gboolean is_temporary(const char *name) {
  const char *h5 = g_strrstr(name, ".h5.");
  return name[0] == '.' && h5 && strlen(h5) == strlen(".h5.XXXXXX") &&
         (g_str_has_prefix(name, ".epoch-") ||
          g_str_has_prefix(name, ".best.h5.") ||
          g_str_has_prefix(name, ".model.h5."));
}

/* Deletes the temporaries that a killed run left in directory. Nothing
 * else writes there while this process holds the run lock. */
static void remove_stale_temporaries(const char *directory) {
  g_autoptr(GDir) dir = g_dir_open(directory, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    if (!is_temporary(name)) continue;
    g_autofree char *path = g_build_filename(directory, name, NULL);
    g_unlink(path);
  }
}

gboolean checkpointer_init(checkpointer *c, const nnlab_run *run,
                           const char *out_dir, size_t every, size_t keep,
                           GError **error) {
  c->run = run;
  c->every = every;
  c->keep = MAX(keep, 1);
  c->best_val_loss = INFINITY;
  c->directory = g_build_filename(out_dir, "checkpoints", NULL);
  remove_stale_temporaries(out_dir);
  remove_stale_temporaries(c->directory);
  return !every || nnlab_make_output_directory(c->directory, error);
}

void checkpointer_clear(checkpointer *c) {
  g_clear_pointer(&c->directory, g_free);
}

static gint compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Deletes the oldest epoch-*.h5 files beyond the newest keep. */
static void prune(const checkpointer *c) {
  g_autoptr(GDir) dir = g_dir_open(c->directory, 0, NULL);
  if (!dir) return;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (g_str_has_prefix(name, "epoch-") && g_str_has_suffix(name, ".h5"))
      g_ptr_array_add(names, g_strdup(name));
  g_ptr_array_sort(names, compare_names);
  for (guint i = 0; i + c->keep < names->len; i++) {
    g_autofree char *path =
        g_build_filename(c->directory, g_ptr_array_index(names, i), NULL);
    g_unlink(path);
  }
}

gboolean checkpointer_epoch_done(nnlab_trainer *trainer,
                                 const nnlab_epoch_record *record,
                                 void *user_data, GError **error) {
  (void)trainer;
  checkpointer *c = user_data;
  if (!c->every || record->epoch % c->every != 0) return TRUE;
  nnlab_model_file file = nnlab_run_describe(c->run);
  g_autofree char *name = g_strdup_printf("epoch-%06zu.h5", record->epoch);
  g_autofree char *path = g_build_filename(c->directory, name, NULL);
  if (!nnlab_model_file_save(&file, path, error)) return FALSE;
  prune(c);
  if (!isnan(record->val.loss) && record->val.loss < c->best_val_loss) {
    c->best_val_loss = record->val.loss;
    g_autofree char *best = g_build_filename(c->directory, "best.h5", NULL);
    if (!nnlab_model_file_save(&file, best, error)) return FALSE;
  }
  return TRUE;
}
