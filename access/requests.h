/*
 * requests.h - requests between processes through the store.  The database
 * is the only interface between seuil (the door, the screen) and seuil-sync
 * (the network): a process that needs something from the other writes a
 * request row; the other takes it, acts, and writes the answer back.
 * Examples: the office's `unlock_for` command (seuil-sync -> door), a
 * visitor waiting for their host (kiosk -> seuil-sync).
 *
 * Each call is its own transaction.  Not thread-safe: one store per thread.
 */
#ifndef SEUIL_REQUESTS_H
#define SEUIL_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define REQUEST_BODY_MAX 4096

struct request {
	int64_t id;
	char kind[32];
	char body[REQUEST_BODY_MAX];
	int64_t created_ms;
};

/* Adds a pending request; *id (if not NULL) receives its id. */
int request_add(struct store *st, const char *kind, const char *body, int64_t now_ms, int64_t *id,
		char *err, size_t errlen);
/*
 * Takes the oldest pending request of kind (NULL: any kind) and marks it
 * taken, so that no other taker sees it.  Returns SEUIL_OK with *out
 * filled, SEUIL_ERR_NOT_FOUND when none is pending, or a store error.
 */
int request_take(struct store *st, const char *kind, int64_t now_ms, struct request *out, char *err,
		 size_t errlen);
/* Records the outcome of a taken request: state "done" or "failed", with an answer. */
int request_finish(struct store *st, int64_t id, const char *state, const char *answer, int64_t now_ms,
		   char *err, size_t errlen);

/*
 * For a taker that must not wait on another process's write lock (the door
 * loop): the oldest pending request of kind (NULL: any), read without
 * taking it (no lock, a read snapshot).  SEUIL_OK with *out filled,
 * SEUIL_ERR_NOT_FOUND when none is pending, or a store error.
 */
int request_peek(struct store *st, const char *kind, struct request *out, char *err, size_t errlen);
/*
 * Then moves request id from pending to its final state ("done",
 * "failed", "expired") with answer, in one write that waits at most
 * wait_ms for another process's write lock (the store's busy timeout is
 * restored after).  SEUIL_OK when this call settled it: the caller acts on
 * it now, after the write; SEUIL_ERR_NOT_FOUND when it was no longer
 * pending (another taker had it); SEUIL_ERR_BUSY when the store was locked
 * (nothing changed: peek again later); another store error otherwise.
 */
int request_settle(struct store *st, int64_t id, const char *state, const char *answer, int64_t now_ms,
		   unsigned wait_ms, char *err, size_t errlen);

#endif
