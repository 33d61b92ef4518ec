/*
 * rights.c - access_decide(): the evaluation order of DESIGN.md over the
 * store, with prepared statements only.  It reads the store and the time it
 * is given; it never writes and never reads the clock.
 */
#include "rights.h"

#include "bookings.h"
#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"
#include "uid.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *const reason_codes[ACCESS_REASON_COUNT] = {
	[ACCESS_GRANTED] = "granted",
	[ACCESS_UNKNOWN_CREDENTIAL] = "unknown_credential",
	[ACCESS_CREDENTIAL_REVOKED] = "credential_revoked",
	[ACCESS_CREDENTIAL_LOST] = "credential_lost",
	[ACCESS_CREDENTIAL_EXPIRED] = "credential_expired",
	[ACCESS_CREDENTIAL_NOT_YET_VALID] = "credential_not_yet_valid",
	[ACCESS_PERSON_INACTIVE] = "person_inactive",
	[ACCESS_TENANT_INACTIVE] = "tenant_inactive",
	[ACCESS_NO_RIGHT_FOR_DOOR] = "no_right_for_door",
	[ACCESS_OUTSIDE_SCHEDULE] = "outside_schedule",
	[ACCESS_CLOSED_DAY] = "closed_day",
	[ACCESS_LOCKDOWN] = "lockdown",
	[ACCESS_THROTTLED] = "throttled",
};

const char *access_reason_code(enum access_reason reason)
{
	if ((unsigned)reason >= ACCESS_REASON_COUNT)
		return "unknown";
	return reason_codes[reason];
}

int access_credential_hash(struct store *st, const char *kind, const char *normalized,
			   char out[ACCESS_HASH_HEX], char *err, size_t errlen)
{
	unsigned char hash[16];
	crypto_generichash_state state;

	if (!st->hash_key_loaded) {
		char hex[80];
		size_t keylen = 0;
		if (store_setting_get(st, "journal_key", NULL, hex, sizeof(hex)) != SEUIL_OK ||
		    sodium_hex2bin(st->hash_key, sizeof(st->hash_key), hex, strlen(hex), NULL, &keylen,
				   NULL) != 0 ||
		    keylen != sizeof(st->hash_key))
			return err_set(err, errlen, SEUIL_ERR_DB, "the store has no valid journal key");
		sodium_memzero(hex, sizeof(hex));
		st->hash_key_loaded = true;
	}
	crypto_generichash_init(&state, st->hash_key, sizeof(st->hash_key), sizeof(hash));
	crypto_generichash_update(&state, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&state, (const unsigned char *)normalized, strlen(normalized));
	crypto_generichash_final(&state, hash, sizeof(hash));
	sodium_bin2hex(out, ACCESS_HASH_HEX, hash, sizeof(hash));
	return SEUIL_OK;
}

/* what the evaluation knows about "now" in the site's calendar */
struct when {
	int64_t now_ms;
	struct tz_local local;
	char today[11];
	char yesterday[11];
};

/* a site has a handful of closure days: keep them in memory when few */
static int load_closures(struct store *st, char *err, size_t errlen)
{
	static const char sql[] = "SELECT date FROM closures ORDER BY date LIMIT 65";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	struct civil_date d;
	int rc, n = 0;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 0);
		if (n == 64 || text == NULL || !civil_parse_date(text, &d)) {
			n = -1; /* too many, or odd: ask the store each time */
			break;
		}
		st->rights_cache.closures[n++] = civil_to_days(d);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading closures", err, errlen);
	st->rights_cache.nclosures = n;
	return SEUIL_OK;
}

