/* Standard output whose write errors are errors.
 *
 * `nnlab predict ... > /dev/full` must not exit 0 with nothing written.
 * As coreutils' close_stdout does, the last flush and close of stdout are
 * checked at exit; stdout also goes through a stream that remembers the
 * errno of the first failed write, so that the message says why even when
 * the failure happened in the middle of a long output
 * ("nnlab: error: write error: No space left on device"). */
#ifndef NNLAB_CLI_STDOUT_STREAM_H
#define NNLAB_CLI_STDOUT_STREAM_H

/* Replaces stdout with the recording stream (line-buffered on a
 * terminal, fully buffered otherwise, as before). */
void stdout_stream_install(void);

/* Flushes and closes stdout. On a write error prints one line on stderr
 * and returns status, or 1 if status was 0; otherwise returns status. A
 * stdout closed by the caller (>&-) is an error only if something was
 * written to it. */
int stdout_stream_close(int status);

#endif
