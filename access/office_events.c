/*
 * office_events.c - POST /v1/events at the office: the batch checked field
 * by field, each (device, seq) stored once, the acknowledged sequence, and
 * the walk `seuil-office events` prints.  Telling a host of a visitor is
 * office_mail.c's; this file only asks for it when a check-in is new.
 */
#include "office_store.h"
#include "office_int.h"

#include "civil.h"
#include "err.h"
#include "log.h"
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_MAX 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */
#define EVENT_TEXT_MAX 255
#define EVENT_DETAIL_MAX 4096

struct batch_event {
	int64_t seq;
	const char *at, *kind, *door, *person, *detail;
	json_t *obj;
};

static int bad(char *err, size_t errlen, size_t i, const char *field, const char *what)
{
	return err_set(err, errlen, SEUIL_ERR_INVALID, "$.events[%zu]%s%s: %s", i, field[0] ? "." : "", field,
		       what);
}

/* an optional string field: absent, null or a string of at most max bytes without control bytes */
static int opt_text(json_t *e, size_t i, const char *key, size_t max, bool ctrl_ok, const char **out,
		    char *err, size_t errlen)
{
	json_t *v = json_object_get(e, key);
	const char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return SEUIL_OK;
	if (!json_is_string(v))
		return bad(err, errlen, i, key, "must be a string");
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return bad(err, errlen, i, key, "contains a NUL character");
	if (json_string_length(v) > max)
		return bad(err, errlen, i, key, "too long");
	for (const unsigned char *p = (const unsigned char *)s; !ctrl_ok && *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return bad(err, errlen, i, key, "contains a control character");
	}
	*out = s;
	return SEUIL_OK;
}

static int check_event(json_t *e, size_t i, const char *device, struct batch_event *out, char *err,
		       size_t errlen)
{
	json_t *seq = json_object_get(e, "seq"), *v;
	const char *text;
	int64_t at_s;
	bool has_offset;
	int rc;

	if (!json_is_object(e))
		return bad(err, errlen, i, "", "must be an object");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 || json_integer_value(seq) > SEQ_MAX)
		return bad(err, errlen, i, "seq", "must be a whole number from 1 to 2^53-1");
	out->seq = json_integer_value(seq);
	out->obj = e;
	if ((rc = opt_text(e, i, "at", 39, false, &out->at, err, errlen)) != SEUIL_OK)
		return rc;
	if (out->at == NULL || !civil_parse_instant(out->at, &at_s, &has_offset) || !has_offset)
		return bad(err, errlen, i, "at", "must be a UTC instant (2026-11-27T08:00:00.000Z)");
	if ((rc = opt_text(e, i, "kind", 23, false, &out->kind, err, errlen)) != SEUIL_OK)
		return rc;
	if (out->kind == NULL || out->kind[0] == '\0')
		return bad(err, errlen, i, "kind", "missing");
	if ((rc = opt_text(e, i, "device", 63, false, &text, err, errlen)) != SEUIL_OK)
		return rc;
	if (text != NULL && strcmp(text, device) != 0)
		return err_set(err, errlen, SEUIL_ERR_DENIED, "$.events[%zu].device: \"%.63s\" is not this device (%s)",
			       i, text, device);
	if ((rc = opt_text(e, i, "door", EVENT_TEXT_MAX, false, &out->door, err, errlen)) != SEUIL_OK ||
	    (rc = opt_text(e, i, "person", EVENT_TEXT_MAX, false, &out->person, err, errlen)) != SEUIL_OK ||
	    (rc = opt_text(e, i, "reason", EVENT_TEXT_MAX, false, &text, err, errlen)) != SEUIL_OK ||
	    (rc = opt_text(e, i, "tenant", EVENT_TEXT_MAX, false, &text, err, errlen)) != SEUIL_OK ||
	    (rc = opt_text(e, i, "credential_hash", EVENT_TEXT_MAX, false, &text, err, errlen)) != SEUIL_OK ||
	    (rc = opt_text(e, i, "detail", EVENT_DETAIL_MAX, true, &out->detail, err, errlen)) != SEUIL_OK)
		return rc;
	v = json_object_get(e, "granted");
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
		return bad(err, errlen, i, "granted", "must be true or false");
	v = json_object_get(e, "visitor");
	if (v != NULL && !json_is_null(v) && !json_is_integer(v))
		return bad(err, errlen, i, "visitor", "must be a whole number");
	return SEUIL_OK;
}