/* reloads the per-database cache when another commit happened */
static int refresh_cache(struct store *st, char *err, size_t errlen)
{
	static const char first[] = "SELECT id, unlock_ms FROM doors ORDER BY position, id LIMIT 1";
	unsigned version = store_change_counter(st);
	sqlite3_stmt *stmt;
	int rc;

	if (st->rights_cache.valid && st->rights_cache.version == version)
		return SEUIL_OK;
	st->rights_cache.valid = false;
	if ((stmt = store_stmt(st, first, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	rc = sqlite3_step(stmt);
	st->rights_cache.door[0] = '\0';
	st->rights_cache.unlock_ms = 0;
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, st->rights_cache.door, sizeof(st->rights_cache.door));
		st->rights_cache.unlock_ms = (unsigned)sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading doors", err, errlen);
	st->rights_cache.lockdown = store_setting_int(st, "lockdown", 0) != 0;
	if ((rc = load_closures(st, err, errlen)) != SEUIL_OK)
		return rc;
	st->rights_cache.version = version;
	st->rights_cache.valid = true;
	return SEUIL_OK;
}

static int find_door(struct store *st, const char *door, struct access_decision *out, char *err,
		     size_t errlen)
{
	static const char by_id[] = "SELECT id, unlock_ms FROM doors WHERE id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if (door == NULL || door[0] == '\0' || strcmp(door, st->rights_cache.door) == 0) {
		if (st->rights_cache.door[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "the directory has no door yet");
		memcpy(out->door, st->rights_cache.door, sizeof(out->door));
		out->unlock_ms = st->rights_cache.unlock_ms;
		return SEUIL_OK;
	}
	if ((stmt = store_stmt(st, by_id, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, door, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, out->door, sizeof(out->door));
		out->unlock_ms = (unsigned)sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading doors", err, errlen);
	return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "unknown door \"%.64s\"", door);
}

/* true when the local day is a public holiday or a site closure; name gets why */
static int closed_day(struct store *st, int64_t days, const char *date, bool *closed, char *name,
		      size_t namelen, char *err, size_t errlen)
{
	static const char sql[] = "SELECT name FROM closures WHERE date = ?1";
	const char *holiday = NULL;
	sqlite3_stmt *stmt;
	int rc;

	if (civil_french_holiday(days, &holiday)) {
		snprintf(name, namelen, "%s", holiday);
		*closed = true;
		return SEUIL_OK;
	}
	*closed = false;
	if (st->rights_cache.nclosures >= 0) {
		int i;
		for (i = 0; i < st->rights_cache.nclosures; i++) {
			if (st->rights_cache.closures[i] == days)
				break;
		}
		if (i == st->rights_cache.nclosures)
			return SEUIL_OK; /* not a closure: no need to ask the store */
	}
	stmt = store_stmt(st, sql, err, errlen);
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	*closed = rc == SQLITE_ROW;
	if (*closed)
		store_column_copy(stmt, 0, name, namelen);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading closures", err, errlen);
	return SEUIL_OK;
}

static bool date_in(const char *today, const unsigned char *from, const unsigned char *until)
{
	if (from != NULL && strcmp(today, (const char *)from) < 0)
		return false;
	if (until != NULL && strcmp(today, (const char *)until) > 0)
		return false;
	return true;
}

/* the state of one profile while its windows are read */
struct profile_eval {
	char id[ACCESS_ID_MAX];
	bool open_window;   /* a window is open now and its day is not closed */
	bool closed_window; /* a window is open now but its day is closed */
	bool holidays_closed;
};

/* folds one profile's result into the best answer so far */
static void profile_finish(const struct profile_eval *p, bool today_closed, enum access_reason *best)
{
	enum access_reason r;

	if (p->id[0] == '\0')
		return;
	if (p->open_window)
		r = ACCESS_GRANTED;
	else if (p->closed_window || (p->holidays_closed && today_closed))
		r = ACCESS_CLOSED_DAY;
	else
		r = ACCESS_OUTSIDE_SCHEDULE;
	/* granted beats closed_day, which explains more than outside_schedule */
	if (r == ACCESS_GRANTED || (r == ACCESS_CLOSED_DAY && *best != ACCESS_GRANTED) ||
	    *best == ACCESS_NO_RIGHT_FOR_DOOR)
		*best = r;
}

static int check_profiles(struct store *st, const struct when *w, struct access_decision *out,
			  char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT p.id, s.holidays, sw.days, sw.from_min, sw.to_min"
		" FROM profile_doors pd"
		" JOIN profiles p ON p.id = pd.profile_id"
		" JOIN schedules s ON s.id = p.schedule_id"
		" LEFT JOIN schedule_windows sw ON sw.schedule_id = s.id"
		" WHERE pd.door_id = ?1 AND pd.profile_id IN ("
		"   SELECT profile_id FROM grants WHERE person_id = ?2"
		"   UNION SELECT profile_id FROM grants WHERE tenant_id = ?3)"
		" ORDER BY p.id";
	enum access_reason best = ACCESS_NO_RIGHT_FOR_DOOR;
	struct profile_eval cur = { .id = "" };
	bool today_closed = false, yesterday_closed = false, days_known = false;
	char today_name[ACCESS_NAME_MAX] = "", yesterday_name[ACCESS_NAME_MAX] = "";
	int today_bit = 1 << w->local.weekday;
	int yesterday_bit = 1 << ((w->local.weekday + 6) % 7);
	int minute = w->local.minute;
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, out->door, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 2, out->person);
	store_bind_text_or_null(stmt, 3, out->tenant);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		const char *holidays = (const char *)sqlite3_column_text(stmt, 1);
		if (id == NULL)
			continue;
		if (strcmp(id, cur.id) != 0) {
			profile_finish(&cur, today_closed, &best);
			memset(&cur, 0, sizeof(cur));
			snprintf(cur.id, sizeof(cur.id), "%s", id);
			cur.holidays_closed = holidays != NULL && strcmp(holidays, "closed") == 0;
			if (cur.holidays_closed && !days_known) {
				/* both days are looked up once, and only when a schedule cares */
				if (closed_day(st, w->local.days, w->today, &today_closed, today_name,
					       sizeof(today_name), err, errlen) != SEUIL_OK ||
				    closed_day(st, w->local.days - 1, w->yesterday, &yesterday_closed,
					       yesterday_name, sizeof(yesterday_name), err, errlen) != SEUIL_OK) {
					sqlite3_reset(stmt);
					return SEUIL_ERR_DB;
				}
				days_known = true;
			}
		}
		if (sqlite3_column_type(stmt, 2) == SQLITE_NULL)
			continue; /* a schedule without windows */
		int days = sqlite3_column_int(stmt, 2);
		int from = sqlite3_column_int(stmt, 3);
		int to = sqlite3_column_int(stmt, 4);
		bool crosses = to < from;
		/* a window belongs to the day it starts on, holidays included */
		bool open_today = (days & today_bit) && minute >= from && (crosses || minute < to);
		bool open_from_yesterday = crosses && (days & yesterday_bit) && minute < to;
		if (open_today) {
			if (cur.holidays_closed && today_closed)
				cur.closed_window = true;
			else
				cur.open_window = true;
		}
		if (open_from_yesterday) {
			if (cur.holidays_closed && yesterday_closed)
				cur.closed_window = true;
			else
				cur.open_window = true;
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "reading access profiles", err, errlen);
	profile_finish(&cur, today_closed, &best);
	out->reason = best;
	if (best == ACCESS_CLOSED_DAY)
		snprintf(out->detail, sizeof(out->detail), "%s", today_closed ? today_name : yesterday_name);
	return SEUIL_OK;
}

static int count_recent_unknown(struct store *st, const struct access_decision *d, int *count,
				char *err, size_t errlen)
{
	/* through the partial index on refusals of unknown cards */
	static const char sql[] =
		"SELECT count(*) FROM events WHERE credential_hash = ?1 AND at_ms > ?2 AND at_ms <= ?3"
		" AND reason IN ('unknown_credential', 'throttled')";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, d->credential_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, d->at_ms - ACCESS_THROTTLE_WINDOW_MS);
	sqlite3_bind_int64(stmt, 3, d->at_ms);
	rc = sqlite3_step(stmt);
	*count = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? SEUIL_OK : store_db_error(st, "reading the journal", err, errlen);
}

static void set_reason(struct access_decision *d, enum access_reason r)
{
	d->reason = r;
	d->granted = r == ACCESS_GRANTED;
}

/*
 * A booking of a room behind this door, organised by the holder's tenant,
 * from BOOKINGS_LEAD_S before its start to its end: granted, the booking
 * named in the detail.  Asked only when the schedules said no, so the
 * common path never runs it.  One statement: room_doors' primary key
 * (door_id, room_id) gives the door's rooms, and occurrences_room_start
 * (room_id, start_s) bounds each room's scan to occurrences that start
 * before now + the lead time, within the stored window (7 days back):
 * tighter than occurrences_start, which would scan every room's.  A
 * cancelled booking has no occurrence (ical_expand.h).
 */
static int check_booking(struct store *st, const struct when *w, struct access_decision *d, char *err,
			 size_t errlen)
{
	static const char sql[] =
		"SELECT o.room_id, o.uid FROM room_doors rd"
		" JOIN occurrences o ON o.room_id = rd.room_id"
		" WHERE rd.door_id = ?1 AND o.start_s <= ?3 + ?4 AND o.end_s > ?3"
		" AND o.organizer_tenant_id = ?2"
		" LIMIT 1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int64_t now_s = w->now_ms / 1000 - (w->now_ms % 1000 < 0);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, d->door, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, d->tenant, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, now_s);
	sqlite3_bind_int64(stmt, 4, BOOKINGS_LEAD_S);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(d->detail, sizeof(d->detail), "booking %.60s: %.80s",
			 (const char *)sqlite3_column_text(stmt, 0), (const char *)sqlite3_column_text(stmt, 1));
		set_reason(d, ACCESS_GRANTED);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading bookings", err, errlen);
	return SEUIL_OK;
}

/*
 * The credential, its person and their tenant in one lookup.  Columns:
 * 0 person, 1 visitor, 2 status, 3 valid_from, 4 valid_until, 5 person name,
 * 6 role, 7 person status, 8 person from, 9 person until, 10 tenant,
 * 11 tenant name, 12 tenant status, 13 tenant from, 14 tenant until.
 */
static const char credential_sql[] =
	"SELECT c.person_id, c.visitor_id, c.status, c.valid_from, c.valid_until,"
	" p.name, p.role, p.status, p.valid_from, p.valid_until,"
	" t.id, t.name, t.status, t.valid_from, t.valid_until"
	" FROM credentials c"
	" LEFT JOIN people p ON p.id = c.person_id"
	" LEFT JOIN tenants t ON t.id = p.tenant_id"
	" WHERE c.kind = ?1 AND c.identifier = ?2";

/* credential, then person, then tenant, from the row of credential_sql */
static void check_credential_row(sqlite3_stmt *stmt, const struct when *w, struct access_decision *d)
{
	const char *status = (const char *)sqlite3_column_text(stmt, 2);

	store_column_copy(stmt, 0, d->person, sizeof(d->person));
	d->visitor = sqlite3_column_int64(stmt, 1);
	if (strcmp(status, "revoked") == 0 || strcmp(status, "blocked") == 0)
		set_reason(d, ACCESS_CREDENTIAL_REVOKED);
	else if (strcmp(status, "lost") == 0)
		set_reason(d, ACCESS_CREDENTIAL_LOST);
	else if (!date_in(w->today, sqlite3_column_text(stmt, 3), NULL))
		set_reason(d, ACCESS_CREDENTIAL_NOT_YET_VALID);
	else if (!date_in(w->today, NULL, sqlite3_column_text(stmt, 4)))
		set_reason(d, ACCESS_CREDENTIAL_EXPIRED);
	if (d->person[0] == '\0')
		return; /* a visitor pass: check_visitor() */
	store_column_copy(stmt, 5, d->person_name, sizeof(d->person_name));
	d->staff = strcmp((const char *)sqlite3_column_text(stmt, 6), "staff") == 0;
	if (d->granted && (strcmp((const char *)sqlite3_column_text(stmt, 7), "active") != 0 ||
			   !date_in(w->today, sqlite3_column_text(stmt, 8), sqlite3_column_text(stmt, 9))))
		set_reason(d, ACCESS_PERSON_INACTIVE);
	if (sqlite3_column_type(stmt, 10) == SQLITE_NULL)
		return;
	store_column_copy(stmt, 10, d->tenant, sizeof(d->tenant));
	store_column_copy(stmt, 11, d->tenant_name, sizeof(d->tenant_name));
	if (d->granted && (strcmp((const char *)sqlite3_column_text(stmt, 12), "active") != 0 ||
			   !date_in(w->today, sqlite3_column_text(stmt, 13), sqlite3_column_text(stmt, 14))))
		set_reason(d, ACCESS_TENANT_INACTIVE);
}

/* the holder is a visitor pass: its window and whether the visitor is inside */
static int check_visitor(struct store *st, const struct when *w, struct access_decision *out,
			 char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT v.name, v.valid_from_ms, v.valid_until_ms, v.checked_in_ms, v.checked_out_ms,"
		" t.id, t.name FROM visitors v"
		" LEFT JOIN people p ON p.id = v.host_person_id"
		" LEFT JOIN tenants t ON t.id = coalesce(v.host_tenant_id, p.tenant_id)"
		" WHERE v.id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, out->visitor);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return store_db_error(st, "reading the visitor", err, errlen);
	}
	store_column_copy(stmt, 0, out->person_name, sizeof(out->person_name));
	store_column_copy(stmt, 5, out->tenant, sizeof(out->tenant));
	store_column_copy(stmt, 6, out->tenant_name, sizeof(out->tenant_name));
	if (sqlite3_column_type(stmt, 1) != SQLITE_NULL && w->now_ms < sqlite3_column_int64(stmt, 1))
		set_reason(out, ACCESS_CREDENTIAL_NOT_YET_VALID);
	else if (sqlite3_column_type(stmt, 2) != SQLITE_NULL && w->now_ms > sqlite3_column_int64(stmt, 2))
		set_reason(out, ACCESS_CREDENTIAL_EXPIRED);
	else if (sqlite3_column_type(stmt, 3) == SQLITE_NULL || sqlite3_column_type(stmt, 4) != SQLITE_NULL)
		set_reason(out, ACCESS_PERSON_INACTIVE);
	sqlite3_reset(stmt);
	return SEUIL_OK;
}

