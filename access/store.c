/*
 * store.c - opening the database (pragmas, version check, migrations), the
 * statement cache, transactions and settings.  The directory, the rights
 * engine and the journal have files of their own.
 */
#include "store_int.h"

#include "err.h"
#include "tz.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_APPLICATION_ID 0x5365756c /* "Seul" */
#define STORE_BUSY_TIMEOUT_MS 5000

int store_db_error(struct store *st, const char *what, char *err, size_t errlen)
{
	int code = sqlite3_errcode(st->db);
	int rc = SEUIL_ERR_DB;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		rc = SEUIL_ERR_BUSY;
	else if (code == SQLITE_NOMEM)
		rc = SEUIL_ERR_NOMEM;
	else if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY ||
		 code == SQLITE_CANTOPEN)
		rc = SEUIL_ERR_IO;
	else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		rc = SEUIL_ERR_INVALID;
	return err_set(err, errlen, rc, "%s: %s (%s)", what, sqlite3_errmsg(st->db), st->path);
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	for (int i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].sql == sql) {
			stmt = st->stmts[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
		store_db_error(st, "preparing a query", err, errlen);
		return NULL;
	}
	if (st->nstmts == STORE_STMT_MAX) {
		/* a full cache is a programming error; stay correct by evicting the oldest */
		sqlite3_finalize(st->stmts[0].stmt);
		memmove(&st->stmts[0], &st->stmts[1], sizeof(st->stmts[0]) * (STORE_STMT_MAX - 1));
		st->nstmts--;
	}
	st->stmts[st->nstmts].sql = sql;
	st->stmts[st->nstmts].stmt = stmt;
	st->nstmts++;
	return stmt;
}

int store_begin(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "starting a transaction", err, errlen);
	return SEUIL_OK;
}

int store_commit(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = store_db_error(st, "committing", err, errlen);
		store_rollback(st);
		return rc;
	}
	return SEUIL_OK;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

unsigned store_change_counter(struct store *st)
{
	unsigned v = 0;

	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	return v;
}

bool store_read_begin(struct store *st)
{
	static const char sql[] = "BEGIN";
	sqlite3_stmt *stmt;

	if (!sqlite3_get_autocommit(st->db) || (stmt = store_stmt(st, sql, NULL, 0)) == NULL)
		return false;
	return sqlite3_step(stmt) == SQLITE_DONE;
}

void store_read_end(struct store *st, bool started)
{
	static const char sql[] = "COMMIT";
	sqlite3_stmt *stmt;

	if (!started)
		return;
	if ((stmt = store_stmt(st, sql, NULL, 0)) == NULL || sqlite3_step(stmt) != SQLITE_DONE)
		store_rollback(st);
	else
		sqlite3_reset(stmt);
}

int store_count(struct store *st, const char *sql, const char *what, int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	rc = sqlite3_step(stmt);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, what, err, errlen);
}

int store_bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT);
}

void store_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	if (len == 0)
		return;
	snprintf(buf, len, "%s", text != NULL ? (const char *)text : "");
}

static int pragma_int(struct store *st, const char *sql, int *value)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/*
 * Refuses what is not a Seuil database, or one from a newer Seuil, before
 * anything is written to the file: a refused file must stay byte for byte
 * as it was.  *version receives the schema version found.
 */
static int store_check(struct store *st, int *version, char *err, size_t errlen)
{
	int app = 0, tables = 0;

	if (pragma_int(st, "PRAGMA user_version", version) != SQLITE_OK ||
	    pragma_int(st, "PRAGMA application_id", &app) != SQLITE_OK ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables) != SQLITE_OK)
		return store_db_error(st, "reading the schema version", err, errlen);
	if (app != 0 && app != STORE_APPLICATION_ID)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s is not a Seuil database", st->path);
	if (*version > STORE_SCHEMA_VERSION)
		return err_set(err, errlen, SEUIL_ERR_SCHEMA,
			       "%s has schema version %d but this Seuil knows up to version %d: "
			       "upgrade Seuil before using this database",
			       st->path, *version, STORE_SCHEMA_VERSION);
	if (*version == 0 && tables > 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "%s holds tables of another program, not a Seuil database", st->path);
	return SEUIL_OK;
}

