/*
 * directory_int.h - the writer both importers share: one transaction, a
 * record of the ids the file names (duplicates, references, replace mode),
 * one upsert per table and one deletion with its cascades.  Every function
 * takes the JSON path or CSV line of the entry so that its error names it.
 * Only access/ uses it: the importers (directory_*.c) and the office pull
 * (sync_pull.c), which runs an import inside a transaction of its own.
 */
#ifndef SEUIL_DIRECTORY_INT_H
#define SEUIL_DIRECTORY_INT_H

#include "directory.h"

#include <stdbool.h>

enum dir_table {
	DIR_DOORS,
	DIR_SCHEDULES,
	DIR_PROFILES,
	DIR_TENANTS,
	DIR_PEOPLE,
	DIR_CREDENTIALS,
	DIR_CLOSURES,
	DIR_ROOMS,
	DIR_INVITES,
	DIR_TABLE_COUNT
};

/* flags of a dir_import besides enum directory_flags (directory.h) */
enum dir_import_flags {
	/* unknown fields and sections are skipped, not refused: the office API's
	 * forward compatibility (docs/office-api.md) */
	DIR_IGNORE_UNKNOWN = 1 << 16,
	/* errors show card UIDs shortened (uid_redact()): messages of seuil-sync
	 * reach its log and the store, never a full identifier */
	DIR_REDACT_UIDS = 1 << 17,
	/* the doors section, when present, lists every door in order (the
	 * office's replies): the file's order is the doors' order even when a
	 * stored door is missing from it (one the same reply deletes) */
	DIR_DOORS_ORDERED = 1 << 18,
};

struct json_t;

#define DIR_ID_MAX 63     /* bytes in an id */
#define DIR_NAME_MAX 159  /* bytes in a name */
#define DIR_TEXT_MAX 1023 /* bytes in other free text (URLs, e-mail) */

struct dir_import {
	struct store *st;
	unsigned flags;            /* enum directory_flags | enum dir_import_flags */
	struct directory_counts counts;
	long invites;              /* invites written (not in directory_counts) */
	long deleted;              /* entries removed by dir_delete(), cascades not counted */
	const char *json_root;     /* prefix of JSON paths in errors; NULL: "$" */
	char *err;
	size_t errlen;
};

/* Starts the transaction and the id record. */
int dir_begin(struct dir_import *imp, struct store *st, unsigned flags, char *err, size_t errlen);
/*
 * Starts the id record inside a transaction the caller already holds
 * (store_begin()); the caller then ends with dir_complete() and its own
 * commit, or rolls back.
 */
int dir_init(struct dir_import *imp, struct store *st, unsigned flags, char *err, size_t errlen);
/*
 * In replace mode deletes what the file did not name (only tables in
 * `replaced`, a bit mask of 1 << enum dir_table), then checks what no
 * single entry can: invitation codes unique per day, no dangling reference.
 * Commits nothing; on error the caller rolls back.
 */
int dir_complete(struct dir_import *imp, unsigned replaced);
/* dir_complete(), then commits; on error rolls back. */
int dir_finish(struct dir_import *imp, unsigned replaced);
/* Rolls back; the store is as before dir_begin(). */
void dir_abort(struct dir_import *imp);

/*
 * Parses and writes one directory object (the JSON format of
 * docs/formats.md, already parsed by jansson; it stays the caller's) into
 * the transaction of imp, every section in the order its references need.
 * Paths in errors start with imp->json_root.  Used by
 * directory_import_json() and by the office pull.
 */
int dir_import_tree(struct dir_import *imp, struct json_t *root);

/*
 * Removes the entry id of table (a normalized UID for credentials, a date
 * for closures) with what depends on it, failing secure: a person takes
 * their badges and grants along; a tenant its grants and its people (with
 * their badges); a schedule the profiles on it; a profile, door or room
 * its links.  Visitors and invitations of a removed host lose the link
 * (kept, host NULL); badges of visitor passes are never touched.  An id
 * that is not stored is not an error.
 */
int dir_delete(struct dir_import *imp, enum dir_table table, const char *id, const char *path);

/* Notes that the file names id in table; an id named twice is an error. */
int dir_seen(struct dir_import *imp, enum dir_table table, const char *id, const char *path);
/* True when the file already named id in table. */
bool dir_was_seen(struct dir_import *imp, enum dir_table table, const char *id);
/* Errors unless id exists in table (stored before or imported earlier). */
int dir_require(struct dir_import *imp, enum dir_table table, const char *id, const char *path);

/* checks shared by the importers: each returns SEUIL_OK or an error naming path */
int dir_check_id(struct dir_import *imp, const char *id, const char *path);
int dir_check_text(struct dir_import *imp, const char *text, size_t max, const char *path);
int dir_check_date(struct dir_import *imp, const char *date, const char *path);
int dir_check_range(struct dir_import *imp, const char *from, const char *until, const char *path);
int dir_check_choice(struct dir_import *imp, const char *value, const char *const *choices,
		     const char *path);

extern const char *const dir_party_statuses[];      /* tenants and people */
extern const char *const dir_credential_statuses[];
extern const char *const dir_roles[];

