/*
 * sim_pty.h - a simulated serial port: a raw pseudo-terminal (115200 8N1,
 * no echo, no CR/LF translation, no line editing) behind a symbolic link
 * that the host program opens as its device (the PN532 emulator's pty that
 * libnfc opens as pn532_uart:LINK).
 *
 * Ownership: struct sim_pty is embedded in its owner.  sim_pty_init()
 * copies the link path; sim_pty_open() creates the pty and the link, and
 * keeps a descriptor on the slave side of its own so that the pty survives
 * the host closing its one; sim_pty_close() closes both sides and removes
 * the link if it still points to this pty.  A closed pty may be opened
 * again (an unplugged reader that comes back).  Not thread-safe: one
 * thread owns a pty.
 */
#ifndef SEUIL_SIM_PTY_H
#define SEUIL_SIM_PTY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct sim_pty {
	int master_fd;            /* the simulator's side, non-blocking; -1 while closed */
	int slave_fd;             /* kept open while open; -1 while closed */
	bool link_made;           /* link_path is ours to remove */
	char name[128];           /* the pty ("/dev/pts/N"); "" while closed */
	char link_path[PATH_MAX];
};

/* Sets up a closed pty for link_path (shorter than PATH_MAX: the caller checks). */
void sim_pty_init(struct sim_pty *pty, const char *link_path);

/*
 * Creates the pty and points link_path at it (a symbolic link already there
 * is replaced, any other file refused).  Returns SEUIL_OK, or an error code
 * with a one-line message in err and the pty still closed.
 */
int sim_pty_open(struct sim_pty *pty, char *err, size_t errlen);

/* Removes the link if it still points to this pty, closes both sides; a closed pty is left alone. */
void sim_pty_close(struct sim_pty *pty);

#endif
