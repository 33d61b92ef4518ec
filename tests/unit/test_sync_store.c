/*
 * test_sync_store.c - the store's side of the office API, without a
 * network: invitations in the directory format, applying directory pulls
 * (full, delta, deletions and their cascades, refusals that change not a
 * byte), outbox batches and their acknowledgement, office commands run once,
 * the reply parsers and the sync status.  Stores are temporary files, looked
 * at through a second sqlite connection.  The HTTP side is test_sync_client.c's
 * and tests/integration/test_sync_client.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directory.h"
#include "err.h"
#include "journal.h"
#include "requests.h"
#include "store.h"
#include "sync_store.h"

#define NOW 1795766400000LL /* 2026-11-27T08:00:00Z */
#define LIT(s) s, strlen(s)

/* written with ' for " so that it reads in C */
static const char base_json[] =
	"{'site': {'name': 'Pôle de coopération', 'timezone': 'Europe/Paris'},"
	" 'doors': [{'id': 'entree'}, {'id': 'salle'}],"
	" 'schedules': [{'id': 'bureaux', 'windows': [{'days': 'mon-fri', 'from': '07:00', 'to': '20:00'}]},"
	"               {'id': 'soiree', 'holidays': 'open',"
	"                'windows': [{'days': 'fri', 'from': '22:00', 'to': '02:00'}]}],"
	" 'profiles': [{'id': 'resident', 'doors': ['entree'], 'schedule': 'bureaux'},"
	"              {'id': 'evenement', 'doors': ['entree', 'salle'], 'schedule': 'soiree'}],"
	" 'tenants': [{'id': 'scop-btp', 'name': 'Scop BTP', 'profiles': ['resident']},"
	"             {'id': 'asso-velo', 'name': 'Asso Vélo', 'profiles': ['resident']}],"
	" 'people': [{'id': 'p-camille', 'name': 'Camille Martin', 'tenant': 'scop-btp',"
	"             'profiles': ['evenement']},"
	"            {'id': 'p-louis', 'name': 'Louis Petit', 'tenant': 'asso-velo'},"
	"            {'id': 'p-ancien', 'name': 'Ancien', 'tenant': 'scop-btp'}],"
	" 'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille'},"
	"                 {'uid': '9B8A7C6D', 'person': 'p-louis'},"
	"                 {'uid': '04BEEF0000AA11', 'person': 'p-ancien'}],"
	" 'closures': [{'date': '2026-12-24', 'name': 'Noël'}],"
	" 'rooms': [{'id': 'salle-a', 'name': 'Salle A', 'doors': ['salle']}],"
	" 'invites': [{'id': 'inv-1', 'name': 'Dominique Roux', 'organisation': 'Mairie de Nantes',"
	"              'host': 'p-camille', 'day': '2026-11-27', 'code': 'K7P2QX'}]}";

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	const void *param; /* the table entry of a table-driven case */
};

/* ' -> " ; the caller frees */
static char *unquote(const char *quoted)
{
	char *json = strdup(quoted);

	assert_non_null(json);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return json;
}

static int import_q(struct store *st, const char *quoted, unsigned flags, char *err, size_t errlen)
{
	char *json = unquote(quoted);
	int rc = directory_import_json(st, json, strlen(json), flags, NULL, err, errlen);

	free(json);
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[512] = "";

	if (f == NULL)
		return -1;
	f->param = *state;
	snprintf(f->dir, sizeof(f->dir), "/tmp/seuil-sync-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/seuil.db", f->dir);
	if (store_open(f->path, STORE_CREATE, &f->st, err, sizeof(err)) != SEUIL_OK ||
	    import_q(f->st, base_json, 0, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d;
	struct dirent *e;
	char path[512];

	store_free(f->st);
	d = opendir(f->dir);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* one value read on a connection of its own ("NULL", or "" when no row) into buf */
static const char *sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	buf[0] = '\0';
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(stmt, 0);
		snprintf(buf, len, "%s", v != NULL ? (const char *)v : "NULL");
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return buf;
}

static long long sql_int(const char *path, const char *sql)
{
	char buf[64];

	return atoll(sql_text(path, sql, buf, sizeof(buf)));
}

#include "test_dump.h"


static int pull_q(struct store *st, const char *quoted, struct sync_pull_result *r, char *err, size_t errlen)
{
	char *json = unquote(quoted);
	int rc = sync_apply_pull(st, json, strlen(json), NOW, r, err, errlen);

	free(json);
	return rc;
}

static void pull_ok(struct store *st, const char *quoted, struct sync_pull_result *r)
{
	char err[512] = "";

	if (pull_q(st, quoted, r, err, sizeof(err)) != SEUIL_OK)
		fail_msg("pull refused: %s", err);
}

static int64_t append(struct store *st, const char *kind)
{
	struct journal_event ev;
	int64_t seq = 0;
	char err[256] = "";

	journal_event_init(&ev, kind, NOW);
	if (journal_append(st, &ev, &seq, err, sizeof(err)) != SEUIL_OK)
		fail_msg("append: %s", err);
	return seq;
}

/* ---- invitations in the directory format ---- */

static void test_sync_store__invites_import(void **state)
{
	struct fixture *f = *state;
	char buf[256], err[512] = "";

	assert_string_equal(sql_text(f->path, "SELECT name || '/' || organisation || '/' || host_person_id"
					      " || '/' || coalesce(host_tenant_id, '-') || '/' || day || '/' || code"
					      " FROM invites WHERE id = 'inv-1'", buf, sizeof(buf)),
			    "Dominique Roux/Mairie de Nantes/p-camille/-/2026-11-27/K7P2QX");
	/* a tenant as host, the same code on another day */
	assert_int_equal(import_q(f->st,
				  "{'invites': [{'id': 'inv-2', 'name': 'Alex', 'host_tenant': 'asso-velo',"
				  " 'day': '2026-11-28', 'code': 'K7P2QX'}]}", 0, err, sizeof(err)),
			 SEUIL_OK);
	assert_string_equal(sql_text(f->path, "SELECT coalesce(host_person_id, '-') || '/' || host_tenant_id"
					      " FROM invites WHERE id = 'inv-2'", buf, sizeof(buf)),
			    "-/asso-velo");
	/* arrival kept on the same day, forgotten when the day changes */
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE invites SET used_ms = 42", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(import_q(f->st,
				  "{'invites': [{'id': 'inv-1', 'name': 'Dominique Roux', 'host': 'p-camille',"
				  " 'day': '2026-11-27', 'code': 'K7P2QX'},"
				  " {'id': 'inv-2', 'name': 'Alex', 'host_tenant': 'asso-velo',"
				  " 'day': '2026-11-29', 'code': 'K7P2QX'}]}", 0, err, sizeof(err)),
			 SEUIL_OK);
	assert_string_equal(sql_text(f->path, "SELECT coalesce(used_ms, 'NULL') FROM invites WHERE id = 'inv-1'",
				     buf, sizeof(buf)), "42");
	assert_string_equal(sql_text(f->path, "SELECT coalesce(used_ms, 'NULL') FROM invites WHERE id = 'inv-2'",
				     buf, sizeof(buf)), "NULL");
	/* the organisation is the whole record's: omitted, it is cleared */
	assert_string_equal(sql_text(f->path, "SELECT coalesce(organisation, 'NULL') FROM invites"
					      " WHERE id = 'inv-1'", buf, sizeof(buf)), "NULL");
}

