/* The superblock checksum of an HDF5 file image.
 *
 * HDF5 1.10's H5Fget_file_image rewrites the end-of-file address in the
 * image's superblock but not the checksum that superblock versions 2 and 3
 * (the 1.8 format and later) carry, so such an image does not open
 * ("incorrect metadata checksum"). This recomputes it. */
#ifndef NNLAB_H5_SUPERBLOCK_H
#define NNLAB_H5_SUPERBLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Bob Jenkins' lookup3 hash (hashlittle) of bytes, as HDF5 checksums its
 * metadata. */
uint32_t h5_lookup3(const uint8_t *bytes, size_t length, uint32_t initval);

/* Sets the superblock checksum of the file image if the superblock is
 * version 2 or later; leaves older superblocks (no checksum) alone. */
void h5_superblock_fix_checksum(uint8_t *image, size_t size);

#endif
