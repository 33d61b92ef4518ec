/*
 * test_office.c - the office's store (access/office_*.c, directory_export.c):
 * the change log and the delta answers (changes, deletions, whole entries,
 * full answers on bad cursors and after the log is pruned), the export and
 * import round trip on the sample directory, events stored once with a
 * contiguous acknowledgement and malformed batches storing nothing, the
 * command queue, invitations, and one e-mail per new check-in.  The HTTP
 * side is tests/integration/test_office.sh's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directory.h"
#include "err.h"
#include "office_store.h"
#include "store.h"
#include "sync_store.h"

#define NOW 1795766400000LL /* 2026-11-27T08:00:00Z */

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256] = "";

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test-office.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/office.db", fx->dir);
	if (office_store_open(fx->path, STORE_CREATE, &fx->st, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "office_store_open: %s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	store_free(fx->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* the sample directory of dist/examples, found from the working directory or the executable */
static char *read_example(size_t *len)
{
	char base[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", base, sizeof(base) - 1);
	FILE *f = fopen("dist/examples/directory.json", "rb");
	char *buf;

	if (f == NULL && n > 0) {
		base[n] = '\0';
		for (char *slash = strrchr(base, '/'); f == NULL && slash != NULL; slash = strrchr(base, '/')) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/dist/examples/directory.json", base);
			f = fopen(path, "rb");
		}
	}
	if (f == NULL)
		fail_msg("dist/examples/directory.json not found: run from the top of the tree");
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void import(struct store *st, const char *json, unsigned flags)
{
	char err[512] = "";

	if (directory_import_json(st, json, strlen(json), flags, NULL, err, sizeof(err)) != SEUIL_OK)
		fail_msg("import: %s", err);
}

static void import_example(struct store *st)
{
	size_t len;
	char *text = read_example(&len);
	char err[512] = "";

	if (directory_import_json(st, text, len, DIRECTORY_REPLACE, NULL, err, sizeof(err)) != SEUIL_OK)
		fail_msg("import: %s", err);
	free(text);
}

/* the parsed answer to GET /v1/directory?cursor=cursor */
static json_t *pull(struct store *st, const char *cursor)
{
	char *body = NULL, err[256] = "";
	size_t len = 0;
	json_t *reply;

	if (office_directory_reply(st, "entree-1", cursor, NOW, &body, &len, err, sizeof(err)) != SEUIL_OK)
		fail_msg("office_directory_reply: %s", err);
	assert_int_equal(strlen(body), len);
	reply = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(reply);
	free(body);
	assert_true(json_is_string(json_object_get(reply, "cursor")));
	assert_true(json_is_boolean(json_object_get(reply, "full")));
	assert_true(json_is_object(json_object_get(reply, "directory")));
	assert_true(json_is_object(json_object_get(reply, "deleted")));
	return reply;
}

static const char *cursor_of(json_t *reply)
{
	return json_string_value(json_object_get(reply, "cursor"));
}

static bool is_full(json_t *reply)
{
	return json_is_true(json_object_get(reply, "full"));
}

/* the ids (or uids, dates) of a section of the answer's directory or deleted, joined by spaces */
static const char *ids_of(json_t *reply, const char *part, const char *section)
{
	static char buf[1024];
	json_t *arr = json_object_get(json_object_get(reply, part), section), *e;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(arr, i, e) {
		json_t *id = json_is_string(e) ? e : json_object_get(e, "id");
		if (id == NULL)
			id = json_object_get(e, "uid");
		if (id == NULL)
			id = json_object_get(e, "date");
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", json_string_value(id));
	}
	return buf;
}

static json_t *entry_of(json_t *reply, const char *section, size_t i)
{
	return json_array_get(json_object_get(json_object_get(reply, "directory"), section), i);
}

static long long count(struct fixture *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* the cursor the office gives now, as a kiosk would send it back */
static void current_cursor(struct fixture *fx, char *buf, size_t len)
{
	assert_int_equal(office_directory_cursor_text(fx->st, buf, len), SEUIL_OK);
	assert_non_null(strchr(buf, '.'));
}

/* the cursor of change seq of the log ("SEQ.TOKEN") */
static void cursor_at(struct fixture *fx, long long seq, char *buf, size_t len)
{
	char sql[96];
	sqlite3 *db;
	sqlite3_stmt *stmt;

	snprintf(sql, sizeof(sql), "SELECT token FROM office_changes WHERE seq = %lld", seq);
	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(buf, len, "%lld.%s", seq, (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void test_office__open_twice_keeps_one_schema(void **state)
{
	struct fixture *fx = *state;
	struct store *again = NULL;
	char err[256] = "";

	assert_int_equal(office_store_open(fx->path, 0, &again, err, sizeof(err)), SEUIL_OK);
	store_free(again);
	assert_int_equal(count(fx, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), 45);
	assert_int_equal(office_directory_cursor(fx->st), 0);
}

static void test_office__first_pull_is_full(void **state)
{
	struct fixture *fx = *state;
	char *body = NULL, err[256] = "";
	size_t len;
	json_t *r;

	/* no directory yet: nothing sensible to send */
	assert_int_equal(office_directory_reply(fx->st, "entree-1", NULL, NOW, &body, &len, err, sizeof(err)),
			 SEUIL_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "import"));
	import_example(fx->st);
	r = pull(fx->st, NULL);
	assert_true(is_full(r));
	assert_string_equal(ids_of(r, "directory", "doors"), "entree salles");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(r, "directory"), "site"),
							       "name")),
			    "Pôle de coopération");
	assert_int_equal(json_object_size(json_object_get(r, "deleted")), 0);
	assert_true(atoll(cursor_of(r)) > 0);
	json_decref(r);
	/* "0", garbage, a negative number: full too */
	r = pull(fx->st, "0");
	assert_true(is_full(r));
	json_decref(r);
	r = pull(fx->st, "12abc");
	assert_true(is_full(r));
	json_decref(r);
	r = pull(fx->st, "-5");
	assert_true(is_full(r));
	json_decref(r);
	/* the pull is recorded for the device */
	assert_int_equal(count(fx, "SELECT count(*) FROM office_devices WHERE id = 'entree-1' AND pull_ms IS NOT NULL"), 1);
}

static void test_office__cursor_ahead_is_full(void **state)
{
	struct fixture *fx = *state;
	char ahead[32];
	json_t *r;

	import_example(fx->st);
	snprintf(ahead, sizeof(ahead), "%lld", (long long)office_directory_cursor(fx->st) + 1);
	r = pull(fx->st, ahead);
	assert_true(is_full(r));
	json_decref(r);
	r = pull(fx->st, "99999999999999999999999");
	assert_true(is_full(r));
	json_decref(r);
}

static void test_office__up_to_date_is_empty_delta(void **state)
{
	struct fixture *fx = *state;
	json_t *first, *r;

	import_example(fx->st);
	first = pull(fx->st, NULL);
	r = pull(fx->st, cursor_of(first));
	assert_false(is_full(r));
	assert_string_equal(cursor_of(r), cursor_of(first));
	assert_int_equal(json_object_size(json_object_get(r, "directory")), 0);
	assert_int_equal(json_object_size(json_object_get(r, "deleted")), 0);
	json_decref(r);
	json_decref(first);
}

static void test_office__delta_sends_whole_entries(void **state)
{
	struct fixture *fx = *state;
	char cursor[OFFICE_CURSOR_MAX];
	json_t *r, *e;

	import_example(fx->st);
	current_cursor(fx, cursor, sizeof(cursor));
	/* a changed window re-sends its schedule with every window */
	import(fx->st, "{\"schedules\": [{\"id\": \"soiree\", \"name\": \"Soirées d'événement\", \"holidays\": \"open\","
		       " \"windows\": [{\"days\": \"fri\", \"from\": \"21:00\", \"to\": \"02:00\"},"
		       " {\"days\": \"sat\", \"from\": \"21:00\", \"to\": \"01:00\"}]}]}",
	       0);
	r = pull(fx->st, cursor);
	assert_false(is_full(r));
	assert_string_equal(ids_of(r, "directory", "schedules"), "soiree");
	assert_null(json_object_get(json_object_get(r, "directory"), "people"));
	assert_null(json_object_get(json_object_get(r, "directory"), "doors"));
	e = entry_of(r, "schedules", 0);
	assert_int_equal(json_array_size(json_object_get(e, "windows")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(e, "windows"), 0), "from")),
			    "21:00");
	assert_string_equal(json_string_value(json_object_get(e, "holidays")), "open");
	snprintf(cursor, sizeof(cursor), "%s", cursor_of(r));
	json_decref(r);

	/* a person's grant changes: the person, whole, with her profiles and e-mail */
	import(fx->st, "{\"people\": [{\"id\": \"p-lea\", \"name\": \"Léa Moreau\", \"tenant\": \"radio-asso\","
		       " \"email\": \"lea@radio.example\", \"profiles\": [\"evenement\"]}]}",
	       0);
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "directory", "people"), "p-lea");
	e = entry_of(r, "people", 0);
	assert_string_equal(json_string_value(json_object_get(e, "email")), "lea@radio.example");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "profiles"), 0)), "evenement");
	assert_string_equal(json_string_value(json_object_get(e, "tenant")), "radio-asso");
	assert_null(json_object_get(json_object_get(r, "directory"), "credentials"));
	snprintf(cursor, sizeof(cursor), "%s", cursor_of(r));
	json_decref(r);

	/* a tenant's grants are its own: the tenant is sent, not its people */
	import(fx->st, "{\"tenants\": [{\"id\": \"incubateur\", \"name\": \"Incubateur ESS\", \"kind\": \"incubateur\","
		       " \"profiles\": [\"resident\", \"evenement\"]}]}",
	       0);
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "directory", "tenants"), "incubateur");
	assert_int_equal(json_array_size(json_object_get(entry_of(r, "tenants", 0), "profiles")), 2);
	assert_null(json_object_get(json_object_get(r, "directory"), "people"));
	snprintf(cursor, sizeof(cursor), "%s", cursor_of(r));
	json_decref(r);

	/* one door renamed: every door, in order, so that the first stays first */
	import(fx->st, "{\"doors\": [{\"id\": \"salles\", \"name\": \"Salles de réunion\"}]}", 0);
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "directory", "doors"), "entree salles");
	assert_string_equal(json_string_value(json_object_get(entry_of(r, "doors", 1), "name")), "Salles de réunion");
	json_decref(r);
}

