/*
 * visitors.h - visitor check-in and check-out, and who is in the building.
 *
 * A check-in writes the visitor's record and a journal event of kind
 * "checkin" (and so an outbox entry, from which the office tells the host)
 * in one transaction; a check-out likewise ("checkout").  Visitor records
 * are kept `visitor_retention_days` (journal_purge also blanks the names
 * that check-in events carried).  Names never go to the log.
 */
#ifndef SEUIL_VISITORS_H
#define SEUIL_VISITORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define VISITOR_TEXT_MAX 160

struct visitor_checkin {
	const char *name;          /* required, 1..159 bytes */
	const char *organisation;  /* optional */
	const char *host_person;   /* the person visited, or NULL */
	const char *host_tenant;   /* or the organisation visited (derived from the person when NULL) */
	const char *purpose;       /* optional */
	const char *invite;        /* the invite used, or NULL */
	bool consent;              /* the privacy notice was accepted: required */
};

struct visitor {
	int64_t id;
	char name[VISITOR_TEXT_MAX];
	char organisation[VISITOR_TEXT_MAX];
	char host_person[64];
	char host_tenant[64];
	char purpose[VISITOR_TEXT_MAX];
	int64_t checked_in_ms, checked_out_ms; /* 0 when not */
};

/*
 * Checks a visitor in at now_ms.  Returns SEUIL_OK with *id set, or
 * SEUIL_ERR_INVALID (no name, no consent, unknown host) with a message.
 */
int visitor_checkin(struct store *st, const struct visitor_checkin *v, int64_t now_ms, int64_t *id,
		    char *err, size_t errlen);
/* Checks visitor id out; SEUIL_ERR_NOT_FOUND when not checked in. */
int visitor_checkout(struct store *st, int64_t id, int64_t now_ms, char *err, size_t errlen);

/* Called for each visitor; non-zero stops the walk. */
typedef int (*visitor_visit_fn)(const struct visitor *v, void *ctx);
/*
 * Walks the visitors checked in since since_ms and not checked out, by
 * check-in time: the evacuation list's visitors.
 */
int visitor_list_inside(struct store *st, int64_t since_ms, visitor_visit_fn fn, void *ctx, char *err,
			size_t errlen);

#endif
