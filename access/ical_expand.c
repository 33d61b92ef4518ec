/*
 * ical_expand.c - one VCALENDAR read with libical and expanded into UTC
 * occurrences over a window (see ical_expand.h for what is read and the
 * limits).  libical parses and walks the recurrence rules; the wall-clock
 * arithmetic around them (zones, UNTIL, EXDATE, overrides, the window) is
 * done here on integers, so that it does not depend on how libical treats
 * the zone attached to a time.
 *
 * It does not store, log or read the clock.
 */
#include "ical_expand.h"

#include "civil.h"
#include "err.h"
#include "tz.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZONES_MAX 16            /* distinct TZIDs in one object */
#define EXDATES_MAX 10000       /* per series */
#define OBJECT_STEPS_MAX 1000000 /* rule steps over the whole object */
#define OBJECT_OCC_MAX 20000    /* occurrences of the whole object */
#define VTIMEZONE_PARTS_MAX 200 /* STANDARD/DAYLIGHT parts, RDATEs included */
#define YEAR_MIN 1900           /* DTSTART, RDATE and instances outside are refused */
#define YEAR_MAX 2500

enum zone_kind { ZONE_UTC, ZONE_SITE, ZONE_TZ, ZONE_ICAL };

struct zone {
	enum zone_kind kind;
	const struct tz *tz;  /* ZONE_TZ */
	icaltimezone *ical;   /* ZONE_ICAL: the object's VTIMEZONE, owned by the parsed tree */
};

struct loaded_zone {
	char name[128];
	struct zone zone;
	bool known;
	struct tz *owned; /* from tz_load */
};

/* an instance of a series before it is kept */
struct instance {
	int64_t start_s, end_s;
	char rid[24];
	bool all_day;
	icalcomponent *comp; /* the VEVENT it shows (master or override) */
};

struct ctx {
	const struct tz *site;
	int64_t from_s, to_s;
	struct loaded_zone zones[ZONES_MAX];
	int nzones;
	int64_t steps; /* over the whole object */
	char why[160]; /* why the current series cannot be read */
	/* the series being expanded */
	struct instance *inst;
	size_t ninst, capinst;
	/* the result */
	struct ical_expansion *out;
	size_t capocc, capev;
};

/* what a series failing to read returns, besides the object-wide errors */
#define SERIES_BAD 1

static int series_bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int series_bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof(c->why), fmt, ap);
		va_end(ap);
	}
	return SERIES_BAD;
}

/* ---- text ---- */

/* Copies src into dst as valid UTF-8 without control characters, cut on a character boundary. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src != NULL ? src : "");
	size_t o = 0;

	while (*s != '\0') {
		unsigned char b = *s;
		size_t n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
		unsigned cp = n == 1 ? b : n == 2 ? b & 0x1fu : n == 3 ? b & 0x0fu : b & 0x07u;
		bool ok = n > 0;

		for (size_t i = 1; ok && i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				ok = false;
			else
				cp = (cp << 6) | (s[i] & 0x3fu);
		}
		if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			   cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			ok = false;
		if (!ok) {
			n = 1;
			b = '?';
		} else if (n == 1 && (b < 0x20 || b == 0x7f)) {
			b = ' ';
		}
		if (o + n >= cap)
			break;
		if (ok && n > 1)
			memcpy(dst + o, s, n);
		else
			dst[o] = (char)b;
		o += n;
		s += ok ? n : 1;
	}
	if (cap > 0)
		dst[o] = '\0';
}

/* ---- times ---- */

static bool time_ok(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < YEAR_MIN || t.year > YEAR_MAX ||
	    !civil_valid(t.year, t.month, t.day))
		return false;
	return t.is_date || (t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 &&
			     t.second <= 60);
}

static int64_t day_number(struct icaltimetype t)
{
	return civil_to_days((struct civil_date){ t.year, t.month, t.day });
}

/* the wall-clock reading of t as seconds since 1970-01-01 00:00 */
static int64_t wall_seconds(struct icaltimetype t)
{
	int64_t s = day_number(t) * 86400;

	if (!t.is_date)
		s += t.hour * 3600 + t.minute * 60 + t.second;
	return s;
}

static int64_t site_to_utc(const struct ctx *c, int64_t wall)
{
	return c->site != NULL ? tz_to_utc(c->site, wall) : wall;
}

/* the UTC instant of t read in zone z (DATE values: the site's midnight) */
static int64_t to_utc(const struct ctx *c, struct zone z, struct icaltimetype t)
{
	int64_t wall = wall_seconds(t);
	struct icaltimetype local = t;
	int daylight = 0;

	if (t.is_date)
		return site_to_utc(c, wall);
	switch (z.kind) {
	case ZONE_UTC:
		return wall;
	case ZONE_SITE:
		return site_to_utc(c, wall);
	case ZONE_TZ:
		return tz_to_utc(z.tz, wall);
	case ZONE_ICAL:
		local.zone = NULL;
		local.is_date = 0;
		return wall - icaltimezone_get_utc_offset(z.ical, &local, &daylight);
	}
	return wall;
}