static void test_sync_store__invites_replace(void **state)
{
	struct fixture *f = *state;
	char *base = unquote(base_json), *cut, err[512] = "";

	/* the base without its invites section, as a replacing import */
	cut = strstr(base, ", \"invites\"");
	assert_non_null(cut);
	strcpy(cut, "}");
	assert_int_equal(directory_import_json(f->st, base, strlen(base), DIRECTORY_REPLACE, NULL, err,
					       sizeof(err)), SEUIL_OK);
	free(base);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM invites"), 0);
}

static void test_sync_store__invites_code_taken_by_stored(void **state)
{
	struct fixture *f = *state;
	char *before = dump(f->path), *after, err[512] = "";

	assert_int_equal(import_q(f->st,
				  "{'invites': [{'id': 'inv-9', 'name': 'Alex', 'host': 'p-louis',"
				  " 'day': '2026-11-27', 'code': 'K7P2QX'}]}", 0, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_string_equal(err, "$.invites[0].code: K7P2QX is already the code of invite \"inv-1\" on 2026-11-27");
	after = dump(f->path);
	assert_string_equal(before, after);
	sqlite3_free(before);
	sqlite3_free(after);
}

struct refusal {
	const char *name;
	const char *input; /* with ' for " */
	const char *message; /* the message must contain this */
};

static const struct refusal invite_refusals[] = {
	{ "code_lowercase", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
			    " 'code': 'k7p2qx'}]}",
	  "$.invites[0].code: must be 6 to 12 characters from A-Z and 2-9" },
	{ "code_short", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
			" 'code': 'K7P2Q'}]}",
	  "$.invites[0].code: must be 6 to 12" },
	{ "code_long", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
		       " 'code': 'ABCDEFGHJKLMN'}]}",
	  "$.invites[0].code" },
	{ "code_zero", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
		       " 'code': 'K7P0QX'}]}",
	  "$.invites[0].code: must be" },
	{ "code_missing", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27'}]}",
	  "$.invites[0].code: missing" },
	{ "code_number", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
			 " 'code': 123456}]}",
	  "$.invites[0].code: must be a string" },
	{ "no_host", "{'invites': [{'id': 'i', 'name': 'N', 'day': '2026-11-27', 'code': 'ABCDEF'}]}",
	  "$.invites[0]: needs a host (person id) or a host_tenant (tenant id)" },
	{ "unknown_host", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-nobody', 'day': '2026-11-27',"
			  " 'code': 'ABCDEF'}]}",
	  "$.invites[0].host: no person with id \"p-nobody\"" },
	{ "unknown_host_tenant", "{'invites': [{'id': 'i', 'name': 'N', 'host_tenant': 'x', 'day': '2026-11-27',"
				 " 'code': 'ABCDEF'}]}",
	  "$.invites[0].host_tenant: no tenant with id \"x\"" },
	{ "bad_day", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-02-30',"
		     " 'code': 'ABCDEF'}]}",
	  "$.invites[0].day: \"2026-02-30\" is not a date (YYYY-MM-DD)" },
	{ "no_day", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'code': 'ABCDEF'}]}",
	  "$.invites[0].day: missing" },
	{ "no_name", "{'invites': [{'id': 'i', 'host': 'p-louis', 'day': '2026-11-27', 'code': 'ABCDEF'}]}",
	  "$.invites[0].name: missing" },
	{ "duplicate_id", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
			  " 'code': 'ABCDEF'},"
			  " {'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27', 'code': 'ABCDEG'}]}",
	  "$.invites[1]: \"i\" is already given at $.invites[0]" },
	{ "duplicate_code", "{'invites': [{'id': 'a', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-30',"
			    " 'code': 'ABCDEF'},"
			    " {'id': 'b', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-30', 'code': 'ABCDEF'}]}",
	  "$.invites[1].code: ABCDEF is already the code of invite \"a\" on 2026-11-30" },
	{ "unknown_field", "{'invites': [{'id': 'i', 'name': 'N', 'host': 'p-louis', 'day': '2026-11-27',"
			   " 'code': 'ABCDEF', 'colour': 'red'}]}",
	  "$.invites[0]: unknown field \"colour\"" },
	{ "not_array", "{'invites': {'id': 'i'}}", "$.invites: must be an array" },
};

