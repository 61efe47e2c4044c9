/* The pseudo-random generator behind weight init, splits and shuffling:
 * xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64. Its
 * whole state is four 64-bit words, so it can be saved and restored. */
#ifndef NNLAB_RNG_H
#define NNLAB_RNG_H

#include <nnlab/common.h>

G_BEGIN_DECLS

typedef struct nnlab_rng {
  uint64_t state[4];
} nnlab_rng;

/* Same seed, same sequence, on every platform. */
NNLAB_API void nnlab_rng_seed(nnlab_rng *rng, uint64_t seed);
NNLAB_API uint64_t nnlab_rng_next(nnlab_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
NNLAB_API double nnlab_rng_uniform(nnlab_rng *rng);
/* Standard normal (Box-Muller; two uniforms per value, nothing cached). */
NNLAB_API double nnlab_rng_normal(nnlab_rng *rng);
/* Uniform integer in [0, bound), without modulo bias. bound > 0. */
NNLAB_API uint64_t nnlab_rng_below(nnlab_rng *rng, uint64_t bound);
/* Fisher-Yates shuffle of n indices. */
NNLAB_API void nnlab_rng_shuffle(nnlab_rng *rng, size_t *indices, size_t n);

G_END_DECLS

#endif
