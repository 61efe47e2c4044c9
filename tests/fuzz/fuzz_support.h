/* What the fuzz targets share: the input as a file for the parsers that
 * read files, as a string for the ones that read text, and one plugin
 * registry per process. The same targets run under libFuzzer and, in the
 * normal build, under replay.c over the committed corpus. */
#ifndef NNLAB_FUZZ_SUPPORT_H
#define NNLAB_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <nnlab/config.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to a fixed file for this process and name (rewritten on
 * every call, removed at exit) and returns its path. Aborts if the file
 * cannot be written: that is the harness failing, not the parser. */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

/* data as a NUL-terminated string (g_free it); embedded NULs end it early,
 * as they would for text read from a file by a C program. */
char *fuzz_string(const uint8_t *data, size_t size);

/* Values read are added here so the compiler keeps the reads. */
extern volatile float fuzz_sink;

/* The built-in plugins, loaded once and kept for the process. */
const nnlab_registry *fuzz_registry(void);

/* Builds the model config describes (parsing its [layer.N] weights) with
 * 4 inputs and 3 outputs, unless it would have over 2^20 parameters. */
void fuzz_build_model(const nnlab_run_config *config);

#endif
