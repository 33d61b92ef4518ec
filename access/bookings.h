/*
 * bookings.h - the rooms' calendars in the store: each calendar object
 * (one iCalendar resource: an event, its recurrence rule and overrides) as
 * fetched, and its occurrences expanded with libical over the window
 * (BOOKINGS_WINDOW_BACK_S before now to BOOKINGS_WINDOW_AHEAD_S after),
 * which is what the kiosk, the rights engine and `seuilctl bookings` read.
 *
 * Every change of a room's calendar is applied in one transaction with
 * the sync token (CalDAV) or the ETag / Last-Modified (iCalendar feed)
 * that goes with it: a crash never leaves a token ahead of the data.
 * seuil-sync calls these; the iCalendar text is the server's, parsed here
 * with libical (ical_expand.h), never by hand.
 *
 * Unreadable items: an item libical cannot read (or that passes a limit of
 * ical_expand.h) is counted in *skipped and kept without occurrences (so
 * that bookings_reexpand() tries it again), or removed when it is larger
 * than ICAL_EXPAND_MAX_BYTES; the others still apply.  This module never
 * logs: when the call succeeds but something was skipped or left out, err
 * holds one line naming the first href and why, for the caller to log (pass
 * err empty).
 *
 * The organiser's tenant of each occurrence: X-SEUIL-TENANT when it names
 * a tenant of the directory (book-now writes it), else the tenant of the
 * people whose email is the ORGANIZER's address (none when they belong to
 * two tenants).  The last sync of a room is kept in sync_state under
 * 'calendar_synced_ms:<room id>'.
 *
 * Not thread-safe (a store handle is not); every function may be called
 * from any one thread that owns st.
 */
#ifndef SEUIL_BOOKINGS_H
#define SEUIL_BOOKINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define BOOKINGS_WINDOW_BACK_S (7 * 86400)
#define BOOKINGS_WINDOW_AHEAD_S (90 * 86400)
#define BOOKINGS_LEAD_S (30 * 60) /* a booking lets its organisation in this long before it starts */

/* what seuil-sync needs to sync one room */
struct room_calendar {
	char id[64];
	char url[512];          /* the collection (caldav) or the feed (ics) */
	char feed[8];           /* "caldav" or "ics" */
	char sync_token[512];   /* "" before the first sync */
	char etag[256];         /* ics: the feed's ETag, "" when none */
	char last_modified[64]; /* ics: the feed's Last-Modified, "" when none */
	int64_t refresh_s;      /* ics: REFRESH-INTERVAL in seconds, 0 when none */
	int64_t synced_ms;      /* last successful sync, 0 when never */
};

/* one calendar object resource as the server gave it */
struct booking_item {
	const char *href;  /* its path on the server (caldav) or its UID (ics) */
	const char *etag;  /* may be NULL */
	const char *ical;  /* the whole VCALENDAR text */
};

/*
 * Walks the rooms that have a calendar, by id.  fn is called after the read
 * has ended, so it may use st (sync the room, write); a non-zero return
 * from fn stops the walk and is returned.  feed is "caldav" when the
 * directory gave none.
 */
typedef int (*room_calendar_fn)(const struct room_calendar *room, void *ctx);
int bookings_rooms(struct store *st, room_calendar_fn fn, void *ctx, char *err, size_t errlen);

/*
 * CalDAV delta: stores each changed item (replacing its occurrences) and
 * removes each deleted href, then the new token (NULL: the token is left as
 * it is) and the time of the sync, in one transaction.  The window is the
 * one around now_s.  *skipped (may be NULL) counts the unreadable items.
 * Errors: SEUIL_ERR_NOT_FOUND for an unknown room, store errors; nothing is
 * written then.
 */
int bookings_apply_delta(struct store *st, const char *room, const struct booking_item *changed, size_t nchanged,
			 const char *const *deleted, size_t ndeleted, const char *token, int64_t now_s,
			 size_t *skipped, char *err, size_t errlen);
/*
 * Full resync (first sync, a rejected token, an iCalendar feed): the room's
 * items become exactly these, with state's sync_token (caldav) or etag,
 * last_modified and refresh_s (ics) ("" and 0 store nothing; a NULL state
 * clears them all), in one transaction.  An item may hold several UIDs: a
 * whole iCalendar feed can be given as one item (href: the feed's URL).
 * Only the fields named above are read from state.
 */
int bookings_replace(struct store *st, const char *room, const struct booking_item *items, size_t n,
		     const struct room_calendar *state, int64_t now_s, size_t *skipped, char *err, size_t errlen);
/* Records that a room was synced (ics 304 Not Modified, or a delta with no change); NOT_FOUND for an unknown room. */
int bookings_touch(struct store *st, const char *room, int64_t now_ms, char *err, size_t errlen);
/*
 * Re-expands every stored item over the window around now_s (the daily
 * refresh), resolving organisers against today's directory, in one
 * transaction.  Items that still cannot be read stay without occurrences.
 */
int bookings_reexpand(struct store *st, int64_t now_s, char *err, size_t errlen);

/* one occurrence as `seuilctl bookings` prints it */
struct booking_occurrence {
	char room[64];
	int64_t start_s, end_s; /* UTC; all-day: the site's local midnights */
	bool all_day;
	bool private_;
	char summary[256];      /* "" for a private booking */
	char uid[256];
	/* "" for a single event; else the instance's original start,
	 * "YYYY-MM-DDTHH:MM:SSZ" (UTC), or "YYYY-MM-DD" for an all-day series */
	char recurrence_id[64];
	char organizer_tenant[64]; /* "" when unknown */
};
typedef int (*booking_occurrence_fn)(const struct booking_occurrence *o, void *ctx);
/*
 * Occurrences overlapping [from_s, to_s) (one of no length at from_s
 * counts), of room (NULL: all), by start then room, from one read snapshot.
 * Only the expansion window around the last sync or re-expansion is
 * stored.  fn is called after the read has ended (it may use st); a
 * non-zero return stops the walk and is returned.
 */
int bookings_list(struct store *st, const char *room, int64_t from_s, int64_t to_s, booking_occurrence_fn fn,
		  void *ctx, char *err, size_t errlen);

#endif
