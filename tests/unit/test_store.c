/*
 * test_store.c - opening the database (creation, migration, refusals),
 * its pragmas, settings, several handles on one file, and what the store
 * keeps of decisions: the journal, the outbox view and retention.  The
 * sqlite3 API is used directly only to prepare odd files and to look at the
 * database from a second connection.  Decisions themselves are
 * test_rights.c's; imports test_directory.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civil.h"
#include "credentials.h"
#include "directory.h"
#include "err.h"
#include "journal.h"
#include "rights.h"
#include "store.h"
#include "test_util.h"

static const char example_json[] =
	"{\"site\": {\"name\": \"Pôle de coopération\", \"timezone\": \"Europe/Paris\"},"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée principale\"}],"
	" \"schedules\": [{\"id\": \"bureaux\", \"holidays\": \"closed\","
	"   \"windows\": [{\"days\": \"mon-fri\", \"from\": \"07:00\", \"to\": \"20:00\"},"
	"                 {\"days\": \"sat\", \"from\": \"09:00\", \"to\": \"13:00\"}]}],"
	" \"profiles\": [{\"id\": \"resident\", \"doors\": [\"entree\"], \"schedule\": \"bureaux\"}],"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\", \"profiles\": [\"resident\"]}],"
	" \"people\": [{\"id\": \"p-camille\", \"name\": \"Camille Martin\", \"tenant\": \"scop-btp\"}],"
	" \"credentials\": [{\"uid\": \"04A1B2C3D4E5F6\", \"person\": \"p-camille\"}]}";

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (test_tmpdir_make(f->dir, sizeof(f->dir), "store") != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/seuil.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* the whole file, for before/after comparisons; *len gets its size */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, fp), *len);
	fclose(fp);
	return buf;
}

/* runs sql on a connection of its own, as another program would */
static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* the first column of the first row of sql, as text, into buf */
static const char *sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	buf[0] = '\0';
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return buf;
}

static struct store *open_store(const char *path, unsigned flags)
{
	struct store *st = NULL;
	char err[512] = "";

	if (store_open(path, flags, &st, err, sizeof(err)) != SEUIL_OK)
		fail_msg("store_open(%s): %s", path, err);
	return st;
}

/* the refusal of a file: the code, a one-line message naming it, the file unchanged */
static void expect_refused(const char *path, int code, const char *mentions)
{
	struct store *st = NULL;
	unsigned char *before, *after;
	size_t n0, n1;
	char err[512] = "", side[160];
	bool same, wal;
	int rc;

	before = slurp(path, &n0);
	rc = store_open(path, 0, &st, err, sizeof(err));
	store_free(st);
	after = slurp(path, &n1);
	if (rc != code || st != NULL || err[0] == '\0' || strchr(err, '\n') != NULL ||
	    strstr(err, path) == NULL || (mentions != NULL && strstr(err, mentions) == NULL)) {
		free(before);
		free(after);
		fail_msg("store_open = %d (expected %d): \"%s\" should be one line naming %s%s%s", rc, code,
			 err, path, mentions ? " and " : "", mentions ? mentions : "");
	}
	same = n0 == n1 && memcmp(before, after, n0) == 0;
	wal = n0 == n1 && n0 > 19 && before[18] != after[18];
	free(before);
	free(after);
	if (!same)
		fail_msg("store_open changed the file it refused (%zu -> %zu bytes%s)", n0, n1,
			 wal ? ", journal mode switched to WAL" : "");
	snprintf(side, sizeof(side), "%s-wal", path);
	assert_false(exists(side));
}

/* --- opening ------------------------------------------------------------------ */

static void test_store__create_new_file(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	char buf[64];

	assert_false(exists(f->path));
	st = open_store(f->path, STORE_CREATE);
	assert_true(exists(f->path));
	assert_string_equal(store_path(st), f->path);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(STORE_SCHEMA_VERSION, 1);
	store_free(st);
	assert_string_equal(sql_text(f->path, "PRAGMA user_version", buf, sizeof(buf)), "1");
	assert_string_not_equal(sql_text(f->path, "PRAGMA application_id", buf, sizeof(buf)), "0");
	/* opening again without STORE_CREATE keeps it as it is */
	st = open_store(f->path, 0);
	assert_int_equal(store_schema_version(st), 1);
	store_free(st);
	store_free(NULL);
}

