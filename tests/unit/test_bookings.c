/*
 * test_bookings.c - the rooms' calendars in the store: a full replace with
 * its token, a delta (changed, deleted, new token), a delta that fails half
 * way changing nothing (token included), unreadable items skipped and
 * named, the daily re-expansion moving the window, the list's order and
 * filters, private titles never stored, the organiser's tenant, the rooms
 * walk.  Expected occurrences are written by hand (Europe/Paris: UTC+1 in
 * winter).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bookings.h"
#include "civil.h"
#include "directory.h"
#include "err.h"
#include "store.h"
#include "store_int.h"

static const char dir_json[] =
	"{\"site\": {\"name\": \"Pôle\", \"timezone\": \"Europe/Paris\"},"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée\"}],"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\"}, {\"id\": \"asso-velo\", \"name\": \"Vélo\"}],"
	" \"people\": [{\"id\": \"p-camille\", \"name\": \"Camille\", \"tenant\": \"scop-btp\","
	"               \"email\": \"Camille@Scop-BTP.example\"},"
	"   {\"id\": \"p-a\", \"name\": \"A\", \"tenant\": \"scop-btp\", \"email\": \"shared@example.org\"},"
	"   {\"id\": \"p-b\", \"name\": \"B\", \"tenant\": \"asso-velo\", \"email\": \"shared@example.org\"}],"
	" \"rooms\": [{\"id\": \"navale\", \"name\": \"Salle Navale\", \"calendar\": \"https://dav.example/navale/\"},"
	"   {\"id\": \"estuaire\", \"name\": \"Salle Estuaire\", \"calendar\": \"https://dav.example/e.ics\","
	"    \"feed\": \"ics\"},"
	"   {\"id\": \"atelier\", \"name\": \"Atelier\"}]}";

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil//test//FR\r\n" body "END:VCALENDAR\r\n"

/* Monday 5 January 2026, 10:00 Paris, weekly, no end */
static const char weekly[] = CAL("BEGIN:VEVENT\r\nUID:weekly@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				 "DTSTART;TZID=Europe/Paris:20260105T100000\r\nDURATION:PT1H\r\n"
				 "RRULE:FREQ=WEEKLY\r\nSUMMARY:Point hebdo\r\n"
				 "ORGANIZER:mailto:camille@scop-btp.example\r\nEND:VEVENT\r\n");
static const char single[] = CAL("BEGIN:VEVENT\r\nUID:single@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				 "DTSTART:20260107T130000Z\r\nDTEND:20260107T150000Z\r\nSUMMARY:AG Vélo\r\n"
				 "X-SEUIL-TENANT:asso-velo\r\nEND:VEVENT\r\n");
static const char secret[] = CAL("BEGIN:VEVENT\r\nUID:secret@seuil\r\nDTSTAMP:20251201T000000Z\r\n"
				 "DTSTART:20260107T090000Z\r\nDTEND:20260107T100000Z\r\nCLASS:PRIVATE\r\n"
				 "SUMMARY:Entretien confidentiel\r\nORGANIZER:mailto:shared@example.org\r\nEND:VEVENT\r\n");

static struct store *st;

static int64_t at(const char *iso)
{
	int64_t s;
	bool has_offset;

	assert_true(civil_parse_instant(iso, &s, &has_offset));
	return s;
}

struct collected {
	char lines[64][384];
	size_t n;
};

static int collect(const struct booking_occurrence *o, void *ctx)
{
	struct collected *c = ctx;
	char s[21], e[21];

	assert_true(c->n < 64);
	civil_format_instant(o->start_s, s);
	civil_format_instant(o->end_s, e);
	snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%s %s %s %s rid=%s tenant=%s%s%s %s", o->room, s, e, o->uid,
		 o->recurrence_id, o->organizer_tenant, o->all_day ? " all-day" : "", o->private_ ? " private" : "",
		 o->summary);
	return 0;
}

static void expect_list(const char *room, const char *from, const char *to, const char *const *want)
{
	struct collected c = { .n = 0 };
	char err[256] = "";
	size_t n = 0;

	assert_int_equal(bookings_list(st, room, at(from), at(to), collect, &c, err, sizeof(err)), SEUIL_OK);
	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < c.n || i < n; i++) {
		if (i >= c.n || i >= n || strcmp(c.lines[i], want[i]) != 0)
			fail_msg("line %zu: got \"%s\", wanted \"%s\"", i, i < c.n ? c.lines[i] : "(nothing)",
				 i < n ? want[i] : "(nothing)");
	}
}

