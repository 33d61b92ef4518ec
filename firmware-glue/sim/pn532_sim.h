/*
 * pn532_sim.h - the PN532 emulator process: a pseudo-terminal that speaks
 * the PN532 serial protocol (so the unmodified libnfc opens it as
 * pn532_uart:LINK), a control socket that inserts and removes cards and
 * injects faults, and the one poll() loop that serves both.
 *
 * Ownership: pn532_sim_new() copies the paths it needs from the options
 * and returns a handle freed with pn532_sim_free(), which also closes every
 * descriptor and removes the link and the control socket it created.  Not
 * thread-safe: one thread runs one emulator.  pn532_sim_run() installs
 * handlers for SIGINT and SIGTERM (they only set a flag) and ignores
 * SIGPIPE.
 */
#ifndef SEUIL_PN532_SIM_H
#define SEUIL_PN532_SIM_H

#include <stdbool.h>
#include <stddef.h>

struct pn532_emu;
struct pn532_sim;

#define PN532_SIM_CLIENTS_MAX 16

struct pn532_sim_options {
	const char *link_path;    /* required; must not contain ':' (libnfc splits connstrings on it) */
	const char *control_path; /* AF_UNIX stream socket to create; NULL for none */
	const char *apdu_script;  /* `REQUESTHEX RESPONSEHEX` lines (pn532_script.h); NULL for none */
	bool verbose;             /* log every frame at debug level (card UIDs masked) */
};

/*
 * Opens the pseudo-terminal, makes the link and the control socket and
 * loads the script.  Returns SEUIL_OK and stores the emulator in *out, or
 * an error code with a one-line message in err (nothing left behind).
 */
int pn532_sim_new(const struct pn532_sim_options *opt, struct pn532_sim **out, char *err, size_t errlen);

/* Closes everything, removes the link and the socket; NULL is a no-op. */
void pn532_sim_free(struct pn532_sim *sim);

/*
 * Serves the pty and the control socket until `quit` or SIGINT/SIGTERM.
 * Returns SEUIL_OK, or SEUIL_ERR_IO if poll() itself failed.
 */
int pn532_sim_run(struct pn532_sim *sim);

/* The chip state machine, to plug an exchange hook in before running; owned by sim. */
struct pn532_emu *pn532_sim_emu(struct pn532_sim *sim);

/* The pty the link currently points to ("" while vanished); owned by sim. */
const char *pn532_sim_pty_name(const struct pn532_sim *sim);


#endif
