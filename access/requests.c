/*
 * requests.c - the request rows processes leave each other in the store.
 * It does not act on them; the taker does.
 */
#include "requests.h"

#include "err.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

int request_add(struct store *st, const char *kind, const char *body, int64_t now_ms, int64_t *id,
		char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO requests(kind, body, created_ms, state) VALUES (?1, ?2, ?3, 'pending')";
	sqlite3_stmt *stmt;
	int rc;

	if (strlen(kind) >= sizeof(((struct request *)0)->kind) || strlen(body) >= REQUEST_BODY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "request too large");
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "adding a request", err, errlen);
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return SEUIL_OK;
}

/* a row of (id, kind, body, created_ms) */
static void read_row(sqlite3_stmt *stmt, struct request *out)
{
	out->id = sqlite3_column_int64(stmt, 0);
	store_column_copy(stmt, 1, out->kind, sizeof(out->kind));
	store_column_copy(stmt, 2, out->body, sizeof(out->body));
	out->created_ms = sqlite3_column_int64(stmt, 3);
}

int request_take(struct store *st, const char *kind, int64_t now_ms, struct request *out, char *err,
		 size_t errlen)
{
	/* one statement: taking is atomic even with another taker */
	static const char sql[] =
		"UPDATE requests SET state = 'taken', answered_ms = ?2 WHERE id = ("
		" SELECT id FROM requests WHERE state = 'pending' AND (?1 IS NULL OR kind = ?1)"
		" ORDER BY id LIMIT 1) RETURNING id, kind, body, created_ms";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	memset(out, 0, sizeof(*out));
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	if (kind != NULL)
		sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now_ms);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_row(stmt, out);
		rc = sqlite3_step(stmt); /* finishes the statement so the change commits */
	}
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, "taking a request", err, errlen);
		sqlite3_reset(stmt);
		return rc;
	}
	sqlite3_reset(stmt);
	return out->id > 0 ? SEUIL_OK : SEUIL_ERR_NOT_FOUND;
}

int request_finish(struct store *st, int64_t id, const char *state, const char *answer, int64_t now_ms,
		   char *err, size_t errlen)
{
	static const char sql[] = "UPDATE requests SET state = ?2, answer = ?3, answered_ms = ?4 WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, answer);
	sqlite3_bind_int64(stmt, 4, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "finishing a request", err, errlen);
}

int request_peek(struct store *st, const char *kind, struct request *out, char *err, size_t errlen)
{
	static const char sql[] = "SELECT id, kind, body, created_ms FROM requests"
				  " WHERE state = 'pending' AND (?1 IS NULL OR kind = ?1) ORDER BY id LIMIT 1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	memset(out, 0, sizeof(*out));
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	if (kind != NULL)
		sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_row(stmt, out);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading requests", err, errlen);
	return SEUIL_ERR_NOT_FOUND;
}

int request_settle(struct store *st, int64_t id, const char *state, const char *answer, int64_t now_ms,
		   unsigned wait_ms, char *err, size_t errlen)
{
	static const char sql[] = "UPDATE requests SET state = ?2, answer = ?3, answered_ms = ?4"
				  " WHERE id = ?1 AND state = 'pending'";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	unsigned before;
	int rc, changed;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	before = store_wait_set(st, wait_ms);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, answer);
	sqlite3_bind_int64(stmt, 4, now_ms);
	rc = sqlite3_step(stmt);
	changed = sqlite3_changes(st->db);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		rc = store_db_error(st, "settling a request", err, errlen);
	else
		rc = changed == 1 ? SEUIL_OK : SEUIL_ERR_NOT_FOUND;
	store_wait_restore(st, before);
	return rc;
}
