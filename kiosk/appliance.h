/*
 * appliance.h - the door path without a screen: reader thread, rights
 * engine, door state machine and backend, journal and systemd watchdog, in
 * one poll() loop.  `seuil --headless` runs it; the kiosk's screen loop
 * (later) drives the same steps.
 *
 * Order on a tap: decide, actuate the door, then write the journal
 * durably before the next decision.  A tap older than APPLIANCE_STALE_TAP_MS
 * when it reaches the loop (the loop was stalled) is dropped, never acted on.
 */
#ifndef SEUIL_APPLIANCE_H
#define SEUIL_APPLIANCE_H

#include "config.h"

#define APPLIANCE_STALE_TAP_MS 1500

/*
 * Runs until SIGTERM or SIGINT (returns 0) or a start-up failure (returns
 * 2 after logging why).  db_path is the database to open (already resolved).
 */
int appliance_run(const struct seuil_config *cfg, const char *db_path);

/*
 * Drives the configured door's relay to its locked level and returns: for
 * `seuil --relay-off`, which systemd runs after the service stopped (crash
 * included).  Returns 0, or 2 when the door backend cannot be opened.
 */
int appliance_relay_off(const struct seuil_config *cfg);

#endif
