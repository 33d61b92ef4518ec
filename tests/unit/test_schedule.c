/*
 * test_schedule.c - the schedules of the rights engine: windows and their
 * edges, windows across midnight, both daylight-saving changes of 2026 and
 * 2027 in Europe/Paris, every French public holiday of 2027, closures, and
 * which refusal explains most.
 */
#include "rights_fixture.h"

static void test_schedule__window_edges(void **state)
{
	struct fixture *f = *state;

	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T05:59:59Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T06:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T18:59:59Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T19:00:00Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-28T08:00:00Z", "granted");          /* sat 09:00 */
	EXPECT(f->st, CAMILLE, "entree", "2026-11-28T12:00:00Z", "outside_schedule"); /* sat 13:00 */
	EXPECT(f->st, CAMILLE, "entree", "2026-11-29T10:00:00Z", "outside_schedule"); /* sunday */
}

/* fri 22:00-02:00 belongs to Friday: open Saturday 01:00, not Sunday or Friday 01:00 */
static void test_schedule__window_across_midnight(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'people':[{'id':'p-eve','name':'Eve','profiles':['evenement']}],"
			"'credentials':[{'uid':'E1E2E3E4','person':'p-eve'}]}");
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-27T20:59:59Z", "outside_schedule"); /* fri 21:59:59 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-27T21:00:00Z", "granted");          /* fri 22:00 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-27T22:59:59Z", "granted");          /* fri 23:59:59 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-27T23:00:00Z", "granted");          /* sat 00:00 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-28T00:00:00Z", "granted");          /* sat 01:00 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-28T00:59:59Z", "granted");          /* sat 01:59:59 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-28T01:00:00Z", "outside_schedule"); /* sat 02:00 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-28T21:30:00Z", "outside_schedule"); /* sat 22:30 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-29T00:00:00Z", "outside_schedule"); /* sun 01:00 */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-27T00:00:00Z", "outside_schedule"); /* fri 01:00 */
}

/* "to": "00:00" runs to midnight and not past it */
static void test_schedule__window_until_midnight(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'schedules':[{'id':'tard','holidays':'open','windows':[{'days':'mon','from':'20:00','to':'00:00'}]}],"
			"'profiles':[{'id':'tard','doors':['entree'],'schedule':'tard'}],"
			"'people':[{'id':'p-tard','name':'Tard','profiles':['tard']}],"
			"'credentials':[{'uid':'E1E2E3E5','person':'p-tard'}]}");
	EXPECT(f->st, "E1E2E3E5", "entree", "2026-11-30T18:59:59Z", "outside_schedule"); /* mon 19:59:59 */
	EXPECT(f->st, "E1E2E3E5", "entree", "2026-11-30T19:00:00Z", "granted");
	EXPECT(f->st, "E1E2E3E5", "entree", "2026-11-30T22:59:59Z", "granted");          /* mon 23:59:59 */
	EXPECT(f->st, "E1E2E3E5", "entree", "2026-11-30T23:00:00Z", "outside_schedule"); /* tue 00:00 */
	EXPECT(f->st, "E1E2E3E5", "entree", "2026-11-24T00:30:00Z", "outside_schedule"); /* tue 01:30 */
}

/* one profile that opens is enough, even when another says closed_day */
static void test_schedule__granted_beats_closed_day(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'people':[{'id':'p-g','name':'G','profiles':['jours-ouvres','partout']}],"
			"'credentials':[{'uid':'A1A2A3B1','person':'p-g'}]}");
	EXPECT(f->st, "A1A2A3B1", "entree", "2026-12-25T10:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-12-25T10:00:00Z", "closed_day");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T21:30:00Z", "granted"); /* evenement, not resident */
}

