/*
 * book_request.c - the "book now" request rows (book_request.h): their
 * JSON body (jansson), the local check of the slot, their state as the
 * kiosk reads it, and what seuil-sync reads to write the event.  It talks
 * to no calendar; seuil-sync does (sync/book_now.c).
 */
#include "book_request.h"

#include "civil.h"
#include "err.h"
#include "requests.h"
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

void book_request_uid(struct book_request *r)
{
	char when[21], room[64];
	size_t n = 0;

	/* the same room and minute give the same UID, on every kiosk */
	civil_format_instant(r->start_s - ((r->start_s % 60) + 60) % 60, when);
	for (const char *p = r->room; *p != '\0' && n < sizeof(room) - 1; p++)
		room[n++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			     *p == '-' || *p == '_')
				    ? *p
				    : '_';
	room[n] = '\0';
	/* "2026-11-29T10:00:00Z" -> "20261129T1000Z" */
	snprintf(r->uid, sizeof(r->uid), "seuil-book-%.4s%.2s%.2sT%.2s%.2sZ-%s", when, when + 5, when + 8, when + 11,
		 when + 14, room);
}

bool book_request_encode(const struct book_request *r, char *out, size_t len)
{
	char start[21], end[21];
	json_t *o;
	char *text;
	bool ok = false;

	civil_format_instant(r->start_s, start);
	civil_format_instant(r->end_s, end);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "room", r->room, "start", start, "end", end, "tenant",
		      r->tenant, "person", r->person, "uid", r->uid);
	if (o == NULL)
		return false;
	text = json_dumps(o, JSON_COMPACT);
	if (text != NULL && strlen(text) < len) {
		memcpy(out, text, strlen(text) + 1);
		ok = true;
	}
	free(text);
	json_decref(o);
	return ok;
}

static bool copy_field(json_t *o, const char *key, char *dst, size_t len, bool required)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v == NULL)
		return !required && (dst[0] = '\0', true);
	if (strlen(v) >= len || (required && v[0] == '\0'))
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

int book_request_decode(const char *body, struct book_request *out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *o = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
	char start[32] = "", end[32] = "";
	bool has_offset = false, ok;

	memset(out, 0, sizeof(*out));
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "book request: not a JSON object");
	}
	ok = copy_field(o, "room", out->room, sizeof(out->room), true) &&
	     copy_field(o, "tenant", out->tenant, sizeof(out->tenant), true) &&
	     copy_field(o, "person", out->person, sizeof(out->person), false) &&
	     copy_field(o, "uid", out->uid, sizeof(out->uid), true) &&
	     copy_field(o, "start", start, sizeof(start), true) && copy_field(o, "end", end, sizeof(end), true) &&
	     civil_parse_instant(start, &out->start_s, &has_offset) && has_offset &&
	     civil_parse_instant(end, &out->end_s, &has_offset) && has_offset && out->end_s > out->start_s &&
	     out->end_s - out->start_s <= 4 * 3600 && strspn(out->uid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(out->uid);
	json_decref(o);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return err_set(err, errlen, SEUIL_ERR_INVALID, "book request: a field is missing or wrong");
	}
	return SEUIL_OK;
}

