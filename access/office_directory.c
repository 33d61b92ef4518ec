/*
 * office_directory.c - GET /v1/directory's answer: the whole directory, or
 * what changed since a cursor, read from the change log that the triggers
 * of office_store.c fill.  The JSON of the entries is directory_export.c's.
 *
 * A delta is decided by what exists now: every (section, id) logged after
 * the cursor is sent whole when it still exists, and listed as deleted when
 * it does not (an invitation whose host was deleted counts as deleted: a
 * kiosk refuses one without a host).  So an entry deleted and made again is
 * simply sent, and an entry is never both sent and deleted.  When any door changed, every door
 * is sent, in order: a door's position in the list is its rank (the first
 * door is the default one), and a delta must not reorder them.
 */
#include "office_store.h"

#include "directory.h"
#include "err.h"
#include "store_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* does entry id of section still exist (as export would show it)? */
static const char *const exists_sql[DIRECTORY_SECTION_COUNT] = {
	[DIRECTORY_SITE] = "SELECT 1 FROM sites WHERE id = 1 AND ?1 IS NOT NULL",
	[DIRECTORY_DOORS] = "SELECT 1 FROM doors WHERE id = ?1",
	[DIRECTORY_SCHEDULES] = "SELECT 1 FROM schedules WHERE id = ?1",
	[DIRECTORY_PROFILES] = "SELECT 1 FROM profiles WHERE id = ?1",
	[DIRECTORY_TENANTS] = "SELECT 1 FROM tenants WHERE id = ?1",
	[DIRECTORY_PEOPLE] = "SELECT 1 FROM people WHERE id = ?1",
	[DIRECTORY_CREDENTIALS] = "SELECT 1 FROM credentials WHERE kind = 'uid' AND identifier = ?1"
				  " AND person_id IS NOT NULL",
	[DIRECTORY_CLOSURES] = "SELECT 1 FROM closures WHERE date = ?1",
	[DIRECTORY_ROOMS] = "SELECT 1 FROM rooms WHERE id = ?1",
	[DIRECTORY_INVITES] = "SELECT 1 FROM invites WHERE id = ?1 AND code IS NOT NULL"
			      " AND (host_person_id IS NOT NULL OR host_tenant_id IS NOT NULL)",
};

/* the ids logged since the cursor, by section */
struct delta {
	char **ids[DIRECTORY_SECTION_COUNT];
	size_t count[DIRECTORY_SECTION_COUNT], cap[DIRECTORY_SECTION_COUNT];
	json_t *deleted;
};

static void delta_release(struct delta *d)
{
	for (int s = 0; s < DIRECTORY_SECTION_COUNT; s++) {
		for (size_t i = 0; i < d->count[s]; i++)
			free(d->ids[s][i]);
		free(d->ids[s]);
	}
	json_decref(d->deleted);
}