static void test_schedule__schedule_without_windows(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'schedules':[{'id':'jamais','holidays':'open','windows':[]}],"
			"'profiles':[{'id':'jamais','doors':['entree'],'schedule':'jamais'}],"
			"'people':[{'id':'p-j','name':'J','profiles':['jamais']}],"
			"'credentials':[{'uid':'A1A2A3B2','person':'p-j'}]}");
	EXPECT(f->st, "A1A2A3B2", "entree", "2026-11-27T08:00:00Z", "outside_schedule");
	EXPECT(f->st, "A1A2A3B2", "atelier", "2026-11-27T08:00:00Z", "no_right_for_door");
}

/* --- daylight saving ------------------------------------------------------ */

/* 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00Z */
static void test_schedule__dst_spring_2026_edges(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'schedules':[{'id':'nuit','holidays':'open','windows':[{'days':'sun','from':'01:00','to':'03:00'}]},"
			"{'id':'matin','holidays':'open','windows':[{'days':'sun','from':'03:00','to':'05:00'}]}],"
			"'profiles':[{'id':'nuit','doors':['entree'],'schedule':'nuit'},"
			"{'id':'matin','doors':['atelier'],'schedule':'matin'}],"
			"'people':[{'id':'p-n','name':'N','profiles':['nuit','matin']}],"
			"'credentials':[{'uid':'A1A2A3A4','person':'p-n'}]}");
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-28T23:59:59Z", "outside_schedule"); /* 00:59:59 CET */
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-29T00:00:00Z", "granted");          /* 01:00 CET */
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-29T00:30:00Z", "granted");          /* 01:30 CET */
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-29T00:59:59Z", "granted");          /* 01:59:59 CET */
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-29T01:00:00Z", "outside_schedule"); /* 03:00 CEST */
	EXPECT(f->st, "A1A2A3A4", "entree", "2026-03-29T01:30:00Z", "outside_schedule"); /* 03:30 CEST */
	EXPECT(f->st, "A1A2A3A4", "atelier", "2026-03-29T00:59:59Z", "outside_schedule");
	EXPECT(f->st, "A1A2A3A4", "atelier", "2026-03-29T01:00:00Z", "granted");
	EXPECT(f->st, "A1A2A3A4", "atelier", "2026-03-29T01:30:00Z", "granted");
	EXPECT(f->st, "A1A2A3A4", "atelier", "2026-03-29T02:59:59Z", "granted");         /* 04:59:59 CEST */
	EXPECT(f->st, "A1A2A3A4", "atelier", "2026-03-29T03:00:00Z", "outside_schedule");
}

/* 07:00-20:00 on the days around both changes of 2026 */
static void test_schedule__dst_2026_working_days(void **state)
{
	struct fixture *f = *state;

	EXPECT(f->st, CAMILLE, "entree", "2026-03-27T05:59:59Z", "outside_schedule"); /* fri, CET */
	EXPECT(f->st, CAMILLE, "entree", "2026-03-27T06:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-03-27T18:59:59Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-03-27T19:00:00Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-03-30T04:59:59Z", "outside_schedule"); /* mon, CEST */
	EXPECT(f->st, CAMILLE, "entree", "2026-03-30T05:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-03-30T17:59:59Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-03-30T18:00:00Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-23T04:59:59Z", "outside_schedule"); /* fri, CEST */
	EXPECT(f->st, CAMILLE, "entree", "2026-10-23T05:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T05:00:00Z", "outside_schedule"); /* mon, CET 06:00 */
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T05:59:59Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T06:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T18:59:59Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T19:00:00Z", "outside_schedule");
}

/* 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00-03:00 happens twice */
static void test_schedule__dst_autumn_2026_repeated_hour(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'schedules':[{'id':'deux','holidays':'open','windows':[{'days':'sun','from':'02:00','to':'03:00'}]}],"
			"'profiles':[{'id':'deux','doors':['velos'],'schedule':'deux'}],"
			"'people':[{'id':'p-d','name':'D','profiles':['deux']}],"
			"'credentials':[{'uid':'A1A2A3A5','person':'p-d'}]}");
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-24T23:59:59Z", "outside_schedule"); /* 01:59:59 CEST */
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T00:00:00Z", "granted");          /* 02:00 CEST */
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T00:30:00Z", "granted");          /* 02:30 CEST */
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T01:00:00Z", "granted");          /* 02:00 CET */
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T01:30:00Z", "granted");          /* 02:30 CET */
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T01:59:59Z", "granted");
	EXPECT(f->st, "A1A2A3A5", "velos", "2026-10-25T02:00:00Z", "outside_schedule"); /* 03:00 CET */
}

