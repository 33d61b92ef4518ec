/*
 * office_server.c - the office API (docs/office-api.md) over HTTPS with
 * libmicrohttpd and GnuTLS: mutual TLS (the client certificate's common
 * name is the device), four endpoints, size limits, JSON errors.  What the
 * endpoints mean is access/office_store.h's; the faults a test can ask for
 * are office_fault.c's; e-mail is office_mailer.c's.
 *
 * Threads: libmicrohttpd's own pool of worker threads (epoll), each request
 * borrowing one store handle from a pool of as many handles as workers, so
 * no handle is ever used by two threads at once.
 */
#include "office.h"

#include "clock.h"
#include "err.h"
#include "log.h"
#include "office_store.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PEM_MAX (64u << 10)
#define DEVICE_MAX 64

struct store_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct store **all, **idle;
	size_t n, nidle;
};

struct office_server {
	struct MHD_Daemon *daemon;
	struct office_serve_options opt;
	char *cert, *key, *ca; /* PEM texts, kept while the daemon runs */
	struct store_pool pool;
	struct office_mailer *mailer;
	atomic_long fault_left;
	unsigned port;
};

/* per TLS connection: the device its certificate names, checked once */
struct peer {
	int verified; /* 0 not yet, 1 trusted, -1 refused */
	bool requested; /* a request arrived: the handshake went through */
	bool hello;          /* a TLS ClientHello arrived */
	bool refusal_logged; /* verify_client() said why it refused */
	char device[DEVICE_MAX];
	char addr[INET6_ADDRSTRLEN + 8]; /* the client's address, for the log */
};

/* per request: the body as it arrives */
struct request {
	char *body;
	size_t len, cap;
	bool too_large, answered;
	int64_t started_ms;
};

/* what a handler answers; body is malloc'd JSON (or NULL with error set) */
struct answer {
	unsigned status;
	char *body;
	const char *error;
	char message[256];
	int retry_after;
	const char *allow; /* the Allow header of a 405 */
};

/* ---- the store handles ------------------------------------------------ */

static struct store *pool_take(struct store_pool *p)
{
	struct store *st;

	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0)
		pthread_cond_wait(&p->freed, &p->lock);
	st = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->lock);
	return st;
}

static void pool_give(struct store_pool *p, struct store *st)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = st;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

