/* A command's error as the one line every nnlab error is on stderr. The
 * exit status is the caller's to return: this never exits. */
#include "error_output.h"

#include <stdio.h>

int report_error(const GError *error) {
  fprintf(stderr, "nnlab: error: %s\n", error->message);
  return 1;
}
