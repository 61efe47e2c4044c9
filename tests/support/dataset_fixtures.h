/* Scratch files for the dataset tests. */
#ifndef NNLAB_TEST_DATASET_FIXTURES_H
#define NNLAB_TEST_DATASET_FIXTURES_H

#include <glib.h>

/* A new empty directory under the system's temporary directory. */
char *fixture_make_dir(void);
/* Removes dir and the files in it (it has no subdirectories). */
void fixture_remove_dir(const char *dir);
/* Writes contents to dir/name; returns the path. */
char *fixture_write(const char *dir, const char *name, const char *contents);
/* Writes size bytes gzip-compressed to dir/name; returns the path. */
char *fixture_write_gzip(const char *dir, const char *name, const void *data,
                         size_t size);
/* The number of entries in dir. */
guint fixture_count_files(const char *dir);
/* Fails the test unless text contains part. */
void fixture_assert_contains(const char *text, const char *part);

#endif
