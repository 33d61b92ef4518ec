/*
 * office_store.c - the office's tables next to the directory: creating them
 * and the change-log triggers, the devices, and retention.  The directory
 * answers are office_directory.c's, events office_events.c's, commands and
 * invitations office_commands.c's, e-mail office_mail.c's.  Nothing here
 * speaks HTTP.
 */
#include "office_store.h"

#include "err.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#define OFFICE_SCHEMA_VERSION 2

/* a change's token: 64 random bits, drawn by SQLite in the trigger */
#define TOKEN_SQL "lower(hex(randomblob(8)))"

static const char office_schema[] =
	/* the change log: one row per change of a directory entry; its seq and
	 * token are the cursor.  AUTOINCREMENT: a seq is never reused in this
	 * database, even after a purge; the token tells this history from a
	 * restored or another database's, whose seqs repeat (office_directory.c) */
	"CREATE TABLE IF NOT EXISTS office_changes ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  section TEXT NOT NULL, id TEXT NOT NULL,"
	"  deleted INTEGER NOT NULL DEFAULT 0," /* the entry itself was deleted (else it or a part changed) */
	"  at_ms INTEGER NOT NULL,"
	"  token TEXT);" /* NULL only in rows of version 1, given one by the migration */
	"CREATE INDEX IF NOT EXISTS office_changes_at ON office_changes(at_ms);"
	"CREATE TABLE IF NOT EXISTS office_devices ("
	"  id TEXT PRIMARY KEY,"
	"  first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL,"
	"  acked_seq INTEGER NOT NULL DEFAULT 0,"
	"  pull_cursor INTEGER, pull_ms INTEGER) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS office_events ("
	"  device TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  at TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL,"
	"  received_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (device, seq)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS office_events_received ON office_events(received_ms);"
	"CREATE TABLE IF NOT EXISTS office_commands ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,"
	"  command TEXT NOT NULL, arg TEXT NOT NULL DEFAULT '',"
	"  issued_ms INTEGER NOT NULL, acked_ms INTEGER);"
	"CREATE INDEX IF NOT EXISTS office_commands_device ON office_commands(device, id);"
	"CREATE TABLE IF NOT EXISTS office_mail ("
	"  id INTEGER PRIMARY KEY, device TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  rcpt TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_ms INTEGER," /* NULL once sent or given up */
	"  sent_ms INTEGER, last_error TEXT,"
	"  UNIQUE (device, seq));"
	"CREATE INDEX IF NOT EXISTS office_mail_due ON office_mail(next_ms) WHERE next_ms IS NOT NULL;";

/*
 * Where the change log's rows come from: each table of the directory, the
 * section and id of the entry a row belongs to (a window belongs to its
 * schedule, a grant to its tenant or person), and the columns an export
 * shows: an update of other columns (a PIN, a calendar's sync token) is no
 * change for the kiosks.
 */
static const struct change_source {
	const char *table, *section;
	const char *id;       /* column holding the entry's id */
	const char *notnull;  /* rows count only when this column is set, or NULL */
	bool entry;           /* the row is the entry itself (its deletion deletes it) */
	const char *columns;  /* exported columns, ", "-separated */
} change_sources[] = {
	{ "sites", "site", "id", NULL, true, "name, timezone" },
	{ "doors", "doors", "id", NULL, true, "id, name, unlock_ms, position" },
	{ "schedules", "schedules", "id", NULL, true, "id, name, holidays" },
	{ "schedule_windows", "schedules", "schedule_id", NULL, false, "schedule_id, days, from_min, to_min" },
	{ "profiles", "profiles", "id", NULL, true, "id, name, schedule_id" },
	{ "profile_doors", "profiles", "profile_id", NULL, false, "profile_id, door_id" },
	{ "tenants", "tenants", "id", NULL, true, "id, name, kind, status, valid_from, valid_until" },
	{ "grants", "tenants", "tenant_id", "tenant_id", false, "profile_id, tenant_id, person_id" },
	{ "grants", "people", "person_id", "person_id", false, "profile_id, tenant_id, person_id" },
	{ "people", "people", "id", NULL, true,
	  "id, name, tenant_id, role, email, status, valid_from, valid_until" },
	{ "credentials", "credentials", "identifier", "person_id", true,
	  "kind, identifier, person_id, status, valid_from, valid_until" },
	{ "closures", "closures", "date", NULL, true, "date, name" },
	{ "rooms", "rooms", "id", NULL, true, "id, name, capacity, calendar, feed" },
	{ "room_doors", "rooms", "room_id", NULL, false, "room_id, door_id" },
	{ "invites", "invites", "id", NULL, true,
	  "id, name, organisation, host_person_id, host_tenant_id, day, code" },
};