static void test_sync_store__invite_refused(void **state)
{
	struct fixture *f = *state;
	const struct refusal *r = f->param;
	char *before = dump(f->path), *after, err[512] = "";
	int rc = import_q(f->st, r->input, 0, err, sizeof(err));

	after = dump(f->path);
	if (rc != SEUIL_ERR_INVALID)
		fail_msg("%s: returned %d (%s)", r->name, rc, err);
	if (strstr(err, r->message) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", r->name, err, r->message);
	if (strcmp(before, after) != 0)
		fail_msg("%s: the store changed", r->name);
	sqlite3_free(before);
	sqlite3_free(after);
}

/* ---- directory pulls ---- */

static void test_sync_store__full_pull_replaces(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;
	char buf[64], err[256] = "";

	pull_ok(f->st,
		"{'cursor': '10', 'full': true, 'directory': {"
		" 'site': {'name': 'Pôle', 'timezone': 'Europe/Paris'},"
		" 'doors': [{'id': 'entree'}],"
		" 'schedules': [{'id': 'bureaux', 'windows': [{'days': 'all', 'from': '00:00', 'to': '24:00'}]}],"
		" 'profiles': [{'id': 'resident', 'doors': ['entree'], 'schedule': 'bureaux'}],"
		" 'tenants': [{'id': 'scop-btp', 'name': 'Scop BTP', 'profiles': ['resident']}],"
		" 'people': [{'id': 'p-camille', 'name': 'Camille Martin', 'tenant': 'scop-btp'}],"
		" 'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille'}],"
		" 'invites': [{'id': 'inv-2', 'name': 'Alex', 'host': 'p-camille', 'day': '2026-11-28',"
		"              'code': 'ABC234'}]},"
		" 'deleted': {}}",
		&r);
	assert_true(r.full);
	assert_true(r.changed);
	assert_string_equal(r.cursor, "10");
	assert_int_equal(r.people, 1);
	assert_int_equal(r.invites, 1);
	assert_true(r.removed >= 8); /* people, badges, tenant, schedule, profile, door, room, closure, invite */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM people"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM credentials"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM doors"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM rooms"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM closures"), 0);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(id) FROM invites", buf, sizeof(buf)), "inv-2");
	assert_string_equal(sql_text(f->path, "SELECT value FROM sync_state WHERE key = 'cursor'", buf,
				     sizeof(buf)), "10");
	assert_int_equal(sql_int(f->path, "SELECT value FROM sync_state WHERE key = 'last_pull_ms'"), NOW);
	assert_int_equal(sync_cursor(f->st, buf, sizeof(buf), err, sizeof(err)), SEUIL_OK);
	assert_string_equal(buf, "10");
}

static void test_sync_store__delta_upserts_and_deletes(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;
	char buf[128];

	/* the example, with its deletions */
	pull_ok(f->st,
		"{'cursor': '1857', 'full': false, 'directory': {"
		"  'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille', 'status': 'revoked'}],"
		"  'invites': [{'id': 'inv-31', 'name': 'Dominique Roux', 'organisation': 'Mairie de Nantes',"
		"               'host': 'p-camille', 'day': '2026-11-27', 'code': 'K7P2QY'}]},"
		" 'deleted': {'people': ['p-ancien'], 'credentials': ['04beef0000aa11'],"
		"             'closures': ['2026-12-24'], 'invites': ['inv-1', 'inv-never-seen']}}",
		&r);
	assert_false(r.full);
	assert_true(r.changed);
	assert_int_equal(r.credentials, 1);
	assert_int_equal(r.invites, 1);
	assert_int_equal(r.deleted, 4); /* person, badge, closure, inv-1 (the unknown invite is no error) */
	assert_int_equal(r.removed, 0);
	assert_string_equal(sql_text(f->path, "SELECT status FROM credentials WHERE identifier = '04A1B2C3D4E5F6'",
				     buf, sizeof(buf)), "revoked");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM people WHERE id = 'p-ancien'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM credentials"), 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM closures"), 0);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(id) FROM invites", buf, sizeof(buf)), "inv-31");
	/* what the delta did not name stays */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM people"), 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM rooms"), 1);
	assert_string_equal(sql_text(f->path, "SELECT value FROM sync_state WHERE key = 'cursor'", buf,
				     sizeof(buf)), "1857");
}

static void test_sync_store__delete_cascades(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;
	char buf[128];

	/* a tenant takes its people and their badges; their invitations lose the host */
	pull_ok(f->st, "{'cursor': 'a', 'full': false, 'deleted': {'tenants': ['scop-btp']}}", &r);
	assert_int_equal(r.deleted, 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM people WHERE tenant_id = 'scop-btp'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM credentials"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM grants WHERE tenant_id = 'scop-btp'"), 0);
	assert_string_equal(sql_text(f->path, "SELECT coalesce(host_person_id, 'NULL') FROM invites"
					      " WHERE id = 'inv-1'", buf, sizeof(buf)), "NULL");
	/* a schedule takes the profiles on it and their grants */
	pull_ok(f->st, "{'cursor': 'b', 'full': false, 'deleted': {'schedules': ['bureaux']}}", &r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM profiles"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM grants WHERE profile_id = 'resident'"), 0);
	/* a door its links; a room its doors */
	pull_ok(f->st, "{'cursor': 'c', 'full': false, 'deleted': {'doors': ['salle'], 'rooms': ['salle-a']}}",
		&r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM profile_doors WHERE door_id = 'salle'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM room_doors"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM rooms"), 0);
	/* a profile its grants and doors */
	pull_ok(f->st, "{'cursor': 'd', 'full': false, 'deleted': {'profiles': ['evenement']}}", &r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM grants"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM profile_doors"), 0);
}

/* the office lists every door in order whenever one changes: its order is the kiosk's */
static void test_sync_store__doors_follow_the_office_order(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;
	char buf[128];
	static const char order[] = "SELECT group_concat(id) FROM (SELECT id FROM doors ORDER BY position, id)";

	pull_ok(f->st, "{'cursor': 'a', 'full': false, 'directory': {'doors': [{'id': 'salle'}, {'id': 'entree'}]}}",
		&r);
	assert_string_equal(sql_text(f->path, order, buf, sizeof(buf)), "salle,entree");
	/* one door goes, another comes first, in the same reply */
	pull_ok(f->st,
		"{'cursor': 'b', 'full': false, 'directory': {'doors': [{'id': 'hall'}, {'id': 'entree'}]},"
		" 'deleted': {'doors': ['salle']}}",
		&r);
	assert_string_equal(sql_text(f->path, order, buf, sizeof(buf)), "hall,entree");
}

