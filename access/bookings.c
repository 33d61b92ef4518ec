/*
 * bookings.c - the rooms' calendar objects in the store and their
 * occurrences (see bookings.h): each change of a room's calendar and the
 * sync token that goes with it in one transaction, the daily re-expansion,
 * and the list `seuilctl bookings` prints.
 *
 * The iCalendar text is parsed and expanded by ical_expand.c before the
 * write transaction starts, so that the write lock is held only for the
 * writes; the organiser's tenant is resolved here, from X-SEUIL-TENANT (a
 * tenant id, as book-now writes it) or else the ORGANIZER's address among
 * people.email.  It never logs: what was skipped goes back to the caller.
 */
#include "bookings.h"

#include "err.h"
#include "ical_expand.h"
#include "store_int.h"
#include "tz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HREF_MAX 1024

/* one item parsed before the transaction */
struct parsed {
	const struct booking_item *item;
	struct ical_expansion x;
	bool readable; /* x holds its occurrences */
	bool storable; /* small enough to keep even when unreadable */
};

static void synced_key(const char *room, char *key, size_t len)
{
	snprintf(key, len, "calendar_synced_ms:%s", room);
}

static int room_check(struct store *st, const char *room, char *err, size_t errlen)
{
	static const char sql[] = "SELECT 1 FROM rooms WHERE id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if (room == NULL || room[0] == '\0' || strlen(room) >= sizeof(((struct room_calendar *)0)->id))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no valid room id given");
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading rooms", err, errlen);
	return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no room \"%s\" in the directory", room);
}

/* the site's zone, NULL (UTC) while the directory has no site */
static int site_zone(struct store *st, const struct tz **zone, char *err, size_t errlen)
{
	char ignored[8];
	int rc = store_site_zone(st, zone, ignored, sizeof(ignored));

	if (rc == SEUIL_ERR_NOT_FOUND) {
		*zone = NULL;
		return SEUIL_OK;
	}
	if (rc != SEUIL_OK)
		return store_site_zone(st, zone, err, errlen);
	return SEUIL_OK;
}

static bool href_ok(const char *href)
{
	return href != NULL && href[0] != '\0' && strlen(href) < HREF_MAX;
}

/*
 * Expands items[0..n) over the window around now_s.  An unreadable item is
 * counted in *skipped and the first one named in err; only memory running
 * out fails.
 */
static int parse_items(struct store *st, const struct booking_item *items, size_t n, int64_t now_s,
		       struct parsed *out, size_t *skipped, char *err, size_t errlen)
{
	const struct tz *zone;
	int rc;

	if ((rc = site_zone(st, &zone, err, errlen)) != SEUIL_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct booking_item *it = &items[i];
		char why[256] = "";
		size_t len;

		out[i].item = it;
		if (!href_ok(it->href)) {
			(*skipped)++;
			err_set(err, errlen, SEUIL_ERR_INVALID, "an item without a valid href was skipped");
			continue;
		}
		len = it->ical != NULL ? strlen(it->ical) : 0;
		out[i].storable = it->ical != NULL && len <= ICAL_EXPAND_MAX_BYTES;
		rc = ical_expand(it->ical, len, zone, now_s - BOOKINGS_WINDOW_BACK_S, now_s + BOOKINGS_WINDOW_AHEAD_S,
				 &out[i].x, why, sizeof(why));
		if (rc == SEUIL_ERR_NOMEM)
			return err_set(err, errlen, rc, "out of memory reading %s", it->href);
		if (rc != SEUIL_OK) {
			(*skipped)++;
			err_set(err, errlen, rc, "%.200s skipped: %s", it->href, why);
			continue;
		}
		out[i].readable = true;
		if (out[i].x.skipped > 0)
			err_set(err, errlen, SEUIL_ERR_INVALID, "%.200s: %zu event(s) left out: %s", it->href,
				out[i].x.skipped, out[i].x.skipped_why);
	}
	return SEUIL_OK;
}

static void parsed_release(struct parsed *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		ical_expansion_release(&p[i].x);
	free(p);
}

/*
 * The tenant an event's organiser belongs to: X-SEUIL-TENANT when it names
 * a tenant, else the one tenant of the people with the ORGANIZER's address;
 * "" when neither says.
 */