static int pool_open(struct store_pool *p, const char *db, size_t n, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->all = calloc(n, sizeof(*p->all));
	p->idle = calloc(n, sizeof(*p->idle));
	if (p->all == NULL || p->idle == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	for (p->n = 0; p->n < n; p->n++) {
		if ((rc = office_store_open(db, p->n == 0 ? STORE_CREATE : 0, &p->all[p->n], err, errlen)) != SEUIL_OK)
			return rc;
		p->idle[p->nidle++] = p->all[p->n];
	}
	return SEUIL_OK;
}

static void pool_close(struct store_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		store_free(p->all[i]);
	free(p->all);
	free(p->idle);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

/* ---- answers ----------------------------------------------------------- */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, int retry_after)
{
	enum MHD_Result ret;
	char value[16];

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (retry_after > 0) {
		snprintf(value, sizeof(value), "%d", retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, value);
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* {"error": "..."}: jansson escapes the message (which may quote a client's bytes) */
static char *error_json(const char *message)
{
	json_t *obj = json_pack("{ss}", "error", message);
	char *text = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;

	json_decref(obj);
	return text != NULL ? text : strdup("{\"error\":\"error\"}");
}

static enum MHD_Result send_answer(struct MHD_Connection *c, struct answer *a)
{
	struct MHD_Response *r;

	if (a->body == NULL)
		a->body = error_json(a->error != NULL ? a->error : a->message);
	if (a->body == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(a->body), a->body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(a->body);
		a->body = NULL;
		return MHD_NO;
	}
	a->body = NULL; /* the response owns it */
	if (a->allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, a->allow);
	return queue(c, a->status, r, a->retry_after);
}

static void fail_with(struct answer *a, unsigned status, const char *message, int retry_after)
{
	a->status = status;
	a->error = NULL;
	snprintf(a->message, sizeof(a->message), "%s", message);
	a->retry_after = retry_after;
}

/* the HTTP status of a store error */
static void store_failed(struct answer *a, int rc, const char *err)
{
	switch (rc) {
	case SEUIL_ERR_INVALID:
		fail_with(a, MHD_HTTP_BAD_REQUEST, err, 0);
		break;
	case SEUIL_ERR_DENIED:
		fail_with(a, MHD_HTTP_FORBIDDEN, err, 0);
		break;
	case SEUIL_ERR_TOO_LARGE:
		fail_with(a, MHD_HTTP_CONTENT_TOO_LARGE, err, 0);
		break;
	case SEUIL_ERR_BUSY:
		fail_with(a, MHD_HTTP_SERVICE_UNAVAILABLE, "the office's database is busy", 1);
		break;
	case SEUIL_ERR_NOT_FOUND:
		fail_with(a, MHD_HTTP_SERVICE_UNAVAILABLE, err, 60);
		break;
	default:
		log_error("%s", err);
		fail_with(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the office could not answer", 0);
		break;
	}
}

/* ---- who is asking ----------------------------------------------------- */

static bool device_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n >= DEVICE_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

/* whether crt names TLS client authentication among its extended key usages */
static bool has_client_auth(gnutls_x509_crt_t crt)
{
	char oid[128];

	for (unsigned i = 0;; i++) {
		size_t size = sizeof(oid);
		int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, NULL);
		if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue; /* not the one sought, whatever it is */
		if (rc != GNUTLS_E_SUCCESS)
			return false; /* the end of the list, or no such extension */
		if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0)
			return true;
	}
}

/*
 * The device of a TLS connection: a client certificate that the site CA
 * signed, made for TLS clients (extended key usage clientAuth), whose
 * common name is a device id.
 */
static int peer_device(struct MHD_Connection *c, char device[DEVICE_MAX], const char **why)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t session;
	const gnutls_datum_t *chain;
	gnutls_x509_crt_t crt;
	unsigned status = 0, n = 0;
	size_t size = DEVICE_MAX;
	bool client_auth;
	int rc;

	if (ci == NULL || ci->tls_session == NULL) {
		*why = "not a TLS connection";
		return -1;
	}
	session = (gnutls_session_t)ci->tls_session;
	chain = gnutls_certificate_get_peers(session, &n);
	if (chain == NULL || n == 0) {
		*why = "no client certificate";
		return -1;
	}
	if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS || status != 0) {
		*why = "client certificate not trusted";
		return -1;
	}
	if (gnutls_x509_crt_init(&crt) != GNUTLS_E_SUCCESS) {
		*why = "out of memory";
		return -1;
	}
	rc = gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER);
	client_auth = rc == GNUTLS_E_SUCCESS && has_client_auth(crt);
	if (rc == GNUTLS_E_SUCCESS)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, device, &size);
	gnutls_x509_crt_deinit(crt);
	if (rc == GNUTLS_E_SUCCESS && !client_auth) {
		/* the office's own certificate, say: the site CA made it, but not for a kiosk */
		*why = "the client certificate is not a device's (no clientAuth extended key usage)";
		return -1;
	}
	if (rc != GNUTLS_E_SUCCESS || strlen(device) != size || !device_id_ok(device)) {
		*why = "the client certificate's common name is not a device id";
		return -1;
	}
	return 0;
}

/* without TLS (tests on loopback): ?device=, X-Seuil-Device, the body's "device", else "loopback" */
static void insecure_device(struct MHD_Connection *c, const struct request *rq, char device[DEVICE_MAX])
{
	const char *id = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "device");
	json_t *body = NULL;

	if (id == NULL)
		id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Seuil-Device");
	if (id == NULL && rq->len > 0 && (body = json_loadb(rq->body, rq->len, 0, NULL)) != NULL)
		id = json_string_value(json_object_get(body, "device"));
	snprintf(device, DEVICE_MAX, "%s", id != NULL && device_id_ok(id) ? id : "loopback");
	json_decref(body);
}

/* the client's address as text ("?" when unknown) */
static void client_address(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, host, sizeof(host));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, host, sizeof(host));
	snprintf(buf, len, "%s", host);
}

static struct peer *connection_peer(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * GnuTLS's check of a client certificate during the handshake (what
 * gnutls_session_set_verify_cert() does), which also logs a refusal at
 * warning level with the client's address and the reason: libmicrohttpd
 * logs a failed handshake at debug level, without either.
 */
