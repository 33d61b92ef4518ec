/*
 * rights.h - the rights engine: may this credential open this door now?
 *
 * access_decide() is a pure function of the store's content and of the time
 * it is given: it never reads the clock and writes nothing.  Recording a
 * decision in the journal is journal.h's job.  Evaluation order (DESIGN.md):
 * lockdown, credential, holder, rights (profiles, schedules, closed days),
 * bookings, throttling of unknown identifiers.
 *
 * Bookings: when the schedules said no (outside_schedule, closed_day,
 * no_right_for_door) to a member of a tenant, a booking organised by that
 * tenant of a room behind the door, from BOOKINGS_LEAD_S before its start
 * to its end, grants; detail is then "booking <room>: <uid>" (journaled).
 * Lockdown, the credential's and the holder's own refusals still win.
 */
#ifndef SEUIL_RIGHTS_H
#define SEUIL_RIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define ACCESS_ID_MAX 64
#define ACCESS_NAME_MAX 160
#define ACCESS_HASH_HEX 33 /* 16-byte keyed hash as hex + NUL */

/* A denial under several rules reports the one that explains most. */
enum access_reason {
	ACCESS_GRANTED,
	ACCESS_UNKNOWN_CREDENTIAL,
	ACCESS_CREDENTIAL_REVOKED, /* revoked or blocked */
	ACCESS_CREDENTIAL_LOST,
	ACCESS_CREDENTIAL_EXPIRED,
	ACCESS_CREDENTIAL_NOT_YET_VALID,
	ACCESS_PERSON_INACTIVE,
	ACCESS_TENANT_INACTIVE,
	ACCESS_NO_RIGHT_FOR_DOOR,
	ACCESS_OUTSIDE_SCHEDULE,
	ACCESS_CLOSED_DAY,
	ACCESS_LOCKDOWN,
	ACCESS_THROTTLED,
};
#define ACCESS_REASON_COUNT (ACCESS_THROTTLED + 1)

/* Unknown identifiers seen this often within the window are throttled. */
#define ACCESS_THROTTLE_COUNT 5
#define ACCESS_THROTTLE_WINDOW_MS 60000

struct access_request {
	const char *kind;       /* "uid" (NULL means "uid") */
	const char *identifier; /* as read or typed; normalized here */
	const char *door;       /* door id; NULL or "" for the site's first door */
	int64_t now_ms;         /* the instant to decide at, ms since the epoch, UTC */
};

struct access_decision {
	bool granted;
	enum access_reason reason;
	int64_t at_ms;
	unsigned unlock_ms;                  /* how long to release the strike */
	char door[ACCESS_ID_MAX];
	char kind[8];
	char person[ACCESS_ID_MAX];          /* "" when no person holds it */
	char person_name[ACCESS_NAME_MAX];
	char tenant[ACCESS_ID_MAX];
	char tenant_name[ACCESS_NAME_MAX];
	int64_t visitor;                     /* visitor id, 0 when none */
	bool staff;                          /* holder has the staff role */
	char credential_hash[ACCESS_HASH_HEX]; /* keyed hash of kind + identifier */
	char detail[ACCESS_NAME_MAX];        /* e.g. the holiday or closure name */
};

/* The reason's stable code ("granted", "closed_day", ...); never NULL. */
const char *access_reason_code(enum access_reason reason);

/*
 * Decides req against the store.  Fills *out and returns SEUIL_OK for every
 * decision, granted or not; returns an error (SEUIL_ERR_INVALID for a
 * malformed identifier, SEUIL_ERR_NOT_FOUND for an unknown door or an empty
 * directory, SEUIL_ERR_DB...) only when no decision can be made, with a
 * message in err.  Not thread-safe: one store handle per thread.
 */
int access_decide(struct store *st, const struct access_request *req, struct access_decision *out,
		  char *err, size_t errlen);

/*
 * SEUIL_OK when door (NULL or "" for the first door) is in the directory,
 * else SEUIL_ERR_NOT_FOUND with a message: for checks at start-up.  When
 * id is not NULL it receives the door's id (the first door's when door is
 * NULL or ""), at most len - 1 bytes.
 */
int access_door_check(struct store *st, const char *door, char *id, size_t len, char *err, size_t errlen);

/*
 * The keyed hash (libsodium generichash, key from the store's settings)
 * of a normalized credential, as hex into out.  The journal keeps this
 * instead of the identifier of a card it does not know.
 */
int access_credential_hash(struct store *st, const char *kind, const char *normalized,
			   char out[ACCESS_HASH_HEX], char *err, size_t errlen);

#endif
