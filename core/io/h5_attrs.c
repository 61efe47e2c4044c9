/* HDF5 string and integer attributes of nnlab's files (h5_attrs.h), and
 * the switch for HDF5's own error printing. Variable-length strings are
 * read only after h5_heap_check.c has walked their heap, and long name
 * lists are refused before anything is allocated for them. */
#include "io/h5_attrs.h"

#include <string.h>

#include "io/h5_heap_check.h"

/* Name lists longer than this are refused before anything is allocated
 * for them (class names are at most 2^20). */
#define MAX_STRINGS (1 << 24)

/* Set once by a command-line --verbose before any file is read. */
static gboolean show_hdf5_errors;

void nnlab_show_hdf5_errors(gboolean show) {
  /* HDF5's default handler also prints when the library shuts down at
   * exit (e.g. "infinite loop closing library" after reading a corrupt
   * file), outside any nnlab call: set it process-wide too. */
  static gboolean saved;
  static H5E_auto2_t default_handler;
  static void *default_data;
  if (!saved) {
    H5Eget_auto2(H5E_DEFAULT, &default_handler, &default_data);
    saved = TRUE;
  }
  show_hdf5_errors = show;
  if (show)
    H5Eset_auto2(H5E_DEFAULT, default_handler, default_data);
  else
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void h5_silence_errors(h5_silence *saved) {
  H5Eget_auto2(H5E_DEFAULT, &saved->handler, &saved->data);
  if (!show_hdf5_errors) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void h5_unsilence_errors(const h5_silence *saved) {
  H5Eset_auto2(H5E_DEFAULT, saved->handler, saved->data);
}

static void close_all(hid_t attr, hid_t type, hid_t space) {
  if (attr >= 0) H5Aclose(attr);
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
}

static hid_t utf8_string_type(void) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

static gboolean write_attribute(hid_t object, const char *name, hid_t type,
                                hid_t space, const void *data, GError **error) {
  hid_t attr = type >= 0 && space >= 0 ? H5Acreate2(object, name, type, space,
                                                    H5P_DEFAULT, H5P_DEFAULT)
                                       : -1;
  gboolean ok = attr >= 0 && H5Awrite(attr, type, data) >= 0;
  close_all(attr, type, space);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "cannot write attribute '%s'", name);
  return ok;
}

gboolean h5_attr_write_string(hid_t object, const char *name, const char *value,
                              GError **error) {
  return write_attribute(object, name, utf8_string_type(),
                         H5Screate(H5S_SCALAR), &value, error);
}

gboolean h5_attr_write_strings(hid_t object, const char *name,
                               const char *const *values, size_t n_values,
                               GError **error) {
  hsize_t dims[1] = {n_values};
  return write_attribute(object, name, utf8_string_type(),
                         H5Screate_simple(1, dims, NULL), values, error);
}

gboolean h5_attr_write_int(hid_t object, const char *name, int value,
                           GError **error) {
  return write_attribute(object, name, H5Tcopy(H5T_STD_I32LE),
                         H5Screate(H5S_SCALAR), &value, error);
}

/* Opens name on object: 1 if present, 0 if absent, -1 on error. */
static int open_attribute(hid_t object, const char *name, const char *where,
                          hid_t *attr, GError **error) {
  *attr = -1;
  htri_t exists = H5Aexists(object, name);
  if (exists < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot look up attribute '%s'", where, name);
    return -1;
  }
  if (!exists) return 0;
  *attr = H5Aopen(object, name, H5P_DEFAULT);
  if (*attr < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot open attribute '%s'", where, name);
    return -1;
  }
  return 1;
}

/* Copies HDF5-owned strings into a NULL-terminated, valid UTF-8 vector. */
static char **copy_strings(char *const *raw, size_t n) {
  char **values = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++)
    values[i] = g_utf8_make_valid(raw[i] ? raw[i] : "", -1);
  return values;
}

static char **read_variable_strings(hid_t attr, hid_t file_type, hid_t space,
                                    size_t n) {
  hid_t memory_type = H5Tcopy(H5T_C_S1);
  H5Tset_size(memory_type, H5T_VARIABLE);
  H5Tset_cset(memory_type, H5Tget_cset(file_type));
  char **raw = g_try_new0(char *, MAX(n, 1));
  char **values = NULL;
  if (raw && H5Aread(attr, memory_type, raw) >= 0) {
    values = copy_strings(raw, n);
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memory_type, space, H5P_DEFAULT, raw);
#else
    H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, raw);