/* 2027: 28 March (Easter Sunday) and 31 October; the Mondays after are holidays */
static void test_schedule__dst_2027(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'schedules':[{'id':'nuit','holidays':'open','windows':[{'days':'sun','from':'01:00','to':'03:00'}]},"
			"{'id':'deux','holidays':'open','windows':[{'days':'sun','from':'02:00','to':'03:00'}]}],"
			"'profiles':[{'id':'nuit','doors':['entree'],'schedule':'nuit'},"
			"{'id':'deux','doors':['velos'],'schedule':'deux'}],"
			"'people':[{'id':'p-n','name':'N','profiles':['nuit','deux']}],"
			"'credentials':[{'uid':'A1A2A3A6','person':'p-n'}]}");
	EXPECT(f->st, "A1A2A3A6", "entree", "2027-03-28T00:59:59Z", "granted");          /* 01:59:59 CET */
	EXPECT(f->st, "A1A2A3A6", "entree", "2027-03-28T01:00:00Z", "outside_schedule"); /* 03:00 CEST */
	EXPECT(f->st, "A1A2A3A6", "velos", "2027-03-28T00:30:00Z", "outside_schedule");  /* 01:30 CET */
	EXPECT(f->st, "A1A2A3A6", "velos", "2027-10-31T00:30:00Z", "granted");           /* 02:30 CEST */
	EXPECT(f->st, "A1A2A3A6", "velos", "2027-10-31T01:30:00Z", "granted");           /* 02:30 CET */
	EXPECT(f->st, "A1A2A3A6", "velos", "2027-10-31T02:00:00Z", "outside_schedule");  /* 03:00 CET */
	EXPECT(f->st, CAMILLE, "entree", "2027-03-29T07:00:00Z", "closed_day");          /* Easter Monday */
	EXPECT(f->st, CAMILLE, "entree", "2027-03-30T04:59:59Z", "outside_schedule");    /* tue 06:59:59 CEST */
	EXPECT(f->st, CAMILLE, "entree", "2027-03-30T05:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2027-11-01T09:00:00Z", "closed_day");          /* Toussaint */
	EXPECT(f->st, CAMILLE, "entree", "2027-11-02T05:59:59Z", "outside_schedule");    /* tue 06:59:59 CET */
	EXPECT(f->st, CAMILLE, "entree", "2027-11-02T06:00:00Z", "granted");
}

/* --- holidays and closures -------------------------------------------------- */

static const char *const holidays_2027[] = {
	"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
	"2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
};

/* every French public holiday of 2027 closes a holidays-closed schedule open every day */
static void test_schedule__holidays_2027_closed(void **state)
{
	struct fixture *f = *state;
	char at[32];

	import_q(f->st, "{'people':[{'id':'p-o','name':'O','profiles':['jours-ouvres']}],"
			"'credentials':[{'uid':'0102030405060708090A','person':'p-o'}]}");
	for (size_t i = 0; i < sizeof(holidays_2027) / sizeof(holidays_2027[0]); i++) {
		struct access_decision d;
		snprintf(at, sizeof(at), "%sT10:00:00Z", holidays_2027[i]);
		EXPECT(f->st, "0102030405060708090A", "entree", at, "closed_day");
		decide(f->st, "0102030405060708090A", "entree", ms(at), &d);
		if (d.detail[0] == '\0')
			fail_msg("%s: closed_day without the holiday's name", at);
		snprintf(at, sizeof(at), "%sT00:30:00+01:00", holidays_2027[i]); /* just after midnight */
		EXPECT(f->st, "0102030405060708090A", "entree", at, "closed_day");
	}
	/* the same days with holidays "open": granted */
	import_q(f->st, "{'people':[{'id':'p-t','name':'T','profiles':['partout']}],"
			"'credentials':[{'uid':'0102030405060708090B','person':'p-t'}]}");
	for (size_t i = 0; i < sizeof(holidays_2027) / sizeof(holidays_2027[0]); i++) {
		snprintf(at, sizeof(at), "%sT10:00:00Z", holidays_2027[i]);
		EXPECT(f->st, "0102030405060708090B", "entree", at, "granted");
	}
}