static void test_office__unchanged_reimport_changes_no_plain_entry(void **state)
{
	struct fixture *fx = *state;
	char cursor[OFFICE_CURSOR_MAX];
	json_t *r;

	import_example(fx->st);
	current_cursor(fx, cursor, sizeof(cursor));
	import_example(fx->st);
	r = pull(fx->st, cursor);
	/* entries without a list of their own are not rewritten by the same file */
	assert_null(json_object_get(json_object_get(r, "directory"), "credentials"));
	assert_null(json_object_get(json_object_get(r, "directory"), "closures"));
	assert_null(json_object_get(json_object_get(r, "directory"), "doors"));
	assert_int_equal(json_object_size(json_object_get(r, "deleted")), 0);
	json_decref(r);
}

/* what a kiosk never receives (a PIN, a calendar's sync state) is no change; the site is */
static void test_office__only_exported_columns_count(void **state)
{
	struct fixture *fx = *state;
	char cursor[OFFICE_CURSOR_MAX];
	sqlite3 *db;
	json_t *r;

	import_example(fx->st);
	current_cursor(fx, cursor, sizeof(cursor));
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE people SET pin_hash = 'x' WHERE id = 'p-sacha';"
				      "UPDATE rooms SET sync_token = 't', etag = 'e' WHERE id = 'salle-navale';",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(office_directory_cursor(fx->st), atoll(cursor));
	assert_int_equal(sqlite3_exec(db, "UPDATE sites SET name = 'Pôle' WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	r = pull(fx->st, cursor);
	assert_false(is_full(r));
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(r, "directory"), "site"),
							       "name")),
			    "Pôle");
	assert_int_equal(json_object_size(json_object_get(r, "directory")), 1);
	json_decref(r);
}

static void test_office__delta_lists_deletions(void **state)
{
	struct fixture *fx = *state;
	size_t len;
	char *text = read_example(&len), *p, cursor[OFFICE_CURSOR_MAX];
	json_t *root, *people, *creds, *r;
	char err[256] = "";
	size_t i;

	import_example(fx->st);
	current_cursor(fx, cursor, sizeof(cursor));
	/* the example without Noé, his badge and the second closure */
	root = json_loads(text, 0, NULL);
	free(text);
	people = json_object_get(root, "people");
	creds = json_object_get(root, "credentials");
	for (i = 0; i < json_array_size(people); i++) {
		if (strcmp(json_string_value(json_object_get(json_array_get(people, i), "id")), "p-noe") == 0)
			json_array_remove(people, i--);
	}
	for (i = 0; i < json_array_size(creds); i++) {
		if (strcmp(json_string_value(json_object_get(json_array_get(creds, i), "person")), "p-noe") == 0)
			json_array_remove(creds, i--);
	}
	json_array_remove(json_object_get(root, "closures"), 1);
	p = json_dumps(root, 0);
	json_decref(root);
	assert_int_equal(directory_import_json(fx->st, p, strlen(p), DIRECTORY_REPLACE, NULL, err, sizeof(err)),
			 SEUIL_OK);
	free(p);
	r = pull(fx->st, cursor);
	assert_false(is_full(r));
	assert_string_equal(ids_of(r, "deleted", "people"), "p-noe");
	assert_string_equal(ids_of(r, "deleted", "credentials"), "04112233445566");
	assert_string_equal(ids_of(r, "deleted", "closures"), "2026-12-31");
	/* deleted, so not sent as changed */
	assert_null(json_object_get(json_object_get(r, "directory"), "credentials"));
	json_decref(r);
}

static void test_office__deleted_then_made_again_is_sent(void **state)
{
	struct fixture *fx = *state;
	char cursor[OFFICE_CURSOR_MAX];
	json_t *r;

	import_example(fx->st);
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-07\", \"name\": \"Pont\"}]}", 0);
	current_cursor(fx, cursor, sizeof(cursor));
	import_example(fx->st); /* replacing: the closure goes */
	assert_int_equal(count(fx, "SELECT count(*) FROM office_changes WHERE section = 'closures' AND deleted = 1"
				   " AND id = '2027-05-07'"),
			 1);
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "deleted", "closures"), "2027-05-07");
	json_decref(r);
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-07\", \"name\": \"Pont de l'Ascension\"}]}", 0);
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "directory", "closures"), "2027-05-07");
	assert_int_equal(json_object_size(json_object_get(r, "deleted")), 0);
	json_decref(r);
}