int office_body_load(const char *device, const char *body, size_t len, const char *what, json_t **root,
		     char *err, size_t errlen)
{
	json_error_t jerr;
	const char *dev;

	*root = NULL;
	if (len > OFFICE_BODY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "%s is at most %u bytes", what, OFFICE_BODY_MAX);
	if ((*root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading %s", what);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "line %d, column %d: %s", jerr.line, jerr.column,
			       jerr.text);
	}
	if (!json_is_object(*root))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$: must be an object");
	if (!json_is_string(json_object_get(*root, "device")))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.device: must be a string");
	dev = json_string_value(json_object_get(*root, "device"));
	if (strcmp(dev, device) != 0)
		return err_set(err, errlen, SEUIL_ERR_DENIED, "$.device: \"%.63s\" is not this device (%s)", dev,
			       device);
	return SEUIL_OK;
}

/* *root and *events of a body that is a well-formed batch of device */
static int parse_batch(const char *device, const char *body, size_t len, json_t **root,
		       struct batch_event **events, size_t *n, int64_t *oldest, char *err, size_t errlen)
{
	json_t *arr, *e, *v;
	size_t i;
	int rc;

	*root = NULL;
	*events = NULL;
	*n = 0;
	*oldest = 0;
	if ((rc = office_body_load(device, body, len, "a batch", root, err, errlen)) != SEUIL_OK)
		return rc;
	v = json_object_get(*root, "oldest");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > SEQ_MAX))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.oldest: must be a whole number from 1 to 2^53-1");
	if (v != NULL)
		*oldest = json_integer_value(v);
	arr = json_object_get(*root, "events");
	if (!json_is_array(arr))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.events: must be an array");
	if (json_array_size(arr) > OFFICE_BATCH_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.events: more than %d events", OFFICE_BATCH_MAX);
	if (json_array_size(arr) == 0)
		return SEUIL_OK;
	if ((*events = calloc(json_array_size(arr), sizeof(**events))) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading the batch");
	json_array_foreach(arr, i, e) {
		if ((rc = check_event(e, i, device, &(*events)[i], err, errlen)) != SEUIL_OK)
			return rc;
	}
	*n = json_array_size(arr);
	return SEUIL_OK;
}

static int step_done(struct store *st, sqlite3_stmt *stmt, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, what, err, errlen);
}

/* the device's acknowledgement before this batch, and the base the walk starts from */
static int acked_base(struct store *st, const char *device, const struct batch_event *events, size_t n,
		      int64_t oldest, int64_t now_ms, int64_t *base, char *err, size_t errlen)
{
	static const char seen[] =
		"INSERT INTO office_devices(id, first_seen_ms, last_seen_ms) VALUES (?1, ?2, ?2)"
		" ON CONFLICT(id) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)";
	static const char get[] = "SELECT acked_seq, EXISTS (SELECT 1 FROM office_events WHERE device = ?1)"
				  " FROM office_devices WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, seen, err, errlen);
	bool any;
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now_ms);
	if ((rc = step_done(st, stmt, "recording a device", err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, get, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return store_db_error(st, "reading a device", err, errlen);
	}
	*base = sqlite3_column_int64(stmt, 0);
	any = sqlite3_column_int(stmt, 1) != 0;
	sqlite3_reset(stmt);
	if (*base == 0 && !any && n > 0) {
		/* first contact: the kiosk sends oldest first, so what lies below
		 * its first batch was purged before the office ever knew it */
		int64_t low = events[0].seq;
		for (size_t i = 1; i < n; i++)
			low = events[i].seq < low ? events[i].seq : low;
		*base = low - 1;
	}
	if (oldest - 1 > *base) {
		/* the device no longer holds what this office lost (a restore from an
		 * old backup after the device's retention): waiting would stop every
		 * acknowledgement for good */
		log_warn("device %s: events %lld to %lld are gone from the device and from this office;"
			 " acknowledging past them",
			 device, (long long)*base + 1, (long long)oldest - 1);
		*base = oldest - 1;
	}
	return SEUIL_OK;
}

/* a (device, seq) already stored: the same event sent again, or another
 * journal's (the kiosk was re-initialised or restored and counts again) */
static int same_event(struct store *st, const char *device, const struct batch_event *e, char *err, size_t errlen)
{
	static const char get[] = "SELECT at, kind FROM office_events WHERE device = ?1 AND seq = ?2";
	sqlite3_stmt *stmt = store_stmt(st, get, err, errlen);
	bool same;
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, e->seq);
	rc = sqlite3_step(stmt);
	same = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(stmt, 0), e->at) == 0 &&
	       strcmp((const char *)sqlite3_column_text(stmt, 1), e->kind) == 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_db_error(st, "reading an event", err, errlen);
	if (!same)
		return err_set(err, errlen, SEUIL_ERR_CONFLICT,
			       "event %lld of %s is already stored with another time or kind: this is a new journal"
			       " (re-initialised or restored kiosk); number its events after the newest_seq",
			       (long long)e->seq, device);
	return SEUIL_OK;
}

