/*
 * sync_http.h - seuil-sync's HTTPS client for the office API, over libcurl.
 *
 * One struct sync_http is one libcurl handle set up once from the [sync]
 * configuration and reused for the requests of a sync (one connection).
 * Its rules: HTTPS only, TLS 1.2 or later, the office's certificate checked
 * against the site CA alone ([sync] ca, never the system's store) with its
 * host name, the public key pinned when [sync] pin is set, the device's
 * client certificate presented; plain HTTP only with insecure_loopback and
 * a loopback host (127.0.0.0/8, ::1, localhost).  No redirects, no proxy,
 * bounded connect and transfer times, a trickling peer cut off, replies
 * capped at SYNC_REPLY_MAX bytes.
 *
 * Only sync/ includes curl.h; this header does not.  A handle is used by
 * one thread at a time.
 */
#ifndef SEUIL_SYNC_HTTP_H
#define SEUIL_SYNC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct sync_http_options {
	const char *url;              /* the office: https://office.example:8443[/prefix] */
	const char *ca;               /* PEM file of the site CA (required for https) */
	const char *cert, *key;       /* the device's client certificate and key; "" = none */
	const char *pin;              /* "sha256//BASE64[;sha256//...]"; "" = no pin */
	unsigned connect_timeout_s;   /* TCP and TLS handshake */
	unsigned transfer_timeout_s;  /* a whole request, reply included */
	bool insecure_loopback;       /* allow http:// to a loopback host (tests, demos) */
	/*
	 * Called many times a second during a transfer (may be NULL); a non-zero
	 * return aborts the transfer: a stop signal, or a watchdog to feed.
	 */
	int (*tick)(void *ctx);
	void *tick_ctx;
};

struct sync_http_reply {
	long status;          /* HTTP status; 0 when no reply arrived */
	char *body;           /* NUL-terminated; owned, see sync_http_reply_release() */
	size_t len;           /* bytes of body without the NUL */
	long retry_after_s;   /* Retry-After in seconds (a date converted); -1 when none */
};

struct sync_http;

/*
 * Checks url under the rules above.  Returns SEUIL_OK (*plain set when it
 * is http://), or SEUIL_ERR_DENIED / SEUIL_ERR_INVALID with the reason.
 * Pure apart from parsing with libcurl's URL API.
 */
int sync_url_check(const char *url, bool insecure_loopback, bool *plain, char *err, size_t errlen);

/*
 * A new client for o (the strings are copied).  Refuses a URL that
 * sync_url_check() refuses and a CA, certificate or key file it cannot
 * read.  Release with sync_http_free() (NULL is a no-op).
 */
int sync_http_new(const struct sync_http_options *o, struct sync_http **out, char *err, size_t errlen);
void sync_http_free(struct sync_http *h);

/*
 * Sends method ("GET" or "POST") to the office's URL followed by target
 * ("/v1/directory?cursor=12"); body (JSON, len bytes) for a POST, NULL for
 * a GET.  *reply is always filled (release it).  Returns SEUIL_OK on a 200
 * reply; otherwise SEUIL_ERR_NETWORK (no connection, TLS refused, HTTP
 * status other than 200, with the office's {"error"} message when it sent
 * one), SEUIL_ERR_TIMEOUT, SEUIL_ERR_TOO_LARGE (reply beyond
 * SYNC_REPLY_MAX), SEUIL_ERR_DENIED (pin or certificate refused), each with
 * one line naming the request.
 */
int sync_http_request(struct sync_http *h, const char *method, const char *target, const char *body,
		      size_t len, struct sync_http_reply *reply, char *err, size_t errlen);
void sync_http_reply_release(struct sync_http_reply *reply);

/* libcurl's global set-up and tear-down: once per process, before any thread. */
int sync_http_global_init(char *err, size_t errlen);
void sync_http_global_cleanup(void);

/*
 * What the office client and the calendar client share: a reply body
 * received under SYNC_REPLY_MAX (CURLOPT_WRITEFUNCTION sync_body_write with
 * the struct as CURLOPT_WRITEDATA; too_large says why a transfer stopped),
 * and the loopback rule of --insecure-loopback.
 */
struct sync_body {
	char *buf; /* NUL-terminated */
	size_t len, cap;
	bool too_large;
};
size_t sync_body_write(char *data, size_t size, size_t n, void *body);
/*
 * 127.0.0.0/8, ::1 (written [::1] in a URL) or localhost, which libcurl
 * resolves itself; not "localhost." (trailing dot), a name it looks up.
 */
bool sync_http_loopback_host(const char *host);

#endif
