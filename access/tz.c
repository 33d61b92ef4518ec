/*
 * tz.c - reader of TZif files (versions 1 to 4) and of the POSIX TZ rule in
 * their footer, which gives the offsets after the last stored transition.
 * It loads a file once and answers from memory; it never calls tzset() or
 * reads the TZ variable.  Leap-second tables are ignored (POSIX time).
 */
#include "tz.h"

#include "civil.h"
#include "err.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_FILE_MAX (256 * 1024)
#define TZ_NAME_MAX 128

/* the footer rule: std offset, and optionally dst offset and its two dates */
struct tz_rule_date {
	char kind;  /* 'J' Julian 1..365 without Feb 29, 'N' zero-based 0..365, 'M' month.week.day */
	int a, b, c; /* J/N: a = day; M: a = month, b = week 1..5, c = weekday 0=Sunday */
	int time_s;  /* local time of the change, may be negative or > 24 h */
};

struct tz_rule {
	bool present;
	bool has_dst;
	int std_off; /* seconds east of UTC */
	int dst_off;
	struct tz_rule_date start, end;
};

struct tz {
	char name[TZ_NAME_MAX];
	size_t count;      /* transitions */
	int64_t *when;     /* transition instants, ascending */
	int *offset_after; /* offset in force from when[i] on */
	int initial;       /* offset before the first transition */
	struct tz_rule rule;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* --- POSIX TZ string (the footer) ---------------------------------------- */

static const char *rule_name(const char *p)
{
	if (*p == '<') {
		while (*p != '\0' && *p != '>')
			p++;
		return *p == '>' ? p + 1 : NULL;
	}
	const char *start = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - start >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds; hours up to 167 (TZif v3 extension) */
static const char *rule_time(const char *p, int *secs)
{
	int sign = 1, part[3] = { 0, 0, 0 }, n = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (n < 3) {
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9') {
			part[n] = part[n] * 10 + (*p++ - '0');
			if (part[n] > 167)
				return NULL;
		}
		n++;
		if (*p != ':')
			break;
		p++;
	}
	*secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

static const char *rule_number(const char *p, int *v, int max)
{
	*v = 0;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9') {
		*v = *v * 10 + (*p++ - '0');
		if (*v > max)
			return NULL;
	}
	return p;
}

static const char *rule_date(const char *p, struct tz_rule_date *d)
{
	if (*p == 'J') {
		d->kind = 'J';
		p = rule_number(p + 1, &d->a, 365);
		if (p == NULL || d->a < 1)
			return NULL;
	} else if (*p == 'M') {
		d->kind = 'M';
		if ((p = rule_number(p + 1, &d->a, 12)) == NULL || *p++ != '.' ||
		    (p = rule_number(p, &d->b, 5)) == NULL || *p++ != '.' ||
		    (p = rule_number(p, &d->c, 6)) == NULL || d->a < 1 || d->b < 1)
			return NULL;
	} else {
		d->kind = 'N';
		if ((p = rule_number(p, &d->a, 365)) == NULL)
			return NULL;
	}
	d->time_s = 7200;
	if (*p == '/')
		p = rule_time(p + 1, &d->time_s);
	return p;
}

static bool rule_parse(const char *s, struct tz_rule *r)
{
	const char *p = rule_name(s);
	int off;

	memset(r, 0, sizeof(*r));
	if (p == NULL || (p = rule_time(p, &off)) == NULL)
		return false;
	r->std_off = -off; /* POSIX counts west as positive */
	r->present = true;
	if (*p == '\0')
		return true;
	if ((p = rule_name(p)) == NULL)
		return false;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = rule_time(p, &off)) == NULL)
			return false;
		r->dst_off = -off;
	}
	r->has_dst = true;
	/* without dates POSIX leaves the rule to the implementation: use the US one */
	if (*p == '\0') {
		r->start = (struct tz_rule_date){ 'M', 3, 2, 0, 7200 };
		r->end = (struct tz_rule_date){ 'M', 11, 1, 0, 7200 };
		return true;
	}
	if (*p++ != ',' || (p = rule_date(p, &r->start)) == NULL || *p++ != ',' ||
	    (p = rule_date(p, &r->end)) == NULL || *p != '\0')
		return false;
	return true;
}

