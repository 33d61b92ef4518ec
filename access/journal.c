/*
 * journal.c - appending to the journal and the outbox, walking the journal,
 * retention.  Uploading the outbox is seuil-sync's job, not this file's.
 */
#include "journal.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void journal_event_init(struct journal_event *ev, const char *kind, int64_t at_ms)
{
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->kind, sizeof(ev->kind), "%s", kind);
	ev->at_ms = at_ms;
	ev->granted = -1;
}

static void format_ms(int64_t at_ms, char buf[32])
{
	int64_t s = at_ms >= 0 ? at_ms / 1000 : -((-at_ms + 999) / 1000);
	char iso[21];

	civil_format_instant(s, iso);
	iso[19] = '\0'; /* drop the Z to put the milliseconds before it */
	snprintf(buf, 32, "%s.%03dZ", iso, (int)(at_ms - s * 1000));
}

static int set_str(json_t *obj, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	return json_object_set_new(obj, key, json_string(value));
}

char *journal_event_json(const struct journal_event *ev)
{
	json_t *obj = json_object();
	char at[32];
	char *text = NULL;
	int rc = 0;

	if (obj == NULL)
		return NULL;
	format_ms(ev->at_ms, at);
	rc |= json_object_set_new(obj, "seq", json_integer(ev->seq));
	rc |= json_object_set_new(obj, "at", json_string(at));
	rc |= set_str(obj, "device", ev->device);
	rc |= set_str(obj, "kind", ev->kind);
	rc |= set_str(obj, "door", ev->door);
	if (ev->granted >= 0)
		rc |= json_object_set_new(obj, "granted", json_boolean(ev->granted));
	rc |= set_str(obj, "reason", ev->reason);
	rc |= set_str(obj, "person", ev->person);
	rc |= set_str(obj, "tenant", ev->tenant);
	if (ev->visitor != 0)
		rc |= json_object_set_new(obj, "visitor", json_integer(ev->visitor));
	rc |= set_str(obj, "credential_hash", ev->credential_hash);
	rc |= set_str(obj, "detail", ev->detail);
	if (rc == 0)
		text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	return text;
}

int journal_append_locked(struct store *st, struct journal_event *ev, int64_t *seq, char *err,
			  size_t errlen)
{
	/* seq never goes back, even if the journal were emptied: it follows the
	 * newest event and the office's acknowledgement, whichever is higher */
	static const char ins_event[] =
		"INSERT INTO events(seq, at_ms, device, kind, door_id, granted, reason, person_id,"
		" tenant_id, visitor_id, credential_hash, detail)"
		" VALUES (max(coalesce((SELECT max(seq) FROM events), 0),"
		"  coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'acked_seq'), 0),"
		"  coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'seq_floor'), 0)) + 1,"
		" ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *stmt;
	int rc;

	if (ev->device[0] == '\0')
		store_setting_get(st, "device_id", "kiosk-1", ev->device, sizeof(ev->device));
	stmt = store_stmt(st, ins_event, err, errlen);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, ev->at_ms);
	sqlite3_bind_text(stmt, 2, ev->device, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, ev->kind, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 4, ev->door);
	if (ev->granted >= 0)
		sqlite3_bind_int(stmt, 5, ev->granted);
	store_bind_text_or_null(stmt, 6, ev->reason);
	store_bind_text_or_null(stmt, 7, ev->person);
	store_bind_text_or_null(stmt, 8, ev->tenant);
	if (ev->visitor != 0)
		sqlite3_bind_int64(stmt, 9, ev->visitor);
	store_bind_text_or_null(stmt, 10, ev->credential_hash);
	store_bind_text_or_null(stmt, 11, ev->detail);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "appending to the journal", err, errlen);
	ev->seq = sqlite3_last_insert_rowid(st->db);
	if (seq != NULL)
		*seq = ev->seq;
	return SEUIL_OK;
}

int journal_append(struct store *st, const struct journal_event *ev, int64_t *seq, char *err,
		   size_t errlen)
{
	struct journal_event copy = *ev;
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	rc = journal_append_locked(st, &copy, NULL, err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st, err, errlen);
	if (rc == SEUIL_OK && seq != NULL)
		*seq = copy.seq;
	return rc;
}