static void test_office__pruned_log_answers_full(void **state)
{
	struct fixture *fx = *state;
	struct office_purge_counts c;
	char old[OFFICE_CURSOR_MAX], err[256] = "";
	json_t *r;

	import_example(fx->st);
	cursor_at(fx, office_directory_cursor(fx->st) - 3, old, sizeof(old));
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-07\", \"name\": \"Pont\"}]}", 0);
	r = pull(fx->st, old);
	assert_false(is_full(r));
	json_decref(r);
	/* 31 days later the log is gone: a cursor from before cannot be answered by a delta */
	assert_int_equal(office_store_purge(fx->st, NOW + 400LL * 86400000, &c, err, sizeof(err)), SEUIL_OK);
	assert_true(c.changes > 0);
	/* but the newest: its token keeps the newest cursor answerable */
	assert_int_equal(count(fx, "SELECT count(*) FROM office_changes"), 1);
	r = pull(fx->st, old);
	assert_true(is_full(r));
	json_decref(r);
	/* the newest cursor still works, and the cursor never goes back */
	current_cursor(fx, old, sizeof(old));
	r = pull(fx->st, old);
	assert_false(is_full(r));
	assert_string_equal(cursor_of(r), old);
	json_decref(r);
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-08\", \"name\": \"Victoire\"}]}", 0);
	assert_true(office_directory_cursor(fx->st) > atoll(old));
	r = pull(fx->st, old);
	assert_string_equal(ids_of(r, "directory", "closures"), "2027-05-08");
	json_decref(r);
}

/* every directory table of the store at path, as text, to compare two stores */
static char *fingerprint(const char *path)
{
	static const char *const queries[] = {
		"SELECT name, timezone FROM sites",
		"SELECT id, name, unlock_ms, position FROM doors ORDER BY id",
		"SELECT id, name, holidays FROM schedules ORDER BY id",
		"SELECT schedule_id, days, from_min, to_min FROM schedule_windows ORDER BY 1, 2, 3, 4",
		"SELECT id, name, schedule_id FROM profiles ORDER BY id",
		"SELECT profile_id, door_id FROM profile_doors ORDER BY 1, 2",
		"SELECT id, name, kind, status, valid_from, valid_until FROM tenants ORDER BY id",
		"SELECT id, name, tenant_id, role, email, status, valid_from, valid_until FROM people ORDER BY id",
		"SELECT profile_id, tenant_id, person_id FROM grants ORDER BY 1, 2, 3",
		"SELECT kind, identifier, person_id, status, valid_from, valid_until FROM credentials ORDER BY 2",
		"SELECT date, name FROM closures ORDER BY date",
		"SELECT id, name, capacity, calendar, feed FROM rooms ORDER BY id",
		"SELECT room_id, door_id FROM room_doors ORDER BY 1, 2",
		"SELECT id, name, organisation, host_person_id, host_tenant_id, day, code FROM invites ORDER BY id",
	};
	sqlite3 *db;
	sqlite3_stmt *stmt;
	size_t size = 1 << 16, used = 0;
	char *out = calloc(1, size);

	assert_non_null(out);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		assert_int_equal(sqlite3_prepare_v2(db, queries[q], -1, &stmt, NULL), SQLITE_OK);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(stmt); c++) {
				const unsigned char *t = sqlite3_column_text(stmt, c);
				used += (size_t)snprintf(out + used, size - used, "%s|", t ? (const char *)t : "NULL");
			}
			used += (size_t)snprintf(out + used, size - used, "\n");
			assert_true(used < size);
		}
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return out;
}

static void test_office__export_import_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct store *copy = NULL;
	char path[160], err[512] = "", *first = NULL, *second = NULL, *a, *b;
	size_t len1, len2;

	struct office_invite inv = { NULL, "Dominique Roux", "Mairie de Nantes", "p-camille", NULL, "2026-11-27" };
	struct office_invite team = { "inv-equipe", "Équipe de tournage", NULL, NULL, "radio-asso", "2026-11-28" };
	char code[16], id[64];

	import_example(fx->st);
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_invite_add(fx->st, &team, code, id, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(directory_export_json(fx->st, NULL, &first, &len1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(strlen(first), len1);
	snprintf(path, sizeof(path), "%s/copy.db", fx->dir);
	assert_int_equal(store_open(path, STORE_CREATE, &copy, err, sizeof(err)), SEUIL_OK);
	if (directory_import_json(copy, first, len1, DIRECTORY_REPLACE, NULL, err, sizeof(err)) != SEUIL_OK)
		fail_msg("the export does not import: %s\n%s", err, first);
	assert_int_equal(directory_export_json(copy, NULL, &second, &len2, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(first, second);
	store_free(copy);
	a = fingerprint(fx->path);
	b = fingerprint(path);
	assert_string_equal(a, b);
	/* windows crossing midnight, "all", a whole day, lists of days survive */
	assert_non_null(strstr(first, "{\"days\":\"fri\",\"from\":\"22:00\",\"to\":\"02:00\"}"));
	assert_non_null(strstr(first, "{\"days\":\"all\",\"from\":\"00:00\",\"to\":\"24:00\"}"));
	assert_non_null(strstr(first, "{\"days\":\"mon-sat\",\"from\":\"06:30\",\"to\":\"22:00\"}"));
	free(a);
	free(b);
	free(first);
	free(second);
}

static void test_office__export_days_forms(void **state)
{
	struct fixture *fx = *state;
	char *text = NULL, err[256] = "";
	size_t len;

	import(fx->st, "{\"site\": {\"name\": \"S\"}, \"schedules\": [{\"id\": \"s\", \"windows\": ["
		       "{\"days\": \"mon,wed,fri\", \"from\": \"08:00\", \"to\": \"00:00\"},"
		       "{\"days\": \"fri-mon\", \"from\": \"10:00\", \"to\": \"11:00\"},"
		       "{\"days\": \"sat,sun\", \"from\": \"10:00\", \"to\": \"11:00\"}]}]}",
	       DIRECTORY_REPLACE);
	assert_int_equal(directory_export_json(fx->st, NULL, &text, &len, err, sizeof(err)), SEUIL_OK);
	assert_non_null(strstr(text, "\"days\":\"mon,wed,fri\",\"from\":\"08:00\",\"to\":\"24:00\""));
	assert_non_null(strstr(text, "\"days\":\"mon,fri-sun\""));
	assert_non_null(strstr(text, "\"days\":\"sat-sun\""));
	free(text);
}

static void test_office__export_selection(void **state)
{
	struct fixture *fx = *state;
	static const char *const people[] = { "p-lea", "p-nobody" };
	static const char *const creds[] = { "8E3F21A7" };
	struct directory_selection sel;
	char *text = NULL, err[256] = "";
	size_t len;
	json_t *root;

	import_example(fx->st);
	memset(&sel, 0, sizeof(sel));
	sel.ids[DIRECTORY_PEOPLE] = people;
	sel.count[DIRECTORY_PEOPLE] = 2;
	sel.ids[DIRECTORY_CREDENTIALS] = creds;
	sel.count[DIRECTORY_CREDENTIALS] = 1;
	sel.all = 1u << DIRECTORY_CLOSURES;
	assert_int_equal(directory_export_json(fx->st, &sel, &text, &len, err, sizeof(err)), SEUIL_OK);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_object_size(root), 3);
	assert_int_equal(json_array_size(json_object_get(root, "people")), 1);
	assert_int_equal(json_array_size(json_object_get(root, "credentials")), 1);
	assert_int_equal(json_array_size(json_object_get(root, "closures")), 2);
	json_decref(root);
	free(text);
}

/* ---- events ---------------------------------------------------------- */

static int push(struct store *st, const char *device, const char *body, int64_t *acked, char *err, size_t errlen)
{
	err[0] = '\0';
	return office_store_events(st, device, body, strlen(body), NOW, acked, err, errlen);
}

#define EV(seq, kind) "{\"seq\":" #seq ",\"at\":\"2026-11-27T08:00:00.123Z\",\"device\":\"k1\",\"kind\":\"" kind "\"}"

static void test_office__events_stored_once(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = -1;
	const char *batch = "{\"device\":\"k1\",\"events\":[" EV(1, "decision") "," EV(2, "alarm") "]}";

	assert_int_equal(push(fx->st, "k1", batch, &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(push(fx->st, "k1", batch, &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_events"), 2);
	/* the event is kept as sent, unknown fields included */
	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"events\":[{\"seq\":3,\"at\":\"2026-11-27T08:00:01Z\",\"kind\":\"later\","
			      "\"future_field\":[1,2]}],\"also_new\":true}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 3);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_events WHERE body LIKE '%future_field%'"), 1);
	assert_int_equal(count(fx, "SELECT acked_seq FROM office_devices WHERE id = 'k1'"), 3);
}

static void test_office__acked_stays_below_a_gap(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = -1;

	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1, "a") "," EV(2, "a") "]}", &acked,
			      err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 2);
	/* 3 is missing: 4 and 5 are stored, the acknowledgement waits */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(4, "a") "," EV(5, "a") "]}", &acked,
			      err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_events"), 4);
	/* 3 arrives: everything up to 5 */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(3, "a") "]}", &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 5);
	/* an empty batch answers the acknowledgement as it is */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[]}", &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 5);
	/* devices do not share sequences */
	assert_int_equal(push(fx->st, "k2", "{\"device\":\"k2\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\","
					    "\"kind\":\"a\"}]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 1);
}

/* an office restored from a backup older than what the kiosk still holds */
static void test_office__oldest_moves_past_what_is_gone(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = -1;

	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1, "a") "," EV(2, "a") "]}", &acked,
			      err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 2);
	/* the kiosk holds 3 onwards: nothing changes */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"oldest\":3,\"events\":[" EV(3, "a") "]}", &acked,
			      err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 3);
	/* 4 to 9 are gone from the kiosk: the office stops waiting for them */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"oldest\":10,\"events\":[" EV(10, "a") "]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 10);
	/* an oldest below what is acknowledged moves nothing back */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"oldest\":1,\"events\":[]}", &acked, err,
			      sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 10);
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"oldest\":\"3\",\"events\":[]}", &acked, err,
			      sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "$.oldest"));
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"oldest\":0,\"events\":[]}", &acked, err,
			      sizeof(err)),
			 SEUIL_ERR_INVALID);
}

