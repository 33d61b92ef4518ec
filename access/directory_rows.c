/*
 * directory_rows.c - one upsert per directory table, and deletions with
 * their cascades, for the importers and the office pull.  Checks and the
 * transaction are directory_write.c's.
 */
#include "directory_int.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"
#include "uid.h"

#include <stdio.h>
#include <string.h>

/* the upserts below spell these bits in their SQL */
_Static_assert(DIR_KEEP_TENANT == 1 && DIR_KEEP_ROLE == 2 && DIR_KEEP_EMAIL == 4 && DIR_KEEP_STATUS == 8 &&
		       DIR_KEEP_VALID_FROM == 16 && DIR_KEEP_VALID_UNTIL == 32,
	       "enum dir_keep is spelt out in dir_put_person() and dir_put_credential()");

int dir_put_site(struct dir_import *imp, const struct dir_site *s, const char *path)
{
	static const char sql[] = "INSERT INTO sites(id, name, timezone) VALUES (1, ?1, ?2)"
				  " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
				  " timezone = excluded.timezone";
	struct tz *zone = NULL;
	char tzerr[200] = "";
	sqlite3_stmt *stmt;

	/* a zone that cannot be loaded would stop every later decision */
	if (tz_load(s->timezone, &zone, tzerr, sizeof(tzerr)) != SEUIL_OK)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s.timezone: %s", path, tzerr);
	tz_free(zone);
	stmt = dir_prep(imp, sql);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, s->timezone, -1, SQLITE_STATIC);
	return dir_step_done(imp, stmt, path);
}

int dir_put_door(struct dir_import *imp, const struct dir_door *d, const char *path)
{
	/* ?4 NULL: a stored door keeps its rank, a new one goes after the last,
	 * so that adding a door never changes the default (first) one */
	static const char sql[] =
		"INSERT INTO doors(id, name, unlock_ms, position) VALUES (?1, ?2, ?3,"
		" coalesce(?4, (SELECT coalesce(max(position) + 1, 0) FROM doors)))"
		" ON CONFLICT(id) DO UPDATE SET name = excluded.name, unlock_ms = excluded.unlock_ms,"
		" position = coalesce(?4, position)";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, d->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, d->unlock_ms);
	if (d->position >= 0)
		sqlite3_bind_int(stmt, 4, d->position);
	imp->counts.doors++;
	return dir_step_done(imp, stmt, path);
}

int dir_rank_door(struct dir_import *imp, const char *id, int position, const char *path)
{
	static const char sql[] = "UPDATE doors SET position = ?2 WHERE id = ?1 AND position IS NOT ?2";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, position);
	return dir_step_done(imp, stmt, path);
}

long dir_doors_unnamed(struct dir_import *imp)
{
	static const char sql[] = "SELECT count(*) FROM doors WHERE id NOT IN"
				  " (SELECT id FROM temp.dir_seen WHERE tbl = 'doors')";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	long n = -1;

	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	else
		store_db_error(imp->st, "counting the doors", imp->err, imp->errlen);
	sqlite3_reset(stmt);
	return n;
}

/* starts the staged child set of kind for parent anew (the last set given wins) */
static int stage_clear(struct dir_import *imp, int kind, const char *parent, const char *path)
{
	static const char drop[] = "DELETE FROM temp.dir_children WHERE kind = ?1 AND parent = ?2";
	static const char mark[] = "INSERT INTO temp.dir_children(kind, parent) VALUES (?1, ?2)";
	sqlite3_stmt *stmt;
	int rc;

	for (int i = 0; i < 2; i++) {
		if ((stmt = dir_prep(imp, i == 0 ? drop : mark)) == NULL)
			return SEUIL_ERR_DB;
		sqlite3_bind_int(stmt, 1, kind);
		sqlite3_bind_text(stmt, 2, parent, -1, SQLITE_STATIC);
		if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

/* one staged child row: a an id, or b, c, d a window's days, from and to */
static int stage_add(struct dir_import *imp, int kind, const char *parent, const char *a, int b, int c, int d,
		     const char *path)
{
	static const char sql[] = "INSERT INTO temp.dir_children(kind, parent, a, b, c, d) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int(stmt, 1, kind);
	sqlite3_bind_text(stmt, 2, parent, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, a);
	sqlite3_bind_int(stmt, 4, b);
	sqlite3_bind_int(stmt, 5, c);
	sqlite3_bind_int(stmt, 6, d);
	return dir_step_done(imp, stmt, path);
}

int dir_put_schedule(struct dir_import *imp, const struct dir_schedule *s, const char *path)
{
	static const char sql[] = "INSERT INTO schedules(id, name, holidays) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
				  " holidays = excluded.holidays";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, s->id, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 2, s->name);
	sqlite3_bind_text(stmt, 3, s->holidays_closed ? "closed" : "open", -1, SQLITE_STATIC);
	if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
		return rc;
	imp->counts.schedules++;
	return stage_clear(imp, DIR_CHILD_WINDOWS, s->id, path);
}

int dir_add_window(struct dir_import *imp, const char *schedule, int days, int from, int to,
		   const char *path)
{
	return stage_add(imp, DIR_CHILD_WINDOWS, schedule, NULL, days, from, to, path);
}

int dir_put_profile(struct dir_import *imp, const struct dir_profile *p, const char *path)
{
	static const char sql[] = "INSERT INTO profiles(id, name, schedule_id) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
				  " schedule_id = excluded.schedule_id";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, p->id, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 2, p->name);
	sqlite3_bind_text(stmt, 3, p->schedule, -1, SQLITE_STATIC);
	if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
		return rc;
	imp->counts.profiles++;
	return stage_clear(imp, DIR_CHILD_PROFILE_DOORS, p->id, path);
}

