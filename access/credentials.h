/*
 * credentials.h - enrolling and revoking badges one at a time, as staff do
 * at the kiosk or with seuilctl.  Each change is journaled (kinds "enroll"
 * and "credential") in the same transaction.  Bulk changes go through
 * directory.h.
 */
#ifndef SEUIL_CREDENTIALS_H
#define SEUIL_CREDENTIALS_H

#include <stddef.h>
#include <stdint.h>

struct store;

enum credential_enroll_flags {
	/* the card may be taken from another holder (a person or a visitor
	 * pass), and one of this person's that is not active reactivated */
	CREDENTIAL_FORCE = 1 << 0,
	/* a card of this person that is revoked, lost or blocked is refused
	 * unless CREDENTIAL_FORCE (without the flag it is reactivated) */
	CREDENTIAL_REFUSE_INACTIVE = 1 << 1,
};

/*
 * Gives the card uid_text (any accepted spelling) to person, active, with
 * optional inclusive dates "YYYY-MM-DD" (NULL for none); flags is a set of
 * enum credential_enroll_flags (1 is CREDENTIAL_FORCE).  A card already held
 * by someone else, whatever its status, is refused unless CREDENTIAL_FORCE;
 * re-enrolling a card to the same person reactivates it, unless
 * CREDENTIAL_REFUSE_INACTIVE.  Returns SEUIL_OK, SEUIL_ERR_INVALID (with the
 * holder or status in err), SEUIL_ERR_NOT_FOUND (no such person) or a store
 * error.
 */
int credential_enroll(struct store *st, const char *uid_text, const char *person,
		      const char *valid_from, const char *valid_until, unsigned flags, int64_t now_ms,
		      char *err, size_t errlen);

/*
 * Sets the status of a stored card: "active", "revoked", "lost" or
 * "blocked".  Returns SEUIL_ERR_NOT_FOUND for a card that is not stored.
 */
int credential_set_status(struct store *st, const char *uid_text, const char *status,
			  int64_t now_ms, char *err, size_t errlen);

#endif
