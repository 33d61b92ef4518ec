/*
 * test_rooms.c - each room's booking now and next for the kiosk's home:
 * busy, free with a next booking, private bookings without their title,
 * cancelled-free rooms, the day's end, rooms by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "directory.h"
#include "err.h"
#include "rooms.h"
#include "store.h"
#include "store_int.h"

static const char dir_json[] =
	"{\"site\": {\"name\": \"Pôle\", \"timezone\": \"Europe/Paris\"},"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée\"}],"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\"}],"
	" \"rooms\": [{\"id\": \"navale\", \"name\": \"Salle Navale\", \"capacity\": 40},"
	"   {\"id\": \"estuaire\", \"name\": \"Salle Estuaire\", \"capacity\": 12},"
	"   {\"id\": \"atelier\", \"name\": \"Atelier\"}]}";

static void add(struct store *st, const char *room, int64_t start, int64_t end, const char *summary, int private_)
{
	static const char sql[] = "INSERT INTO occurrences(room_id, href, uid, start_s, end_s, summary, private,"
				  " organizer_tenant_id) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, 'scop-btp')";
	char err[256] = "";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, sizeof(err));
	char href[64];

	assert_non_null(stmt);
	snprintf(href, sizeof(href), "%s-%lld", room, (long long)start);
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, href, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, start);
	sqlite3_bind_int64(stmt, 4, end);
	sqlite3_bind_text(stmt, 5, summary, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 6, private_);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_reset(stmt);
}

static void test_rooms__now_next_private_and_day_end(void **unused)
{
	struct store *st;
	struct room_day r[4];
	size_t n = 0;
	char err[256] = "";
	const int64_t now = 1795000000, day_end = now + 6 * 3600;

	(void)unused;
	assert_int_equal(store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(directory_import_json(st, dir_json, strlen(dir_json), 0, NULL, err, sizeof(err)), SEUIL_OK);
	add(st, "navale", now - 1800, now + 1800, "AG de la Scop", 0);
	add(st, "navale", now + 3600, now + 7200, "Atelier compta", 0);
	add(st, "navale", now + 9000, now + 9600, "Point", 0);
	add(st, "estuaire", now + 600, now + 1200, "Entretien confidentiel", 1);
	add(st, "estuaire", now - 7200, now - 3600, "Fini", 0);       /* over */
	add(st, "atelier", day_end + 60, day_end + 3600, "Demain", 0); /* tomorrow */

	assert_int_equal(rooms_today(st, now, day_end, r, 4, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 3);
	/* by name */
	assert_string_equal(r[0].name, "Atelier");
	assert_string_equal(r[1].name, "Salle Estuaire");
	assert_string_equal(r[2].name, "Salle Navale");
	/* atelier: free, nothing today */
	assert_false(r[0].busy);
	assert_false(r[0].has_next);
	/* estuaire: free, next is private: no title, the organiser's organisation */
	assert_false(r[1].busy);
	assert_true(r[1].has_next);
	assert_true(r[1].next.private_);
	assert_string_equal(r[1].next.title, "");
	assert_string_equal(r[1].next.organisation, "Scop BTP");
	assert_int_equal(r[1].capacity, 12);
	/* navale: busy until now + 1800, next at now + 3600, one more later */
	assert_true(r[2].busy);
	assert_int_equal(r[2].now.end_s, now + 1800);
	assert_string_equal(r[2].now.title, "AG de la Scop");
	assert_true(r[2].has_next);
	assert_int_equal(r[2].next.start_s, now + 3600);
	assert_int_equal(r[2].later, 1);

	/* fewer slots than rooms: the count still says how many */
	assert_int_equal(rooms_today(st, now, day_end, r, 1, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 3);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rooms__now_next_private_and_day_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
