/*
 * caldav_xml.h - the WebDAV XML of the rooms' calendars, with libxml2:
 * the request bodies seuil-sync sends (PROPFIND, sync-collection REPORT of
 * RFC 6578, calendar-multiget REPORT of RFC 4791) and the replies it reads
 * (a DAV:multistatus, a DAV:error precondition).  Namespaces are matched by
 * their URI (DAV:, urn:ietf:params:xml:ns:caldav), never by prefix.
 *
 * The parsers are pure functions of their bytes: no network, no store, no
 * output; they are fuzzed (tests/fuzz/fuzz_multistatus.c).  Every reply is
 * bounded (SYNC_REPLY_MAX bytes, CALDAV_RESPONSES_MAX responses, each text
 * field its own cap) and a document type declaration is refused, so that
 * no entity is ever expanded.  Thread-safe once libxml2 is initialised
 * (caldav_xml_init()).
 */
#ifndef SEUIL_CALDAV_XML_H
#define SEUIL_CALDAV_XML_H

#include <stdbool.h>
#include <stddef.h>

#define CALDAV_HREF_MAX 1024        /* bytes of an href */
#define CALDAV_ETAG_MAX 255         /* bytes of an ETag */
#define CALDAV_TOKEN_MAX 511        /* bytes of a sync-token (bookings.h keeps 512) */
#define CALDAV_RESPONSES_MAX 100000 /* DAV:response elements in one multistatus */

/* one DAV:response of a multistatus */
struct caldav_response {
	char *href;          /* as the server wrote it, trimmed; never NULL */
	int status;          /* the response's DAV:status, else the status of its first
	                      * DAV:propstat holding a 2xx, else of its first propstat */
	/* properties found in a 2xx propstat; NULL / false when absent */
	char *etag;          /* DAV:getetag, quotes kept */
	char *calendar_data; /* CALDAV:calendar-data, the iCalendar text */
	char *sync_token;    /* DAV:sync-token (a PROPFIND of the collection) */
	char *principal;     /* DAV:current-user-principal/DAV:href */
	char *home;          /* CALDAV:calendar-home-set/DAV:href (the first) */
	bool collection;     /* DAV:resourcetype holds DAV:collection */
	bool calendar;       /* DAV:resourcetype holds CALDAV:calendar */
};

/* a parsed multistatus; owns every string in it */
struct caldav_multistatus {
	struct caldav_response *items; /* the responses, in document order, except 507 ones */
	size_t count;
	char *sync_token;              /* the multistatus' own DAV:sync-token (REPORT); NULL when none */
	bool truncated;                /* a response said 507: the server holds more (RFC 6578 3.6) */
};

/* libxml2's global set-up: once per process, before any thread.  Idempotent. */
void caldav_xml_init(void);

/*
 * Parses len bytes of body as a DAV:multistatus.  Returns SEUIL_OK and
 * fills *out (release it with caldav_multistatus_release()), or
 * SEUIL_ERR_INVALID (malformed XML, a DTD, not a multistatus, a response
 * without href, a field over its cap or holding a control character) or
 * SEUIL_ERR_TOO_LARGE, with one line in err and *out left empty.
 */
int caldav_parse_multistatus(const char *body, size_t len, struct caldav_multistatus *out, char *err,
			     size_t errlen);
/* Frees what *ms owns and empties it; an empty or released one is a no-op. */
void caldav_multistatus_release(struct caldav_multistatus *ms);

/*
 * True when body is a DAV:error holding the element (ns, name), e.g.
 * ("DAV:", "valid-sync-token") in the 403 of a rejected sync token.
 * Anything else (not XML, another element) is false.  Pure.
 */
bool caldav_error_has(const char *body, size_t len, const char *ns, const char *name);

/*
 * Request bodies, each a NUL-terminated UTF-8 XML document the caller
 * frees with free(); NULL when out of memory (or an href is not UTF-8).
 *   propfind:  DAV:resourcetype, DAV:sync-token, DAV:current-user-principal,
 *              CALDAV:calendar-home-set
 *   sync:      DAV:sync-collection, sync-level 1, the token ("" for the
 *              initial sync), asking for DAV:getetag and CALDAV:calendar-data
 *   multiget:  CALDAV:calendar-multiget of n hrefs, with getetag and calendar-data
 * *len receives the length without the NUL.
 */
char *caldav_body_propfind(size_t *len);
char *caldav_body_sync(const char *token, size_t *len);
char *caldav_body_multiget(const char *const *hrefs, size_t n, size_t *len);

#endif
