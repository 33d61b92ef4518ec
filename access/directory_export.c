/*
 * directory_export.c - the stored directory written back as the JSON of
 * docs/formats.md (plus `invites`), whole or for chosen ids: the office's
 * full and delta answers, and a round trip through the importer.  It reads
 * only; what changed since when is office_directory.c's business.
 *
 * Each section is one query, sorted by entry, joined with the entry's list
 * (windows, doors, profiles), so that a large site costs one pass per
 * table.  Chosen ids go through a temporary table the queries join.
 */
#include "directory.h"

#include "err.h"
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const section_names[DIRECTORY_SECTION_COUNT] = {
	[DIRECTORY_SITE] = "site",         [DIRECTORY_DOORS] = "doors",
	[DIRECTORY_SCHEDULES] = "schedules", [DIRECTORY_PROFILES] = "profiles",
	[DIRECTORY_TENANTS] = "tenants",   [DIRECTORY_PEOPLE] = "people",
	[DIRECTORY_CREDENTIALS] = "credentials", [DIRECTORY_CLOSURES] = "closures",
	[DIRECTORY_ROOMS] = "rooms",       [DIRECTORY_INVITES] = "invites",
};

const char *directory_section_name(enum directory_section section)
{
	if ((unsigned)section >= DIRECTORY_SECTION_COUNT)
		return NULL;
	return section_names[section];
}

int directory_section_from_name(const char *name)
{
	for (int i = 0; i < DIRECTORY_SECTION_COUNT; i++) {
		if (name != NULL && strcmp(name, section_names[i]) == 0)
			return i;
	}
	return -1;
}

/* the queries name sections by number: keep them in step with the enum */
_Static_assert(DIRECTORY_DOORS == 1 && DIRECTORY_SCHEDULES == 2 && DIRECTORY_PROFILES == 3 &&
		       DIRECTORY_TENANTS == 4 && DIRECTORY_PEOPLE == 5 && DIRECTORY_CREDENTIALS == 6 &&
		       DIRECTORY_CLOSURES == 7 && DIRECTORY_ROOMS == 8 && DIRECTORY_INVITES == 9,
	       "directory_export.c numbers the sections in its SQL");
#define PICKED(col, n) " " col " IN (SELECT id FROM temp.dir_export WHERE section = " #n ")"

struct section_sql {
	const char *all, *picked;
};

