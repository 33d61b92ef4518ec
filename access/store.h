/*
 * store.h - the local SQLite store every Seuil process shares.
 *
 * A struct store is one connection to the database file, in WAL mode with
 * foreign keys on and a busy timeout, so that the kiosk, seuil-sync and
 * seuilctl can use the same file at once.  The schema version lives in
 * PRAGMA user_version: opening an older database migrates it in one
 * transaction; a database written by a newer Seuil is refused.
 *
 * A handle is not thread-safe: open one per thread.  The handle owns every
 * prepared statement; callers never see SQLite types (see store_int.h for
 * the modules of access/).
 */
#ifndef SEUIL_STORE_H
#define SEUIL_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 1
#define STORE_DEFAULT_PATH "/var/lib/seuil/seuil.db"
#define STORE_VALUE_MAX 1024 /* longest setting value */

struct store;

enum store_open_flags {
	STORE_CREATE = 1 << 0, /* create the file when it does not exist */
	/*
	 * No checkpoint on commit: the door's process opens its store so, keeping
	 * a decision's journal append down to one fsync, and calls
	 * store_checkpoint() when idle.  Other processes checkpoint on commit.
	 */
	STORE_MANUAL_CHECKPOINT = 1 << 1,
};

/*
 * Opens (and, with STORE_CREATE, creates) the database at path and brings
 * its schema up to STORE_SCHEMA_VERSION; ":memory:" opens a private,
 * temporary database (tests, fuzzing).  On success *out is a new handle
 * that the caller releases with store_free().  Errors: SEUIL_ERR_NOT_FOUND
 * (no file and no STORE_CREATE), SEUIL_ERR_SCHEMA (newer schema),
 * SEUIL_ERR_INVALID (not a Seuil database), SEUIL_ERR_BUSY, SEUIL_ERR_DB;
 * err receives one line naming the file.
 */
int store_open(const char *path, unsigned flags, struct store **out, char *err, size_t errlen);
/*
 * Copies the write-ahead log back into the database file without waiting
 * for readers (a passive checkpoint).  For a store opened with
 * STORE_MANUAL_CHECKPOINT, call it when no decision is in flight.
 */
int store_checkpoint(struct store *st, char *err, size_t errlen);
/* Closes the connection and frees the handle; store_free(NULL) does nothing. */
void store_free(struct store *st);
/* The path given to store_open(); owned by the handle. */
const char *store_path(const struct store *st);
/* The database's schema version (PRAGMA user_version) after opening. */
int store_schema_version(struct store *st);

/*
 * Reads setting key into buf (size len).  Returns SEUIL_OK, or
 * SEUIL_ERR_NOT_FOUND when unset (buf then holds fallback, or "" if NULL).
 */
int store_setting_get(struct store *st, const char *key, const char *fallback, char *buf, size_t len);
/* Writes setting key = value (value NULL deletes it). */
int store_setting_set(struct store *st, const char *key, const char *value, char *err, size_t errlen);
/* Reads an integer setting, fallback when unset or not a number. */
int64_t store_setting_int(struct store *st, const char *key, int64_t fallback);

/*
 * A counter that changes whenever another connection commits to the
 * database (PRAGMA data_version): the kiosk polls it to notice a sync.
 * Returns -1 on error.
 */
int64_t store_data_version(struct store *st);

/*
 * The UTC instant of a wall-clock reading local_s (seconds since 1970-01-01
 * 00:00 read as UTC) in the site's time zone; see tz_to_utc() for the
 * daylight-saving gaps and repeats.  SEUIL_ERR_NOT_FOUND without a site.
 */
int store_site_local_to_utc(struct store *st, int64_t local_s, int64_t *utc_s, char *err,
			    size_t errlen);

/* The UTC instant (ms) at which the site's local day holding now_ms began. */
int store_site_day_start(struct store *st, int64_t now_ms, int64_t *start_ms, char *err, size_t errlen);

/* What `seuilctl status` and the kiosk's staff screen show. */
struct store_summary {
	char site[160];
	char timezone[64];
	char device[64];
	long doors, tenants, people, credentials, active_credentials, visitors_inside;
	long long events, last_seq, outbox;
	int lockdown;
	char last_sync[64];  /* sync_state last_success, "" when never */
	char last_error[256];
};
/* Fills *out; returns SEUIL_OK or a store error. */
int store_summarize(struct store *st, struct store_summary *out, char *err, size_t errlen);

#endif