/* local day number of a rule date in year */
static int64_t rule_day(const struct tz_rule_date *d, int year)
{
	int64_t jan1 = civil_to_days((struct civil_date){ year, 1, 1 });
	bool leap = civil_days_in_month(year, 2) == 29;

	if (d->kind == 'J')
		return jan1 + d->a - 1 + (leap && d->a >= 60);
	if (d->kind == 'N')
		return jan1 + d->a;
	/* M: the b-th (5 = last) weekday c (0 = Sunday) of month a */
	int64_t first = civil_to_days((struct civil_date){ year, d->a, 1 });
	int wd_sun = (civil_weekday(first) + 1) % 7; /* 0 = Sunday */
	int64_t day = first + (d->c - wd_sun + 7) % 7 + 7 * (d->b - 1);
	int month_len = civil_days_in_month(year, d->a);
	while (day >= first + month_len)
		day -= 7;
	return day;
}

static int rule_offset(const struct tz_rule *r, int64_t utc_s)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t local = utc_s + r->std_off;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int year = civil_from_days(days).year;
	int64_t start = rule_day(&r->start, year) * 86400 + r->start.time_s - r->std_off;
	int64_t end = rule_day(&r->end, year) * 86400 + r->end.time_s - r->dst_off;

	if (start < end)
		return utc_s >= start && utc_s < end ? r->dst_off : r->std_off;
	/* southern hemisphere: summer time spans New Year */
	return utc_s < end || utc_s >= start ? r->dst_off : r->std_off;
}

/* --- TZif ----------------------------------------------------------------- */

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= TZ_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '_' || *p == '+' || *p == '-'))
			return false;
	}
	return true;
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	size_t n;

	if (f == NULL)
		return errno == ENOENT ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_IO;
	data = malloc(TZ_FILE_MAX + 1);
	if (data == NULL) {
		fclose(f);
		return SEUIL_ERR_NOMEM;
	}
	n = fread(data, 1, TZ_FILE_MAX + 1, f);
	fclose(f);
	if (n > TZ_FILE_MAX) {
		free(data);
		return SEUIL_ERR_TOO_LARGE;
	}
	*buf = data;
	*len = n;
	return SEUIL_OK;
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static size_t tzif_block_size(const struct tzif_counts *c, int timesize)
{
	return (size_t)c->time * timesize + c->time + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (timesize + 4) + c->isstd + c->isut;
}

static bool tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c, int *version)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = p[4] == 0 ? 1 : p[4] - '0';
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	return c->type >= 1 && c->type <= 256 && c->time <= 100000 && c->leap <= 10000 &&
	       c->chars <= 100000 && (c->isut == 0 || c->isut == c->type) &&
	       (c->isstd == 0 || c->isstd == c->type);
}

static int tzif_parse(struct tz *zone, const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	struct tzif_counts c;
	int version, timesize = 4;
	const unsigned char *p = buf, *trans, *idx, *types;
	size_t block;

	if (!tzif_header(p, len, &c, &version))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone %s: not a TZif file", zone->name);
	block = tzif_block_size(&c, 4);
	if (version >= 2) {
		if (len < 44 + block)
			goto truncated;
		p += 44 + block;
		len -= 44 + block;
		if (!tzif_header(p, len, &c, &version))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone %s: bad second header", zone->name);
		timesize = 8;
		block = tzif_block_size(&c, 8);
	}
	if (len < 44 + block)
		goto truncated;
	trans = p + 44;
	idx = trans + (size_t)c.time * timesize;
	types = idx + c.time;
	zone->count = c.time;
	zone->when = calloc(c.time + 1, sizeof(*zone->when));
	zone->offset_after = calloc(c.time + 1, sizeof(*zone->offset_after));
	if (zone->when == NULL || zone->offset_after == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "time zone %s: out of memory", zone->name);
	for (uint32_t i = 0; i < c.time; i++) {
		unsigned t = idx[i];
		if (t >= c.type)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone %s: bad type index", zone->name);
		zone->when[i] = timesize == 8 ? be64(trans + 8 * i) : (int32_t)be32(trans + 4 * i);
		zone->offset_after[i] = (int32_t)be32(types + 6 * t);
		if (i > 0 && zone->when[i] <= zone->when[i - 1])
			return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone %s: unordered transitions", zone->name);
	}
	/* RFC 8536: before the first transition, type 0 is in force */
	zone->initial = (int32_t)be32(types);
	if (version >= 2) {
		const unsigned char *footer = trans + block;
		size_t rest = len - 44 - block;
		if (rest >= 2 && footer[0] == '\n') {
			const unsigned char *nl = memchr(footer + 1, '\n', rest - 1);
			char rule[128];
			size_t n = nl != NULL ? (size_t)(nl - footer - 1) : 0;
			if (n > 0 && n < sizeof(rule)) {
				memcpy(rule, footer + 1, n);
				rule[n] = '\0';
				if (!rule_parse(rule, &zone->rule))
					return err_set(err, errlen, SEUIL_ERR_INVALID,
						       "time zone %s: unreadable rule \"%s\"", zone->name, rule);
			}
		}
	}
	return SEUIL_OK;
truncated:
	return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone %s: truncated file", zone->name);
}

