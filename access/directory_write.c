/*
 * directory_write.c - the transaction, id bookkeeping and checks behind
 * both importers and the office pull.  It parses nothing (directory_json.c
 * and directory_csv.c do) and writes no row itself (directory_rows.c does).
 */
#include "directory_int.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"
#include "uid.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const dir_party_statuses[] = { "active", "inactive", "suspended", NULL };
const char *const dir_credential_statuses[] = { "active", "revoked", "lost", "blocked", NULL };
const char *const dir_roles[] = { "member", "manager", "staff", NULL };

static const char *const table_names[DIR_TABLE_COUNT] = {
	[DIR_DOORS] = "doors",       [DIR_SCHEDULES] = "schedules",
	[DIR_PROFILES] = "profiles", [DIR_TENANTS] = "tenants",
	[DIR_PEOPLE] = "people",     [DIR_CREDENTIALS] = "credentials",
	[DIR_CLOSURES] = "closures", [DIR_ROOMS] = "rooms",
	[DIR_INVITES] = "invites",
};

/* existence of an id, one static statement per table (the cache keys on the text) */
static const char *const exists_sql[DIR_TABLE_COUNT] = {
	[DIR_DOORS] = "SELECT 1 FROM doors WHERE id = ?1",
	[DIR_SCHEDULES] = "SELECT 1 FROM schedules WHERE id = ?1",
	[DIR_PROFILES] = "SELECT 1 FROM profiles WHERE id = ?1",
	[DIR_TENANTS] = "SELECT 1 FROM tenants WHERE id = ?1",
	[DIR_PEOPLE] = "SELECT 1 FROM people WHERE id = ?1",
	[DIR_CREDENTIALS] = "SELECT 1 FROM credentials WHERE kind = 'uid' AND identifier = ?1",
	[DIR_CLOSURES] = "SELECT 1 FROM closures WHERE date = ?1",
	[DIR_ROOMS] = "SELECT 1 FROM rooms WHERE id = ?1",
	[DIR_INVITES] = "SELECT 1 FROM invites WHERE id = ?1",
};

/* replace mode: what the file did not name goes, children before parents */
static const struct {
	enum dir_table table;
	const char *sql;
} replace_sql[] = {
	{ DIR_INVITES, "DELETE FROM invites WHERE id NOT IN"
		       " (SELECT id FROM temp.dir_seen WHERE tbl = 'invites')" },
	{ DIR_CREDENTIALS, "DELETE FROM credentials WHERE kind = 'uid' AND identifier NOT IN"
			   " (SELECT id FROM temp.dir_seen WHERE tbl = 'credentials')"
			   " AND visitor_id IS NULL" },
	{ DIR_PEOPLE, "DELETE FROM people WHERE id NOT IN"
		      " (SELECT id FROM temp.dir_seen WHERE tbl = 'people')" },
	{ DIR_TENANTS, "DELETE FROM tenants WHERE id NOT IN"
		       " (SELECT id FROM temp.dir_seen WHERE tbl = 'tenants')" },
	{ DIR_ROOMS, "DELETE FROM rooms WHERE id NOT IN"
		     " (SELECT id FROM temp.dir_seen WHERE tbl = 'rooms')" },
	{ DIR_PROFILES, "DELETE FROM profiles WHERE id NOT IN"
			" (SELECT id FROM temp.dir_seen WHERE tbl = 'profiles')" },
	{ DIR_SCHEDULES, "DELETE FROM schedules WHERE id NOT IN"
			 " (SELECT id FROM temp.dir_seen WHERE tbl = 'schedules')" },
	{ DIR_DOORS, "DELETE FROM doors WHERE id NOT IN"
		     " (SELECT id FROM temp.dir_seen WHERE tbl = 'doors')" },
	{ DIR_CLOSURES, "DELETE FROM closures WHERE date NOT IN"
			" (SELECT id FROM temp.dir_seen WHERE tbl = 'closures')" },
};

__attribute__((format(printf, 3, 4))) static int fail(struct dir_import *imp, const char *path,
							const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: %s", path, msg);
}

int dir_step_done(struct dir_import *imp, sqlite3_stmt *stmt, const char *path)
{
	int rc = sqlite3_step(stmt);
	char what[160];

	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return SEUIL_OK;
	snprintf(what, sizeof(what), "%s: cannot store", path);
	if (rc == SQLITE_CONSTRAINT)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: %s", path,
			       sqlite3_errmsg(imp->st->db));
	return store_db_error(imp->st, what, imp->err, imp->errlen);
}

