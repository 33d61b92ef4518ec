/*
 * rooms.c - each room's booking now and next, for the kiosk's home and
 * rooms board (see rooms.h).  Read-only, one read snapshot.
 */
#include "rooms.h"

#include "err.h"
#include "store_int.h"

#include <string.h>

static void read_slot(sqlite3_stmt *stmt, struct room_slot *slot)
{
	memset(slot, 0, sizeof(*slot));
	slot->start_s = sqlite3_column_int64(stmt, 0);
	slot->end_s = sqlite3_column_int64(stmt, 1);
	slot->all_day = sqlite3_column_int(stmt, 2) != 0;
	slot->private_ = sqlite3_column_int(stmt, 3) != 0;
	if (!slot->private_)
		store_column_copy(stmt, 4, slot->title, sizeof(slot->title));
	store_column_copy(stmt, 5, slot->organisation, sizeof(slot->organisation));
}

/* the bookings of one room that end after now and start before the day ends, by start */
static int room_slots(struct store *st, struct room_day *r, int64_t now_s, int64_t day_end_s, char *err,
		      size_t errlen)
{
	static const char sql[] =
		"SELECT o.start_s, o.end_s, o.all_day, o.private, o.summary, t.name"
		"  FROM occurrences o LEFT JOIN tenants t ON t.id = o.organizer_tenant_id"
		" WHERE o.room_id = ?1 AND o.start_s < ?3 AND o.end_s > ?2"
		" ORDER BY o.start_s, o.end_s";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	struct room_slot slot;
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now_s);
	sqlite3_bind_int64(stmt, 3, day_end_s);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_slot(stmt, &slot);
		if (slot.start_s <= now_s && !r->busy) {
			r->busy = true;
			r->now = slot;
		} else if (slot.start_s > now_s && !r->has_next) {
			r->has_next = true;
			r->next = slot;
		} else if (slot.start_s > now_s) {
			r->later++;
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading bookings", err, errlen);
	return SEUIL_OK;
}

int rooms_today(struct store *st, int64_t now_s, int64_t day_end_s, struct room_day *out, size_t max,
		size_t *count, char *err, size_t errlen)
{
	static const char sql[] = "SELECT id, name, coalesce(capacity, 0) FROM rooms ORDER BY name, id";
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc, res = SEUIL_OK;
	bool started;

	*count = 0;
	started = store_read_begin(st);
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			store_column_copy(stmt, 0, out[n].id, sizeof(out[n].id));
			store_column_copy(stmt, 1, out[n].name, sizeof(out[n].name));
			out[n].capacity = sqlite3_column_int(stmt, 2);
		}
		n++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		res = store_db_error(st, "reading rooms", err, errlen);
	for (size_t i = 0; res == SEUIL_OK && i < n && i < max; i++)
		res = room_slots(st, &out[i], now_s, day_end_s, err, errlen);
	store_read_end(st, started);
	*count = n;
	return res;
}

int rooms_free_now(struct store *st, int64_t now_s, int64_t horizon_s, struct room_free *out, size_t max,
		   size_t *count, char *err, size_t errlen)
{
	/* the first booking that ends after now: busy when it has started, else when it starts */
	static const char sql[] =
		"SELECT r.id, r.name, coalesce(r.capacity, 0),"
		" (SELECT min(o.start_s) FROM occurrences o WHERE o.room_id = r.id AND o.end_s > ?1)"
		" FROM rooms r WHERE r.calendar IS NOT NULL AND r.calendar <> ''"
		" AND coalesce(r.feed, 'caldav') = 'caldav' ORDER BY r.name, r.id";
	bool started = store_read_begin(st);
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	size_t n = 0;
	int rc;

	*count = 0;
	if (stmt == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, now_s);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t free_s = horizon_s;
		if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
			int64_t next = sqlite3_column_int64(stmt, 3);
			if (next <= now_s)
				continue; /* busy now */
			if (next - now_s < free_s)
				free_s = next - now_s;
		}
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			store_column_copy(stmt, 0, out[n].id, sizeof(out[n].id));
			store_column_copy(stmt, 1, out[n].name, sizeof(out[n].name));
			out[n].capacity = sqlite3_column_int(stmt, 2);
			out[n].free_s = free_s;
		}
		n++;
	}
	sqlite3_reset(stmt);
	store_read_end(st, started);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading rooms", err, errlen);
	*count = n;
	return SEUIL_OK;
}

int rooms_slots(struct store *st, const char *room, int64_t from_s, int64_t to_s, struct room_slot *out,
		size_t max, size_t *count, char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT o.start_s, o.end_s, o.all_day, o.private, o.summary, t.name"
		"  FROM occurrences o LEFT JOIN tenants t ON t.id = o.organizer_tenant_id"
		" WHERE o.room_id = ?1 AND o.start_s < ?3 AND o.end_s > ?2"
		" ORDER BY o.start_s, o.end_s";
	bool started = store_read_begin(st);
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	size_t n = 0;
	int rc;

	*count = 0;
	if (stmt == NULL) {
		store_read_end(st, started);
		return SEUIL_ERR_DB;
	}
	sqlite3_bind_text(stmt, 1, room, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, from_s);
	sqlite3_bind_int64(stmt, 3, to_s);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n < max)
			read_slot(stmt, &out[n]);
		n++;
	}
	sqlite3_reset(stmt);
	store_read_end(st, started);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading bookings", err, errlen);
	*count = n;
	return SEUIL_OK;
}