static void test_store__missing_file_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char err[512] = "";

	assert_int_equal(store_open(f->path, 0, &st, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_null(st);
	assert_non_null(strstr(err, f->path));
	assert_null(strchr(err, '\n'));
	assert_false(exists(f->path));
	assert_int_equal(store_open("", STORE_CREATE, &st, NULL, 0), SEUIL_ERR_INVALID);
	assert_int_equal(store_open(NULL, STORE_CREATE, &st, NULL, 0), SEUIL_ERR_INVALID);
}

/* a 0-byte file (touch seuil.db) is an empty database: migrated to version 1 */
static void test_store__empty_file_is_migrated(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	FILE *fp = fopen(f->path, "w");
	char buf[64];

	assert_non_null(fp);
	fclose(fp);
	st = open_store(f->path, 0);
	assert_int_equal(store_schema_version(st), 1);
	store_free(st);
	assert_string_equal(sql_text(f->path, "PRAGMA user_version", buf, sizeof(buf)), "1");
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'credentials'",
				     buf, sizeof(buf)), "1");
}

/* a database from a newer Seuil is refused, named, and left exactly as it was */
static void test_store__newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	sql_exec(f->path, "PRAGMA application_id = 1399158124;" /* 0x5365756c, Seuil's */
			  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
			  "PRAGMA user_version = 99;");
	expect_refused(f->path, SEUIL_ERR_SCHEMA, "99");
	assert_string_equal(sql_text(f->path, "PRAGMA user_version", buf, sizeof(buf)), "99");
	assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf, sizeof(buf)), "delete");
}

/* the same refusal for a newer database already in WAL mode, as Seuil leaves its files */
static void test_store__newer_wal_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	sql_exec(f->path, "PRAGMA journal_mode = WAL; PRAGMA application_id = 1399158124;"
			  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
			  "PRAGMA user_version = 2;");
	expect_refused(f->path, SEUIL_ERR_SCHEMA, "version 2");
	assert_string_equal(sql_text(f->path, "PRAGMA user_version", buf, sizeof(buf)), "2");
}

static void test_store__not_sqlite_is_refused(void **state)
{
	struct fixture *f = *state;
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("person,name,tenant\np-1,Camille,scop-btp\n", fp);
	fclose(fp);
	expect_refused(f->path, SEUIL_ERR_INVALID, NULL);
}

/* another program's database: refused, and not turned into a Seuil one */
static void test_store__foreign_sqlite_is_refused(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	sql_exec(f->path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
			  "INSERT INTO customers(name) VALUES ('Dupont');");
	expect_refused(f->path, SEUIL_ERR_INVALID, NULL);
	assert_string_equal(sql_text(f->path, "PRAGMA application_id", buf, sizeof(buf)), "0");
	assert_string_equal(sql_text(f->path, "PRAGMA user_version", buf, sizeof(buf)), "0");
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM sqlite_schema", buf, sizeof(buf)), "1");
	assert_string_equal(sql_text(f->path, "SELECT name FROM customers", buf, sizeof(buf)), "Dupont");
}

static void test_store__foreign_application_id_is_refused(void **state)
{
	struct fixture *f = *state;

	sql_exec(f->path, "PRAGMA application_id = 42; PRAGMA user_version = 1;");
	expect_refused(f->path, SEUIL_ERR_INVALID, NULL);
}

static void test_store__directory_is_refused(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char err[512] = "";

	assert_int_equal(store_open(f->dir, STORE_CREATE, &st, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, f->dir));
	assert_null(st);
}