static int verify_client(gnutls_session_t session)
{
	struct MHD_Connection *c = gnutls_session_get_ptr(session);
	struct peer *peer = c != NULL ? connection_peer(c) : NULL;
	gnutls_datum_t text = { NULL, 0 };
	unsigned status = 0;
	int rc = gnutls_certificate_verify_peers2(session, &status);

	if (rc == GNUTLS_E_SUCCESS && status == 0)
		return 0;
	if (peer == NULL)
		return -1;
	if (rc == GNUTLS_E_NO_CERTIFICATE_FOUND)
		log_warn("%s: TLS handshake refused: no client certificate", peer->addr);
	else if (rc != GNUTLS_E_SUCCESS)
		log_warn("%s: TLS handshake refused: client certificate: %s", peer->addr, gnutls_strerror(rc));
	else if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) == GNUTLS_E_SUCCESS) {
		size_t len = strlen((const char *)text.data);
		while (len > 0 && text.data[len - 1] == ' ')
			text.data[--len] = '\0';
		log_warn("%s: TLS handshake refused: client certificate: %s", peer->addr, (const char *)text.data);
		gnutls_free(text.data);
	} else {
		log_warn("%s: TLS handshake refused: client certificate not trusted", peer->addr);
	}
	peer->refusal_logged = true;
	return -1;
}

/*
 * A connection closed before any request, whose refusal verify_client()
 * did not log (GnuTLS refuses a handshake without a client certificate
 * before asking it): a warning with the client's address.  A client that
 * connected and left without a word is not worth one.
 */
static void log_refused_handshake(struct MHD_Connection *c, const struct peer *peer)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t session;
	unsigned n = 0;

	if (peer->refusal_logged || ci == NULL || ci->tls_session == NULL)
		return;
	session = (gnutls_session_t)ci->tls_session;
	if (!peer->hello) {
		log_debug("%s: connection closed before a TLS handshake", peer->addr);
		return;
	}
	if (gnutls_certificate_get_peers(session, &n) == NULL || n == 0)
		log_warn("%s: TLS handshake refused: no client certificate", peer->addr);
	else
		log_warn("%s: TLS handshake failed", peer->addr);
}

/* a ClientHello arrived: the client speaks TLS */
static int hello_seen(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
		      const gnutls_datum_t *msg)
{
	struct MHD_Connection *c = gnutls_session_get_ptr(session);
	struct peer *peer = c != NULL ? connection_peer(c) : NULL;

	(void)htype, (void)when, (void)incoming, (void)msg;
	if (peer != NULL)
		peer->hello = true;
	return 0;
}

/* asks GnuTLS to refuse, during the handshake, a client without a certificate the site CA signed */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct office_server *srv = cls;
	const union MHD_ConnectionInfo *ci;
	struct peer *peer;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		peer = *socket_context;
		if (peer != NULL && !peer->requested && !srv->opt.insecure_http)
			log_refused_handshake(c, peer);
		free(peer);
		*socket_context = NULL;
		return;
	}
	*socket_context = peer = calloc(1, sizeof(struct peer));
	if (peer != NULL)
		client_address(c, peer->addr, sizeof(peer->addr));
	if (srv->opt.insecure_http)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci != NULL && ci->tls_session != NULL) {
		gnutls_session_t session = (gnutls_session_t)ci->tls_session;
		gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
		/* libmicrohttpd keeps its connection as the session's pointer: then the
		 * check can say whom it refused; else GnuTLS checks alone, as quietly */
		if (gnutls_session_get_ptr(session) == (void *)c) {
			gnutls_session_set_verify_function(session, verify_client);
			gnutls_handshake_set_hook_function(session, GNUTLS_HANDSHAKE_CLIENT_HELLO, GNUTLS_HOOK_POST,
							   hello_seen);
		} else
			gnutls_session_set_verify_cert(session, NULL, 0);
	}
}

/* ---- the endpoints ----------------------------------------------------- */

static void get_directory(struct store *st, struct MHD_Connection *c, const char *device, struct answer *a)
{
	const char *cursor = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cursor");
	char err[512] = "";
	size_t len;
	int rc = office_directory_reply(st, device, cursor, clock_wall_ms(), &a->body, &len, err, sizeof(err));

	if (rc != SEUIL_OK)
		store_failed(a, rc, err);
}