int tz_load(const char *name, struct tz **out, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	unsigned char *buf = NULL;
	size_t len = 0;
	struct tz *zone;
	int rc;

	if (name == NULL || !name_ok(name))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "\"%s\" is not a time zone name",
			       name != NULL ? name : "");
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "time zone path too long");
	rc = read_file(path, &buf, &len);
	if (rc == SEUIL_ERR_NOT_FOUND)
		return err_set(err, errlen, rc, "unknown time zone \"%s\" (no %s)", name, path);
	if (rc != SEUIL_OK)
		return err_set(err, errlen, rc, "cannot read time zone file %s: %s", path, seuil_strerror(rc));
	zone = calloc(1, sizeof(*zone));
	if (zone == NULL) {
		free(buf);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	snprintf(zone->name, sizeof(zone->name), "%s", name);
	rc = tzif_parse(zone, buf, len, err, errlen);
	free(buf);
	if (rc != SEUIL_OK) {
		tz_free(zone);
		return rc;
	}
	*out = zone;
	return SEUIL_OK;
}

void tz_free(struct tz *zone)
{
	if (zone == NULL)
		return;
	free(zone->when);
	free(zone->offset_after);
	free(zone);
}

const char *tz_name(const struct tz *zone)
{
	return zone->name;
}

int tz_offset(const struct tz *zone, int64_t utc_s)
{
	size_t lo = 0, hi = zone->count;

	if (zone->count == 0)
		return zone->rule.present ? rule_offset(&zone->rule, utc_s) : zone->initial;
	if (utc_s < zone->when[0])
		return zone->initial;
	if (utc_s >= zone->when[zone->count - 1] && zone->rule.present)
		return rule_offset(&zone->rule, utc_s);
	/* the last transition at or before utc_s */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (zone->when[mid] <= utc_s)
			lo = mid;
		else
			hi = mid;
	}
	return zone->offset_after[lo];
}

void tz_localtime(const struct tz *zone, int64_t utc_s, struct tz_local *out)
{
	int offset = tz_offset(zone, utc_s);
	int64_t local = utc_s + offset;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t rem = local - days * 86400;
	struct civil_date d = civil_from_days(days);

	out->year = d.year;
	out->month = d.month;
	out->day = d.day;
	out->weekday = civil_weekday(days);
	out->minute = (int)(rem / 60);
	out->second = (int)(rem % 60);
	out->days = days;
	out->offset_s = offset;
}

int64_t tz_to_utc(const struct tz *zone, int64_t local_s)
{
	/* offsets differ by at most a day: try the offsets in force around the instant */
	int before = tz_offset(zone, local_s - 86400);
	int after = tz_offset(zone, local_s + 86400);
	int64_t a = local_s - before, b = local_s - after;

	if (tz_offset(zone, a) == before && tz_offset(zone, b) == after)
		return a < b ? a : b; /* repeated time: the first occurrence */
	if (tz_offset(zone, a) == before)
		return a;
	if (tz_offset(zone, b) == after)
		return b;
	/* skipped time: the instant after the gap */
	return a > b ? a : b;
}
