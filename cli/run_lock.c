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

gboolean run_lock_acquire(const char *out_dir, GError **error) {
  g_autofree char *path = g_build_filename(out_dir, ".lock", NULL);
  int fd = open_lock_file(path, error);
  if (fd < 0) return FALSE;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = "";
    ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
    holder[n > 0 ? n : 0] = '\0';
    g_strstrip(holder);
    g_autofree char *who =
        *holder ? g_strdup_printf(" (pid %s)", holder) : g_strdup("");
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "%s: another nnlab train%s is using this run directory; "
                "wait for it or choose another --out",
                out_dir, who);
    close(fd);
    return FALSE;
  }
  /* Record who holds it, for the message above; the descriptor stays open
   * (and the lock held) until exit. */
  g_autofree char *pid = g_strdup_printf("%ld\n", (long)getpid());
  gboolean recorded =
      ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) > 0;
  (void)recorded; /* the pid only makes the message above friendlier */
  return TRUE;
}
