/* The model's layers against PyTorch: forward values, input gradients and
 * parameter gradients on the fixed cases of reference/layer_reference.h.
 * It runs the layers alone, through model/layer.h; whole models are
 * test_model.c's. */

/* The reference table covers the layers issue 15 adds (conv2d, batch_norm,
 * pooling...); the cases of layers the engine has are checked here, and
 * each new layer joins by its entry in layers_under_test. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/layer.h"
#include "reference/layer_reference.h"

/* Relative to the largest magnitude in the array (at least 1): torch's own
 * float32 results are within 4.8e-7 of the float64 reference. */
#define TOLERANCE 1e-5

typedef struct layer_under_test {
  const char *name; /* the spec's layer name */
  const layer_ops *ops;
  /* Sets hparams from the case; FALSE if the case's spec is not read. */
  gboolean (*hparams)(const layer_reference *c, nnlab_value *hparams);
} layer_under_test;

static gboolean dense_hparams(const layer_reference *c, nnlab_value *hparams) {
  unsigned units = 0;
  if (sscanf(c->spec, "dense(units=%u)", &units) != 1) return FALSE;
  hparams[LAYER_DENSE_UNITS].i = units;
  return TRUE;
}

static const layer_under_test layers_under_test[] = {
    {"dense", &layer_dense_ops, dense_hparams},
};

static const layer_under_test *under_test(const layer_reference *c) {
  for (size_t i = 0; i < G_N_ELEMENTS(layers_under_test); i++) {
    size_t n = strlen(layers_under_test[i].name);
    if (strncmp(c->spec, layers_under_test[i].name, n) == 0 &&
        (c->spec[n] == '(' || c->spec[n] == '\0'))
      return &layers_under_test[i];
  }
  return NULL;
}

static layer_shape shape_of(int rank, const size_t *dims) {
  layer_shape shape = {.rank = (size_t)rank};
  memcpy(shape.dims, dims, sizeof shape.dims);
  return shape;
}

static void expect_close(const char *what, const layer_reference *c,
                         const float *got, const float *want, size_t n) {
  double scale = 1;
  for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(want[i]));
  for (size_t i = 0; i < n; i++)
    if (!(fabs((double)got[i] - want[i]) <= TOLERANCE * scale))
      fail_msg("%s: %s[%zu] = %.9g, torch %.9g", c->name, what, i, got[i],
               want[i]);
}

static void check_case(const layer_reference *c, const layer_under_test *t) {
  nnlab_value hparams[8] = {0};
  assert_true(t->hparams(c, hparams));
  layer_ctx ctx = {.hparams = hparams,
                   .in = shape_of(c->in_rank, c->in_dims),
                   .params = c->params};
  t->ops->output_shape(hparams, &ctx.in, &ctx.out);
  layer_shape want = shape_of(c->out_rank, c->out_dims);
  assert_int_equal(ctx.out.rank, want.rank);
  assert_memory_equal(ctx.out.dims, want.dims, sizeof want.dims);
  size_t n_params = 0;
  assert_true(t->ops->n_params(hparams, &ctx.in, &n_params));
  assert_int_equal(n_params, c->n_params);

  size_t n_in = c->rows * layer_shape_size(&ctx.in);
  size_t n_out = c->rows * layer_shape_size(&ctx.out);
  g_autofree float *y = g_new0(float, n_out);
  g_autofree float *dx = g_new0(float, n_in);
  g_autofree float *grads = g_new0(float, MAX(n_params, 1));
  assert_int_equal(t->ops->forward(&ctx, c->x, y, c->rows), NNLAB_STATUS_OK);
  expect_close("y", c, y, c->y, n_out);
  assert_int_equal(t->ops->backward(&ctx, c->x, y, c->dy, dx, grads, c->rows),
                   NNLAB_STATUS_OK);
  expect_close("dx", c, dx, c->dx, n_in);
  if (n_params) expect_close("dparams", c, grads, c->dparams, n_params);
}

static void test_layers_match_torch(void **state) {
  (void)state;
  size_t checked = 0;
  for (size_t i = 0; i < LAYER_REFERENCE_COUNT; i++) {
    const layer_under_test *t = under_test(&layer_references[i]);
    if (!t) continue;
    check_case(&layer_references[i], t);
    checked++;
  }
  /* Every layer under test has cases in the table. */
  assert_true(checked >= G_N_ELEMENTS(layers_under_test));
  print_message("%zu of %zu reference cases are of layers under test\n",
                checked, (size_t)LAYER_REFERENCE_COUNT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layers_match_torch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
