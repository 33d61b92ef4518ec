/*
 * test_civil.c - calendar arithmetic (civil.h), card identifiers (uid.h) and
 * time zones (tz.h): the pure functions the rights engine stands on.
 * It does not open a store; decisions are tested in test_rights.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "err.h"
#include "test_util.h"
#include "tz.h"
#include "uid.h"

static int64_t days_of(int y, int m, int d)
{
	return civil_to_days((struct civil_date){ y, m, d });
}

/* seconds since the epoch of an instant written with an offset ("...Z", "+02:00") */
static int64_t instant(const char *iso)
{
	int64_t s = 0;
	bool has_offset = false;

	if (!civil_parse_instant(iso, &s, &has_offset) || !has_offset)
		fail_msg("test bug: \"%s\" is not an instant with an offset", iso);
	return s;
}

static struct tz *zone(const char *name)
{
	struct tz *z = NULL;
	char err[256] = "";

	if (tz_load(name, &z, err, sizeof(err)) != SEUIL_OK)
		fail_msg("tz_load(%s): %s", name, err);
	return z;
}

/* --- days, weekdays, validity ------------------------------------------- */

static void test_civil__days_round_trip_1900_2100(void **state)
{
	int64_t first = days_of(1900, 1, 1), last = days_of(2100, 12, 31);
	struct civil_date prev = civil_from_days(first - 1);

	(void)state;
	assert_int_equal(first, -25567);
	assert_int_equal(last, 47846);
	assert_true(prev.year == 1899 && prev.month == 12 && prev.day == 31);
	for (int64_t n = first; n <= last; n++) {
		struct civil_date d = civil_from_days(n);
		assert_true(civil_valid(d.year, d.month, d.day));
		assert_int_equal(civil_to_days(d), n);
		/* consecutive day numbers are consecutive dates */
		if (d.day == 1) {
			assert_true(d.month == prev.month % 12 + 1);
			assert_false(civil_valid(prev.year, prev.month, prev.day + 1));
		} else {
			assert_true(d.year == prev.year && d.month == prev.month && d.day == prev.day + 1);
		}
		assert_int_equal(civil_weekday(n), (civil_weekday(n - 1) + 1) % 7);
		prev = d;
	}
}

static void test_civil__known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(days_of(1970, 1, 1), 0);
	assert_int_equal(days_of(1969, 12, 31), -1);
	assert_int_equal(days_of(2000, 1, 1), 10957);
	assert_int_equal(days_of(2026, 3, 29), 20541);
	assert_int_equal(days_of(2027, 12, 25), 21177);
	assert_int_equal(civil_from_days(20541).month, 3);
}

