/*
 * schema.c - the store's schema and its forward migrations.  Each step takes
 * the database from version N-1 to N; steps are never edited once released,
 * only appended.  store_open() runs them inside one transaction.
 *
 * Times are INTEGER milliseconds (or seconds where named _s) since the Unix
 * epoch in UTC; dates are 'YYYY-MM-DD' in the site's local calendar;
 * schedule windows are local wall-clock minutes.
 */
#include "store_int.h"

#include "err.h"

#include <sodium.h>
#include <stdio.h>

static const char schema_v1[] =
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	/* the directory */
	"CREATE TABLE sites ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  name TEXT NOT NULL, timezone TEXT NOT NULL);"
	"CREATE TABLE doors ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  unlock_ms INTEGER NOT NULL DEFAULT 5000 CHECK (unlock_ms BETWEEN 100 AND 600000),"
	"  position INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE schedules ("
	"  id TEXT PRIMARY KEY, name TEXT,"
	"  holidays TEXT NOT NULL DEFAULT 'closed' CHECK (holidays IN ('closed', 'open')))"
	"  WITHOUT ROWID;"
	"CREATE TABLE schedule_windows ("
	"  schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,"
	"  days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127)," /* bit 0 Monday .. bit 6 Sunday */
	"  from_min INTEGER NOT NULL CHECK (from_min BETWEEN 0 AND 1439),"
	"  to_min INTEGER NOT NULL CHECK (to_min BETWEEN 1 AND 1440));"
	"CREATE INDEX schedule_windows_schedule ON schedule_windows(schedule_id);"
	"CREATE TABLE profiles ("
	"  id TEXT PRIMARY KEY, name TEXT,"
	"  schedule_id TEXT NOT NULL REFERENCES schedules(id)) WITHOUT ROWID;"
	"CREATE INDEX profiles_schedule ON profiles(schedule_id);"
	"CREATE TABLE profile_doors ("
	"  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	"  door_id TEXT NOT NULL REFERENCES doors(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (door_id, profile_id)) WITHOUT ROWID;"
	"CREATE INDEX profile_doors_profile ON profile_doors(profile_id);"
	"CREATE TABLE tenants ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT,"
	"  status TEXT NOT NULL DEFAULT 'active',"
	"  valid_from TEXT, valid_until TEXT) WITHOUT ROWID;"
	"CREATE TABLE people ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  tenant_id TEXT REFERENCES tenants(id),"
	"  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'manager', 'staff')),"
	"  email TEXT, status TEXT NOT NULL DEFAULT 'active',"
	"  valid_from TEXT, valid_until TEXT, pin_hash TEXT) WITHOUT ROWID;"
	"CREATE INDEX people_tenant ON people(tenant_id);"
	"CREATE TABLE grants ("
	"  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	"  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,"
	"  person_id TEXT REFERENCES people(id) ON DELETE CASCADE,"
	"  CHECK ((tenant_id IS NULL) <> (person_id IS NULL)));"
	"CREATE INDEX grants_tenant ON grants(tenant_id) WHERE tenant_id IS NOT NULL;"
	"CREATE INDEX grants_person ON grants(person_id) WHERE person_id IS NOT NULL;"
	"CREATE INDEX grants_profile ON grants(profile_id);"
	"CREATE TABLE visitors ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, organisation TEXT,"
	"  host_person_id TEXT REFERENCES people(id) ON DELETE SET NULL,"
	"  host_tenant_id TEXT REFERENCES tenants(id) ON DELETE SET NULL,"
	"  purpose TEXT, invite_id TEXT, consent_ms INTEGER,"
	"  valid_from_ms INTEGER, valid_until_ms INTEGER,"
	"  checked_in_ms INTEGER, checked_out_ms INTEGER, created_ms INTEGER NOT NULL);"
	"CREATE INDEX visitors_created ON visitors(created_ms);"
	"CREATE TABLE credentials ("
	"  kind TEXT NOT NULL DEFAULT 'uid' CHECK (kind IN ('uid')),"
	"  identifier TEXT NOT NULL,"
	"  person_id TEXT REFERENCES people(id) ON DELETE CASCADE,"
	"  visitor_id INTEGER REFERENCES visitors(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL DEFAULT 'active'"
	"    CHECK (status IN ('active', 'revoked', 'lost', 'blocked')),"
	"  valid_from TEXT, valid_until TEXT, created_ms INTEGER,"
	"  PRIMARY KEY (kind, identifier),"
	"  CHECK ((person_id IS NULL) <> (visitor_id IS NULL))) WITHOUT ROWID;"
	"CREATE INDEX credentials_person ON credentials(person_id) WHERE person_id IS NOT NULL;"
	"CREATE INDEX credentials_visitor ON credentials(visitor_id) WHERE visitor_id IS NOT NULL;"
	"CREATE TABLE closures ("
	"  date TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE invites ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation TEXT,"
	"  host_person_id TEXT REFERENCES people(id) ON DELETE SET NULL,"
	"  host_tenant_id TEXT REFERENCES tenants(id) ON DELETE SET NULL,"
	"  day TEXT NOT NULL, code TEXT, used_ms INTEGER);"
	"CREATE INDEX invites_day ON invites(day);"
	/* rooms and their calendars */
	"CREATE TABLE rooms ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, capacity INTEGER,"
	"  calendar TEXT, feed TEXT CHECK (feed IN ('caldav', 'ics')),"
	"  sync_token TEXT, etag TEXT, last_modified TEXT, refresh_s INTEGER);"
	"CREATE TABLE room_doors ("
	"  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
	"  door_id TEXT NOT NULL REFERENCES doors(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (door_id, room_id)) WITHOUT ROWID;"
	"CREATE TABLE bookings ("
	"  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
	"  href TEXT NOT NULL, uid TEXT, etag TEXT, ical TEXT NOT NULL,"
	"  organizer_tenant_id TEXT,"
	"  PRIMARY KEY (room_id, href));"
	"CREATE TABLE occurrences ("
	"  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
	"  href TEXT NOT NULL, uid TEXT NOT NULL, recurrence_id TEXT,"
	"  start_s INTEGER NOT NULL, end_s INTEGER NOT NULL, all_day INTEGER NOT NULL DEFAULT 0,"
	"  summary TEXT, private INTEGER NOT NULL DEFAULT 0, organizer_tenant_id TEXT);"
	"CREATE INDEX occurrences_room_start ON occurrences(room_id, start_s);"
	"CREATE INDEX occurrences_start ON occurrences(start_s);"
	/* what happened: the journal, and what of it still has to reach the office */
	/* one page written per append: no AUTOINCREMENT table and no index
	 * (journal.c keeps seq monotonic; reads by time scan from the end) */
	"CREATE TABLE events ("
	"  seq INTEGER PRIMARY KEY,"
	"  at_ms INTEGER NOT NULL, device TEXT NOT NULL, kind TEXT NOT NULL,"
	"  door_id TEXT, granted INTEGER, reason TEXT,"
	"  person_id TEXT, tenant_id TEXT, visitor_id INTEGER,"
	"  credential_hash TEXT, detail TEXT);"
	/* the outbox is the tail of the journal the office has not acknowledged:
	 * nothing is copied, and nothing leaves before the acknowledgement */
	/* only refusals of unknown cards: throttling looks them up, and a
	 * granted decision does not write this index */
	"CREATE INDEX events_unknown ON events(credential_hash, at_ms)"
	"  WHERE reason IN ('unknown_credential', 'throttled');"
	"CREATE VIEW outbox AS SELECT * FROM events WHERE seq >"
	"  coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'acked_seq'), 0);"
	/* sync bookkeeping and the kiosk's requests to seuil-sync */
	"CREATE TABLE sync_state ("
	"  key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"
	"  answer TEXT, answered_ms INTEGER);";

