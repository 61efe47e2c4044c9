/* Shared definitions for the nnlab engine API. */
#ifndef NNLAB_COMMON_H
#define NNLAB_COMMON_H

#include <glib.h>

#include <nnlab/plugin.h>

#define NNLAB_API __attribute__((visibility("default")))

G_BEGIN_DECLS

/* Errors from the engine are GErrors in this domain. The message names the
 * file, line or key at fault and says what was expected. */
#define NNLAB_ERROR (nnlab_error_quark())
NNLAB_API GQuark nnlab_error_quark(void);

typedef enum nnlab_error_code {
  NNLAB_ERROR_NOT_FOUND, /* no such plugin, key, file or member */
  NNLAB_ERROR_INVALID,   /* malformed value, config or file */
  NNLAB_ERROR_RANGE,     /* a value outside its allowed range */
  NNLAB_ERROR_PLUGIN,    /* a plugin returned a failure status */
  NNLAB_ERROR_IO,        /* reading or writing a file failed */
  NNLAB_ERROR_DIVERGED,  /* training produced NaN or Inf */
  NNLAB_ERROR_NO_MEMORY, /* an allocation failed */
} nnlab_error_code;

/* The library's version string, "MAJOR.MINOR.PATCH". */
NNLAB_API const char *nnlab_version(void);

/* "activation", "loss", "optimizer"; NULL for an unknown kind. */
NNLAB_API const char *nnlab_kind_name(nnlab_plugin_kind kind);
/* Parses a kind name; returns FALSE if unknown. */
NNLAB_API gboolean nnlab_kind_from_name(const char *name,
                                        nnlab_plugin_kind *kind);

/* Names of declared properties (plugin.h): "values", "logits",
 * "log-probabilities", "dies", ...; "undeclared" for 0 or an unknown value. */
NNLAB_API const char *nnlab_output_kind_name(nnlab_output_kind kind);
NNLAB_API const char *nnlab_loss_input_name(nnlab_loss_input input);
NNLAB_API const char *nnlab_unit_failure_name(nnlab_unit_failure failure);

/* HDF5 prints its own error stack to stderr when this is on (--verbose);
 * by default nnlab's one-line errors are all a user sees. */
NNLAB_API void nnlab_show_hdf5_errors(gboolean show);

/* Warnings about the files the engine reads, e.g. one whose arrays carry
 * no checksums: one line each, without a newline. By default they are
 * printed on stderr as "nnlab: warning: LINE"; a program may take them
 * instead (set the handler before loading anything), or pass NULL to
 * restore the default. */
typedef void (*nnlab_warning_handler)(const char *message, void *user_data);
NNLAB_API void nnlab_set_warning_handler(nnlab_warning_handler handler,
                                         void *user_data);

/* Test hooks for out-of-memory handling: after this call the n-th buffer
 * allocation of the engine (model, gradients, workspaces, optimizer state,
 * datasets, checkpoint contents) fails; 0 turns injection off. Small
 * bookkeeping allocations use GLib, which aborts on exhaustion. */
NNLAB_API void nnlab_debug_fail_allocation(guint64 n);
/* Buffer allocations made since the last nnlab_debug_fail_allocation. */
NNLAB_API guint64 nnlab_debug_allocations(void);

/* A bounded quote of user-supplied text (a CSV cell, an INI value, a name)
 * for an error message: the text, or its first max_chars UTF-8 characters
 * and "…" when longer, with control characters escaped (\n, \t, \xNN) so
 * that the message stays one short line. Free with g_free. */
#define NNLAB_EXCERPT_CHARS 80
NNLAB_API char *nnlab_excerpt_chars(const char *text, size_t max_chars);
/* nnlab_excerpt_chars(text, NNLAB_EXCERPT_CHARS). */
NNLAB_API char *nnlab_excerpt(const char *text);

/* Short text for a plugin status code. */
NNLAB_API const char *nnlab_status_message(nnlab_status status);

G_END_DECLS

#endif