static void test_civil__weekday_of_known_dates(void **state)
{
	static const struct {
		int y, m, d, weekday; /* 0 Monday .. 6 Sunday */
	} cases[] = {
		{ 1970, 1, 1, 3 },  { 1969, 12, 31, 2 }, { 1900, 1, 1, 0 },  { 2000, 1, 1, 5 },
		{ 2000, 2, 29, 1 }, { 2026, 3, 29, 6 },  { 2026, 10, 25, 6 }, { 2026, 11, 27, 4 },
		{ 2027, 1, 1, 4 },  { 2027, 7, 14, 2 },  { 2100, 12, 31, 4 }, { 1789, 7, 14, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = civil_weekday(days_of(cases[i].y, cases[i].m, cases[i].d));
		if (got != cases[i].weekday)
			fail_msg("%04d-%02d-%02d: weekday %d, expected %d", cases[i].y, cases[i].m, cases[i].d,
				 got, cases[i].weekday);
	}
}

static void test_civil__valid_dates(void **state)
{
	(void)state;
	assert_true(civil_valid(2024, 2, 29));
	assert_true(civil_valid(2000, 2, 29));
	assert_false(civil_valid(2100, 2, 29));
	assert_false(civil_valid(1900, 2, 29));
	assert_false(civil_valid(2027, 2, 29));
	assert_false(civil_valid(2027, 4, 31));
	assert_true(civil_valid(2027, 12, 31));
	assert_false(civil_valid(2027, 13, 1));
	assert_false(civil_valid(2027, 0, 1));
	assert_false(civil_valid(2027, 1, 0));
	assert_false(civil_valid(0, 1, 1));
}

/* --- Easter and French public holidays ------------------------------------ */

static void test_civil__easter_2024_2030(void **state)
{
	static const struct {
		int year, month, day;
	} easter[] = {
		{ 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 },  { 2027, 3, 28 }, { 2028, 4, 16 },
		{ 2029, 4, 1 },  { 2030, 4, 21 }, { 2000, 4, 23 }, { 1961, 4, 2 },  { 2038, 4, 25 },
		{ 2285, 3, 22 }, /* the earliest possible date */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(easter) / sizeof(easter[0]); i++) {
		int64_t got = civil_easter(easter[i].year);
		struct civil_date d = civil_from_days(got);
		if (got != days_of(easter[i].year, easter[i].month, easter[i].day))
			fail_msg("Easter %d: got %04d-%02d-%02d, expected %02d-%02d", easter[i].year, d.year,
				 d.month, d.day, easter[i].month, easter[i].day);
		assert_int_equal(civil_weekday(got), 6);
	}
}

static const struct {
	int month, day;
} holidays_2027[] = {
	{ 1, 1 },  /* Jour de l'an */
	{ 3, 29 }, /* Lundi de Pâques (Easter 28 March) */
	{ 5, 1 },  /* Fête du Travail */
	{ 5, 6 },  /* Ascension = Easter + 39 */
	{ 5, 8 },  /* Victoire 1945 */
	{ 5, 17 }, /* Lundi de Pentecôte = Easter + 50 */
	{ 7, 14 }, /* Fête nationale */
	{ 8, 15 }, /* Assomption */
	{ 11, 1 }, /* Toussaint */
	{ 11, 11 }, /* Armistice */
	{ 12, 25 }, /* Noël */
};

static void test_civil__french_holidays_2027(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(holidays_2027) / sizeof(holidays_2027[0]); i++) {
		const char *name = NULL;
		if (!civil_french_holiday(days_of(2027, holidays_2027[i].month, holidays_2027[i].day), &name))
			fail_msg("2027-%02d-%02d is not reported as a holiday", holidays_2027[i].month,
				 holidays_2027[i].day);
		assert_non_null(name);
		assert_true(strlen(name) > 0);
		assert_true(civil_french_holiday(days_of(2027, holidays_2027[i].month, holidays_2027[i].day), NULL));
	}
}

static void test_civil__exactly_eleven_holidays_a_year(void **state)
{
	(void)state;
	for (int year = 2024; year <= 2030; year++) {
		int n = 0;
		for (int64_t d = days_of(year, 1, 1); d <= days_of(year, 12, 31); d++)
			n += civil_french_holiday(d, NULL);
		if (n != 11)
			fail_msg("%d: %d holidays, expected 11", year, n);
	}
}

static void test_civil__not_holidays_2027(void **state)
{
	static const struct {
		int month, day;
	} ordinary[] = {
		{ 3, 28 }, /* Easter Sunday itself */
		{ 3, 26 }, /* Good Friday (a holiday only in Alsace-Moselle) */
		{ 5, 16 }, /* Whit Sunday */
		{ 5, 7 },  { 5, 2 },  { 1, 2 },   { 12, 24 }, { 12, 26 },
		{ 12, 31 }, { 7, 13 }, { 11, 2 }, { 4, 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ordinary) / sizeof(ordinary[0]); i++) {
		const char *name = NULL;
		if (civil_french_holiday(days_of(2027, ordinary[i].month, ordinary[i].day), &name))
			fail_msg("2027-%02d-%02d reported as holiday \"%s\"", ordinary[i].month, ordinary[i].day,
				 name != NULL ? name : "");
	}
}

