/*
 * staff.h - what staff mode needs of the store: the staff PIN (set, check,
 * lockout), the evacuation list (who is in the building now), the person
 * search of badge enrolment, and the journal entries of what staff do at
 * the kiosk.
 *
 * The PIN is kept only as an Argon2id string (libsodium crypto_pwhash_str,
 * STAFF_PIN_OPSLIMIT / STAFF_PIN_MEMLIMIT: 16 MiB, well under 0.5 s on the
 * appliance) in people.pin_hash; the PIN itself is never stored, logged or
 * journaled.
 *
 * Lockout: STAFF_PIN_TRIES wrong PINs in a row lock staff mode for that
 * person for STAFF_LOCK_FIRST_MS, doubling with each further lockout up to
 * STAFF_LOCK_MAX_MS.  A right PIN, or a PIN set or cleared by the office
 * (`seuilctl pin`), starts the count again; failures and lockouts older than
 * STAFF_FORGET_MS (a day) are forgotten.  The count is read from the
 * journal itself (events of
 * kind "staff": reasons "pin_wrong", "pin_lockout", "pin_ok", "pin_set",
 * "pin_clear"), so it survives a restart and the office sees every attempt.
 *
 * Every function takes the store of the calling thread (store.h) and, where
 * it can fail, returns a seuil_err with one line in err.
 */
#ifndef SEUIL_STAFF_H
#define SEUIL_STAFF_H

#include "rights.h"
#include "tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define STAFF_PIN_MIN 4
#define STAFF_PIN_MAX 8
#define STAFF_PIN_TRIES 5
#define STAFF_LOCK_FIRST_MS 60000LL
#define STAFF_LOCK_MAX_MS 3600000LL
#define STAFF_FORGET_MS 86400000LL
#define STAFF_PIN_OPSLIMIT 3ULL
#define STAFF_PIN_MEMLIMIT (16u * 1024u * 1024u)
/* the evacuation list is cut at this many entries (the counts are not) */
#define STAFF_INSIDE_MAX 4000

enum staff_pin_state {
	STAFF_PIN_READY,     /* a PIN is set and may be tried */
	STAFF_PIN_UNSET,     /* no PIN: the office must set one */
	STAFF_PIN_LOCKED,    /* too many wrong PINs: wait until locked_until_ms */
	STAFF_PIN_NOT_STAFF, /* no such person, or not of the staff role */
};

struct staff_pin_status {
	enum staff_pin_state state;
	int tries_left;          /* READY: wrong PINs left before a lockout */
	int lockouts;            /* lockouts in a row so far (0 when none) */
	int64_t locked_until_ms; /* LOCKED: UTC instant the lockout ends */
};

/* True when pin is STAFF_PIN_MIN to STAFF_PIN_MAX ASCII digits. */
bool staff_pin_valid(const char *pin);

/*
 * Sets person's PIN (pin NULL clears it) and journals it (reason
 * "pin_set" or "pin_clear", detail by), which also ends a lockout.
 * Returns SEUIL_OK, SEUIL_ERR_INVALID (not 4 to 8 digits),
 * SEUIL_ERR_NOT_FOUND (no such person), SEUIL_ERR_DENIED (not staff),
 * SEUIL_ERR_NOMEM (hashing failed) or a store error.
 */
int staff_pin_set(struct store *st, const char *person, const char *pin, const char *by, int64_t now_ms,
		  char *err, size_t errlen);

/* Fills *out with person's PIN state at now_ms; writes nothing. */
int staff_pin_status(struct store *st, const char *person, int64_t now_ms, struct staff_pin_status *out,
		     char *err, size_t errlen);

/*
 * Checks pin for person at now_ms.  A PIN is only compared in the READY
 * state; *right tells the outcome and *out the state after it.  A right PIN
 * journals "pin_ok" (a staff login), a wrong one "pin_wrong", and the
 * wrong one that exhausts the tries also "pin_lockout" (detail: the
 * minutes), in one transaction.  Nothing is journaled when the state was
 * not READY.  Returns SEUIL_OK or a store error.
 */
int staff_pin_check(struct store *st, const char *person, const char *pin, int64_t now_ms, bool *right,
		    struct staff_pin_status *out, char *err, size_t errlen);

/*
 * Journals what a staff member did at the kiosk: kind "staff", person by,
 * reason what ("unlock", "enroll", ...), door and detail optional (NULL).
 */
int staff_journal(struct store *st, const char *by, const char *what, const char *door, const char *detail,
		  int64_t now_ms, char *err, size_t errlen);

/* "Camille Martin" -> "Camille M.", "Malo Le Gall" -> "Malo L.", "Cher" -> "Cher". */
void staff_short_name(const char *full, char *out, size_t len);

/* one line of the evacuation list */
struct staff_inside_entry {
	bool visitor;                          /* a checked-in visitor, else a person badged today */
	char name[ACCESS_NAME_MAX];            /* first name and initial only */
	char organisation[ACCESS_NAME_MAX];    /* the person's tenant, or the visitor's organisation */
	int64_t since_ms;                      /* first entry granted today, or the check-in */
};

struct staff_inside_counts {
	long people;   /* distinct people granted entry since the local day began */
	long visitors; /* visitors checked in today and not checked out */
};

/* Called for each entry in order; non-zero stops the walk and is returned. */
typedef int (*staff_inside_fn)(const struct staff_inside_entry *e, void *ctx);

/*
 * The evacuation list at now_ms: the people granted entry since the site's
 * local day began (journal decisions) and the visitors checked in since then
 * and not checked out, merged in alphabetical order (accents and case
 * ignored), at most STAFF_INSIDE_MAX of them; fn may be NULL to count only.
 * *counts (if not NULL) gets the totals.  Returns SEUIL_OK, SEUIL_ERR_NOMEM
 * or a store error.
 */
int staff_inside_list(struct store *st, int64_t now_ms, staff_inside_fn fn, void *ctx,
		      struct staff_inside_counts *counts, char *err, size_t errlen);

/* one person found by staff_find_people() */
struct staff_person {
	char id[ACCESS_ID_MAX];
	char name[ACCESS_NAME_MAX];
	char tenant_name[ACCESS_NAME_MAX];
};

/*
 * The active people whose name holds query (accents and case ignored; at
 * least one letter), names that start with it first, then alphabetical:
 * up to max written to out, their number in *found, every match in *total.
 */
int staff_find_people(struct store *st, const char *query, struct staff_person *out, size_t max, size_t *found,
		      size_t *total, char *err, size_t errlen);

enum staff_enroll_result {
	STAFF_ENROLLED,         /* the card is now person's (journaled) */
	STAFF_ENROLL_ALREADY,   /* it already was person's active card: nothing changed */
	STAFF_ENROLL_HELD,      /* another person's card or a visitor pass: refused, nothing changed */
};

/*
 * Enrolls the card uid_hex for person as credential_enroll() does, never
 * taking a card from someone else: a held card is STAFF_ENROLL_HELD with
 * the holder's short name in holder ("" for a visitor pass).  Journals the
 * enrolment and a "staff" event (reason "enroll", person by).
 */
int staff_enroll(struct store *st, const char *by, const char *person, const char *uid_hex, int64_t now_ms,
		 enum staff_enroll_result *result, char *holder, size_t holder_len, char *err, size_t errlen);

/* The site's local time at utc_ms; SEUIL_ERR_NOT_FOUND (out untouched) without a site. */
int staff_local_time(struct store *st, int64_t utc_ms, struct tz_local *out);

#endif
