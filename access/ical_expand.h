/*
 * ical_expand.h - one calendar object (a VCALENDAR text, as a CalDAV server
 * or an iCalendar feed gives it) read with libical and expanded into the
 * occurrences that overlap a window of time, in UTC.
 *
 * What is read: VEVENTs (VTODO, VJOURNAL and the rest are ignored), grouped
 * by UID into series: the master (no RECURRENCE-ID) with its RRULEs (COUNT,
 * UNTIL, INTERVAL, BYxxx), RDATEs (DATE, DATE-TIME or PERIOD) and EXDATEs,
 * and its overrides (RECURRENCE-ID): an override replaces the instance it
 * names, wherever the override moves it; a cancelled override
 * (STATUS:CANCELLED) removes it.  A cancelled master hides the whole series.
 * DTSTART always counts as the first instance.  An object may hold several
 * UIDs (a whole iCalendar feed).
 *
 * Times: DATE values (all-day events) run from the site's local midnight to
 * the local midnight DTEND (or DURATION, default one day) names; floating
 * times are the site's wall clock; a TZID is read from the system's zoneinfo
 * when it names an Olson zone (also after a prefix such as
 * "/mozilla.org/.../Europe/Paris"), else from the object's own VTIMEZONE.
 * Recurrences are computed on the wall clock of DTSTART's zone, so a weekly
 * 10:00 Europe/Paris meeting stays at 10:00 across daylight-saving changes.
 *
 * Privacy: CLASS:PRIVATE and CLASS:CONFIDENTIAL make an event private, and
 * a private event's SUMMARY is never copied out of libical (an override
 * without CLASS keeps its master's).
 *
 * Limits (refused with an error, never a hang): the text at most
 * ICAL_EXPAND_MAX_BYTES, ICAL_EXPAND_MAX_EVENTS VEVENTs, a series at most
 * ICAL_EXPAND_MAX_STEPS rule steps from DTSTART to the window's end and
 * ICAL_EXPAND_MAX_OCCURRENCES occurrences in the window; rules that repeat
 * more often than hourly (FREQ=SECONDLY, MINUTELY) are refused: they are not
 * room bookings.
 *
 * What this file does not do: store anything (bookings.c does), resolve
 * organisers to tenants (bookings.c, from the addresses given here), read
 * the clock.  Thread-safe on distinct inputs (libical keeps no shared state
 * that this code touches besides its UTC zone).
 */
#ifndef SEUIL_ICAL_EXPAND_H
#define SEUIL_ICAL_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz;

#define ICAL_EXPAND_MAX_BYTES (1024 * 1024)
#define ICAL_EXPAND_MAX_EVENTS 2000
#define ICAL_EXPAND_MAX_STEPS 200000
#define ICAL_EXPAND_MAX_OCCURRENCES 5000

/* one VEVENT as the occurrences it gives show it */
struct ical_event {
	char uid[256];
	char summary[256];   /* valid UTF-8, no control characters; "" when private or absent */
	bool private_;       /* CLASS:PRIVATE or CONFIDENTIAL */
	char organizer[256]; /* ORGANIZER without "mailto:", lower case; "" when none */
	char tenant[64];     /* X-SEUIL-TENANT, "" when none */
};

struct ical_occurrence {
	int64_t start_s, end_s; /* UTC; end_s >= start_s */
	bool all_day;
	/*
	 * "" for an event that does not recur; else the instance's original
	 * start (its RECURRENCE-ID): "YYYY-MM-DDTHH:MM:SSZ" in UTC, or
	 * "YYYY-MM-DD" for an all-day series.
	 */
	char recurrence_id[24];
	size_t event; /* index into ical_expansion.events */
};

struct ical_expansion {
	struct ical_event *events;   /* every VEVENT that gave an occurrence */
	size_t nevents;
	struct ical_occurrence *occ; /* by start, then end, then UID */
	size_t nocc;
	char uid[256];               /* the object's UID (its first VEVENT's), "" when none */
	size_t skipped;              /* series left out because they could not be read */
	char skipped_why[160];       /* the first reason, "" when none skipped */
};

/*
 * Parses text (len bytes; it needs no terminating NUL) and fills *out with
 * the occurrences that overlap [from_s, to_s) (an occurrence of no length
 * at from_s counts).  site is the zone of DATE values and floating times
 * (NULL reads them as UTC); the caller keeps it.
 *
 * A series that cannot be read (no DTSTART, an unknown TZID, an unreadable
 * RRULE, a limit passed) is left out and counted in out->skipped while the
 * others are kept; when nothing in the object could be read, or the text is
 * not a VCALENDAR, or it exceeds a limit of the whole object, returns
 * SEUIL_ERR_INVALID or SEUIL_ERR_TOO_LARGE with one line in err and leaves
 * *out empty.  SEUIL_ERR_NOMEM when memory runs out.  On success the caller
 * releases *out with ical_expansion_release().
 */
int ical_expand(const char *text, size_t len, const struct tz *site, int64_t from_s, int64_t to_s,
		struct ical_expansion *out, char *err, size_t errlen);

/* Frees what *x holds and empties it; safe on an emptied or zeroed expansion. */
void ical_expansion_release(struct ical_expansion *x);

#endif