static void test_sync_store__changed_and_deleted_is_deleted(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;

	pull_ok(f->st,
		"{'cursor': '2', 'full': false,"
		" 'directory': {'people': [{'id': 'p-louis', 'name': 'Louis P.', 'tenant': 'asso-velo'}]},"
		" 'deleted': {'people': ['p-louis']}}",
		&r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM people WHERE id = 'p-louis'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM credentials WHERE identifier = '9B8A7C6D'"), 0);
}

static void test_sync_store__unknown_fields_ignored(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;
	char buf[64];

	pull_ok(f->st,
		"{'cursor': '3', 'full': false, 'served_by': 'office-2', 'next': {'poll_s': 30},"
		" 'directory': {'people': [{'id': 'p-louis', 'name': 'Louis Petit', 'tenant': 'asso-velo',"
		"                           'pronouns': 'il', 'photo': {'url': 'x'}}],"
		"               'parking': [{'id': 'P1'}]},"
		" 'deleted': {'parking': ['P0'], 'people': []}}",
		&r);
	assert_int_equal(r.people, 1);
	assert_string_equal(sql_text(f->path, "SELECT value FROM sync_state WHERE key = 'cursor'", buf,
				     sizeof(buf)), "3");
}

static void test_sync_store__noop_pull(void **state)
{
	struct fixture *f = *state;
	struct sync_pull_result r;

	pull_ok(f->st, "{'cursor': '7', 'full': false}", &r);
	assert_true(r.changed); /* the cursor moved */
	pull_ok(f->st, "{'cursor': '7', 'full': false, 'directory': {}, 'deleted': {}}", &r);
	assert_false(r.changed);
	assert_string_equal(r.cursor, "7");
}

static const struct refusal pull_refusals[] = {
	{ "bad_entry", "{'cursor': '99', 'full': false, 'directory': {"
		       " 'people': [{'id': 'p-new', 'name': 'New', 'tenant': 'asso-velo'},"
		       "            {'id': 'p-bad', 'name': 'Bad', 'tenant': 'scop-xyz'}],"
		       " 'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille', 'status': 'revoked'}]},"
		       " 'deleted': {'people': ['p-louis']}}",
	  "$.directory.people[1].tenant: no tenant with id \"scop-xyz\"" },
	{ "bad_deletion", "{'cursor': '99', 'full': false, 'deleted': {'people': ['p-louis', 42]}}",
	  "$.deleted.people[1]: must be a string" },
	{ "bad_deleted_uid", "{'cursor': '99', 'full': false, 'deleted': {'credentials': ['04A1B2C3D4E5']}}",
	  "$.deleted.credentials[0]: not a card UID" },
	{ "bad_deleted_date", "{'cursor': '99', 'full': false, 'deleted': {'closures': ['24/12/2026']}}",
	  "$.deleted.closures[0]: \"24/12/2026\" is not a date" },
	{ "deleted_not_array", "{'cursor': '99', 'full': false, 'deleted': {'people': 'p-louis'}}",
	  "$.deleted.people: must be an array" },
	{ "deleted_not_object", "{'cursor': '99', 'full': false, 'deleted': ['p-louis']}",
	  "$.deleted: must be an object" },
	{ "no_cursor", "{'full': false}", "$.cursor: missing" },
	{ "cursor_number", "{'cursor': 1857, 'full': false}", "$.cursor: must be a string" },
	{ "cursor_empty", "{'cursor': '', 'full': false}", "$.cursor: must be 1 to 64 bytes" },
	{ "cursor_long", "{'cursor': '0123456789012345678901234567890123456789012345678901234567890123X',"
			 " 'full': false}",
	  "$.cursor: must be 1 to 64 bytes" },
	{ "no_full", "{'cursor': '1'}", "$.full: missing" },
	{ "full_string", "{'cursor': '1', 'full': 'no'}", "$.full: must be true or false" },
	{ "directory_array", "{'cursor': '1', 'full': false, 'directory': []}", "$.directory: must be an object" },
	{ "full_without_directory", "{'cursor': '1', 'full': true}", "$.directory: missing" },
	{ "full_without_site", "{'cursor': '1', 'full': true, 'directory': {'doors': [{'id': 'x'}]}}",
	  "$.directory.site: missing" },
	{ "wrong_type_in_entry", "{'cursor': '1', 'full': false, 'directory': {'doors': [{'id': 'x',"
				 " 'unlock_ms': '5000'}]}}",
	  "$.directory.doors[0].unlock_ms: must be a whole number" },
	{ "bad_uid_redacted", "{'cursor': '1', 'full': false, 'directory': {'credentials': [{'uid': '04A1B2C3D4E5',"
			      " 'person': 'p-louis'}]}}",
	  "$.directory.credentials[0].uid: not a card UID of 4, 7 or 10 bytes in hex" },
	{ "duplicate_uid_redacted", "{'cursor': '1', 'full': false, 'directory': {'credentials': ["
				    "{'uid': '9B8A7C6D', 'person': 'p-louis'}, {'uid': '9b8a7c6d', 'person': 'p-louis'}]}}",
	  "$.directory.credentials[1]: \"9B…6D\" is already given at $.directory.credentials[0]" },
	{ "not_json", "{'cursor': '1', 'full': fals", "directory reply is not JSON" },
	{ "not_json_quotes_nothing", "{'cursor': '1', 'full': false, 'directory': {'credentials': [{'uid' '04A1B2C3D4E5F6'}]}}",
	  "directory reply is not JSON (line 1, column 84: ':' expected)" },
	{ "not_object", "['cursor', '1']", "$: the directory reply must be an object" },
	{ "duplicate_key", "{'cursor': '1', 'cursor': '2', 'full': false}", "duplicate object key" },
};

static void test_sync_store__pull_refused(void **state)
{
	struct fixture *f = *state;
	const struct refusal *r = f->param;
	struct sync_pull_result res;
	char *before, *after, err[512] = "", cursor[80];
	int rc;

	pull_ok(f->st, "{'cursor': 'old', 'full': false}", &res);
	before = dump(f->path);
	rc = pull_q(f->st, r->input, &res, err, sizeof(err));
	after = dump(f->path);
	if (rc != SEUIL_ERR_INVALID)
		fail_msg("%s: returned %d (%s)", r->name, rc, err);
	if (strstr(err, r->message) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", r->name, err, r->message);
	if (strchr(err, '\n') != NULL || strstr(err, "9B8A7C6D") != NULL || strstr(err, "04A1B2C3D4E5") != NULL)
		fail_msg("%s: \"%s\" is not one line without a card UID", r->name, err);
	if (strcmp(before, after) != 0)
		fail_msg("%s: the store changed", r->name);
	assert_int_equal(sync_cursor(f->st, cursor, sizeof(cursor), err, sizeof(err)), SEUIL_OK);
	assert_string_equal(cursor, "old");
	sqlite3_free(before);
	sqlite3_free(after);
}

static void test_sync_store__pull_too_large(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	/* refused on its length alone, before a byte is read */
	assert_int_equal(sync_apply_pull(f->st, "{}", (size_t)SYNC_REPLY_MAX + 1, NOW, NULL, err, sizeof(err)),
			 SEUIL_ERR_TOO_LARGE);
}

/* ---- the outbox ---- */

static void test_sync_store__outbox_batches_oldest_first(void **state)
{
	struct fixture *f = *state;
	int64_t seqs[7], first, last, stored;
	char *body = NULL, err[256] = "";
	json_t *root, *events;
	int count;

	for (int i = 0; i < 7; i++)
		seqs[i] = append(f->st, i % 2 ? "checkin" : "decision");
	assert_int_equal(sync_outbox_batch(f->st, "entree-1", 3, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(count, 3);
	assert_int_equal(first, seqs[0]);
	assert_int_equal(last, seqs[2]);
	root = json_loads(body, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "device")), "entree-1");
	events = json_object_get(root, "events");
	assert_int_equal(json_array_size(events), 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(events, i), "seq")), seqs[i]);
	json_decref(root);
	free(body);
	/* unacknowledged, the same batch comes again */
	assert_int_equal(sync_outbox_batch(f->st, NULL, 3, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(first, seqs[0]);
	assert_non_null(strstr(body, "{\"device\":\"kiosk-1\",\"oldest\":1,\"events\":[{\"seq\":"));
	free(body);
	assert_int_equal(sync_outbox_ack(f->st, last, &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(stored, seqs[2]);
	assert_int_equal(sync_outbox_batch(f->st, NULL, 3, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(first, seqs[3]);
	assert_int_equal(last, seqs[5]);
	free(body);
	assert_int_equal(sync_outbox_ack(f->st, seqs[6], &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_outbox_batch(f->st, NULL, 3, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	/* an empty batch still goes: the office's answer says what it holds */
	assert_int_equal(count, 0);
	assert_non_null(strstr(body, "\"events\":[]}"));
	assert_int_equal(first - 1, seqs[6]);
	free(body);
	/* out of range */
	assert_int_equal(sync_outbox_batch(f->st, NULL, 0, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
}

static void sql_run(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* an office restored from an older backup acknowledges less than before */
static void test_sync_store__outbox_ack_back_after_office_restore(void **state)
{
	struct fixture *f = *state;
	int64_t stored = 0, acked = 0, pending = 0, first, last;
	char *body = NULL, err[256] = "";
	int count;

	for (int i = 0; i < 6; i++)
		append(f->st, "decision");
	assert_int_equal(sync_outbox_ack(f->st, 4, &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(stored, 4);
	/* the journal still holds 3 and 4: they are sent again */
	assert_int_equal(sync_outbox_ack(f->st, 2, &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(stored, 2);
	assert_int_equal(sql_int(f->path, "SELECT value FROM sync_state WHERE key = 'acked_seq'"), 2);
	assert_int_equal(sync_outbox_state(f->st, &acked, &pending, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(pending, 4);
	assert_int_equal(sync_outbox_batch(f->st, NULL, 10, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(first, 3);
	assert_int_equal(count, 4);
	/* every batch tells the oldest event the kiosk still holds */
	assert_non_null(strstr(body, "\"oldest\":1,"));
	free(body);
	assert_int_equal(sync_outbox_ack(f->st, 6, &stored, err, sizeof(err)), SEUIL_OK);
	/* 1 to 4 purged after their retention: the kiosk goes back no further than it can send */
	sql_run(f->path, "DELETE FROM events WHERE seq <= 4");
	assert_int_equal(sync_outbox_ack(f->st, 1, &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(stored, 4);
	assert_int_equal(sync_outbox_batch(f->st, NULL, 10, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(first, 5);
	assert_non_null(strstr(body, "\"oldest\":5,"));
	free(body);
}

/* an office holding more of this device than the journal ever wrote: an
 * earlier journal's (re-initialised kiosk), told by a 409; this one's follow it */
static void test_sync_store__outbox_renumbers_after_another_journal(void **state)
{
	struct fixture *f = *state;
	int64_t stored = -1, first, last, moved = -1;
	char *body = NULL, err[256] = "";
	int count;

	append(f->st, "decision");
	append(f->st, "decision");
	append(f->st, "alarm");
	assert_int_equal(sync_outbox_ack(f->st, 1, &stored, err, sizeof(err)), SEUIL_OK);
	/* an acknowledgement beyond the newest event moves nothing */
	assert_int_equal(sync_outbox_ack(f->st, 500, &stored, err, sizeof(err)), SEUIL_ERR_NETWORK);
	assert_non_null(strstr(err, "newest event is 3"));
	assert_int_equal(sql_int(f->path, "SELECT max(seq) FROM events"), 3);
	/* the office's 409 says 500: events 2 and 3 become 501 and 502, in order */
	assert_int_equal(sync_outbox_renumber(f->st, 500, &moved, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(moved, 2);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(seq || kind, ',') FROM (SELECT seq, kind FROM events"
					      " ORDER BY seq)", err, sizeof(err)),
			    "1decision,501decision,502alarm");
	assert_int_equal(sync_outbox_batch(f->st, NULL, 10, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(first, 501);
	assert_int_equal(count, 2);
	assert_non_null(strstr(body, "\"oldest\":501,"));
	free(body);
	/* the next event follows */
	assert_int_equal(append(f->st, "decision"), 503);
	/* a 409 from the office: its newest is 1000 */
	assert_int_equal(sync_outbox_renumber(f->st, 1000, &moved, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(moved, 3);
	assert_int_equal(sql_int(f->path, "SELECT max(seq) FROM events"), 1003);
	assert_int_equal(append(f->st, "decision"), 1004);
	/* below what the journal already sent, or past 2^53: refused, nothing moves */
	err[0] = '\0';
	assert_int_equal(sync_outbox_renumber(f->st, 900, &moved, err, sizeof(err)), SEUIL_ERR_NETWORK);
	assert_non_null(strstr(err, "cannot follow"));
	assert_int_equal(sync_outbox_renumber(f->st, 9007199254740990LL, &moved, err, sizeof(err)), SEUIL_ERR_NETWORK);
	assert_int_equal(sql_int(f->path, "SELECT max(seq) FROM events"), 1004);
	assert_int_equal(sql_int(f->path, "SELECT value FROM sync_state WHERE key = 'acked_seq'"), 1000);
	err[0] = '\0';
	assert_int_equal(sync_outbox_ack(f->st, -1, &stored, err, sizeof(err)), SEUIL_ERR_NETWORK);
}

static void test_sync_store__outbox_nothing_deleted_before_ack(void **state)
{
	struct fixture *f = *state;
	int64_t first, last, stored;
	char *body, err[256] = "";
	int count;

	for (int i = 0; i < 4; i++)
		append(f->st, "decision");
	assert_int_equal(sync_outbox_batch(f->st, NULL, 10, &body, &first, &last, &count, err, sizeof(err)),
			 SEUIL_OK);
	free(body);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events"), 4);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM outbox"), 4);
	/* no acknowledgement was ever stored: the first one, even 0, is */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sync_state WHERE key = 'acked_seq'"), 0);
	assert_int_equal(sync_outbox_ack(f->st, 0, &stored, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sync_state WHERE key = 'acked_seq'"), 1);
	assert_int_equal(sync_outbox_ack(f->st, 2, &stored, err, sizeof(err)), SEUIL_OK);
	/* acknowledged events leave the outbox, not the journal */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events"), 4);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM outbox"), 2);
}

/* ---- office commands ---- */

static void commands_ok(struct store *st, const char *quoted, struct sync_commands_result *r)
{
	char *json = unquote(quoted), err[256] = "";
	int rc = sync_apply_commands(st, json, strlen(json), NOW, r, err, sizeof(err));

	free(json);
	if (rc != SEUIL_OK)
		fail_msg("commands refused: %s", err);
}

static void test_sync_store__commands_run_once(void **state)
{
	static const char reply[] =
		"{'commands': ["
		"  {'id': 88, 'command': 'lockdown', 'arg': 'on', 'issued': '2026-11-27T09:12:00Z'},"
		"  {'id': 89, 'command': 'unlock_for', 'arg': '600', 'issued': '2026-11-27T09:13:00Z'},"
		"  {'id': 90, 'command': 'sync_now', 'arg': '', 'issued': '2026-11-27T09:14:00Z'}]}";
	struct fixture *f = *state;
	struct sync_commands_result r;
	struct request req;
	char buf[256], err[256] = "";
	long long events;

	commands_ok(f->st, reply, &r);
	assert_int_equal(r.executed, 3);
	assert_int_equal(r.refused, 0);
	assert_int_equal(r.repeated, 0);
	assert_true(r.sync_now);
	assert_int_equal(r.nids, 3);
	assert_int_equal(r.ids[0], 88);
	assert_int_equal(r.ids[2], 90);
	sync_commands_result_release(&r);
	assert_int_equal(sql_int(f->path, "SELECT value FROM settings WHERE key = 'lockdown'"), 1);
	assert_string_equal(sql_text(f->path, "SELECT kind || '/' || reason || '/' || detail FROM events"
					      " WHERE kind = 'lockdown'", buf, sizeof(buf)),
			    "lockdown/on/office");
	assert_string_equal(sql_text(f->path, "SELECT group_concat(reason || ' ' || detail, ';') FROM events"
					      " WHERE kind = 'command'", buf, sizeof(buf)),
			    "executed {\"id\":89,\"command\":\"unlock_for\",\"arg\":\"600\"};"
			    "executed {\"id\":90,\"command\":\"sync_now\",\"arg\":\"\"}");
	/* the door process takes the unlock */
	assert_int_equal(request_take(f->st, "unlock_for", NOW, &req, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(req.body, "600");
	/* fetched again (the acknowledgement was lost): acknowledged, not run again */
	events = sql_int(f->path, "SELECT count(*) FROM events");
	commands_ok(f->st, reply, &r);
	assert_int_equal(r.executed, 0);
	assert_int_equal(r.repeated, 3);
	assert_false(r.sync_now);
	assert_int_equal(r.nids, 3);
	sync_commands_result_release(&r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events"), events);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM requests"), 1);
	/* lockdown off */
	commands_ok(f->st, "{'commands': [{'id': 91, 'command': 'lockdown', 'arg': 'off'}]}", &r);
	assert_int_equal(r.executed, 1);
	sync_commands_result_release(&r);
	assert_int_equal(sql_int(f->path, "SELECT value FROM settings WHERE key = 'lockdown'"), 0);
}

static void test_sync_store__commands_unknown_refused(void **state)
{
	struct fixture *f = *state;
	struct sync_commands_result r;
	char buf[512];

	commands_ok(f->st,
		    "{'commands': [{'id': 1, 'command': 'self_destruct', 'arg': 'now'},"
		    " {'id': 2, 'command': 'unlock_for', 'arg': '43201'},"
		    " {'id': 3, 'command': 'unlock_for', 'arg': '10s'},"
		    " {'id': 4, 'command': 'lockdown', 'arg': 'maybe'},"
		    " {'id': 5, 'command': 'unlock_for', 'arg': '0'},"
		    " {'id': 6, 'command': 'a-command-name-far-too-long-to-be-one-we-know', 'arg': 'x'},"
		    " {'id': 7, 'command': 'unlock_for'}]}",
		    &r);
	assert_int_equal(r.refused, 6);
	assert_int_equal(r.executed, 1); /* unlock_for 0 ends an unlock */
	assert_int_equal(r.nids, 7);
	sync_commands_result_release(&r);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events WHERE kind = 'command'"
					  " AND reason = 'refused'"), 6);
	assert_string_equal(sql_text(f->path, "SELECT detail FROM events WHERE kind = 'command' ORDER BY seq",
				     buf, sizeof(buf)),
			    "{\"id\":1,\"command\":\"self_destruct\",\"arg\":\"now\"}");
	assert_int_equal(sql_int(f->path, "SELECT value FROM settings WHERE key = 'lockdown'"), 0);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(body) FROM requests", buf, sizeof(buf)), "0");
}

/* an unlock the kiosk fetches long after the office issued it opens nothing */
static void test_sync_store__commands_late_unlock_expired(void **state)
{
	struct fixture *f = *state;
	struct sync_commands_result r;
	char buf[512];

	/* NOW is 08:00Z: 07:55 is in time, 07:40 is not, an unreadable time is refused */
	commands_ok(f->st,
		    "{'commands': [{'id': 1, 'command': 'unlock_for', 'arg': '60', 'issued': '2026-11-27T07:40:00Z'},"
		    " {'id': 2, 'command': 'unlock_for', 'arg': '120', 'issued': 'friday evening'},"
		    " {'id': 3, 'command': 'lockdown', 'arg': 'on', 'issued': '2026-11-20T07:40:00Z'},"
		    " {'id': 4, 'command': 'unlock_for', 'arg': '300', 'issued': '2026-11-27T07:55:00Z'}]}",
		    &r);
	assert_int_equal(r.executed, 2);
	assert_int_equal(r.refused, 2);
	sync_commands_result_release(&r);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(reason, ',') FROM (SELECT reason FROM events"
					      " WHERE kind = 'command' ORDER BY seq)", buf, sizeof(buf)),
			    "expired,refused,executed");
	assert_string_equal(sql_text(f->path, "SELECT group_concat(body) FROM requests", buf, sizeof(buf)), "300");
	assert_int_equal(sql_int(f->path, "SELECT value FROM settings WHERE key = 'lockdown'"), 1);
}

static void test_sync_store__commands_malformed_run_nothing(void **state)
{
	static const char *const replies[] = {
		"{'commands': [{'id': 1, 'command': 'lockdown', 'arg': 'on'}, {'id': '2', 'command': 'sync_now'}]}",
		"{'commands': [{'id': 1, 'command': 'lockdown', 'arg': 'on'}, {'command': 'sync_now'}]}",
		"{'commands': [{'id': 1, 'command': 'lockdown', 'arg': 'on'}, {'id': 2, 'command': 3}]}",
		"{'commands': [{'id': 1, 'command': 'lockdown', 'arg': true}]}",
		"{'commands': [{'id': -1, 'command': 'lockdown', 'arg': 'on'}]}",
		"{'commands': {'id': 1}}",
		"{'orders': []}",
		"[]",
		"{'commands': [",
	};
	struct fixture *f = *state;
	struct sync_commands_result r;
	char *before = dump(f->path), *after, err[256];

	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		char *json = unquote(replies[i]);
		err[0] = '\0';
		if (sync_apply_commands(f->st, json, strlen(json), NOW, &r, err, sizeof(err)) != SEUIL_ERR_INVALID)
			fail_msg("accepted: %s", replies[i]);
		free(json);
		assert_true(err[0] != '\0');
	}
	after = dump(f->path);
	assert_string_equal(before, after);
	sqlite3_free(before);
	sqlite3_free(after);
}

static void test_sync_store__commands_ack_body(void **state)
{
	struct fixture *f = *state;
	int64_t ids[] = { 88, 89, 90 };
	char *body = sync_commands_ack_body(f->st, "entree-1", ids, 3);

	assert_string_equal(body, "{\"device\":\"entree-1\",\"ids\":[88,89,90]}");
	free(body);
	body = sync_commands_ack_body(f->st, NULL, ids, 0);
	assert_string_equal(body, "{\"device\":\"kiosk-1\",\"ids\":[]}");
	free(body);
}

/* ---- the other replies ---- */

static void test_sync_store__reply_parsers(void **state)
{
	int64_t v = -5;
	char err[256] = "", msg[32];
	struct sync_command_list list;

	(void)state;
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked_seq\": 1202}"), &v, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(v, 1202);
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked_seq\": 0, \"extra\": [1]}"), &v, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked_seq\": -1}"), &v, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked_seq\": \"5\"}"), &v, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked\": 5}"), &v, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(sync_parse_events_ack(LIT("{\"acked_seq\": 5.5}"), &v, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_int_equal(sync_parse_events_ack(LIT("<html>"), &v, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(v, 7); /* written on success only */
	assert_int_equal(sync_parse_commands_ack(LIT("{\"acked\": 3}"), &v, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(v, 3);
	assert_int_equal(sync_parse_commands_ack(LIT("{\"acked\": null}"), &v, err, sizeof(err)), SEUIL_ERR_INVALID);
	/* a NUL inside a string is malformed JSON for jansson */
	{
		static const char nul[] = "{\"commands\":[{\"id\":1,\"command\":\"sync\\u0000now\"}]}";
		assert_int_equal(sync_parse_commands(nul, strlen(nul), &list, err, sizeof(err)), SEUIL_ERR_INVALID);
	}
	/* a long name is kept cut, marked to be refused */
	{
		static const char longer[] = "{\"commands\":[{\"id\":1,\"command\":\"sync_now\","
					     " \"arg\":\"ééééééééééééééééééééééééééééééééééééééééééééééééé\"}]}";
		assert_int_equal(sync_parse_commands(longer, strlen(longer), &list, err, sizeof(err)), SEUIL_OK);
		assert_int_equal(list.count, 1);
		assert_true(list.items[0].too_long);
		assert_int_equal(strlen(list.items[0].arg), 62); /* 31 whole characters of 2 bytes */
		sync_command_list_release(&list);
	}
	sync_command_list_release(NULL);
	/* error replies */
	assert_true(sync_parse_error(LIT("{\"error\": \"device mismatch\\nagain\"}"), msg, sizeof(msg)));
	assert_string_equal(msg, "device mismatch again");
	assert_true(sync_parse_error(LIT("{\"error\": \"a message far longer than the buffer\"}"), msg, 8));
	assert_string_equal(msg, "a messa");
	assert_false(sync_parse_error(LIT("{\"message\": \"x\"}"), msg, sizeof(msg)));
	assert_false(sync_parse_error(LIT("Bad gateway"), msg, sizeof(msg)));
}

/* ---- allocation failures ---- */

static long alloc_countdown = -1; /* -1: never fail */
static long alloc_calls;

static void *failing_malloc(size_t size)
{
	alloc_calls++;
	if (alloc_countdown == 0)
		return NULL;
	if (alloc_countdown > 0)
		alloc_countdown--;
	return malloc(size);
}

/* fails jansson's 1st, 2nd, ... allocation in turn: an error each time, nothing applied, nothing leaked */
static void test_sync_store__alloc_fail(void **state)
{
	static const char pull[] =
		"{'cursor': 'a1', 'full': false, 'directory': {"
		" 'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille', 'status': 'revoked'}],"
		" 'invites': [{'id': 'inv-31', 'name': 'Dominique Roux', 'host': 'p-camille', 'day': '2026-11-27',"
		"              'code': 'K7P2QY'}]},"
		" 'deleted': {'people': ['p-ancien']}}";
	static const char commands[] =
		"{'commands': [{'id': 88, 'command': 'lockdown', 'arg': 'on'},"
		" {'id': 89, 'command': 'unlock_for', 'arg': '600'}, {'id': 90, 'command': 'x', 'arg': ''}]}";
	struct fixture *f = *state;
	char *pull_json = unquote(pull), *commands_json = unquote(commands), *before, *after, err[256];
	struct sync_pull_result r;
	struct sync_commands_result c;
	long total;
	int rc;

	json_set_alloc_funcs(failing_malloc, free);
	before = dump(f->path);
	alloc_countdown = -1;
	alloc_calls = 0;
	/* count on a store of its own: the real one must stay as it is */
	{
		struct store *scratch;
		assert_int_equal(store_open(":memory:", STORE_CREATE, &scratch, err, sizeof(err)), SEUIL_OK);
		assert_int_equal(import_q(scratch, base_json, 0, err, sizeof(err)), SEUIL_OK);
		alloc_calls = 0;
		assert_int_equal(sync_apply_pull(scratch, pull_json, strlen(pull_json), NOW, &r, err, sizeof(err)),
				 SEUIL_OK);
		store_free(scratch);
	}
	total = alloc_calls;
	assert_true(total > 0);
	for (long n = 0; n < total; n++) {
		alloc_countdown = n;
		err[0] = '\0';
		rc = sync_apply_pull(f->st, pull_json, strlen(pull_json), NOW, &r, err, sizeof(err));
		if (rc == SEUIL_OK)
			break; /* fewer allocations on this store: nothing left to fail */
		assert_true(rc == SEUIL_ERR_NOMEM || rc == SEUIL_ERR_INVALID);
		assert_true(err[0] != '\0');
		after = dump(f->path);
		assert_string_equal(before, after);
		sqlite3_free(after);
	}
	/* commands: a failure stops before acknowledging; what ran is remembered, never run twice */
	alloc_countdown = -1;
	for (long n = 0; n < 200; n++) {
		alloc_countdown = n;
		rc = sync_apply_commands(f->st, commands_json, strlen(commands_json), NOW, &c, err, sizeof(err));
		if (rc == SEUIL_OK) {
			sync_commands_result_release(&c);
			break;
		}
		assert_true(rc == SEUIL_ERR_NOMEM || rc == SEUIL_ERR_INVALID);
	}
	alloc_countdown = -1;
	json_set_alloc_funcs(malloc, free);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events WHERE kind = 'lockdown'"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM events WHERE kind = 'command'"), 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sync_state WHERE key LIKE 'command:%'"), 3);
	sqlite3_free(before);
	free(pull_json);
	free(commands_json);
}

/* ---- status ---- */

static void test_sync_store__status(void **state)
{
	struct fixture *f = *state;
	struct sync_status s;
	struct store_summary sum;
	struct sync_pull_result r;
	char err[256] = "", long_error[400];

	assert_int_equal(sync_status_read(f->st, NOW, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.last_success_ms, 0);
	assert_int_equal(s.data_age_ms, -1);
	append(f->st, "decision");
	append(f->st, "decision");
	memset(long_error, 'x', sizeof(long_error) - 1);
	long_error[sizeof(long_error) - 1] = '\0';
	assert_int_equal(sync_status_write(f->st, NOW, long_error, NOW + 2000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_status_read(f->st, NOW + 10, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.last_success_ms, 0);
	assert_int_equal(s.last_error_ms, NOW);
	assert_int_equal(strlen(s.last_error), SYNC_ERROR_MAX - 1);
	assert_int_equal(s.outbox, 2);
	assert_int_equal(s.next_attempt_ms, NOW + 2000);
	assert_int_equal(sql_int(f->path, "SELECT value FROM sync_state WHERE key = 'outbox'"), 2);
	/* a success clears the error; the data age counts from the last pull */
	pull_ok(f->st, "{'cursor': '5', 'full': false}", &r);
	assert_int_equal(sync_status_write(f->st, NOW + 1000, NULL, NOW + 61000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_status_read(f->st, NOW + 5000, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.last_success_ms, NOW + 1000);
	assert_int_equal(s.last_attempt_ms, NOW + 1000);
	assert_string_equal(s.last_error, "");
	assert_int_equal(s.last_error_ms, 0);
	assert_int_equal(s.data_age_ms, 5000);
	assert_string_equal(s.cursor, "5");
	/* what `seuilctl status` shows */
	assert_int_equal(store_summarize(f->st, &sum, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(sum.last_sync, "2026-11-27T08:00:01Z");
	assert_string_equal(sum.last_error, "");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup_teardown(test_sync_store__invites_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__invites_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__invites_code_taken_by_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__full_pull_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__delta_upserts_and_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__delete_cascades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__doors_follow_the_office_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__changed_and_deleted_is_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__unknown_fields_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__noop_pull, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__pull_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__outbox_batches_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__outbox_ack_back_after_office_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__outbox_renumbers_after_another_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__outbox_nothing_deleted_before_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__commands_run_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__commands_unknown_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__commands_late_unlock_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__commands_malformed_run_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__commands_ack_body, setup, teardown),
		cmocka_unit_test(test_sync_store__reply_parsers),
		cmocka_unit_test_setup_teardown(test_sync_store__status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_store__alloc_fail, setup, teardown),
	};
	enum {
		NFIXED = sizeof(fixed) / sizeof(fixed[0]),
		NINV = sizeof(invite_refusals) / sizeof(invite_refusals[0]),
		NPULL = sizeof(pull_refusals) / sizeof(pull_refusals[0]),
	};
	static struct CMUnitTest tests[NFIXED + NINV + NPULL];
	static char names[NINV + NPULL][96];
	size_t n = NFIXED;

	memcpy(tests, fixed, sizeof(fixed));
	for (size_t i = 0; i < NINV; i++, n++) {
		snprintf(names[n - NFIXED], sizeof(names[0]), "test_sync_store__invite_refuses_%s",
			 invite_refusals[i].name);
		tests[n] = (struct CMUnitTest){ .name = names[n - NFIXED],
						.test_func = test_sync_store__invite_refused,
						.setup_func = setup,
						.teardown_func = teardown,
						.initial_state = (void *)&invite_refusals[i] };
	}
	for (size_t i = 0; i < NPULL; i++, n++) {
		snprintf(names[n - NFIXED], sizeof(names[0]), "test_sync_store__pull_refuses_%s",
			 pull_refusals[i].name);
		tests[n] = (struct CMUnitTest){ .name = names[n - NFIXED],
						.test_func = test_sync_store__pull_refused,
						.setup_func = setup,
						.teardown_func = teardown,
						.initial_state = (void *)&pull_refusals[i] };
	}
	return _cmocka_run_group_tests("sync_store", tests, n, NULL, NULL);
}