static int resolve_tenant(struct store *st, const struct ical_event *e, char *out, size_t len, char *err,
			  size_t errlen)
{
	static const char by_id[] = "SELECT id FROM tenants WHERE id = ?1";
	static const char by_email[] = "SELECT DISTINCT tenant_id FROM people"
				       " WHERE lower(email) = ?1 AND tenant_id IS NOT NULL LIMIT 2";
	sqlite3_stmt *stmt;
	int rc, rows = 0;

	out[0] = '\0';
	if (e->tenant[0] != '\0') {
		if ((stmt = store_stmt(st, by_id, err, errlen)) == NULL)
			return SEUIL_ERR_DB;
		sqlite3_bind_text(stmt, 1, e->tenant, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			store_column_copy(stmt, 0, out, len);
		sqlite3_reset(stmt);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_db_error(st, "reading tenants", err, errlen);
		if (rc == SQLITE_ROW)
			return SEUIL_OK;
	}
	if (e->organizer[0] == '\0')
		return SEUIL_OK;
	if ((stmt = store_stmt(st, by_email, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, e->organizer, -1, SQLITE_STATIC); /* lower case already */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (rows++ == 0)
			store_column_copy(stmt, 0, out, len);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading people", err, errlen);
	if (rows != 1)
		out[0] = '\0'; /* an address shared by people of two tenants names neither */
	return SEUIL_OK;
}

static int delete_href(struct store *st, const char *room, const char *href, char *err, size_t errlen)
{
	static const char del_occ[] = "DELETE FROM occurrences WHERE room_id = ?1 AND href = ?2";
	static const char del_item[] = "DELETE FROM bookings WHERE room_id = ?1 AND href = ?2";
	const char *sqls[] = { del_occ, del_item };

	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *stmt = store_stmt(st, sqls[i], err, errlen);
		int rc;

		if (stmt == NULL)
			return SEUIL_ERR_DB;
		sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, href, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_db_error(st, "deleting a booking", err, errlen);
	}
	return SEUIL_OK;
}

/* Replaces the occurrences of (room, href) with those of x (none when x is NULL). */
static int write_occurrences(struct store *st, const char *room, const char *href, const struct ical_expansion *x,
			     char *object_tenant, size_t tenant_len, char *err, size_t errlen)
{
	static const char del[] = "DELETE FROM occurrences WHERE room_id = ?1 AND href = ?2";
	static const char ins[] =
		"INSERT INTO occurrences(room_id, href, uid, recurrence_id, start_s, end_s, all_day, summary,"
		" private, organizer_tenant_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	char (*tenants)[64] = NULL;
	sqlite3_stmt *stmt;
	int rc = SEUIL_OK;

	if ((stmt = store_stmt(st, del, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, href, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "replacing occurrences", err, errlen);
	if (object_tenant != NULL && tenant_len > 0)
		object_tenant[0] = '\0';
	if (x == NULL || x->nevents == 0)
		return SEUIL_OK;
	if ((tenants = calloc(x->nevents, sizeof(*tenants))) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < x->nevents; i++)
		if ((rc = resolve_tenant(st, &x->events[i], tenants[i], sizeof(tenants[i]), err, errlen)) != SEUIL_OK)
			goto out;
	/* the object's organiser: its first event's that names one */
	for (size_t i = 0; object_tenant != NULL && i < x->nevents && object_tenant[0] == '\0'; i++)
		snprintf(object_tenant, tenant_len, "%s", tenants[i]);
	for (size_t i = 0; i < x->nocc; i++) {
		const struct ical_occurrence *o = &x->occ[i];
		const struct ical_event *e = &x->events[o->event];

		if ((stmt = store_stmt(st, ins, err, errlen)) == NULL) {
			rc = SEUIL_ERR_DB;
			goto out;
		}
		sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, href, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, e->uid, -1, SQLITE_STATIC);
		store_bind_text_or_null(stmt, 4, o->recurrence_id);
		sqlite3_bind_int64(stmt, 5, o->start_s);
		sqlite3_bind_int64(stmt, 6, o->end_s);
		sqlite3_bind_int(stmt, 7, o->all_day);
		/* a private event's title never reaches the store */
		store_bind_text_or_null(stmt, 8, e->private_ ? NULL : e->summary);
		sqlite3_bind_int(stmt, 9, e->private_);
		store_bind_text_or_null(stmt, 10, tenants[o->event]);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			rc = store_db_error(st, "writing occurrences", err, errlen);
			goto out;
		}
		rc = SEUIL_OK;
	}
out:
	free(tenants);
	return rc;
}

/* Stores one parsed item and its occurrences; an unreadable one is kept without occurrences. */
static int store_item(struct store *st, const char *room, const struct parsed *p, char *err, size_t errlen)
{
	static const char put[] =
		"INSERT INTO bookings(room_id, href, uid, etag, ical, organizer_tenant_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(room_id, href) DO UPDATE SET"
		" uid = excluded.uid, etag = excluded.etag, ical = excluded.ical,"
		" organizer_tenant_id = excluded.organizer_tenant_id";
	const struct booking_item *it = p->item;
	char tenant[64] = "";
	sqlite3_stmt *stmt;
	int rc;

	if (!href_ok(it->href))
		return SEUIL_OK;
	if (!p->storable) /* too large to keep: what was there is outdated */
		return delete_href(st, room, it->href, err, errlen);
	if ((rc = write_occurrences(st, room, it->href, p->readable ? &p->x : NULL, tenant, sizeof(tenant), err,
				    errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, put, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, it->href, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, p->readable ? p->x.uid : NULL);
	store_bind_text_or_null(stmt, 4, it->etag);
	sqlite3_bind_text(stmt, 5, it->ical, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 6, tenant);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "writing a booking", err, errlen);
	return SEUIL_OK;
}

static int set_synced(struct store *st, const char *room, int64_t now_ms, char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO sync_state(key, value) VALUES (?1, ?2)"
				  " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	char key[96], value[24];
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	synced_key(room, key, sizeof(key));
	snprintf(value, sizeof(value), "%" PRId64, now_ms);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "recording the sync", err, errlen);
	return SEUIL_OK;
}

/* the token (caldav) and the feed's validators (ics); NULL state clears them all */
static int set_room_state(struct store *st, const char *room, const struct room_calendar *state, bool token_only,
			  const char *token, char *err, size_t errlen)
{
	static const char all[] = "UPDATE rooms SET sync_token = ?2, etag = ?3, last_modified = ?4, refresh_s = ?5"
				  " WHERE id = ?1";
	static const char tok[] = "UPDATE rooms SET sync_token = ?2 WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, token_only ? tok : all, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	if (token_only) {
		store_bind_text_or_null(stmt, 2, token);
	} else if (state != NULL) {
		store_bind_text_or_null(stmt, 2, state->sync_token);
		store_bind_text_or_null(stmt, 3, state->etag);
		store_bind_text_or_null(stmt, 4, state->last_modified);
		if (state->refresh_s > 0)
			sqlite3_bind_int64(stmt, 5, state->refresh_s);
	}
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "recording the calendar's sync state", err, errlen);
	return SEUIL_OK;
}

