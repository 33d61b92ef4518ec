/*
 * sync_store.h - the kiosk's side of the office API (docs/office-api.md)
 * as far as the store is concerned: applying a directory pull, building
 * outbox batches and recording their acknowledgement, executing office
 * commands once, and the sync status the kiosk shows.  No network here:
 * seuil-sync (sync/) moves the bytes, these functions read and write the
 * store, so that every rule is unit-tested on a temporary database.
 *
 * The reply parsers (sync_parse_*) are pure functions of their bytes: they
 * touch no store and are fuzzed on their own.
 *
 * What lives in the table sync_state (key -> text value):
 *   cursor           the cursor of the last pull applied
 *   last_pull_ms     when a pull was last applied (the data age starts there)
 *   acked_seq        the highest sequence the office acknowledged (the
 *                    `outbox` view is the journal after it)
 *   command:ID       when office command ID was executed (at most once ever)
 *   last_success, last_success_ms, last_attempt_ms, last_error,
 *   last_error_ms, outbox, next_attempt_ms: the status (sync_status_write())
 *
 * Every function takes now_ms from its caller and never reads the clock.
 * Errors: one line in err (first error wins); a store handle is not
 * thread-safe, so neither are these functions on a shared handle.
 */
#ifndef SEUIL_SYNC_STORE_H
#define SEUIL_SYNC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define SYNC_REPLY_MAX (64u << 20)   /* largest reply the kiosk accepts */
#define SYNC_REQUEST_MAX (8u << 20)  /* largest request body the office accepts */
#define SYNC_CURSOR_MAX 64           /* bytes in a cursor */
#define SYNC_BATCH_MAX 5000          /* events in one POST /v1/events */
#define SYNC_COMMANDS_MAX 1000       /* commands taken from one reply (the rest next time) */
#define SYNC_ERROR_MAX 256           /* bytes kept of the last error */

/* ---- directory pull: GET /v1/directory ---- */

struct sync_pull_result {
	bool full;                         /* the reply was a full directory */
	bool changed;                      /* the directory or the cursor moved */
	char cursor[SYNC_CURSOR_MAX + 1];  /* the cursor now stored */
	/* entries written, by section */
	long doors, schedules, profiles, tenants, people, credentials, closures, rooms, invites;
	long deleted;                      /* named in `deleted` and removed */
	long removed;                      /* absent from a full directory and removed */
};

/*
 * Applies len bytes of body, the reply of GET /v1/directory:
 * {"cursor": "...", "full": bool, "directory": {...}, "deleted": {...}}.
 * The cursor (a string of at most SYNC_CURSOR_MAX bytes, no control
 * character) and full are required; directory and deleted optional.
 * Unknown fields are skipped, wrong types refused.  With full the stored
 * directory becomes equal to `directory` (as DIRECTORY_REPLACE); otherwise
 * its entries are upserted and then the ids of `deleted` removed (with the
 * cascades of docs/formats.md).  Everything, the new cursor and
 * last_pull_ms = now_ms included, happens in one transaction, or nothing
 * at all: an entry that fails the checks of docs/formats.md refuses the
 * whole reply with SEUIL_ERR_INVALID and its path ("$.directory.people[2]
 * .tenant: ..."), card UIDs shortened.  SEUIL_ERR_TOO_LARGE beyond
 * SYNC_REPLY_MAX.  *out (if not NULL) is written on success only.
 */
int sync_apply_pull(struct store *st, const char *body, size_t len, int64_t now_ms,
		    struct sync_pull_result *out, char *err, size_t errlen);

/* The stored cursor into buf ("" before the first pull).  Returns SEUIL_OK or a store error. */
int sync_cursor(struct store *st, char *buf, size_t len, char *err, size_t errlen);

/* ---- outbox push: POST /v1/events ---- */