int dir_add_profile_door(struct dir_import *imp, const char *profile, const char *door, const char *path)
{
	return stage_add(imp, DIR_CHILD_PROFILE_DOORS, profile, door, 0, 0, 0, path);
}

int dir_put_tenant(struct dir_import *imp, const struct dir_tenant *t, const char *path)
{
	static const char sql[] =
		"INSERT INTO tenants(id, name, kind, status, valid_from, valid_until)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
		" kind = excluded.kind, status = excluded.status, valid_from = excluded.valid_from,"
		" valid_until = excluded.valid_until";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, t->name, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, t->kind);
	sqlite3_bind_text(stmt, 4, t->status != NULL ? t->status : "active", -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 5, t->valid_from);
	store_bind_text_or_null(stmt, 6, t->valid_until);
	imp->counts.tenants++;
	return dir_step_done(imp, stmt, path);
}

/*
 * After an upsert that kept one of an entry's dates from before (enum
 * dir_keep), the stored pair must still be in order: sql selects
 * (valid_from, valid_until) of the entry ?1.
 */
static int check_kept_range(struct dir_import *imp, unsigned keep, const char *sql, const char *id,
			    const char *path)
{
	sqlite3_stmt *stmt;
	char from[16] = "", until[16] = "";
	int rc;

	if (!(keep & (DIR_KEEP_VALID_FROM | DIR_KEEP_VALID_UNTIL)))
		return SEUIL_OK;
	if ((stmt = dir_prep(imp, sql)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, from, sizeof(from));
		store_column_copy(stmt, 1, until, sizeof(until));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(imp->st, path, imp->err, imp->errlen);
	if (from[0] != '\0' && until[0] != '\0' && strcmp(from, until) > 0)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
			       "%s: valid_from %s would be after valid_until %s (one of them stored before)",
			       path, from, until);
	return SEUIL_OK;
}

int dir_put_person(struct dir_import *imp, const struct dir_person *p, const char *path)
{
	/* pin_hash is set at the kiosk, never by an import: keep it; ?9 holds the
	 * enum dir_keep bits of the fields to keep as stored */
	static const char sql[] =
		"INSERT INTO people(id, name, tenant_id, role, email, status, valid_from, valid_until)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO UPDATE SET"
		" name = excluded.name, tenant_id = iif(?9 & 1, tenant_id, excluded.tenant_id),"
		" role = iif(?9 & 2, role, excluded.role), email = iif(?9 & 4, email, excluded.email),"
		" status = iif(?9 & 8, status, excluded.status),"
		" valid_from = iif(?9 & 16, valid_from, excluded.valid_from),"
		" valid_until = iif(?9 & 32, valid_until, excluded.valid_until)";
	static const char dates[] = "SELECT valid_from, valid_until FROM people WHERE id = ?1";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, p->name, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, p->tenant);
	sqlite3_bind_text(stmt, 4, p->role != NULL ? p->role : "member", -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 5, p->email);
	sqlite3_bind_text(stmt, 6, p->status != NULL ? p->status : "active", -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 7, p->valid_from);
	store_bind_text_or_null(stmt, 8, p->valid_until);
	sqlite3_bind_int(stmt, 9, (int)p->keep);
	imp->counts.people++;
	if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
		return rc;
	return check_kept_range(imp, p->keep, dates, p->id, path);
}