/* --- parsing and formatting ---------------------------------------------- */

static void test_civil__parse_date(void **state)
{
	static const char *const bad[] = {
		"2027-02-30", "2027-02-29", "2027-13-01", "2027-00-10", "2027-01-00", "2027-2-03",
		"2027-02-3",  "27-02-03",   "2027/02/03", "2027-02-03x", " 2027-02-03", "2027-02-03 ",
		"",           "0000-01-01", "2027-0a-03", "２027-02-03",
	};
	struct civil_date d = { 1, 2, 3 };
	char buf[11];

	(void)state;
	assert_true(civil_parse_date("2024-02-29", &d));
	assert_true(d.year == 2024 && d.month == 2 && d.day == 29);
	assert_true(civil_parse_date("9999-12-31", &d));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = (struct civil_date){ 1, 2, 3 };
		if (civil_parse_date(bad[i], &d))
			fail_msg("\"%s\" parsed as a date", bad[i]);
		assert_true(d.year == 1 && d.month == 2 && d.day == 3); /* untouched */
	}
	assert_false(civil_parse_date(NULL, &d));
	civil_format_date((struct civil_date){ 2027, 3, 9 }, buf);
	assert_string_equal(buf, "2027-03-09");
}

static void test_civil__parse_instant(void **state)
{
	static const struct {
		const char *text;
		int64_t utc_s;
		bool offset;
	} good[] = {
		{ "2026-03-29T01:30:00Z", 1774747800, true },
		{ "2026-03-29T03:30:00+02:00", 1774747800, true },
		{ "2026-03-29T03:30:00+0200", 1774747800, true },
		{ "2026-03-28T20:30:00-05:00", 1774747800, true },
		{ "2026-03-29T01:30Z", 1774747800, true },
		{ "2026-03-29t01:30:00z", 1774747800, true },
		{ "2026-03-29 01:30:00Z", 1774747800, true },
		{ "2026-03-29T01:30:00.999Z", 1774747800, true },
		{ "2026-03-29T01:30:00,5+00:00", 1774747800, true },
		{ "2026-03-29T01:30:00", 1774747800, false }, /* wall clock, read as UTC */
		{ "2026-12-31T23:59:60Z", 1798761599, true }, /* leap second: the second before */
		{ "1969-12-31T23:59:59Z", -1, true },
		{ "2026-03-29T00:00:00+05:30", 1774722600, true },
	};
	static const char *const bad[] = {
		"2026-03-29", "2026-03-29T", "2026-03-29T24:00Z", "2026-03-29T01:60Z",
		"2026-03-29T1:30:00Z", "2026-03-29T01:30:61Z", "2026-03-29T01:30:00+2",
		"2026-03-29T01:30:00+24:00", "2026-03-29T01:30:00+02:60", "2026-03-29T01:30:00.Z",
		"2026-03-29T01:30:00Zjunk", "2026-03-29T01:30:00+02:00x", "2026-02-30T00:00Z",
		"2026-03-29X01:30Z", "2026-03-29T01:30.5Z", "2026-03-29T01:30:0Z", "",
		"2026-03-29T01:30:00 Z",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t s = 0;
		bool has_offset = !good[i].offset;
		if (!civil_parse_instant(good[i].text, &s, &has_offset))
			fail_msg("\"%s\" refused", good[i].text);
		if (s != good[i].utc_s || has_offset != good[i].offset)
			fail_msg("\"%s\": %lld (offset %d), expected %lld (offset %d)", good[i].text,
				 (long long)s, has_offset, (long long)good[i].utc_s, good[i].offset);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t s = 0;
		if (civil_parse_instant(bad[i], &s, NULL))
			fail_msg("\"%s\" parsed as an instant (%lld)", bad[i], (long long)s);
	}
	assert_false(civil_parse_instant(NULL, &(int64_t){ 0 }, NULL));
}

