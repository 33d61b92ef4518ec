/*
 * credentials.c - single-badge changes with their journal entry.  The
 * rights engine reads what this writes; nothing here decides access.
 */
#include "credentials.h"

#include "civil.h"
#include "err.h"
#include "journal.h"
#include "store_int.h"
#include "uid.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int journal_change(struct store *st, const char *kind, const char *uid, const char *person,
			  const char *what, int64_t now_ms, char *err, size_t errlen);

int credential_enroll(struct store *st, const char *uid_text, const char *person,
		      const char *valid_from, const char *valid_until, unsigned flags, int64_t now_ms,
		      char *err, size_t errlen)
{
	static const char holder[] = "SELECT coalesce(person_id, ''), visitor_id IS NOT NULL, status"
				     " FROM credentials WHERE kind = 'uid' AND identifier = ?1";
	static const char has_person[] = "SELECT 1 FROM people WHERE id = ?1";
	static const char put[] =
		"INSERT INTO credentials(kind, identifier, person_id, status, valid_from, valid_until,"
		" created_ms) VALUES ('uid', ?1, ?2, 'active', ?3, ?4, ?5)"
		" ON CONFLICT(kind, identifier) DO UPDATE SET person_id = excluded.person_id,"
		" visitor_id = NULL, status = 'active', valid_from = excluded.valid_from,"
		" valid_until = excluded.valid_until";
	char uid[UID_HEX_MAX], current[128] = "", status[16] = "";
	bool stored = false, visitor = false, force = flags & CREDENTIAL_FORCE;
	struct civil_date d;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = uid_normalize(uid_text, uid, err, errlen)) != SEUIL_OK)
		return rc;
	if ((valid_from != NULL && !civil_parse_date(valid_from, &d)) ||
	    (valid_until != NULL && !civil_parse_date(valid_until, &d)))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "not a date: dates are real days written YYYY-MM-DD");
	if (valid_from != NULL && valid_until != NULL && strcmp(valid_from, valid_until) > 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "valid_from is after valid_until");
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, has_person, err, errlen)) == NULL)
		goto db;
	sqlite3_bind_text(stmt, 1, person, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		rc = err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no person with id \"%.64s\"", person);
		goto fail;
	}
	if ((stmt = store_stmt(st, holder, err, errlen)) == NULL)
		goto db;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		stored = true;
		store_column_copy(stmt, 0, current, sizeof(current));
		visitor = sqlite3_column_int(stmt, 1) != 0;
		store_column_copy(stmt, 2, status, sizeof(status));
	}
	sqlite3_reset(stmt);
	/* whatever its status: a revoked badge is still someone's until given away */
	if (stored && !force && (visitor || strcmp(current, person) != 0)) {
		if (visitor)
			rc = err_set(err, errlen, SEUIL_ERR_INVALID,
				     "badge %s is a visitor pass; --force gives it to \"%.64s\"", uid, person);
		else
			rc = err_set(err, errlen, SEUIL_ERR_INVALID,
				     "badge %s is enrolled for \"%.64s\"; --force gives it to \"%.64s\"", uid,
				     current, person);
		goto fail;
	}
	/* a badge reported lost or revoked comes back only on purpose */
	if (stored && !visitor && !force && (flags & CREDENTIAL_REFUSE_INACTIVE) &&
	    strcmp(status, "active") != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID,
			     "badge %s of \"%.64s\" is %s: revoke --restore makes it active again, "
			     "or enroll it with --force", uid, person, status);
		goto fail;
	}
	if ((stmt = store_stmt(st, put, err, errlen)) == NULL)
		goto db;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, person, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, valid_from);
	store_bind_text_or_null(stmt, 4, valid_until);
	sqlite3_bind_int64(stmt, 5, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto db;
	if ((rc = journal_change(st, "enroll", uid, person, "active", now_ms, err, errlen)) != SEUIL_OK)
		goto fail;
	return store_commit(st, err, errlen);
db:
	rc = store_db_error(st, "enrolling", err, errlen);
fail:
	store_rollback(st);
	return rc;
}

int credential_set_status(struct store *st, const char *uid_text, const char *status,
			  int64_t now_ms, char *err, size_t errlen)
{
	static const char sql[] = "UPDATE credentials SET status = ?2 WHERE kind = 'uid' AND identifier = ?1"
				  " RETURNING coalesce(person_id, '')";
	static const char *const statuses[] = { "active", "revoked", "lost", "blocked" };
	char uid[UID_HEX_MAX], person[128] = "";
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (strcmp(status, statuses[i]) == 0)
			break;
	}
	if (i == sizeof(statuses) / sizeof(statuses[0]))
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "\"%.32s\" is not a badge status (active, revoked, lost, blocked)", status);
	if ((rc = uid_normalize(uid_text, uid, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_rollback(st);
		return SEUIL_ERR_DB;
	}
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, status, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, person, sizeof(person));
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no badge %s is stored", uid)
				       : store_db_error(st, "changing a badge", err, errlen);
		store_rollback(st);
		return rc;
	}
	rc = journal_change(st, "credential", uid, person, status, now_ms, err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}

/* journal entry inside the caller's transaction: the hash, never the UID */
static int journal_change(struct store *st, const char *kind, const char *uid, const char *person,
			  const char *what, int64_t now_ms, char *err, size_t errlen)
{
	struct journal_event ev;
	int rc;

	journal_event_init(&ev, kind, now_ms);
	snprintf(ev.person, sizeof(ev.person), "%s", person);
	snprintf(ev.reason, sizeof(ev.reason), "%s", what);
	rc = access_credential_hash(st, "uid", uid, ev.credential_hash, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	return journal_append_locked(st, &ev, NULL, err, errlen);
}
