/* Probing plugin files in a helper process before loading them, as
 * GStreamer's plugin scanner does: a file that crashes or hangs while it
 * loads is reported as broken, and skipped until it changes, instead of
 * taking down the program that asked. */
#ifndef NNLAB_PLUGIN_SCAN_H
#define NNLAB_PLUGIN_SCAN_H

#include <nnlab/common.h>

/* Where nnlab-plugin-scanner is for this libnnlab (build tree or
 * installed); free with g_free. */
char *plugin_scanner_path(void);

/* For each path, NULL if it may be loaded in this process, or why it is
 * broken. Results come from the cache (keyed by path, size and mtime) or a
 * run of the scanner. With NNLAB_PLUGIN_SCANNER=0, or when the scanner is
 * missing, every path may be loaded (the loader's own checks still run).
 * Returns a table path -> reason for the broken ones. */
GHashTable *plugin_scan(const GPtrArray *paths);

#endif