/* the time of a change, written into a format string (hence %%s) */
#define NOW_MS "CAST(strftime('%%s', 'now') AS INTEGER) * 1000"

/* "OLD.a IS NOT NEW.a OR OLD.b IS NOT NEW.b ..." for the columns of src */
static void changed_clause(const struct change_source *src, char *buf, size_t len)
{
	const char *p = src->columns;
	size_t used = 0;

	buf[0] = '\0';
	while (*p != '\0' && used < len) {
		size_t n = strcspn(p, ",");
		used += (size_t)snprintf(buf + used, len - used, "%sOLD.%.*s IS NOT NEW.%.*s", used ? " OR " : "",
					 (int)n, p, (int)n, p);
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
}

static int exec(struct store *st, const char *sql, const char *what, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, errlen, SEUIL_ERR_DB, "%s: %s (%s)", what, msg ? msg : "?", store_path(st));
		sqlite3_free(msg);
		return SEUIL_ERR_DB;
	}
	return SEUIL_OK;
}

static int create_triggers(struct store *st, const struct change_source *src, char *err, size_t errlen)
{
	char sql[2048], changed[512], cond_new[96] = "", cond_old[96] = "", cond_any[160] = "";
	const char *ins = "INSERT INTO office_changes(section, id, deleted, at_ms, token) VALUES";
	int rc;

	changed_clause(src, changed, sizeof(changed));
	if (src->notnull != NULL) {
		snprintf(cond_new, sizeof(cond_new), " WHEN NEW.%s IS NOT NULL", src->notnull);
		snprintf(cond_old, sizeof(cond_old), " WHEN OLD.%s IS NOT NULL", src->notnull);
		snprintf(cond_any, sizeof(cond_any), "(NEW.%s IS NOT NULL OR OLD.%s IS NOT NULL) AND ",
			 src->notnull, src->notnull);
	}
	/* dropped first: a migration makes them again */
	snprintf(sql, sizeof(sql),
		 "DROP TRIGGER IF EXISTS office_log_%s_%s_ins;"
		 "DROP TRIGGER IF EXISTS office_log_%s_%s_del;"
		 "DROP TRIGGER IF EXISTS office_log_%s_%s_upd;"
		 "CREATE TRIGGER office_log_%s_%s_ins AFTER INSERT ON %s%s BEGIN"
		 " %s ('%s', NEW.%s, 0, " NOW_MS ", " TOKEN_SQL "); END;"
		 "CREATE TRIGGER office_log_%s_%s_del AFTER DELETE ON %s%s BEGIN"
		 " %s ('%s', OLD.%s, %d, " NOW_MS ", " TOKEN_SQL "); END;"
		 /* an entry renamed: the new id changed, the old one is gone */
		 "CREATE TRIGGER office_log_%s_%s_upd AFTER UPDATE OF %s ON %s WHEN %s(%s) BEGIN"
		 " %s ('%s', NEW.%s, 0, " NOW_MS ", " TOKEN_SQL ");"
		 " INSERT INTO office_changes(section, id, deleted, at_ms, token)"
		 "  SELECT '%s', OLD.%s, %d, " NOW_MS ", " TOKEN_SQL " WHERE OLD.%s IS NOT NEW.%s; END;",
		 src->table, src->section, src->table, src->section, src->table, src->section,
		 src->table, src->section, src->table, cond_new, ins, src->section, src->id,
		 src->table, src->section, src->table, cond_old, ins, src->section, src->id, src->entry,
		 src->table, src->section, src->columns, src->table, cond_any, changed, ins, src->section,
		 src->id, src->section, src->id, src->entry, src->id, src->id);
	rc = exec(st, sql, "creating the change log", err, errlen);
	return rc;
}

