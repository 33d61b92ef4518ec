/*
 * sync_http.c - the office API's transport: one libcurl easy handle with
 * the TLS, time and size rules of sync_http.h.  It knows nothing of JSON or
 * of the store; sync_once.c says what to send and what a reply means.
 */
#include "sync_http.h"

#include "err.h"
#include "sync_store.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LOW_SPEED_BYTES 100 /* a reply slower than this ... */
#define LOW_SPEED_S 30      /* ... for this long is cut off */

struct sync_http {
	CURL *curl;
	struct curl_slist *headers;
	char *base;   /* the URL without a trailing '/' */
	bool plain;   /* http:// (tests): no TLS */
	bool has_cert; /* a client certificate is configured */
	int (*tick)(void *ctx);
	void *tick_ctx;
	char curl_err[CURL_ERROR_SIZE];
	/* the reply being received */
	struct sync_body body;
};

int sync_http_global_init(char *err, size_t errlen)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "libcurl: %s", curl_easy_strerror(rc));
	return SEUIL_OK;
}

void sync_http_global_cleanup(void)
{
	curl_global_cleanup();
}

bool sync_http_loopback_host(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	char inner[64];
	size_t n = strlen(host);

	/* "localhost." (a fully qualified name) would be looked up, possibly in the DNS: refused */
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (n > 2 && n < sizeof(inner) + 2 && host[0] == '[' && host[n - 1] == ']') {
		memcpy(inner, host + 1, n - 2);
		inner[n - 2] = '\0';
		if (inet_pton(AF_INET6, inner, &v6) == 1)
			return memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0;
	}
	return false;
}

int sync_url_check(const char *url, bool insecure_loopback, bool *plain, char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL, *fragment = NULL;
	int rc = SEUIL_OK;

	if (url == NULL || url[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no office configured ([sync] url is empty)");
	if ((u = curl_url()) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "[sync] url \"%.200s\" is not a URL", url);
		goto done;
	}
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
	if (user != NULL || query != NULL || fragment != NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID,
			     "[sync] url: no user, query or fragment (the client certificate identifies the kiosk)");
		goto done;
	}
	if (strcmp(scheme, "https") == 0) {
		*plain = false;
	} else if (strcmp(scheme, "http") != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "[sync] url: %s:// is not https://", scheme);
	} else if (!insecure_loopback) {
		rc = err_set(err, errlen, SEUIL_ERR_DENIED,
			     "refusing plain http:// to %s: the office is reached over https:// only"
			     " (--insecure-loopback allows http:// to this machine, for tests)",
			     host);
	} else if (!sync_http_loopback_host(host)) {
		rc = err_set(err, errlen, SEUIL_ERR_DENIED,
			     "refusing plain http:// to %s: --insecure-loopback allows only 127.0.0.0/8, ::1"
			     " and localhost",
			     host);
	} else {
		*plain = true;
	}
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(query);
	curl_free(fragment);
	curl_url_cleanup(u);
	return rc;
}

size_t sync_body_write(char *data, size_t size, size_t n, void *ctx)
{
	struct sync_body *h = ctx;
	size_t bytes = size * n;

	if (h->len + bytes > SYNC_REPLY_MAX) {
		h->too_large = true;
		return 0; /* aborts the transfer */
	}
	if (h->len + bytes + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 16384;
		char *grown;
		while (cap < h->len + bytes + 1)
			cap *= 2;
		if ((grown = realloc(h->buf, cap)) == NULL)
			return 0;
		h->buf = grown;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, data, bytes);
	h->len += bytes;
	h->buf[h->len] = '\0';
	return bytes;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct sync_http *h = ctx;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return h->tick != NULL ? h->tick(h->tick_ctx) : 0;
}