/* The last writes of a change (the sync time), then commit, or rollback after an error. */
static int end_change(struct store *st, const char *room, int rc, int64_t now_s, char *err, size_t errlen)
{
	if (rc == SEUIL_OK)
		rc = set_synced(st, room, now_s * 1000, err, errlen);
	if (rc == SEUIL_OK)
		return store_commit(st, err, errlen);
	store_rollback(st);
	return rc;
}

/* After a change that applied: how many items were skipped, and the first one's why in err. */
static void report_skips(const char *room, size_t nskipped, const char *note, size_t *skipped, char *err,
			 size_t errlen)
{
	if (skipped != NULL)
		*skipped = nskipped;
	if (note[0] != '\0')
		err_set(err, errlen, SEUIL_ERR_INVALID, "room %s: %s", room, note);
}

int bookings_apply_delta(struct store *st, const char *room, const struct booking_item *changed, size_t nchanged,
			 const char *const *deleted, size_t ndeleted, const char *token, int64_t now_s,
			 size_t *skipped, char *err, size_t errlen)
{
	struct parsed *parsed = NULL;
	size_t nskipped = 0;
	char note[384] = "";
	int rc;

	if ((rc = room_check(st, room, err, errlen)) != SEUIL_OK)
		return rc;
	if (token != NULL && strlen(token) >= sizeof(((struct room_calendar *)0)->sync_token))
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "room %s: sync token too long", room);
	if (nchanged > 0 && (parsed = calloc(nchanged, sizeof(*parsed))) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if ((rc = parse_items(st, changed, nchanged, now_s, parsed, &nskipped, note, sizeof(note))) != SEUIL_OK) {
		err_set(err, errlen, rc, "%s", note);
		goto out;
	}
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		goto out;
	for (size_t i = 0; rc == SEUIL_OK && i < nchanged; i++)
		rc = store_item(st, room, &parsed[i], err, errlen);
	for (size_t i = 0; rc == SEUIL_OK && i < ndeleted; i++)
		if (href_ok(deleted[i]))
			rc = delete_href(st, room, deleted[i], err, errlen);
	if (rc == SEUIL_OK && token != NULL)
		rc = set_room_state(st, room, NULL, true, token, err, errlen);
	rc = end_change(st, room, rc, now_s, err, errlen);
out:
	parsed_release(parsed, nchanged);
	if (rc == SEUIL_OK)
		report_skips(room, nskipped, note, skipped, err, errlen);
	return rc;
}