#endif
  }
  g_free(raw);
  H5Tclose(memory_type);
  return values;
}

static char **read_fixed_strings(hid_t attr, hid_t file_type, size_t n) {
  size_t size = H5Tget_size(file_type);
  hid_t memory_type = H5Tcopy(H5T_C_S1);
  H5Tset_size(memory_type, size);
  H5Tset_strpad(memory_type, H5T_STR_NULLPAD);
  H5Tset_cset(memory_type, H5Tget_cset(file_type));
  size_t bytes = 0;
  g_autofree char *buffer = size && g_size_checked_mul(&bytes, n, size)
                                ? g_try_malloc0(MAX(bytes, 1))
                                : NULL;
  char **values = NULL;
  if (buffer && H5Aread(attr, memory_type, buffer) >= 0) {
    values = g_new0(char *, n + 1);
    for (size_t i = 0; i < n; i++) {
      g_autofree char *value = g_strndup(buffer + i * size, size);
      values[i] = g_utf8_make_valid(value, -1);
    }
  }
  H5Tclose(memory_type);
  return values;
}

/* Reads a string attribute of any shape; *rank is its rank (0: scalar). */
static gboolean read_any_strings(hid_t object, const char *name,
                                 const char *where, char ***values,
                                 size_t *n_values, int *rank, GError **error) {
  *values = NULL;
  *n_values = 0;
  hid_t attr = -1;
  int found = open_attribute(object, name, where, &attr, error);
  if (found <= 0) return found == 0;
  hid_t type = H5Aget_type(attr);
  hid_t space = H5Aget_space(attr);
  *rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  if (type < 0 || H5Tget_class(type) != H5T_STRING || *rank < 0 || n < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s' is not a string or string array", where,
                name);
    close_all(attr, type, space);
    return FALSE;
  }
  if (n > MAX_STRINGS) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s' holds %lld strings, more than nnlab reads "
                "(%d)",
                where, name, (long long)n, MAX_STRINGS);
    close_all(attr, type, space);
    return FALSE;
  }
  *n_values = (size_t)n;
  if (!h5_check_string_heap(attr, type, *n_values, where, name, error)) {
    close_all(attr, type, space);
    return FALSE;
  }
  *values = H5Tis_variable_str(type) > 0
                ? read_variable_strings(attr, type, space, *n_values)
                : read_fixed_strings(attr, type, *n_values);
  close_all(attr, type, space);
  if (!*values) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot read attribute '%s'", where, name);
    return FALSE;
  }
  return TRUE;
}

gboolean h5_attr_read_string(hid_t object, const char *name, const char *where,
                             char **value, GError **error) {
  char **values = NULL;
  size_t n = 0;
  int rank = 0;
  *value = NULL;
  if (!read_any_strings(object, name, where, &values, &n, &rank, error))
    return FALSE;
  if (!values) return TRUE;
  if (n != 1) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s' holds %zu strings, expected one", where,
                name, n);
    g_strfreev(values);
    return FALSE;
  }
  *value = g_strdup(values[0]);
  g_strfreev(values);
  return TRUE;
}

gboolean h5_attr_read_strings(hid_t object, const char *name, const char *where,
                              char ***values, size_t *n_values,
                              GError **error) {
  int rank = 0;
  if (!read_any_strings(object, name, where, values, n_values, &rank, error))
    return FALSE;
  if (*values && rank != 1) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s' has rank %d, expected a 1-D string array",
                where, name, rank);
    g_clear_pointer(values, g_strfreev);
    return FALSE;
  }
  return TRUE;
}

gboolean h5_attr_read_int(hid_t object, const char *name, const char *where,
                          gboolean *present, long long *value, GError **error) {
  *present = FALSE;
  hid_t attr = -1;
  int found = open_attribute(object, name, where, &attr, error);
  if (found <= 0) return found == 0;
  hid_t type = H5Aget_type(attr);
  hid_t space = H5Aget_space(attr);
  gboolean ok = type >= 0 && H5Tget_class(type) == H5T_INTEGER && space >= 0 &&
                H5Sget_simple_extent_npoints(space) == 1 &&
                H5Aread(attr, H5T_NATIVE_LLONG, value) >= 0;
  close_all(attr, type, space);
  if (!ok) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s' is not a single integer", where, name);
    return FALSE;
  }
  *present = TRUE;
  return TRUE;
}
