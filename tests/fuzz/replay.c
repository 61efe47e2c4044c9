/* Runs a fuzz target's LLVMFuzzerTestOneInput over files without
 * libFuzzer, so the normal and sanitizer builds replay the seed corpus and
 * every input a fuzzer once crashed on. Arguments are files or
 * directories (their files, in name order). A crash is the failure; the
 * program prints how many inputs it ran. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "fuzz_support.h"

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif

/* Makes an allocation sized from an input fail (as a NO_MEMORY error the
 * targets abort on) instead of succeeding lazily. AddressSanitizer
 * reserves terabytes of address space and reports such allocations
 * itself. */
static void limit_address_space(void) {
#ifndef REPLAY_ASAN
  struct rlimit limit = {(rlim_t)4 << 30, (rlim_t)4 << 30};
  setrlimit(RLIMIT_AS, &limit);
#endif
}

static gboolean run_file(const char *path, size_t *count) {
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents(path, &contents, &length, &error)) {
    fprintf(stderr, "replay: %s\n", error->message);
    return FALSE;
  }
  LLVMFuzzerTestOneInput((const uint8_t *)contents, length);
  (*count)++;
  return TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean run_directory(const char *path, size_t *count) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
  if (!dir) {
    fprintf(stderr, "replay: %s\n", error->message);
    return FALSE;
  }
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(dir));)
    g_ptr_array_add(files, g_build_filename(path, name, NULL));
  g_ptr_array_sort(files, compare_names);
  for (guint i = 0; i < files->len; i++) {
    const char *file = g_ptr_array_index(files, i);
    if (g_file_test(file, G_FILE_TEST_IS_REGULAR) && !run_file(file, count))
      return FALSE;
  }
  return TRUE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  LLVMFuzzerInitialize(&argc, &argv);
  limit_address_space();
  size_t count = 0;
  for (int i = 1; i < argc; i++) {
    gboolean ok = g_file_test(argv[i], G_FILE_TEST_IS_DIR)
                      ? run_directory(argv[i], &count)
                      : run_file(argv[i], &count);
    if (!ok) return 1;
  }
  printf("%zu inputs replayed\n", count);
  return 0;
}