int bookings_replace(struct store *st, const char *room, const struct booking_item *items, size_t n,
		     const struct room_calendar *state, int64_t now_s, size_t *skipped, char *err, size_t errlen)
{
	static const char del_occ[] = "DELETE FROM occurrences WHERE room_id = ?1";
	static const char del_items[] = "DELETE FROM bookings WHERE room_id = ?1";
	struct parsed *parsed = NULL;
	size_t nskipped = 0;
	char note[384] = "";
	int rc;

	if ((rc = room_check(st, room, err, errlen)) != SEUIL_OK)
		return rc;
	if (n > 0 && (parsed = calloc(n, sizeof(*parsed))) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if ((rc = parse_items(st, items, n, now_s, parsed, &nskipped, note, sizeof(note))) != SEUIL_OK) {
		err_set(err, errlen, rc, "%s", note);
		goto out;
	}
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		goto out;
	for (size_t k = 0; rc == SEUIL_OK && k < 2; k++) {
		sqlite3_stmt *stmt = store_stmt(st, k == 0 ? del_occ : del_items, err, errlen);
		if (stmt == NULL) {
			rc = SEUIL_ERR_DB;
			break;
		}
		sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_db_error(st, "clearing the room's bookings", err, errlen);
		sqlite3_reset(stmt);
	}
	for (size_t i = 0; rc == SEUIL_OK && i < n; i++)
		rc = store_item(st, room, &parsed[i], err, errlen);
	if (rc == SEUIL_OK)
		rc = set_room_state(st, room, state, false, NULL, err, errlen);
	rc = end_change(st, room, rc, now_s, err, errlen);
out:
	parsed_release(parsed, n);
	if (rc == SEUIL_OK)
		report_skips(room, nskipped, note, skipped, err, errlen);
	return rc;
}

int bookings_touch(struct store *st, const char *room, int64_t now_ms, char *err, size_t errlen)
{
	int rc;

	if ((rc = room_check(st, room, err, errlen)) != SEUIL_OK)
		return rc;
	return set_synced(st, room, now_ms, err, errlen);
}

int bookings_reexpand(struct store *st, int64_t now_s, char *err, size_t errlen)
{
	static const char clear[] = "DELETE FROM occurrences";
	static const char sql[] = "SELECT room_id, href, ical FROM bookings ORDER BY room_id, href";
	const struct tz *zone;
	sqlite3_stmt *stmt;
	struct ical_expansion x;
	char room[64], href[HREF_MAX], why[8];
	int rc, step;

	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = site_zone(st, &zone, err, errlen)) != SEUIL_OK)
		goto fail;
	if ((stmt = store_stmt(st, clear, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	step = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (step != SQLITE_DONE) {
		rc = store_db_error(st, "clearing occurrences", err, errlen);
		goto fail;
	}
	/*
	 * Reading bookings while writing occurrences (another table) is safe in
	 * SQLite.  The occurrences carry their organiser resolved against
	 * today's directory; the bookings rows are left as they came.
	 */
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 2);
		size_t len = text != NULL ? (size_t)sqlite3_column_bytes(stmt, 2) : 0;

		store_column_copy(stmt, 0, room, sizeof(room));
		store_column_copy(stmt, 1, href, sizeof(href));
		rc = ical_expand(text, len, zone, now_s - BOOKINGS_WINDOW_BACK_S, now_s + BOOKINGS_WINDOW_AHEAD_S, &x,
				 why, sizeof(why));
		if (rc == SEUIL_ERR_NOMEM) {
			err_set(err, errlen, rc, "out of memory");
			break;
		}
		if (rc != SEUIL_OK) {
			rc = SEUIL_OK;
			continue; /* skipped when it came, skipped again */
		}
		rc = write_occurrences(st, room, href, &x, NULL, 0, err, errlen);
		ical_expansion_release(&x);
		if (rc != SEUIL_OK)
			break;
	}
	sqlite3_reset(stmt);
	if (rc == SEUIL_OK && step != SQLITE_DONE)
		rc = store_db_error(st, "reading bookings", err, errlen);
	if (rc != SEUIL_OK)
		goto fail;
	return store_commit(st, err, errlen);
fail:
	store_rollback(st);
	return rc;
}

