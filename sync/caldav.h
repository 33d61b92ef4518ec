/*
 * caldav.h - the rooms' calendars in seuil-sync: every room of the store
 * that has a calendar (bookings_rooms()) is brought up to date from its
 * server, after the office exchange of each sync (sync_once()).
 *
 *   feed "caldav"  a CalDAV collection (RFC 4791): delta sync with a
 *                  sync-collection REPORT (RFC 6578) from the stored token,
 *                  asking for getetag and calendar-data; a calendar-multiget
 *                  for items whose data the server left out; 404 responses
 *                  are deletions; all of it applied in one transaction
 *                  (bookings_apply_delta()).  The first sync, and a token
 *                  the server rejects (403 DAV:valid-sync-token, 409, 400),
 *                  are a full resync (bookings_replace()), after finding
 *                  the collection (PROPFIND, following the principal and
 *                  calendar-home-set when the URL is not itself a
 *                  calendar).  A truncated reply (507) is asked again from
 *                  its new token, at most CALDAV_ROUNDS_MAX times, and
 *                  never again when the token did not move.
 *   feed "ics"     an iCalendar feed: a conditional GET (If-None-Match,
 *                  If-Modified-Since); 304 only records the sync; 200 is
 *                  cut into objects by UID (ics_feed_split.h) and replaces
 *                  the room's items; not fetched again before the feed's
 *                  REFRESH-INTERVAL has passed.
 *
 * Credentials ([sync] calendar_user, calendar_password_file), the CA
 * ([sync] calendar_ca, else the system's store) and the transport rules
 * are caldav_http.h's.  A room that fails (a server down, a hostile
 * reply, a password refused) changes nothing of its own bookings and does
 * not stop the other rooms.
 *
 * Not thread-safe on a shared store handle.  Nothing here prints; each
 * failed room is logged at warning level.  caldav_sync_rooms() fetches the
 * next room's first REPORT on a thread of its own (caldav_prefetch.h) while
 * the current room is stored; the store stays on the calling thread.
 */
#ifndef SEUIL_CALDAV_H
#define SEUIL_CALDAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct seuil_config;
struct store;

#define CALDAV_ROUNDS_MAX 20       /* sync-collection REPORTs for one room in one sync (507) */
#define CALDAV_MULTIGET_BATCH 100  /* hrefs in one calendar-multiget */
#define CALDAV_ROOMS_MAX 1000      /* rooms synced in one sync */
#define CALDAV_PASSWORD_MAX 256    /* bytes of the calendar password */
#define CALDAV_ERROR_MAX 256       /* bytes kept of the first error */

struct caldav_run {
	bool insecure_loopback;        /* allow http:// to a loopback server (tests, demos) */
	int (*tick)(void *ctx);        /* as sync_run.tick; may be NULL */
	void *tick_ctx;
};

/* what one sync did for the calendars */
struct caldav_report {
	int rooms;                     /* rooms with a calendar */
	int full;                      /* synced in full: first sync, token rejected, a feed fetched */
	int delta;                     /* synced from their token */
	int unchanged;                 /* nothing new: a delta without change, a feed's 304 */
	int not_due;                   /* feeds whose REFRESH-INTERVAL had not passed */
	int resynced;                  /* of full: because the server rejected the token */
	int failed;
	long changed, deleted, skipped;/* items stored, removed, unreadable (skipped by bookings.c) */
	char first_error[CALDAV_ERROR_MAX]; /* "calendar of ROOM: why" for the first failed room, else "" */
};

/*
 * Syncs every room's calendar under cfg's [sync] calendar keys, at now_ms
 * (wall clock, for REFRESH-INTERVAL and the synced time).  *report says
 * what was done.  Returns SEUIL_OK when every room synced (or none has a
 * calendar); otherwise the first error, with report->first_error in err.
 * A password file that is missing, or readable by group or others, fails
 * every room with that reason.
 */
int caldav_sync_rooms(const struct seuil_config *cfg, struct store *st, const struct caldav_run *run,
		      int64_t now_ms, struct caldav_report *report, char *err, size_t errlen);

/*
 * Reads the first line of the password file at path into buf (at most
 * CALDAV_PASSWORD_MAX bytes).  Refuses, with SEUIL_ERR_DENIED and a line
 * saying what to do, a file readable or writable by its group or by
 * others, and anything but a regular file.
 */
int caldav_read_password(const char *path, char *buf, size_t len, char *err, size_t errlen);

/* One line, ending with a newline, saying what *r says ("calendars: ..."), into buf.  Returns buf. */
char *caldav_report_format(const struct caldav_report *r, char *buf, size_t len);

#endif