static int store_batch(struct store *st, const char *device, const struct batch_event *events, size_t n,
		       int64_t now_ms, char *err, size_t errlen)
{
	static const char ins[] = "INSERT OR IGNORE INTO office_events(device, seq, at, kind, body, received_ms)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *stmt;
	char *text;
	bool stored;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if ((text = json_dumps(events[i].obj, JSON_COMPACT)) == NULL)
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory storing the batch");
		if ((stmt = store_stmt(st, ins, err, errlen)) == NULL) {
			free(text);
			return SEUIL_ERR_DB;
		}
		sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, events[i].seq);
		sqlite3_bind_text(stmt, 3, events[i].at, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, events[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, text, -1, free);
		sqlite3_bind_int64(stmt, 6, now_ms);
		if ((rc = step_done(st, stmt, "storing an event", err, errlen)) != SEUIL_OK)
			return rc;
		stored = sqlite3_changes(st->db) == 1;
		if (!stored && (rc = same_event(st, device, &events[i], err, errlen)) != SEUIL_OK)
			return rc;
		if (stored && strcmp(events[i].kind, "checkin") == 0 &&
		    (rc = office_mail_queue_checkin(st, device, events[i].seq, events[i].at, events[i].door,
						    events[i].person, events[i].detail, now_ms, err, errlen)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

/* the highest seq such that every seq from base + 1 up to it is stored */
static int acked_walk(struct store *st, const char *device, int64_t base, int64_t *acked, char *err,
		      size_t errlen)
{
	static const char walk[] = "SELECT seq FROM office_events WHERE device = ?1 AND seq > ?2 ORDER BY seq";
	static const char put[] = "UPDATE office_devices SET acked_seq = ?2 WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, walk, err, errlen);
	int64_t next = base + 1;
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, base);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == next)
		next++;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading the events", err, errlen);
	*acked = next - 1;
	if ((stmt = store_stmt(st, put, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, *acked);
	return step_done(st, stmt, "recording the acknowledgement", err, errlen);
}

/* the whole number a query about one device (?1) gives; *found false when no row */
static int device_int(struct store *st, const char *sql, const char *device, int64_t *out, bool *found, char *err,
		      size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	*out = *found ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading a device", err, errlen);
	return SEUIL_OK;
}

/* an empty batch asks what the office holds: answered without a write
 * transaction when nothing moves (every kiosk sends one at each sync) */
static int acked_read(struct store *st, const char *device, int64_t oldest, int64_t now_ms, int64_t *acked,
		      bool *answered, char *err, size_t errlen)
{
	static const char get[] = "SELECT acked_seq FROM office_devices WHERE id = ?1";
	bool found;
	int rc;

	*answered = false;
	if ((rc = device_int(st, get, device, acked, &found, err, errlen)) != SEUIL_OK)
		return rc;
	if (!found || oldest - 1 > *acked)
		return SEUIL_OK;
	*answered = true;
	return office_device_touch(st, device, now_ms, -1, err, errlen);
}

static int newest_stored(struct store *st, const char *device, int64_t *newest)
{
	static const char get[] = "SELECT coalesce(max(seq), 0) FROM office_events WHERE device = ?1";
	bool found;

	return device_int(st, get, device, newest, &found, NULL, 0);
}

int office_store_events(struct store *st, const char *device, const char *body, size_t len,
			int64_t now_ms, int64_t *acked_seq, char *err, size_t errlen)
{
	struct batch_event *events;
	json_t *root;
	size_t n;
	int64_t base = 0, acked = 0, oldest;
	bool answered = false;
	int rc = parse_batch(device, body, len, &root, &events, &n, &oldest, err, errlen);

	if (rc == SEUIL_OK && n == 0)
		rc = acked_read(st, device, oldest, now_ms, &acked, &answered, err, errlen);
	if (rc == SEUIL_OK && !answered && (rc = store_begin(st, err, errlen)) == SEUIL_OK) {
		if ((rc = acked_base(st, device, events, n, oldest, now_ms, &base, err, errlen)) != SEUIL_OK ||
		    (rc = store_batch(st, device, events, n, now_ms, err, errlen)) != SEUIL_OK ||
		    (rc = acked_walk(st, device, base, &acked, err, errlen)) != SEUIL_OK)
			store_rollback(st);
		else
			rc = store_commit(st, err, errlen);
		/* nothing of the batch is kept: the kiosk numbers its journal again
		 * after the newest event this office holds of the device */
		if (rc == SEUIL_ERR_CONFLICT && acked_seq != NULL && newest_stored(st, device, acked_seq) != SEUIL_OK)
			*acked_seq = 0;
		if (rc == SEUIL_ERR_CONFLICT)
			goto out;
	}
	if (rc == SEUIL_OK && acked_seq != NULL)
		*acked_seq = acked;
out:
	free(events);
	json_decref(root);
	return rc;
}

static void copy_field(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	snprintf(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* the known fields of a stored event, for the CSV form */
static void event_fields(const char *body, struct office_event *out)
{
	json_t *obj = json_loads(body, 0, NULL), *v;
	int64_t s;

	journal_event_init(&out->ev, "", 0);
	out->ev.seq = out->seq;
	snprintf(out->ev.device, sizeof(out->ev.device), "%s", out->device);
	if (civil_parse_instant(out->at, &s, NULL))
		out->ev.at_ms = s * 1000;
	if (obj == NULL)
		return;
	copy_field(obj, "kind", out->ev.kind, sizeof(out->ev.kind));
	copy_field(obj, "door", out->ev.door, sizeof(out->ev.door));
	copy_field(obj, "reason", out->ev.reason, sizeof(out->ev.reason));
	copy_field(obj, "person", out->ev.person, sizeof(out->ev.person));
	copy_field(obj, "tenant", out->ev.tenant, sizeof(out->ev.tenant));
	copy_field(obj, "credential_hash", out->ev.credential_hash, sizeof(out->ev.credential_hash));
	copy_field(obj, "detail", out->ev.detail, sizeof(out->ev.detail));
	if (json_is_boolean(v = json_object_get(obj, "granted")))
		out->ev.granted = json_is_true(v);
	if (json_is_integer(v = json_object_get(obj, "visitor")))
		out->ev.visitor = json_integer_value(v);
	json_decref(obj);
}

int office_events_list(struct store *st, const char *device, int64_t since, office_event_fn fn,
		       void *ctx, char *err, size_t errlen)
{
	/* not cached: fn may call back into the store */
	static const char sql[] = "SELECT device, seq, at, received_ms, body FROM office_events"
				  " WHERE (?1 IS NULL OR device = ?1) AND seq > ?2 ORDER BY device, seq";
	sqlite3_stmt *stmt;
	struct office_event ev;
	int rc, out = SEUIL_OK;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(st, "reading the events", err, errlen);
	if (device != NULL)
		sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		store_column_copy(stmt, 0, ev.device, sizeof(ev.device));
		ev.seq = sqlite3_column_int64(stmt, 1);
		store_column_copy(stmt, 2, ev.at, sizeof(ev.at));
		ev.received_ms = sqlite3_column_int64(stmt, 3);
		ev.json = (const char *)sqlite3_column_text(stmt, 4);
		if (ev.json == NULL)
			ev.json = "{}";
		event_fields(ev.json, &ev);
		if ((out = fn(&ev, ctx)) != 0)
			break;
	}
	if (out == SEUIL_OK && rc != SQLITE_DONE)
		out = store_db_error(st, "reading the events", err, errlen);
	sqlite3_finalize(stmt);
	return out;
}
