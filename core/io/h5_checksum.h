/* Checksums of the arrays in nnlab's HDF5 files.
 *
 * Every array (HDF5 dataset) nnlab writes carries an attribute "crc32":
 * the CRC-32 (zlib's, the one Python's zlib.crc32 computes) of its values
 * as stored, that is its elements in the file's type, little-endian, in
 * row-major order, before compression. The root group's attribute
 * "checksums" = "crc32" says that every array has one, so an array
 * without it is damage. A file without that root attribute was written
 * before nnlab stored checksums (or by another program): it loads, and
 * the loaders warn once that its values cannot be checked.
 *
 * Why an attribute rather than HDF5's Fletcher32 filter: the filter needs
 * chunked storage, which gives each of the dozens of small arrays of a
 * model file a chunk index of its own, and its failure comes back as an
 * HDF5 error stack to be told apart from other read errors. The attribute
 * is checked by nnlab over the values it has just read, so the error
 * names the array; it costs one pass over memory (zlib's crc32 runs at
 * about 2 GB/s), and CRC-32 catches every burst of up to 32 flipped bits,
 * so every damaged byte. */
#ifndef NNLAB_H5_CHECKSUM_H
#define NNLAB_H5_CHECKSUM_H

#include <hdf5.h>

#include <nnlab/common.h>

#define H5_CHECKSUM_ATTRIBUTE "crc32"
#define H5_CHECKSUMS_ATTRIBUTE "checksums"
#define H5_CHECKSUMS_KIND "crc32"

/* Continues crc (0 to start) over n elements of element_size bytes in
 * the host's byte order, taken as little-endian bytes. */
guint32 h5_checksum_update(guint32 crc, const void *values, size_t n,
                           size_t element_size);

/* Gives set its "crc32" attribute: values are what was written to it, n
 * elements of memory_type, which has the stored type's size. */
gboolean h5_checksum_attach(hid_t set, hid_t memory_type, const void *values,
                            size_t n, GError **error);

/* Writes the root attribute that says every array has a checksum. */
gboolean h5_checksums_declare(hid_t file, GError **error);

/* *declared: whether the file of object declares checksums. FALSE with an
 * error naming path if it declares a kind this nnlab does not know. */
gboolean h5_checksums_declared(hid_t object, const char *path,
                               gboolean *declared, GError **error);

/* Checks n values of set just read into memory as memory_type against the
 * set's checksum. FALSE with an error "FILE: ARRAY: checksum mismatch
 * (the file is damaged)", or when the file declares checksums and the set
 * has none. A set without one in a file that declares none passes. */
gboolean h5_checksum_verify(hid_t set, const char *file, const char *array,
                            hid_t memory_type, const void *values, size_t n,
                            GError **error);

/* The checksum of set's stored values, read in blocks of about 1 MiB (so
 * memory stays small however large the array) as the standard type of
 * their class and size, so that a damaged type description shows as a
 * mismatch; FALSE with an error naming file and array if they cannot be
 * read. */
gboolean h5_checksum_of_stored(hid_t set, const char *file, const char *array,
                               guint32 *crc, GError **error);

/* The set's "crc32" attribute, if *present; FALSE with an error naming
 * file and array if it is not a 32-bit number. */
gboolean h5_checksum_stored(hid_t set, const char *file, const char *array,
                            gboolean *present, guint32 *crc, GError **error);

#endif
