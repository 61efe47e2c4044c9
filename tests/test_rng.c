/* The random generator: xoshiro256** seeded through splitmix64, checked
 * against independently computed outputs, and the distributions, bounded
 * integers and shuffles built on it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#define assert_near(actual, expected, tol)                                    \
  do {                                                                        \
    double actual_ = (actual), expected_ = (expected), tol_ = (tol);          \
    if (!(fabs(actual_ - expected_) <= tol_))                                 \
      fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, actual_, \
               expected_, tol_);                                              \
  } while (0)

/* The reference generator's published test vector: from the state
 * {1, 2, 3, 4}, xoshiro256** starts 11520, 0, 1509978240, ... */
static void test_xoshiro256starstar_matches_reference_vector(void **state) {
  (void)state;
  static const uint64_t expected[] = {
      11520u,
      0u,
      1509978240u,
      1215971899390074240u,
      1216172134540287360u,
      607988272756665600u,
      16172922978634559625u,
      8476171486693032832u,
  };
  nnlab_rng rng = {{1, 2, 3, 4}};
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
    assert_int_equal(nnlab_rng_next(&rng), expected[i]);
}

/* The state is four successive splitmix64 outputs from the seed; splitmix64
 * from 0 starts with 0xe220a8397b1dcdaf. The outputs were computed with a
 * separate Python implementation of splitmix64 and xoshiro256**. */
static void test_seeding_matches_reference(void **state) {
  (void)state;
  static const struct {
    uint64_t seed;
    uint64_t state[4];
    uint64_t outputs[6];
  } cases[] = {
      {0,
       {0xe220a8397b1dcdafull, 0x6e789e6aa1b965f4ull, 0x06c45d188009454full,
        0xf88bb8a8724c81ecull},
       {0x99ec5f36cb75f2b4ull, 0xbf6e1f784956452aull, 0x1a5f849d4933e6e0ull,
        0x6aa594f1262d2d2cull, 0xbba5ad4a1f842e59ull, 0xffef8375d9ebcacaull}},
      {42,
       {0xbdd732262feb6e95ull, 0x28efe333b266f103ull, 0x47526757130f9f52ull,
        0x581ce1ff0e4ae394ull},
       {0x15780b2e0c2ec716ull, 0x6104d9866d113a7eull, 0xae17533239e499a1ull,
        0xecb8ad4703b360a1ull, 0xfde6dc7fe2ec5e64ull, 0xc50da53101795238ull}},
      {0xdeadbeefcafebabeull,
       {0x0d7d93560d1929d2ull, 0x491dfb740e50d43full, 0x42722bf4473e5e7dull,
        0xd6ca8a0790fffc45ull},
       {0x2299b3421aa78b66ull, 0x9af6550483e02887ull, 0xda059cb5eec5c979ull,
        0xcf86bd29360fff98ull, 0x5cc883c940089820ull, 0xb00610aced04900full}},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    nnlab_rng rng;
    nnlab_rng_seed(&rng, cases[c].seed);
    for (size_t i = 0; i < 4; i++)
      assert_int_equal(rng.state[i], cases[c].state[i]);
    for (size_t i = 0; i < 6; i++)
      assert_int_equal(nnlab_rng_next(&rng), cases[c].outputs[i]);
  }
}

static void test_uniform_is_in_unit_interval_with_53_bits(void **state) {
  (void)state;
  nnlab_rng rng, copy;
  nnlab_rng_seed(&rng, 7);
  double sum = 0;
  const size_t n = 100000;
  for (size_t i = 0; i < n; i++) {
    copy = rng;
    double u = nnlab_rng_uniform(&rng);
    assert_true(u >= 0.0 && u < 1.0);
    /* The top 53 bits of one output, scaled by 2^-53. */
    assert_true(u == (double)(nnlab_rng_next(&copy) >> 11) * 0x1.0p-53);
    sum += u;
  }
  /* Standard error of the mean: sqrt(1/12 / n) ~ 0.0009. */
  assert_near(sum / (double)n, 0.5, 0.005);
}

static void test_normal_has_zero_mean_and_unit_variance(void **state) {
  (void)state;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 11);
  const size_t n = 100000;
  double sum = 0, square_sum = 0, fourth = 0;
  size_t beyond_two = 0;
  for (size_t i = 0; i < n; i++) {
    double z = nnlab_rng_normal(&rng);
    assert_true(isfinite(z));
    sum += z;
    square_sum += z * z;
    fourth += z * z * z * z;
    beyond_two += fabs(z) > 2.0;
  }
  double mean = sum / (double)n;
  double variance = square_sum / (double)n - mean * mean;
  /* Standard errors: mean 0.0032, variance 0.0045, kurtosis ~0.03. */
  assert_near(mean, 0.0, 0.02);
  assert_near(variance, 1.0, 0.03);
  assert_near(fourth / (double)n, 3.0, 0.2);
  /* P(|z| > 2) = 0.0455 for a normal, not 0 as for a uniform. */
  assert_near((double)beyond_two / (double)n, 0.0455, 0.005);
}

static void test_below_stays_below_bound(void **state) {
  (void)state;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 3);
  static const uint64_t bounds[] = {
      1, 2, 3, 7, 1000, (1ull << 32) + 1, (1ull << 63) + 1, UINT64_MAX};
  for (size_t b = 0; b < G_N_ELEMENTS(bounds); b++)
    for (size_t i = 0; i < 2000; i++)
      assert_true(nnlab_rng_below(&rng, bounds[b]) < bounds[b]);
  for (size_t i = 0; i < 100; i++)
    assert_int_equal(nnlab_rng_below(&rng, 1), 0);
}

