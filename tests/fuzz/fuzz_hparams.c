/* Plugin hyperparameter strings: nnlab_component_resolve of a spec such as
 * "adam(lr=0.01, betas=(0.9,0.999))" for the kind the first byte picks.
 * A spec that resolves must survive the round trip model files rely on:
 * its canonical form resolves again to the same values. */
#include <stdio.h>
#include <string.h>

#include <nnlab/component.h>

#include "fuzz_support.h"

static gboolean same_values(const nnlab_component *a,
                            const nnlab_component *b) {
  if (a->info != b->info) return FALSE;
  for (size_t i = 0; i < a->info->n_hparams; i++) {
    const nnlab_value *x = &a->hparams[i], *y = &b->hparams[i];
    switch (a->info->hparams[i].type) {
      case NNLAB_HPARAM_FLOAT:
        if (x->f != y->f) return FALSE;
        break;
      case NNLAB_HPARAM_INT:
      case NNLAB_HPARAM_CHOICE:
        if (x->i != y->i) return FALSE;
        break;
      case NNLAB_HPARAM_BOOL:
        if (!x->b != !y->b) return FALSE;
        break;
      case NNLAB_HPARAM_PAIR:
        if (x->pair[0] != y->pair[0] || x->pair[1] != y->pair[1]) return FALSE;
        break;
    }
  }
  return TRUE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const nnlab_plugin_kind kinds[] = {
      NNLAB_KIND_ACTIVATION, NNLAB_KIND_LOSS, NNLAB_KIND_OPTIMIZER};
  nnlab_plugin_kind kind = kinds[data[0] % G_N_ELEMENTS(kinds)];
  g_autofree char *spec = fuzz_string(data + 1, size - 1);
  GError *error = NULL;
  nnlab_component component = {0};
  gboolean ok =
      nnlab_component_resolve(fuzz_registry(), kind, spec, &component, &error);
  fuzz_check_outcome(ok, error);
  g_clear_error(&error);
  if (!ok) return 0;
  g_autofree char *canonical = nnlab_component_format(&component);
  nnlab_component again = {0};
  if (!nnlab_component_resolve(fuzz_registry(), kind, canonical, &again,
                               &error) ||
      !same_values(&component, &again)) {
    fprintf(stderr, "'%s' resolves, but its canonical form '%s' %s%s\n", spec,
            canonical, error ? "fails: " : "gives other values",
            error ? error->message : "");
    abort();
  }
  nnlab_component_clear(&again);
  nnlab_component_clear(&component);
  return 0;
}