/* column 0 is the entry's id; the entry's list element, if any, comes last */
static const struct section_sql queries[DIRECTORY_SECTION_COUNT] = {
	[DIRECTORY_SITE] = { "SELECT name, timezone FROM sites WHERE id = 1",
			     "SELECT name, timezone FROM sites WHERE id = 1" },
#define DOORS "SELECT id, name, unlock_ms FROM doors"
	[DIRECTORY_DOORS] = { DOORS " ORDER BY position, id",
			      DOORS " WHERE" PICKED("id", 1) " ORDER BY position, id" },
#define SCHEDULES                                                                                  \
	"SELECT s.id, s.name, s.holidays, w.days, w.from_min, w.to_min FROM schedules s"          \
	" LEFT JOIN schedule_windows w ON w.schedule_id = s.id"
	[DIRECTORY_SCHEDULES] = { SCHEDULES " ORDER BY s.id, w.rowid",
				  SCHEDULES " WHERE" PICKED("s.id", 2) " ORDER BY s.id, w.rowid" },
#define PROFILES                                                                                   \
	"SELECT p.id, p.name, p.schedule_id, pd.door_id FROM profiles p"                           \
	" LEFT JOIN profile_doors pd ON pd.profile_id = p.id LEFT JOIN doors d ON d.id = pd.door_id"
	[DIRECTORY_PROFILES] = { PROFILES " ORDER BY p.id, d.position, d.id",
				 PROFILES " WHERE" PICKED("p.id", 3) " ORDER BY p.id, d.position, d.id" },
#define TENANTS                                                                                    \
	"SELECT t.id, t.name, t.kind, t.status, t.valid_from, t.valid_until, g.profile_id"         \
	" FROM tenants t LEFT JOIN grants g ON g.tenant_id = t.id"
	[DIRECTORY_TENANTS] = { TENANTS " ORDER BY t.id, g.rowid",
				TENANTS " WHERE" PICKED("t.id", 4) " ORDER BY t.id, g.rowid" },
#define PEOPLE                                                                                     \
	"SELECT p.id, p.name, p.tenant_id, p.role, p.email, p.status, p.valid_from, p.valid_until," \
	" g.profile_id FROM people p LEFT JOIN grants g ON g.person_id = p.id"
	[DIRECTORY_PEOPLE] = { PEOPLE " ORDER BY p.id, g.rowid",
			       PEOPLE " WHERE" PICKED("p.id", 5) " ORDER BY p.id, g.rowid" },
#define CREDENTIALS                                                                                \
	"SELECT identifier, person_id, status, valid_from, valid_until FROM credentials"           \
	" WHERE kind = 'uid' AND person_id IS NOT NULL"
	[DIRECTORY_CREDENTIALS] = { CREDENTIALS " ORDER BY identifier",
				    CREDENTIALS " AND" PICKED("identifier", 6) " ORDER BY identifier" },
#define CLOSURES "SELECT date, name FROM closures"
	[DIRECTORY_CLOSURES] = { CLOSURES " ORDER BY date",
				 CLOSURES " WHERE" PICKED("date", 7) " ORDER BY date" },
#define ROOMS                                                                                      \
	"SELECT r.id, r.name, r.capacity, r.calendar, r.feed, rd.door_id FROM rooms r"             \
	" LEFT JOIN room_doors rd ON rd.room_id = r.id LEFT JOIN doors d ON d.id = rd.door_id"
	[DIRECTORY_ROOMS] = { ROOMS " ORDER BY r.id, d.position, d.id",
			      ROOMS " WHERE" PICKED("r.id", 8) " ORDER BY r.id, d.position, d.id" },
/* an invitation whose host was deleted has no one to tell: it is not exported */
#define INVITES                                                                                    \
	"SELECT id, name, organisation, host_person_id, host_tenant_id, day, code FROM invites"    \
	" WHERE (host_person_id IS NOT NULL OR host_tenant_id IS NOT NULL) AND code IS NOT NULL"
	[DIRECTORY_INVITES] = { INVITES " ORDER BY day, id",
				INVITES " AND" PICKED("id", 9) " ORDER BY day, id" },
};

struct exporter {
	struct store *st;
	const struct directory_selection *sel;
	json_t *root;
	char *err;
	size_t errlen;
};

/* obj[key] = text of column col, left out when NULL; -1 when it cannot be encoded */
static int put_text(json_t *obj, const char *key, sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	if (text == NULL)
		return 0;
	return json_object_set_new(obj, key, json_string(text));
}

static int put_int(json_t *obj, const char *key, sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return 0;
	return json_object_set_new(obj, key, json_integer(sqlite3_column_int64(stmt, col)));
}

/* "mon-fri", "mon,wed,fri", "all": a form the importer's parse_days() reads back */
static void days_text(int mask, char *buf, size_t len)
{
	static const char *const names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	size_t used = 0;

	buf[0] = '\0';
	if ((mask & 0x7f) == 0x7f) {
		snprintf(buf, len, "all");
		return;
	}
	for (int d = 0; d < 7; d++) {
		int end = d;
		if (!(mask & (1 << d)))
			continue;
		while (end + 1 < 7 && (mask & (1 << (end + 1))))
			end++;
		if (end == d)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[d]);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s-%s", used ? "," : "", names[d],
						 names[end]);
		if (used >= len)
			return;
		d = end;
	}
}