struct dir_site { const char *name, *timezone; };
struct dir_door {
	const char *id, *name;
	int unlock_ms;
	/* rank among the doors, 0 the default one; DIR_DOOR_APPEND: a stored
	 * door keeps its rank and a new one goes after the last */
	int position;
};
#define DIR_DOOR_APPEND (-1)
struct dir_schedule { const char *id, *name; bool holidays_closed; };
struct dir_profile { const char *id, *name, *schedule; };
struct dir_tenant { const char *id, *name, *kind, *status, *valid_from, *valid_until; };
/*
 * Fields of a stored person or badge that an upsert leaves as they are
 * (a CSV whose header lacks their column); 0 in JSON, where an entry is the
 * whole record.  An entry not yet stored takes the defaults.
 */
enum dir_keep {
	DIR_KEEP_TENANT = 1 << 0,
	DIR_KEEP_ROLE = 1 << 1,
	DIR_KEEP_EMAIL = 1 << 2,
	DIR_KEEP_STATUS = 1 << 3,
	DIR_KEEP_VALID_FROM = 1 << 4,
	DIR_KEEP_VALID_UNTIL = 1 << 5,
};
struct dir_person {
	const char *id, *name, *tenant, *role, *email, *status, *valid_from, *valid_until;
	unsigned keep; /* enum dir_keep */
};
struct dir_credential {
	const char *identifier; /* normalized UID */
	const char *person, *status, *valid_from, *valid_until;
	unsigned keep; /* DIR_KEEP_STATUS, DIR_KEEP_VALID_FROM, DIR_KEEP_VALID_UNTIL */
};
struct dir_room { const char *id, *name, *calendar, *feed; int capacity; };
struct dir_invite {
	const char *id, *name, *organisation;
	const char *host, *host_tenant; /* a person id, a tenant id; at least one */
	const char *day;                /* YYYY-MM-DD */
	const char *code;               /* 6 to 12 characters of A-Z and 2-9 */
};

#define DIR_INVITE_CODE_MIN 6
#define DIR_INVITE_CODE_MAX 12

int dir_put_site(struct dir_import *imp, const struct dir_site *s, const char *path);
int dir_put_door(struct dir_import *imp, const struct dir_door *d, const char *path);
/* Gives the stored door id the rank position (the file's order becomes the doors' order). */
int dir_rank_door(struct dir_import *imp, const char *id, int position, const char *path);
/* How many stored doors the file has not named (dir_seen()) so far; -1 on error. */
long dir_doors_unnamed(struct dir_import *imp);
enum dir_child { DIR_CHILD_WINDOWS = 1, DIR_CHILD_PROFILE_DOORS, DIR_CHILD_ROOM_DOORS, DIR_CHILD_TENANT_GRANTS,
		 DIR_CHILD_PERSON_GRANTS };

/*
 * The child rows of an entry (a schedule's windows, a profile's or a room's
 * doors, a tenant's or a person's grants) are staged as the file gives
 * them and written by dir_complete(): rows that stay the same are neither
 * deleted nor inserted again, so that an office's change log (office
 * triggers) records only what really changed.  Putting the entry (or
 * clearing grants) starts its set anew.
 */
int dir_put_schedule(struct dir_import *imp, const struct dir_schedule *s, const char *path);
/* days: bit 0 Monday .. bit 6 Sunday; minutes since midnight, to < from crosses midnight */
int dir_add_window(struct dir_import *imp, const char *schedule, int days, int from, int to,
		   const char *path);
int dir_put_profile(struct dir_import *imp, const struct dir_profile *p, const char *path);
int dir_add_profile_door(struct dir_import *imp, const char *profile, const char *door, const char *path);
int dir_put_tenant(struct dir_import *imp, const struct dir_tenant *t, const char *path);
int dir_put_person(struct dir_import *imp, const struct dir_person *p, const char *path);
/* clears the grants of a tenant or a person (exactly one is not NULL) */
int dir_clear_grants(struct dir_import *imp, const char *tenant, const char *person, const char *path);
int dir_add_grant(struct dir_import *imp, const char *profile, const char *tenant, const char *person,
		  const char *path);
int dir_put_credential(struct dir_import *imp, const struct dir_credential *c, const char *path);
int dir_put_closure(struct dir_import *imp, const char *date, const char *name, const char *path);
int dir_put_room(struct dir_import *imp, const struct dir_room *r, const char *path);
int dir_add_room_door(struct dir_import *imp, const char *room, const char *door, const char *path);
/* an invitation; the code's uniqueness per day is checked by dir_complete() */
int dir_put_invite(struct dir_import *imp, const struct dir_invite *v, const char *path);

/*
 * Steps an INSERT/UPDATE/DELETE to its end and resets it; a constraint
 * failure becomes SEUIL_ERR_INVALID naming path (directory_write.c).
 */
struct sqlite3_stmt;
int dir_step_done(struct dir_import *imp, struct sqlite3_stmt *stmt, const char *path);
/* The store's cached statement for sql, errors into imp. */
struct sqlite3_stmt *dir_prep(struct dir_import *imp, const char *sql);

/* Reads a stored person's name into buf; SEUIL_ERR_NOT_FOUND when absent. */
int dir_person_name(struct dir_import *imp, const char *id, char *buf, size_t len);

#endif
