/* A network written as a list of layers, "dense(64), relu, dense(10)"
 * (layer_list.c): the dense layers, each with the activation after it. Run
 * configs' [model] layers and nnlab_model_new_from_layers read it. */
#ifndef NNLAB_LAYER_LIST_H
#define NNLAB_LAYER_LIST_H

#include <nnlab/component.h>

/* What a model file holds: 4096 layers of at most 2^24 units. */
#define LAYER_LIST_MAX_DENSE 4096
#define LAYER_LIST_MAX_UNITS (1u << 24)

typedef struct layer_list {
  size_t n_dense;
  size_t *units;
  nnlab_component *activations; /* identity after a dense layer without one */
} layer_list;

/* Parses text into list (empty on failure). Errors name the item: "item 2,
 * 'dropout(p=0.2)': no activation plugin named 'dropout'..." */
gboolean layer_list_parse(const nnlab_registry *registry, const char *text,
                          layer_list *list, GError **error);
void layer_list_clear(layer_list *list);

#endif
