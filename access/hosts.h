/*
 * hosts.h - whom a visitor can come to see: the type-ahead search over
 * tenants and people at the kiosk (accents and case ignored), today's
 * invitations (by code or by name), and the names the visitor screens
 * show.  Read-only: check-in and check-out are visitors.h's.
 *
 * Matching: the query and each name are folded (lower case, accents
 * removed, œ -> oe, æ -> ae, ß -> ss) and cut into words at anything that is
 * not a letter or a digit; a name matches when every word of the query
 * starts one of its words ("lea" finds "Léa Moreau", "epic" finds
 * "Épicerie solidaire", "ile" finds "La Ressourcerie de l'Île").  Only
 * active tenants, and active people of active tenants (or of none), are
 * offered.  Names never go to the log.
 *
 * Like every store function: one thread per handle.
 */
#ifndef SEUIL_HOSTS_H
#define SEUIL_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define HOSTS_TEXT_MAX 160
#define HOSTS_ID_MAX 64
#define HOSTS_QUERY_MAX 160 /* longer queries are refused: SEUIL_ERR_TOO_LARGE */

struct host {
	bool person;                        /* false: a tenant */
	char id[HOSTS_ID_MAX];
	char name[HOSTS_TEXT_MAX];
	char organisation[HOSTS_TEXT_MAX];  /* a person's tenant's name, "" for a tenant */
	char tenant[HOSTS_ID_MAX];          /* a person's tenant id; a tenant's own id */
};

struct host_invite {
	char id[HOSTS_ID_MAX];
	char name[HOSTS_TEXT_MAX];
	char organisation[HOSTS_TEXT_MAX];
	char code[16];
	struct host host;
};

/*
 * Writes the fold of utf8 into out (len bytes, always terminated; cut at a
 * whole character): lower case ASCII, accents of Latin-1 and Latin
 * Extended-A removed, other characters kept as they are.
 */
void hosts_fold(const char *utf8, char *out, size_t len);
/* True when every word of the folded query starts a word of the folded name ("" matches nothing). */
bool hosts_match(const char *folded_name, const char *folded_query);

/*
 * The hosts matching query, people and tenants together: names that start
 * with the query first, then by name.  Writes up to max into out and sets
 * *n to how many; *total (may be NULL) to how many matched in all.
 * SEUIL_OK, SEUIL_ERR_TOO_LARGE, or a store error with a message.
 */
int hosts_search(struct store *st, const char *query, struct host *out, size_t max, size_t *n, size_t *total,
		 char *err, size_t errlen);

/*
 * The invitations of the site's local day holding now_ms, not used yet:
 * the one whose code is query (case ignored) when there is one, else those
 * whose name matches query ("" lists them all), by name.  Up to max into
 * out, *n how many.  SEUIL_ERR_NOT_FOUND without a site (no day to tell).
 */
int hosts_invites_today(struct store *st, int64_t now_ms, const char *query, struct host_invite *out, size_t max,
			size_t *n, char *err, size_t errlen);

/* The name of tenant id into buf ("" when unknown); SEUIL_OK or a store error. */
int hosts_tenant_name(struct store *st, const char *id, char *buf, size_t len, char *err, size_t errlen);

#endif
