/*
 * visitors.c - visitor records and their journal events.  The screens that
 * collect them are the kiosk's; telling the host is the office's.
 */
#include "visitors.h"

#include "err.h"
#include "journal.h"
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_text(const char *what, const char *s, bool required, char *err, size_t errlen)
{
	if (s == NULL || s[0] == '\0')
		return required ? err_set(err, errlen, SEUIL_ERR_INVALID, "the visitor's %s is missing", what)
				: SEUIL_OK;
	if (strlen(s) >= VISITOR_TEXT_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the visitor's %s is too long", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "the visitor's %s has a control character",
				       what);
	}
	return SEUIL_OK;
}

/* the host's tenant, and a check that the host exists */
static int resolve_host(struct store *st, const struct visitor_checkin *v, char *tenant, size_t len,
			char *err, size_t errlen)
{
	static const char person[] = "SELECT coalesce(tenant_id, '') FROM people WHERE id = ?1";
	static const char tenant_sql[] = "SELECT id FROM tenants WHERE id = ?1";
	sqlite3_stmt *stmt;
	const char *id = v->host_person != NULL ? v->host_person : v->host_tenant;
	int rc;

	tenant[0] = '\0';
	if (id == NULL || id[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "whom the visitor comes to see is missing");
	stmt = store_stmt(st, v->host_person != NULL ? person : tenant_sql, err, errlen);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, tenant, len);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no %s with id \"%.64s\"",
			       v->host_person != NULL ? "person" : "tenant", id);
	if (v->host_tenant != NULL && v->host_tenant[0] != '\0')
		snprintf(tenant, len, "%s", v->host_tenant);
	return SEUIL_OK;
}

int visitor_checkin(struct store *st, const struct visitor_checkin *v, int64_t now_ms, int64_t *id,
		    char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO visitors(name, organisation, host_person_id, host_tenant_id, purpose, invite_id,"
		" consent_ms, checked_in_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)";
	static const char use_invite[] = "UPDATE invites SET used_ms = ?2 WHERE id = ?1";
	struct journal_event ev;
	char tenant[64];
	sqlite3_stmt *stmt;
	json_t *detail;
	char *text;
	int rc;

	if ((rc = check_text("name", v->name, true, err, errlen)) != SEUIL_OK ||
	    (rc = check_text("organisation", v->organisation, false, err, errlen)) != SEUIL_OK ||
	    (rc = check_text("purpose", v->purpose, false, err, errlen)) != SEUIL_OK)
		return rc;
	if (!v->consent)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the visitor has not accepted the privacy notice");
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = resolve_host(st, v, tenant, sizeof(tenant), err, errlen)) != SEUIL_OK)
		goto fail;
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, v->name, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 2, v->organisation);
	store_bind_text_or_null(stmt, 3, v->host_person);
	store_bind_text_or_null(stmt, 4, tenant);
	store_bind_text_or_null(stmt, 5, v->purpose);
	store_bind_text_or_null(stmt, 6, v->invite);
	sqlite3_bind_int64(stmt, 7, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, "checking a visitor in", err, errlen);
		goto fail;
	}
	journal_event_init(&ev, "checkin", now_ms);
	ev.visitor = sqlite3_last_insert_rowid(st->db);
	snprintf(ev.person, sizeof(ev.person), "%s", v->host_person != NULL ? v->host_person : "");
	snprintf(ev.tenant, sizeof(ev.tenant), "%s", tenant);
	/* what the office needs to tell the host; blanked by purge with the record */
	detail = json_pack("{s:s, s:s?, s:s?, s:s?}", "name", v->name, "organisation", v->organisation,
			   "host", v->host_person, "purpose", v->purpose);
	text = detail != NULL ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(detail);
	if (text == NULL || strlen(text) >= sizeof(ev.detail)) {
		free(text);
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "cannot describe the check-in");
		goto fail;
	}
	snprintf(ev.detail, sizeof(ev.detail), "%s", text);
	free(text);
	if ((rc = journal_append_locked(st, &ev, NULL, err, errlen)) != SEUIL_OK)
		goto fail;
	if (v->invite != NULL && v->invite[0] != '\0') {
		if ((stmt = store_stmt(st, use_invite, err, errlen)) == NULL) {
			rc = SEUIL_ERR_DB;
			goto fail;
		}
		sqlite3_bind_text(stmt, 1, v->invite, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, now_ms);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (id != NULL)
		*id = ev.visitor;
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}

int visitor_checkout(struct store *st, int64_t id, int64_t now_ms, char *err, size_t errlen)
{
	static const char sql[] =
		"UPDATE visitors SET checked_out_ms = ?2 WHERE id = ?1 AND checked_in_ms IS NOT NULL"
		" AND checked_out_ms IS NULL RETURNING coalesce(host_person_id, ''), coalesce(host_tenant_id, '')";
	struct journal_event ev;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_rollback(st);
		return SEUIL_ERR_DB;
	}
	journal_event_init(&ev, "checkout", now_ms);
	ev.visitor = id;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now_ms);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, ev.person, sizeof(ev.person));
		store_column_copy(stmt, 1, ev.tenant, sizeof(ev.tenant));
		rc = sqlite3_step(stmt);
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		store_rollback(st);
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "visitor %lld is not checked in", (long long)id);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, "checking a visitor out", err, errlen);
		store_rollback(st);
		return rc;
	}
	if ((rc = journal_append_locked(st, &ev, NULL, err, errlen)) != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}

int visitor_list_inside(struct store *st, int64_t since_ms, visitor_visit_fn fn, void *ctx, char *err,
			size_t errlen)
{
	static const char sql[] =
		"SELECT id, name, coalesce(organisation, ''), coalesce(host_person_id, ''),"
		" coalesce(host_tenant_id, ''), coalesce(purpose, ''), checked_in_ms"
		" FROM visitors WHERE checked_in_ms >= ?1 AND checked_out_ms IS NULL ORDER BY checked_in_ms, id";
	sqlite3_stmt *stmt;
	struct visitor v;
	int rc, out = SEUIL_OK;

	/* not cached: the callback may use the store */
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(st, "listing visitors", err, errlen);
	sqlite3_bind_int64(stmt, 1, since_ms);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&v, 0, sizeof(v));
		v.id = sqlite3_column_int64(stmt, 0);
		store_column_copy(stmt, 1, v.name, sizeof(v.name));
		store_column_copy(stmt, 2, v.organisation, sizeof(v.organisation));
		store_column_copy(stmt, 3, v.host_person, sizeof(v.host_person));
		store_column_copy(stmt, 4, v.host_tenant, sizeof(v.host_tenant));
		store_column_copy(stmt, 5, v.purpose, sizeof(v.purpose));
		v.checked_in_ms = sqlite3_column_int64(stmt, 6);
		if ((out = fn(&v, ctx)) != 0)
			break;
	}
	if (out == SEUIL_OK && rc != SQLITE_DONE)
		out = store_db_error(st, "listing visitors", err, errlen);
	sqlite3_finalize(stmt);
	return out;
}