static void test_civil__format_instant(void **state)
{
	char buf[21];

	(void)state;
	civil_format_instant(1774747800, buf);
	assert_string_equal(buf, "2026-03-29T01:30:00Z");
	civil_format_instant(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	civil_format_instant(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

static void test_civil__parse_hhmm(void **state)
{
	static const char *const bad[] = { "24:01", "25:00", "7:00",  "07:60", "07-00", "0700",
					   "07:0",  "-1:00", "07:00 ", "ab:cd", "" };

	(void)state;
	assert_int_equal(civil_parse_hhmm("00:00"), 0);
	assert_int_equal(civil_parse_hhmm("07:30"), 450);
	assert_int_equal(civil_parse_hhmm("23:59"), 1439);
	assert_int_equal(civil_parse_hhmm("24:00"), 1440);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (civil_parse_hhmm(bad[i]) != -1)
			fail_msg("\"%s\" parsed as a time", bad[i]);
	}
	assert_int_equal(civil_parse_hhmm(NULL), -1);
}

/* --- card identifiers ------------------------------------------------------ */

static void test_civil__uid_spellings(void **state)
{
	static const char *const same[] = {
		"04A1B2C3D4E5F6",       "04a1b2c3d4e5f6",       "04:A1:B2:C3:D4:E5:F6",
		"04:a1:b2:c3:d4:e5:f6", "04-A1-B2-C3-D4-E5-F6", "04 a1 B2 c3 D4 e5 F6",
	};
	char out[UID_HEX_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char err[128] = "";
		if (uid_normalize(same[i], out, err, sizeof(err)) != SEUIL_OK)
			fail_msg("\"%s\" refused: %s", same[i], err);
		assert_string_equal(out, "04A1B2C3D4E5F6");
	}
	assert_int_equal(uid_normalize("deadbeef", out, NULL, 0), SEUIL_OK);
	assert_string_equal(out, "DEADBEEF");
	assert_int_equal(uid_normalize("01:02:03:04:05:06:07:08:09:0a", out, NULL, 0), SEUIL_OK);
	assert_string_equal(out, "0102030405060708090A");
}

static void test_civil__uid_errors(void **state)
{
	static const char *const bad[] = {
		"",                          /* empty */
		"04A1B2C3D",                 /* odd length */
		"04A1B2C3D4",                /* 5 bytes */
		"04A1B2",                    /* 3 bytes */
		"04A1B2C3D4E5F6A7",          /* 8 bytes */
		"0102030405060708090A0B",    /* 11 bytes */
		"04A1B2C3D4E5GG",            /* not hex */
		"04A1:B2C3",                 /* separator inside a group of 4 digits */
		"04:A1B2:C3",                /* separators in some places only */
		":04:A1:B2:C3",              /* leading separator */
		"04:A1:B2:C3:",              /* trailing separator */
		"04::A1:B2:C3",              /* double separator */
		"0:4A:1B:2C",                /* separator inside a byte */
		"04A1B2C3\n",                /* control character */
		"0x04A1B2C3",                /* prefix */
		"04A1B2C3040404040404040404040404040404040404040404040404040404040404", /* > 64 */
	};
	char out[UID_HEX_MAX] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[128] = "";
		if (uid_normalize(bad[i], out, err, sizeof(err)) != SEUIL_ERR_INVALID)
			fail_msg("\"%s\" accepted as %s", bad[i], out);
		assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
	}
	assert_string_equal(out, "untouched");
	assert_int_equal(uid_normalize(NULL, out, NULL, 0), SEUIL_ERR_INVALID);
}

static void test_civil__uid_from_bytes_and_redact(void **state)
{
	static const unsigned char bytes[10] = { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 7, 8, 9 };
	char out[UID_HEX_MAX], shown[32];

	(void)state;
	assert_int_equal(uid_from_bytes(bytes, 7, out), SEUIL_OK);
	assert_string_equal(out, "04A1B2C3D4E5F6");
	assert_int_equal(uid_from_bytes(bytes, 4, out), SEUIL_OK);
	assert_string_equal(out, "04A1B2C3");
	assert_int_equal(uid_from_bytes(bytes, 10, out), SEUIL_OK);
	assert_string_equal(out, "04A1B2C3D4E5F6070809");
	assert_int_equal(uid_from_bytes(bytes, 5, out), SEUIL_ERR_INVALID);
	uid_redact("04A1B2C3D4E5F6", shown, sizeof(shown));
	assert_null(strstr(shown, "04A1B2C3D4E5F6"));
	assert_null(strstr(shown, "B2C3D4"));
	assert_true(strncmp(shown, "04A1", 4) == 0);
	uid_redact("9B8A7C6D", shown, sizeof(shown));
	assert_string_equal(shown, "9B…6D");
}

/* --- time zones ------------------------------------------------------------- */

static void test_civil__tz_refuses_bad_names(void **state)
{
	static const char *const invalid[] = { "../etc/passwd", "/etc/passwd", "Europe/../../etc/passwd",
					       "Europe/Paris\n", "Europe/Pa ris", "", "Europe/.." };
	struct tz *z = NULL;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		err[0] = '\0';
		if (tz_load(invalid[i], &z, err, sizeof(err)) != SEUIL_ERR_INVALID)
			fail_msg("\"%s\" not refused as invalid", invalid[i]);
		assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
	}
	assert_int_equal(tz_load(NULL, &z, NULL, 0), SEUIL_ERR_INVALID);
	err[0] = '\0';
	assert_int_equal(tz_load("Europe/Atlantis", &z, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "Europe/Atlantis"));
	assert_null(z);
	tz_free(NULL);
}

