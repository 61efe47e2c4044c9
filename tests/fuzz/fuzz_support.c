/* What the fuzz targets share (fuzz_support.h): fatal warnings, the check
 * of each outcome, the input as a file or a string, one plugin registry
 * and a size-capped model build. It fuzzes no parser itself: each
 * fuzz_*.c target has its own LLVMFuzzerTestOneInput. */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nnlab/config.h>

volatile float fuzz_sink;

/* abort(), not GLib's fatal-warning breakpoint: libFuzzer keeps the input
 * of an abort but not of a SIGTRAP. */
static void abort_on_warning(const char *domain, GLogLevelFlags level,
                             const char *message, gpointer data) {
  (void)data;
  if (!(level &
        (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    return;
  fprintf(stderr, "fuzz: %s: %s\n", domain ? domain : "", message);
  abort();
}

static GLogWriterOutput abort_on_structured_warning(GLogLevelFlags level,
                                                    const GLogField *fields,
                                                    gsize n_fields,
                                                    gpointer data) {
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      abort_on_warning(NULL, level, fields[i].value, data);
  return G_LOG_WRITER_HANDLED;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  g_log_set_default_handler(abort_on_warning, NULL);
  g_log_set_writer_func(abort_on_structured_warning, NULL, NULL);
  return 0;
}

void fuzz_check_outcome(gboolean has_result, const GError *error) {
  if (has_result == (error != NULL)) {
    fprintf(stderr, "fuzz: %s\n",
            has_result ? "a result and an error"
                       : "neither a result nor an "
                         "error");
    abort();
  }
  if (g_error_matches(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY)) {
    fprintf(stderr, "fuzz: a small input made nnlab run out of memory: %s\n",
            error->message);
    abort();
  }
}

static char *files_dir;

static void remove_files(void) {
  g_autoptr(GDir) dir = g_dir_open(files_dir, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name(dir));) {
    g_autofree char *path = g_build_filename(files_dir, name, NULL);
    remove(path);
  }
  rmdir(files_dir);
  g_free(files_dir);
}

/* Memory-backed when possible: rewriting a file on disk thousands of
 * times a second is slow (ext4 flushes a truncated file on close). */
static const char *files_parent(void) {
  if (g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) &&
      access("/dev/shm", W_OK) == 0)
    return "/dev/shm";
  return g_get_tmp_dir();
}

char *fuzz_path(const char *name) {
  if (!files_dir) {
    files_dir =
        g_strdup_printf("%s/nnlab-fuzz-%ld", files_parent(), (long)getpid());
    if (g_mkdir_with_parents(files_dir, 0700) != 0) {
      fprintf(stderr, "fuzz harness: cannot create %s\n", files_dir);
      abort();
    }
    atexit(remove_files);
  }
  return g_build_filename(files_dir, name, NULL);
}

const char *fuzz_write_file(const char *name, const uint8_t *data,
                            size_t size) {
  static GHashTable *paths; /* name -> path, kept for the process */
  if (!paths) paths = g_hash_table_new(g_str_hash, g_str_equal);
  char *path = g_hash_table_lookup(paths, name);
  if (!path) {
    path = fuzz_path(name);
    g_hash_table_insert(paths, g_strdup(name), path);
  }
  remove(path); /* a new file each time, never a truncated one */
  FILE *file = fopen(path, "wb");
  if (!file || (size && fwrite(data, 1, size, file) != size) ||
      fclose(file) != 0) {
    fprintf(stderr, "fuzz harness: cannot write %s\n", path);
    abort();
  }
  return path;
}

char *fuzz_string(const uint8_t *data, size_t size) {
  return g_strndup((const char *)data, size);
}

const nnlab_registry *fuzz_registry(void) {
  static nnlab_registry *registry;
  if (!registry) {
    char **dirs = nnlab_builtin_plugin_dirs();
    registry = nnlab_registry_new((const char *const *)dirs);
    g_strfreev(dirs);
  }
  return registry;
}

#define FUZZ_INPUTS 4
#define FUZZ_OUTPUTS 3
#define FUZZ_MAX_PARAMS ((size_t)1 << 20)

/* Parameters of the config's network, or SIZE_MAX when too many to build
 * within the fuzzer's memory limit. */
static size_t count_params(const nnlab_run_config *config, size_t outputs) {
  size_t total = 0, fan_in = FUZZ_INPUTS;
  for (size_t l = 0; l <= config->n_hidden; l++) {
    size_t units = l < config->n_hidden ? config->hidden_units[l] : outputs;
    size_t layer = 0;
    if (!g_size_checked_mul(&layer, fan_in + 1, units) ||
        !g_size_checked_add(&total, total, layer) || total > FUZZ_MAX_PARAMS)
      return SIZE_MAX;
    fan_in = units;
  }
  return total;
}

void fuzz_build_model(const nnlab_run_config *config) {
  size_t outputs = config->n_outputs ? config->n_outputs : FUZZ_OUTPUTS;
  if (count_params(config, outputs) == SIZE_MAX) return;
  GError *error = NULL;
  nnlab_model *model =
      nnlab_run_config_build_model(config, FUZZ_INPUTS, outputs, &error);
  fuzz_check_outcome(model != NULL, error);
  nnlab_model_free(model);
  g_clear_error(&error);
}