int bookings_rooms(struct store *st, room_calendar_fn fn, void *ctx, char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT r.id, r.calendar, coalesce(r.feed, 'caldav'), r.sync_token, r.etag, r.last_modified,"
		" coalesce(r.refresh_s, 0), coalesce(CAST(s.value AS INTEGER), 0)"
		" FROM rooms r LEFT JOIN sync_state s ON s.key = 'calendar_synced_ms:' || r.id"
		" WHERE r.calendar IS NOT NULL AND r.calendar <> '' ORDER BY r.id";
	struct room_calendar *rooms = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	bool started;
	int rc = SEUIL_OK, step;

	started = store_read_begin(st);
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct room_calendar *r;
		if (n == cap) {
			struct room_calendar *grown;
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(rooms, cap * sizeof(*grown))) == NULL) {
				rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
				break;
			}
			rooms = grown;
		}
		r = &rooms[n++];
		memset(r, 0, sizeof(*r));
		store_column_copy(stmt, 0, r->id, sizeof(r->id));
		store_column_copy(stmt, 1, r->url, sizeof(r->url));
		store_column_copy(stmt, 2, r->feed, sizeof(r->feed));
		store_column_copy(stmt, 3, r->sync_token, sizeof(r->sync_token));
		store_column_copy(stmt, 4, r->etag, sizeof(r->etag));
		store_column_copy(stmt, 5, r->last_modified, sizeof(r->last_modified));
		r->refresh_s = sqlite3_column_int64(stmt, 6);
		r->synced_ms = sqlite3_column_int64(stmt, 7);
	}
	sqlite3_reset(stmt);
	if (rc == SEUIL_OK && step != SQLITE_DONE)
		rc = store_db_error(st, "reading rooms", err, errlen);
	store_read_end(st, started);
	/* called after the read: fn may use the store, sync the room, write */
	for (size_t i = 0; rc == SEUIL_OK && i < n; i++)
		rc = fn(&rooms[i], ctx);
	free(rooms);
	return rc;
}

int bookings_list(struct store *st, const char *room, int64_t from_s, int64_t to_s, booking_occurrence_fn fn,
		  void *ctx, char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT room_id, start_s, end_s, all_day, private, summary, uid, recurrence_id, organizer_tenant_id"
		"  FROM occurrences"
		" WHERE (?1 IS NULL OR room_id = ?1) AND start_s < ?3 AND (end_s > ?2 OR start_s >= ?2)"
		" ORDER BY start_s, room_id, end_s, uid, recurrence_id";
	struct booking_occurrence *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	bool started;
	int rc = SEUIL_OK, step;

	started = store_read_begin(st);
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	store_bind_text_or_null(stmt, 1, room);
	sqlite3_bind_int64(stmt, 2, from_s);
	sqlite3_bind_int64(stmt, 3, to_s);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct booking_occurrence *o;
		if (n == cap) {
			struct booking_occurrence *grown;
			cap = cap ? cap * 2 : 64;
			if ((grown = realloc(list, cap * sizeof(*grown))) == NULL) {
				rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
				break;
			}
			list = grown;
		}
		o = &list[n++];
		memset(o, 0, sizeof(*o));
		store_column_copy(stmt, 0, o->room, sizeof(o->room));
		o->start_s = sqlite3_column_int64(stmt, 1);
		o->end_s = sqlite3_column_int64(stmt, 2);
		o->all_day = sqlite3_column_int(stmt, 3) != 0;
		o->private_ = sqlite3_column_int(stmt, 4) != 0;
		if (!o->private_)
			store_column_copy(stmt, 5, o->summary, sizeof(o->summary));
		store_column_copy(stmt, 6, o->uid, sizeof(o->uid));
		store_column_copy(stmt, 7, o->recurrence_id, sizeof(o->recurrence_id));
		store_column_copy(stmt, 8, o->organizer_tenant, sizeof(o->organizer_tenant));
	}
	sqlite3_reset(stmt);
	if (rc == SEUIL_OK && step != SQLITE_DONE)
		rc = store_db_error(st, "reading occurrences", err, errlen);
	store_read_end(st, started);
	for (size_t i = 0; rc == SEUIL_OK && i < n; i++)
		rc = fn(&list[i], ctx);
	free(list);
	return rc;
}