static void post_events(struct office_server *srv, struct store *st, const struct request *rq, const char *device,
			struct answer *a)
{
	char err[512] = "";
	int64_t acked = 0;
	int rc = office_store_events(st, device, rq->body != NULL ? rq->body : "", rq->len, clock_wall_ms(), &acked, err,
				     sizeof(err));

	if (rc == SEUIL_ERR_CONFLICT) {
		/* 409 with the newest sequence stored: the kiosk renumbers after it */
		json_t *obj = json_pack("{ss sI}", "error", err, "newest_seq", (json_int_t)acked);
		a->status = MHD_HTTP_CONFLICT;
		a->body = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;
		json_decref(obj);
		log_warn("%s: %s", device, err);
		return;
	}
	if (rc != SEUIL_OK) {
		store_failed(a, rc, err);
		return;
	}
	office_mailer_wake(srv->mailer);
	if ((a->body = malloc(48)) != NULL)
		snprintf(a->body, 48, "{\"acked_seq\":%lld}", (long long)acked);
}

static void get_commands(struct store *st, const char *device, struct answer *a)
{
	char err[512] = "";
	size_t len;
	int rc = office_device_touch(st, device, clock_wall_ms(), -1, err, sizeof(err));

	if (rc != SEUIL_OK) /* bookkeeping: the commands are still answered */
		log_warn("recording %s: %s", device, err);
	err[0] = '\0';
	rc = office_commands_json(st, device, &a->body, &len, err, sizeof(err));
	if (rc != SEUIL_OK)
		store_failed(a, rc, err);
}

static void post_ack(struct store *st, const struct request *rq, const char *device, struct answer *a)
{
	char err[512] = "";
	int64_t acked = 0;
	int rc = office_commands_ack(st, device, rq->body != NULL ? rq->body : "", rq->len, clock_wall_ms(), &acked,
				     err, sizeof(err));

	if (rc != SEUIL_OK) {
		store_failed(a, rc, err);
		return;
	}
	if ((a->body = malloc(40)) != NULL)
		snprintf(a->body, 40, "{\"acked\":%lld}", (long long)acked);
}

static const struct route {
	const char *path, *method;
	bool body;
} routes[] = {
	{ "/v1/directory", MHD_HTTP_METHOD_GET, false },
	{ "/v1/events", MHD_HTTP_METHOD_POST, true },
	{ "/v1/commands", MHD_HTTP_METHOD_GET, false },
	{ "/v1/commands/ack", MHD_HTTP_METHOD_POST, true },
};

/*
 * The route of url and method; *allow says which method the path takes
 * when it exists (NULL when it does not): with another method, a 405.
 */
static int route_of(const char *url, const char *method, const char **allow)
{
	*allow = NULL;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(url, routes[i].path) != 0)
			continue;
		*allow = routes[i].method; /* one method per path */
		if (strcmp(method, routes[i].method) == 0)
			return (int)i;
	}
	return -1;
}

/* a request body's Content-Type is JSON: "application/json", parameters allowed */
static bool json_content_type(struct MHD_Connection *c)
{
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", n) != 0)
		return false;
	return type[n] == '\0' || type[n] == ';' || type[n] == ' ' || type[n] == '\t';
}