static void format_rid(int64_t utc_s, struct icaltimetype t, char out[24])
{
	if (t.is_date) {
		civil_format_date((struct civil_date){ t.year, t.month, t.day }, out);
	} else {
		char buf[21];
		civil_format_instant(utc_s, buf);
		snprintf(out, 24, "%s", buf);
	}
}

/* ---- zones ---- */

/* A VTIMEZONE libical can expand quickly: few parts, yearly rules, sane years. */
static bool vtimezone_ok(icaltimezone *zone)
{
	icalcomponent *vtz = icaltimezone_get_component(zone), *part;
	int parts = 0;

	if (vtz == NULL)
		return false;
	for (part = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); part != NULL;
	     part = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		icalproperty *p;
		struct icaltimetype start;

		if (++parts > VTIMEZONE_PARTS_MAX)
			return false;
		p = icalcomponent_get_first_property(part, ICAL_DTSTART_PROPERTY);
		if (p == NULL)
			return false;
		start = icalproperty_get_dtstart(p);
		if (icaltime_is_null_time(start) || start.year < 1583 || start.year > YEAR_MAX)
			return false;
		for (p = icalcomponent_get_first_property(part, ICAL_RRULE_PROPERTY); p != NULL;
		     p = icalcomponent_get_next_property(part, ICAL_RRULE_PROPERTY)) {
			struct icalrecurrencetype r = icalproperty_get_rrule(p);
			if (r.freq != ICAL_YEARLY_RECURRENCE || r.interval < 1 || r.rscale != NULL)
				return false;
		}
		for (p = icalcomponent_get_first_property(part, ICAL_RDATE_PROPERTY); p != NULL;
		     p = icalcomponent_get_next_property(part, ICAL_RDATE_PROPERTY))
			if (++parts > VTIMEZONE_PARTS_MAX)
				return false;
	}
	return parts > 0;
}

/* An Olson name, possibly after a prefix ("/mozilla.org/20070129_1/Europe/Paris"). */
static struct tz *load_olson(const char *tzid)
{
	const char *name = tzid;
	struct tz *zone = NULL;

	for (int tries = 0; name != NULL && tries < 8; tries++) {
		while (*name == '/')
			name++;
		if (*name != '\0' && tz_load(name, &zone, NULL, 0) == SEUIL_OK)
			return zone;
		name = strchr(name, '/');
	}
	return NULL;
}

/* whether tzid is the site's Olson name, possibly after a prefix (as load_olson() reads it) */
static bool names_site(const char *tzid, const char *site)
{
	const char *name = tzid;

	for (int tries = 0; name != NULL && tries < 8; tries++) {
		while (*name == '/')
			name++;
		if (strcmp(name, site) == 0)
			return true;
		name = strchr(name, '/');
	}
	return false;
}

/* The zone a TZID names, looked up once per object. */
static int zone_lookup(struct ctx *c, icalcomponent *cal, const char *tzid, struct zone *out)
{
	struct loaded_zone *lz;
	icaltimezone *ical;

	if (strlen(tzid) >= sizeof(c->zones[0].name))
		return series_bad(c, "time zone name too long");
	for (int i = 0; i < c->nzones; i++) {
		if (strcmp(c->zones[i].name, tzid) == 0) {
			if (!c->zones[i].known)
				return series_bad(c, "unknown time zone \"%s\"", tzid);
			*out = c->zones[i].zone;
			return SEUIL_OK;
		}
	}
	if (c->nzones == ZONES_MAX)
		return series_bad(c, "too many time zones in one object");
	lz = &c->zones[c->nzones++];
	memset(lz, 0, sizeof(*lz));
	snprintf(lz->name, sizeof(lz->name), "%s", tzid);
	if (c->site != NULL && names_site(tzid, tz_name(c->site))) {
		lz->zone = (struct zone){ ZONE_TZ, c->site, NULL };
		lz->known = true;
	} else if ((lz->owned = load_olson(tzid)) != NULL) {
		lz->zone = (struct zone){ ZONE_TZ, lz->owned, NULL };
		lz->known = true;
	} else if ((ical = icalcomponent_get_timezone(cal, tzid)) != NULL && vtimezone_ok(ical)) {
		lz->zone = (struct zone){ ZONE_ICAL, NULL, ical };
		lz->known = true;
	}
	if (!lz->known)
		return series_bad(c, "unknown time zone \"%s\"", tzid);
	*out = lz->zone;
	return SEUIL_OK;
}

