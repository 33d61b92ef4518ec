/*
 * caldav_http.c - the calendars' transport: one libcurl easy handle with
 * the TLS, credential, time and size rules of caldav_http.h.  It knows
 * nothing of WebDAV or iCalendar; caldav.c and ics_feed.c say what to send
 * and what a reply means.
 */
#include "caldav_http.h"

#include "err.h"
#include "sync_http.h"
#include "sync_store.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LOW_SPEED_BYTES 100 /* a reply slower than this ... */
#define LOW_SPEED_S 30      /* ... for this long is cut off (as sync_http.c) */

struct caldav_http {
	CURL *curl;
	char *ca, *user, *password;
	bool insecure_loopback;
	int (*tick)(void *ctx);
	void *tick_ctx;
	char curl_err[CURL_ERROR_SIZE];
	/* the reply being received */
	struct sync_body body;
	struct caldav_http_reply *reply;
};

int caldav_url_check(const char *url, bool insecure_loopback, bool *plain, char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL;
	int rc = SEUIL_OK;

	if (url == NULL || url[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no calendar URL");
	if ((u = curl_url()) == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "calendar URL \"%.200s\" is not a URL", url);
		goto done;
	}
	curl_url_get(u, CURLUPART_USER, &user, 0);
	if (user != NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID,
			     "calendar URL: no credentials in the URL ([sync] calendar_user and calendar_password_file)");
	} else if (strcmp(scheme, "https") == 0) {
		*plain = false;
	} else if (strcmp(scheme, "http") != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "calendar URL: %s:// is not https://", scheme);
	} else if (!insecure_loopback || !sync_http_loopback_host(host)) {
		rc = err_set(err, errlen, SEUIL_ERR_DENIED,
			     "refusing plain http:// to %s: calendars are reached over https:// only", host);
	} else {
		*plain = true;
	}
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

/* scheme://host:port of a parsed URL, with the scheme's default port made explicit */
static int origin_of(CURLU *u, char *buf, size_t len)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;

	if (ok)
		snprintf(buf, len, "%s://%s:%s", scheme, host, port);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return ok;
}

int caldav_url_resolve(const char *base, const char *href, char **out, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char before[400], after[400], *full = NULL;
	int rc = SEUIL_OK;

	if (u == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK || !origin_of(u, before, sizeof(before)) ||
	    curl_url_set(u, CURLUPART_URL, href, 0) != CURLUE_OK || !origin_of(u, after, sizeof(after)) ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "the server named \"%.200s\", which is not a URL", href);
	} else if (strcasecmp(before, after) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_DENIED,
			     "the server points to %.200s, another server than the calendar's: refused", after);
	} else if ((*out = strdup(full)) == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	curl_free(full);
	curl_url_cleanup(u);
	return rc;
}

/* keeps the value of header `name` (trimmed) in dst when it fits; a new status line empties them */
static void keep_header(const char *line, size_t n, const char *name, char *dst, size_t dstlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)line[i] < 0x20)
			return;
	}
	if (n < dstlen) {
		memcpy(dst, line, n);
		dst[n] = '\0';
	}
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct caldav_http *h = ctx;
	size_t bytes = size * n;
	struct caldav_http_reply *r = h->reply;

	if (bytes >= 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new reply (after a 100 Continue) */
		r->etag[0] = r->last_modified[0] = r->location[0] = '\0';
		return bytes;
	}
	keep_header(data, bytes, "ETag", r->etag, sizeof(r->etag));
	keep_header(data, bytes, "Last-Modified", r->last_modified, sizeof(r->last_modified));
	keep_header(data, bytes, "Location", r->location, sizeof(r->location));
	return bytes;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct caldav_http *h = ctx;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return h->tick != NULL ? h->tick(h->tick_ctx) : 0;
}

static char *copy(const char *s)
{
	return strdup(s != NULL ? s : "");
}

int caldav_http_new(const struct caldav_http_options *o, struct caldav_http **out, char *err, size_t errlen)
{
	struct caldav_http *h;
	CURLcode rc = CURLE_OK;
	long low_time = o->transfer_timeout_s < LOW_SPEED_S ? (long)o->transfer_timeout_s : LOW_SPEED_S;

	if (o->ca != NULL && o->ca[0] != '\0' && access(o->ca, R_OK) != 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read [sync] calendar_ca %s: %s", o->ca,
			       strerror(errno));
	if ((h = calloc(1, sizeof(*h))) == NULL || (h->ca = copy(o->ca)) == NULL ||
	    (h->user = copy(o->user)) == NULL || (h->password = copy(o->password)) == NULL ||
	    (h->curl = curl_easy_init()) == NULL) {
		caldav_http_free(h);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	h->insecure_loopback = o->insecure_loopback;
	h->tick = o->tick;
	h->tick_ctx = o->tick_ctx;
#define SET(opt, val) \
	if (rc == CURLE_OK) \
	rc = curl_easy_setopt(h->curl, opt, val)
	SET(CURLOPT_ERRORBUFFER, h->curl_err);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	SET(CURLOPT_TIMEOUT, (long)o->transfer_timeout_s);
	SET(CURLOPT_LOW_SPEED_LIMIT, (long)LOW_SPEED_BYTES);
	SET(CURLOPT_LOW_SPEED_TIME, low_time);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)SYNC_REPLY_MAX);
	SET(CURLOPT_WRITEFUNCTION, sync_body_write);
	SET(CURLOPT_WRITEDATA, &h->body);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, h);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, h);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_USERAGENT, "seuil-sync/1");
	SET(CURLOPT_ACCEPT_ENCODING, ""); /* gzip when the server offers it; the cap counts decoded bytes */
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca[0] != '\0') {
		SET(CURLOPT_CAINFO, h->ca);
		SET(CURLOPT_CAPATH, NULL); /* that CA alone */
	}
