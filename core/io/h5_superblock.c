/* Recomputing the superblock checksum of an HDF5 file image, which HDF5
 * 1.10 leaves stale (h5_superblock.h), with HDF5's lookup3 hash. Pure
 * functions over bytes: no HDF5 calls, no I/O. */
#include "io/h5_superblock.h"

#include <string.h>

static const uint8_t signature[8] = {0x89, 'H',  'D',  'F',
                                     '\r', '\n', 0x1a, '\n'};

#define ROTATE(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static uint32_t little_endian32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void mix(uint32_t *a, uint32_t *b, uint32_t *c) {
  *a -= *c, *a ^= ROTATE(*c, 4), *c += *b;
  *b -= *a, *b ^= ROTATE(*a, 6), *a += *c;
  *c -= *b, *c ^= ROTATE(*b, 8), *b += *a;
  *a -= *c, *a ^= ROTATE(*c, 16), *c += *b;
  *b -= *a, *b ^= ROTATE(*a, 19), *a += *c;
  *c -= *b, *c ^= ROTATE(*b, 4), *b += *a;
}

static void final_mix(uint32_t *a, uint32_t *b, uint32_t *c) {
  *c ^= *b, *c -= ROTATE(*b, 14);
  *a ^= *c, *a -= ROTATE(*c, 11);
  *b ^= *a, *b -= ROTATE(*a, 25);
  *c ^= *b, *c -= ROTATE(*b, 16);
  *a ^= *c, *a -= ROTATE(*c, 4);
  *b ^= *a, *b -= ROTATE(*a, 14);
  *c ^= *b, *c -= ROTATE(*b, 24);
}

uint32_t h5_lookup3(const uint8_t *bytes, size_t length, uint32_t initval) {
  uint32_t a, b, c;
  a = b = c = 0xdeadbeef + (uint32_t)length + initval;
  if (length == 0) return c;
  for (; length > 12; length -= 12, bytes += 12) {
    a += little_endian32(bytes);
    b += little_endian32(bytes + 4);
    c += little_endian32(bytes + 8);
    mix(&a, &b, &c);
  }
  /* The last 1 to 12 bytes, zero-padded: the zeros add nothing. */
  uint8_t last[12] = {0};
  memcpy(last, bytes, length);
  a += little_endian32(last);
  b += little_endian32(last + 4);
  c += little_endian32(last + 8);
  final_mix(&a, &b, &c);
  return c;
}

void h5_superblock_fix_checksum(uint8_t *image, size_t size) {
  /* Signature, version, sizes of offsets and lengths, flags; then base,
   * extension, end-of-file and root addresses; then the checksum. */
  if (size < 12 || memcmp(image, signature, sizeof signature) != 0 ||
      image[8] < 2)
    return;
  size_t checked = 12 + 4 * (size_t)image[9];
  if (size < checked + 4) return;
  uint32_t sum = h5_lookup3(image, checked, 0);
  for (size_t i = 0; i < 4; i++) image[checked + i] = (uint8_t)(sum >> 8 * i);
}
