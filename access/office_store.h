/*
 * office_store.h - the central office's database, behind seuil-office.
 *
 * The office database is a normal Seuil store (store.h: the directory
 * tables of the schema, imported with directory.h) plus the office's own
 * tables, created by office_store_open() when missing:
 *
 *   office_changes  a change log, filled by SQLite triggers on every
 *                   directory table: (seq, section, id, token).  The
 *                   newest row's seq and random token are the cursor of
 *                   GET /v1/directory, "SEQ.TOKEN" (docs/office-api.md):
 *                   a cursor names this database's history, so one that
 *                   a restored backup, a new database or another office
 *                   issued (whose seqs repeat) gets a full directory.
 *   office_devices  each kiosk: last seen, acknowledged sequence, last pull.
 *   office_events   the events the kiosks pushed, once per (device, seq).
 *   office_commands commands queued for a kiosk and their acknowledgement.
 *   office_mail     e-mails to send (a host told of a visitor), with retries.
 *
 * Every function takes a handle opened by office_store_open(); a handle is
 * not thread-safe (one per thread, as store.h says).  Bodies given and
 * returned are the JSON of the office API; a malformed body changes
 * nothing.  Times are milliseconds since the epoch, UTC, given by the
 * caller: nothing here reads the clock.
 */
#ifndef SEUIL_OFFICE_STORE_H
#define SEUIL_OFFICE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"

struct store;

#define OFFICE_BODY_MAX (8u << 20)      /* largest request body (413 above) */
#define OFFICE_BATCH_MAX 5000           /* events in one POST /v1/events */
#define OFFICE_ACK_IDS_MAX 10000        /* ids in one POST /v1/commands/ack */
#define OFFICE_COMMANDS_REPLY_MAX 100   /* commands in one GET /v1/commands */
#define OFFICE_CHANGES_KEEP_MS (30LL * 86400000) /* change log kept this long */
#define OFFICE_TOUCH_MS 5000            /* last_seen / last pull written at most this often */
#define OFFICE_UNLOCK_MAX_S 43200

/*
 * Opens (with STORE_CREATE in flags, creates) the office database at path,
 * ":memory:" for tests, and creates the office tables and the change-log
 * triggers when missing.  *out is released with store_free().
 * Errors as store_open().
 */
int office_store_open(const char *path, unsigned flags, struct store **out, char *err, size_t errlen);

/* ---- the directory: GET /v1/directory ---------------------------------- */

#define OFFICE_CURSOR_TOKEN_LEN 16 /* hex digits of a change's token */
#define OFFICE_CURSOR_MAX 48       /* bytes of a cursor's text, NUL included */
/*
 * The seq of the newest change logged (0 when none).  Returns -1 on a
 * database error.
 */
int64_t office_directory_cursor(struct store *st);
/*
 * The current cursor as GET /v1/directory gives it ("SEQ.TOKEN", or "SEQ"
 * while the log is empty) into buf (len bytes, OFFICE_CURSOR_MAX is
 * enough).  SEUIL_OK, or SEUIL_ERR_DB.
 */
int office_directory_cursor_text(struct store *st, char *buf, size_t len);
/*
 * Answers GET /v1/directory?cursor=C for device (cursor NULL when absent):
 * *body (NUL-terminated, *len bytes without the NUL; the caller frees it)
 * is {"cursor": "SEQ.TOKEN", "full": bool, "directory": {...}, "deleted":
 * {...}}.  Full when cursor is absent, "0", malformed, a plain number (a
 * cursor of before the tokens), ahead of the log, older than what the log
 * still holds, or naming a change this database did not log with that
 * token (a restore, a new database, another office); else the entries
 * changed since C, each whole, and the ids deleted since C.  Records the pull for device (not
 * NULL; best effort: a failure there does not fail the answer).
 * SEUIL_ERR_NOT_FOUND when a full answer is due but the office holds no
 * directory yet (no site).
 */