/* The zone a date-time property is read in: UTC, its TZID, or the site's (floating, DATE). */
static int prop_zone(struct ctx *c, icalcomponent *cal, icalproperty *p, struct icaltimetype t, struct zone *out)
{
	icalparameter *param;
	const char *tzid;

	if (icaltime_is_utc(t)) {
		*out = (struct zone){ ZONE_UTC, NULL, NULL };
		return SEUIL_OK;
	}
	param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = param != NULL ? icalparameter_get_tzid(param) : NULL;
	if (t.is_date || tzid == NULL || tzid[0] == '\0') {
		*out = (struct zone){ ZONE_SITE, NULL, NULL };
		return SEUIL_OK;
	}
	return zone_lookup(c, cal, tzid, out);
}

/* ---- one VEVENT ---- */

/* how long each instance lasts: whole days on the wall clock, then exact seconds */
struct span {
	int64_t days, seconds;
};

/* The libical complaints that mean a property that matters here was dropped. */
static const char *dropped_property(icalcomponent *ev)
{
	static const char *const names[] = { "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
					     "RECURRENCE-ID", "STATUS", "CLASS" };

	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
		const char *msg = icalproperty_get_xlicerror(p);
		for (size_t i = 0; msg != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
			char word[24];
			snprintf(word, sizeof(word), " %s ", names[i]);
			if (strstr(msg, word) != NULL)
				return names[i];
		}
	}
	return NULL;
}

static bool is_cancelled(icalcomponent *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);

	return p != NULL && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

/* 1 private, 0 public, -1 when the VEVENT has no CLASS */
static int class_private(icalcomponent *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_CLASS_PROPERTY);
	enum icalproperty_class k;

	if (p == NULL)
		return -1;
	k = icalproperty_get_class(p);
	return k == ICAL_CLASS_PRIVATE || k == ICAL_CLASS_CONFIDENTIAL;
}

/* Reads DTEND or DURATION into *span; *has is false when the VEVENT has neither. */
static int read_span(struct ctx *c, icalcomponent *cal, icalcomponent *ev, struct icaltimetype start,
		     int64_t start_utc, struct span *span, bool *has)
{
	icalproperty *p;

	*has = true;
	if ((p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY)) != NULL) {
		struct icaltimetype end = icalproperty_get_dtend(p);
		struct zone z;
		int rc;

		if (!time_ok(end))
			return series_bad(c, "unreadable DTEND");
		if (start.is_date) {
			int64_t days = day_number(end) - day_number(start);
			*span = (struct span){ days > 0 ? days : 1, 0 };
			return SEUIL_OK;
		}
		if ((rc = prop_zone(c, cal, p, end, &z)) != SEUIL_OK)
			return rc;
		*span = (struct span){ 0, to_utc(c, z, end) - start_utc };
		if (span->seconds < 0)
			span->seconds = 0;
		return SEUIL_OK;
	}
	if ((p = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY)) != NULL) {
		struct icaldurationtype d = icalproperty_get_duration(p);
		if (d.is_neg || d.weeks > 520 || d.days > 3650 || d.hours > 87600 || d.minutes > 5256000 ||
		    d.seconds > 315360000)
			return series_bad(c, "unreadable DURATION");
		span->days = (int64_t)d.weeks * 7 + d.days;
		span->seconds = start.is_date ? 0 : (int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 + d.seconds;
		if (start.is_date && span->days == 0)
			span->days = 1;
		return SEUIL_OK;
	}
	*has = false;
	*span = (struct span){ start.is_date ? 1 : 0, 0 };
	return SEUIL_OK;
}

/* ---- a series: a master, its instances and its overrides ---- */

struct series {
	const char *uid;
	icalcomponent *cal;     /* the VCALENDAR holding it (for its VTIMEZONEs) */
	icalcomponent *master;  /* NULL when the object holds only overrides */
	icalcomponent **overrides;
	size_t noverrides;
};