static int delta_add(struct delta *d, int s, const char *id)
{
	char *copy;

	if (d->count[s] == d->cap[s]) {
		size_t cap = d->cap[s] ? d->cap[s] * 2 : 16;
		char **grown = realloc(d->ids[s], cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		d->ids[s] = grown;
		d->cap[s] = cap;
	}
	if ((copy = strdup(id)) == NULL)
		return -1;
	d->ids[s][d->count[s]++] = copy;
	return 0;
}

int64_t office_directory_cursor(struct store *st)
{
	/* the newest change, or the horizon when the purge took every row */
	static const char sql[] =
		"SELECT max(coalesce((SELECT max(seq) FROM office_changes), 0),"
		" coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'office_changes_horizon'), 0))";
	sqlite3_stmt *stmt = store_stmt(st, sql, NULL, 0);
	int64_t cursor = -1;

	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		cursor = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return cursor;
}

/* the token of change seq into token ("" when the log has no such row); false on a database error */
static bool token_at(struct store *st, int64_t seq, char token[OFFICE_CURSOR_TOKEN_LEN + 1])
{
	static const char sql[] = "SELECT token FROM office_changes WHERE seq = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, NULL, 0);
	int rc;

	token[0] = '\0';
	if (stmt == NULL)
		return false;
	sqlite3_bind_int64(stmt, 1, seq);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, token, OFFICE_CURSOR_TOKEN_LEN + 1);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* "SEQ.TOKEN", or "SEQ" alone when the change has no token (an empty log) */
static void cursor_format(int64_t seq, const char *token, char *buf, size_t len)
{
	if (token[0] != '\0')
		snprintf(buf, len, "%lld.%s", (long long)seq, token);
	else
		snprintf(buf, len, "%lld", (long long)seq);
}

int office_directory_cursor_text(struct store *st, char *buf, size_t len)
{
	char token[OFFICE_CURSOR_TOKEN_LEN + 1];
	int64_t seq = office_directory_cursor(st);

	if (seq < 0 || !token_at(st, seq, token))
		return SEUIL_ERR_DB;
	cursor_format(seq, token, buf, len);
	return SEUIL_OK;
}

/*
 * The cursor a kiosk sent: its seq, or -1 when it asks for (or only
 * deserves) everything; token receives its token, "" for a plain number
 * (a cursor of version 1: it names no history, so it is answered in full).
 */
static int64_t parse_cursor(const char *text, char token[OFFICE_CURSOR_TOKEN_LEN + 1])
{
	const char *dot;
	char *end;
	long long v;

	token[0] = '\0';
	if (text == NULL || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || v <= 0)
		return -1;
	if (*end == '\0')
		return v;
	dot = end;
	if (*dot != '.' || strlen(dot + 1) != OFFICE_CURSOR_TOKEN_LEN)
		return -1;
	for (const char *p = dot + 1; *p != '\0'; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	}
	memcpy(token, dot + 1, OFFICE_CURSOR_TOKEN_LEN + 1);
	return v;
}

static int collect_changes(struct store *st, int64_t since, struct delta *d, char *err, size_t errlen)
{
	/* not cached: existence checks run while it steps */
	static const char sql[] = "SELECT DISTINCT section, id FROM office_changes WHERE seq > ?1";
	sqlite3_stmt *stmt, *exists;
	int rc, out = SEUIL_OK;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(st, "reading the change log", err, errlen);
	sqlite3_bind_int64(stmt, 1, since);
	while (out == SEUIL_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int s = directory_section_from_name((const char *)sqlite3_column_text(stmt, 0));
		const char *id = (const char *)sqlite3_column_text(stmt, 1);
		if (s < 0 || id == NULL)
			continue; /* a section of a later Seuil: nothing this one can send */
		if ((exists = store_stmt(st, exists_sql[s], err, errlen)) == NULL) {
			out = SEUIL_ERR_DB;
			break;
		}
		sqlite3_bind_text(exists, 1, id, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(exists);
		sqlite3_reset(exists);
		if (rc == SQLITE_ROW) {
			if (delta_add(d, s, id) != 0)
				out = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading the change log");
		} else if (rc == SQLITE_DONE) {
			json_t *list = json_object_get(d->deleted, directory_section_name(s));
			if (s == DIRECTORY_SITE)
				continue; /* a directory always has a site: nothing to delete */
			if (list == NULL && json_object_set_new(d->deleted, directory_section_name(s),
								list = json_array()) != 0)
				list = NULL;
			if (list == NULL || json_array_append_new(list, json_string(id)) != 0)
				out = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading the change log");
		} else {
			out = store_db_error(st, "reading the directory", err, errlen);
		}
	}
	if (out == SEUIL_OK && rc != SQLITE_DONE)
		out = store_db_error(st, "reading the change log", err, errlen);
	sqlite3_finalize(stmt);
	return out;
}

static int has_site(struct store *st, bool *yes, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, exists_sql[DIRECTORY_SITE], err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, "1", -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading the site", err, errlen);
	*yes = rc == SQLITE_ROW;
	return SEUIL_OK;
}

/*
 * Whether the cursor (since, since_token) was issued by this database's
 * history: the change it names is still logged here with the same token.
 * A restored backup, a new database or another office logs other tokens
 * at the same seqs (or none yet): its deltas would skip what the kiosk
 * missed, so such a cursor gets everything.
 */
static int cursor_known(struct store *st, int64_t since, const char *since_token, int64_t cursor,
			const char *token, bool *known, char *err, size_t errlen)
{
	char logged[OFFICE_CURSOR_TOKEN_LEN + 1];

	*known = false;
	if (since_token[0] == '\0')
		return SEUIL_OK;
	if (since == cursor) { /* the hot path: a kiosk up to date */
		*known = strcmp(token, since_token) == 0;
		return SEUIL_OK;
	}
	if (!token_at(st, since, logged))
		return store_db_error(st, "reading the change log", err, errlen);
	*known = logged[0] != '\0' && strcmp(logged, since_token) == 0;
	return SEUIL_OK;
}

/* the directory part of the answer, and whether it is full; in one read snapshot */
static int answer(struct store *st, const char *cursor_text, int64_t *cursor, char *text, size_t textlen,
		  bool *full, char **dir, size_t *dirlen, struct delta *d, char *err, size_t errlen)
{
	struct directory_selection sel;
	bool started = store_read_begin(st), site = false, known = false;
	char since_token[OFFICE_CURSOR_TOKEN_LEN + 1], token[OFFICE_CURSOR_TOKEN_LEN + 1];
	int64_t since = parse_cursor(cursor_text, since_token), horizon;
	int rc = SEUIL_OK;

	*cursor = office_directory_cursor(st);
	horizon = store_setting_int(st, "office_changes_horizon", 0);
	if (*cursor < 0 || !token_at(st, *cursor, token)) {
		rc = store_db_error(st, "reading the change log", err, errlen);
		goto out;
	}
	cursor_format(*cursor, token, text, textlen);
	*full = since <= 0 || since > *cursor || since < horizon;
	if (!*full && (rc = cursor_known(st, since, since_token, *cursor, token, &known, err, errlen)) != SEUIL_OK)
		goto out;
	*full = *full || !known;
	if (*full) {
		if ((rc = has_site(st, &site, err, errlen)) == SEUIL_OK && !site)
			rc = err_set(err, errlen, SEUIL_ERR_NOT_FOUND,
				     "the office holds no directory yet: run 'seuil-office import'");
		if (rc == SEUIL_OK)
			rc = directory_export_json(st, NULL, dir, dirlen, err, errlen);
		goto out;
	}
	if (since == *cursor) { /* the poll of a kiosk up to date: the hot path */
		if ((*dir = strdup("{}")) == NULL)
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		*dirlen = 2;
		goto out;
	}
	if ((rc = collect_changes(st, since, d, err, errlen)) != SEUIL_OK)
		goto out;
	memset(&sel, 0, sizeof(sel));
	for (int s = 0; s < DIRECTORY_SECTION_COUNT; s++) {
		sel.ids[s] = (const char *const *)d->ids[s];
		sel.count[s] = d->count[s];
	}
	if (d->count[DIRECTORY_DOORS] > 0 || json_object_get(d->deleted, "doors") != NULL)
		sel.all |= 1u << DIRECTORY_DOORS;
	rc = directory_export_json(st, &sel, dir, dirlen, err, errlen);
out:
	store_read_end(st, started);
	return rc;
}

int office_directory_reply(struct store *st, const char *device, const char *cursor_text, int64_t now_ms,
			   char **body, size_t *len, char *err, size_t errlen)
{
	struct delta d;
	char *dir = NULL, *deleted = NULL, *text = NULL, cursor_out[OFFICE_CURSOR_MAX];
	size_t dirlen = 0, size;
	int64_t cursor = 0;
	bool full = true;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((d.deleted = json_object()) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	rc = answer(st, cursor_text, &cursor, cursor_out, sizeof(cursor_out), &full, &dir, &dirlen, &d, err,
		    errlen);
	if (rc == SEUIL_OK && (deleted = json_dumps(d.deleted, JSON_COMPACT)) == NULL)
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if (rc == SEUIL_OK) {
		size = dirlen + strlen(deleted) + strlen(cursor_out) + 96;
		if ((text = malloc(size)) == NULL)
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		else
			snprintf(text, size, "{\"cursor\":\"%s\",\"full\":%s,\"directory\":%s,\"deleted\":%s}",
				 cursor_out, full ? "true" : "false", dir, deleted);
	}
	free(dir);
	free(deleted);
	delta_release(&d);
	/* bookkeeping, best effort: a busy database must not cost the kiosk its answer */
	if (rc == SEUIL_OK && device != NULL)
		office_device_touch(st, device, now_ms, cursor, NULL, 0);
	if (rc != SEUIL_OK) {
		free(text);
		return rc;
	}
	*body = text;
	*len = strlen(text);
	return SEUIL_OK;
}