void journal_decision_event(const struct access_decision *d, struct journal_event *ev)
{
	journal_event_init(ev, "decision", d->at_ms);
	snprintf(ev->door, sizeof(ev->door), "%s", d->door);
	ev->granted = d->granted;
	snprintf(ev->reason, sizeof(ev->reason), "%s", access_reason_code(d->reason));
	snprintf(ev->person, sizeof(ev->person), "%s", d->person);
	snprintf(ev->tenant, sizeof(ev->tenant), "%s", d->tenant);
	ev->visitor = d->visitor;
	snprintf(ev->credential_hash, sizeof(ev->credential_hash), "%s", d->credential_hash);
	snprintf(ev->detail, sizeof(ev->detail), "%s", d->detail);
}

int journal_record_decision(struct store *st, const struct access_decision *d, int64_t *seq,
			    char *err, size_t errlen)
{
	struct journal_event ev;

	journal_decision_event(d, &ev);
	return journal_append(st, &ev, seq, err, errlen);
}

/* ---- the door loop's queue ---- */

struct journal_queue {
	struct journal_event *ev; /* a ring of cap events */
	size_t cap, head, len;
	int64_t lost;             /* refused since the last marker */
	int64_t lost_first_ms, lost_last_ms;
	char lost_door[ACCESS_ID_MAX];
};

int journal_queue_new(size_t cap, struct journal_queue **out)
{
	struct journal_queue *q;

	*out = NULL;
	if (cap < 1 || cap > JOURNAL_QUEUE_MAX)
		return SEUIL_ERR_INVALID;
	if ((q = calloc(1, sizeof(*q))) == NULL || (q->ev = calloc(cap, sizeof(*q->ev))) == NULL) {
		free(q);
		return SEUIL_ERR_NOMEM;
	}
	q->cap = cap;
	*out = q;
	return SEUIL_OK;
}

void journal_queue_free(struct journal_queue *q)
{
	if (q == NULL)
		return;
	free(q->ev);
	free(q);
}

size_t journal_queue_length(const struct journal_queue *q)
{
	return q->len;
}

int64_t journal_queue_lost(const struct journal_queue *q)
{
	return q->lost;
}

static void queue_put(struct journal_queue *q, const struct journal_event *ev)
{
	q->ev[(q->head + q->len) % q->cap] = *ev;
	q->len++;
}

/* the event that stands for the refused ones, where they belonged; needs room */
static void queue_put_marker(struct journal_queue *q)
{
	struct journal_event ev;
	char first[32], last[32];

	format_ms(q->lost_first_ms, first);
	format_ms(q->lost_last_ms, last);
	journal_event_init(&ev, "fault", q->lost_first_ms);
	snprintf(ev.door, sizeof(ev.door), "%s", q->lost_door);
	snprintf(ev.reason, sizeof(ev.reason), "journal_overflow");
	snprintf(ev.detail, sizeof(ev.detail), "{\"lost\":%lld,\"first\":\"%s\",\"last\":\"%s\"}",
		 (long long)q->lost, first, last);
	queue_put(q, &ev);
	q->lost = 0;
}

int journal_queue_push(struct journal_queue *q, const struct journal_event *ev, char *err, size_t errlen)
{
	if (q->lost > 0 && q->len < q->cap)
		queue_put_marker(q);
	if (q->len == q->cap) {
		if (q->lost == 0) {
			q->lost_first_ms = ev->at_ms;
			snprintf(q->lost_door, sizeof(q->lost_door), "%s", ev->door);
		}
		q->lost++;
		q->lost_last_ms = ev->at_ms;
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE,
			       "journal queue full (%zu events waiting): %s %s at %lld not journaled (%lld so far)",
			       q->cap, ev->kind, ev->reason, (long long)ev->at_ms, (long long)q->lost);
	}
	queue_put(q, ev);
	return SEUIL_OK;
}