static void test_civil__tz_paris_offsets(void **state)
{
	static const struct {
		const char *at;
		int offset;
	} cases[] = {
		{ "2026-01-15T12:00:00Z", 3600 },  { "2026-07-15T12:00:00Z", 7200 },
		{ "2026-03-29T00:59:59Z", 3600 },  { "2026-03-29T01:00:00Z", 7200 },
		{ "2026-10-25T00:59:59Z", 7200 },  { "2026-10-25T01:00:00Z", 3600 },
		{ "2027-01-15T12:00:00Z", 3600 },  { "2027-07-15T12:00:00Z", 7200 },
		{ "2027-03-28T00:59:59Z", 3600 },  { "2027-03-28T01:00:00Z", 7200 },
		{ "2027-10-31T00:59:59Z", 7200 },  { "2027-10-31T01:00:00Z", 3600 },
		/* far beyond the stored transitions: the POSIX rule of the footer */
		{ "2045-01-15T12:00:00Z", 3600 },  { "2045-07-15T12:00:00Z", 7200 },
		{ "2045-03-26T00:59:59Z", 3600 },  { "2045-03-26T01:00:00Z", 7200 },
		{ "2045-10-29T00:59:59Z", 7200 },  { "2045-10-29T01:00:00Z", 3600 },
		{ "2099-12-31T12:00:00Z", 3600 },  { "1990-07-01T12:00:00Z", 7200 },
	};
	struct tz *paris = zone("Europe/Paris");

	(void)state;
	assert_string_equal(tz_name(paris), "Europe/Paris");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = tz_offset(paris, instant(cases[i].at));
		if (got != cases[i].offset)
			fail_msg("Paris at %s: offset %d, expected %d", cases[i].at, got, cases[i].offset);
	}
	tz_free(paris);
}

