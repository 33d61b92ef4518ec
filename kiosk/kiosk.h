/*
 * kiosk.h - `seuil` with a screen: the door path of appliance.c and the
 * SDL2 screens in one event loop, or a script of taps, badges and
 * screenshots played against them (`seuil --script FILE --screenshots DIR`).
 */
#ifndef SEUIL_KIOSK_H
#define SEUIL_KIOSK_H

#include "config.h"

#include <stdbool.h>

struct kiosk_options {
	const char *script;      /* NULL: the interactive loop */
	const char *screenshots; /* directory for `shot NAME`; NULL = the current one */
	bool windowed;           /* a UI_W x UI_H window instead of full screen */
};

/*
 * Runs until SIGTERM, SIGINT or the window closes (returns 0), or until
 * the script ends (0) or fails (1, after saying on which line); 2 when it
 * cannot start.  A script runs without a reader and with a simulated door
 * in a temporary folder, whatever cfg says.
 */
int kiosk_run(const struct seuil_config *cfg, const char *db_path, const struct kiosk_options *opt);

#endif