static void dispatch(struct office_server *srv, int route, struct MHD_Connection *c, const struct request *rq,
		     const char *device, struct answer *a)
{
	struct store *st = pool_take(&srv->pool);

	a->status = MHD_HTTP_OK;
	switch (route) {
	case 0:
		get_directory(st, c, device, a);
		break;
	case 1:
		post_events(srv, st, rq, device, a);
		break;
	case 2:
		get_commands(st, device, a);
		break;
	default:
		post_ack(st, rq, device, a);
		break;
	}
	pool_give(&srv->pool, st);
	if (a->status == MHD_HTTP_OK && a->body == NULL)
		fail_with(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", 0);
}

/* true when the fault applies to this request (and counts it) */
static bool fault_due(struct office_server *srv, const char *url, int route)
{
	if (srv->opt.fault == OFFICE_FAULT_NONE || route < 0)
		return false;
	if (srv->opt.fault_path != NULL && strncmp(url, srv->opt.fault_path, strlen(srv->opt.fault_path)) != 0)
		return false;
	if (srv->opt.fault == OFFICE_FAULT_CLOSE_MID_BATCH && route != 1)
		return false;
	if (srv->opt.fault_count < 0)
		return true;
	return atomic_fetch_sub(&srv->fault_left, 1) > 0;
}

/* the request is complete: answer it */
static enum MHD_Result answer_request(struct office_server *srv, struct MHD_Connection *c, const char *url,
				      const char *method, struct request *rq, const char *device)
{
	struct answer a = { 0 };
	const char *allow;
	int route = route_of(url, method, &allow);
	bool fault = !rq->too_large && fault_due(srv, url, route);
	char message[96];
	enum MHD_Result ret;

	if (route < 0 && allow != NULL) {
		snprintf(message, sizeof(message), "%s takes %s only", url, allow);
		fail_with(&a, MHD_HTTP_METHOD_NOT_ALLOWED, message, 0);
		a.allow = allow;
	} else if (route < 0) {
		fail_with(&a, MHD_HTTP_NOT_FOUND, "no such endpoint", 0);
	} else if (rq->too_large) {
		fail_with(&a, MHD_HTTP_CONTENT_TOO_LARGE, "request body larger than 8 MiB", 0);
	} else if (routes[route].body && !json_content_type(c)) {
		fail_with(&a, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "the request body must be JSON (Content-Type: application/json)",
			  0);
	} else if (fault && srv->opt.fault != OFFICE_FAULT_TRUNCATED_JSON &&
		   srv->opt.fault != OFFICE_FAULT_CLOSE_MID_BATCH) {
		unsigned status = MHD_HTTP_OK;
		struct MHD_Response *r = office_fault_response(srv->opt.fault, url, &status);
		log_debug("%s %s from %s: fault %u", method, url, device, status);
		return queue(c, status, r, srv->opt.fault == OFFICE_FAULT_HTTP_429 ? 2 : 0);
	} else {
		dispatch(srv, route, c, rq, device, &a);
		if (fault && srv->opt.fault == OFFICE_FAULT_CLOSE_MID_BATCH) {
			free(a.body);
			log_debug("%s %s from %s: stored, connection closed (fault)", method, url, device);
			return MHD_NO;
		}
		if (fault && a.status == MHD_HTTP_OK && a.body != NULL)
			a.body[strlen(a.body) / 2] = '\0'; /* truncated-json */
	}
	log_debug("%s %s from %s: %u in %lld ms", method, url, device, a.status,
		  (long long)(clock_mono_ms() - rq->started_ms));
	ret = send_answer(c, &a);
	free(a.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct office_server *srv = cls;
	struct request *rq = *con_cls;
	struct peer *peer = connection_peer(c);
	struct answer a = { 0 };
	char device[DEVICE_MAX] = "";
	const char *why = NULL, *length;

	(void)version;
	if (rq == NULL) { /* the headers: check who asks and how much it will send */
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		rq->started_ms = clock_mono_ms();
		*con_cls = rq;
		if (peer != NULL)
			peer->requested = true;
		if (!srv->opt.insecure_http && (peer == NULL || peer->verified == 0)) {
			int ok = peer_device(c, device, &why) == 0;
			if (peer != NULL) {
				peer->verified = ok ? 1 : -1;
				snprintf(peer->device, sizeof(peer->device), "%s", device);
			}
			if (!ok)
				log_warn("%s: %s %s refused: %s", peer != NULL ? peer->addr : "?", method, url, why);
		}
		if (!srv->opt.insecure_http && (peer == NULL || peer->verified != 1)) {
			rq->answered = true;
			fail_with(&a, MHD_HTTP_FORBIDDEN, why != NULL ? why : "client certificate refused", 0);
			return send_answer(c, &a);
		}
		length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length != NULL && strtoull(length, NULL, 10) > OFFICE_BODY_MAX) {
			rq->answered = true;
			fail_with(&a, MHD_HTTP_CONTENT_TOO_LARGE, "request body larger than 8 MiB", 0);
			return send_answer(c, &a);
		}
		return MHD_YES;
	}
	if (*upload_size > 0) { /* a piece of the body: kept up to the limit, then dropped */
		size_t n = *upload_size;
		*upload_size = 0;
		if (rq->answered || rq->too_large)
			return MHD_YES;
		if (rq->len + n > OFFICE_BODY_MAX) {
			rq->too_large = true;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		if (rq->len + n + 1 > rq->cap) {
			size_t cap = rq->cap ? rq->cap : 16384;
			char *grown;
			while (cap < rq->len + n + 1)
				cap *= 2;
			if ((grown = realloc(rq->body, cap)) == NULL)
				return MHD_NO;
			rq->body = grown;
			rq->cap = cap;
		}
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		rq->body[rq->len] = '\0';
		return MHD_YES;
	}
	if (rq->answered)
		return MHD_YES;
	rq->answered = true;
	if (srv->opt.insecure_http)
		insecure_device(c, rq, device);
	else
		snprintf(device, sizeof(device), "%s", peer->device);
	return answer_request(srv, c, url, method, rq, device);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode code)
{
	struct request *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)code;
	if (rq != NULL) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	/* refused handshakes land here: interesting when debugging, noise otherwise */
	log_debug("libmicrohttpd: %s", line);
}

/* ---- start and stop ---------------------------------------------------- */

static int read_pem(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	buf = malloc(PEM_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > PEM_MAX) {
		free(buf);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: empty or larger than %u bytes", path, PEM_MAX);
	}
	buf[n] = '\0';
	*out = buf;
	return SEUIL_OK;
}

static int listen_address(const struct office_serve_options *opt, struct sockaddr_storage *sa, unsigned *flags,
			  char *err, size_t errlen)
{
	const char *host = opt->insecure_http ? "127.0.0.1" : opt->listen;
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)opt->port);
		return SEUIL_OK;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)opt->port);
		*flags |= MHD_USE_IPv6;
		return SEUIL_OK;
	}
	return err_set(err, errlen, SEUIL_ERR_INVALID, "listen address \"%s\" is not an IPv4 or IPv6 address", host);
}