sqlite3_stmt *dir_prep(struct dir_import *imp, const char *sql)
{
	return store_stmt(imp->st, sql, imp->err, imp->errlen);
}

int dir_init(struct dir_import *imp, struct store *st, unsigned flags, char *err, size_t errlen)
{
	static const char create[] =
		"CREATE TEMP TABLE IF NOT EXISTS dir_seen (tbl TEXT NOT NULL, id TEXT NOT NULL,"
		" path TEXT NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID;"
		/* a row with a NULL a and b marks a parent whose set the file gives */
		"CREATE TEMP TABLE IF NOT EXISTS dir_children (kind INTEGER NOT NULL, parent TEXT NOT NULL,"
		" a TEXT, b INTEGER, c INTEGER, d INTEGER);"
		"CREATE INDEX IF NOT EXISTS temp.dir_children_parent ON dir_children(kind, parent)";

	memset(imp, 0, sizeof(*imp));
	imp->st = st;
	imp->flags = flags;
	imp->err = err;
	imp->errlen = errlen;
	if (sqlite3_exec(st->db, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, "DELETE FROM temp.dir_seen; DELETE FROM temp.dir_children", NULL, NULL, NULL) !=
		    SQLITE_OK)
		return store_db_error(st, "preparing the import", err, errlen);
	return SEUIL_OK;
}

int dir_begin(struct dir_import *imp, struct store *st, unsigned flags, char *err, size_t errlen)
{
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	rc = dir_init(imp, st, flags, err, errlen);
	if (rc != SEUIL_OK)
		store_rollback(st);
	return rc;
}

void dir_abort(struct dir_import *imp)
{
	store_rollback(imp->st);
}

/* the path the file gave id of table at, into buf ("" when not named) */
static void seen_path(struct dir_import *imp, enum dir_table table, const char *id, char *buf,
		      size_t len)
{
	static const char find[] = "SELECT path FROM temp.dir_seen WHERE tbl = ?1 AND id = ?2";
	sqlite3_stmt *stmt = dir_prep(imp, find);

	buf[0] = '\0';
	if (stmt == NULL)
		return;
	sqlite3_bind_text(stmt, 1, table_names[table], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_copy(stmt, 0, buf, len);
	sqlite3_reset(stmt);
}

/* two invitations of one day may not share a code: the visitor types it */
static int check_invite_codes(struct dir_import *imp)
{
	static const char dup[] =
		"SELECT a.id, b.id, a.day, a.code FROM invites a JOIN invites b"
		" ON b.day = a.day AND b.code = a.code AND b.id > a.id LIMIT 1";
	sqlite3_stmt *stmt;
	char a[DIR_ID_MAX + 1], b[DIR_ID_MAX + 1], day[16], code[16], path[96];
	int rc;

	if (sqlite3_prepare_v2(imp->st->db, dup, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(imp->st, "checking invitation codes", imp->err, imp->errlen);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, a, sizeof(a));
		store_column_copy(stmt, 1, b, sizeof(b));
		store_column_copy(stmt, 2, day, sizeof(day));
		store_column_copy(stmt, 3, code, sizeof(code));
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return SEUIL_OK;
	if (rc != SQLITE_ROW)
		return store_db_error(imp->st, "checking invitation codes", imp->err, imp->errlen);
	/* name the entry of the file; the other may be stored from before */
	seen_path(imp, DIR_INVITES, b, path, sizeof(path));
	if (path[0] == '\0') {
		seen_path(imp, DIR_INVITES, a, path, sizeof(path));
		snprintf(a, sizeof(a), "%s", b);
	}
	if (path[0] == '\0')
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
			       "invites \"%s\" and \"%s\" share the code %s on %s", a, b, code, day);
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
		       "%s.code: %s is already the code of invite \"%s\" on %s", path, code, a, day);
}

int dir_finish(struct dir_import *imp, unsigned replaced)
{
	int rc = dir_complete(imp, replaced);

	if (rc != SEUIL_OK) {
		store_rollback(imp->st);
		return rc;
	}
	return store_commit(imp->st, imp->err, imp->errlen);
}