/* migrates an older schema; called inside BEGIN IMMEDIATE */
static int store_upgrade(struct store *st, char *err, size_t errlen)
{
	int version = 0, rc;
	char sql[64];

	/* again under the write lock: another process may have migrated meanwhile */
	if ((rc = store_check(st, &version, err, errlen)) != SEUIL_OK)
		return rc;
	st->schema_version = version;
	if (version == STORE_SCHEMA_VERSION)
		return SEUIL_OK;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "marking the database", err, errlen);
	rc = store_schema_migrate(st, version, err, errlen);
	if (rc == SEUIL_OK)
		st->schema_version = STORE_SCHEMA_VERSION;
	return rc;
}

static bool journal_mode_is_wal(struct store *st)
{
	sqlite3_stmt *stmt;
	bool wal = false;

	/* reading the mode writes nothing (setting it would) */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &stmt, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0;
	sqlite3_finalize(stmt);
	return wal;
}

static int store_configure_steps(struct store *st, char *err, size_t errlen);

/*
 * SQLite keeps PATH-wal and PATH-shm beside the database, even to read it:
 * in a folder the process cannot write, every open fails with "attempt to
 * write a readonly database".  Say so, naming the folder, when that is why.
 */
static int folder_error(struct store *st, int rc, char *err, size_t errlen)
{
	char dir[4096];
	char *slash;
	int code = sqlite3_errcode(st->db);

	if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN && code != SQLITE_IOERR)
		return SEUIL_OK;
	snprintf(dir, sizeof(dir), "%s", st->path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (access(dir, W_OK | X_OK) == 0)
		return SEUIL_OK;
	return err_set(err, errlen, rc == SEUIL_OK ? SEUIL_ERR_IO : rc,
		       "cannot use database %s: its folder %s must be writable by the user the service runs as"
		       " (SQLite keeps the database's -wal and -shm files there, even to read)",
		       st->path, dir);
}

static int store_configure(struct store *st, char *err, size_t errlen)
{
	char mine[512] = "";
	int rc = store_configure_steps(st, mine, sizeof(mine));

	if (rc == SEUIL_OK)
		return SEUIL_OK;
	if (strcmp(st->path, ":memory:") != 0 && folder_error(st, rc, err, errlen) != SEUIL_OK)
		return rc;
	return err_set(err, errlen, rc, "%s", mine);
}

unsigned store_wait_set(struct store *st, unsigned wait_ms)
{
	unsigned before = st->wait_ms;

	sqlite3_busy_timeout(st->db, (int)wait_ms);
	st->wait_ms = wait_ms;
	return before;
}

void store_wait_restore(struct store *st, unsigned previous)
{
	store_wait_set(st, previous);
}

static int store_configure_steps(struct store *st, char *err, size_t errlen)
{
	int rc, version = 0;

	store_wait_set(st, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 0);
	/* connection settings first: they change nothing in the file */
	if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, "PRAGMA trusted_schema = OFF", NULL, NULL, NULL) != SQLITE_OK ||
	    /* room for the whole credential index of a large site (100,000 badges),
	     * so that a decision reads no page from the kernel */
	    sqlite3_exec(st->db, "PRAGMA cache_size = -8192", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "configuring the database", err, errlen);
	if ((rc = store_check(st, &version, err, errlen)) != SEUIL_OK)
		return rc;
	/* FULL makes every commit (a journal append) durable before the next decision */
	if (sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "configuring the database", err, errlen);
	if (version == STORE_SCHEMA_VERSION && journal_mode_is_wal(st)) {
		/* nothing to write: a read-only file or a full disk can still be read,
		 * so a door still decides and staff can still look */
		st->schema_version = version;
		return SEUIL_OK;
	}
	/* WAL lets the kiosk read while seuil-sync writes */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "configuring the database", err, errlen);
	rc = store_begin(st, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	rc = store_upgrade(st, err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}

int store_open(const char *path, unsigned flags, struct store **out, char *err, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (path == NULL || path[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no database path given");
	if (sodium_init() < 0)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "libsodium failed to initialise");
	if (strcmp(path, ":memory:") == 0) {
		oflags |= SQLITE_OPEN_CREATE; /* a private database for tests and fuzzing */
	} else if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE))
			return err_set(err, errlen, errno == ENOENT ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_IO,
				       "cannot open database %s: %s%s", path, strerror(errno),
				       errno == ENOENT ? " (create it first: seuilctl init, or seuil-office import)" : "");
		oflags |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(sb.st_mode)) {
		return err_set(err, errlen, SEUIL_ERR_INVALID, "database %s is not a regular file", path);
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL || (st->path = strdup(path)) == NULL) {
		free(st);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "cannot open database %s: %s", path,
			     st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		store_free(st);
		return rc;
	}
	rc = store_configure(st, err, errlen);
	if (rc != SEUIL_OK) {
		store_free(st);
		return rc;
	}
	if (flags & STORE_MANUAL_CHECKPOINT)
		sqlite3_wal_autocheckpoint(st->db, 0);
	*out = st;
	return SEUIL_OK;
}