/*
 * Version 1 to 2: the change log's rows get a token (old rows a random one
 * each), the triggers write one; with a log the purge emptied, one row is
 * logged so that the cursor has a token (the kiosks' plain cursors of
 * version 1 get a full directory anyway).
 */
static const char office_migrate_2[] =
	"ALTER TABLE office_changes ADD COLUMN token TEXT;"
	"UPDATE office_changes SET token = " TOKEN_SQL ";"
	"INSERT INTO office_changes(section, id, deleted, at_ms, token)"
	" SELECT 'site', '1', 0, CAST(strftime('%s', 'now') AS INTEGER) * 1000, " TOKEN_SQL
	" WHERE NOT EXISTS (SELECT 1 FROM office_changes)"
	" AND EXISTS (SELECT 1 FROM settings WHERE key = 'office_changes_horizon');";

static int office_schema_create(struct store *st, char *err, size_t errlen)
{
	char version[16];
	int rc;

	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	store_setting_get(st, "office_schema_version", "0", version, sizeof(version));
	if (strcmp(version, "0") != 0 && strcmp(version, "1") != 0) {
		store_rollback(st); /* made already, by this or another process */
		return SEUIL_OK;
	}
	if (strcmp(version, "1") == 0)
		rc = exec(st, office_migrate_2, "adding tokens to the change log", err, errlen);
	else
		rc = exec(st, office_schema, "creating the office tables", err, errlen);
	for (size_t i = 0; rc == SEUIL_OK && i < sizeof(change_sources) / sizeof(change_sources[0]); i++)
		rc = create_triggers(st, &change_sources[i], err, errlen);
	if (rc == SEUIL_OK)
		rc = store_setting_set(st, "office_schema_version", "2", err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}

int office_store_open(const char *path, unsigned flags, struct store **out, char *err, size_t errlen)
{
	struct store *st = NULL;
	int rc = store_open(path, flags, &st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	_Static_assert(OFFICE_SCHEMA_VERSION == 2, "add the office's migration steps here");
	rc = office_schema_create(st, err, errlen);
	if (rc != SEUIL_OK) {
		store_free(st);
		return rc;
	}
	*out = st;
	return SEUIL_OK;
}

int office_device_touch(struct store *st, const char *device, int64_t now_ms, int64_t pull_cursor,
			char *err, size_t errlen)
{
	static const char get[] = "SELECT last_seen_ms, pull_cursor, pull_ms FROM office_devices WHERE id = ?1";
	static const char put[] =
		"INSERT INTO office_devices(id, first_seen_ms, last_seen_ms, pull_cursor, pull_ms)"
		" VALUES (?1, ?2, ?2, ?3, iif(?3 IS NULL, NULL, ?2)) ON CONFLICT(id) DO UPDATE SET"
		" last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),"
		" pull_cursor = coalesce(excluded.pull_cursor, pull_cursor),"
		" pull_ms = coalesce(excluded.pull_ms, pull_ms)";
	sqlite3_stmt *stmt = store_stmt(st, get, err, errlen);
	bool write = true;
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		bool stale = now_ms - sqlite3_column_int64(stmt, 0) >= OFFICE_TOUCH_MS;
		if (pull_cursor >= 0)
			stale = stale || sqlite3_column_type(stmt, 1) == SQLITE_NULL ||
				sqlite3_column_int64(stmt, 1) != pull_cursor ||
				now_ms - sqlite3_column_int64(stmt, 2) >= OFFICE_TOUCH_MS;
		write = stale;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading a device", err, errlen);
	if (!write)
		return SEUIL_OK;
	if ((stmt = store_stmt(st, put, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now_ms);
	if (pull_cursor >= 0)
		sqlite3_bind_int64(stmt, 3, pull_cursor);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "recording a device", err, errlen);
}

int office_devices_list(struct store *st, office_device_fn fn, void *ctx, char *err, size_t errlen)
{
	/* not cached: fn may call back into the store */
	static const char sql[] =
		"SELECT d.id, d.first_seen_ms, d.last_seen_ms, d.acked_seq, d.pull_ms, d.pull_cursor,"
		" (SELECT count(*) FROM office_events e WHERE e.device = d.id),"
		" (SELECT count(*) FROM office_commands c WHERE c.device = d.id AND c.acked_ms IS NULL)"
		" FROM office_devices d ORDER BY d.id";
	sqlite3_stmt *stmt;
	struct office_device dev;
	int rc, out = SEUIL_OK;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(st, "reading the devices", err, errlen);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&dev, 0, sizeof(dev));
		store_column_copy(stmt, 0, dev.id, sizeof(dev.id));
		dev.first_seen_ms = sqlite3_column_int64(stmt, 1);
		dev.last_seen_ms = sqlite3_column_int64(stmt, 2);
		dev.acked_seq = sqlite3_column_int64(stmt, 3);
		dev.pull_ms = sqlite3_column_int64(stmt, 4);
		dev.pull_cursor = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 5);
		dev.events = sqlite3_column_int64(stmt, 6);
		dev.commands_pending = sqlite3_column_int64(stmt, 7);
		if ((out = fn(&dev, ctx)) != 0)
			break;
	}
	if (out == SEUIL_OK && rc != SQLITE_DONE)
		out = store_db_error(st, "reading the devices", err, errlen);
	sqlite3_finalize(stmt);
	return out;
}

