/*
 * summary.c - counts and states for `seuilctl status` and the staff screen.
 * Read-only; it never repairs what it finds.
 */
#include "store_int.h"

#include "err.h"

#include <string.h>

int store_summarize(struct store *st, struct store_summary *out, char *err, size_t errlen)
{
	static const char site[] = "SELECT name, timezone FROM sites WHERE id = 1";
	static const char sync[] = "SELECT value FROM sync_state WHERE key = ?1";
	static const char *const counts[] = {
		"SELECT count(*) FROM doors",
		"SELECT count(*) FROM tenants",
		"SELECT count(*) FROM people",
		"SELECT count(*) FROM credentials",
		"SELECT count(*) FROM credentials WHERE status = 'active'",
		"SELECT count(*) FROM visitors WHERE checked_in_ms IS NOT NULL AND checked_out_ms IS NULL",
		"SELECT count(*) FROM events",
		"SELECT coalesce(max(seq), 0) FROM events",
		"SELECT count(*) FROM outbox",
	};
	int64_t v[sizeof(counts) / sizeof(counts[0])];
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if ((rc = store_count(st, counts[i], "summarizing", &v[i], err, errlen)) != SEUIL_OK)
			return rc;
	}
	out->doors = (long)v[0];
	out->tenants = (long)v[1];
	out->people = (long)v[2];
	out->credentials = (long)v[3];
	out->active_credentials = (long)v[4];
	out->visitors_inside = (long)v[5];
	out->events = v[6];
	out->last_seq = v[7];
	out->outbox = v[8];
	if ((stmt = store_stmt(st, site, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		store_column_copy(stmt, 0, out->site, sizeof(out->site));
		store_column_copy(stmt, 1, out->timezone, sizeof(out->timezone));
	}
	sqlite3_reset(stmt);
	store_setting_get(st, "device_id", "", out->device, sizeof(out->device));
	out->lockdown = store_setting_int(st, "lockdown", 0) != 0;
	if ((stmt = store_stmt(st, sync, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, "last_success", -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_copy(stmt, 0, out->last_sync, sizeof(out->last_sync));
	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, "last_error", -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_copy(stmt, 0, out->last_error, sizeof(out->last_error));
	sqlite3_reset(stmt);
	return SEUIL_OK;
}
