/*
 * civil.c - Gregorian calendar arithmetic, French public holidays and the
 * date/instant parsers.  The day-number algorithms are Howard Hinnant's
 * "chrono-compatible low-level date algorithms" (public domain).
 * Nothing here knows about time zones.
 */
#include "civil.h"

#include <stdio.h>
#include <string.h>

int64_t civil_to_days(struct civil_date d)
{
	int64_t y = d.year - (d.month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (d.month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct civil_date civil_from_days(int64_t z)
{
	struct civil_date d;
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

int civil_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0) */
	int64_t w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

int civil_days_in_month(int year, int month)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return mdays[month - 1];
}

bool civil_valid(int year, int month, int day)
{
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
		return false;
	return day <= civil_days_in_month(year, month);
}

int64_t civil_easter(int year)
{
	/* anonymous Gregorian algorithm (Meeus/Jones/Butcher) */
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return civil_to_days((struct civil_date){ year, month, day });
}

bool civil_french_holiday(int64_t days, const char **name)
{
	static const struct {
		int month, day;
		const char *name;
	} fixed[] = {
		{ 1, 1, "Jour de l'an" },     { 5, 1, "Fête du Travail" },
		{ 5, 8, "Victoire 1945" },     { 7, 14, "Fête nationale" },
		{ 8, 15, "Assomption" },       { 11, 1, "Toussaint" },
		{ 11, 11, "Armistice 1918" },  { 12, 25, "Noël" },
	};
	static const struct {
		int offset;
		const char *name;
	} movable[] = {
		{ 1, "Lundi de Pâques" },
		{ 39, "Ascension" },
		{ 50, "Lundi de Pentecôte" },
	};
	struct civil_date d = civil_from_days(days);
	int64_t easter;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (fixed[i].month == d.month && fixed[i].day == d.day) {
			if (name != NULL)
				*name = fixed[i].name;
			return true;
		}
	}
	/* the movable feasts fall between 23 March and 14 June */
	if (d.month < 3 || d.month > 6)
		return false;
	easter = civil_easter(d.year);
	for (i = 0; i < sizeof(movable) / sizeof(movable[0]); i++) {
		if (days == easter + movable[i].offset) {
			if (name != NULL)
				*name = movable[i].name;
			return true;
		}
	}
	return false;
}

static int parse_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool civil_parse_date(const char *s, struct civil_date *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	y = parse_digits(s, 4);
	m = parse_digits(s + 5, 2);
	d = parse_digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !civil_valid(y, m, d))
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	return true;
}

void civil_format_date(struct civil_date d, char buf[11])
{
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
		 (unsigned)d.day % 100u);
}

int civil_parse_hhmm(const char *s)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	h = parse_digits(s, 2);
	m = parse_digits(s + 3, 2);
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static bool parse_offset(const char *s, int *offset_s)
{
	int sign, h, m;

	if (*s != '+' && *s != '-')
		return false;
	sign = *s == '-' ? -1 : 1;
	s++;
	h = parse_digits(s, 2);
	if (h < 0 || h > 23)
		return false;
	s += 2;
	if (*s == ':')
		s++;
	m = parse_digits(s, 2);
	if (m < 0 || m > 59 || s[2] != '\0')
		return false;
	*offset_s = sign * (h * 3600 + m * 60);
	return true;
}

bool civil_parse_instant(const char *s, int64_t *utc_s, bool *has_offset)
{
	struct civil_date d;
	char date[11];
	int hh, mm, ss = 0, offset = 0;
	const char *p;
	bool offset_given = false;

	if (s == NULL || strlen(s) < 16 || strlen(s) > 40)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!civil_parse_date(date, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return false;
	p = s + 11;
	hh = parse_digits(p, 2);
	if (hh < 0 || hh > 23 || p[2] != ':')
		return false;
	mm = parse_digits(p + 3, 2);
	if (mm < 0 || mm > 59)
		return false;
	p += 5;
	if (*p == ':') {
		ss = parse_digits(p + 1, 2);
		if (ss < 0 || ss > 60)
			return false;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		offset_given = true;
	} else if (*p != '\0') {
		if (!parse_offset(p, &offset))
			return false;
		offset_given = true;
	}
	if (ss == 60)
		ss = 59; /* a leap second reads as the second before it */
	*utc_s = civil_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - offset;
	if (has_offset != NULL)
		*has_offset = offset_given;
	return true;
}

void civil_format_instant(int64_t utc_s, char buf[21])
{
	int64_t days = utc_s >= 0 ? utc_s / 86400 : -((-utc_s + 86399) / 86400);
	int64_t rem = utc_s - days * 86400;
	struct civil_date d = civil_from_days(days);

	snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)d.year % 10000u,
		 (unsigned)d.month % 100u, (unsigned)d.day % 100u, (unsigned)(rem / 3600) % 100u,
		 (unsigned)(rem / 60 % 60) % 100u, (unsigned)(rem % 60) % 100u);
}
