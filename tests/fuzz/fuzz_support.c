#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nnlab/config.h>

volatile float fuzz_sink;

static GPtrArray *written_paths;

static void remove_written_files(void) {
  for (guint i = 0; i < written_paths->len; i++)
    remove(g_ptr_array_index(written_paths, i));
  g_ptr_array_unref(written_paths);
}

/* Memory-backed when possible: rewriting a file on disk thousands of
 * times a second is slow (ext4 flushes a truncated file on close). */
static const char *files_directory(void) {
  if (g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) &&
      access("/dev/shm", W_OK) == 0)
    return "/dev/shm";
  return g_get_tmp_dir();
}

static const char *path_for(const char *name) {
  static const char *dir;
  if (!written_paths) {
    written_paths = g_ptr_array_new_with_free_func(g_free);
    atexit(remove_written_files);
    dir = files_directory();
  }
  char *path =
      g_strdup_printf("%s/nnlab-fuzz-%ld-%s", dir, (long)getpid(), name);
  for (guint i = 0; i < written_paths->len; i++) {
    const char *known = g_ptr_array_index(written_paths, i);
    if (strcmp(known, path) == 0) {
      g_free(path);
      return known;
    }
  }
  g_ptr_array_add(written_paths, path);
  return path;
}

const char *fuzz_write_file(const char *name, const uint8_t *data,
                            size_t size) {
  const char *path = path_for(name);
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
  if (!model == !error) abort(); /* exactly one of a result and an error */
  nnlab_model_free(model);
  g_clear_error(&error);
}