static void test_civil__tz_localtime_around_changes(void **state)
{
	static const struct {
		const char *at;
		int y, m, d, weekday, minute, second;
	} cases[] = {
		{ "2026-03-29T00:59:59Z", 2026, 3, 29, 6, 1 * 60 + 59, 59 }, /* 01:59:59 CET */
		{ "2026-03-29T01:00:00Z", 2026, 3, 29, 6, 3 * 60, 0 },       /* 03:00 CEST */
		{ "2026-10-25T00:30:00Z", 2026, 10, 25, 6, 2 * 60 + 30, 0 }, /* 02:30 CEST */
		{ "2026-10-25T01:30:00Z", 2026, 10, 25, 6, 2 * 60 + 30, 0 }, /* 02:30 CET */
		{ "2026-12-31T23:30:00Z", 2027, 1, 1, 4, 30, 0 },            /* new year in Paris first */
		{ "2027-03-28T01:00:00Z", 2027, 3, 28, 6, 3 * 60, 0 },
		{ "2027-10-31T01:59:59Z", 2027, 10, 31, 6, 2 * 60 + 59, 59 },
		{ "2045-03-26T01:00:00Z", 2045, 3, 26, 6, 3 * 60, 0 },
	};
	struct tz *paris = zone("Europe/Paris");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tz_local l;
		int64_t s = instant(cases[i].at);
		tz_localtime(paris, s, &l);
		if (l.year != cases[i].y || l.month != cases[i].m || l.day != cases[i].d ||
		    l.weekday != cases[i].weekday || l.minute != cases[i].minute || l.second != cases[i].second)
			fail_msg("%s: local %04d-%02d-%02d wd %d min %d s %d", cases[i].at, l.year, l.month,
				 l.day, l.weekday, l.minute, l.second);
		assert_int_equal(l.days, days_of(cases[i].y, cases[i].m, cases[i].d));
		assert_int_equal(l.offset_s, tz_offset(paris, s));
	}
	tz_free(paris);
}

static void test_civil__tz_to_utc_gaps_and_repeats(void **state)
{
	static const struct {
		const char *local; /* wall clock in Paris, no offset */
		const char *utc;
	} cases[] = {
		{ "2026-03-29T01:30:00", "2026-03-29T00:30:00Z" },
		{ "2026-03-29T02:30:00", "2026-03-29T01:30:00Z" }, /* does not exist: read as 03:30 CEST */
		{ "2026-03-29T03:30:00", "2026-03-29T01:30:00Z" },
		{ "2026-10-25T01:30:00", "2026-10-24T23:30:00Z" },
		{ "2026-10-25T02:30:00", "2026-10-25T00:30:00Z" }, /* twice: the first one */
		{ "2026-10-25T03:30:00", "2026-10-25T02:30:00Z" },
		{ "2027-03-28T02:00:00", "2027-03-28T01:00:00Z" },
		{ "2027-10-31T02:00:00", "2027-10-31T00:00:00Z" },
		{ "2027-01-15T09:00:00", "2027-01-15T08:00:00Z" },
		{ "2027-07-15T09:00:00", "2027-07-15T07:00:00Z" },
		{ "2045-10-29T02:30:00", "2045-10-29T00:30:00Z" },
	};
	struct tz *paris = zone("Europe/Paris");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t local = 0, got, want = instant(cases[i].utc);
		bool has_offset = true;
		char a[21], b[21];
		assert_true(civil_parse_instant(cases[i].local, &local, &has_offset));
		assert_false(has_offset);
		got = tz_to_utc(paris, local);
		civil_format_instant(got, a);
		civil_format_instant(want, b);
		if (got != want)
			fail_msg("Paris %s: %s, expected %s", cases[i].local, a, b);
	}
	tz_free(paris);
}

