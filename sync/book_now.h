/*
 * book_now.h - seuil-sync's side of "book now" (book_request.h): the
 * kiosk's "book" requests, each written to its room's CalDAV collection.
 *
 * For each request taken (oldest first; one older than
 * BOOK_REQUEST_MAX_AGE_MS is refused as expired, one the kiosk cancelled
 * is never taken):
 *   1. the room is synced (caldav_sync_room) and the slot checked in the
 *      store: taken -> "conflict";
 *   2. the event (libical: DTSTART/DTEND in UTC, SUMMARY "Réservé sur
 *      place — <tenant>", ORGANIZER the person's address when known,
 *      X-SEUIL-TENANT) is PUT to <collection>/<uid>.ics with
 *      If-None-Match: *; 412 -> "conflict" (another kiosk booked the same
 *      room from the same minute: same UID, the server let one create it);
 *   3. 201/204: stored at once, the room synced again, and if another
 *      event now overlaps the slot (two kiosks that raced with different
 *      starts), ours is DELETEd -> "conflict"; else "ok".
 * The rule in 3 lets at most one of two racing bookings stand: each reads
 * after its own write, so at least one of them sees the other.  Both may
 * back off when they race to the millisecond; neither is then booked,
 * which the kiosk says.  The calendar unreachable -> "offline".
 *
 * Nothing prints; each outcome is logged.  Not thread-safe on st.
 */
#ifndef SEUIL_BOOK_NOW_H
#define SEUIL_BOOK_NOW_H

#include <stdint.h>

struct caldav_run;
struct seuil_config;
struct store;

#define BOOK_NOW_MAX_PER_RUN 20

struct book_now_report {
	int ok, conflict, offline, failed;
};

/* Answers every pending book request; *report counts the answers. */
void book_now_run(const struct seuil_config *cfg, struct store *st, const struct caldav_run *run, int64_t now_ms,
		  struct book_now_report *report);

#endif
