/* Hyperparameter helpers shared inside libnnlab. */
#ifndef NNLAB_HPARAMS_INTERNAL_H
#define NNLAB_HPARAMS_INTERNAL_H

#include <nnlab/hparams.h>

/* True if v lies within the spec's bounds (honouring exclusive flags). */
gboolean hparam_in_range(const nnlab_hparam *spec, double v);

/* Number of names in a "a|b|c" choice list. */
guint hparam_choice_count(const char *choices);

#endif