/* whether another occurrence of the room overlaps r's slot, inside the caller's read or transaction */
static int overlap_in(struct store *st, const struct book_request *r, bool *overlap, char *err, size_t errlen)
{
	static const char sql[] = "SELECT 1 FROM occurrences WHERE room_id = ?1 AND start_s < ?3 AND end_s > ?2"
				  " AND uid <> ?4 LIMIT 1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, r->room, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, r->start_s);
	sqlite3_bind_int64(stmt, 3, r->end_s);
	sqlite3_bind_text(stmt, 4, r->uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading bookings", err, errlen);
	*overlap = rc == SQLITE_ROW;
	return SEUIL_OK;
}

int book_request_overlap(struct store *st, const struct book_request *r, bool *overlap, char *err, size_t errlen)
{
	bool started = store_read_begin(st);
	int rc = overlap_in(st, r, overlap, err, errlen);

	store_read_end(st, started);
	return rc;
}

/* SEUIL_OK when the room has a CalDAV calendar; NOT_FOUND otherwise */
static int bookable(struct store *st, const char *room, char *url, size_t urllen, char *err, size_t errlen)
{
	static const char sql[] = "SELECT calendar FROM rooms WHERE id = ?1 AND calendar IS NOT NULL"
				  " AND calendar <> '' AND coalesce(feed, 'caldav') = 'caldav'";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && url != NULL)
		store_column_copy(stmt, 0, url, urllen);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "room \"%.64s\" has no CalDAV calendar", room);
	return rc == SQLITE_ROW ? SEUIL_OK : store_db_error(st, "reading rooms", err, errlen);
}

int book_request_add(struct store *st, const struct book_request *r, int64_t now_ms, int64_t *id, bool *free_,
		     char *err, size_t errlen)
{
	char body[1024];
	bool overlap = false;
	int rc;

	if (free_ != NULL)
		*free_ = false;
	if (!book_request_encode(r, body, sizeof(body)))
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "book request too large");
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = bookable(st, r->room, NULL, 0, err, errlen)) == SEUIL_OK &&
	    (rc = overlap_in(st, r, &overlap, err, errlen)) == SEUIL_OK && !overlap)
		rc = request_add(st, BOOK_REQUEST_KIND, body, now_ms, id, err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (free_ != NULL)
		*free_ = !overlap;
	return SEUIL_OK;
}

int book_request_state(struct store *st, int64_t id, enum book_state *out, char *err, size_t errlen)
{
	static const char sql[] = "SELECT state, coalesce(answer, '') FROM requests WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	char state[16] = "", answer[32] = "";
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, state, sizeof(state));
		store_column_copy(stmt, 1, answer, sizeof(answer));
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no request %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return store_db_error(st, "reading a request", err, errlen);
	if (strcmp(state, "pending") == 0)
		*out = BOOK_PENDING;
	else if (strcmp(state, "taken") == 0)
		*out = BOOK_TAKEN;
	else if (strcmp(answer, BOOK_ANSWER_OK) == 0 && strcmp(state, "done") == 0)
		*out = BOOK_OK;
	else if (strcmp(answer, BOOK_ANSWER_CONFLICT) == 0)
		*out = BOOK_CONFLICT;
	else if (strcmp(answer, BOOK_ANSWER_OFFLINE) == 0)
		*out = BOOK_OFFLINE;
	else
		*out = BOOK_FAILED;
	return SEUIL_OK;
}

int book_request_cancel(struct store *st, int64_t id, int64_t now_ms, bool *cancelled, char *err, size_t errlen)
{
	static const char sql[] = "UPDATE requests SET state = 'expired', answer = '" BOOK_ANSWER_EXPIRED "',"
				  " answered_ms = ?2 WHERE id = ?1 AND state = 'pending'";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	*cancelled = false;
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "cancelling a request", err, errlen);
	*cancelled = sqlite3_changes(st->db) > 0;
	return SEUIL_OK;
}

int book_request_names(struct store *st, const struct book_request *r, struct book_names *out, char *err,
		       size_t errlen)
{
	static const char sql[] = "SELECT (SELECT name FROM tenants WHERE id = ?1),"
				  " (SELECT email FROM people WHERE id = ?2)";
	bool started = store_read_begin(st);
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	sqlite3_bind_text(stmt, 1, r->tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, r->person, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, out->tenant_name, sizeof(out->tenant_name));
		store_column_copy(stmt, 1, out->email, sizeof(out->email));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		rc = store_db_error(st, "reading names", err, errlen);
	else
		rc = bookable(st, r->room, out->url, sizeof(out->url), err, errlen);
	store_read_end(st, started);
	return rc;
}