int journal_queue_flush(struct journal_queue *q, struct store *st, unsigned wait_ms, size_t *written,
			char *err, size_t errlen)
{
	unsigned before = store_wait_set(st, wait_ms);
	size_t n = 0;
	int rc = SEUIL_OK;

	for (;;) {
		struct journal_event *head;

		if (q->len == 0 && q->lost > 0)
			queue_put_marker(q);
		if (q->len == 0)
			break;
		head = &q->ev[q->head];
		rc = journal_append(st, head, NULL, err, errlen);
		if (rc == SEUIL_ERR_BUSY || rc == SEUIL_ERR_IO)
			break; /* kept, in its place, for the next call */
		if (rc == SEUIL_OK)
			n++;
		q->head = (q->head + 1) % q->cap;
		q->len--;
		if (rc != SEUIL_OK)
			break;
	}
	store_wait_restore(st, before);
	if (written != NULL)
		*written = n;
	return rc;
}

int journal_list(struct store *st, int64_t since, journal_visit_fn fn, void *ctx, char *err,
		 size_t errlen)
{
	/* not cached: a walk may call back into the store */
	static const char sql[] =
		"SELECT seq, at_ms, device, kind, door_id, granted, reason, person_id, tenant_id,"
		" visitor_id, credential_hash, detail FROM events WHERE seq > ?1 ORDER BY seq";
	sqlite3_stmt *stmt;
	struct journal_event ev;
	int rc, out = SEUIL_OK;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(st, "reading the journal", err, errlen);
	sqlite3_bind_int64(stmt, 1, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.seq = sqlite3_column_int64(stmt, 0);
		ev.at_ms = sqlite3_column_int64(stmt, 1);
		store_column_copy(stmt, 2, ev.device, sizeof(ev.device));
		store_column_copy(stmt, 3, ev.kind, sizeof(ev.kind));
		store_column_copy(stmt, 4, ev.door, sizeof(ev.door));
		ev.granted = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(stmt, 5);
		store_column_copy(stmt, 6, ev.reason, sizeof(ev.reason));
		store_column_copy(stmt, 7, ev.person, sizeof(ev.person));
		store_column_copy(stmt, 8, ev.tenant, sizeof(ev.tenant));
		ev.visitor = sqlite3_column_int64(stmt, 9);
		store_column_copy(stmt, 10, ev.credential_hash, sizeof(ev.credential_hash));
		store_column_copy(stmt, 11, ev.detail, sizeof(ev.detail));
		out = fn(&ev, ctx);
		if (out != 0)
			break;
	}
	if (out == SEUIL_OK && rc != SQLITE_DONE)
		out = store_db_error(st, "reading the journal", err, errlen);
	sqlite3_finalize(stmt);
	return out;
}

/*
 * The same wall-clock instant `months` calendar months earlier on the site's
 * calendar (day clamped: 31 May -> 28 February), back in UTC; zone NULL (no
 * site yet) counts on the UTC calendar.  A reading that a daylight-saving
 * change skips or repeats resolves as tz_to_utc() says.
 */
static int64_t months_before(const struct tz *zone, int64_t at_ms, int months)
{
	int64_t s = at_ms >= 0 ? at_ms / 1000 : -((-at_ms + 999) / 1000);
	int64_t local = s, days, back;
	struct civil_date d;
	int m;

	if (zone != NULL) {
		struct tz_local l;
		tz_localtime(zone, s, &l);
		local = l.days * 86400 + l.minute * 60 + l.second;
	}
	days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	d = civil_from_days(days);
	m = d.year * 12 + (d.month - 1) - months;
	d.year = m / 12;
	d.month = m % 12 + 1;
	while (!civil_valid(d.year, d.month, d.day))
		d.day--;
	back = civil_to_days(d) * 86400 + (local - days * 86400);
	if (zone != NULL)
		back = tz_to_utc(zone, back);
	return back * 1000 + (at_ms - s * 1000);
}

static int exec_count(struct store *st, const char *sql, int64_t arg, const char *text, int64_t *count,
		      char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	if (text != NULL)
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(stmt, 1, arg);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "purging", err, errlen);
	*count = sqlite3_changes(st->db);
	return SEUIL_OK;
}