int dir_clear_grants(struct dir_import *imp, const char *tenant, const char *person, const char *path)
{
	return stage_clear(imp, tenant != NULL ? DIR_CHILD_TENANT_GRANTS : DIR_CHILD_PERSON_GRANTS,
			   tenant != NULL ? tenant : person, path);
}

int dir_add_grant(struct dir_import *imp, const char *profile, const char *tenant, const char *person,
		  const char *path)
{
	return stage_add(imp, tenant != NULL ? DIR_CHILD_TENANT_GRANTS : DIR_CHILD_PERSON_GRANTS,
			 tenant != NULL ? tenant : person, profile, 0, 0, 0, path);
}

/* Refuses to give a stored badge to another holder unless DIRECTORY_MOVE_BADGES. */
static int check_holder(struct dir_import *imp, const struct dir_credential *c, const char *path)
{
	static const char sql[] = "SELECT coalesce(person_id, 'visitor ' || visitor_id) FROM credentials"
				  " WHERE kind = 'uid' AND identifier = ?1";
	sqlite3_stmt *stmt;
	char holder[96] = "", shown[UID_HEX_MAX + 8];
	bool other;

	if (imp->flags & DIRECTORY_MOVE_BADGES)
		return SEUIL_OK;
	if ((stmt = dir_prep(imp, sql)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, c->identifier, -1, SQLITE_STATIC);
	other = sqlite3_step(stmt) == SQLITE_ROW;
	if (other) {
		store_column_copy(stmt, 0, holder, sizeof(holder));
		other = strcmp(holder, c->person) != 0;
	}
	sqlite3_reset(stmt);
	if (!other)
		return SEUIL_OK;
	if (imp->flags & DIR_REDACT_UIDS)
		uid_redact(c->identifier, shown, sizeof(shown));
	else
		snprintf(shown, sizeof(shown), "%s", c->identifier);
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
		       "%s: badge %s is %s's; giving it to %s needs --move-badges", path, shown, holder, c->person);
}

int dir_put_credential(struct dir_import *imp, const struct dir_credential *c, const char *path)
{
	static const char sql[] =
		"INSERT INTO credentials(kind, identifier, person_id, visitor_id, status, valid_from,"
		" valid_until, created_ms) VALUES ('uid', ?1, ?2, NULL, ?3, ?4, ?5,"
		" CAST(strftime('%s', 'now') AS INTEGER) * 1000)"
		" ON CONFLICT(kind, identifier) DO UPDATE SET person_id = excluded.person_id,"
		" visitor_id = NULL, status = iif(?6 & 8, status, excluded.status),"
		" valid_from = iif(?6 & 16, valid_from, excluded.valid_from),"
		" valid_until = iif(?6 & 32, valid_until, excluded.valid_until)";
	static const char dates[] = "SELECT valid_from, valid_until FROM credentials"
				    " WHERE kind = 'uid' AND identifier = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = check_holder(imp, c, path)) != SEUIL_OK)
		return rc;
	if ((stmt = dir_prep(imp, sql)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, c->identifier, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, c->person, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, c->status != NULL ? c->status : "active", -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 4, c->valid_from);
	store_bind_text_or_null(stmt, 5, c->valid_until);
	sqlite3_bind_int(stmt, 6, (int)c->keep);
	imp->counts.credentials++;
	if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
		return rc;
	return check_kept_range(imp, c->keep, dates, c->identifier, path);
}

int dir_put_closure(struct dir_import *imp, const char *date, const char *name, const char *path)
{
	static const char sql[] = "INSERT INTO closures(date, name) VALUES (?1, ?2)"
				  " ON CONFLICT(date) DO UPDATE SET name = excluded.name";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	imp->counts.closures++;
	return dir_step_done(imp, stmt, path);
}

int dir_put_room(struct dir_import *imp, const struct dir_room *r, const char *path)
{
	/* a changed calendar URL invalidates what was synced from the old one */
	static const char sql[] =
		"INSERT INTO rooms(id, name, capacity, calendar, feed) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT(id) DO UPDATE SET name = excluded.name, capacity = excluded.capacity,"
		" sync_token = iif(calendar IS excluded.calendar, sync_token, NULL),"
		" etag = iif(calendar IS excluded.calendar, etag, NULL),"
		" last_modified = iif(calendar IS excluded.calendar, last_modified, NULL),"
		" calendar = excluded.calendar, feed = excluded.feed";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, r->name, -1, SQLITE_STATIC);
	if (r->capacity > 0)
		sqlite3_bind_int(stmt, 3, r->capacity);
	store_bind_text_or_null(stmt, 4, r->calendar);
	store_bind_text_or_null(stmt, 5, r->feed);
	if ((rc = dir_step_done(imp, stmt, path)) != SEUIL_OK)
		return rc;
	imp->counts.rooms++;
	return stage_clear(imp, DIR_CHILD_ROOM_DOORS, r->id, path);
}

