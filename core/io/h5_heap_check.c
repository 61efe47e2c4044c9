/* The global-heap check before libhdf5 1.10 reads variable-length strings
 * (h5_heap_check.h): it reads the stored references and heap collections
 * as bytes, never through libhdf5's heap code, which is what it guards. A
 * file it cannot check is let through; a damaged one is refused. */
#include "io/h5_heap_check.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Layout of a global heap collection (HDF5 file format, III.E):
 * "GCOL", version 1, 3 reserved bytes, the collection size (size-of-
 * lengths bytes), then objects: index (2 bytes), reference count (2),
 * reserved (4), size (size-of-lengths), the data padded to 8 bytes.
 * Object 0 is the free space. A variable-length string refers to one
 * object as: length (4 bytes), collection address (size-of-offsets),
 * object index (4). */
#define COLLECTION_MAGIC "GCOL"
#define COLLECTION_VERSION 1
#define COLLECTION_MIN_READ 4096 /* libhdf5 reads this much first */
#define RAW_TYPE_TAG "nnlab: raw variable-length string references"

typedef struct heap_object {
  guint64 offset; /* of the object's data in the collection */
  guint64 size;
} heap_object;

typedef struct collection {
  GHashTable *objects; /* index -> heap_object, as libhdf5 indexes them */
} collection;

typedef struct heap_reader {
  int fd;
  guint64 file_size, base;
  size_t sizeof_addr, sizeof_size;
  GHashTable *collections; /* address -> collection, or NULL if damaged */
} heap_reader;

static guint64 decode_le(const guint8 *bytes, size_t n) {
  guint64 value = 0;
  for (size_t i = n; i-- > 0;) value = value << 8 | bytes[i];
  return value;
}

/* The conversion libhdf5 calls to read a variable-length string attribute
 * into RAW_TYPE_TAG's opaque type: it leaves the references as stored, so
 * reading them never touches the heap. */
static herr_t keep_raw_references(hid_t src, hid_t dst, H5T_cdata_t *cdata,
                                  size_t n, size_t buffer_stride,
                                  size_t background_stride, void *buffer,
                                  void *background, hid_t transfer) {
  (void)n;
  (void)buffer_stride;
  (void)background_stride;
  (void)buffer;
  (void)background;
  (void)transfer;
  if (cdata->command != H5T_CONV_INIT) return 0;
  cdata->need_bkg = H5T_BKG_NO;
  char *tag = H5Tget_class(dst) == H5T_OPAQUE ? H5Tget_tag(dst) : NULL;
  gboolean ours = tag && strcmp(tag, RAW_TYPE_TAG) == 0 &&
                  H5Tis_variable_str(src) > 0 &&
                  H5Tget_size(src) == H5Tget_size(dst);
  H5free_memory(tag);
  return ours ? 0 : -1;
}

static void register_conversion(void) {
  static gsize done;
  if (!g_once_init_enter(&done)) return;
  hid_t string = H5Tcopy(H5T_C_S1);
  H5Tset_size(string, H5T_VARIABLE);
  hid_t opaque = H5Tcreate(H5T_OPAQUE, 1);
  H5Tregister(H5T_PERS_SOFT, "nnlab raw references", string, opaque,
              keep_raw_references);
  H5Tclose(opaque);
  H5Tclose(string);
  g_once_init_leave(&done, 1);
}

