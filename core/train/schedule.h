/* Learning-rate schedules: the rate at t, where t counts epochs or
 * optimizer steps from 0 (schedule_unit), and reduce-on-plateau's memory
 * of the losses it has seen. */
#ifndef NNLAB_SCHEDULE_H
#define NNLAB_SCHEDULE_H

#include <nnlab/train.h>

/* Whether the settings the chosen schedule uses make sense (a config
 * built in C skips read_schedule's checks); the error names the field. */
gboolean schedule_check(const nnlab_schedule_config *config, GError **error);
void schedule_state_init(nnlab_schedule_state *state, double base_lr);
/* The learning rate at 0-based t of a run of total units (epochs or
 * steps, as config->unit says). */
double schedule_lr(const nnlab_schedule_config *config,
                   const nnlab_schedule_state *state, size_t t, size_t total);
/* Feeds the epoch's monitored loss to reduce-on-plateau. */
void schedule_observe(const nnlab_schedule_config *config,
                      nnlab_schedule_state *state, double monitored_loss);

#endif