static int purge_step(struct store *st, const char *sql, int64_t arg, int64_t *count, char *err,
		      size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, arg);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "purging the office's tables", err, errlen);
	if (count != NULL)
		*count = sqlite3_changes(st->db);
	return SEUIL_OK;
}

int office_store_purge(struct store *st, int64_t now_ms, struct office_purge_counts *out, char *err,
		       size_t errlen)
{
	/* the horizon: changes at or below it are forgotten, so an older cursor
	 * can no longer be answered with a delta */
	static const char horizon[] =
		"INSERT INTO settings(key, value) SELECT 'office_changes_horizon', max(seq)"
		" FROM office_changes WHERE at_ms < ?1 HAVING max(seq) IS NOT NULL"
		" ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))";
	/* the row at the horizon stays: its token keeps the newest cursor answerable */
	static const char changes[] =
		"DELETE FROM office_changes WHERE seq < coalesce((SELECT CAST(value AS INTEGER) FROM settings"
		" WHERE key = 'office_changes_horizon'), 0) AND ?1 IS NOT NULL";
	/* only what the acknowledgement already covers: the walk of acked_seq starts above it */
	static const char events[] =
		"DELETE FROM office_events WHERE received_ms < ?1 AND seq <= coalesce((SELECT acked_seq"
		" FROM office_devices d WHERE d.id = office_events.device), 0)";
	static const char commands[] = "DELETE FROM office_commands WHERE acked_ms < ?1";
	static const char mails[] = "DELETE FROM office_mail WHERE created_ms < ?1 AND next_ms IS NULL";
	int64_t months = store_setting_int(st, "event_retention_months", 3);
	int64_t vdays = store_setting_int(st, "visitor_retention_days", 30);
	struct office_purge_counts c = { 0, 0, 0, 0 };
	int rc;

	if (months < 1 || months > 120 || vdays < 0 || vdays > 3650)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "retention settings out of range");
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = purge_step(st, horizon, now_ms - OFFICE_CHANGES_KEEP_MS, NULL, err, errlen)) != SEUIL_OK ||
	    (rc = purge_step(st, changes, 0, &c.changes, err, errlen)) != SEUIL_OK ||
	    (rc = purge_step(st, events, now_ms - months * 31 * 86400000LL, &c.events, err, errlen)) != SEUIL_OK ||
	    (rc = purge_step(st, commands, now_ms - months * 31 * 86400000LL, &c.commands, err, errlen)) != SEUIL_OK ||
	    (rc = purge_step(st, mails, now_ms - vdays * 86400000LL, &c.mails, err, errlen)) != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (out != NULL)
		*out = c;
	return SEUIL_OK;
}