/* WAL, seen from another connection; foreign keys, seen by their cascades */
static void test_store__wal_and_foreign_keys(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	const char *without = "{\"site\": {\"name\": \"S\"}, \"doors\": [{\"id\": \"entree\"}],"
			      " \"schedules\": [{\"id\": \"bureaux\", \"windows\": []}]}";
	char buf[64], err[512] = "";

	assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
	assert_int_equal(directory_import_json(st, example_json, strlen(example_json), 0, NULL, err,
					       sizeof(err)), SEUIL_OK);
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM profile_doors", buf, sizeof(buf)), "1");
	/* the profile goes: its door links and grants must go with it (ON DELETE CASCADE) */
	if (directory_import_json(st, without, strlen(without), DIRECTORY_REPLACE, NULL, err, sizeof(err)) !=
	    SEUIL_OK)
		fail_msg("replace: %s", err);
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM profile_doors", buf, sizeof(buf)), "0");
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM grants", buf, sizeof(buf)), "0");
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM credentials", buf, sizeof(buf)), "0");
	assert_string_equal(sql_text(f->path, "SELECT count(*) FROM pragma_foreign_key_check", buf,
				     sizeof(buf)), "0");
	store_free(st);
}

/* --- settings, handles, site time ------------------------------------------- */

static void test_store__default_settings(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE), *other;
	char key[128], key2[128], buf[64], path2[160];

	assert_int_equal(store_setting_get(st, "journal_key", NULL, key, sizeof(key)), SEUIL_OK);
	assert_int_equal(strlen(key), 64);
	assert_int_equal(strspn(key, "0123456789abcdef"), 64);
	assert_int_equal(store_setting_get(st, "device_id", NULL, buf, sizeof(buf)), SEUIL_OK);
	assert_string_equal(buf, "kiosk-1");
	assert_int_equal(store_setting_int(st, "lockdown", -1), 0);
	snprintf(path2, sizeof(path2), "%s/other.db", f->dir);
	other = open_store(path2, STORE_CREATE);
	assert_int_equal(store_setting_get(other, "journal_key", NULL, key2, sizeof(key2)), SEUIL_OK);
	assert_string_not_equal(key, key2); /* one key per device */
	store_free(other);
	store_free(st);
}