static void minutes_text(int minutes, char buf[8])
{
	snprintf(buf, 8, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
}

static json_t *window_json(sqlite3_stmt *stmt, int col)
{
	json_t *w = json_object();
	char days[40], from[8], to[8];

	if (w == NULL)
		return NULL;
	days_text(sqlite3_column_int(stmt, col), days, sizeof(days));
	minutes_text(sqlite3_column_int(stmt, col + 1), from);
	minutes_text(sqlite3_column_int(stmt, col + 2), to);
	if (json_object_set_new(w, "days", json_string(days)) || json_object_set_new(w, "from", json_string(from)) ||
	    json_object_set_new(w, "to", json_string(to))) {
		json_decref(w);
		return NULL;
	}
	return w;
}

/* the entry of the current row, without its list's elements; *list_key names that list */
static json_t *entry_json(enum directory_section s, sqlite3_stmt *stmt, const char **list_key, int *list_col)
{
	json_t *e = json_object();
	int rc = 0;

	*list_key = NULL;
	*list_col = -1;
	if (e == NULL)
		return NULL;
	switch (s) {
	case DIRECTORY_SITE:
		rc |= put_text(e, "name", stmt, 0);
		rc |= put_text(e, "timezone", stmt, 1);
		break;
	case DIRECTORY_DOORS:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_int(e, "unlock_ms", stmt, 2);
		break;
	case DIRECTORY_SCHEDULES:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_text(e, "holidays", stmt, 2);
		*list_key = "windows";
		*list_col = 3;
		break;
	case DIRECTORY_PROFILES:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		*list_key = "doors";
		*list_col = 3;
		rc |= json_object_set_new(e, "doors", json_array());
		rc |= put_text(e, "schedule", stmt, 2);
		break;
	case DIRECTORY_TENANTS:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_text(e, "kind", stmt, 2);
		rc |= put_text(e, "status", stmt, 3);
		rc |= put_text(e, "valid_from", stmt, 4);
		rc |= put_text(e, "valid_until", stmt, 5);
		*list_key = "profiles";
		*list_col = 6;
		break;
	case DIRECTORY_PEOPLE:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_text(e, "tenant", stmt, 2);
		rc |= put_text(e, "role", stmt, 3);
		rc |= put_text(e, "email", stmt, 4);
		rc |= put_text(e, "status", stmt, 5);
		rc |= put_text(e, "valid_from", stmt, 6);
		rc |= put_text(e, "valid_until", stmt, 7);
		*list_key = "profiles";
		*list_col = 8;
		break;
	case DIRECTORY_CREDENTIALS:
		rc |= put_text(e, "uid", stmt, 0);
		rc |= put_text(e, "person", stmt, 1);
		rc |= put_text(e, "status", stmt, 2);
		rc |= put_text(e, "valid_from", stmt, 3);
		rc |= put_text(e, "valid_until", stmt, 4);
		break;
	case DIRECTORY_CLOSURES:
		rc |= put_text(e, "date", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		break;
	case DIRECTORY_ROOMS:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_int(e, "capacity", stmt, 2);
		*list_key = "doors";
		*list_col = 5;
		rc |= json_object_set_new(e, "doors", json_array());
		rc |= put_text(e, "calendar", stmt, 3);
		rc |= put_text(e, "feed", stmt, 4);
		break;
	case DIRECTORY_INVITES:
		rc |= put_text(e, "id", stmt, 0);
		rc |= put_text(e, "name", stmt, 1);
		rc |= put_text(e, "organisation", stmt, 2);
		rc |= put_text(e, "host", stmt, 3);
		rc |= put_text(e, "host_tenant", stmt, 4);
		rc |= put_text(e, "day", stmt, 5);
		rc |= put_text(e, "code", stmt, 6);
		break;
	case DIRECTORY_SECTION_COUNT:
		break;
	}
	/* a list the entry always carries, even empty: the entry is the whole record */
	if (rc == 0 && *list_key != NULL && json_object_get(e, *list_key) == NULL)
		rc = json_object_set_new(e, *list_key, json_array());
	if (rc != 0) {
		json_decref(e);
		return NULL;
	}
	return e;
}

static int nomem(struct exporter *ex, enum directory_section s)
{
	return err_set(ex->err, ex->errlen, SEUIL_ERR_NOMEM,
		       "exporting %s: out of memory or text that is not UTF-8", section_names[s]);
}

static int export_section(struct exporter *ex, enum directory_section s, bool picked)
{
	sqlite3_stmt *stmt = store_stmt(ex->st, picked ? queries[s].picked : queries[s].all, ex->err, ex->errlen);
	json_t *arr = NULL, *entry = NULL, *list = NULL;
	const char *list_key;
	char last[256] = "";
	int col, rc, out = SEUIL_OK;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	if (s != DIRECTORY_SITE && (arr = json_array()) == NULL)
		return nomem(ex, s);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		if (s == DIRECTORY_SITE) {
			entry = entry_json(s, stmt, &list_key, &col);
			if (entry == NULL || json_object_set_new(ex->root, "site", entry) != 0)
				out = nomem(ex, s);
			break;
		}
		if (entry == NULL || id == NULL || strcmp(id, last) != 0) {
			entry = entry_json(s, stmt, &list_key, &col);
			if (entry == NULL || json_array_append_new(arr, entry) != 0) {
				out = nomem(ex, s);
				break;
			}
			snprintf(last, sizeof(last), "%s", id != NULL ? id : "");
			list = list_key != NULL ? json_object_get(entry, list_key) : NULL;
		}
		if (list != NULL && sqlite3_column_type(stmt, col) != SQLITE_NULL) {
			json_t *item = s == DIRECTORY_SCHEDULES ? window_json(stmt, col)
								: json_string((const char *)sqlite3_column_text(stmt, col));
			if (item == NULL || json_array_append_new(list, item) != 0) {
				out = nomem(ex, s);
				break;
			}
		}
	}
	if (out == SEUIL_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		out = store_db_error(ex->st, "exporting the directory", ex->err, ex->errlen);
	sqlite3_reset(stmt);
	if (out == SEUIL_OK && arr != NULL && json_array_size(arr) > 0 &&
	    json_object_set(ex->root, section_names[s], arr) != 0)
		out = nomem(ex, s);
	json_decref(arr);
	return out;
}

/* fills temp.dir_export with the chosen ids */
static int pick(struct exporter *ex)
{
	static const char create[] = "CREATE TEMP TABLE IF NOT EXISTS dir_export (section INTEGER NOT NULL,"
				     " id TEXT NOT NULL, PRIMARY KEY (section, id)) WITHOUT ROWID";
	static const char add[] = "INSERT OR IGNORE INTO temp.dir_export(section, id) VALUES (?1, ?2)";
	sqlite3_stmt *stmt;

	if (sqlite3_exec(ex->st->db, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(ex->st->db, "DELETE FROM temp.dir_export", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(ex->st, "choosing what to export", ex->err, ex->errlen);
	for (int s = DIRECTORY_DOORS; s < DIRECTORY_SECTION_COUNT; s++) {
		if ((ex->sel->all & (1u << s)) || ex->sel->ids[s] == NULL)
			continue;
		for (size_t i = 0; i < ex->sel->count[s]; i++) {
			if ((stmt = store_stmt(ex->st, add, ex->err, ex->errlen)) == NULL)
				return SEUIL_ERR_DB;
			sqlite3_bind_int(stmt, 1, s);
			sqlite3_bind_text(stmt, 2, ex->sel->ids[s][i], -1, SQLITE_STATIC);
			if (sqlite3_step(stmt) != SQLITE_DONE) {
				sqlite3_reset(stmt);
				return store_db_error(ex->st, "choosing what to export", ex->err, ex->errlen);
			}
			sqlite3_reset(stmt);
		}
	}
	return SEUIL_OK;
}

int directory_export_json(struct store *st, const struct directory_selection *sel, char **out,
			  size_t *len, char *err, size_t errlen)
{
	struct exporter ex = { st, sel, NULL, err, errlen };
	bool started;
	char *text = NULL;
	int rc = SEUIL_OK;

	if ((ex.root = json_object()) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "exporting the directory: out of memory");
	started = store_read_begin(st);
	if (sel != NULL)
		rc = pick(&ex);
	for (int s = 0; rc == SEUIL_OK && s < DIRECTORY_SECTION_COUNT; s++) {
		bool all = sel == NULL || (sel->all & (1u << s));
		if (!all && (sel->ids[s] == NULL || sel->count[s] == 0))
			continue;
		rc = export_section(&ex, (enum directory_section)s, !all);
	}
	if (sel != NULL)
		sqlite3_exec(st->db, "DELETE FROM temp.dir_export", NULL, NULL, NULL);
	store_read_end(st, started);
	if (rc == SEUIL_OK && (text = json_dumps(ex.root, JSON_COMPACT)) == NULL)
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "exporting the directory: out of memory");
	json_decref(ex.root);
	if (rc != SEUIL_OK)
		return rc;
	*out = text;
	*len = strlen(text);
	return SEUIL_OK;
}
