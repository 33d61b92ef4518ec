/*
 * appliance.h - the door path without a screen: reader thread, rights
 * engine, door state machine and backend, journal and systemd watchdog, in
 * one poll() loop.  `seuil --headless` runs it (appliance_run); the kiosk's
 * screen loop drives the same steps through appliance_open / _fds /
 * _next_timeout / _service / _close, polling the fds itself.
 *
 * Order on a tap: decide, actuate the door, then write the journal
 * durably before the next decision.  A tap older than APPLIANCE_STALE_TAP_MS
 * when it reaches the loop (the loop was stalled) is dropped, never acted on.
 *
 * The loop never waits long on the database: while another process holds
 * its write lock (seuil-sync, an import, a purge), the decision is still
 * made from a read snapshot and the door still moves on time; the journal
 * events (decisions, alarms, faults) wait in an in-memory queue, in order,
 * and are written on the next turns (every 100 ms while any waits), each
 * getting its sequence number when written.  The queue holds 256 events;
 * beyond that the newest are refused, logged as errors and replaced in the
 * journal by one "journal_overflow" fault (journal.h).  Events still queued
 * when the process stops are lost, and the log says how many.
 *
 * The door's id: [device] door, or when left empty the directory's first
 * door, resolved once at open (or when a sync brings the first door) and
 * carried by every decision, alarm and fault.
 *
 * Office requests (requests.h, kind "unlock_for") older than
 * APPLIANCE_REQUEST_MAX_AGE_MS are marked "expired" and journaled (kind
 * "request", reason "expired"), never acted on; a malformed one is marked
 * "failed" and journaled (reason "refused").
 *
 * The kiosk's own writes through appliance_store() (check-in, check-out,
 * staff actions) still wait up to the store's busy timeout.
 */
#ifndef SEUIL_APPLIANCE_H
#define SEUIL_APPLIANCE_H

#include "config.h"
#include "rights.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#define APPLIANCE_STALE_TAP_MS 1500
/*
 * An office unlock is asked for now: one written longer ago than this (the
 * door process was down, the clock jumped), or this far in the future, is
 * not acted on.  seuil-sync writes the row as it receives the command (and
 * refuses commands issued more than 10 minutes before), so 2 minutes leave
 * room for a busy loop and nothing for a replay after a restart.
 */
#define APPLIANCE_REQUEST_MAX_AGE_MS (2 * 60 * 1000)
/* room appliance_fds() needs: signalfd, reader pipe, the door's inputs */
#define APPLIANCE_FDS_MAX 18

struct appliance;
struct store;

/* Called after each decision (door driven, journal written or queued); d is the caller's only for the call. */
typedef void (*appliance_decision_fn)(const struct access_decision *d, void *ctx);

/*
 * Opens the door backend (driven locked first), the store, the signalfd
 * (SIGTERM, SIGINT, SIGHUP blocked) and the reader thread when enabled.
 * Returns 0 with a handle in *out that appliance_close() frees, or 2 after
 * logging why.  cfg must outlive the handle.  One thread only.
 */
int appliance_open(const struct seuil_config *cfg, const char *db_path, struct appliance **out);
typedef void (*appliance_capture_fn)(const char *uid_hex, void *ctx);
/*
 * While capture is on, the next card (reader or appliance_tap(), which then
 * returns SEUIL_ERR_BUSY) is handed to fn as normalized hex instead of
 * being decided: the door does not move.  Capture ends with that card.
 */
void appliance_on_capture(struct appliance *app, appliance_capture_fn fn, void *ctx);
void appliance_capture(struct appliance *app, bool on);
/* Every decision, reader taps and appliance_tap() alike, is also handed to fn. */
void appliance_on_decision(struct appliance *app, appliance_decision_fn fn, void *ctx);
/*
 * Fills fds (at least APPLIANCE_FDS_MAX entries) with what to poll for
 * POLLIN; returns how many, or -1 when max is too small.  The set may change
 * between calls (reader reopened): ask again before each poll.
 */
int appliance_fds(struct appliance *app, struct pollfd *fds, int max);
/* Milliseconds until the door, watchdog, checkpoint or a held-back journal write needs a turn (0..1000). */
int appliance_next_timeout(struct appliance *app, int64_t now_mono_ms);
/*
 * One turn after poll: the revents of fds as appliance_fds() filled them
 * (nfds 0 after a timeout or EINTR is fine), then requests, door tick,
 * checkpoint, watchdog.  Returns false once SIGTERM or SIGINT arrived.
 */
bool appliance_service(struct appliance *app, const struct pollfd *fds, int nfds);
/*
 * A tap of the card whose uid is text (hex): decide, door, journal, as from
 * the reader.  Returns SEUIL_OK with *out filled (may be NULL), or an error
 * when the uid is malformed or no decision could be made (the door stays shut).
 */
int appliance_tap(struct appliance *app, const char *text, struct access_decision *out);
/* The store the appliance opened; owned by it, valid until appliance_close(). */
struct store *appliance_store(struct appliance *app);
/* True while the strike is released (a grant, the exit button, a hold). */
bool appliance_door_released(const struct appliance *app);
/* Drives the door locked, checkpoints, frees everything; NULL is a no-op. */
void appliance_close(struct appliance *app);

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

/* ---- staff mode (kiosk_staff.c) ---- */

/* The door as the staff screen shows it (door.h's state, read only). */
struct appliance_door_view {
	bool released;           /* the strike is released now */
	int64_t release_left_ms; /* until the release ends, 0 when locked */
	int64_t hold_left_ms;    /* a staff or office hold-open: time left, 0 when none */
	bool has_contact;        /* a door contact is wired */
	bool contact_open;
	unsigned alarms;         /* enum door_alarm bits */
};
void appliance_door_view(const struct appliance *app, struct appliance_door_view *out);
/*
 * Holds the door released for seconds (0 ends a hold; at most 43200), as
 * the office's unlock_for does.  The caller journals who asked.
 */
void appliance_unlock_for(struct appliance *app, unsigned seconds);

/*
 * fn is called (on the loop's thread, during appliance_service()) when
 * another process committed to the store: seuil-sync answered a request,
 * brought bookings.  NULL stops the calls.
 */
typedef void (*appliance_change_fn)(void *ctx);
void appliance_on_store_change(struct appliance *app, appliance_change_fn fn, void *ctx);

/* Asks seuil-sync for a sync now (a visitor waiting): a local socket, never waits. */
void appliance_sync_now(struct appliance *app);

#endif
