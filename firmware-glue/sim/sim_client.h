/*
 * sim_client.h - send one command line to a simulator's control socket (the
 * PN532 emulator's, the simulated door's) and read its one-line answer.
 */
#ifndef SEUIL_SIM_CLIENT_H
#define SEUIL_SIM_CLIENT_H

#include <stddef.h>

#define SIM_LINE_MAX 512

/*
 * Connects to control_path, sends line (no newline in it) and copies the
 * answer line, without its newline, into reply (cap bytes).  Returns
 * SEUIL_OK, or SEUIL_ERR_IO / SEUIL_ERR_TIMEOUT / SEUIL_ERR_INVALID with a
 * message in err.  Blocks at most timeout_ms.  Any thread.
 */
int sim_send_line(const char *control_path, const char *line, int timeout_ms, char *reply, size_t cap,
		  char *err, size_t errlen);

#endif