int office_directory_reply(struct store *st, const char *device, const char *cursor, int64_t now_ms,
			   char **body, size_t *len, char *err, size_t errlen);

/* ---- events: POST /v1/events ------------------------------------------- */

/*
 * Stores the batch body ({"device", "events": [...]}) pushed by device, the
 * id of its client certificate.  Every event is type-checked first: a
 * malformed batch (SEUIL_ERR_INVALID, the JSON path in err) or one naming
 * another device (SEUIL_ERR_DENIED) stores nothing.  Each (device, seq) is
 * stored once however often it comes; a check-in stored for the first time
 * queues one e-mail to its host, when the host has an address.
 * *acked_seq receives the highest sequence such that every event of the
 * device up to it is stored: contiguous from the previous acknowledgement
 * (for a device that never had an event stored, from just below the
 * lowest sequence of its first batch: a kiosk that purged its journal
 * before it ever met the office starts there).  An event whose (device,
 * seq) is stored with another time or kind comes from a new journal of the
 * device (re-initialised or restored kiosk): nothing of the batch is kept,
 * SEUIL_ERR_CONFLICT, and *acked_seq receives the newest sequence stored of
 * the device, after which the kiosk numbers its events again.
 */
int office_store_events(struct store *st, const char *device, const char *body, size_t len,
			int64_t now_ms, int64_t *acked_seq, char *err, size_t errlen);

/* One stored event, as office_events_list() hands it over. */
struct office_event {
	char device[64];
	int64_t seq;
	char at[40];           /* as the kiosk wrote it */
	int64_t received_ms;
	const char *json;      /* the event object as received (compact JSON) */
	struct journal_event ev; /* its known fields, cut to their buffers */
};
/* Called for each event; a non-zero return stops the walk and is returned. */
typedef int (*office_event_fn)(const struct office_event *ev, void *ctx);
/*
 * Walks the stored events of device (NULL: every device) with seq > since,
 * by device then seq.  The strings live until fn returns.
 */
int office_events_list(struct store *st, const char *device, int64_t since, office_event_fn fn,
		       void *ctx, char *err, size_t errlen);

/* ---- devices ----------------------------------------------------------- */

struct office_device {
	char id[64];
	int64_t first_seen_ms, last_seen_ms;
	int64_t acked_seq;
	int64_t pull_ms;      /* last directory pull, 0 when never */
	int64_t pull_cursor;  /* cursor given with it, -1 when never */
	int64_t events;       /* events stored */
	int64_t commands_pending;
};
typedef int (*office_device_fn)(const struct office_device *dev, void *ctx);
/* Walks the known devices by id. */
int office_devices_list(struct store *st, office_device_fn fn, void *ctx, char *err, size_t errlen);
/*
 * Notes that device was seen at now_ms; with pull_cursor >= 0, that it
 * pulled the directory and was answered that cursor.  Writes at most every
 * OFFICE_TOUCH_MS per device unless the cursor moved, so that kiosks
 * polling every second do not each cost a disk write.
 */
int office_device_touch(struct store *st, const char *device, int64_t now_ms, int64_t pull_cursor,
			char *err, size_t errlen);

/* ---- commands: GET /v1/commands, POST /v1/commands/ack ------------------ */

/*
 * Queues command for device after checking it: "sync_now" (arg "" or
 * NULL), "lockdown" ("on" or "off"), "unlock_for" (seconds, 0 to 43200).
 * *id (if not NULL) receives its id.  SEUIL_ERR_INVALID with the reason.
 */
int office_command_add(struct store *st, const char *device, const char *command, const char *arg,
		       int64_t now_ms, int64_t *id, char *err, size_t errlen);
/* The unacknowledged commands of device: {"commands": [...]}, oldest first. */
int office_commands_json(struct store *st, const char *device, char **body, size_t *len, char *err,
			 size_t errlen);
