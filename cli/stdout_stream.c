/* stdout_stream.h with fopencookie: glibc lets a program assign stdout
 * (its manual says so), and the library and plugins then write through
 * the same stream. Only main.c installs and closes it. */
#include "stdout_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <unistd.h>

#include <glib.h>

static int first_write_errno;

/* Writes all of buffer (a pipe may take it in pieces); 0 on an error, as
 * fopencookie's write functions report one. */
static ssize_t write_out(void *cookie, const char *buffer, size_t size) {
  (void)cookie;
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(STDOUT_FILENO, buffer + done, size - done);
    if (n > 0) {
      done += (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (!first_write_errno) first_write_errno = n < 0 ? errno : EIO;
      return 0;
    }
  }
  return (ssize_t)size;
}

static int close_out(void *cookie) {
  (void)cookie;
  return close(STDOUT_FILENO);
}

void stdout_stream_install(void) {
  cookie_io_functions_t io = {.write = write_out, .close = close_out};
  FILE *stream = fopencookie(NULL, "w", io);
  if (!stream) return; /* the plain stdout, checked at close all the same */
  setvbuf(stream, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
  fflush(stdout);
  stdout = stream;
}

int stdout_stream_close(int status) {
  gboolean failed_before = ferror(stdout) != 0;
  gboolean pending = __fpending(stdout) != 0;
  errno = 0;
  gboolean close_failed = fclose(stdout) != 0;
  int close_errno = errno;
  if (!failed_before && !first_write_errno &&
      !(close_failed && (pending || close_errno != EBADF)))
    return status;
  int reason = first_write_errno ? first_write_errno : close_errno;
  fprintf(stderr, "nnlab: error: write error%s%s\n", reason ? ": " : "",
          reason ? g_strerror(reason) : "");
  return status ? status : 1;
}
