/* Warnings the engine gives about what it reads (docs in common.h's
 * nnlab_set_warning_handler). */
#ifndef NNLAB_ENGINE_WARNING_H
#define NNLAB_ENGINE_WARNING_H

#include <nnlab/common.h>

/* Passes one line to the warning handler (stderr by default). */
void engine_warn(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