static gboolean read_at(const heap_reader *r, guint64 offset, void *buffer,
                        size_t n) {
  if (offset > r->file_size || n > r->file_size - offset) return FALSE;
  size_t done = 0;
  while (done < n) {
    ssize_t got =
        pread(r->fd, (char *)buffer + done, n - done, (off_t)(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return FALSE;
    done += (size_t)got;
  }
  return TRUE;
}

static void collection_free(gpointer data) {
  collection *c = data;
  if (!c) return;
  g_hash_table_unref(c->objects);
  g_free(c);
}

/* Walks the collection at address as libhdf5 1.10 does when it loads it,
 * refusing what would make libhdf5 loop forever or copy past it: NULL if
 * the collection is damaged. */
static collection *load_collection(const heap_reader *r, guint64 address) {
  size_t header = 8 + r->sizeof_size, object_header = 8 + r->sizeof_size;
  guint8 start[64];
  guint64 offset = 0;
  if (!g_uint64_checked_add(&offset, r->base, address) ||
      !read_at(r, offset, start, header) ||
      memcmp(start, COLLECTION_MAGIC, 4) != 0 || start[4] != COLLECTION_VERSION)
    return NULL;
  guint64 size = decode_le(start + 8, r->sizeof_size);
  if (size < MAX(header, COLLECTION_MIN_READ) || size > r->file_size ||
      offset > r->file_size - size)
    return NULL;
  g_autofree guint8 *chunk = g_try_malloc(size);
  if (!chunk || !read_at(r, offset, chunk, size)) return NULL;
  collection *c = g_new0(collection, 1);
  c->objects =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  for (guint64 p = header; p < size;) {
    if (size - p < object_header) break; /* too small: free space */
    guint64 begin = p;
    unsigned index = (unsigned)decode_le(chunk + p, 2);
    guint64 object_size = decode_le(chunk + p + 8, r->sizeof_size);
    if (object_size > size - begin) goto damaged;
    guint64 need = index > 0 ? object_header + ((object_size + 7) & ~(guint64)7)
                             : object_size;
    if (need == 0 || need > size - begin) goto damaged;
    if (index > 0) {
      if (object_size > size - begin - object_header) goto damaged;
      heap_object *object = g_new(heap_object, 1);
      object->offset = begin + object_header;
      object->size = object_size;
      g_hash_table_replace(c->objects, GUINT_TO_POINTER(index), object);
    }
    p = begin + need;
  }
  return c;
damaged:
  collection_free(c);
  return NULL;
}

/* Checks one stored reference; FALSE if libhdf5 could not read it
 * safely. */
static gboolean check_reference(heap_reader *r, const guint8 *raw) {
  guint64 length = decode_le(raw, 4);
  guint64 address = decode_le(raw + 4, r->sizeof_addr);
  guint64 index = decode_le(raw + 4 + r->sizeof_addr, 4);
  if (address == 0) return TRUE; /* a NULL string: nothing is read */
  collection *c = NULL;
  gpointer key = NULL;
  if (g_hash_table_lookup_extended(r->collections, &address, &key,
                                   (gpointer *)&c) == FALSE) {
    c = load_collection(r, address);
    g_hash_table_insert(r->collections, g_memdup2(&address, sizeof address), c);
  }
  if (!c || index == 0 || index > G_MAXUINT16) return FALSE;
  const heap_object *object =
      g_hash_table_lookup(c->objects, GUINT_TO_POINTER((unsigned)index));
  /* libhdf5 copies the whole object into a buffer of the stored length. */
  return object && object->size == length;
}

/* Reads the attribute's references as stored, without touching the heap;
 * NULL if that is not possible (the check is then skipped). */
static guint8 *read_references(hid_t attr, size_t n, size_t raw_size) {
  register_conversion();
  size_t bytes = 0;
  hid_t raw_type = H5Tcreate(H5T_OPAQUE, raw_size);
  guint8 *raw = raw_type >= 0 && H5Tset_tag(raw_type, RAW_TYPE_TAG) >= 0 &&
                        g_size_checked_mul(&bytes, n, raw_size)
                    ? g_try_malloc(bytes)
                    : NULL;
  if (raw && H5Aread(attr, raw_type, raw) < 0) g_clear_pointer(&raw, g_free);
  if (raw_type >= 0) H5Tclose(raw_type);
  return raw;
}

/* Opens the file attr is in for reading its bytes; FALSE if that is not
 * possible. */
static gboolean open_reader(hid_t attr, heap_reader *r) {
  hid_t file = H5Iget_file_id(attr);
  hid_t plist = file >= 0 ? H5Fget_create_plist(file) : -1;
  hsize_t userblock = 0;
  char path[4096];
  struct stat info;
  r->fd = -1;
  if (plist >= 0 &&
      H5Pget_sizes(plist, &r->sizeof_addr, &r->sizeof_size) >= 0 &&
      H5Pget_userblock(plist, &userblock) >= 0 && r->sizeof_addr >= 1 &&
      r->sizeof_addr <= 8 && r->sizeof_size >= 1 && r->sizeof_size <= 8 &&
      H5Fget_name(file, path, sizeof path) > 0 &&
      (r->fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
      fstat(r->fd, &info) == 0) {
    r->file_size = (guint64)info.st_size;
    r->base = userblock;
  } else if (r->fd >= 0) {
    close(r->fd);
    r->fd = -1;
  }
  if (plist >= 0) H5Pclose(plist);
  if (file >= 0) H5Fclose(file);
  return r->fd >= 0;
}

gboolean h5_check_string_heap(hid_t attr, hid_t file_type, size_t n,
                              const char *where, const char *name,
                              GError **error) {
  if (H5Tis_variable_str(file_type) <= 0 || n == 0) return TRUE;
  heap_reader r = {0};
  if (!open_reader(attr, &r)) return TRUE;
  size_t raw_size = 8 + r.sizeof_addr;
  g_autofree guint8 *raw = read_references(attr, n, raw_size);
  gboolean ok = TRUE;
  if (raw) {
    r.collections = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                          collection_free);
    for (size_t i = 0; ok && i < n; i++)
      ok = check_reference(&r, raw + i * raw_size);
    g_hash_table_unref(r.collections);
  }
  close(r.fd);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: attribute '%s': its strings are stored in a damaged "
                "part of the file (HDF5 global heap)",
                where, name);
  return ok;
}
