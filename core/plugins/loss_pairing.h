/* Whether an output activation and a loss make sense together, and a loss
 * with a dataset, decided from the properties the plugins declare (plugin.h)
 * and never from their names, so that an out-of-tree plugin is judged as a
 * built-in one is. An undeclared property refuses nothing. */
#ifndef NNLAB_LOSS_PAIRING_H
#define NNLAB_LOSS_PAIRING_H

#include <nnlab/component.h>
#include <nnlab/dataset.h>

/* Why model.output_activation = output cannot feed training.loss = loss,
 * with the fixes to try; NULL when they pair. gradient_training: the
 * weights are trained by backpropagation (rule = gradient, epochs > 0).
 * default_output names the config's default output activation, suggested
 * when the loss wants logits. g_free the result. */
char *loss_pairing_problem(const nnlab_component *output,
                           const nnlab_component *loss,
                           gboolean gradient_training,
                           const char *default_output,
                           const nnlab_registry *registry);

/* Why training.loss = loss cannot learn from data of this task (data_path
 * names it); NULL when it can. g_free the result. */
char *loss_data_problem(const nnlab_component *loss, nnlab_task task,
                        const char *data_path);

#endif