static void test_civil__tz_southern_hemisphere(void **state)
{
	static const struct {
		const char *zone, *at;
		int offset;
	} cases[] = {
		{ "Australia/Sydney", "2026-01-15T00:00:00Z", 39600 },
		{ "Australia/Sydney", "2026-07-15T00:00:00Z", 36000 },
		{ "Australia/Sydney", "2027-01-15T00:00:00Z", 39600 },
		{ "Australia/Sydney", "2027-07-15T00:00:00Z", 36000 },
		{ "Australia/Sydney", "2045-01-15T00:00:00Z", 39600 },
		{ "Australia/Sydney", "2045-07-15T00:00:00Z", 36000 },
		{ "America/Sao_Paulo", "2018-01-15T00:00:00Z", -7200 }, /* summer time until 2019 */
		{ "America/Sao_Paulo", "2026-01-15T00:00:00Z", -10800 },
		{ "America/Sao_Paulo", "2026-07-15T00:00:00Z", -10800 },
		{ "America/Sao_Paulo", "2045-01-15T00:00:00Z", -10800 },
		{ "America/New_York", "2045-07-15T00:00:00Z", -14400 },
		{ "America/New_York", "2045-01-15T00:00:00Z", -18000 },
		{ "UTC", "2026-07-15T00:00:00Z", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tz *z = zone(cases[i].zone);
		int got = tz_offset(z, instant(cases[i].at));
		tz_free(z);
		if (got != cases[i].offset)
			fail_msg("%s at %s: offset %d, expected %d", cases[i].zone, cases[i].at, got,
				 cases[i].offset);
	}
}

/* a zone file that is not TZif, or is cut short, is refused without crashing */
static void test_civil__tz_malformed_files(void **state)
{
	char dir[64], path[128], err[256];
	unsigned char real[4096];
	struct tz *z = NULL;
	size_t n;
	FILE *f;

	(void)state;
	assert_int_equal(test_tmpdir_make(dir, sizeof(dir), "tz"), 0);
	f = fopen("/usr/share/zoneinfo/Europe/Paris", "rb");
	assert_non_null(f);
	n = fread(real, 1, sizeof(real), f);
	fclose(f);
	assert_true(n > 200);
	snprintf(path, sizeof(path), "%s/Garbage", dir);
	f = fopen(path, "wb");
	fputs("this is not a time zone\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Truncated", dir);
	f = fopen(path, "wb");
	fwrite(real, 1, 100, f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	err[0] = '\0';
	assert_int_equal(tz_load("Garbage", &z, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "Garbage"));
	err[0] = '\0';
	assert_int_equal(tz_load("Truncated", &z, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_true(err[0] != '\0');
	assert_int_equal(tz_load("Europe/Paris", &z, NULL, 0), SEUIL_ERR_NOT_FOUND);
	unsetenv("TZDIR");
	test_tmpdir_remove(dir);
	assert_null(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil__days_round_trip_1900_2100),
		cmocka_unit_test(test_civil__known_day_numbers),
		cmocka_unit_test(test_civil__weekday_of_known_dates),
		cmocka_unit_test(test_civil__valid_dates),
		cmocka_unit_test(test_civil__easter_2024_2030),
		cmocka_unit_test(test_civil__french_holidays_2027),
		cmocka_unit_test(test_civil__exactly_eleven_holidays_a_year),
		cmocka_unit_test(test_civil__not_holidays_2027),
		cmocka_unit_test(test_civil__parse_date),
		cmocka_unit_test(test_civil__parse_instant),
		cmocka_unit_test(test_civil__format_instant),
		cmocka_unit_test(test_civil__parse_hhmm),
		cmocka_unit_test(test_civil__uid_spellings),
		cmocka_unit_test(test_civil__uid_errors),
		cmocka_unit_test(test_civil__uid_from_bytes_and_redact),
		cmocka_unit_test(test_civil__tz_refuses_bad_names),
		cmocka_unit_test(test_civil__tz_paris_offsets),
		cmocka_unit_test(test_civil__tz_localtime_around_changes),
		cmocka_unit_test(test_civil__tz_to_utc_gaps_and_repeats),
		cmocka_unit_test(test_civil__tz_southern_hemisphere),
		cmocka_unit_test(test_civil__tz_malformed_files),
	};

	return cmocka_run_group_tests_name("civil", tests, NULL, NULL);
}
