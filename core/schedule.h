/* Learning-rate schedules, evaluated at the start of each epoch. */
#ifndef NNLAB_SCHEDULE_H
#define NNLAB_SCHEDULE_H

#include <nnlab/train.h>

void schedule_state_init(nnlab_schedule_state *state, double base_lr);
/* The learning rate for 0-based epoch out of total_epochs. */
double schedule_lr(const nnlab_schedule_config *config,
                   const nnlab_schedule_state *state, size_t epoch,
                   size_t total_epochs);
/* Feeds the epoch's monitored loss to reduce-on-plateau. */
void schedule_observe(const nnlab_schedule_config *config,
                      nnlab_schedule_state *state, double monitored_loss);

#endif
