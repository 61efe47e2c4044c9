/* One nnlab train or compare per output directory: an flock on DIR/.lock,
 * released by the kernel when the process exits, so there is never a
 * stale lock to clean up. It never waits for the lock: a busy directory is
 * an error naming the holder. */
#include "run_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* nnlab writes its pid into the lock file, so it must be a new or regular
 * file like any output, not a device or a FIFO (opening one would block or
 * write into it). */
static int open_lock_file(const char *path, GError **error) {
  if (!nnlab_check_output_file(path, error)) return -1;
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s: %s", path,
                g_strerror(errno));
  return fd;
}

/* " train (pid 123)" from the lock file's "123 train", for the message. */
static char *describe_holder(int fd) {
  char text[64] = "";
  ssize_t n = pread(fd, text, sizeof text - 1, 0);
  text[n > 0 ? n : 0] = '\0';
  g_auto(GStrv) words = g_strsplit(g_strstrip(text), " ", 2);
  if (!words[0] || !*words[0]) return g_strdup(" process");
  return g_strdup_printf(" %s (pid %s)", words[1] ? words[1] : "process",
                         words[0]);
}

gboolean run_lock_acquire(const char *out_dir, const char *command,
                          GError **error) {
  g_autofree char *path = g_build_filename(out_dir, ".lock", NULL);
  int fd = open_lock_file(path, error);
  if (fd < 0) return FALSE;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    g_autofree char *who = describe_holder(fd);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "%s: another nnlab%s is using this directory; wait for it or "
                "choose another --out",
                out_dir, who);
    close(fd);
    return FALSE;
  }
  /* Record who holds it, for the message above; the descriptor stays open
   * (and the lock held) until exit. */
  g_autofree char *holder =
      g_strdup_printf("%ld %s\n", (long)getpid(), command);
  gboolean recorded =
      ftruncate(fd, 0) == 0 && pwrite(fd, holder, strlen(holder), 0) > 0;
  (void)recorded; /* the holder only makes the message above friendlier */
  return TRUE;
}
