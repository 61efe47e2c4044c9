/* Saving the dataset an import made. */
#ifndef NNLAB_CLI_DATASET_SAVING_H
#define NNLAB_CLI_DATASET_SAVING_H

#include <nnlab/nnlab.h>

/* Saves to path and prints a one-line summary (or JSON). Returns the exit
 * status. */
int data_save_and_report(const nnlab_dataset *dataset, const char *path,
                         gboolean as_json);

#endif