int dir_add_room_door(struct dir_import *imp, const char *room, const char *door, const char *path)
{
	return stage_add(imp, DIR_CHILD_ROOM_DOORS, room, door, 0, 0, 0, path);
}

int dir_person_name(struct dir_import *imp, const char *id, char *buf, size_t len)
{
	static const char sql[] = "SELECT name FROM people WHERE id = ?1";
	sqlite3_stmt *stmt = dir_prep(imp, sql);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, buf, len);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? SEUIL_OK : SEUIL_ERR_NOT_FOUND;
}

int dir_put_invite(struct dir_import *imp, const struct dir_invite *v, const char *path)
{
	/* used_ms is set at the kiosk when the visitor arrives; a new day is a new visit */
	static const char sql[] =
		"INSERT INTO invites(id, name, organisation, host_person_id, host_tenant_id, day, code)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
		" organisation = excluded.organisation, host_person_id = excluded.host_person_id,"
		" host_tenant_id = excluded.host_tenant_id,"
		" used_ms = iif(day IS excluded.day, used_ms, NULL),"
		" day = excluded.day, code = excluded.code";
	sqlite3_stmt *stmt = dir_prep(imp, sql);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, v->name, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, v->organisation);
	store_bind_text_or_null(stmt, 4, v->host);
	store_bind_text_or_null(stmt, 5, v->host_tenant);
	sqlite3_bind_text(stmt, 6, v->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, v->code, -1, SQLITE_STATIC);
	imp->invites++;
	return dir_step_done(imp, stmt, path);
}

/* runs one deletion; *changes (if not NULL) gets the rows it removed */
static int delete_step(struct dir_import *imp, const char *sql, const char *id, const char *path,
		       int *changes)
{
	sqlite3_stmt *stmt;
	int rc;

	/* not cached: deletions are rare, and the statement cache is for decisions */
	if (sqlite3_prepare_v2(imp->st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_db_error(imp->st, path, imp->err, imp->errlen);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE && changes != NULL)
		*changes = sqlite3_changes(imp->st->db);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return SEUIL_OK;
	if (rc == SQLITE_CONSTRAINT)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: cannot remove: %s", path,
			       sqlite3_errmsg(imp->st->db));
	return store_db_error(imp->st, path, imp->err, imp->errlen);
}

int dir_delete(struct dir_import *imp, enum dir_table table, const char *id, const char *path)
{
	/* what goes first so that the entry itself can go (the schema cascades the rest) */
	static const char *const first[DIR_TABLE_COUNT] = {
		[DIR_SCHEDULES] = "DELETE FROM profiles WHERE schedule_id = ?1",
		[DIR_TENANTS] = "DELETE FROM people WHERE tenant_id = ?1",
	};
	static const char *const entry[DIR_TABLE_COUNT] = {
		[DIR_DOORS] = "DELETE FROM doors WHERE id = ?1",
		[DIR_SCHEDULES] = "DELETE FROM schedules WHERE id = ?1",
		[DIR_PROFILES] = "DELETE FROM profiles WHERE id = ?1",
		[DIR_TENANTS] = "DELETE FROM tenants WHERE id = ?1",
		[DIR_PEOPLE] = "DELETE FROM people WHERE id = ?1",
		[DIR_CREDENTIALS] = "DELETE FROM credentials WHERE kind = 'uid' AND identifier = ?1"
				    " AND visitor_id IS NULL",
		[DIR_CLOSURES] = "DELETE FROM closures WHERE date = ?1",
		[DIR_ROOMS] = "DELETE FROM rooms WHERE id = ?1",
		[DIR_INVITES] = "DELETE FROM invites WHERE id = ?1",
	};
	int rc, changes = 0;

	if ((unsigned)table >= DIR_TABLE_COUNT)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: no such table", path);
	if (first[table] != NULL && (rc = delete_step(imp, first[table], id, path, NULL)) != SEUIL_OK)
		return rc;
	if ((rc = delete_step(imp, entry[table], id, path, &changes)) != SEUIL_OK)
		return rc;
	imp->deleted += changes;
	return SEUIL_OK;
}