/* settings every database starts with; the journal key is made per device */
static int schema_v1_settings(struct store *st, char *err, size_t errlen)
{
	static const char sql[] = "INSERT OR IGNORE INTO settings(key, value) VALUES (?1, ?2)";
	unsigned char key[32];
	char hex[65];
	const char *defaults[][2] = {
		{ "journal_key", hex },
		{ "device_id", "kiosk-1" },
		{ "visitor_retention_days", "30" },
		{ "event_retention_months", "3" },
		{ "lockdown", "0" },
	};

	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
		if (stmt == NULL)
			return SEUIL_ERR_DB;
		sqlite3_bind_text(stmt, 1, defaults[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, defaults[i][1], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			return store_db_error(st, "writing default settings", err, errlen);
	}
	sodium_memzero(hex, sizeof(hex));
	return SEUIL_OK;
}

int store_schema_migrate(struct store *st, int from, char *err, size_t errlen)
{
	char *msg = NULL;
	char sql[64];

	if (from < 1) {
		if (sqlite3_exec(st->db, schema_v1, NULL, NULL, &msg) != SQLITE_OK) {
			err_set(err, errlen, SEUIL_ERR_DB, "creating schema v1: %s", msg ? msg : "?");
			sqlite3_free(msg);
			return SEUIL_ERR_DB;
		}
		if (schema_v1_settings(st, err, errlen) != SEUIL_OK)
			return SEUIL_ERR_DB;
	}
	/* later versions: if (from < 2) { ... } */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, "setting the schema version", err, errlen);
	return SEUIL_OK;
}
