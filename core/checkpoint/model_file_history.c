/* The table of history columns (model_file_history.h): one HDF5 array per
 * field of nnlab_epoch_record. The only list of them, shared by the saver
 * and the loader so that they cannot disagree; data only. */
#include "checkpoint/model_file_history.h"

#include <glib.h>

#include <nnlab/train.h>

#define COLUMN(name, field) \
  { name, offsetof(nnlab_epoch_record, field) }

const history_column model_file_history_columns[] = {
    COLUMN("lr", lr),
    COLUMN("seconds", seconds),
    COLUMN("train_loss", train.loss),
    COLUMN("train_accuracy", train.accuracy),
    COLUMN("train_rmse", train.rmse),
    COLUMN("train_mae", train.mae),
    COLUMN("train_r2", train.r2),
    COLUMN("val_loss", val.loss),
    COLUMN("val_accuracy", val.accuracy),
    COLUMN("val_rmse", val.rmse),
    COLUMN("val_mae", val.mae),
    COLUMN("val_r2", val.r2),
};

const size_t model_file_n_history_columns =
    G_N_ELEMENTS(model_file_history_columns);
