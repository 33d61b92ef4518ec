/*
 * civil.h - calendar arithmetic on proleptic Gregorian dates: days since the
 * Unix epoch, weekdays, French public holidays, and parsing of the dates and
 * ISO 8601 instants that appear in the directory and on the command line.
 *
 * Pure functions on integers and strings: nothing here reads the clock,
 * the time zone or the store.  Time zones live in tz.h.
 */
#ifndef SEUIL_CIVIL_H
#define SEUIL_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

struct civil_date {
	int year;  /* e.g. 2027 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

/* Days since 1970-01-01 of a valid date (negative before). */
int64_t civil_to_days(struct civil_date d);
/* The date of a day number; the inverse of civil_to_days(). */
struct civil_date civil_from_days(int64_t days);
/* Day of the week of a day number: 0 Monday ... 6 Sunday. */
int civil_weekday(int64_t days);
/* True when year/month/day name a real date. */
bool civil_valid(int year, int month, int day);
/* Days in month (1..12) of year; 0 for a month out of range. */
int civil_days_in_month(int year, int month);
/* Easter Sunday of year (Gregorian computus), as a day number. */
int64_t civil_easter(int year);
/*
 * True when the day is a French public holiday (Code du travail L3133-1:
 * 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 Jul,
 * 15 Aug, 1 Nov, 11 Nov, 25 Dec).  When name is not NULL it receives a
 * static French name of the holiday.
 */
bool civil_french_holiday(int64_t days, const char **name);

/*
 * Parses "YYYY-MM-DD" exactly (no trailing text).  Returns true and fills
 * *out on success; *out is untouched on failure.
 */
bool civil_parse_date(const char *s, struct civil_date *out);
/* Writes d as "YYYY-MM-DD" into buf (at least 11 bytes). */
void civil_format_date(struct civil_date d, char buf[11]);

/*
 * Parses an ISO 8601 instant: "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z"
 * or a numeric offset "+HH:MM"/"-HH:MM"/"+HHMM".  When the string carries no
 * offset, *has_offset is set false and the result is the UTC reading of the
 * wall-clock fields, for the caller to re-read in a time zone (tz.h).
 * Returns true and fills *utc_s (seconds since the epoch) on success.
 */
bool civil_parse_instant(const char *s, int64_t *utc_s, bool *has_offset);
/* Writes utc_s as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void civil_format_instant(int64_t utc_s, char buf[21]);
/* Parses "HH:MM" (00:00..24:00) into minutes since midnight; -1 when malformed. */
int civil_parse_hhmm(const char *s);

#endif
