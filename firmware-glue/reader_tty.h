/*
 * reader_tty.h - the last resort against libnfc's one unbounded wait.
 *
 * libnfc's serial drivers wait for the ACK of InAutoPoll with no timeout
 * and no abort (see reader.c).  A reader that goes mute exactly then would
 * hold the reader thread forever.  These helpers find the descriptor libnfc
 * opened for the serial line, and cut it: /dev/null is put in its place
 * with dup2() (atomic, so the number never points at anything else) and
 * the thread is sent a signal whose handler does nothing.  libnfc's select()
 * returns EINTR, is restarted on /dev/null, and its read fails with EIO:
 * the poll ends in an error, the device is closed (closing /dev/null) and
 * reopened as after any other failure.
 */
#ifndef SEUIL_READER_TTY_H
#define SEUIL_READER_TTY_H

#include <pthread.h>
#include <stdbool.h>

/*
 * The descriptor of this process that is open on the serial device of
 * connstring (as "driver:/dev/path[:speed]"), or -1 for a USB reader, an
 * unknown path, or none found.
 */
int reader_tty_find(const char *connstring);
/*
 * Installs the do-nothing handler of the wake-up signal unless the process
 * already handles it; returns the signal number (the reader thread must
 * leave it unblocked).
 */
int reader_tty_signal(void);
/* Puts /dev/null in place of fd and wakes thread; false if it could not. */
bool reader_tty_cut(int fd, pthread_t thread);

#endif