struct exdates {
	int64_t *utc;  /* DATE-TIME exceptions */
	size_t nutc;
	int64_t *days; /* DATE exceptions: local day numbers */
	size_t ndays;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_i64(const int64_t *v, size_t n, int64_t key)
{
	return n > 0 && bsearch(&key, v, n, sizeof(*v), cmp_i64) != NULL;
}

static bool overlaps(const struct ctx *c, int64_t start, int64_t end)
{
	if (start >= c->to_s)
		return false;
	return end > c->from_s || (end == start && start >= c->from_s);
}

static int push_instance(struct ctx *c, int64_t start, int64_t end, const char *rid, bool all_day,
			 icalcomponent *comp)
{
	if (!overlaps(c, start, end))
		return SEUIL_OK;
	if (c->ninst == ICAL_EXPAND_MAX_OCCURRENCES)
		return series_bad(c, "more than %d occurrences in the window", ICAL_EXPAND_MAX_OCCURRENCES);
	if (c->ninst == c->capinst) {
		size_t cap = c->capinst ? c->capinst * 2 : 64;
		struct instance *grown = realloc(c->inst, cap * sizeof(*grown));
		if (grown == NULL)
			return SEUIL_ERR_NOMEM;
		c->inst = grown;
		c->capinst = cap;
	}
	c->inst[c->ninst].start_s = start;
	c->inst[c->ninst].end_s = end < start ? start : end;
	snprintf(c->inst[c->ninst].rid, sizeof(c->inst[0].rid), "%s", rid);
	c->inst[c->ninst].all_day = all_day;
	c->inst[c->ninst].comp = comp;
	c->ninst++;
	return SEUIL_OK;
}

/* what the master's instances share */
struct master {
	struct series *s;
	struct icaltimetype dtstart;
	struct zone zone;
	struct span span;
	bool recurring;
	struct exdates ex;
	char **rids; /* the overrides' RECURRENCE-IDs, sorted */
	size_t nrids;
};

/* the end of an instance starting at wall-clock t (in zone z) and UTC start */
static int64_t span_end(const struct ctx *c, struct zone z, struct icaltimetype t, int64_t start_utc,
			struct span span)
{
	if (t.is_date)
		return site_to_utc(c, (day_number(t) + span.days) * 86400);
	if (span.days != 0) {
		struct icaltimetype later = t;
		int64_t wall = wall_seconds(t) + span.days * 86400;
		struct civil_date d = civil_from_days(wall / 86400);
		later.year = d.year;
		later.month = d.month;
		later.day = d.day;
		return to_utc(c, z, later) + span.seconds;
	}
	return start_utc + span.seconds;
}

/* One instance of the master at wall-clock t in zone z; end_utc < 0: from the master's span. */
static int master_instance(struct ctx *c, struct master *m, struct icaltimetype t, struct zone z, int64_t end_utc)
{
	int64_t start = to_utc(c, z, t);
	char rid[24];
	const char *key = rid;

	format_rid(start, t, rid);
	if (has_i64(m->ex.utc, m->ex.nutc, start) || has_i64(m->ex.days, m->ex.ndays, day_number(t)))
		return SEUIL_OK;
	if (m->nrids > 0 && bsearch(&key, m->rids, m->nrids, sizeof(*m->rids), cmp_str) != NULL)
		return SEUIL_OK; /* an override replaces it */
	if (end_utc < 0)
		end_utc = span_end(c, z, t, start, m->span);
	return push_instance(c, start, end_utc, m->recurring ? rid : "", t.is_date != 0, m->s->master);
}

static int read_exdates(struct ctx *c, struct master *m)
{
	icalcomponent *ev = m->s->master;
	size_t n = 0;

	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
		n++;
	if (n == 0)
		return SEUIL_OK;
	if (n > EXDATES_MAX)
		return series_bad(c, "too many EXDATEs");
	m->ex.utc = malloc(n * sizeof(int64_t));
	m->ex.days = malloc(n * sizeof(int64_t));
	if (m->ex.utc == NULL || m->ex.days == NULL)
		return SEUIL_ERR_NOMEM;
	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		struct zone z;
		int rc;

		if (!time_ok(t))
			continue; /* an exception that names no readable time excludes nothing */
		if (t.is_date) {
			m->ex.days[m->ex.ndays++] = day_number(t);
		} else {
			if ((rc = prop_zone(c, m->s->cal, p, t, &z)) != SEUIL_OK)
				return rc;
			m->ex.utc[m->ex.nutc++] = to_utc(c, z, t);
		}
	}
	if (m->ex.nutc > 1)
		qsort(m->ex.utc, m->ex.nutc, sizeof(int64_t), cmp_i64);
	if (m->ex.ndays > 1)
		qsort(m->ex.days, m->ex.ndays, sizeof(int64_t), cmp_i64);
	return SEUIL_OK;
}

/* The normalized RECURRENCE-ID of an override, "" when unreadable. */
static int override_rid(struct ctx *c, struct series *s, icalcomponent *ov, char rid[24], struct icaltimetype *t,
			int64_t *utc)
{
	icalproperty *p = icalcomponent_get_first_property(ov, ICAL_RECURRENCEID_PROPERTY);
	struct zone z;
	int rc;

	rid[0] = '\0';
	*t = icalproperty_get_recurrenceid(p);
	if (!time_ok(*t))
		return SEUIL_OK;
	if ((rc = prop_zone(c, s->cal, p, *t, &z)) != SEUIL_OK)
		return rc;
	*utc = to_utc(c, z, *t);
	format_rid(*utc, *t, rid);
	return SEUIL_OK;
}