static void test_store__settings_get_set(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	char buf[64], small[4], err[256] = "", big[STORE_VALUE_MAX + 8];

	assert_int_equal(store_setting_get(st, "kiosk_title", "Bienvenue", buf, sizeof(buf)), SEUIL_ERR_NOT_FOUND);
	assert_string_equal(buf, "Bienvenue");
	assert_int_equal(store_setting_get(st, "kiosk_title", NULL, buf, sizeof(buf)), SEUIL_ERR_NOT_FOUND);
	assert_string_equal(buf, "");
	assert_int_equal(store_setting_set(st, "kiosk_title", "Pôle", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_get(st, "kiosk_title", "x", buf, sizeof(buf)), SEUIL_OK);
	assert_string_equal(buf, "Pôle");
	assert_int_equal(store_setting_set(st, "kiosk_title", "Accueil", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_get(st, "kiosk_title", NULL, small, sizeof(small)), SEUIL_OK);
	assert_string_equal(small, "Acc"); /* truncated, terminated */
	assert_int_equal(store_setting_set(st, "n", "42", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_int(st, "n", 7), 42);
	assert_int_equal(store_setting_set(st, "n", "-3", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_int(st, "n", 7), -3);
	assert_int_equal(store_setting_set(st, "n", "4x", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_int(st, "n", 7), 7);
	assert_int_equal(store_setting_int(st, "absent", 9), 9);
	assert_int_equal(store_setting_set(st, "n", NULL, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_setting_get(st, "n", NULL, buf, sizeof(buf)), SEUIL_ERR_NOT_FOUND);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_setting_set(st, "big", big, err, sizeof(err)), SEUIL_ERR_TOO_LARGE);
	store_free(st);
	st = open_store(f->path, 0); /* settings are in the file */
	assert_int_equal(store_setting_get(st, "kiosk_title", NULL, buf, sizeof(buf)), SEUIL_OK);
	assert_string_equal(buf, "Accueil");
	assert_int_equal(store_setting_get(st, "big", NULL, buf, sizeof(buf)), SEUIL_ERR_NOT_FOUND);
	store_free(st);
}

/* the kiosk notices a sync: another handle's commit changes the data version */
static void test_store__handles_see_each_others_commits(void **state)
{
	struct fixture *f = *state;
	struct store *a = open_store(f->path, STORE_CREATE), *b = open_store(f->path, 0);
	char buf[64], err[256] = "";
	int64_t va = store_data_version(a), vb = store_data_version(b);

	assert_true(va >= 0 && vb >= 0);
	assert_int_equal(store_setting_set(b, "from_b", "1", err, sizeof(err)), SEUIL_OK);
	assert_true(store_data_version(a) != va);
	assert_int_equal(store_setting_get(a, "from_b", NULL, buf, sizeof(buf)), SEUIL_OK);
	va = store_data_version(a);
	assert_int_equal(store_data_version(a), va); /* nothing committed since */
	assert_int_equal(directory_import_json(a, example_json, strlen(example_json), 0, NULL, err,
					       sizeof(err)), SEUIL_OK);
	assert_true(store_data_version(b) != vb);
	struct store_summary s;
	assert_int_equal(store_summarize(b, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.people, 1);
	assert_string_equal(s.timezone, "Europe/Paris");
	store_free(b);
	store_free(a);
}

static void test_store__site_local_to_utc(void **state)
{
	static const struct {
		const char *local, *utc;
	} cases[] = {
		{ "2026-03-29T02:30:00", "2026-03-29T01:30:00Z" }, /* skipped: 03:30 CEST */
		{ "2026-10-25T02:30:00", "2026-10-25T00:30:00Z" }, /* repeated: the first */
		{ "2027-01-15T09:00:00", "2027-01-15T08:00:00Z" },
		{ "2027-07-15T09:00:00", "2027-07-15T07:00:00Z" },
	};
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	char err[256] = "";
	int64_t local, utc, want;

	assert_int_equal(store_site_local_to_utc(st, 0, &utc, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(directory_import_json(st, example_json, strlen(example_json), 0, NULL, err,
					       sizeof(err)), SEUIL_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(civil_parse_instant(cases[i].local, &local, NULL));
		assert_true(civil_parse_instant(cases[i].utc, &want, NULL));
		assert_int_equal(store_site_local_to_utc(st, local, &utc, err, sizeof(err)), SEUIL_OK);
		if (utc != want)
			fail_msg("%s: %lld, expected %lld", cases[i].local, (long long)utc, (long long)want);
	}
	store_free(st);
}

static void test_store__summary(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	struct store_summary s;
	char err[256] = "";

	assert_int_equal(store_summarize(st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.doors + s.people + s.credentials + s.events + s.outbox, 0);
	assert_string_equal(s.site, "");
	assert_string_equal(s.device, "kiosk-1");
	assert_int_equal(s.lockdown, 0);
	assert_int_equal(directory_import_json(st, example_json, strlen(example_json), 0, NULL, err,
					       sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_set_lockdown(st, 1, "test", 0, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_summarize(st, &s, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(s.site, "Pôle de coopération");
	assert_int_equal(s.doors, 1);
	assert_int_equal(s.tenants, 1);
	assert_int_equal(s.credentials, 1);
	assert_int_equal(s.active_credentials, 1);
	assert_int_equal(s.events, 1);
	assert_int_equal(s.lockdown, 1);
	store_free(st);
}

/* --- the journal and the outbox ---------------------------------------------- */

static int64_t ms(const char *iso)
{
	int64_t s = 0;

	assert_true(civil_parse_instant(iso, &s, NULL));
	return s * 1000;
}

static struct store *example_store(const char *path)
{
	struct store *st = open_store(path, STORE_CREATE);
	char err[512] = "";

	if (directory_import_json(st, example_json, strlen(example_json), 0, NULL, err, sizeof(err)) != SEUIL_OK)
		fail_msg("example: %s", err);
	return st;
}

static void decide_and_record(struct store *st, const char *uid, int64_t at_ms, int64_t *seq)
{
	struct access_request req = { .identifier = uid, .now_ms = at_ms };
	struct access_decision d;
	char err[256] = "";

	if (access_decide(st, &req, &d, err, sizeof(err)) != SEUIL_OK ||
	    journal_record_decision(st, &d, seq, err, sizeof(err)) != SEUIL_OK)
		fail_msg("%s: %s", uid, err);
}

struct walk {
	int64_t last;
	long n;
	bool ordered;
	const char *leak; /* the field that held a card number */
};

static bool holds_uid(const char *s)
{
	static const char *const forms[] = { "04A1B2C3D4E5F6", "04:A1:B2:C3:D4:E5:F6", "DEADBEEF",
					     "DE:AD:BE:EF", "11223344", "11:22:33:44" };

	for (size_t i = 0; s != NULL && i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strcasestr(s, forms[i]) != NULL)
			return true;
	return false;
}

static int walk_event(const struct journal_event *ev, void *ctx)
{
	struct walk *w = ctx;
	const struct {
		const char *name, *value;
	} fields[] = { { "device", ev->device }, { "kind", ev->kind },     { "door", ev->door },
		       { "reason", ev->reason }, { "person", ev->person }, { "tenant", ev->tenant },
		       { "credential_hash", ev->credential_hash },       { "detail", ev->detail } };
	char *json = journal_event_json(ev);

	w->ordered = w->ordered && ev->seq > w->last;
	w->last = ev->seq;
	w->n++;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (holds_uid(fields[i].value))
			w->leak = fields[i].name;
	if (json == NULL || holds_uid(json))
		w->leak = "journal_event_json";
	free(json);
	return 0;
}

static void test_store__journal_record_appends_event_and_outbox(void **state)
{
	struct fixture *f = *state;
	struct store *st = example_store(f->path);
	struct store_summary s0, s1;
	struct walk w = { 0, 0, true, NULL };
	int64_t seq = 0, prev = 0, at = ms("2026-11-27T08:00:00Z");
	char err[256] = "";

	assert_int_equal(store_summarize(st, &s0, err, sizeof(err)), SEUIL_OK);
	for (int i = 0; i < 6; i++) {
		decide_and_record(st, i % 2 ? "04A1B2C3D4E5F6" : "DEADBEEF", at + i, &seq);
		assert_true(seq > prev);
		prev = seq;
	}
	assert_int_equal(store_summarize(st, &s1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s1.events, s0.events + 6);
	assert_int_equal(s1.outbox, s0.outbox + 6);
	assert_int_equal(s1.last_seq, seq);
	assert_int_equal(journal_list(st, 0, walk_event, &w, err, sizeof(err)), SEUIL_OK);
	assert_true(w.ordered);
	assert_int_equal(w.n, s1.events);
	assert_int_equal(w.last, seq);
	w = (struct walk){ 0, 0, true, NULL };
	assert_int_equal(journal_list(st, seq - 2, walk_event, &w, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(w.n, 2);
	store_free(st);
}

/* the journal and the outbox hold hashes, never a card number, whatever wrote them */
static void test_store__journal_never_holds_uid(void **state)
{
	struct fixture *f = *state;
	struct store *st = example_store(f->path);
	struct walk w = { 0, 0, true, NULL };
	int64_t at = ms("2026-11-27T08:00:00Z");
	char err[256] = "";
	const char *uids[] = { "04A1B2C3D4E5F6", "04:a1:b2:c3:d4:e5:f6", "DEADBEEF", "de:ad:be:ef", "11223344" };
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long rows = 0;

	assert_int_equal(credential_enroll(st, "11:22:33:44", "p-camille", NULL, NULL, 0, at, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(credential_set_status(st, "04:a1:b2:c3:d4:e5:f6", "lost", at, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(credential_set_status(st, "04A1B2C3D4E5F6", "active", at, err, sizeof(err)), SEUIL_OK);
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++)
		decide_and_record(st, uids[i], at + (int64_t)i, NULL);
	assert_int_equal(journal_set_lockdown(st, 1, "test", at, err, sizeof(err)), SEUIL_OK);
	decide_and_record(st, "DEADBEEF", at + 10, NULL);
	assert_int_equal(journal_list(st, 0, walk_event, &w, err, sizeof(err)), SEUIL_OK);
	assert_true(w.n >= 10);
	if (w.leak != NULL)
		fail_msg("a card number is in the journal's %s field", w.leak);
	/* every text column of every table a sync could send, read directly */
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM outbox", -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		rows++;
		for (int c = 0; c < sqlite3_column_count(stmt); c++)
			if (holds_uid((const char *)sqlite3_column_text(stmt, c)))
				fail_msg("a card number is in the outbox's %s", sqlite3_column_name(stmt, c));
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	assert_int_equal(rows, w.n);
	store_free(st);
}

static void acknowledge(const char *path, int64_t seq)
{
	char sql[160];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO sync_state(key, value) VALUES ('acked_seq', '%lld')"
		 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (long long)seq);
	sql_exec(path, sql);
}

static int64_t append_at(struct store *st, const char *iso)
{
	struct journal_event ev;
	int64_t seq = 0;
	char err[256] = "";

	journal_event_init(&ev, "alarm", ms(iso));
	assert_int_equal(journal_append(st, &ev, &seq, err, sizeof(err)), SEUIL_OK);
	return seq;
}

/* acknowledged events older than three calendar months go; newer ones stay */
static void test_store__journal_purge_keeps_three_months(void **state)
{
	static const char *const older[] = { "2026-01-01T00:00:00Z", "2026-03-15T11:59:59Z" };
	static const char *const newer[] = { "2026-03-15T12:00:01Z", "2026-05-01T00:00:00Z", "2026-06-15T11:00:00Z" };
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	struct journal_purge_counts c = { -1, -1, -1 };
	struct walk w = { 0, 0, true, NULL };
	char err[256] = "";
	int64_t last = 0, after;

	for (size_t i = 0; i < 2; i++)
		append_at(st, older[i]);
	for (size_t i = 0; i < 3; i++)
		last = append_at(st, newer[i]);
	acknowledge(f->path, last);
	assert_int_equal(journal_purge(st, ms("2026-06-15T12:00:00Z"), ms("2026-06-15T12:00:00Z"), &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 2);
	assert_int_equal(journal_list(st, 0, walk_event, &w, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(w.n, 3 + 1); /* the newer ones and the purge's own event */
	/* 31 May minus three months is 28 February (clamped) */
	append_at(st, "2026-02-28T11:59:59Z");
	last = append_at(st, "2026-02-28T12:00:01Z");
	acknowledge(f->path, last);
	assert_int_equal(journal_purge(st, ms("2026-05-31T12:00:00Z"), ms("2026-05-31T12:00:00Z"), &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 1);
	/* sequence numbers never go back, even after a purge */
	after = append_at(st, "2026-06-16T00:00:00Z");
	assert_true(after > last);
	store_free(st);
}

/*
 * the three months are the site's calendar months (Europe/Paris), not UTC's:
 * 1 March 2027 00:30 in Paris is still 28 February in UTC; three months
 * before it is 1 December 2026 00:30 Paris (30 November 23:30 UTC), not
 * 28 November 23:30 UTC.  And across daylight saving: 15 June 12:00 CEST
 * minus three months is 15 March 12:00 CET (11:00 UTC), not 10:00 UTC.
 */
static void test_store__journal_purge_counts_site_months(void **state)
{
	struct fixture *f = *state;
	struct store *st = example_store(f->path);
	struct journal_purge_counts c = { -1, -1, -1 };
	char err[256] = "";
	int64_t last;

	append_at(st, "2026-11-30T23:29:59Z");           /* before 1 December 00:30 Paris: goes */
	append_at(st, "2026-11-29T12:00:00Z");           /* kept by a cut on the UTC calendar */
	last = append_at(st, "2026-11-30T23:30:01Z");    /* stays */
	acknowledge(f->path, last);
	assert_int_equal(journal_purge(st, ms("2027-02-28T23:30:00Z"), ms("2027-02-28T23:30:00Z"), &c, err,
				       sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(c.events, 2);
	append_at(st, "2027-03-15T10:59:59Z");           /* before 12:00 CET: goes */
	last = append_at(st, "2027-03-15T11:00:01Z");    /* after: stays */
	acknowledge(f->path, last);
	assert_int_equal(journal_purge(st, ms("2027-06-15T10:00:00Z"), ms("2027-06-15T10:00:00Z"), &c, err,
				       sizeof(err)),
			 SEUIL_OK);
	/* November's last, the earlier purge's own event and the March one before 12:00 CET */
	assert_int_equal(c.events, 3);
	store_free(st);
}

/* what the office has not acknowledged is kept, however old (journal.h) */
static void test_store__journal_purge_keeps_unacknowledged(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	struct journal_purge_counts c = { -1, -1, -1 };
	struct store_summary s;
	char err[256] = "";
	int64_t first = append_at(st, "2025-01-01T00:00:00Z");

	append_at(st, "2025-02-01T00:00:00Z");
	acknowledge(f->path, first);
	assert_int_equal(journal_purge(st, ms("2026-06-15T12:00:00Z"), ms("2026-06-15T12:00:00Z"), &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 1);
	assert_int_equal(store_summarize(st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.events, 2);  /* the unacknowledged one and the purge */
	assert_int_equal(s.outbox, 2);
	store_free(st);
}

/* a site without an office (nothing ever acknowledged) still forgets after three months */
static void test_store__journal_purge_without_office(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	struct journal_purge_counts c = { -1, -1, -1 };
	struct store_summary s;
	char err[256] = "";
	int64_t last, after;

	append_at(st, "2026-01-01T00:00:00Z");
	last = append_at(st, "2026-02-01T00:00:00Z");
	append_at(st, "2026-06-01T00:00:00Z");
	assert_int_equal(journal_purge(st, ms("2026-06-15T12:00:00Z"), ms("2026-06-15T12:00:00Z"), &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 2);
	assert_int_equal(store_summarize(st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.events, 2); /* June's and the purge's own */
	/* a shorter retention setting is honoured */
	assert_int_equal(store_setting_set(st, "event_retention_months", "1", err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_purge(st, ms("2026-07-15T12:00:00Z"), ms("2026-07-15T12:00:00Z"), &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 1); /* June's; the first purge's event is exactly one month old */
	after = append_at(st, "2026-07-16T00:00:00Z");
	assert_true(after > last);
	store_free(st);
}

/* a kiosk that pulled from an office but never pushed an event keeps what it has not sent */
static void test_store__journal_purge_after_a_pull_only(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_store(f->path, STORE_CREATE);
	struct journal_purge_counts c = { -1, -1, -1 };
	char err[256] = "";

	sql_exec(f->path, "INSERT INTO sync_state(key, value) VALUES ('cursor', '12')");
	append_at(st, "2026-01-01T00:00:00Z");
	assert_int_equal(journal_purge(st, ms("2027-04-01T00:00:00Z"), ms("2027-04-01T00:00:00Z"), &c, err,
				       sizeof(err)), SEUIL_OK);
	assert_int_equal(c.events, 0);
	store_free(st);
}

static void test_store__journal_event_json(void **state)
{
	struct journal_event ev;
	char *json;

	(void)state;
	journal_event_init(&ev, "decision", ms("2026-11-27T08:00:00Z") + 42);
	ev.seq = 7;
	ev.granted = 1;
	snprintf(ev.door, sizeof(ev.door), "entree");
	snprintf(ev.detail, sizeof(ev.detail), "quote \" and newline \n");
	json = journal_event_json(&ev);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"seq\":7"));
	assert_non_null(strstr(json, "\"at\":\"2026-11-27T08:00:00.042Z\""));
	assert_non_null(strstr(json, "\"granted\":true"));
	assert_null(strchr(json, '\n'));
	free(json);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store__create_new_file),
		T(test_store__missing_file_is_not_found),
		T(test_store__empty_file_is_migrated),
		T(test_store__newer_schema_is_refused),
		T(test_store__newer_wal_schema_is_refused),
		T(test_store__not_sqlite_is_refused),
		T(test_store__foreign_sqlite_is_refused),
		T(test_store__foreign_application_id_is_refused),
		T(test_store__directory_is_refused),
		T(test_store__wal_and_foreign_keys),
		T(test_store__default_settings),
		T(test_store__settings_get_set),
		T(test_store__handles_see_each_others_commits),
		T(test_store__site_local_to_utc),
		T(test_store__summary),
		T(test_store__journal_record_appends_event_and_outbox),
		T(test_store__journal_never_holds_uid),
		T(test_store__journal_purge_keeps_three_months),
		T(test_store__journal_purge_counts_site_months),
		T(test_store__journal_purge_keeps_unacknowledged),
		T(test_store__journal_purge_without_office),
		T(test_store__journal_purge_after_a_pull_only),
		T(test_store__journal_event_json),
	};
#undef T

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