/* the staged child rows written: what left goes, what came is added, what stayed is not touched */
static const char *const children_sql[] = {
	"DELETE FROM schedule_windows WHERE schedule_id IN (SELECT parent FROM temp.dir_children WHERE kind = 1)"
	" AND NOT EXISTS (SELECT 1 FROM temp.dir_children c WHERE c.kind = 1 AND c.parent = schedule_id"
	"  AND c.b = days AND c.c = from_min AND c.d = to_min)",
	"INSERT INTO schedule_windows(schedule_id, days, from_min, to_min)"
	" SELECT DISTINCT parent, b, c, d FROM temp.dir_children c WHERE kind = 1 AND b IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM schedule_windows w WHERE w.schedule_id = c.parent AND w.days = c.b"
	"  AND w.from_min = c.c AND w.to_min = c.d)",
	"DELETE FROM profile_doors WHERE profile_id IN (SELECT parent FROM temp.dir_children WHERE kind = 2)"
	" AND NOT EXISTS (SELECT 1 FROM temp.dir_children c WHERE c.kind = 2 AND c.parent = profile_id"
	"  AND c.a = door_id)",
	"INSERT OR IGNORE INTO profile_doors(profile_id, door_id)"
	" SELECT parent, a FROM temp.dir_children WHERE kind = 2 AND a IS NOT NULL",
	"DELETE FROM room_doors WHERE room_id IN (SELECT parent FROM temp.dir_children WHERE kind = 3)"
	" AND NOT EXISTS (SELECT 1 FROM temp.dir_children c WHERE c.kind = 3 AND c.parent = room_id"
	"  AND c.a = door_id)",
	"INSERT OR IGNORE INTO room_doors(room_id, door_id)"
	" SELECT parent, a FROM temp.dir_children WHERE kind = 3 AND a IS NOT NULL",
	"DELETE FROM grants WHERE tenant_id IN (SELECT parent FROM temp.dir_children WHERE kind = 4)"
	" AND NOT EXISTS (SELECT 1 FROM temp.dir_children c WHERE c.kind = 4 AND c.parent = tenant_id"
	"  AND c.a = profile_id)",
	"INSERT INTO grants(profile_id, tenant_id) SELECT DISTINCT a, parent FROM temp.dir_children c"
	" WHERE kind = 4 AND a IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.tenant_id = c.parent AND g.profile_id = c.a)",
	"DELETE FROM grants WHERE person_id IN (SELECT parent FROM temp.dir_children WHERE kind = 5)"
	" AND NOT EXISTS (SELECT 1 FROM temp.dir_children c WHERE c.kind = 5 AND c.parent = person_id"
	"  AND c.a = profile_id)",
	"INSERT INTO grants(profile_id, person_id) SELECT DISTINCT a, parent FROM temp.dir_children c"
	" WHERE kind = 5 AND a IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = c.parent AND g.profile_id = c.a)",
};

static int write_children(struct dir_import *imp)
{
	sqlite3_stmt *stmt;
	int rc;

	for (size_t i = 0; i < sizeof(children_sql) / sizeof(children_sql[0]); i++) {
		if ((stmt = dir_prep(imp, children_sql[i])) == NULL)
			return SEUIL_ERR_DB;
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc == SQLITE_CONSTRAINT)
			return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "cannot store the entries' links: %s",
				       sqlite3_errmsg(imp->st->db));
		if (rc != SQLITE_DONE)
			return store_db_error(imp->st, "storing the entries' links", imp->err, imp->errlen);
	}
	return SEUIL_OK;
}

int dir_complete(struct dir_import *imp, unsigned replaced)
{
	static const char fk_check[] = "PRAGMA foreign_key_check";
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = write_children(imp)) != SEUIL_OK)
		return rc;
	if (imp->flags & DIRECTORY_REPLACE) {
		for (size_t i = 0; i < sizeof(replace_sql) / sizeof(replace_sql[0]); i++) {
			if (!(replaced & (1u << replace_sql[i].table)))
				continue;
			stmt = dir_prep(imp, replace_sql[i].sql);
			if (stmt == NULL)
				return SEUIL_ERR_DB;
			rc = sqlite3_step(stmt);
			sqlite3_reset(stmt);
			if (rc == SQLITE_CONSTRAINT)
				return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
					       "cannot remove %s absent from the file: still in use (%s)",
					       table_names[replace_sql[i].table], sqlite3_errmsg(imp->st->db));
			if (rc != SQLITE_DONE)
				return store_db_error(imp->st, "replacing the directory", imp->err, imp->errlen);
			imp->counts.removed += sqlite3_changes(imp->st->db);
		}
	}
	if (imp->invites > 0 && (rc = check_invite_codes(imp)) != SEUIL_OK)
		return rc;
	/* the importers check references as they go; this is the safety net */
	if (sqlite3_prepare_v2(imp->st->db, fk_check, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(imp->st, "checking references", imp->err, imp->errlen);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
			"the import would leave a dangling reference in table %s",
			(const char *)sqlite3_column_text(stmt, 0));
	else if (rc != SQLITE_DONE)
		store_db_error(imp->st, "checking references", imp->err, imp->errlen);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? SEUIL_ERR_INVALID : SEUIL_ERR_DB;
	return SEUIL_OK;
}