static int walk_rule(struct ctx *c, struct master *m, icalproperty *p)
{
	struct icalrecurrencetype rule = icalproperty_get_rrule(p);
	struct icaltimetype until = rule.until, start = m->dtstart, t;
	int64_t until_utc = 0, until_day = 0, series_steps = 0;
	icalrecur_iterator *it;
	int rc = SEUIL_OK;

	switch (rule.freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE:
		break;
	case ICAL_SECONDLY_RECURRENCE:
	case ICAL_MINUTELY_RECURRENCE:
	case ICAL_HOURLY_RECURRENCE:
		return series_bad(c, "RRULE repeats more often than daily: not a room booking");
	default:
		return series_bad(c, "unreadable RRULE");
	}
	if (rule.interval < 1 || rule.interval > 1000 || rule.count < 0 || rule.rscale != NULL)
		return series_bad(c, "unsupported RRULE");
	if (!icaltime_is_null_time(until)) {
		if (until.year > YEAR_MAX) {
			until = icaltime_null_time();
		} else if (until.is_date || start.is_date) {
			until_day = day_number(until);
		} else {
			struct zone z = icaltime_is_utc(until) ? (struct zone){ ZONE_UTC, NULL, NULL } : m->zone;
			until_utc = to_utc(c, z, until);
		}
	}
	rule.until = icaltime_null_time();
	start.zone = NULL; /* walk the wall clock; zones are applied here */
	it = icalrecur_iterator_new(rule, start);
	if (it == NULL)
		return series_bad(c, "RRULE cannot be expanded");
	for (;;) {
		int64_t utc;

		if (++series_steps > ICAL_EXPAND_MAX_STEPS || ++c->steps > OBJECT_STEPS_MAX) {
			rc = series_bad(c, "RRULE has too many instances before the window ends");
			break;
		}
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t) || !time_ok(t))
			break;
		t.is_date = start.is_date;
		if (!icaltime_is_null_time(until)) {
			if (until.is_date || start.is_date) {
				if (day_number(t) > until_day)
					break;
			} else if (to_utc(c, m->zone, t) > until_utc) {
				break;
			}
		}
		utc = to_utc(c, m->zone, t);
		if (utc >= c->to_s + 2 * 86400)
			break; /* instances come in wall-clock order; a day covers any offset change */
		if (t.year == m->dtstart.year && t.month == m->dtstart.month && t.day == m->dtstart.day &&
		    (t.is_date || (t.hour == m->dtstart.hour && t.minute == m->dtstart.minute &&
				   t.second == m->dtstart.second)))
			continue; /* DTSTART, already an instance */
		if ((rc = master_instance(c, m, t, m->zone, -1)) != SEUIL_OK)
			break;
	}
	icalrecur_iterator_free(it);
	return rc;
}

