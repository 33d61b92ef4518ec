/*
 * test_ical_expand.c - calendar objects expanded into occurrences, each
 * checked against a list written by hand (UTC; Europe/Paris is UTC+1 in
 * winter, UTC+2 from 2026-03-29 to 2026-10-25): weekly with COUNT, daily
 * with UNTIL, EXDATE, RDATE, moved and cancelled overrides, all-day,
 * floating, New York (an Olson TZID and a VTIMEZONE of its own), cancelled
 * and private events, both daylight-saving changes, the window, several
 * UIDs in one object, and malformed or absurd inputs refused quickly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "err.h"
#include "ical_expand.h"
#include "tz.h"

static struct tz *paris;

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil//test//FR\r\n" body "END:VCALENDAR\r\n"

static int64_t at(const char *iso)
{
	int64_t s;
	bool has_offset;

	assert_true(civil_parse_instant(iso, &s, &has_offset));
	return s;
}

/* "START END rid=R [all-day] [private] summary" for occurrence i */
static void describe(const struct ical_expansion *x, size_t i, char *buf, size_t len)
{
	const struct ical_occurrence *o = &x->occ[i];
	const struct ical_event *e = &x->events[o->event];
	char s[21], t[21];

	civil_format_instant(o->start_s, s);
	civil_format_instant(o->end_s, t);
	snprintf(buf, len, "%s %s rid=%s%s%s %s", s, t, o->recurrence_id, o->all_day ? " all-day" : "",
		 e->private_ ? " private" : "", e->summary);
}

/* Expands text over [from, to) and checks the occurrences against want (NULL-terminated). */
static void expect(const char *text, const char *from, const char *to, const char *const *want)
{
	struct ical_expansion x;
	char err[256] = "", got[512];
	size_t n = 0;

	if (ical_expand(text, strlen(text), paris, at(from), at(to), &x, err, sizeof(err)) != SEUIL_OK)
		fail_msg("refused: %s", err);
	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < x.nocc || i < n; i++) {
		if (i < x.nocc)
			describe(&x, i, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "(nothing)");
		if (i >= n || strcmp(got, want[i]) != 0)
			fail_msg("occurrence %zu: got \"%s\", wanted \"%s\"", i, got, i < n ? want[i] : "(nothing)");
	}
	assert_int_equal(x.skipped, 0);
	ical_expansion_release(&x);
}

static int refused(const char *text, char *err, size_t errlen)
{
	struct ical_expansion x;
	int rc = ical_expand(text, strlen(text), paris, at("2026-01-01T00:00:00Z"), at("2026-12-31T00:00:00Z"), &x,
			     err, errlen);

	if (rc == SEUIL_OK)
		fail_msg("accepted (%zu occurrences): %s", x.nocc, text);
	assert_int_equal(x.nocc, 0);
	assert_null(x.occ);
	assert_non_null(strchr(err, ' ')); /* a message, on one line */
	assert_null(strchr(err, '\n'));
	return rc;
}

static void test_ical_expand__weekly_count(void **unused)
{
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:w1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260105T100000\r\n"
				      "DTEND;TZID=Europe/Paris:20260105T110000\r\n"
				      "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Point hebdo\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-05T09:00:00Z 2026-01-05T10:00:00Z rid=2026-01-05T09:00:00Z Point hebdo",
		"2026-01-12T09:00:00Z 2026-01-12T10:00:00Z rid=2026-01-12T09:00:00Z Point hebdo",
		"2026-01-19T09:00:00Z 2026-01-19T10:00:00Z rid=2026-01-19T09:00:00Z Point hebdo",
		NULL,
	};
	static const char *const window[] = {
		"2026-01-12T09:00:00Z 2026-01-12T10:00:00Z rid=2026-01-12T09:00:00Z Point hebdo",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
	/* the window keeps what overlaps it, an occurrence going on at its start included */
	expect(ics, "2026-01-12T09:30:00Z", "2026-01-19T09:00:00Z", window);
}

