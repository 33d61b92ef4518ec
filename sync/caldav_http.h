/*
 * caldav_http.h - seuil-sync's HTTPS client for the rooms' calendars (a
 * CalDAV server, an iCalendar feed), over libcurl.
 *
 * Its rules, those of the office link (sync_http.h) where they apply:
 * https:// only (http:// only with insecure_loopback and a loopback host),
 * TLS 1.2 or later, the server's certificate and host name checked against
 * [sync] calendar_ca, or the system's store when that is empty (an outside
 * Nextcloud); HTTP Basic credentials sent over TLS only, and only to the
 * scheme, host and port of the URL a request names; no redirect followed
 * (a 3xx is an error naming where it points); no proxy; bounded connect
 * and transfer times; a trickling peer cut off; replies capped at
 * SYNC_REPLY_MAX bytes.
 *
 * Only sync/ includes curl.h; this header does not.  A handle is used by
 * one thread at a time.
 */
#ifndef SEUIL_CALDAV_HTTP_H
#define SEUIL_CALDAV_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct caldav_http_options {
	const char *ca;               /* PEM file of the CAs to trust; "" or NULL = the system's store */
	const char *user;             /* HTTP Basic user; "" or NULL = no credentials */
	const char *password;         /* its password */
	unsigned connect_timeout_s;
	unsigned transfer_timeout_s;
	bool insecure_loopback;       /* allow http:// to a loopback host (tests, demos) */
	int (*tick)(void *ctx);       /* as sync_http_options.tick; may be NULL */
	void *tick_ctx;
};

/* extra request headers, each NULL when not sent */
struct caldav_http_request {
	const char *method;           /* "GET", "PROPFIND", "REPORT", "PUT" (its body is text/calendar), "DELETE" */
	const char *url;              /* absolute */
	const char *depth;            /* "0", "1"; NULL = no Depth header */
	const char *if_none_match;    /* an ETag (or "*"), sent as If-None-Match */
	const char *if_modified_since;/* an HTTP date, sent as If-Modified-Since */
	const char *body;             /* XML (Content-Type: application/xml), len bytes; NULL = none */
	size_t len;
};

struct caldav_http_reply {
	long status;                  /* 0 when no reply arrived */
	char *body;                   /* NUL-terminated; owned: caldav_http_reply_release() */
	size_t len;
	char etag[256];               /* the ETag header, "" when none or too long */
	char last_modified[64];       /* the Last-Modified header, "" when none or too long */
	char location[256];           /* the Location header of a 3xx, "" when none */
};

struct caldav_http;

/*
 * Checks url for a room's calendar under the rules above.  Returns
 * SEUIL_OK (*plain set for http://), SEUIL_ERR_DENIED (plain http, except
 * to loopback with insecure_loopback) or SEUIL_ERR_INVALID (not a URL,
 * another scheme, credentials written in the URL), with the reason.
 */
int caldav_url_check(const char *url, bool insecure_loopback, bool *plain, char *err, size_t errlen);

/*
 * Resolves href (an absolute path, or a whole URL, as servers write them)
 * against base into a new URL the caller frees with free().  Refuses, with
 * SEUIL_ERR_DENIED, a URL of another scheme, host or port than base: the
 * credentials go to the calendar's server only.
 */
int caldav_url_resolve(const char *base, const char *href, char **out, char *err, size_t errlen);

/*
 * A new client (the strings are copied).  Refuses a CA file it cannot
 * read.  Release with caldav_http_free() (NULL is a no-op), which also
 * wipes the password.
 */
int caldav_http_new(const struct caldav_http_options *o, struct caldav_http **out, char *err, size_t errlen);
void caldav_http_free(struct caldav_http *h);

/*
 * Sends req.  *reply is always filled (release it).  Returns SEUIL_OK
 * whenever an HTTP reply arrived, whatever its status (the caller judges
 * it); otherwise SEUIL_ERR_DENIED (a URL refused by caldav_url_check(), the
 * server's certificate refused), SEUIL_ERR_TIMEOUT, SEUIL_ERR_TOO_LARGE
 * (beyond SYNC_REPLY_MAX) or SEUIL_ERR_NETWORK, with one line naming the
 * request.
 */
int caldav_http_send(struct caldav_http *h, const struct caldav_http_request *req, struct caldav_http_reply *reply,
		     char *err, size_t errlen);
void caldav_http_reply_release(struct caldav_http_reply *reply);

#endif
