/*
 * tz.h - a time zone read from the system's compiled zoneinfo (TZif, RFC
 * 8536), so that the site's local time is computed from the directory's
 * "timezone" whatever the process's TZ variable says, and without touching
 * process-wide state (setenv/tzset are neither pure nor thread-safe).
 *
 * A struct tz is immutable once loaded: it may be shared between threads.
 * It does not format times for people; the kiosk does that.
 */
#ifndef SEUIL_TZ_H
#define SEUIL_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

struct tz_local {
	int year, month, day; /* local calendar date */
	int weekday;          /* 0 Monday ... 6 Sunday */
	int minute;           /* minutes since local midnight, 0..1439 */
	int second;           /* 0..59 */
	int64_t days;         /* local date as days since 1970-01-01 */
	int offset_s;         /* local = UTC + offset_s */
};

/*
 * Loads zone `name` (e.g. "Europe/Paris", "UTC") from $TZDIR or
 * /usr/share/zoneinfo.  Names with "..", a leading "/" or characters outside
 * [A-Za-z0-9/_+-] are refused.  On success *out is a new zone the caller
 * frees with tz_free(); returns SEUIL_ERR_NOT_FOUND for an unknown zone and
 * SEUIL_ERR_INVALID for a malformed file, with a message in err.
 */
int tz_load(const char *name, struct tz **out, char *err, size_t errlen);
/* Frees a zone; tz_free(NULL) does nothing. */
void tz_free(struct tz *zone);
/* The zone's name as given to tz_load(); owned by the zone. */
const char *tz_name(const struct tz *zone);
/* Offset from UTC, in seconds east, in force at the instant utc_s. */
int tz_offset(const struct tz *zone, int64_t utc_s);
/* The local wall-clock reading of the instant utc_s. */
void tz_localtime(const struct tz *zone, int64_t utc_s, struct tz_local *out);
/*
 * The instant at which local wall-clock time `local_s` (seconds since
 * 1970-01-01 00:00 read as if it were UTC) occurs.  A time skipped by a
 * spring-forward change is moved forward by the length of the gap (02:30
 * reads as 03:30, as mktime does); a time repeated
 * by a fall-back change maps to its first occurrence.
 */
int64_t tz_to_utc(const struct tz *zone, int64_t local_s);

#endif