void store_free(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	sqlite3_close(st->db);
	tz_free(st->zone);
	free(st->path);
	free(st);
}

int store_checkpoint(struct store *st, char *err, size_t errlen)
{
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_db_error(st, "checkpointing", err, errlen);
	return SEUIL_OK;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int store_schema_version(struct store *st)
{
	return st->schema_version;
}

int store_setting_get(struct store *st, const char *key, const char *fallback, char *buf, size_t len)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, NULL, 0);
	int rc = SEUIL_ERR_NOT_FOUND;

	if (len > 0)
		snprintf(buf, len, "%s", fallback != NULL ? fallback : "");
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		store_column_copy(stmt, 0, buf, len);
		rc = SEUIL_OK;
	}
	sqlite3_reset(stmt);
	return rc;
}

int64_t store_setting_int(struct store *st, const char *key, int64_t fallback)
{
	char buf[32], *end;
	long long v;

	if (store_setting_get(st, key, NULL, buf, sizeof(buf)) != SEUIL_OK || buf[0] == '\0')
		return fallback;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return fallback;
	return v;
}

int store_setting_set(struct store *st, const char *key, const char *value, char *err, size_t errlen)
{
	static const char put[] = "INSERT INTO settings(key, value) VALUES (?1, ?2) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	static const char del[] = "DELETE FROM settings WHERE key = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if (value != NULL && strlen(value) >= STORE_VALUE_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "setting %s: value too long", key);
	stmt = store_stmt(st, value != NULL ? put : del, err, errlen);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (value != NULL)
		sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "writing a setting", err, errlen);
	sqlite3_reset(stmt);
	return rc;
}

int64_t store_data_version(struct store *st)
{
	int v = 0;

	return pragma_int(st, "PRAGMA data_version", &v) == SQLITE_OK ? v : -1;
}

int store_site_zone(struct store *st, const struct tz **zone, char *err, size_t errlen)
{
	static const char sql[] = "SELECT timezone FROM sites WHERE id = 1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	char name[128];
	struct tz *fresh;
	unsigned version = store_change_counter(st);
	int rc;

	if (st->zone != NULL && st->zone_version == version) {
		*zone = st->zone;
		return SEUIL_OK;
	}
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_db_error(st, "reading the site", err, errlen);
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND,
			       "the directory has no site yet: import one with 'seuilctl import'");
	}
	store_column_copy(stmt, 0, name, sizeof(name));
	sqlite3_reset(stmt);
	if (st->zone == NULL || strcmp(name, st->zone_name) != 0) {
		rc = tz_load(name, &fresh, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
		tz_free(st->zone);
		st->zone = fresh;
		snprintf(st->zone_name, sizeof(st->zone_name), "%s", name);
	}
	st->zone_version = version;
	*zone = st->zone;
	return SEUIL_OK;
}

int store_site_local_to_utc(struct store *st, int64_t local_s, int64_t *utc_s, char *err,
			    size_t errlen)
{
	const struct tz *zone;
	int rc = store_site_zone(st, &zone, err, errlen);

	if (rc == SEUIL_OK)
		*utc_s = tz_to_utc(zone, local_s);
	return rc;
}

int store_site_day_start(struct store *st, int64_t now_ms, int64_t *start_ms, char *err, size_t errlen)
{
	const struct tz *zone;
	struct tz_local local;
	int rc = store_site_zone(st, &zone, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	tz_localtime(zone, now_ms / 1000, &local);
	*start_ms = tz_to_utc(zone, local.days * 86400) * 1000;
	return SEUIL_OK;
}
