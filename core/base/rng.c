/* The random generator (nnlab/rng.h): xoshiro256** seeded through
 * splitmix64, with uniform, normal, bounded integers and shuffles on it.
 * All state is in the nnlab_rng the caller holds: no global generator, so
 * a seed gives the same run on every host. */
#include <math.h>

#include <nnlab/rng.h>

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void nnlab_rng_seed(nnlab_rng *rng, uint64_t seed) {
  for (int i = 0; i < 4; i++) rng->state[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t nnlab_rng_next(nnlab_rng *rng) {
  uint64_t *s = rng->state;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double nnlab_rng_uniform(nnlab_rng *rng) {
  return (double)(nnlab_rng_next(rng) >> 11) * 0x1.0p-53;
}

double nnlab_rng_normal(nnlab_rng *rng) {
  double u1 = 1.0 - nnlab_rng_uniform(rng); /* (0, 1]: log stays finite */
  double u2 = nnlab_rng_uniform(rng);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
}

/* Lemire's multiply-and-reject method. */
uint64_t nnlab_rng_below(nnlab_rng *rng, uint64_t bound) {
  unsigned __int128 m = (unsigned __int128)nnlab_rng_next(rng) * bound;
  uint64_t low = (uint64_t)m;
  if (low < bound) {
    uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = (unsigned __int128)nnlab_rng_next(rng) * bound;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

void nnlab_rng_shuffle(nnlab_rng *rng, size_t *indices, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)nnlab_rng_below(rng, i);
    size_t tmp = indices[i - 1];
    indices[i - 1] = indices[j];
    indices[j] = tmp;
  }
}
