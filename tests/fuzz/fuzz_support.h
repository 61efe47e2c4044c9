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

/* Makes GLib's warnings and criticals fatal: the library never prints, so
 * one is a bug, and a crash makes the fuzzer keep the input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts unless exactly one of a result and an error came back, or if the
 * error is running out of memory: the inputs are small, so that means a
 * size read from one was believed (replay.c limits the address space to
 * 4 GiB outside AddressSanitizer builds, libFuzzer's -malloc_limit_mb
 * catches it first under the fuzzer). */
void fuzz_check_outcome(gboolean has_result, const GError *error);

/* The path of file name in this process's own directory (removed at
 * exit, with what is in it); g_free it. */
char *fuzz_path(const char *name);

/* Writes data to the file name in that directory (rewritten on every
 * call) and returns its path. Aborts if the file cannot be written: that
 * is the harness failing, not the parser. */
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
