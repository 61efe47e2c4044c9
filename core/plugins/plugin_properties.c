/* Names of the properties a plugin declares (plugin.h, ABI minor 2), as
 * nnlab plugins show prints them and errors quote them. Every value,
 * "undeclared" included, has a name, so a listing never shows NULL. */
#include <nnlab/common.h>

const char *nnlab_output_kind_name(nnlab_output_kind kind) {
  switch (kind) {
    case NNLAB_OUTPUT_VALUES:
      return "values";
    case NNLAB_OUTPUT_PROBABILITIES:
      return "probabilities";
    case NNLAB_OUTPUT_LOG_PROBABILITIES:
      return "log-probabilities";
    case NNLAB_OUTPUT_DECISIONS:
      return "0/1 decisions";
    case NNLAB_OUTPUT_UNDECLARED:
      break;
  }
  return "undeclared";
}

const char *nnlab_loss_input_name(nnlab_loss_input input) {
  switch (input) {
    case NNLAB_LOSS_INPUT_VALUES:
      return "values";
    case NNLAB_LOSS_INPUT_LOGITS:
      return "logits";
    case NNLAB_LOSS_INPUT_PROBABILITIES:
      return "probabilities";
    case NNLAB_LOSS_INPUT_LOG_PROBABILITIES:
      return "log-probabilities";
    case NNLAB_LOSS_INPUT_UNDECLARED:
      break;
  }
  return "undeclared";
}

const char *nnlab_unit_failure_name(nnlab_unit_failure failure) {
  switch (failure) {
    case NNLAB_UNIT_FAILURE_NONE:
      return "none";
    case NNLAB_UNIT_FAILURE_DIES:
      return "dies";
    case NNLAB_UNIT_FAILURE_SATURATES:
      return "saturates";
    case NNLAB_UNIT_FAILURE_UNDECLARED:
      break;
  }
  return "undeclared";
}
