/*
 * ics_feed_split.h - an iCalendar feed (one VCALENDAR holding every event
 * of a room) cut into calendar objects, one per UID, as a CalDAV server
 * would store them: each a VCALENDAR with the feed's time zones and every
 * component of that UID (the master and its RECURRENCE-ID overrides).
 * Parsed with libical, never by hand; nothing is expanded here (that is
 * access/bookings.c's business).  Pure: no network, no store; fuzzable.
 * Thread-safe as far as libical is.
 */
#ifndef SEUIL_ICS_FEED_SPLIT_H
#define SEUIL_ICS_FEED_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#define ICS_OBJECTS_MAX 20000 /* events (masters and overrides) taken from one feed */
#define ICS_UID_MAX 255       /* bytes of a UID */

struct ics_object {
	char *uid;  /* owned */
	char *ical; /* owned: the whole VCALENDAR text */
};

struct ics_objects {
	struct ics_object *items; /* sorted by uid */
	size_t count;
	size_t skipped;           /* events without a UID, or with one too long */
	int64_t refresh_s;        /* the feed's REFRESH-INTERVAL (or X-PUBLISHED-TTL), 0 when none */
};

/*
 * Splits text (NUL-terminated, len bytes) into *out; only VEVENTs are
 * kept.  Returns SEUIL_OK, SEUIL_ERR_INVALID (not an iCalendar VCALENDAR)
 * or SEUIL_ERR_TOO_LARGE (more than ICS_OBJECTS_MAX events), with one line
 * in err and *out left empty.  Release *out with ics_objects_release().
 */
int ics_feed_split(const char *text, size_t len, struct ics_objects *out, char *err, size_t errlen);
void ics_objects_release(struct ics_objects *o);

#endif
