/* nnlab_file_verify: it visits every link of an nnlab file in name order
 * and checks each array it reaches against its checksum (h5_checksum.h),
 * reading the values in blocks. A damaged array is recorded and the walk
 * goes on, so one report lists them all. The file is opened read-only. */
#include <string.h>

#include <nnlab/file_verify.h>
#include <nnlab/files.h>

#include "io/h5_attrs.h"
#include "io/h5_checksum.h"

typedef struct walk {
  const char *path;
  gboolean checksums;
  GArray *arrays; /* nnlab_array_check */
} walk;

static void record(walk *w, char *array, uint64_t n_values,
                   nnlab_array_state state, char *problem) {
  nnlab_array_check check = {array, n_values, state, problem};
  g_array_append_val(w->arrays, check);
}

/* message without the "FILE: ARRAY: " its helpers start with. */
static char *problem_text(const walk *w, const char *array,
                          const char *message) {
  g_autofree char *prefix = g_strdup_printf("%s: %s: ", w->path, array);
  return g_strdup(g_str_has_prefix(message, prefix) ? message + strlen(prefix)
                                                    : message);
}

static void check_array(walk *w, hid_t set, const char *name) {
  char *array = g_strconcat("/", name, NULL);
  hid_t space = H5Dget_space(set);
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  if (space >= 0) H5Sclose(space);
  uint64_t n_values = n > 0 ? (uint64_t)n : 0;
  GError *error = NULL;
  gboolean present = FALSE;
  guint32 expected = 0, found = 0;
  if (!h5_checksum_stored(set, w->path, array, &present, &expected, &error) ||
      !h5_checksum_of_stored(set, w->path, array, &found, &error)) {
    record(w, array, n_values, NNLAB_ARRAY_DAMAGED,
           problem_text(w, array, error->message));
    g_error_free(error);
  } else if (!present && w->checksums) {
    record(w, array, n_values, NNLAB_ARRAY_DAMAGED,
           g_strdup("attribute '" H5_CHECKSUM_ATTRIBUTE
                    "' is missing, though the file has one for every array "
                    "(the file is damaged)"));
  } else if (!present) {
    record(w, array, n_values, NNLAB_ARRAY_UNCHECKED, NULL);
  } else if (found != expected) {
    record(w, array, n_values, NNLAB_ARRAY_DAMAGED,
           g_strdup("checksum mismatch (the file is damaged)"));
  } else {
    record(w, array, n_values, NNLAB_ARRAY_OK, NULL);
  }
}

static herr_t visit_link(hid_t group, const char *name, const H5L_info_t *info,
                         void *data) {
  walk *w = data;
  if (info->type != H5L_TYPE_HARD) return 0;
  hid_t object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) {
    record(w, g_strconcat("/", name, NULL), 0, NNLAB_ARRAY_DAMAGED,
           g_strdup("cannot open (the file is damaged)"));
    return 0;
  }
  if (H5Iget_type(object) == H5I_DATASET) check_array(w, object, name);
  H5Oclose(object);
  return 0;
}

/* The root's format attribute, which must name an nnlab file. */
static gboolean read_format(hid_t file, const char *path, char **format,
                            GError **error) {
  g_autofree char *where = g_strdup_printf("%s: /", path);
  if (!h5_attr_read_string(file, "format", where, format, error)) return FALSE;
  if (g_strcmp0(*format, "nnlab-model") == 0 ||
      g_strcmp0(*format, "nnlab-dataset") == 0)
    return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: not an nnlab model, checkpoint or dataset (root "
              "attribute 'format' is %s)",
              path, *format ? *format : "missing");
  return FALSE;
}

static gboolean walk_file(nnlab_file_check *check, hid_t file, GError **error) {
  walk w = {check->path, FALSE,
            g_array_new(FALSE, TRUE, sizeof(nnlab_array_check))};
  gboolean ok = read_format(file, check->path, &check->format, error) &&
                h5_checksums_declared(file, check->path, &w.checksums, error);
  if (ok && H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit_link, &w) < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot list its groups (the file is damaged)",
                check->path);
    ok = FALSE;
  }
  check->checksums = w.checksums;
  check->n_arrays = w.arrays->len;
  check->arrays = (nnlab_array_check *)g_array_free(w.arrays, FALSE);
  for (size_t i = 0; i < check->n_arrays; i++) {
    nnlab_array_state state = check->arrays[i].state;
    check->n_ok += state == NNLAB_ARRAY_OK;
    check->n_unchecked += state == NNLAB_ARRAY_UNCHECKED;
    check->n_damaged += state == NNLAB_ARRAY_DAMAGED;
  }
  return ok;
}

nnlab_file_check *nnlab_file_verify(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  /* A FIFO or a device would block or be read as data: refused first. */
  if (!nnlab_check_input_file(path, error)) return NULL;
  nnlab_file_check *check = g_new0(nnlab_file_check, 1);
  check->path = g_strdup(path);
  h5_silence silence;
  h5_silence_errors(&silence);
  hid_t file = -1;
  gboolean ok = FALSE;
  if (H5Fis_hdf5(path) <= 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: not an HDF5 file (truncated or another format?)", path);
  else if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot open as HDF5 (truncated or corrupt?)", path);
  else
    ok = walk_file(check, file, error);
  if (file >= 0) H5Fclose(file);
  h5_unsilence_errors(&silence);
  if (!ok) g_clear_pointer(&check, nnlab_file_check_free);
  return check;
}

void nnlab_file_check_free(nnlab_file_check *check) {
  if (!check) return;
  for (size_t i = 0; i < check->n_arrays; i++) {
    g_free(check->arrays[i].path);
    g_free(check->arrays[i].problem);
  }
  g_free(check->arrays);
  g_free(check->format);
  g_free(check->path);
  g_free(check);
}
