/* nnlab inspect's report: the weight statistics, best epoch, unit health
 * and hints of a loaded model file, computed by the library. Gathering
 * only: it prints nothing and never changes the model it is given. */
#include "inspect_report.h"

/* Runs data_path through the model for the unit health. */
static gboolean analyse_units(inspect_report *r, nnlab_model *model,
                              GError **error) {
  nnlab_dataset *data = nnlab_dataset_load(r->data_path, error);
  if (!data) return FALSE;
  gboolean ok = FALSE;
  if (data->n_features != nnlab_model_n_inputs(model))
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: /X has %zu features but the model takes %zu", r->data_path,
                data->n_features, nnlab_model_n_inputs(model));
  else if (!(r->health = nnlab_model_unit_health(model, data->features,
                                                 data->n_rows, error)))
    g_prefix_error(error, "%s: ", r->data_path);
  else
    ok = TRUE;
  r->data_rows = data->n_rows;
  nnlab_dataset_free(data);
  return ok;
}

gboolean inspect_report_gather(inspect_report *r, GError **error) {
  const nnlab_model_file *f = r->file;
  r->layers = nnlab_model_layer_stats(f->model);
  r->has_best = nnlab_history_best(f->history, f->n_epochs, &r->best_index,
                                   &r->best_by_val);
  if (r->data_path && !analyse_units(r, f->model, error)) return FALSE;
  r->hints = nnlab_model_hints(f->model, r->layers, r->health);
  return TRUE;
}

void inspect_report_clear(inspect_report *r) {
  g_free(r->layers);
  g_free(r->health);
  g_strfreev(r->hints);
}