int dir_seen(struct dir_import *imp, enum dir_table table, const char *id, const char *path)
{
	static const char find[] = "SELECT path FROM temp.dir_seen WHERE tbl = ?1 AND id = ?2";
	static const char add[] = "INSERT INTO temp.dir_seen(tbl, id, path) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *stmt = dir_prep(imp, find);
	char first[96];

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, table_names[table], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		char shown[UID_HEX_MAX + 8];
		store_column_copy(stmt, 0, first, sizeof(first));
		sqlite3_reset(stmt);
		if (table == DIR_CREDENTIALS && (imp->flags & DIR_REDACT_UIDS))
			uid_redact(id, shown, sizeof(shown));
		else
			snprintf(shown, sizeof(shown), "%s", id);
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: \"%s\" is already given at %s",
			       path, shown, first);
	}
	sqlite3_reset(stmt);
	stmt = dir_prep(imp, add);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, table_names[table], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, path, -1, SQLITE_STATIC);
	return dir_step_done(imp, stmt, path);
}

bool dir_was_seen(struct dir_import *imp, enum dir_table table, const char *id)
{
	static const char find[] = "SELECT 1 FROM temp.dir_seen WHERE tbl = ?1 AND id = ?2";
	sqlite3_stmt *stmt = dir_prep(imp, find);
	bool seen;

	if (stmt == NULL)
		return false;
	sqlite3_bind_text(stmt, 1, table_names[table], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	seen = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return seen;
}

int dir_require(struct dir_import *imp, enum dir_table table, const char *id, const char *path)
{
	sqlite3_stmt *stmt = dir_prep(imp, exists_sql[table]);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	if (rc != SQLITE_DONE)
		return store_db_error(imp->st, path, imp->err, imp->errlen);
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: no %.*s with id \"%s\"", path,
		       (int)strlen(table_names[table]) - (table == DIR_PEOPLE ? 0 : 1),
		       table == DIR_PEOPLE ? "person" : table_names[table], id);
}

int dir_check_text(struct dir_import *imp, const char *text, size_t max, const char *path)
{
	size_t len = strlen(text);

	if (len > max)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: longer than %zu bytes", path, max);
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return fail(imp, path, "%s", "contains a control character");
	}
	return SEUIL_OK;
}

int dir_check_id(struct dir_import *imp, const char *id, const char *path)
{
	if (id[0] == '\0')
		return fail(imp, path, "%s", "an id may not be empty");
	if (strlen(id) > DIR_ID_MAX)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: id longer than %d bytes", path,
			       DIR_ID_MAX);
	for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return fail(imp, path, "id \"%s\" contains a space or a control character", id);
	}
	return SEUIL_OK;
}

int dir_check_date(struct dir_import *imp, const char *date, const char *path)
{
	struct civil_date d;

	if (date == NULL || civil_parse_date(date, &d))
		return SEUIL_OK;
	return fail(imp, path, "\"%s\" is not a date (YYYY-MM-DD)", date);
}

int dir_check_range(struct dir_import *imp, const char *from, const char *until, const char *path)
{
	if (from != NULL && until != NULL && strcmp(from, until) > 0)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
			       "%s: valid_from %s is after valid_until %s", path, from, until);
	return SEUIL_OK;
}

int dir_check_choice(struct dir_import *imp, const char *value, const char *const *choices,
		     const char *path)
{
	char list[160] = "";

	for (size_t i = 0; choices[i] != NULL; i++) {
		if (strcmp(value, choices[i]) == 0)
			return SEUIL_OK;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", choices[i]);
	}
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: \"%.64s\" is not one of %s", path,
		       value, list);
}