static void room_token(const char *room, char *token, size_t len)
{
	static const char sql[] = "SELECT coalesce(sync_token, '') FROM rooms WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, NULL, 0);

	assert_non_null(stmt);
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	store_column_copy(stmt, 0, token, len);
	sqlite3_reset(stmt);
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	char err[256] = "";

	assert_int_equal(store_count(st, sql, "counting", &n, err, sizeof(err)), SEUIL_OK);
	return n;
}

static int setup(void **unused)
{
	char err[256] = "";

	(void)unused;
	if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, dir_json, strlen(dir_json), 0, NULL, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	store_free(st);
	st = NULL;
	return 0;
}

/* now: Thursday 8 January 2026; the window runs from 1 January to 8 April */
#define NOW "2026-01-08T12:00:00Z"

static void replace_navale(void)
{
	const struct booking_item items[] = {
		{ "/navale/weekly.ics", "\"e1\"", weekly },
		{ "/navale/single.ics", "\"e2\"", single },
		{ "/navale/secret.ics", NULL, secret },
	};
	struct room_calendar state = { .sync_token = "http://dav.example/sync/1" };
	size_t skipped = 99;
	char err[256] = "";

	assert_int_equal(bookings_replace(st, "navale", items, 3, &state, at(NOW), &skipped, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(skipped, 0);
	assert_string_equal(err, "");
}

static void test_bookings__replace_and_list(void **unused)
{
	static const char *const want[] = {
		"navale 2026-01-05T09:00:00Z 2026-01-05T10:00:00Z weekly@seuil rid=2026-01-05T09:00:00Z "
		"tenant=scop-btp Point hebdo",
		/* private: no title; shared@ belongs to two tenants, so no organisation */
		"navale 2026-01-07T09:00:00Z 2026-01-07T10:00:00Z secret@seuil rid= tenant= private ",
		"navale 2026-01-07T13:00:00Z 2026-01-07T15:00:00Z single@seuil rid= tenant=asso-velo AG Vélo",
		"navale 2026-01-12T09:00:00Z 2026-01-12T10:00:00Z weekly@seuil rid=2026-01-12T09:00:00Z "
		"tenant=scop-btp Point hebdo",
		NULL,
	};
	char token[128];

	(void)unused;
	replace_navale();
	expect_list("navale", "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z", want);
	expect_list(NULL, "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z", want);
	room_token("navale", token, sizeof(token));
	assert_string_equal(token, "http://dav.example/sync/1");
	/* the window: 1 January to 8 April, weekly on Mondays: 5 Jan ... 6 Apr = 14 */
	assert_int_equal(count("SELECT count(*) FROM occurrences WHERE uid = 'weekly@seuil'"), 14);
	/* the private title is nowhere in the occurrences */
	assert_int_equal(count("SELECT count(*) FROM occurrences WHERE summary LIKE '%confidentiel%'"), 0);
	assert_int_equal(count("SELECT count(*) FROM bookings WHERE room_id = 'navale'"), 3);
	assert_int_equal(count("SELECT count(*) FROM bookings WHERE organizer_tenant_id = 'scop-btp'"), 1);
	/* a second replace with one item leaves exactly that item */
	{
		const struct booking_item one[] = { { "/navale/single.ics", NULL, single } };
		char err[256] = "";
		assert_int_equal(bookings_replace(st, "navale", one, 1, NULL, at(NOW), NULL, err, sizeof(err)),
				 SEUIL_OK);
		assert_int_equal(count("SELECT count(*) FROM occurrences"), 1);
		room_token("navale", token, sizeof(token));
		assert_string_equal(token, "");
	}
}

static void test_bookings__delta(void **unused)
{
	static const char moved[] = CAL("BEGIN:VEVENT\r\nUID:single@seuil\r\nDTSTAMP:20251202T000000Z\r\n"
					"DTSTART:20260109T130000Z\r\nDTEND:20260109T140000Z\r\nSUMMARY:AG Vélo\r\n"
					"X-SEUIL-TENANT:asso-velo\r\nEND:VEVENT\r\n");
	const struct booking_item changed[] = { { "/navale/single.ics", "\"e3\"", moved } };
	const char *const deleted[] = { "/navale/weekly.ics", "/navale/never-there.ics" };
	static const char *const want[] = {
		"navale 2026-01-07T09:00:00Z 2026-01-07T10:00:00Z secret@seuil rid= tenant= private ",
		"navale 2026-01-09T13:00:00Z 2026-01-09T14:00:00Z single@seuil rid= tenant=asso-velo AG Vélo",
		NULL,
	};
	size_t skipped = 99;
	char err[256] = "", token[128];

	(void)unused;
	replace_navale();
	assert_int_equal(bookings_apply_delta(st, "navale", changed, 1, deleted, 2, "http://dav.example/sync/2",
					      at(NOW), &skipped, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(skipped, 0);
	expect_list("navale", "2026-01-01T00:00:00Z", "2026-04-09T00:00:00Z", want);
	room_token("navale", token, sizeof(token));
	assert_string_equal(token, "http://dav.example/sync/2");
	assert_int_equal(count("SELECT count(*) FROM bookings WHERE etag = '\"e3\"'"), 1);
	/* a delta with no token leaves the token */
	assert_int_equal(bookings_apply_delta(st, "navale", NULL, 0, NULL, 0, NULL, at(NOW), NULL, err, sizeof(err)),
			 SEUIL_OK);
	room_token("navale", token, sizeof(token));
	assert_string_equal(token, "http://dav.example/sync/2");
	/* an unknown room */
	err[0] = '\0';
	assert_int_equal(bookings_apply_delta(st, "cave", changed, 1, NULL, 0, "t", at(NOW), NULL, err, sizeof(err)),
			 SEUIL_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "cave"));
}

static void test_bookings__failed_delta_changes_nothing(void **unused)
{
	static const char boom[] = CAL("BEGIN:VEVENT\r\nUID:boom@seuil\r\nDTSTAMP:20251202T000000Z\r\n"
				       "DTSTART:20260109T130000Z\r\nSUMMARY:boom\r\nEND:VEVENT\r\n");
	const struct booking_item changed[] = { { "/navale/single.ics", NULL, single },
						{ "/navale/boom.ics", NULL, boom } };
	const char *const deleted[] = { "/navale/weekly.ics" };
	int64_t occ_before, items_before;
	char err[256] = "", token[128];

	(void)unused;
	replace_navale();
	occ_before = count("SELECT count(*) FROM occurrences");
	items_before = count("SELECT count(*) FROM bookings");
	/* the second item's occurrences cannot be written: the whole delta, token included, is undone */
	assert_int_equal(sqlite3_exec(st->db,
				      "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.occurrences"
				      " WHEN new.summary = 'boom' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_not_equal(bookings_apply_delta(st, "navale", changed, 2, deleted, 1, "http://dav.example/sync/9",
						  at(NOW), NULL, err, sizeof(err)),
			     SEUIL_OK);
	assert_non_null(strstr(err, "disk on fire"));
	sqlite3_exec(st->db, "DROP TRIGGER refuse", NULL, NULL, NULL);
	room_token("navale", token, sizeof(token));
	assert_string_equal(token, "http://dav.example/sync/1");
	assert_int_equal(count("SELECT count(*) FROM occurrences"), occ_before);
	assert_int_equal(count("SELECT count(*) FROM bookings"), items_before);
	assert_int_equal(count("SELECT count(*) FROM bookings WHERE href = '/navale/weekly.ics'"), 1);
}

static void test_bookings__unreadable_item_skipped(void **unused)
{
	const struct booking_item items[] = {
		{ "/navale/broken.ics", NULL, "BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n" },
		{ "/navale/single.ics", NULL, single },
		{ "", NULL, single },
	};
	size_t skipped = 0;
	char err[256] = "";

	(void)unused;
	assert_int_equal(bookings_replace(st, "navale", items, 3, NULL, at(NOW), &skipped, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(skipped, 2);
	assert_non_null(strstr(err, "/navale/broken.ics")); /* named, for seuil-sync to log */
	assert_int_equal(count("SELECT count(*) FROM occurrences"), 1);
	/* kept without occurrences, for a later re-expansion */
	assert_int_equal(count("SELECT count(*) FROM bookings WHERE href = '/navale/broken.ics'"), 1);
}

static void test_bookings__reexpand_moves_the_window(void **unused)
{
	static const char *const february[] = {
		"navale 2026-02-02T09:00:00Z 2026-02-02T10:00:00Z weekly@seuil rid=2026-02-02T09:00:00Z "
		"tenant=scop-btp Point hebdo",
		NULL,
	};
	static const char *const none[] = { NULL };
	char err[256] = "";

	(void)unused;
	replace_navale();
	/* a month later: the window is 1 February to 8 May */
	assert_int_equal(bookings_reexpand(st, at("2026-02-08T12:00:00Z"), err, sizeof(err)), SEUIL_OK);
	expect_list("navale", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", none);
	expect_list("navale", "2026-02-01T00:00:00Z", "2026-02-03T00:00:00Z", february);
	/* 2 Feb ... 4 May, Mondays: 14 */
	assert_int_equal(count("SELECT count(*) FROM occurrences WHERE uid = 'weekly@seuil'"), 14);
	assert_int_equal(count("SELECT count(*) FROM occurrences WHERE start_s >= 1778112000"), 0); /* 7 May */
	/* organisers are resolved again: the person moved to another tenant */
	assert_int_equal(sqlite3_exec(st->db, "UPDATE people SET tenant_id = 'asso-velo' WHERE id = 'p-camille'", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(bookings_reexpand(st, at("2026-02-08T12:00:00Z"), err, sizeof(err)), SEUIL_OK);
	assert_int_equal(
		count("SELECT count(*) FROM occurrences WHERE uid = 'weekly@seuil' AND organizer_tenant_id = 'asso-velo'"),
		14);
}

struct walk {
	char ids[4][64];
	char feeds[4][8];
	char tokens[4][64];
	int64_t synced[4];
	int n;
};

static int walk_room(const struct room_calendar *r, void *ctx)
{
	struct walk *w = ctx;

	snprintf(w->ids[w->n], sizeof(w->ids[0]), "%s", r->id);
	snprintf(w->feeds[w->n], sizeof(w->feeds[0]), "%s", r->feed);
	snprintf(w->tokens[w->n], sizeof(w->tokens[0]), "%s", r->sync_token);
	w->synced[w->n] = r->synced_ms;
	w->n++;
	return 0;
}

static void test_bookings__rooms_walk_and_touch(void **unused)
{
	struct room_calendar feed = { .etag = "\"f1\"", .last_modified = "Thu, 08 Jan 2026 10:00:00 GMT",
				      .refresh_s = 3600 };
	const struct booking_item items[] = { { "https://dav.example/e.ics", NULL, single } };
	struct walk w = { .n = 0 };
	char err[256] = "";

	(void)unused;
	replace_navale();
	assert_int_equal(bookings_replace(st, "estuaire", items, 1, &feed, at(NOW), NULL, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(bookings_touch(st, "estuaire", at(NOW) * 1000 + 60000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(bookings_rooms(st, walk_room, &w, err, sizeof(err)), SEUIL_OK);
	/* atelier has no calendar */
	assert_int_equal(w.n, 2);
	assert_string_equal(w.ids[0], "estuaire");
	assert_string_equal(w.feeds[0], "ics");
	assert_int_equal(w.synced[0], at(NOW) * 1000 + 60000);
	assert_string_equal(w.ids[1], "navale");
	assert_string_equal(w.feeds[1], "caldav");
	assert_string_equal(w.tokens[1], "http://dav.example/sync/1");
	assert_int_equal(w.synced[1], at(NOW) * 1000);
	assert_int_equal(count("SELECT count(*) FROM rooms WHERE id = 'estuaire' AND etag = '\"f1\"'"
			       " AND refresh_s = 3600 AND last_modified LIKE 'Thu%'"),
			 1);
	/* by room and window */
	{
		static const char *const want[] = {
			"estuaire 2026-01-07T13:00:00Z 2026-01-07T15:00:00Z single@seuil rid= tenant=asso-velo AG Vélo",
			NULL,
		};
		expect_list("estuaire", "2026-01-07T14:59:00Z", "2026-01-08T00:00:00Z", want);
		expect_list("estuaire", "2026-01-07T15:00:00Z", "2026-01-08T00:00:00Z", (const char *const[]){ NULL });
	}
	err[0] = '\0';
	assert_int_equal(bookings_touch(st, "cave", 0, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bookings__replace_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookings__delta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookings__failed_delta_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookings__unreadable_item_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookings__reexpand_moves_the_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookings__rooms_walk_and_touch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
