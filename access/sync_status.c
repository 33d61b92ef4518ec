/*
 * sync_status.c - the sync_state rows and the sync status the kiosk and
 * `seuilctl status` show (last success, last error, outbox length, data
 * age, next attempt).  It records what seuil-sync reports; it decides
 * nothing about when to sync.
 */
#include "sync_store.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sync_state_get(struct store *st, const char *key, char *buf, size_t len)
{
	static const char sql[] = "SELECT value FROM sync_state WHERE key = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, NULL, 0);
	int rc;

	if (len > 0)
		buf[0] = '\0';
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, buf, len);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	return rc == SQLITE_DONE ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_DB;
}

int sync_state_set(struct store *st, const char *key, const char *value, char *err, size_t errlen)
{
	static const char put[] = "INSERT INTO sync_state(key, value) VALUES (?1, ?2)"
				  " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	static const char del[] = "DELETE FROM sync_state WHERE key = ?1";
	sqlite3_stmt *stmt = store_stmt(st, value != NULL ? put : del, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (value != NULL)
		sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "writing the sync state", err, errlen);
	return SEUIL_OK;
}

static int set_int(struct store *st, const char *key, int64_t value, char *err, size_t errlen)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRId64, value);
	return sync_state_set(st, key, text, err, errlen);
}

/* 0 when absent or not a number */
static int64_t get_int(struct store *st, const char *key)
{
	char text[32], *end;
	long long v;

	if (sync_state_get(st, key, text, sizeof(text)) != SEUIL_OK || text[0] == '\0')
		return 0;
	errno = 0;
	v = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' ? v : 0;
}

static int count_outbox(struct store *st, int64_t *out, char *err, size_t errlen)
{
	static const char sql[] = "SELECT count(*) FROM outbox";

	return store_count(st, sql, "counting the outbox", out, err, errlen);
}

/* copies at most len - 1 bytes of src without cutting a UTF-8 sequence */
static void copy_utf8(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	for (char *p = dst; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20)
			*p = ' '; /* one line */
	}
}

int sync_status_write(struct store *st, int64_t now_ms, const char *error, int64_t next_attempt_ms,
		      char *err, size_t errlen)
{
	char iso[21], message[SYNC_ERROR_MAX];
	int64_t outbox = 0;
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	if ((rc = set_int(st, "last_attempt_ms", now_ms, err, errlen)) != SEUIL_OK)
		goto fail;
	if (error == NULL) {
		civil_format_instant(now_ms / 1000, iso);
		if ((rc = set_int(st, "last_success_ms", now_ms, err, errlen)) != SEUIL_OK ||
		    (rc = sync_state_set(st, "last_success", iso, err, errlen)) != SEUIL_OK ||
		    (rc = sync_state_set(st, "last_error", NULL, err, errlen)) != SEUIL_OK ||
		    (rc = sync_state_set(st, "last_error_ms", NULL, err, errlen)) != SEUIL_OK)
			goto fail;
	} else {
		copy_utf8(message, sizeof(message), error[0] != '\0' ? error : "failed");
		if ((rc = sync_state_set(st, "last_error", message, err, errlen)) != SEUIL_OK ||
		    (rc = set_int(st, "last_error_ms", now_ms, err, errlen)) != SEUIL_OK)
			goto fail;
	}
	if ((rc = count_outbox(st, &outbox, err, errlen)) != SEUIL_OK ||
	    (rc = set_int(st, "outbox", outbox, err, errlen)) != SEUIL_OK ||
	    (rc = set_int(st, "next_attempt_ms", next_attempt_ms, err, errlen)) != SEUIL_OK)
		goto fail;
	return store_commit(st, err, errlen);
fail:
	store_rollback(st);
	return rc;
}

int sync_status_read(struct store *st, int64_t now_ms, struct sync_status *out, char *err, size_t errlen)
{
	struct sync_status s;
	bool snapshot = store_read_begin(st);
	int rc;

	memset(&s, 0, sizeof(s));
	s.last_success_ms = get_int(st, "last_success_ms");
	s.last_attempt_ms = get_int(st, "last_attempt_ms");
	s.last_error_ms = get_int(st, "last_error_ms");
	sync_state_get(st, "last_error", s.last_error, sizeof(s.last_error));
	s.last_pull_ms = get_int(st, "last_pull_ms");
	s.data_age_ms = s.last_pull_ms > 0 ? now_ms - s.last_pull_ms : -1;
	s.acked_seq = get_int(st, "acked_seq");
	s.next_attempt_ms = get_int(st, "next_attempt_ms");
	sync_state_get(st, "cursor", s.cursor, sizeof(s.cursor));
	rc = count_outbox(st, &s.outbox, err, errlen);
	store_read_end(st, snapshot);
	if (rc == SEUIL_OK)
		*out = s;
	return rc;
}
