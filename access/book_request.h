/*
 * book_request.h - "book now" between the kiosk and seuil-sync: the body
 * of a request row of kind BOOK_REQUEST_KIND (requests.h), its answers,
 * and what seuil-sync reads of the store to write the event.
 *
 * The kiosk writes the request (book_request_add()) after checking the
 * slot locally; seuil-sync takes it, writes the event to the room's
 * calendar and answers with request_finish(): state "done" with answer
 * BOOK_ANSWER_OK or BOOK_ANSWER_CONFLICT, or state "failed" with
 * BOOK_ANSWER_OFFLINE, BOOK_ANSWER_EXPIRED or BOOK_ANSWER_REFUSED.  A
 * request the kiosk gave up on is marked "expired" by book_request_cancel()
 * while still pending, so that seuil-sync never takes it; seuil-sync also
 * refuses one older than BOOK_REQUEST_MAX_AGE_MS when it takes it.
 *
 * The UID is made from the room and the start minute (book_request_uid()):
 * two kiosks booking the same room from the same minute write the same
 * resource, and the calendar server's If-None-Match: * lets exactly one
 * of them create it.
 *
 * Each call is its own transaction.  Not thread-safe: one store per thread.
 */
#ifndef SEUIL_BOOK_REQUEST_H
#define SEUIL_BOOK_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define BOOK_REQUEST_KIND "book"
#define BOOK_REQUEST_MAX_AGE_MS 15000 /* seuil-sync refuses a request older than this */
#define BOOK_ANSWER_OK "ok"
#define BOOK_ANSWER_CONFLICT "conflict"
#define BOOK_ANSWER_OFFLINE "offline"
#define BOOK_ANSWER_EXPIRED "expired"
#define BOOK_ANSWER_REFUSED "refused"

struct book_request {
	char room[64];
	int64_t start_s, end_s; /* UTC */
	char tenant[64];
	char person[64];        /* "" when none */
	char uid[192];
};

/* The state of a book request as the kiosk sees it. */
enum book_state {
	BOOK_PENDING,  /* not answered yet (pending or being worked on) */
	BOOK_TAKEN,    /* seuil-sync is working on it: it can no longer be cancelled */
	BOOK_OK,
	BOOK_CONFLICT,
	BOOK_OFFLINE,  /* the calendar could not be reached */
	BOOK_FAILED,   /* refused, expired, or any other failure */
};

/* Fills r->uid from r->room and r->start_s (the start minute). */
void book_request_uid(struct book_request *r);
/* The request as JSON into out (at most len bytes); false when it does not fit. */
bool book_request_encode(const struct book_request *r, char *out, size_t len);
/* Reads a body written by book_request_encode(); SEUIL_ERR_INVALID with a reason otherwise. */
int book_request_decode(const char *body, struct book_request *out, char *err, size_t errlen);

/*
 * Checks that the room can be booked (a CalDAV calendar) and that
 * [start_s, end_s) is free in the store, then adds the request; *id gets
 * its id.  *free (may be NULL) is false, and nothing is added, when the
 * slot is taken (SEUIL_OK still).  SEUIL_ERR_NOT_FOUND for a room that
 * cannot be booked.
 */
int book_request_add(struct store *st, const struct book_request *r, int64_t now_ms, int64_t *id, bool *free_,
		     char *err, size_t errlen);
/* The state of request id into *out; SEUIL_ERR_NOT_FOUND when there is none. */
int book_request_state(struct store *st, int64_t id, enum book_state *out, char *err, size_t errlen);
/*
 * Marks request id "expired" if it is still pending.  *cancelled says
 * whether it was (false: seuil-sync already took or answered it).
 */
int book_request_cancel(struct store *st, int64_t id, int64_t now_ms, bool *cancelled, char *err, size_t errlen);

/* what seuil-sync writes into the event */
struct book_names {
	char tenant_name[160]; /* "" when the tenant is unknown */
	char email[256];       /* the person's, "" when none */
	char url[512];         /* the room's CalDAV collection, "" when it has none */
};
/* Reads the names and the room's collection for r. */
int book_request_names(struct store *st, const struct book_request *r, struct book_names *out, char *err,
		       size_t errlen);
/*
 * *overlap: whether an occurrence of r->room other than r->uid overlaps
 * [r->start_s, r->end_s) in the store.
 */
int book_request_overlap(struct store *st, const struct book_request *r, bool *overlap, char *err, size_t errlen);

#endif