int journal_purge(struct store *st, int64_t now_ms, int64_t event_ms, struct journal_purge_counts *out,
		  char *err, size_t errlen)
{
	/* a full scan, once a day, rather than an index every decision would
	 * write.  Where an office syncs (it ever acknowledged, was pulled from or
	 * tried), what it has not acknowledged stays until it has; a site without
	 * an office still forgets after the retention */
	static const char del_events[] =
		"DELETE FROM events WHERE at_ms < ?1 AND (seq <= coalesce((SELECT CAST(value AS INTEGER)"
		" FROM sync_state WHERE key = 'acked_seq'), 0)"
		" OR NOT EXISTS (SELECT 1 FROM sync_state"
		"   WHERE key IN ('acked_seq', 'cursor', 'last_success', 'last_attempt')))";
	static const char keep_floor[] =
		"INSERT INTO settings(key, value) SELECT 'seq_floor', coalesce(max(seq), 0) FROM events WHERE true"
		" ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))";
	static const char del_visitors[] = "DELETE FROM visitors WHERE created_ms < ?1";
	static const char del_invites[] = "DELETE FROM invites WHERE day < ?1";
	/* a check-in event outlives its visitor record: the name goes with it */
	static const char blank_names[] =
		"UPDATE events SET detail = NULL WHERE kind = 'checkin' AND at_ms < ?1 AND detail IS NOT NULL";
	int64_t months = store_setting_int(st, "event_retention_months", 3);
	int64_t vdays = store_setting_int(st, "visitor_retention_days", 30);
	int64_t vcut = now_ms - vdays * 86400000;
	struct journal_purge_counts c = { 0, 0, 0 };
	int64_t blanked = 0;
	const struct tz *zone = NULL;
	struct journal_event ev;
	char day[11], zerr[256] = "";
	int rc;

	if (months < 1 || months > 120 || vdays < 0 || vdays > 3650)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "retention settings out of range");
	/* months are the site's calendar months; without a site yet, UTC's */
	rc = store_site_zone(st, &zone, zerr, sizeof(zerr));
	if (rc == SEUIL_ERR_NOT_FOUND)
		zone = NULL;
	else if (rc != SEUIL_OK)
		return err_set(err, errlen, rc, "%s", zerr);
	civil_format_date(civil_from_days((vcut >= 0 ? vcut : vcut - 86399999) / 86400000), day);
	rc = store_begin(st, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	if ((rc = exec_count(st, keep_floor, 0, NULL, &c.events, err, errlen)) != SEUIL_OK ||
	    (rc = exec_count(st, del_events, months_before(zone, now_ms, (int)months), NULL, &c.events, err,
			     errlen)) != SEUIL_OK ||
	    (rc = exec_count(st, del_visitors, vcut, NULL, &c.visitors, err, errlen)) != SEUIL_OK ||
	    (rc = exec_count(st, del_invites, 0, day, &c.invites, err, errlen)) != SEUIL_OK ||
	    (rc = exec_count(st, blank_names, vcut, NULL, &blanked, err, errlen)) != SEUIL_OK)
		goto fail;
	journal_event_init(&ev, "purge", event_ms);
	snprintf(ev.detail, sizeof(ev.detail), "{\"events\":%lld,\"visitors\":%lld,\"invites\":%lld}",
		 (long long)c.events, (long long)c.visitors, (long long)c.invites);
	if ((rc = journal_append_locked(st, &ev, NULL, err, errlen)) != SEUIL_OK)
		goto fail;
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (out != NULL)
		*out = c;
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}

int journal_set_lockdown_locked(struct store *st, int on, const char *by, int64_t now_ms, char *err,
				size_t errlen)
{
	struct journal_event ev;
	int rc = store_setting_set(st, "lockdown", on ? "1" : "0", err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	journal_event_init(&ev, "lockdown", now_ms);
	snprintf(ev.reason, sizeof(ev.reason), "%s", on ? "on" : "off");
	snprintf(ev.detail, sizeof(ev.detail), "%s", by != NULL ? by : "");
	return journal_append_locked(st, &ev, NULL, err, errlen);
}

int journal_set_lockdown(struct store *st, int on, const char *by, int64_t now_ms, char *err,
			 size_t errlen)
{
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	rc = journal_set_lockdown_locked(st, on, by, now_ms, err, errlen);
	if (rc != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}