void office_server_stop(struct office_server *srv)
{
	if (srv == NULL)
		return;
	office_fault_stop();
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	office_mailer_stop(srv->mailer);
	pool_close(&srv->pool);
	free(srv->cert);
	free(srv->key);
	free(srv->ca);
	free(srv);
}

int office_server_start(const struct office_serve_options *opt, struct office_server **out, char *err,
			size_t errlen)
{
	/* TLS 1.2 and later (docs/office-api.md) */
	static const char priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
	struct office_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	unsigned threads = opt->threads > 0 ? opt->threads : 4;
	const union MHD_DaemonInfo *info;
	int rc;

	if (srv == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	srv->opt = *opt;
	atomic_init(&srv->fault_left, opt->fault_count);
	if ((rc = listen_address(opt, &sa, &flags, err, errlen)) != SEUIL_OK ||
	    (rc = pool_open(&srv->pool, opt->db, threads, err, errlen)) != SEUIL_OK ||
	    (!opt->insecure_http && ((rc = read_pem(opt->cert, &srv->cert, err, errlen)) != SEUIL_OK ||
				     (rc = read_pem(opt->key, &srv->key, err, errlen)) != SEUIL_OK ||
				     (rc = read_pem(opt->ca, &srv->ca, err, errlen)) != SEUIL_OK)) ||
	    (rc = office_mailer_start(opt->db, opt->mail, &srv->mailer, err, errlen)) != SEUIL_OK)
		goto fail;
	if (opt->insecure_http) {
		srv->daemon = MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, srv,
					       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_SOCK_ADDR,
					       (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
					       MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s, MHD_OPTION_NOTIFY_CONNECTION,
					       on_connection, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
					       MHD_OPTION_END);
	} else {
		srv->daemon = MHD_start_daemon(
			flags | MHD_USE_TLS, (uint16_t)opt->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
			mhd_log, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_HTTPS_MEM_CERT, srv->cert,
			MHD_OPTION_HTTPS_MEM_KEY, srv->key, MHD_OPTION_HTTPS_MEM_TRUST, srv->ca,
			MHD_OPTION_HTTPS_PRIORITIES, priorities, MHD_OPTION_THREAD_POOL_SIZE, threads,
			MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
			MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
	}
	if (srv->daemon == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_IO,
			     "cannot listen on %s port %u (in use, or a certificate or key that does not load)",
			     opt->insecure_http ? "127.0.0.1" : opt->listen, opt->port);
		goto fail;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : opt->port;
	*out = srv;
	return SEUIL_OK;
fail:
	office_server_stop(srv);
	return rc;
}

unsigned office_server_port(const struct office_server *srv)
{
	return srv->port;
}
