/*
 * store_int.h - what the modules of access/ share about a store: the SQLite
 * connection, the statement cache and the transaction helpers.  Only files
 * in access/ include this header (and so sqlite3.h).
 */
#ifndef SEUIL_STORE_INT_H
#define SEUIL_STORE_INT_H

#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>

#define STORE_STMT_MAX 96

struct tz;

struct store {
	sqlite3 *db;
	char *path;
	unsigned wait_ms; /* how long a statement waits for another writer */
	int schema_version;
	struct {
		const char *sql; /* static text: the cache is keyed on its address */
		sqlite3_stmt *stmt;
	} stmts[STORE_STMT_MAX];
	int nstmts;
	struct tz *zone;      /* site time zone, loaded on first use */
	char zone_name[128];
	unsigned zone_version; /* store_change_counter() when the zone was checked */
	unsigned char hash_key[32]; /* journal key, loaded on first use */
	bool hash_key_loaded;
	/* what every decision needs, kept while the database does not change */
	struct {
		bool valid;
		unsigned version;       /* store_change_counter() when loaded */
		char door[64];          /* the site's first door, "" when none */
		unsigned unlock_ms;
		bool lockdown;
		int nclosures;          /* -1: too many to keep, ask the store */
		int64_t closures[64];   /* closure days (days since the epoch), sorted */
	} rights_cache;
};

/*
 * Returns the cached prepared statement for sql (which must be a string with
 * static storage), reset and with its bindings cleared, or NULL after writing
 * the SQLite message into err.  The statement stays owned by the store.
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql, char *err, size_t errlen);

/*
 * A number that changes whenever any connection, this one included, commits
 * (SQLITE_FCNTL_DATA_VERSION): cheap enough to check on every decision.
 * Meaningful once a statement of the current transaction has run.
 */
unsigned store_change_counter(struct store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; rollback is safe to call twice. */
int store_begin(struct store *st, char *err, size_t errlen);
int store_commit(struct store *st, char *err, size_t errlen);
void store_rollback(struct store *st);

/*
 * A read snapshot for several queries: one lock round-trip instead of one
 * per statement, and answers that agree with each other.  Returns true when
 * it started a transaction, which the caller then ends with store_read_end();
 * false inside a transaction already open (nothing to end).
 */
bool store_read_begin(struct store *st);
void store_read_end(struct store *st, bool started);

/* Writes "what: sqlite message" into err and returns the matching error code. */
int store_db_error(struct store *st, const char *what, char *err, size_t errlen);

/*
 * Runs sql (static text, cached), a query of one number, into *out (0 when
 * it returns no row).  what names it in the error message.
 */
int store_count(struct store *st, const char *sql, const char *what, int64_t *out, char *err, size_t errlen);

/* Binds text or NULL when s is NULL or empty. */
int store_bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *s);
/* Copies column col of the current row into buf ("" when NULL). */
void store_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t len);

/*
 * The site's time zone, loaded from sites.timezone and cached on the store
 * until the name changes.  Returns SEUIL_ERR_NOT_FOUND when the directory has
 * no site yet.  The zone stays owned by the store.
 */
int store_site_zone(struct store *st, const struct tz **zone, char *err, size_t errlen);

/* Applies the schema steps from version `from` to STORE_SCHEMA_VERSION. */
int store_schema_migrate(struct store *st, int from, char *err, size_t errlen);

/*
 * Sets how long the following statements wait for another process's write
 * (SQLite's busy timeout) and returns the wait it replaces, which the caller
 * gives back to store_wait_restore().  The door loop waits briefly and
 * retries later rather than stall the strike's timing.
 */
unsigned store_wait_set(struct store *st, unsigned wait_ms);
void store_wait_restore(struct store *st, unsigned previous);

#endif