static int readable(const char *what, const char *path, char *err, size_t errlen)
{
	if (access(path, R_OK) != 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read %s %s: %s", what, path, strerror(errno));
	return SEUIL_OK;
}

/* every option that does not change from one request to the next */
static int configure(struct sync_http *h, const struct sync_http_options *o, bool plain, char *err,
		     size_t errlen)
{
	CURL *c = h->curl;
	CURLcode rc = CURLE_OK;
	long low_time = o->transfer_timeout_s < LOW_SPEED_S ? (long)o->transfer_timeout_s : LOW_SPEED_S;

#define SET(opt, val) \
	if (rc == CURLE_OK) \
	rc = curl_easy_setopt(c, opt, val)
	SET(CURLOPT_ERRORBUFFER, h->curl_err);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROXY, ""); /* never through a proxy from the environment */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	SET(CURLOPT_TIMEOUT, (long)o->transfer_timeout_s);
	SET(CURLOPT_LOW_SPEED_LIMIT, (long)LOW_SPEED_BYTES);
	SET(CURLOPT_LOW_SPEED_TIME, low_time);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)SYNC_REPLY_MAX);
	SET(CURLOPT_WRITEFUNCTION, sync_body_write);
	SET(CURLOPT_WRITEDATA, &h->body);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, h);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_USERAGENT, "seuil-sync/1");
	SET(CURLOPT_HTTPHEADER, h->headers);
	if (!plain) {
		SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
		SET(CURLOPT_SSL_VERIFYPEER, 1L);
		SET(CURLOPT_SSL_VERIFYHOST, 2L);
		SET(CURLOPT_CAINFO, o->ca);
		SET(CURLOPT_CAPATH, NULL); /* the site CA alone, not the system's store */
		if (o->cert != NULL && o->cert[0] != '\0')
			SET(CURLOPT_SSLCERT, o->cert);
		if (o->key != NULL && o->key[0] != '\0')
			SET(CURLOPT_SSLKEY, o->key);
		if (o->pin != NULL && o->pin[0] != '\0')
			SET(CURLOPT_PINNEDPUBLICKEY, o->pin);
	}
#undef SET
	if (rc != CURLE_OK)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "libcurl refused an option: %s",
			       curl_easy_strerror(rc));
	return SEUIL_OK;
}

int sync_http_new(const struct sync_http_options *o, struct sync_http **out, char *err, size_t errlen)
{
	static const char *const headers[] = { "Accept: application/json", "Content-Type: application/json",
					       "Expect:" };
	struct sync_http *h;
	struct curl_slist *more;
	bool plain = false;
	size_t n;
	int rc;

	if ((rc = sync_url_check(o->url, o->insecure_loopback, &plain, err, errlen)) != SEUIL_OK)
		return rc;
	if (!plain) {
		if (o->ca == NULL || o->ca[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "[sync] ca is empty: the office's certificate must chain to the site CA");
		if ((rc = readable("[sync] ca", o->ca, err, errlen)) != SEUIL_OK ||
		    (o->cert != NULL && o->cert[0] != '\0' &&
		     (rc = readable("[sync] cert", o->cert, err, errlen)) != SEUIL_OK) ||
		    (o->key != NULL && o->key[0] != '\0' &&
		     (rc = readable("[sync] key", o->key, err, errlen)) != SEUIL_OK))
			return rc;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL || (h->base = strdup(o->url)) == NULL ||
	    (h->curl = curl_easy_init()) == NULL) {
		sync_http_free(h);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->tick = o->tick;
	h->tick_ctx = o->tick_ctx;
	h->plain = plain;
	h->has_cert = o->cert != NULL && o->cert[0] != '\0';
	/* "Expect:" drops the 100-continue round trip before a large POST */
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if ((more = curl_slist_append(h->headers, headers[i])) == NULL) {
			sync_http_free(h);
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		}
		h->headers = more;
	}
	if ((rc = configure(h, o, plain, err, errlen)) != SEUIL_OK) {
		sync_http_free(h);
		return rc;
	}
	*out = h;
	return SEUIL_OK;
}

void sync_http_free(struct sync_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h->body.buf);
	free(h->base);
	free(h);
}

void sync_http_reply_release(struct sync_http_reply *reply)
{
	if (reply == NULL)
		return;
	free(reply->body);
	reply->body = NULL;
	reply->len = 0;
}

/*
 * Whether a failed https transfer looks like the office refusing this
 * kiosk's client certificate: 1 when it closed the connection right after
 * a new handshake (TLS 1.3: the office checks the certificate once the
 * kiosk has finished its side, then closes: an empty reply, a failed read
 * or, a POST's body still going, a failed send; an office failing then
 * looks the same), 2 when a TLS alert names a certificate (TLS 1.2: refused
 * during the handshake), else 0.
 */