#undef SET
	if (rc != CURLE_OK) {
		caldav_http_free(h);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "libcurl refused an option: %s", curl_easy_strerror(rc));
	}
	*out = h;
	return SEUIL_OK;
}

void caldav_http_free(struct caldav_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	if (h->password != NULL) {
		explicit_bzero(h->password, strlen(h->password));
		free(h->password);
	}
	free(h->user);
	free(h->ca);
	free(h->body.buf);
	free(h);
}

void caldav_http_reply_release(struct caldav_http_reply *reply)
{
	if (reply == NULL)
		return;
	free(reply->body);
	reply->body = NULL;
	reply->len = 0;
}

static int transfer_error(struct caldav_http *h, CURLcode rc, const char *req, char *err, size_t errlen)
{
	const char *detail = h->curl_err[0] != '\0' ? h->curl_err : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(err, errlen, SEUIL_ERR_TIMEOUT, "%s: timed out: %s", req, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "%s: the server's certificate is refused ([sync] calendar_ca, host name): %s", req,
			       detail);
	case CURLE_SSL_CACERT_BADFILE:
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

/* appends "Name: value" to *list; false when out of memory */
static bool header(struct curl_slist **list, const char *name, const char *value)
{
	char line[400];
	struct curl_slist *more;

	if (value == NULL)
		return true;
	if (value[0] == '\0') /* "Name:" removes a header libcurl would add */
		snprintf(line, sizeof(line), "%s:", name);
	else
		snprintf(line, sizeof(line), "%s: %s", name, value);
	if ((more = curl_slist_append(*list, line)) == NULL)
		return false;
	*list = more;
	return true;
}

int caldav_http_send(struct caldav_http *h, const struct caldav_http_request *req, struct caldav_http_reply *reply,
		     char *err, size_t errlen)
{
	struct curl_slist *headers = NULL;
	char what[200];
	bool plain = false;
	CURLcode rc;
	long status = 0;
	int ret;

	memset(reply, 0, sizeof(*reply));
	snprintf(what, sizeof(what), "%s %.160s", req->method, req->url);
	if ((ret = caldav_url_check(req->url, h->insecure_loopback, &plain, err, errlen)) != SEUIL_OK)
		return ret;
	/* values with a line break would be headers of their own */
	if ((req->if_none_match != NULL && strpbrk(req->if_none_match, "\r\n") != NULL) ||
	    (req->if_modified_since != NULL && strpbrk(req->if_modified_since, "\r\n") != NULL))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: a stored validator holds a line break", what);
	if (!header(&headers, "Depth", req->depth) || !header(&headers, "If-None-Match", req->if_none_match) ||
	    !header(&headers, "If-Modified-Since", req->if_modified_since) ||
	    !header(&headers, "Content-Type",
		    req->body == NULL		      ? NULL
		    : strcmp(req->method, "PUT") == 0 ? "text/calendar; charset=utf-8"
						      : "application/xml; charset=utf-8") ||
	    !header(&headers, "Accept",
		    strcmp(req->method, "GET") == 0 ? "text/calendar" : "application/xml, text/xml") ||
	    !header(&headers, "Expect", "")) {
		curl_slist_free_all(headers);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	h->body.len = 0;
	h->body.too_large = false;
	h->curl_err[0] = '\0';
	h->reply = reply;
	curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
	/* Basic credentials over TLS only, and to this URL's server only (no redirect is followed) */
	if (!plain && h->user[0] != '\0') {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, h->user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, h->password);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, NULL);
	}
	if (req->body != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, req->method);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, strcmp(req->method, "GET") == 0 ? NULL : req->method);
	}
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	h->reply = NULL;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	reply->status = status;
	reply->body = h->body.buf != NULL ? h->body.buf : calloc(1, 1);
	reply->len = h->body.len;
	h->body.buf = NULL;
	h->body.len = h->body.cap = 0;
	if (reply->body == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "%s: out of memory", what);
	if (rc != CURLE_OK)
		return transfer_error(h, rc, what, err, errlen);
	return SEUIL_OK;
}