static void test_schedule__non_holidays_2027_open(void **state)
{
	static const char *const ordinary[] = { "2027-03-28T10:00:00Z", /* Easter Sunday */
						"2027-03-26T10:00:00Z", /* Good Friday */
						"2027-05-16T10:00:00Z", /* Whit Sunday */
						"2027-05-07T10:00:00Z", "2027-12-26T10:00:00Z",
						"2027-01-02T10:00:00Z", "2027-07-13T21:59:59Z" };
	struct fixture *f = *state;

	import_q(f->st, "{'people':[{'id':'p-o','name':'O','profiles':['jours-ouvres']}],"
			"'credentials':[{'uid':'0102030405060708090A','person':'p-o'}]}");
	for (size_t i = 0; i < sizeof(ordinary) / sizeof(ordinary[0]); i++)
		EXPECT(f->st, "0102030405060708090A", "entree", ordinary[i], "granted");
}

/* a window across midnight is judged on the day it starts (14 July 2027 is a Wednesday) */
static void test_schedule__holiday_judged_on_window_start(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	import_q(f->st, "{'schedules':[{'id':'veille','holidays':'closed','windows':[{'days':'all','from':'22:00','to':'02:00'}]}],"
			"'profiles':[{'id':'veille','doors':['entree'],'schedule':'veille'}],"
			"'people':[{'id':'p-v','name':'V','profiles':['veille']}],"
			"'credentials':[{'uid':'A1A2A3A7','person':'p-v'}]}");
	EXPECT(f->st, "A1A2A3A7", "entree", "2027-07-13T21:00:00Z", "granted");    /* tue 13th 23:00 */
	EXPECT(f->st, "A1A2A3A7", "entree", "2027-07-13T23:00:00Z", "granted");    /* 14th 01:00, from the 13th */
	EXPECT(f->st, "A1A2A3A7", "entree", "2027-07-14T21:00:00Z", "closed_day"); /* 14th 23:00 */
	EXPECT(f->st, "A1A2A3A7", "entree", "2027-07-14T23:00:00Z", "closed_day"); /* 15th 01:00, from the 14th */
	decide(f->st, "A1A2A3A7", "entree", ms("2027-07-14T23:00:00Z"), &d);
	assert_string_equal(d.detail, "Fête nationale");
	EXPECT(f->st, "A1A2A3A7", "entree", "2027-07-15T21:00:00Z", "granted");    /* 15th 23:00 */
}

/* Camille on the closure day: closed_day, though her evenement profile says outside_schedule */
static void test_schedule__closed_day_beats_outside_schedule(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	decide(f->st, CAMILLE, "entree", ms("2026-12-24T08:00:00Z"), &d);
	assert_string_equal(access_reason_code(d.reason), "closed_day");
	assert_false(d.granted);
	assert_int_equal(d.unlock_ms, 0);
	assert_string_equal(d.detail, "Fermeture de fin d'année");
	EXPECT(f->st, CAMILLE, "entree", "2026-12-25T10:00:00Z", "closed_day"); /* Noël, a Friday */
	EXPECT(f->st, CAMILLE, "entree", "2026-12-23T10:00:00Z", "granted");
	/* a holidays-open profile ignores the closure */
	import_q(f->st, "{'people':[{'id':'p-t','name':'T','profiles':['partout']}],"
			"'credentials':[{'uid':'A1A2A3A8','person':'p-t'}]}");
	EXPECT(f->st, "A1A2A3A8", "entree", "2026-12-24T08:00:00Z", "granted");
}