/* a re-initialised kiosk counts from 1 again: its events are not the stored ones */
static void test_office__another_journal_conflicts(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = -1;

	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1, "a") "," EV(2, "a") "," EV(3, "b") "]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	/* the same event again is no conflict */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(2, "a") "]}", &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 3);
	/* seq 2 and 4 from a new journal: nothing of the batch is kept */
	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"events\":[{\"seq\":2,\"at\":\"2026-11-28T10:00:00.000Z\",\"kind\":\"a\"},"
			      EV(4, "a") "]}",
			      &acked, err, sizeof(err)),
			 SEUIL_ERR_CONFLICT);
	assert_non_null(strstr(err, "event 2 of k1 is already stored"));
	assert_int_equal(acked, 3);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_events"), 3);
	/* numbered after 3, it is stored */
	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"oldest\":4,\"events\":[{\"seq\":4,\"at\":\"2026-11-28T10:00:00.000Z\","
			      "\"kind\":\"a\"}," EV(5, "a") "]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 5);
}

static void test_office__first_batch_sets_the_base(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = -1;

	/* a kiosk that purged 1..999 before it met the office */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1001, "a") "," EV(1000, "purge") "]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 1001);
	/* from then on, contiguous */
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1003, "a") "]}", &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 1001);
}

static void test_office__malformed_batch_stores_nothing(void **state)
{
	static const struct {
		const char *body;
		int rc;
		const char *where;
	} cases[] = {
		{ "", SEUIL_ERR_INVALID, "line" },
		{ "{\"device\":\"k1\",\"events\":[" EV(1, "a"), SEUIL_ERR_INVALID, "line" },
		{ "[]", SEUIL_ERR_INVALID, "$" },
		{ "{\"events\":[]}", SEUIL_ERR_INVALID, "$.device" },
		{ "{\"device\":7,\"events\":[]}", SEUIL_ERR_INVALID, "$.device" },
		{ "{\"device\":\"k1\"}", SEUIL_ERR_INVALID, "$.events" },
		{ "{\"device\":\"k1\",\"events\":{}}", SEUIL_ERR_INVALID, "$.events" },
		{ "{\"device\":\"k1\",\"device\":\"k1\",\"events\":[]}", SEUIL_ERR_INVALID, "duplicate" },
		{ "{\"device\":\"k1\",\"events\":[" EV(1, "a") ",7]}", SEUIL_ERR_INVALID, "$.events[1]" },
		{ "{\"device\":\"k1\",\"events\":[" EV(1, "a") ",{\"seq\":\"2\",\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\"}]}",
		  SEUIL_ERR_INVALID, "$.events[1].seq" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":0,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\"}]}",
		  SEUIL_ERR_INVALID, "$.events[0].seq" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1.5,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\"}]}",
		  SEUIL_ERR_INVALID, "$.events[0].seq" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"hier\",\"kind\":\"a\"}]}", SEUIL_ERR_INVALID,
		  "$.events[0].at" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00\",\"kind\":\"a\"}]}",
		  SEUIL_ERR_INVALID, "$.events[0].at" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\"}]}", SEUIL_ERR_INVALID,
		  "$.events[0].kind" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\",\"granted\":1}]}",
		  SEUIL_ERR_INVALID, "$.events[0].granted" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\",\"visitor\":\"x\"}]}",
		  SEUIL_ERR_INVALID, "$.events[0].visitor" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\",\"door\":[]}]}",
		  SEUIL_ERR_INVALID, "$.events[0].door" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\",\"detail\":7}]}",
		  SEUIL_ERR_INVALID, "$.events[0].detail" },
		{ "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\\u0000b\"}]}",
		  SEUIL_ERR_INVALID, "line 1" },
		/* another device's name: refused as not this device */
		{ "{\"device\":\"k2\",\"events\":[]}", SEUIL_ERR_DENIED, "k2" },
		{ "{\"device\":\"k1\",\"events\":[" EV(1, "a") ",{\"seq\":2,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"a\","
		  "\"device\":\"k2\"}]}",
		  SEUIL_ERR_DENIED, "$.events[1].device" },
	};
	struct fixture *fx = *state;
	char err[256];
	int64_t acked = 42;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = push(fx->st, "k1", cases[i].body, &acked, err, sizeof(err));
		if (rc != cases[i].rc || strstr(err, cases[i].where) == NULL || strchr(err, '\n') != NULL)
			fail_msg("case %zu: rc %d, err \"%s\"", i, rc, err);
		assert_int_equal(acked, 42);
	}
	assert_int_equal(count(fx, "SELECT count(*) FROM office_events"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_devices"), 0);
}

static void test_office__too_large_batch(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	int64_t acked;
	size_t big = OFFICE_BODY_MAX + 1;
	char *body = malloc(big);

	assert_non_null(body);
	memset(body, ' ', big);
	assert_int_equal(office_store_events(fx->st, "k1", body, big, NOW, &acked, err, sizeof(err)),
			 SEUIL_ERR_TOO_LARGE);
	free(body);
}

static int collect_event(const struct office_event *ev, void *ctx)
{
	char *out = ctx;

	snprintf(out + strlen(out), 512 - strlen(out), "%s/%lld/%s/%s ", ev->device, (long long)ev->seq, ev->ev.kind,
		 ev->ev.door);
	return 0;
}

static void test_office__events_list(void **state)
{
	struct fixture *fx = *state;
	char err[256], out[512] = "";
	int64_t acked;

	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"decision\","
			      "\"door\":\"entree\",\"granted\":true},{\"seq\":2,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"x\"}]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(push(fx->st, "k0", "{\"device\":\"k0\",\"events\":[{\"seq\":9,\"at\":\"2026-11-27T08:00:00Z\","
					    "\"kind\":\"y\"}]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(office_events_list(fx->st, NULL, 0, collect_event, out, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(out, "k0/9/y/ k1/1/decision/entree k1/2/x/ ");
	out[0] = '\0';
	assert_int_equal(office_events_list(fx->st, "k1", 1, collect_event, out, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(out, "k1/2/x/ ");
}

/* ---- check-ins and e-mail -------------------------------------------- */

#define CHECKIN(seq, host)                                                                                  \
	"{\"device\":\"k1\",\"events\":[{\"seq\":" #seq ",\"at\":\"2026-11-27T08:03:10.004Z\",\"device\":\"k1\"," \
	"\"kind\":\"checkin\",\"door\":\"entree\",\"visitor\":17,\"detail\":\"{\\\"name\\\":\\\"Dominique Roux\\\","  \
	"\\\"organisation\\\":\\\"Mairie de Nantes\\\",\\\"host\\\":\\\"" host "\\\",\\\"purpose\\\":\\\"Réunion\\\"}\"}]}"

static void test_office__checkin_queues_one_mail(void **state)
{
	struct fixture *fx = *state;
	struct office_mail m;
	char err[256];
	int64_t acked;

	import_example(fx->st);
	/* p-sacha has an address in the example */
	assert_int_equal(push(fx->st, "k1", CHECKIN(1, "p-sacha"), &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(push(fx->st, "k1", CHECKIN(1, "p-sacha"), &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail"), 1);
	/* p-camille has none: stored, nobody e-mailed */
	assert_int_equal(push(fx->st, "k1", CHECKIN(2, "p-camille"), &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail"), 1);
	assert_int_equal(acked, 2);
	assert_int_equal(office_mail_next(fx->st, NOW, &m, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(m.rcpt, "accueil@pole.example");
	assert_string_equal(m.subject, "Votre visiteur est arrivé : Dominique Roux");
	assert_non_null(strstr(m.body, "Bonjour Sacha Petit,"));
	assert_non_null(strstr(m.body, "Mairie de Nantes"));
	assert_non_null(strstr(m.body, "Réunion"));
	assert_non_null(strstr(m.body, "Entrée principale"));
	/* 08:03 UTC is 09:03 in Paris in November */
	assert_non_null(strstr(m.body, "vendredi 27 novembre 2026 à 09:03"));
}

static void test_office__mail_retries_then_sent(void **state)
{
	struct fixture *fx = *state;
	struct office_mail m;
	char err[256];
	int64_t acked;

	import_example(fx->st);
	assert_int_equal(push(fx->st, "k1", CHECKIN(1, "p-sacha"), &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_next(fx->st, NOW, &m, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_done(fx->st, m.id, 0, "connection refused", NOW, err, sizeof(err)), SEUIL_OK);
	/* not again before a minute */
	assert_int_equal(office_mail_next(fx->st, NOW + 59000, &m, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(office_mail_next(fx->st, NOW + 60000, &m, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(m.attempts, 1);
	assert_int_equal(office_mail_done(fx->st, m.id, 0, "again", NOW + 60000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_next(fx->st, NOW + 60000 + 119000, &m, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(office_mail_next(fx->st, NOW + 60000 + 120000, &m, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_done(fx->st, m.id, 1, NULL, NOW + 200000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_next(fx->st, NOW + 86400000, &m, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail WHERE sent_ms IS NOT NULL AND attempts = 2"), 1);
}

static void test_office__mail_given_up(void **state)
{
	struct fixture *fx = *state;
	struct office_mail m;
	char err[256];
	int64_t acked, now = NOW;

	import_example(fx->st);
	assert_int_equal(push(fx->st, "k1", CHECKIN(1, "p-sacha"), &acked, err, sizeof(err)), SEUIL_OK);
	for (int i = 0; i < OFFICE_MAIL_ATTEMPTS_MAX; i++) {
		now += 3600000;
		assert_int_equal(office_mail_next(fx->st, now, &m, err, sizeof(err)), SEUIL_OK);
		assert_int_equal(office_mail_done(fx->st, m.id, 0, "refused", now, err, sizeof(err)), SEUIL_OK);
	}
	assert_int_equal(office_mail_next(fx->st, now + 86400000, &m, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
}

static void test_office__mail_message(void **state)
{
	struct fixture *fx = *state;
	struct office_mail m;
	char err[256], *msg = NULL;
	size_t len;
	int64_t acked;

	import_example(fx->st);
	assert_int_equal(push(fx->st, "k1", CHECKIN(1, "p-sacha"), &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_next(fx->st, NOW, &m, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_mail_message(&m, "seuil@pole.example", &msg, &len, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(strlen(msg), len);
	assert_non_null(strstr(msg, "From: seuil@pole.example\r\nTo: accueil@pole.example\r\n"));
	/* "Votre visiteur est arrivé : Dominique Roux" in RFC 2047 words */
	assert_non_null(strstr(msg, "Subject: =?UTF-8?B?Vm90cmUgdmlzaXRldXIgZXN0IGFycml2w6kgOiBEb21pbmlxdWUgUm91eA==?=\r\n"));
	assert_non_null(strstr(msg, "Date: Fri, 27 Nov 2026 08:00:00 +0000\r\n"));
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(msg, "Message-ID: <seuil-office."));
	assert_null(strstr(msg, "\n\n")); /* CRLF everywhere */
	free(msg);
	/* an address that could add a header is refused */
	assert_int_equal(office_mail_message(&m, "a@b\r\nBcc: x@y", &msg, &len, err, sizeof(err)), SEUIL_ERR_INVALID);
}

/* a long subject becomes several encoded words, each short, cut between characters */
static void test_office__mail_long_subject(void **state)
{
	struct office_mail m;
	char err[256], *msg = NULL, *p, decoded[512] = "";
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.id = 1;
	m.created_ms = NOW;
	snprintf(m.rcpt, sizeof(m.rcpt), "hote@pole.example");
	snprintf(m.subject, sizeof(m.subject),
		 "Votre visiteur est arrivé : Éloïse-Marguerite Château de La Tour d'Auvergne-Lauragais (Coopérative)");
	snprintf(m.body, sizeof(m.body), "Bonjour,\n");
	assert_int_equal(office_mail_message(&m, "seuil@pole.example", &msg, &len, err, sizeof(err)), SEUIL_OK);
	p = strstr(msg, "Subject:") + strlen("Subject:");
	while (strncmp(p, " =?UTF-8?B?", 11) == 0) {
		char *end = strstr(p, "?=\r\n");
		unsigned char bin[64];
		size_t n = 0;
		assert_non_null(end);
		assert_true(end + 2 - (p + 1) <= 75); /* RFC 2047: an encoded word is at most 75 characters */
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), p + 11, (size_t)(end - p - 11), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		assert_true((bin[0] & 0xc0) != 0x80); /* no word starts inside a character */
		strncat(decoded, (const char *)bin, n);
		p = end + 4;
	}
	assert_string_equal(decoded, m.subject);
	free(msg);
}

static void test_office__mail_never_holds_badge_hash(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	int64_t acked;

	import_example(fx->st);
	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"events\":[{\"seq\":1,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"checkin\","
			      "\"credential_hash\":\"c1856634be3e01c3e243c49f150b4c26\",\"detail\":\"{\\\"name\\\":\\\"X Y\\\","
			      "\\\"host\\\":\\\"p-sacha\\\"}\"}]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail"), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail WHERE body LIKE '%c1856634%'"), 0);
	/* a detail that is not the expected JSON is stored, no mail */
	assert_int_equal(push(fx->st, "k1",
			      "{\"device\":\"k1\",\"events\":[{\"seq\":2,\"at\":\"2026-11-27T08:00:00Z\",\"kind\":\"checkin\","
			      "\"detail\":\"Dominique\"}]}",
			      &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_mail"), 1);
	assert_int_equal(acked, 2);
}

/* ---- commands and invitations ---------------------------------------- */

static void test_office__commands_queue_and_ack(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "", *body = NULL, ack[128];
	size_t len;
	int64_t id1, id2, id3, other, acked;
	json_t *r;

	assert_int_equal(office_command_add(fx->st, "k1", "lockdown", "on", NOW, &id1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_command_add(fx->st, "k1", "unlock_for", "600", NOW + 1000, &id2, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(office_command_add(fx->st, "k1", "sync_now", NULL, NOW, &id3, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_command_add(fx->st, "k2", "sync_now", "", NOW, &other, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_commands_json(fx->st, "k1", &body, &len, err, sizeof(err)), SEUIL_OK);
	r = json_loads(body, 0, NULL);
	free(body);
	assert_int_equal(json_array_size(json_object_get(r, "commands")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "commands"), 1), "arg")),
			    "600");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "commands"), 1), "issued")),
			    "2026-11-27T08:00:01.000Z");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r, "commands"), 0), "id")), id1);
	json_decref(r);
	/* k2's id among k1's is not k1's to acknowledge */
	snprintf(ack, sizeof(ack), "{\"device\":\"k1\",\"ids\":[%lld,%lld,%lld]}", (long long)id1, (long long)id2,
		 (long long)other);
	assert_int_equal(office_commands_ack(fx->st, "k1", ack, strlen(ack), NOW, &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 2);
	/* again: still acknowledged, once */
	assert_int_equal(office_commands_ack(fx->st, "k1", ack, strlen(ack), NOW + 5, &acked, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(office_commands_json(fx->st, "k1", &body, &len, err, sizeof(err)), SEUIL_OK);
	r = json_loads(body, 0, NULL);
	free(body);
	assert_int_equal(json_array_size(json_object_get(r, "commands")), 1);
	json_decref(r);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_commands WHERE acked_ms IS NULL"), 2);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_commands WHERE acked_ms = 1795766400000"), 2);
	/* none left: an empty list */
	assert_int_equal(office_commands_json(fx->st, "nobody", &body, &len, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(body, "{\"commands\":[]}");
	free(body);
}

static void test_office__commands_refused(void **state)
{
	static const char *const bad[][2] = {
		{ "lockdown", "" }, { "lockdown", "maybe" }, { "unlock_for", "-1" }, { "unlock_for", "43201" },
		{ "unlock_for", "10s" }, { "unlock_for", "" }, { "sync_now", "now" }, { "reboot", "" },
	};
	static const char *const acks[] = {
		"{\"device\":\"k1\",\"ids\":[\"1\"]}", "{\"device\":\"k1\",\"ids\":[0]}", "{\"device\":\"k1\"}",
		"{\"ids\":[1]}", "{\"device\":\"k1\",\"ids\":[1]", "{\"device\":\"k1\",\"ids\":{}}",
	};
	struct fixture *fx = *state;
	char err[256];
	int64_t id, acked = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(office_command_add(fx->st, "k1", bad[i][0], bad[i][1], NOW, &id, err, sizeof(err)),
				 SEUIL_ERR_INVALID);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(office_command_add(fx->st, "a b", "sync_now", "", NOW, &id, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(office_command_add(fx->st, "k1", "unlock_for", "0", NOW, &id, err, sizeof(err)), SEUIL_OK);
	for (size_t i = 0; i < sizeof(acks) / sizeof(acks[0]); i++) {
		err[0] = '\0';
		assert_int_equal(office_commands_ack(fx->st, "k1", acks[i], strlen(acks[i]), NOW, &acked, err, sizeof(err)),
				 SEUIL_ERR_INVALID);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(office_commands_ack(fx->st, "k1", "{\"device\":\"k2\",\"ids\":[1]}",
					     strlen("{\"device\":\"k2\",\"ids\":[1]}"), NOW, &acked, err, sizeof(err)),
			 SEUIL_ERR_DENIED);
	assert_int_equal(acked, 7);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_commands WHERE acked_ms IS NULL"), 1);
}

static void test_office__invite(void **state)
{
	struct fixture *fx = *state;
	struct office_invite inv = { NULL, "Dominique Roux", "Mairie de Nantes", "p-camille", NULL, "2026-11-27" };
	char code[16], id[64], code2[16], id2[64], err[256] = "", cursor[OFFICE_CURSOR_MAX];
	json_t *r, *e;

	import_example(fx->st);
	current_cursor(fx, cursor, sizeof(cursor));
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(strlen(code), OFFICE_INVITE_CODE_LEN);
	assert_int_equal(strspn(code, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), OFFICE_INVITE_CODE_LEN);
	assert_string_equal(id, "inv-1");
	assert_int_equal(office_invite_add(fx->st, &inv, code2, id2, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(id2, "inv-2");
	assert_string_not_equal(code, code2);
	/* the next pull sends both, in the format of the office API */
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "directory", "invites"), "inv-1 inv-2");
	e = entry_of(r, "invites", 0);
	assert_string_equal(json_string_value(json_object_get(e, "host")), "p-camille");
	assert_string_equal(json_string_value(json_object_get(e, "day")), "2026-11-27");
	assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	assert_string_equal(json_string_value(json_object_get(e, "organisation")), "Mairie de Nantes");
	json_decref(r);
	/* refusals */
	inv.host = "p-nobody";
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_ERR_INVALID);
	inv.host = NULL;
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_ERR_INVALID);
	inv.host_tenant = "scop-btp";
	inv.day = "2026-02-30";
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_ERR_INVALID);
	inv.day = "2026-11-28";
	inv.id = "inv-1";
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_ERR_INVALID);
	inv.id = "visite-mairie";
	assert_int_equal(office_invite_add(fx->st, &inv, code, id, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(id, "visite-mairie");
	assert_int_equal(count(fx, "SELECT count(*) FROM invites"), 3);
	/* the host leaves: a kiosk cannot take an invitation without a host, it is deleted for it */
	current_cursor(fx, cursor, sizeof(cursor));
	/* deleted by another tool on the office's database, with its cascades */
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM people WHERE id = 'p-camille'",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(db);
	}
	r = pull(fx->st, cursor);
	assert_string_equal(ids_of(r, "deleted", "invites"), "inv-1 inv-2");
	assert_string_equal(ids_of(r, "deleted", "people"), "p-camille");
	assert_string_equal(ids_of(r, "deleted", "credentials"), "04A1B2C3D4E5F6");
	assert_null(json_object_get(json_object_get(r, "directory"), "invites"));
	json_decref(r);
}

/* ---- devices --------------------------------------------------------- */

static int collect_device(const struct office_device *dev, void *ctx)
{
	char *out = ctx;

	snprintf(out + strlen(out), 512 - strlen(out), "%s:%lld:%lld:%lld:%lld ", dev->id, (long long)dev->acked_seq,
		 (long long)dev->pull_cursor, (long long)dev->events, (long long)dev->commands_pending);
	return 0;
}

static void test_office__devices(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "", out[512] = "";
	int64_t acked, id;
	json_t *r;

	import_example(fx->st);
	r = pull(fx->st, NULL);
	json_decref(r);
	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1, "a") "]}", &acked, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(office_command_add(fx->st, "k1", "sync_now", "", NOW, &id, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_devices_list(fx->st, collect_device, out, err, sizeof(err)), SEUIL_OK);
	snprintf(err, sizeof(err), "entree-1:0:%lld:0:0 k1:1:-1:1:1 ", (long long)office_directory_cursor(fx->st));
	assert_string_equal(out, err);
	/* a second poll within OFFICE_TOUCH_MS writes nothing */
	assert_int_equal(office_device_touch(fx->st, "k1", NOW + 10, -1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(count(fx, "SELECT last_seen_ms FROM office_devices WHERE id = 'k1'"), NOW);
	assert_int_equal(office_device_touch(fx->st, "k1", NOW + OFFICE_TOUCH_MS, -1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(count(fx, "SELECT last_seen_ms FROM office_devices WHERE id = 'k1'"), NOW + OFFICE_TOUCH_MS);
}

static void test_office__purge_keeps_unacknowledged(void **state)
{
	struct fixture *fx = *state;
	struct office_purge_counts c;
	char err[256] = "";
	int64_t acked;

	assert_int_equal(push(fx->st, "k1", "{\"device\":\"k1\",\"events\":[" EV(1, "a") "," EV(3, "a") "]}", &acked, err,
			      sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(acked, 1);
	assert_int_equal(office_store_purge(fx->st, NOW + 200LL * 86400000, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 1);
	assert_int_equal(count(fx, "SELECT seq FROM office_events"), 3);
}

/* a copy of the database at src into dst, as `sqlite3 src ".backup dst"` */
static void backup(const char *src, const char *dst)
{
	sqlite3 *from, *to;
	sqlite3_backup *b;

	assert_int_equal(sqlite3_open(src, &from), SQLITE_OK);
	assert_int_equal(sqlite3_open(dst, &to), SQLITE_OK);
	assert_non_null(b = sqlite3_backup_init(to, "main", from, "main"));
	assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
	assert_int_equal(sqlite3_backup_finish(b), SQLITE_OK);
	sqlite3_close(to);
	sqlite3_close(from);
}

/* the status of badge uid in the answer's directory, or NULL */
static const char *credential_status(json_t *reply, const char *uid)
{
	json_t *arr = json_object_get(json_object_get(reply, "directory"), "credentials"), *e;
	size_t i;

	json_array_foreach(arr, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "uid")), uid) == 0)
			return json_string_value(json_object_get(e, "status"));
	}
	return NULL;
}

/*
 * The audit's case: a kiosk synced, the office restored from a backup, a
 * badge revoked there and enough changes to pass the kiosk's cursor.  The
 * restored database logs other tokens at the same seqs: the kiosk's cursor
 * gets a full directory, with the revocation, not a delta that skips it.
 */
static void test_office__restored_office_answers_full(void **state)
{
	struct fixture *fx = *state;
	struct store *restored = NULL;
	char bak[160], kiosk[OFFICE_CURSOR_MAX], plain[32], wrong[OFFICE_CURSOR_MAX], err[256] = "", day[64];
	json_t *r;
	int n = 0;

	import_example(fx->st);
	r = pull(fx->st, NULL);
	snprintf(kiosk, sizeof(kiosk), "%s", cursor_of(r));
	json_decref(r);
	snprintf(bak, sizeof(bak), "%s/backup.db", fx->dir);
	backup(fx->path, bak);
	/* a change at the office, pulled: the kiosk's cursor moves past the backup's */
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-07\", \"name\": \"Pont\"}]}", 0);
	r = pull(fx->st, kiosk);
	assert_false(is_full(r));
	snprintf(kiosk, sizeof(kiosk), "%s", cursor_of(r));
	json_decref(r);

	/* the office restored: its seqs start again below the kiosk's cursor */
	assert_int_equal(office_store_open(bak, 0, &restored, err, sizeof(err)), SEUIL_OK);
	assert_true(office_directory_cursor(restored) < atoll(kiosk));
	import(restored, "{\"credentials\": [{\"uid\": \"04A1B2C3D4E5F6\", \"person\": \"p-camille\","
			 " \"status\": \"revoked\"}]}",
	       0);
	while (office_directory_cursor(restored) <= atoll(kiosk)) {
		snprintf(day, sizeof(day), "{\"closures\": [{\"date\": \"2028-01-%02d\", \"name\": \"F\"}]}", ++n);
		import(restored, day, 0);
	}
	r = pull(restored, kiosk);
	assert_true(is_full(r));
	assert_string_equal(credential_status(r, "04A1B2C3D4E5F6"), "revoked");
	json_decref(r);
	/* at the very seq the kiosk holds, too */
	cursor_at(fx, atoll(kiosk), wrong, sizeof(wrong));
	assert_string_equal(wrong, kiosk);
	assert_int_equal(office_directory_cursor_text(restored, wrong, sizeof(wrong)), SEUIL_OK);
	assert_string_not_equal(wrong, kiosk);

	/* a plain cursor (before the tokens) and a wrong token: full; the right one: a delta */
	snprintf(plain, sizeof(plain), "%lld", (long long)office_directory_cursor(restored));
	r = pull(restored, plain);
	assert_true(is_full(r));
	json_decref(r);
	wrong[strlen(wrong) - 1] = wrong[strlen(wrong) - 1] == '0' ? '1' : '0';
	r = pull(restored, wrong);
	assert_true(is_full(r));
	json_decref(r);
	snprintf(wrong, sizeof(wrong), "%s.%s", plain, "ABCDEF0123456789");
	r = pull(restored, wrong);
	assert_true(is_full(r));
	json_decref(r);
	snprintf(wrong, sizeof(wrong), "%s.", plain);
	r = pull(restored, wrong);
	assert_true(is_full(r));
	json_decref(r);
	assert_int_equal(office_directory_cursor_text(restored, wrong, sizeof(wrong)), SEUIL_OK);
	r = pull(restored, wrong);
	assert_false(is_full(r));
	assert_string_equal(cursor_of(r), wrong);
	json_decref(r);
	store_free(restored);
}

/* the commands JSON the office has for device, as the kiosk receives it */
static char *commands_for(struct store *st, const char *device)
{
	char *body = NULL, err[256] = "";
	size_t len;

	if (office_commands_json(st, device, &body, &len, err, sizeof(err)) != SEUIL_OK)
		fail_msg("office_commands_json: %s", err);
	return body;
}

static void kiosk_runs(struct store *k, const char *body, int64_t now, int executed, int repeated)
{
	struct sync_commands_result r;
	char err[256] = "";

	if (sync_apply_commands(k, body, strlen(body), now, &r, err, sizeof(err)) != SEUIL_OK)
		fail_msg("sync_apply_commands: %s", err);
	assert_int_equal(r.executed, executed);
	assert_int_equal(r.repeated, repeated);
	sync_commands_result_release(&r);
}

/*
 * A restored (or new) office issues its command ids again: the kiosk knows
 * a command by its id and issued time, so a new lockdown with an old id
 * runs; a command sent again (its acknowledgement lost) still runs once.
 */
static void test_office__commands_of_a_restored_office_run(void **state)
{
	struct fixture *fx = *state;
	struct store *k = NULL, *restored = NULL;
	char kpath[160], bak[160], err[256] = "", *body;
	int64_t id1, id2;

	snprintf(kpath, sizeof(kpath), "%s/kiosk.db", fx->dir);
	assert_int_equal(store_open(kpath, STORE_CREATE, &k, err, sizeof(err)), SEUIL_OK);
	snprintf(bak, sizeof(bak), "%s/backup.db", fx->dir);
	backup(fx->path, bak);
	assert_int_equal(office_command_add(fx->st, "k1", "lockdown", "on", NOW, &id1, err, sizeof(err)), SEUIL_OK);
	body = commands_for(fx->st, "k1");
	kiosk_runs(k, body, NOW + 1000, 1, 0);
	kiosk_runs(k, body, NOW + 2000, 0, 1); /* the acknowledgement was lost: not again */
	free(body);

	assert_int_equal(office_store_open(bak, 0, &restored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(office_command_add(restored, "k1", "lockdown", "off", NOW + 60000, &id2, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(id2, id1); /* the same id, another command */
	body = commands_for(restored, "k1");
	kiosk_runs(k, body, NOW + 61000, 1, 0);
	kiosk_runs(k, body, NOW + 62000, 0, 1);
	free(body);
	/* issued in the same second, a millisecond apart: two commands */
	assert_int_equal(office_command_add(restored, "k1", "sync_now", NULL, NOW + 70001, &id2, err, sizeof(err)),
			 SEUIL_OK);
	body = commands_for(restored, "k1");
	kiosk_runs(k, body, NOW + 71000, 1, 1);
	free(body);
	store_free(restored);

	/* a record of a kiosk of before the issued times ("command:ID", when it ran) */
	assert_int_equal(sync_state_set(k, "command:77", "1795766405000", err, sizeof(err)), SEUIL_OK);
	kiosk_runs(k,
		   "{\"commands\": [{\"id\": 77, \"command\": \"sync_now\", \"issued\": \"2026-11-27T08:00:00Z\"}]}",
		   NOW + 80000, 0, 1);
	kiosk_runs(k,
		   "{\"commands\": [{\"id\": 77, \"command\": \"sync_now\", \"issued\": \"2026-11-27T08:00:06Z\"}]}",
		   NOW + 80000, 1, 0);
	/* an office that gives no issued time: the id alone, as before */
	kiosk_runs(k, "{\"commands\": [{\"id\": 78, \"command\": \"sync_now\"}]}", NOW, 1, 0);
	kiosk_runs(k, "{\"commands\": [{\"id\": 78, \"command\": \"sync_now\"}]}", NOW, 0, 1);
	store_free(k);
}

/* an office database of version 1 (no tokens) is given them when opened */
static void test_office__version_1_gets_tokens(void **state)
{
	static const char drops[] = "SELECT group_concat('DROP TRIGGER ' || name, ';') FROM sqlite_schema"
				    " WHERE type = 'trigger' AND name LIKE 'office_log_%'";
	struct fixture *fx = *state;
	struct store *again = NULL;
	char cursor[OFFICE_CURSOR_MAX], err[256] = "", *sql;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	json_t *r;

	import_example(fx->st);
	store_free(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	/* version 1 had no token: its triggers go, then the column */
	assert_int_equal(sqlite3_prepare_v2(db, drops, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	sql = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	assert_int_equal(sqlite3_exec(db,
				      "ALTER TABLE office_changes DROP COLUMN token;"
				      "UPDATE settings SET value = '1' WHERE key = 'office_schema_version'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(office_store_open(fx->path, 0, &again, err, sizeof(err)), SEUIL_OK);
	fx->st = again;
	assert_int_equal(count(fx, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), 45);
	assert_int_equal(count(fx, "SELECT count(*) FROM office_changes WHERE length(token) <> 16"), 0);
	current_cursor(fx, cursor, sizeof(cursor));
	import(fx->st, "{\"closures\": [{\"date\": \"2027-05-07\", \"name\": \"Pont\"}]}", 0);
	r = pull(fx->st, cursor);
	assert_false(is_full(r));
	assert_string_equal(ids_of(r, "directory", "closures"), "2027-05-07");
	json_decref(r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_office__open_twice_keeps_one_schema),
		T(test_office__first_pull_is_full),
		T(test_office__cursor_ahead_is_full),
		T(test_office__up_to_date_is_empty_delta),
		T(test_office__delta_sends_whole_entries),
		T(test_office__unchanged_reimport_changes_no_plain_entry),
		T(test_office__only_exported_columns_count),
		T(test_office__delta_lists_deletions),
		T(test_office__deleted_then_made_again_is_sent),
		T(test_office__pruned_log_answers_full),
		T(test_office__restored_office_answers_full),
		T(test_office__version_1_gets_tokens),
		T(test_office__export_import_round_trip),
		T(test_office__export_days_forms),
		T(test_office__export_selection),
		T(test_office__events_stored_once),
		T(test_office__acked_stays_below_a_gap),
		T(test_office__oldest_moves_past_what_is_gone),
		T(test_office__another_journal_conflicts),
		T(test_office__first_batch_sets_the_base),
		T(test_office__malformed_batch_stores_nothing),
		T(test_office__too_large_batch),
		T(test_office__events_list),
		T(test_office__checkin_queues_one_mail),
		T(test_office__mail_retries_then_sent),
		T(test_office__mail_given_up),
		T(test_office__mail_message),
		T(test_office__mail_long_subject),
		T(test_office__mail_never_holds_badge_hash),
		T(test_office__commands_queue_and_ack),
		T(test_office__commands_refused),
		T(test_office__commands_of_a_restored_office_run),
		T(test_office__invite),
		T(test_office__devices),
		T(test_office__purge_keeps_unacknowledged),
	};
#undef T

	return cmocka_run_group_tests_name("office", tests, NULL, NULL);
}