static void test_ical_expand__daily_until(void **unused)
{
	/* UNTIL is the last start, in UTC, inclusive */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:d1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260302T140000\r\n"
				      "DTEND;TZID=Europe/Paris:20260302T150000\r\n"
				      "RRULE:FREQ=DAILY;UNTIL=20260304T130000Z\r\nSUMMARY:Formation\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-03-02T13:00:00Z 2026-03-02T14:00:00Z rid=2026-03-02T13:00:00Z Formation",
		"2026-03-03T13:00:00Z 2026-03-03T14:00:00Z rid=2026-03-03T13:00:00Z Formation",
		"2026-03-04T13:00:00Z 2026-03-04T14:00:00Z rid=2026-03-04T13:00:00Z Formation",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static void test_ical_expand__exdate(void **unused)
{
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:x1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260105T100000\r\n"
				      "DTEND;TZID=Europe/Paris:20260105T110000\r\n"
				      "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
				      "EXDATE;TZID=Europe/Paris:20260112T100000\r\n"
				      "EXDATE:20260126T090000Z\r\nSUMMARY:CA\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-05T09:00:00Z 2026-01-05T10:00:00Z rid=2026-01-05T09:00:00Z CA",
		"2026-01-19T09:00:00Z 2026-01-19T10:00:00Z rid=2026-01-19T09:00:00Z CA",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static void test_ical_expand__rdate(void **unused)
{
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:r1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260107T100000\r\n"
				      "DTEND;TZID=Europe/Paris:20260107T110000\r\n"
				      "RDATE;TZID=Europe/Paris:20260109T150000\r\n"
				      "RDATE;VALUE=PERIOD:20260110T080000Z/20260110T120000Z\r\n"
				      "SUMMARY:Jury\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-07T09:00:00Z 2026-01-07T10:00:00Z rid=2026-01-07T09:00:00Z Jury",
		"2026-01-09T14:00:00Z 2026-01-09T15:00:00Z rid=2026-01-09T14:00:00Z Jury",
		"2026-01-10T08:00:00Z 2026-01-10T12:00:00Z rid=2026-01-10T08:00:00Z Jury",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static const char tuesdays[] = "BEGIN:VEVENT\r\nUID:t1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
			       "DTSTART;TZID=Europe/Paris:20260106T100000\r\n"
			       "DTEND;TZID=Europe/Paris:20260106T110000\r\n"
			       "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Bureau\r\nEND:VEVENT\r\n";

static void test_ical_expand__moved_override(void **unused)
{
	/* the override comes first in the text: order does not matter */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:t1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "RECURRENCE-ID;TZID=Europe/Paris:20260113T100000\r\n"
				      "DTSTART;TZID=Europe/Paris:20260114T160000\r\n"
				      "DTEND;TZID=Europe/Paris:20260114T173000\r\n"
				      "SUMMARY:Bureau (déplacé)\r\nEND:VEVENT\r\n") ;
	char text[2048];
	static const char *const want[] = {
		"2026-01-06T09:00:00Z 2026-01-06T10:00:00Z rid=2026-01-06T09:00:00Z Bureau",
		"2026-01-14T15:00:00Z 2026-01-14T16:30:00Z rid=2026-01-13T09:00:00Z Bureau (déplacé)",
		"2026-01-20T09:00:00Z 2026-01-20T10:00:00Z rid=2026-01-20T09:00:00Z Bureau",
		NULL,
	};
	static const char *const moved_out[] = {
		"2026-01-06T09:00:00Z 2026-01-06T10:00:00Z rid=2026-01-06T09:00:00Z Bureau",
		NULL,
	};

	(void)unused;
	/* insert the master after the override's VEVENT */
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(strlen(ics) - strlen("END:VCALENDAR\r\n")), ics, tuesdays,
		 "END:VCALENDAR\r\n");
	expect(text, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
	/* the 13th moved out of a window that ends on the 14th is not shown on the 13th */
	expect(text, "2026-01-01T00:00:00Z", "2026-01-14T00:00:00Z", moved_out);
}

static void test_ical_expand__cancelled_override(void **unused)
{
	static const char *const want[] = {
		"2026-01-06T09:00:00Z 2026-01-06T10:00:00Z rid=2026-01-06T09:00:00Z Bureau",
		"2026-01-20T09:00:00Z 2026-01-20T10:00:00Z rid=2026-01-20T09:00:00Z Bureau",
		NULL,
	};
	char text[2048];

	(void)unused;
	snprintf(text, sizeof(text), CAL("%s%s"), tuesdays,
		 "BEGIN:VEVENT\r\nUID:t1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
		 "RECURRENCE-ID:20260113T090000Z\r\nDTSTART;TZID=Europe/Paris:20260113T100000\r\n"
		 "STATUS:CANCELLED\r\nSUMMARY:Bureau\r\nEND:VEVENT\r\n");
	expect(text, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static void test_ical_expand__all_day(void **unused)
{
	/* local midnights: CEST (UTC+2) in April; 29 March 2026 is 23 hours long */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:a1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;VALUE=DATE:20260401\r\nDTEND;VALUE=DATE:20260403\r\n"
				      "SUMMARY:Salon\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:a2@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;VALUE=DATE:20260329\r\nSUMMARY:Portes ouvertes\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:a3@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n"
				      "SUMMARY:Ménage\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-04T23:00:00Z 2026-01-05T23:00:00Z rid=2026-01-05 all-day Ménage",
		"2026-01-11T23:00:00Z 2026-01-12T23:00:00Z rid=2026-01-12 all-day Ménage",
		"2026-03-28T23:00:00Z 2026-03-29T22:00:00Z rid= all-day Portes ouvertes",
		"2026-03-31T22:00:00Z 2026-04-02T22:00:00Z rid= all-day Salon",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static void test_ical_expand__floating(void **unused)
{
	/* no TZID, no Z: the site's wall clock (CET in January, CEST in July) */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:f1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260115T090000\r\nDTEND:20260115T100000\r\n"
				      "RDATE:20260715T090000\r\nSUMMARY:Accueil\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-15T08:00:00Z 2026-01-15T09:00:00Z rid=2026-01-15T08:00:00Z Accueil",
		"2026-07-15T07:00:00Z 2026-07-15T08:00:00Z rid=2026-07-15T07:00:00Z Accueil",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static void test_ical_expand__new_york(void **unused)
{
	/* an Olson TZID: EST (UTC-5) in January; on 10 March New York is on EDT (UTC-4) while Paris is not */
	static const char olson[] = CAL("BEGIN:VEVENT\r\nUID:ny1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
					"DTSTART;TZID=America/New_York:20260115T090000\r\n"
					"DTEND;TZID=America/New_York:20260115T100000\r\n"
					"RDATE;TZID=America/New_York:20260310T090000\r\n"
					"SUMMARY:Visio NY\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-15T14:00:00Z 2026-01-15T15:00:00Z rid=2026-01-15T14:00:00Z Visio NY",
		"2026-03-10T13:00:00Z 2026-03-10T14:00:00Z rid=2026-03-10T13:00:00Z Visio NY",
		NULL,
	};
	/* a TZID no system knows, defined by the object's VTIMEZONE (as Outlook writes them) */
	static const char own[] = CAL("BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\n"
				      "BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\n"
				      "TZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
				      "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\n"
				      "TZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
				      "END:VTIMEZONE\r\n"
				      "BEGIN:VEVENT\r\nUID:ny2@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Eastern Standard Time:20260115T090000\r\n"
				      "DTEND;TZID=Eastern Standard Time:20260115T100000\r\n"
				      "RDATE;TZID=Eastern Standard Time:20260310T090000\r\n"
				      "SUMMARY:Visio NY\r\nEND:VEVENT\r\n");
	static const char *const want_own[] = {
		"2026-01-15T14:00:00Z 2026-01-15T15:00:00Z rid=2026-01-15T14:00:00Z Visio NY",
		"2026-03-10T13:00:00Z 2026-03-10T14:00:00Z rid=2026-03-10T13:00:00Z Visio NY",
		NULL,
	};
	/* a prefixed Olson name (Evolution, old Thunderbird) */
	static const char prefixed[] = CAL("BEGIN:VEVENT\r\nUID:ny3@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
					   "DTSTART;TZID=/freeassociation.sourceforge.net/America/New_York:"
					   "20260115T090000\r\nDURATION:PT45M\r\nSUMMARY:Visio\r\nEND:VEVENT\r\n");
	static const char *const want_prefixed[] = {
		"2026-01-15T14:00:00Z 2026-01-15T14:45:00Z rid= Visio",
		NULL,
	};

	(void)unused;
	expect(olson, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
	expect(own, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want_own);
	expect(prefixed, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want_prefixed);
}

static void test_ical_expand__cancelled_event(void **unused)
{
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:c1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260105T100000\r\nDURATION:PT1H\r\n"
				      "RRULE:FREQ=WEEKLY;COUNT=3\r\nSTATUS:CANCELLED\r\nSUMMARY:Annulé\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:c1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "RECURRENCE-ID;TZID=Europe/Paris:20260112T100000\r\n"
				      "DTSTART;TZID=Europe/Paris:20260112T100000\r\nSUMMARY:Annulé\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:c2@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260107T090000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n");
	static const char *const none[] = { NULL };

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", none);
}

static void test_ical_expand__private(void **unused)
{
	/* the override has no CLASS: it stays as private as its series */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:p1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260105T100000\r\nDURATION:PT1H\r\n"
				      "RRULE:FREQ=WEEKLY;COUNT=2\r\nCLASS:PRIVATE\r\nSUMMARY:Entretien Dupont\r\n"
				      "ORGANIZER;CN=Camille:mailto:Camille.Martin@Scop-BTP.example\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:p1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "RECURRENCE-ID;TZID=Europe/Paris:20260112T100000\r\n"
				      "DTSTART;TZID=Europe/Paris:20260112T140000\r\nSUMMARY:Entretien Durand\r\n"
				      "END:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:p2@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260107T090000Z\r\nCLASS:CONFIDENTIAL\r\nSUMMARY:Licenciement\r\n"
				      "X-SEUIL-TENANT:scop-btp\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-05T09:00:00Z 2026-01-05T10:00:00Z rid=2026-01-05T09:00:00Z private ",
		"2026-01-07T09:00:00Z 2026-01-07T09:00:00Z rid= private ",
		"2026-01-12T13:00:00Z 2026-01-12T14:00:00Z rid=2026-01-12T09:00:00Z private ",
		NULL,
	};
	struct ical_expansion x;
	char err[256] = "";

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
	assert_int_equal(ical_expand(ics, strlen(ics), paris, at("2026-01-01T00:00:00Z"), at("2026-12-31T00:00:00Z"),
				     &x, err, sizeof(err)),
			 SEUIL_OK);
	for (size_t i = 0; i < x.nevents; i++) {
		assert_string_equal(x.events[i].summary, "");
		if (strcmp(x.events[i].uid, "p1@seuil") == 0)
			assert_string_equal(x.events[i].organizer, "camille.martin@scop-btp.example");
		else
			assert_string_equal(x.events[i].tenant, "scop-btp");
	}
	ical_expansion_release(&x);
}

static void test_ical_expand__daylight_saving(void **unused)
{
	/* a weekly 10:00 meeting stays at 10:00 in Paris: 09:00Z, 08:00Z after 29 March, 09:00Z after 25 October */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:dst@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Europe/Paris:20260316T100000\r\n"
				      "DTEND;TZID=Europe/Paris:20260316T110000\r\n"
				      "RRULE:FREQ=WEEKLY;BYDAY=MO\r\nSUMMARY:Réunion d'équipe\r\nEND:VEVENT\r\n");
	static const char *const spring[] = {
		"2026-03-16T09:00:00Z 2026-03-16T10:00:00Z rid=2026-03-16T09:00:00Z Réunion d'équipe",
		"2026-03-23T09:00:00Z 2026-03-23T10:00:00Z rid=2026-03-23T09:00:00Z Réunion d'équipe",
		"2026-03-30T08:00:00Z 2026-03-30T09:00:00Z rid=2026-03-30T08:00:00Z Réunion d'équipe",
		"2026-04-06T08:00:00Z 2026-04-06T09:00:00Z rid=2026-04-06T08:00:00Z Réunion d'équipe",
		NULL,
	};
	static const char *const autumn[] = {
		"2026-10-12T08:00:00Z 2026-10-12T09:00:00Z rid=2026-10-12T08:00:00Z Réunion d'équipe",
		"2026-10-19T08:00:00Z 2026-10-19T09:00:00Z rid=2026-10-19T08:00:00Z Réunion d'équipe",
		"2026-10-26T09:00:00Z 2026-10-26T10:00:00Z rid=2026-10-26T09:00:00Z Réunion d'équipe",
		"2026-11-02T09:00:00Z 2026-11-02T10:00:00Z rid=2026-11-02T09:00:00Z Réunion d'équipe",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-03-10T00:00:00Z", "2026-04-10T00:00:00Z", spring);
	expect(ics, "2026-10-10T00:00:00Z", "2026-11-05T00:00:00Z", autumn);
}

static void test_ical_expand__several_uids_one_unreadable(void **unused)
{
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:ok@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260107T090000Z\r\nDTEND:20260107T100000Z\r\nSUMMARY:A\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:bad@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART;TZID=Mars/Olympus:20260107T090000\r\nSUMMARY:B\r\nEND:VEVENT\r\n"
				      "BEGIN:VEVENT\r\nUID:ok2@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260106T090000Z\r\nDTEND:20260106T100000Z\r\nSUMMARY:C\r\nEND:VEVENT\r\n");
	struct ical_expansion x;
	char err[256] = "";

	(void)unused;
	assert_int_equal(ical_expand(ics, strlen(ics), paris, at("2026-01-01T00:00:00Z"), at("2026-12-31T00:00:00Z"),
				     &x, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(x.nocc, 2);
	assert_string_equal(x.events[x.occ[0].event].uid, "ok2@seuil");
	assert_string_equal(x.events[x.occ[1].event].uid, "ok@seuil");
	assert_string_equal(x.uid, "ok@seuil");
	assert_int_equal(x.skipped, 1);
	assert_non_null(strstr(x.skipped_why, "Mars/Olympus"));
	ical_expansion_release(&x);
}

static void test_ical_expand__malformed(void **unused)
{
	static const char *const bad[] = {
		"",
		"hello",
		"BEGIN:VCALENDAR\r\n",
		"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260107T090000Z\r\nEND:VEVENT\r\n",
		CAL("BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:no start\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261307T090000Z\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260107T090000Z\r\nRRULE:FREQ=WEEKLY;INTERVAL=0\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260107T090000Z\r\nRRULE:FREQ=FORTNIGHTLY\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Nowhere:20260107T090000\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:00010107T090000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"),
	};
	char err[256];

	(void)unused;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(refused(bad[i], err, sizeof(err)), SEUIL_ERR_INVALID);
	}
	/* binary data and text that stops at a NUL */
	{
		struct ical_expansion x;
		err[0] = '\0';
		assert_int_equal(ical_expand("BEGIN:VCALENDAR\0", 16, paris, 0, 1, &x, err, sizeof(err)),
				 SEUIL_ERR_INVALID);
	}
}

static void test_ical_expand__absurd_inputs_refused_quickly(void **unused)
{
	static const char *const absurd[] = {
		/* every second for 90 days */
		CAL("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"),
		CAL("BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY;COUNT=100000\r\n"
		    "END:VEVENT\r\n"),
		/* a rule that can never match, walked hour by hour to the year 2582 by libical */
		CAL("BEGIN:VEVENT\r\nUID:h\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30\r\n"
		    "END:VEVENT\r\n"),
		/* every minute of every day: more than 5000 in the window */
		CAL("BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,"
		    "9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,10,20,30,40,50\r\nEND:VEVENT\r\n"),
		/* daily since 1900: too many steps before the window */
		CAL("BEGIN:VEVENT\r\nUID:o\r\nDTSTART:19000101T090000Z\r\nRRULE:FREQ=DAILY;BYHOUR=8,9,10,11,12,13\r\n"
		    "END:VEVENT\r\n"),
	};
	char err[256];
	struct ical_expansion x;
	char *big;

	(void)unused;
	for (size_t i = 0; i < sizeof(absurd) / sizeof(absurd[0]); i++) {
		clock_t t0 = clock();
		err[0] = '\0';
		refused(absurd[i], err, sizeof(err));
		if ((double)(clock() - t0) / CLOCKS_PER_SEC > 2.0)
			fail_msg("case %zu took %.1f s", i, (double)(clock() - t0) / CLOCKS_PER_SEC);
	}
	big = malloc(ICAL_EXPAND_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'A', ICAL_EXPAND_MAX_BYTES + 1);
	big[ICAL_EXPAND_MAX_BYTES + 1] = '\0';
	err[0] = '\0';
	assert_int_equal(ical_expand(big, ICAL_EXPAND_MAX_BYTES + 1, paris, 0, 1, &x, err, sizeof(err)),
			 SEUIL_ERR_TOO_LARGE);
	free(big);
}

static void test_ical_expand__text_is_cleaned(void **unused)
{
	/* an invalid UTF-8 byte and a control character in a title */
	static const char ics[] = CAL("BEGIN:VEVENT\r\nUID:u1@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				      "DTSTART:20260107T090000Z\r\nSUMMARY:Caf\xe9\x01 cr\xc3\xa8me\r\nEND:VEVENT\r\n");
	static const char *const want[] = {
		"2026-01-07T09:00:00Z 2026-01-07T09:00:00Z rid= Caf?  crème",
		NULL,
	};

	(void)unused;
	expect(ics, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", want);
}

static int setup(void **unused)
{
	char err[256] = "";

	(void)unused;
	return tz_load("Europe/Paris", &paris, err, sizeof(err)) == SEUIL_OK ? 0 : -1;
}

static int teardown(void **unused)
{
	(void)unused;
	tz_free(paris);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ical_expand__weekly_count),
		cmocka_unit_test(test_ical_expand__daily_until),
		cmocka_unit_test(test_ical_expand__exdate),
		cmocka_unit_test(test_ical_expand__rdate),
		cmocka_unit_test(test_ical_expand__moved_override),
		cmocka_unit_test(test_ical_expand__cancelled_override),
		cmocka_unit_test(test_ical_expand__all_day),
		cmocka_unit_test(test_ical_expand__floating),
		cmocka_unit_test(test_ical_expand__new_york),
		cmocka_unit_test(test_ical_expand__cancelled_event),
		cmocka_unit_test(test_ical_expand__private),
		cmocka_unit_test(test_ical_expand__daylight_saving),
		cmocka_unit_test(test_ical_expand__several_uids_one_unreadable),
		cmocka_unit_test(test_ical_expand__malformed),
		cmocka_unit_test(test_ical_expand__absurd_inputs_refused_quickly),
		cmocka_unit_test(test_ical_expand__text_is_cleaned),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
