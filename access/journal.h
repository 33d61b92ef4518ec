/*
 * journal.h - the event journal and the outbox.
 *
 * Every recorded decision, alarm, check-in or admin action is appended to
 * `events` with a monotonic sequence number (never reused).  The outbox is
 * the tail of the journal after the sequence the office has acknowledged
 * (sync_state "acked_seq", the `outbox` view): an event enters it in the
 * same write that journals it, and leaves only by an acknowledgement.  The
 * store runs with synchronous=FULL, so an append is durable (fsync'd) when
 * it returns: one write-ahead-log commit, one fsync.  The journal never holds the
 * identifier of a card it does not know, only its keyed hash (rights.h).
 *
 * Retention (CNIL rules for workplace badge systems): access events are kept
 * three calendar months, visitor records a configurable number of days;
 * journal_purge() enforces both.
 */
#ifndef SEUIL_JOURNAL_H
#define SEUIL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rights.h"

#define JOURNAL_DETAIL_MAX 512

struct store;

struct journal_event {
	int64_t seq;    /* assigned by journal_append() */
	int64_t at_ms;  /* UTC */
	char device[ACCESS_ID_MAX]; /* filled from the store's device_id when empty */
	char kind[24];  /* "decision", "alarm", "lockdown", "enroll", "revoke", "purge", ... */
	char door[ACCESS_ID_MAX];
	int granted;    /* 1 or 0 for a decision, -1 otherwise */
	char reason[32];
	char person[ACCESS_ID_MAX];
	char tenant[ACCESS_ID_MAX];
	int64_t visitor;
	char credential_hash[ACCESS_HASH_HEX];
	char detail[JOURNAL_DETAIL_MAX]; /* free text or JSON; never a full UID or a visitor's name */
};

/* Initializes ev for kind at at_ms: no door, not a decision, empty fields. */
void journal_event_init(struct journal_event *ev, const char *kind, int64_t at_ms);

/*
 * Appends ev to the journal (and so to the outbox) in one durable commit.
 * On success *seq (if not NULL) receives the sequence number.
 */
int journal_append(struct store *st, const struct journal_event *ev, int64_t *seq, char *err,
		   size_t errlen);
/*
 * The same inside a transaction the caller already holds (store_begin());
 * fills ev->seq and ev->device.  For the modules of access/ only.
 */
int journal_append_locked(struct store *st, struct journal_event *ev, int64_t *seq, char *err,
			  size_t errlen);
/* Appends the decision d (kind "decision"), as journal_append(). */
int journal_record_decision(struct store *st, const struct access_decision *d, int64_t *seq,
			    char *err, size_t errlen);
/* Fills *ev with the decision d as journal_record_decision() writes it, writing nothing. */
void journal_decision_event(const struct access_decision *d, struct journal_event *ev);

/*
 * The door loop's queue: events the door process could not write at once
 * because another process held the database's write lock (seuil-sync
 * applying a directory, an import, a large purge).  The door must not wait
 * for that lock: its events wait here, in memory, in the order they
 * happened, and are written by later journal_queue_flush() calls, each with
 * its sequence number assigned when written, so sequence numbers stay
 * monotonic and in the order of the events.  at_ms stays the time of the
 * event.
 *
 * Bounded: a full queue refuses the newest event (the oldest are kept, so
 * what the journal holds is the true beginning of the story), counts it,
 * and the queue later writes one event in its place, kind "fault", reason
 * "journal_overflow", detail {"lost":N,"first":"<at>","last":"<at>"},
 * exactly where the lost events belonged.  Nothing is dropped unsaid.
 * The queue lives in one process: events queued when it exits are lost
 * (the caller says so in its log).  Not thread-safe: one thread.
 */
#define JOURNAL_QUEUE_MAX 4096

struct journal_queue;

/*
 * A queue of at most cap events (1 to JOURNAL_QUEUE_MAX).  Returns SEUIL_OK
 * with *out that journal_queue_free() releases, SEUIL_ERR_INVALID or
 * SEUIL_ERR_NOMEM.
 */
int journal_queue_new(size_t cap, struct journal_queue **out);
/* Frees q and what it still holds; NULL is a no-op. */
void journal_queue_free(struct journal_queue *q);
/*
 * Copies ev to the tail.  SEUIL_ERR_TOO_LARGE (err: one line) when the
 * queue is full: ev is refused and counted (see above).
 */
int journal_queue_push(struct journal_queue *q, const struct journal_event *ev, char *err, size_t errlen);
/* How many events wait in q. */
size_t journal_queue_length(const struct journal_queue *q);
/* Events refused since the last overflow marker was queued. */
int64_t journal_queue_lost(const struct journal_queue *q);
/*
 * Writes the queued events to st in order, each in its own durable commit
 * (journal_append()), waiting at most wait_ms for another process's write
 * lock instead of the store's busy timeout (restored before returning).
 * *written (may be NULL) receives how many were written.  Returns SEUIL_OK
 * when the queue is empty; SEUIL_ERR_BUSY (the store was locked) or
 * SEUIL_ERR_IO (a write failed: disk full...) with the event and those
 * after it still queued, for a later call; any other error (the event
 * cannot be written, ever) with the head event discarded and named in err,
 * the rest still queued.
 */
int journal_queue_flush(struct journal_queue *q, struct store *st, unsigned wait_ms, size_t *written,
			char *err, size_t errlen);

/* Called for each event; a non-zero return stops the walk and is returned. */
typedef int (*journal_visit_fn)(const struct journal_event *ev, void *ctx);
/* Walks the events with seq > since, in order. */
int journal_list(struct store *st, int64_t since, journal_visit_fn fn, void *ctx, char *err,
		 size_t errlen);

/*
 * The event as one line of JSON (no newline), in the outbox's format:
 * {"seq":..,"at":"2026-11-27T08:00:00.000Z","device":..,"kind":..,...}.
 * Returns a string the caller frees with free(), or NULL when out of memory.
 */
char *journal_event_json(const struct journal_event *ev);

struct journal_purge_counts {
	int64_t events;   /* journal events removed */
	int64_t visitors; /* visitor records removed (with their passes) */
	int64_t invites;  /* past invitations removed */
};
/*
 * Removes what is older than the retention at now_ms: events before the same
 * instant three calendar months earlier (setting event_retention_months),
 * visitors created and invites dated more than visitor_retention_days ago.
 * Where an office syncs (an acknowledgement was ever stored), events it has
 * not acknowledged are kept until it has; on a site without an office the
 * retention applies to every event.  One transaction; journals the purge
 * at event_ms (the real time: now_ms may be a pretend date of a test or of
 * `seuilctl purge --at`).
 */
int journal_purge(struct store *st, int64_t now_ms, int64_t event_ms, struct journal_purge_counts *out,
		  char *err, size_t errlen);

/*
 * Turns lockdown on or off (setting "lockdown") and journals who did it,
 * in one transaction.  by is a short free text ("seuilctl", a staff id).
 */
int journal_set_lockdown(struct store *st, int on, const char *by, int64_t now_ms, char *err,
			 size_t errlen);

/* The same inside a transaction the caller holds (access/ only). */
int journal_set_lockdown_locked(struct store *st, int on, const char *by, int64_t now_ms, char *err,
				size_t errlen);

#endif