/*
 * Builds the body of POST /v1/events from the oldest events of the outbox
 * (the journal after acked_seq): {"device": D, "oldest": N, "events": [ev,
 * ...]}, N the oldest sequence the journal holds, each event its
 * journal_event_json() line, at most max events (1 to SYNC_BATCH_MAX) and at
 * most SYNC_REQUEST_MAX bytes.  device NULL or "" takes the store's
 * device_id.  On success *body_out is a NUL-terminated string the caller
 * frees with free() (an empty "events" when the outbox is empty, *count then
 * 0: the office's answer still says what it holds), *first and *last the
 * sequences it holds (when empty, acked_seq + 1 and acked_seq: *first - 1 is
 * always the acknowledgement the batch follows).  Reads only.
 */
int sync_outbox_batch(struct store *st, const char *device, int max, char **body_out, int64_t *first,
		      int64_t *last, int *count, char *err, size_t errlen);

/*
 * Records that the office holds every event up to acked_seq.  A smaller
 * value than the stored one means the office lost what it had (restored
 * from a backup): the stored value goes back to it, or to just below the
 * oldest event the journal still holds, so that the next batches send again
 * what the office lost; *stored receives the value kept.  A value
 * beyond the newest event is a lie or a mix-up of devices: refused with
 * SEUIL_ERR_NETWORK, the stored value kept.  Nothing is deleted: the purge
 * (journal_purge()) removes acknowledged events when their retention ends.
 */
int sync_outbox_ack(struct store *st, int64_t acked_seq, int64_t *stored, char *err, size_t errlen);

/*
 * The office holds events of this device up to office_newest that are not
 * this journal's (the kiosk was re-initialised, or restored from a backup,
 * and counts again): the events it has not acknowledged are numbered again
 * from office_newest + 1, in order, and acknowledged_seq becomes
 * office_newest; later events follow.  One transaction.  *moved receives the
 * number of events renumbered.  SEUIL_ERR_NETWORK when office_newest is not
 * above what this journal already sent or would overflow the sequence.
 */
int sync_outbox_renumber(struct store *st, int64_t office_newest, int64_t *moved, char *err, size_t errlen);

/* The stored acknowledgement (0 before any) and the events after it. */
int sync_outbox_state(struct store *st, int64_t *acked_seq, int64_t *pending, char *err, size_t errlen);

/* ---- commands: GET /v1/commands, POST /v1/commands/ack ---- */

struct sync_command {
	int64_t id;
	char command[32]; /* "" when the office sent a longer name (then refused) */
	char arg[64];     /* "" when absent; longer args are refused */
	bool too_long;    /* command or arg did not fit: refused */
	int64_t issued_ms; /* when the office issued it; 0 when it did not say, -1 unreadable */
};

struct sync_command_list {
	struct sync_command *items; /* owned: sync_command_list_release() */
	size_t count;
};

/*
 * Parses a reply of GET /v1/commands: {"commands": [{"id": N, "command":
 * "...", "arg": "...", "issued": "..."}]}; id (a whole number >= 0) and
 * command are required, arg and issued optional strings, unknown fields
 * skipped.  At most SYNC_COMMANDS_MAX are kept (the others come again).
 * Pure.  On success *out owns an array the caller releases.
 */
int sync_parse_commands(const char *body, size_t len, struct sync_command_list *out, char *err,
			size_t errlen);
void sync_command_list_release(struct sync_command_list *list);

struct sync_commands_result {
	int64_t *ids;    /* every id of the reply, to acknowledge; free() */
	size_t nids;
	int executed;    /* run now (lockdown, unlock_for, sync_now) */
	int refused;     /* not understood: journaled as refused, acknowledged */
	int repeated;    /* executed before (an acknowledgement was lost): only acknowledged */
	bool sync_now;   /* a sync_now was executed: sync again at once */
};