static void test_below_is_unbiased(void **state) {
  (void)state;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 5);
  /* Chi-squared over 10 equally likely values. */
  enum { BINS = 10 };
  const size_t n = 100000;
  size_t counts[BINS] = {0};
  for (size_t i = 0; i < n; i++) counts[nnlab_rng_below(&rng, BINS)]++;
  double chi2 = 0, expected = (double)n / BINS;
  for (size_t i = 0; i < BINS; i++)
    chi2 += ((double)counts[i] - expected) * ((double)counts[i] - expected) /
            expected;
  /* 9 degrees of freedom: P(chi2 > 33) < 1e-4. */
  assert_true(chi2 < 33.0);

  /* A bound of about 2/3 of 2^64: next() % bound would make the lower half
   * of the range twice as likely (2/3 of draws below bound / 2). */
  const uint64_t bound = UINT64_MAX / 3 * 2;
  size_t lower = 0;
  const size_t draws = 20000;
  for (size_t i = 0; i < draws; i++)
    lower += nnlab_rng_below(&rng, bound) < bound / 2;
  assert_near((double)lower / (double)draws, 0.5, 0.02);
}

static gboolean is_permutation(const size_t *indices, size_t n) {
  g_autofree gboolean *seen = g_new0(gboolean, n);
  for (size_t i = 0; i < n; i++) {
    if (indices[i] >= n || seen[indices[i]]) return FALSE;
    seen[indices[i]] = TRUE;
  }
  return TRUE;
}

static void shuffled(uint64_t seed, size_t *indices, size_t n) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  for (size_t i = 0; i < n; i++) indices[i] = i;
  nnlab_rng_shuffle(&rng, indices, n);
}

static void test_shuffle_is_a_deterministic_permutation(void **state) {
  (void)state;
  enum { N = 100 };
  size_t a[N], b[N], c[N];
  shuffled(1, a, N);
  shuffled(1, b, N);
  shuffled(2, c, N);
  assert_true(is_permutation(a, N));
  assert_true(is_permutation(c, N));
  assert_memory_equal(a, b, sizeof a);
  assert_memory_not_equal(a, c, sizeof a);
  size_t fixed_points = 0;
  for (size_t i = 0; i < N; i++) fixed_points += a[i] == i;
  assert_true(fixed_points < 10); /* expected 1 for a random permutation */

  /* Nothing to do for 0 or 1 elements. */
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 1);
  size_t one = 0;
  nnlab_rng_shuffle(&rng, &one, 1);
  assert_int_equal(one, 0);
  nnlab_rng_shuffle(&rng, NULL, 0);
}

/* Every ordering of 4 elements is equally likely (a Fisher-Yates slip such
 * as drawing j from [0, n) every time skews this). */
static void test_shuffle_orderings_are_uniform(void **state) {
  (void)state;
  enum { PERMUTATIONS = 24 };
  const size_t n = 48000;
  size_t counts[PERMUTATIONS] = {0};
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 9);
  for (size_t t = 0; t < n; t++) {
    size_t p[4] = {0, 1, 2, 3};
    nnlab_rng_shuffle(&rng, p, 4);
    /* Lehmer code of the permutation. */
    size_t code = 0;
    for (size_t i = 0; i < 4; i++) {
      size_t smaller = 0;
      for (size_t j = i + 1; j < 4; j++) smaller += p[j] < p[i];
      code = code * (4 - i) + smaller;
    }
    counts[code]++;
  }
  double chi2 = 0, expected = (double)n / PERMUTATIONS;
  for (size_t i = 0; i < PERMUTATIONS; i++)
    chi2 += ((double)counts[i] - expected) * ((double)counts[i] - expected) /
            expected;
  /* 23 degrees of freedom: P(chi2 > 55) < 2e-4. */
  assert_true(chi2 < 55.0);
}

static void test_copied_state_reproduces_continuation(void **state) {
  (void)state;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 123);
  for (size_t i = 0; i < 17; i++) nnlab_rng_next(&rng);
  nnlab_rng saved = rng;
  uint64_t first[8];
  double uniforms[4], normals[4];
  size_t order[10];
  for (size_t i = 0; i < 8; i++) first[i] = nnlab_rng_next(&rng);
  for (size_t i = 0; i < 4; i++) uniforms[i] = nnlab_rng_uniform(&rng);
  for (size_t i = 0; i < 4; i++) normals[i] = nnlab_rng_normal(&rng);
  for (size_t i = 0; i < 10; i++) order[i] = i;
  nnlab_rng_shuffle(&rng, order, 10);

  rng = saved;
  for (size_t i = 0; i < 8; i++)
    assert_int_equal(nnlab_rng_next(&rng), first[i]);
  for (size_t i = 0; i < 4; i++)
    assert_true(nnlab_rng_uniform(&rng) == uniforms[i]);
  for (size_t i = 0; i < 4; i++)
    assert_true(nnlab_rng_normal(&rng) == normals[i]);
  size_t again[10];
  for (size_t i = 0; i < 10; i++) again[i] = i;
  nnlab_rng_shuffle(&rng, again, 10);
  assert_memory_equal(order, again, sizeof order);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_xoshiro256starstar_matches_reference_vector),
      cmocka_unit_test(test_seeding_matches_reference),
      cmocka_unit_test(test_uniform_is_in_unit_interval_with_53_bits),
      cmocka_unit_test(test_normal_has_zero_mean_and_unit_variance),
      cmocka_unit_test(test_below_stays_below_bound),
      cmocka_unit_test(test_below_is_unbiased),
      cmocka_unit_test(test_shuffle_is_a_deterministic_permutation),
      cmocka_unit_test(test_shuffle_orderings_are_uniform),
      cmocka_unit_test(test_copied_state_reproduces_continuation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