static int walk_rdates(struct ctx *c, struct master *m)
{
	icalcomponent *ev = m->s->master;
	int n = 0, rc;

	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
		struct icaltimetype t = r.time;
		int64_t end = -1;
		struct zone z;

		if (++n > EXDATES_MAX)
			return series_bad(c, "too many RDATEs");
		if (!icaltime_is_null_time(r.period.start))
			t = r.period.start;
		if (!time_ok(t))
			continue;
		if (t.is_date != m->dtstart.is_date)
			continue; /* a date among times (or the reverse) names no instance */
		if ((rc = prop_zone(c, m->s->cal, p, t, &z)) != SEUIL_OK)
			return rc;
		if (!icaltime_is_null_time(r.period.start)) {
			if (time_ok(r.period.end) && !r.period.end.is_date)
				end = to_utc(c, z, r.period.end);
			else if (!icaldurationtype_is_null_duration(r.period.duration) && !r.period.duration.is_neg)
				end = to_utc(c, z, t) + icaldurationtype_as_int(r.period.duration);
		}
		if ((rc = master_instance(c, m, t, z, end)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int expand_master(struct ctx *c, struct master *m)
{
	icalcomponent *ev = m->s->master;
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	bool has_span;
	int rc;

	if (p == NULL)
		return series_bad(c, "VEVENT without DTSTART");
	m->dtstart = icalproperty_get_dtstart(p);
	if (!time_ok(m->dtstart))
		return series_bad(c, "unreadable DTSTART");
	if ((rc = prop_zone(c, m->s->cal, p, m->dtstart, &m->zone)) != SEUIL_OK)
		return rc;
	if ((rc = read_span(c, m->s->cal, ev, m->dtstart, to_utc(c, m->zone, m->dtstart), &m->span, &has_span)) !=
	    SEUIL_OK)
		return rc;
	m->recurring = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) != NULL ||
		       icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY) != NULL;
	if ((rc = read_exdates(c, m)) != SEUIL_OK)
		return rc;
	if ((rc = master_instance(c, m, m->dtstart, m->zone, -1)) != SEUIL_OK)
		return rc;
	for (p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
		if ((rc = walk_rule(c, m, p)) != SEUIL_OK)
			return rc;
	return walk_rdates(c, m);
}

static int expand_override(struct ctx *c, struct series *s, icalcomponent *ov, const char *rid,
			   struct icaltimetype rid_time, int64_t rid_utc, const struct master *m)
{
	icalproperty *p = icalcomponent_get_first_property(ov, ICAL_DTSTART_PROPERTY);
	struct icaltimetype start = rid_time;
	struct zone z = { ZONE_UTC, NULL, NULL };
	int64_t start_utc = rid_utc;
	struct span span;
	bool has_span;
	int rc;

	if (is_cancelled(ov))
		return SEUIL_OK;
	if (p != NULL) {
		start = icalproperty_get_dtstart(p);
		if (!time_ok(start))
			return series_bad(c, "unreadable DTSTART in an override");
		if ((rc = prop_zone(c, s->cal, p, start, &z)) != SEUIL_OK)
			return rc;
		start_utc = to_utc(c, z, start);
	} else if (!start.is_date) {
		p = icalcomponent_get_first_property(ov, ICAL_RECURRENCEID_PROPERTY);
		if ((rc = prop_zone(c, s->cal, p, start, &z)) != SEUIL_OK)
			return rc;
	}
	if ((rc = read_span(c, s->cal, ov, start, start_utc, &span, &has_span)) != SEUIL_OK)
		return rc;
	if (!has_span && m != NULL && m->dtstart.is_date == start.is_date)
		span = m->span; /* an override that does not say how long lasts as long as its series */
	if (start.is_date && span.days == 0)
		span.days = 1;
	return push_instance(c, start_utc, span_end(c, z, start, start_utc, span), rid, start.is_date != 0, ov);
}

/* the ical_event an instance shows, added to the result on first use */
static int event_for(struct ctx *c, icalcomponent *comp, icalcomponent *master, icalcomponent **made,
		     size_t *index, size_t nmade)
{
	struct ical_expansion *x = c->out;
	struct ical_event *e;
	icalproperty *p;
	int priv;

	for (size_t i = 0; i < nmade; i++) {
		if (made[i] == comp) {
			*index = x->nevents - nmade + i;
			return SEUIL_OK;
		}
	}
	if (x->nevents == c->capev) {
		size_t cap = c->capev ? c->capev * 2 : 8;
		struct ical_event *grown = realloc(x->events, cap * sizeof(*grown));
		if (grown == NULL)
			return SEUIL_ERR_NOMEM;
		x->events = grown;
		c->capev = cap;
	}
	e = &x->events[x->nevents];
	memset(e, 0, sizeof(*e));
	copy_text(e->uid, sizeof(e->uid), icalcomponent_get_uid(comp));
	priv = class_private(comp);
	if (priv < 0 && master != NULL && master != comp)
		priv = class_private(master); /* an override without CLASS stays as private as its series */
	e->private_ = priv > 0;
	if (!e->private_) {
		p = icalcomponent_get_first_property(comp, ICAL_SUMMARY_PROPERTY);
		if (p == NULL && master != NULL)
			p = icalcomponent_get_first_property(master, ICAL_SUMMARY_PROPERTY);
		copy_text(e->summary, sizeof(e->summary), p != NULL ? icalproperty_get_summary(p) : "");
	}
	p = icalcomponent_get_first_property(comp, ICAL_ORGANIZER_PROPERTY);
	if (p == NULL && master != NULL)
		p = icalcomponent_get_first_property(master, ICAL_ORGANIZER_PROPERTY);
	if (p != NULL && icalproperty_get_organizer(p) != NULL) {
		const char *addr = icalproperty_get_organizer(p);
		if (strncasecmp(addr, "mailto:", 7) == 0)
			addr += 7;
		copy_text(e->organizer, sizeof(e->organizer), addr);
		for (char *q = e->organizer; *q != '\0'; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
	}
	for (icalcomponent *from = comp; from != NULL && e->tenant[0] == '\0'; from = from == master ? NULL : master) {
		for (p = icalcomponent_get_first_property(from, ICAL_X_PROPERTY); p != NULL;
		     p = icalcomponent_get_next_property(from, ICAL_X_PROPERTY)) {
			const char *name = icalproperty_get_x_name(p);
			if (name != NULL && strcasecmp(name, "X-SEUIL-TENANT") == 0) {
				copy_text(e->tenant, sizeof(e->tenant), icalproperty_get_x(p));
				break;
			}
		}
	}
	made[nmade] = comp;
	*index = x->nevents++;
	return SEUIL_OK;
}

static int cmp_instance(const void *a, const void *b)
{
	const struct instance *x = a, *y = b;

	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	return strcmp(x->rid, y->rid);
}

/* Moves the series' instances into the result, once each (an RDATE may repeat the RRULE). */
static int keep_instances(struct ctx *c, struct series *s)
{
	struct ical_expansion *x = c->out;
	icalcomponent **made;
	size_t nmade = 0, ev, kept = 0;
	int rc = SEUIL_OK;

	if (c->ninst == 0)
		return SEUIL_OK;
	qsort(c->inst, c->ninst, sizeof(*c->inst), cmp_instance);
	for (size_t i = 0; i < c->ninst; i++) {
		if (kept > 0 && c->inst[i].comp == s->master && c->inst[kept - 1].comp == s->master &&
		    c->inst[i].start_s == c->inst[kept - 1].start_s)
			continue;
		c->inst[kept++] = c->inst[i];
	}
	c->ninst = kept;
	if (x->nocc + c->ninst > OBJECT_OCC_MAX)
		return SEUIL_ERR_TOO_LARGE;
	if (x->nocc + c->ninst > c->capocc) {
		size_t cap = (x->nocc + c->ninst) * 2;
		struct ical_occurrence *grown = realloc(x->occ, cap * sizeof(*grown));
		if (grown == NULL)
			return SEUIL_ERR_NOMEM;
		x->occ = grown;
		c->capocc = cap;
	}
	made = calloc(s->noverrides + 1, sizeof(*made));
	if (made == NULL)
		return SEUIL_ERR_NOMEM;
	for (size_t i = 0; i < c->ninst; i++) {
		struct ical_occurrence *o = &x->occ[x->nocc];
		size_t before = x->nevents;

		if ((rc = event_for(c, c->inst[i].comp, s->master, made, &ev, nmade)) != SEUIL_OK)
			break;
		nmade += x->nevents - before;
		o->start_s = c->inst[i].start_s;
		o->end_s = c->inst[i].end_s;
		o->all_day = c->inst[i].all_day;
		snprintf(o->recurrence_id, sizeof(o->recurrence_id), "%s", c->inst[i].rid);
		o->event = ev;
		x->nocc++;
	}
	free(made);
	return rc;
}

static int expand_series(struct ctx *c, struct series *s)
{
	struct master m;
	struct icaltimetype *rid_times = NULL;
	int64_t *rid_utc = NULL;
	char (*rid_text)[24] = NULL;
	int rc = SEUIL_OK;

	memset(&m, 0, sizeof(m));
	m.s = s;
	c->ninst = 0;
	c->why[0] = '\0';
	if (s->master != NULL && is_cancelled(s->master))
		return SEUIL_OK; /* the whole series is called off */
	for (size_t i = 0; i <= s->noverrides; i++) {
		icalcomponent *ev = i == 0 ? s->master : s->overrides[i - 1];
		const char *dropped = ev != NULL ? dropped_property(ev) : NULL;
		if (dropped != NULL)
			return series_bad(c, "unreadable %s (libical dropped it)", dropped);
	}
	if (s->noverrides > 0) {
		rid_times = calloc(s->noverrides, sizeof(*rid_times));
		rid_utc = calloc(s->noverrides, sizeof(*rid_utc));
		rid_text = calloc(s->noverrides, sizeof(*rid_text));
		m.rids = calloc(s->noverrides, sizeof(*m.rids));
		if (rid_times == NULL || rid_utc == NULL || rid_text == NULL || m.rids == NULL) {
			rc = SEUIL_ERR_NOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < s->noverrides; i++) {
		if ((rc = override_rid(c, s, s->overrides[i], rid_text[i], &rid_times[i], &rid_utc[i])) != SEUIL_OK)
			goto out;
		if (rid_text[i][0] != '\0')
			m.rids[m.nrids++] = rid_text[i];
	}
	if (m.nrids > 1)
		qsort(m.rids, m.nrids, sizeof(*m.rids), cmp_str);
	if (s->master != NULL) {
		if ((rc = expand_master(c, &m)) != SEUIL_OK)
			goto out;
	}
	for (size_t i = 0; i < s->noverrides; i++) {
		if (rid_text[i][0] == '\0')
			continue; /* names no instance: replaces nothing, shows nothing */
		if ((rc = expand_override(c, s, s->overrides[i], rid_text[i], rid_times[i], rid_utc[i],
					  s->master != NULL ? &m : NULL)) != SEUIL_OK)
			goto out;
	}
	rc = keep_instances(c, s);
out:
	free(m.ex.utc);
	free(m.ex.days);
	free(m.rids);
	free(rid_times);
	free(rid_utc);
	free(rid_text);
	return rc;
}

/* ---- the object ---- */

struct vevent_ref {
	const char *uid;
	icalcomponent *comp, *cal;
	size_t order;
	bool override;
};

static int cmp_vevent(const void *a, const void *b)
{
	const struct vevent_ref *x = a, *y = b;
	int d = strcmp(x->uid, y->uid);

	if (d != 0)
		return d;
	if (x->override != y->override)
		return x->override ? 1 : -1;
	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_occ(const void *a, const void *b, void *arg)
{
	const struct ical_occurrence *x = a, *y = b;
	const struct ical_event *ev = arg;

	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	if (x->end_s != y->end_s)
		return x->end_s < y->end_s ? -1 : 1;
	return strcmp(ev[x->event].uid, ev[y->event].uid);
}

/* Collects the VEVENTs of every VCALENDAR under root. */
static int collect(icalcomponent *root, struct vevent_ref **refs, size_t *n, char *err, size_t errlen)
{
	icalcomponent *cals[1] = { root }, *cal;
	size_t cap = 0;
	bool xroot = icalcomponent_isa(root) == ICAL_XROOT_COMPONENT;

	if (!xroot && icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "not an iCalendar object (no VCALENDAR)");
	*n = 0;
	for (cal = xroot ? icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT) : cals[0]; cal != NULL;
	     cal = xroot ? icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT) : NULL) {
		for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev != NULL;
		     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
			const char *uid = icalcomponent_get_uid(ev);
			if (*n == ICAL_EXPAND_MAX_EVENTS)
				return err_set(err, errlen, SEUIL_ERR_TOO_LARGE,
					       "more than %d events in one calendar object", ICAL_EXPAND_MAX_EVENTS);
			if (*n == cap) {
				struct vevent_ref *grown;
				cap = cap ? cap * 2 : 8;
				if ((grown = realloc(*refs, cap * sizeof(*grown))) == NULL)
					return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
				*refs = grown;
			}
			(*refs)[*n] = (struct vevent_ref){ uid != NULL ? uid : "", ev, cal, *n,
							   icalcomponent_get_first_property(
								   ev, ICAL_RECURRENCEID_PROPERTY) != NULL };
			(*n)++;
		}
	}
	return SEUIL_OK;
}

static void errors_not_fatal(void)
{
	icalerror_set_errors_are_fatal(0);
}

static void ctx_release(struct ctx *c)
{
	for (int i = 0; i < c->nzones; i++)
		tz_free(c->zones[i].owned);
	free(c->inst);
}

int ical_expand(const char *text, size_t len, const struct tz *site, int64_t from_s, int64_t to_s,
		struct ical_expansion *out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct ical_expansion x;
	struct ctx c;
	struct vevent_ref *refs = NULL;
	icalcomponent *root = NULL, **overrides = NULL;
	char *copy = NULL;
	size_t n = 0, readable = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	memset(&c, 0, sizeof(c));
	c.site = site;
	c.from_s = from_s;
	c.to_s = to_s;
	c.out = &x;
	if (len > ICAL_EXPAND_MAX_BYTES)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "calendar object of %zu bytes (at most %d)", len,
			       ICAL_EXPAND_MAX_BYTES);
	if (text == NULL || len == 0 || memchr(text, '\0', len) != NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "not an iCalendar object (empty or binary)");
	pthread_once(&once, errors_not_fatal);
	if ((copy = malloc(len + 1)) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = icalparser_parse_string(copy);
	free(copy);
	if (root == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "not an iCalendar object");
		goto out;
	}
	if ((rc = collect(root, &refs, &n, err, errlen)) != SEUIL_OK)
		goto out;
	if (n > 0)
		copy_text(x.uid, sizeof(x.uid), refs[0].uid);
	if (n > 1)
		qsort(refs, n, sizeof(*refs), cmp_vevent);
	if (n > 0 && (overrides = calloc(n, sizeof(*overrides))) == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n;) {
		/* one UID: its masters (normally one) first, then its overrides */
		size_t j = i, k, nov = 0;
		size_t nocc = x.nocc, nev = x.nevents;

		while (j < n && strcmp(refs[j].uid, refs[i].uid) == 0)
			j++;
		for (k = i; k < j; k++)
			if (refs[k].override)
				overrides[nov++] = refs[k].comp;
		for (k = i; k < j && (k == i || !refs[k].override); k++) {
			/* the overrides belong to the first master; a second master with the same UID is its own series */
			struct series s = { refs[i].uid, refs[k].cal, refs[k].override ? NULL : refs[k].comp,
					    k == i ? overrides : NULL, k == i ? nov : 0 };
			rc = expand_series(&c, &s);
			if (rc == SERIES_BAD) {
				x.nocc = nocc;
				x.nevents = nev;
				if (x.skipped++ == 0)
					snprintf(x.skipped_why, sizeof(x.skipped_why), "event %.80s: %s", refs[i].uid,
						 c.why);
				rc = SEUIL_OK;
			} else if (rc == SEUIL_ERR_TOO_LARGE) {
				rc = err_set(err, errlen, rc, "more than %d occurrences in one calendar object",
					     OBJECT_OCC_MAX);
				goto out;
			} else if (rc != SEUIL_OK) {
				rc = err_set(err, errlen, rc, "out of memory");
				goto out;
			} else {
				readable++;
			}
			nocc = x.nocc;
			nev = x.nevents;
		}
		i = j;
	}
	if (readable == 0 && x.skipped > 0) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s", x.skipped_why);
		goto out;
	}
	if (x.nocc > 1)
		qsort_r(x.occ, x.nocc, sizeof(*x.occ), cmp_occ, x.events);
	*out = x;
	memset(&x, 0, sizeof(x));
out:
	ical_expansion_release(&x);
	free(overrides);
	free(refs);
	if (root != NULL)
		icalcomponent_free(root);
	ctx_release(&c);
	return rc;
}

void ical_expansion_release(struct ical_expansion *x)
{
	if (x == NULL)
		return;
	free(x->events);
	free(x->occ);
	memset(x, 0, sizeof(*x));
}