/*
 * Parses a reply of GET /v1/commands (as sync_parse_commands()) and
 * executes each command not executed before, each in one transaction with
 * its journal event and the record that it ran (sync_state command:ID):
 *   lockdown on|off   setting lockdown, journaled kind "lockdown", reason
 *                     "on"/"off", detail "office" (as journal_set_lockdown())
 *   unlock_for S      S seconds, 0 to 43200: a request row (requests.h) of
 *                     kind "unlock_for" with body "S" for the door process,
 *                     journaled kind "command", reason "executed"
 *   sync_now          out->sync_now, journaled kind "command", reason "executed"
 *   anything else     (or a bad argument) journaled kind "command", reason
 *                     "refused"
 * The detail of a "command" event is {"id":N,"command":"...","arg":"..."}.
 * On success *out lists every id to acknowledge (release it with
 * sync_commands_result_release()).  On an error the commands already run
 * stay run and remembered; nothing is returned to acknowledge.
 */
int sync_apply_commands(struct store *st, const char *body, size_t len, int64_t now_ms,
			struct sync_commands_result *out, char *err, size_t errlen);
void sync_commands_result_release(struct sync_commands_result *r);

/*
 * The body of POST /v1/commands/ack: {"device": D, "ids": [..]}; device
 * NULL or "" takes the store's device_id.  The caller frees the string;
 * NULL when out of memory.
 */
char *sync_commands_ack_body(struct store *st, const char *device, const int64_t *ids, size_t n);

/* ---- pure parsers of the other replies ---- */

/* {"acked_seq": N} (N >= 0), the reply of POST /v1/events. */
int sync_parse_events_ack(const char *body, size_t len, int64_t *acked_seq, char *err, size_t errlen);
/* {"error": "...", "newest_seq": N} (N >= 0), POST /v1/events answered 409:
 * the office holds another journal of this device up to N. */
int sync_parse_events_conflict(const char *body, size_t len, int64_t *newest_seq, char *err, size_t errlen);
/* {"acked": N} (N >= 0), the reply of POST /v1/commands/ack. */
int sync_parse_commands_ack(const char *body, size_t len, int64_t *acked, char *err, size_t errlen);
/*
 * The message of an error reply {"error": "..."} into buf (control
 * characters replaced, at most len - 1 bytes); false when body is not one.
 */
bool sync_parse_error(const char *body, size_t len, char *buf, size_t buflen);

/*
 * How much of a jansson error text to show: the message without its
 * " near '...'" part, which quotes the reply (a card UID, a name) into
 * what reaches the log.
 */
int sync_json_error_len(const char *text);

/* ---- sync_state rows, inside or outside a transaction; for access/ only ---- */

/* Reads key into buf; SEUIL_ERR_NOT_FOUND (buf "") when absent. */
int sync_state_get(struct store *st, const char *key, char *buf, size_t len);
/* Writes key = value; value NULL deletes the row. */
int sync_state_set(struct store *st, const char *key, const char *value, char *err, size_t errlen);

/* ---- status, for the kiosk and `seuilctl status` ---- */

struct sync_status {
	int64_t last_success_ms;  /* 0: never */
	int64_t last_attempt_ms;  /* 0: never */
	int64_t last_error_ms;    /* 0: no error since the last success */
	char last_error[SYNC_ERROR_MAX]; /* "" after a success */
	int64_t last_pull_ms;     /* 0: never pulled */
	int64_t data_age_ms;      /* now_ms - last_pull_ms; -1 when never pulled */
	int64_t outbox;           /* events waiting for the office (counted now) */
	int64_t acked_seq;
	int64_t next_attempt_ms;  /* 0: unknown */
	char cursor[SYNC_CURSOR_MAX + 1];
};

/*
 * Records an attempt that ended at now_ms: error NULL for a success
 * (last_success set, last_error cleared), else the message (truncated to
 * SYNC_ERROR_MAX - 1 bytes); the outbox length counted now; when the next
 * attempt is due (0: unknown).  last_success is also written as ISO 8601
 * UTC text, which store_summarize() shows.  One transaction.
 */
int sync_status_write(struct store *st, int64_t now_ms, const char *error, int64_t next_attempt_ms,
		      char *err, size_t errlen);
/* Reads the status at now_ms (for data_age_ms) into *out. */
int sync_status_read(struct store *st, int64_t now_ms, struct sync_status *out, char *err, size_t errlen);

#endif