static int decide_in_snapshot(struct store *st, const struct access_request *req,
			      struct access_decision *out, char *err, size_t errlen);

int access_door_check(struct store *st, const char *door, char *id, size_t len, char *err, size_t errlen)
{
	struct access_decision d;
	bool started = store_read_begin(st);
	int rc = refresh_cache(st, err, errlen);

	if (rc == SEUIL_OK)
		rc = find_door(st, door, &d, err, errlen);
	store_read_end(st, started);
	if (rc == SEUIL_OK && id != NULL && len > 0)
		snprintf(id, len, "%s", d.door);
	return rc;
}

int access_decide(struct store *st, const struct access_request *req, struct access_decision *out,
		  char *err, size_t errlen)
{
	bool started = store_read_begin(st);
	int rc = decide_in_snapshot(st, req, out, err, errlen);

	store_read_end(st, started);
	return rc;
}

static int decide_in_snapshot(struct store *st, const struct access_request *req,
			      struct access_decision *out, char *err, size_t errlen)
{
	struct access_decision d;
	struct when w;
	const struct tz *zone;
	char normalized[UID_HEX_MAX];
	sqlite3_stmt *stmt;
	const char *kind = req->kind != NULL ? req->kind : "uid";
	int rc, recent;
	bool known;

	memset(&d, 0, sizeof(d));
	if (strcmp(kind, "uid") != 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown credential kind \"%.16s\"", kind);
	if ((rc = uid_normalize(req->identifier, normalized, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = access_credential_hash(st, kind, normalized, d.credential_hash, err, errlen)) != SEUIL_OK)
		return rc;
	snprintf(d.kind, sizeof(d.kind), "%s", kind);
	d.at_ms = req->now_ms;
	set_reason(&d, ACCESS_GRANTED);

	/* the first statement of the snapshot: the cache check below needs it */
	if ((stmt = store_stmt(st, credential_sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, normalized, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(stmt);
		return store_db_error(st, "reading credentials", err, errlen);
	}
	known = rc == SQLITE_ROW;
	if ((rc = refresh_cache(st, err, errlen)) != SEUIL_OK ||
	    (rc = store_site_zone(st, &zone, err, errlen)) != SEUIL_OK ||
	    (rc = find_door(st, req->door, &d, err, errlen)) != SEUIL_OK) {
		sqlite3_reset(stmt);
		return rc;
	}
	w.now_ms = req->now_ms;
	tz_localtime(zone, req->now_ms / 1000 - (req->now_ms % 1000 < 0), &w.local);
	civil_format_date((struct civil_date){ w.local.year, w.local.month, w.local.day }, w.today);
	civil_format_date(civil_from_days(w.local.days - 1), w.yesterday);
	if (known)
		check_credential_row(stmt, &w, &d);
	sqlite3_reset(stmt);

	if (!known) {
		set_reason(&d, ACCESS_UNKNOWN_CREDENTIAL);
		if ((rc = count_recent_unknown(st, &d, &recent, err, errlen)) != SEUIL_OK)
			return rc;
		if (recent >= ACCESS_THROTTLE_COUNT)
			set_reason(&d, ACCESS_THROTTLED);
	} else if (d.granted && d.person[0] == '\0') {
		if ((rc = check_visitor(st, &w, &d, err, errlen)) != SEUIL_OK)
			return rc;
	} else if (d.granted) {
		if ((rc = check_profiles(st, &w, &d, err, errlen)) != SEUIL_OK)
			return rc;
		d.granted = d.reason == ACCESS_GRANTED;
		/* 5. bookings: only when the schedules said no, and only for a tenant's member */
		if (!d.granted && d.tenant[0] != '\0') {
			char saved[ACCESS_NAME_MAX];
			enum access_reason before = d.reason;
			memcpy(saved, d.detail, sizeof(saved));
			d.detail[0] = '\0';
			if ((rc = check_booking(st, &w, &d, err, errlen)) != SEUIL_OK)
				return rc;
			if (!d.granted) { /* the schedule's answer stands, with its closed day */
				d.reason = before;
				memcpy(d.detail, saved, sizeof(saved));
			}
		}
	}
	/* lockdown comes first in the order: it overrides every other answer
	 * except for staff, who are then judged like anyone else */
	if (st->rights_cache.lockdown && !(known && d.staff))
		set_reason(&d, ACCESS_LOCKDOWN);
	if (!d.granted)
		d.unlock_ms = 0;
	*out = d;
	return SEUIL_OK;
}