static int client_refused(struct sync_http *h, CURLcode rc)
{
	static const char *const alerts[] = { "certificate required", "bad certificate", "unknown ca",
					      "certificate expired", "certificate unknown", "unsupported certificate",
					      "access denied" };
	curl_off_t handshake_us = 0;

	/* a POST may still be sending its body when the connection goes: a send error */
	if (h->plain || (rc != CURLE_GOT_NOTHING && rc != CURLE_RECV_ERROR && rc != CURLE_SEND_ERROR &&
			 rc != CURLE_SSL_CONNECT_ERROR))
		return 0;
	if (rc == CURLE_SSL_CONNECT_ERROR) {
		for (size_t i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++) {
			if (strcasestr(h->curl_err, alerts[i]) != NULL)
				return 2;
		}
	}
	/* set only when this transfer made its own handshake (not on a reused connection) */
	if (curl_easy_getinfo(h->curl, CURLINFO_APPCONNECT_TIME_T, &handshake_us) == CURLE_OK && handshake_us > 0)
		return 1;
	return 0;
}

/* what a failed transfer means, for a person */
static int transfer_error(struct sync_http *h, CURLcode rc, const char *req, char *err, size_t errlen)
{
	const char *detail = h->curl_err[0] != '\0' ? h->curl_err : curl_easy_strerror(rc);
	int refused = client_refused(h, rc);

	if (refused != 0 && !h->has_cert)
		return err_set(err, errlen, refused == 2 ? SEUIL_ERR_DENIED : SEUIL_ERR_NETWORK,
			       "%s: the office closed the connection: it wants a client certificate and [sync]"
			       " cert/key are empty (one made by the site CA for this kiosk) (%s)",
			       req, detail);
	if (refused == 2)
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "%s: the office refused this kiosk's certificate ([sync] cert/key: made by the site CA?"
			       " expired?) (%s)",
			       req, detail);
	if (refused == 1)
		return err_set(err, errlen, SEUIL_ERR_NETWORK,
			       "%s: the office closed the connection after the TLS handshake: if it refused this"
			       " kiosk's certificate, [sync] cert/key must be made by the site CA and not expired (%s)",
			       req, detail);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(err, errlen, SEUIL_ERR_TIMEOUT, "%s: timed out: %s", req, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "%s: the office's certificate is refused ([sync] ca, host name): %s", req, detail);
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "%s: the office's public key does not match [sync] pin", req);
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return err_set(err, errlen, SEUIL_ERR_IO, "%s: %s", req, detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(err, errlen, SEUIL_ERR_DENIED, "%s: protocol refused: %s", req, detail);
	case CURLE_ABORTED_BY_CALLBACK:
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s: interrupted", req);
	default:
		if (h->body.too_large || rc == CURLE_FILESIZE_EXCEEDED)
			return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "%s: reply larger than %u bytes", req,
				       SYNC_REPLY_MAX);
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s: %s", req, detail);
	}
}

int sync_http_request(struct sync_http *h, const char *method, const char *target, const char *body,
		      size_t len, struct sync_http_reply *reply, char *err, size_t errlen)
{
	char *url, req[160], message[200];
	CURLcode rc;
	curl_off_t retry = 0;
	long status = 0;
	size_t n;

	memset(reply, 0, sizeof(*reply));
	reply->retry_after_s = -1;
	snprintf(req, sizeof(req), "%s %.120s", method, target);
	n = strlen(h->base) + strlen(target) + 1;
	if ((url = malloc(n)) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "%s: out of memory", req);
	snprintf(url, n, "%s%s", h->base, target);
	h->body.len = 0;
	h->body.too_large = false;
	h->curl_err[0] = '\0';
	if (h->body.buf != NULL)
		h->body.buf[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	if (body != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	}
	rc = curl_easy_perform(h->curl);
	free(url);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0)
		reply->retry_after_s = retry > 86400 * 365 ? 86400 * 365 : (long)retry;
	reply->status = status;
	/* the reply is handed over; the handle starts the next one empty */
	reply->body = h->body.buf != NULL ? h->body.buf : calloc(1, 1);
	reply->len = h->body.len;
	h->body.buf = NULL;
	h->body.len = h->body.cap = 0;
	if (reply->body == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "%s: out of memory", req);
	if (rc != CURLE_OK)
		return transfer_error(h, rc, req, err, errlen);
	if (status != 200) {
		char later[48] = "";
		if (reply->retry_after_s > 0)
			snprintf(later, sizeof(later), " (Retry-After: %ld s)", reply->retry_after_s);
		if (sync_parse_error(reply->body, reply->len, message, sizeof(message)))
			return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s: HTTP %ld: %s%s", req, status, message,
				       later);
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s: HTTP %ld%s", req, status, later);
	}
	return SEUIL_OK;
}