/*
 * Acknowledges {"device", "ids": [...]} from device.  *acked receives how
 * many of the ids are commands of this device (acknowledged now or before);
 * other ids are ignored.  SEUIL_ERR_INVALID / SEUIL_ERR_DENIED as events.
 */
int office_commands_ack(struct store *st, const char *device, const char *body, size_t len,
			int64_t now_ms, int64_t *acked, char *err, size_t errlen);

/* ---- invitations -------------------------------------------------------- */

struct office_invite {
	const char *id;           /* NULL: "inv-N", the next free number */
	const char *name;
	const char *organisation; /* may be NULL */
	const char *host;         /* person id, or NULL with host_tenant */
	const char *host_tenant;  /* tenant id, when no person */
	const char *day;          /* YYYY-MM-DD */
};
#define OFFICE_INVITE_CODE_LEN 8
/*
 * Stores an invitation after checking it (names as formats.md, the host
 * stored, the day a date) with a new code of OFFICE_INVITE_CODE_LEN
 * characters from A-Z and 2-9 (no I or O), unique on that day.  code and
 * id receive what was stored.
 */
int office_invite_add(struct store *st, const struct office_invite *inv, char code[16], char id[64],
		      char *err, size_t errlen);

/* ---- e-mail ------------------------------------------------------------- */

struct office_mail {
	int64_t id;
	int attempts;            /* failed attempts so far */
	int64_t created_ms;
	char rcpt[256];
	char subject[512];       /* UTF-8 */
	char body[4096];         /* UTF-8, lines ending in \n */
	char message_id[160];
};
#define OFFICE_MAIL_ATTEMPTS_MAX 30 /* then the mail is given up (about a day of backoff) */
/* The oldest mail due at now_ms into *out; SEUIL_ERR_NOT_FOUND when none. */
int office_mail_next(struct store *st, int64_t now_ms, struct office_mail *out, char *err,
		     size_t errlen);
/*
 * Records the attempt on mail id: sent, or failed with error (one line),
 * to be tried again after a backoff (1 min doubling, at most 1 h) until
 * OFFICE_MAIL_ATTEMPTS_MAX attempts.
 */
int office_mail_done(struct store *st, int64_t id, int sent, const char *error, int64_t now_ms,
		     char *err, size_t errlen);
/*
 * The RFC 5322 message of m from the address from: headers (Subject as
 * RFC 2047 words), a UTF-8 text body in base64, CRLF line ends.  *out is
 * NUL-terminated and freed by the caller.  SEUIL_ERR_INVALID when an
 * address holds a character that could forge a header.
 */
int office_mail_message(const struct office_mail *m, const char *from, char **out, size_t *len,
			char *err, size_t errlen);

/* ---- retention ---------------------------------------------------------- */

struct office_purge_counts {
	int64_t changes, events, commands, mails;
};
/*
 * Forgets what the office no longer needs at now_ms: change-log entries
 * older than OFFICE_CHANGES_KEEP_MS but the newest of them, whose token
 * keeps the cursor it names answerable (a kiosk whose cursor is older
 * gets a full directory), acknowledged events older than the store's
 * event_retention_months (default 3), acknowledged commands as old, and
 * e-mails (they name visitors) older than visitor_retention_days.
 */
int office_store_purge(struct store *st, int64_t now_ms, struct office_purge_counts *out, char *err,
		       size_t errlen);

/* ---- for the modules of access/office_*.c only -------------------------- */

/*
 * Queues the e-mail of a newly stored check-in event (its detail JSON:
 * name, organisation, host, purpose) to the host's address, inside the
 * caller's transaction.  No host address, or a detail that is not the
 * expected JSON: nothing queued, SEUIL_OK.
 */
int office_mail_queue_checkin(struct store *st, const char *device, int64_t seq, const char *at,
			      const char *door, const char *person, const char *detail, int64_t now_ms,
			      char *err, size_t errlen);

#endif