/* a closure imported after a decision is seen by the next decision (same handle and another) */
static void test_schedule__closure_added_later(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	char err[256] = "";
	const char *json = "{\"closures\": [{\"date\": \"2026-12-31\", \"name\": \"Inventaire\"}]}";

	EXPECT(f->st, CAMILLE, "entree", "2026-12-30T10:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-12-31T10:00:00Z", "granted");
	assert_int_equal(directory_import_json(f->st, json, strlen(json), 0, NULL, err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", "2026-12-31T10:00:00Z", "closed_day");
	assert_int_equal(store_open(f->path, 0, &other, err, sizeof(err)), SEUIL_OK);
	json = "{\"closures\": [{\"date\": \"2026-12-30\", \"name\": \"Travaux\"}]}";
	assert_int_equal(directory_import_json(other, json, strlen(json), 0, NULL, err, sizeof(err)), SEUIL_OK);
	store_free(other);
	EXPECT(f->st, CAMILLE, "entree", "2026-12-30T10:00:00Z", "closed_day");
}

/* many closure days: 64 fit what decisions keep in memory, more are looked up */
static void test_schedule__many_closures(void **state)
{
	struct fixture *f = *state;
	char json[8192], err[256] = "";
	size_t n = 0;

	for (int phase = 0; phase < 2; phase++) {
		n = (size_t)snprintf(json, 8192, "{\"closures\": [");
		for (int i = phase ? 64 : 0; i < (phase ? 70 : 64); i++) {
			struct civil_date d = civil_from_days(civil_to_days((struct civil_date){ 2027, 2, 1 }) + i);
			n += (size_t)snprintf(json + n, 8192 - n, "%s{\"date\": \"%04d-%02d-%02d\"}",
					      i % 64 ? ", " : "", d.year, d.month, d.day);
		}
		snprintf(json + n, 8192 - n, "]}");
		if (directory_import_json(f->st, json, strlen(json), 0, NULL, err, sizeof(err)) != SEUIL_OK)
			fail_msg("closures refused: %s", err);
		if (phase == 0) {
			EXPECT(f->st, CAMILLE, "entree", "2027-02-01T10:00:00Z", "closed_day");
			EXPECT(f->st, CAMILLE, "entree", "2027-04-05T10:00:00Z", "closed_day"); /* the 64th */
			EXPECT(f->st, CAMILLE, "entree", "2027-04-06T10:00:00Z", "granted");
		}
	}
	EXPECT(f->st, CAMILLE, "entree", "2027-04-06T10:00:00Z", "closed_day"); /* the 65th */
	EXPECT(f->st, CAMILLE, "entree", "2027-04-09T10:00:00Z", "closed_day"); /* the 70th */
	EXPECT(f->st, CAMILLE, "entree", "2027-04-12T10:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2027-02-01T10:00:00Z", "closed_day");
}

/* --- lockdown, throttling ---------------------------------------------------- */


int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_schedule__window_edges),
		T(test_schedule__window_across_midnight),
		T(test_schedule__window_until_midnight),
		T(test_schedule__granted_beats_closed_day),
		T(test_schedule__schedule_without_windows),
		T(test_schedule__dst_spring_2026_edges),
		T(test_schedule__dst_2026_working_days),
		T(test_schedule__dst_autumn_2026_repeated_hour),
		T(test_schedule__dst_2027),
		T(test_schedule__holidays_2027_closed),
		T(test_schedule__non_holidays_2027_open),
		T(test_schedule__holiday_judged_on_window_start),
		T(test_schedule__closed_day_beats_outside_schedule),
		T(test_schedule__closure_added_later),
		T(test_schedule__many_closures),
	};
#undef T

	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
