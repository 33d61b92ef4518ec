/*
 * caldav_xml.c - reads and writes the WebDAV XML of caldav_xml.h with
 * libxml2 (tree API).  It checks shapes and sizes only; what a reply means
 * for a room (a token rejected, items to fetch again) is caldav.c's
 * business.  It never expands an entity, never loads anything from the
 * network and never prints (libxml2's own messages are silenced).
 */
#include "caldav_xml.h"

#include "err.h"
#include "sync_store.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_DAV "DAV:"
#define NS_CALDAV "urn:ietf:params:xml:ns:caldav"

void caldav_xml_init(void)
{
	xmlInitParser();
}

/* an element (ns, name) */
static bool is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *ns, const char *name)
{
	for (const xmlNode *c = parent->children; c != NULL; c = c->next) {
		if (is(c, ns, name))
			return c;
	}
	return NULL;
}

struct parse {
	char *err;
	size_t errlen;
	int rc;
};

/*
 * The text of n (CDATA included) into a new string, trimmed of spaces when
 * trim; at most max bytes; control characters refused when one_line.
 * NULL with p->rc set on a refusal.
 */
static char *text_of(struct parse *p, const xmlNode *n, const char *what, size_t max, bool trim, bool one_line)
{
	xmlChar *raw;
	const char *s;
	size_t len;
	char *out;

	if ((raw = xmlNodeGetContent(n)) == NULL) {
		p->rc = err_set(p->err, p->errlen, SEUIL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	s = (const char *)raw;
	len = strlen(s);
	if (trim) {
		while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++, len--;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
			len--;
	}
	if (len > max) {
		p->rc = err_set(p->err, p->errlen, SEUIL_ERR_TOO_LARGE, "multistatus: %s longer than %zu bytes", what,
				max);
		xmlFree(raw);
		return NULL;
	}
	if (one_line) {
		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
				p->rc = err_set(p->err, p->errlen, SEUIL_ERR_INVALID,
						"multistatus: %s holds a control character", what);
				xmlFree(raw);
				return NULL;
			}
		}
	}
	if ((out = malloc(len + 1)) == NULL) {
		p->rc = err_set(p->err, p->errlen, SEUIL_ERR_NOMEM, "out of memory");
		xmlFree(raw);
		return NULL;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	xmlFree(raw);
	return out;
}

/* "HTTP/1.1 404 Not Found" -> 404; 0 when it is not a status line */
static int status_of(const xmlNode *n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	const char *s;
	int code = 0;

	if (raw == NULL)
		return 0;
	s = (const char *)raw;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (strncmp(s, "HTTP/", 5) == 0) {
		s = strchr(s, ' ');
		if (s != NULL && s[1] >= '1' && s[1] <= '5' && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' &&
		    s[3] <= '9' && (s[4] == ' ' || s[4] == '\0' || s[4] == '\r' || s[4] == '\n'))
			code = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	}
	xmlFree(raw);
	return code;
}

/* sets *dst to the text of n once; a second one is ignored (the first wins) */
static int take(struct parse *p, char **dst, const xmlNode *n, const char *what, size_t max, bool trim,
		bool one_line)
{
	if (*dst != NULL)
		return SEUIL_OK;
	*dst = text_of(p, n, what, max, trim, one_line);
	return *dst != NULL ? SEUIL_OK : p->rc;
}

/* the properties of one 2xx DAV:prop */
static int read_prop(struct parse *p, const xmlNode *prop, struct caldav_response *r)
{
	const xmlNode *href;
	int rc = SEUIL_OK;

	for (const xmlNode *c = prop->children; c != NULL && rc == SEUIL_OK; c = c->next) {
		if (is(c, NS_DAV, "getetag")) {
			rc = take(p, &r->etag, c, "getetag", CALDAV_ETAG_MAX, true, true);
		} else if (is(c, NS_CALDAV, "calendar-data")) {
			rc = take(p, &r->calendar_data, c, "calendar-data", SYNC_REPLY_MAX, false, false);
		} else if (is(c, NS_DAV, "sync-token")) {
			rc = take(p, &r->sync_token, c, "sync-token", CALDAV_TOKEN_MAX, true, true);
		} else if (is(c, NS_DAV, "resourcetype")) {
			r->collection = r->collection || child(c, NS_DAV, "collection") != NULL;
			r->calendar = r->calendar || child(c, NS_CALDAV, "calendar") != NULL;
		} else if (is(c, NS_DAV, "current-user-principal") && (href = child(c, NS_DAV, "href")) != NULL) {
			rc = take(p, &r->principal, href, "current-user-principal", CALDAV_HREF_MAX, true, true);
		} else if (is(c, NS_CALDAV, "calendar-home-set") && (href = child(c, NS_DAV, "href")) != NULL) {
			rc = take(p, &r->home, href, "calendar-home-set", CALDAV_HREF_MAX, true, true);
		}
	}
	return rc;
}

static void response_release(struct caldav_response *r)
{
	free(r->href);
	free(r->etag);
	free(r->calendar_data);
	free(r->sync_token);
	free(r->principal);
	free(r->home);
	memset(r, 0, sizeof(*r));
}

static int read_response(struct parse *p, const xmlNode *resp, struct caldav_multistatus *ms)
{
	struct caldav_response r;
	const xmlNode *href = child(resp, NS_DAV, "href"), *st;
	int rc = SEUIL_OK, first_any = 0, first_ok = 0;

	memset(&r, 0, sizeof(r));
	if ((st = child(resp, NS_DAV, "status")) != NULL)
		r.status = status_of(st);
	if (r.status == 507) { /* the server's limit: more to ask for (RFC 6578 3.6) */
		ms->truncated = true;
		return SEUIL_OK;
	}
	if (href == NULL)
		return err_set(p->err, p->errlen, SEUIL_ERR_INVALID, "multistatus: a response without href");
	if ((rc = take(p, &r.href, href, "href", CALDAV_HREF_MAX, true, true)) != SEUIL_OK)
		return rc;
	if (r.href[0] == '\0') {
		free(r.href);
		return err_set(p->err, p->errlen, SEUIL_ERR_INVALID, "multistatus: an empty href");
	}
	for (const xmlNode *ps = resp->children; ps != NULL && rc == SEUIL_OK; ps = ps->next) {
		const xmlNode *prop, *pst;
		int code;
		if (!is(ps, NS_DAV, "propstat"))
			continue;
		pst = child(ps, NS_DAV, "status");
		code = pst != NULL ? status_of(pst) : 0;
		if (first_any == 0)
			first_any = code;
		if (code < 200 || code > 299)
			continue;
		if (first_ok == 0)
			first_ok = code;
		if ((prop = child(ps, NS_DAV, "prop")) != NULL)
			rc = read_prop(p, prop, &r);
	}
	if (r.status == 0)
		r.status = first_ok != 0 ? first_ok : first_any;
	if (rc != SEUIL_OK) {
		response_release(&r);
		return rc;
	}
	if (ms->count == CALDAV_RESPONSES_MAX) {
		response_release(&r);
		return err_set(p->err, p->errlen, SEUIL_ERR_TOO_LARGE, "multistatus: more than %d responses",
			       CALDAV_RESPONSES_MAX);
	}
	if (ms->count % 64 == 0) {
		struct caldav_response *grown = realloc(ms->items, (ms->count + 64) * sizeof(*grown));
		if (grown == NULL) {
			response_release(&r);
			return err_set(p->err, p->errlen, SEUIL_ERR_NOMEM, "out of memory");
		}
		ms->items = grown;
	}
	ms->items[ms->count++] = r;
	return SEUIL_OK;
}

/* a document of at most SYNC_REPLY_MAX bytes, without DTD, parsed quietly; NULL with err set */
static xmlDoc *read_doc(const char *body, size_t len, const char *what, char *err, size_t errlen, int *rc)
{
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	*rc = SEUIL_OK;
	if (len > SYNC_REPLY_MAX || len > INT_MAX) {
		*rc = err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "%s: larger than %u bytes", what, SYNC_REPLY_MAX);
		return NULL;
	}
	if (len == 0 || body == NULL) {
		*rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: empty reply", what);
		return NULL;
	}
	/* a DAV reply never declares a document type; one could declare entities */
	if (memmem(body, len, "<!DOCTYPE", 9) != NULL || memmem(body, len, "<!ENTITY", 8) != NULL) {
		*rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: a document type declaration is not accepted", what);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		*rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL || doc->intSubset != NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "not well-formed";
		if (e != NULL && e->message != NULL) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\r\n")] = '\0';
		}
		if (doc != NULL)
			snprintf(msg, sizeof(msg), "a document type declaration is not accepted");
		*rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: malformed XML (line %d): %s", what,
			      e != NULL ? e->line : 0, msg);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int caldav_parse_multistatus(const char *body, size_t len, struct caldav_multistatus *out, char *err,
			     size_t errlen)
{
	struct caldav_multistatus ms;
	struct parse p = { err, errlen, SEUIL_OK };
	const xmlNode *root;
	xmlDoc *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ms, 0, sizeof(ms));
	if ((doc = read_doc(body, len, "multistatus", err, errlen, &rc)) == NULL)
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!is(root, NS_DAV, "multistatus")) {
		xmlFreeDoc(doc);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the reply is not a DAV:multistatus");
	}
	for (const xmlNode *c = root->children; c != NULL && rc == SEUIL_OK; c = c->next) {
		if (is(c, NS_DAV, "response"))
			rc = read_response(&p, c, &ms);
		else if (is(c, NS_DAV, "sync-token"))
			rc = take(&p, &ms.sync_token, c, "sync-token", CALDAV_TOKEN_MAX, true, true);
	}
	xmlFreeDoc(doc);
	if (rc != SEUIL_OK) {
		caldav_multistatus_release(&ms);
		return rc;
	}
	*out = ms;
	return SEUIL_OK;
}

void caldav_multistatus_release(struct caldav_multistatus *ms)
{
	if (ms == NULL)
		return;
	for (size_t i = 0; i < ms->count; i++)
		response_release(&ms->items[i]);
	free(ms->items);
	free(ms->sync_token);
	memset(ms, 0, sizeof(*ms));
}

bool caldav_error_has(const char *body, size_t len, const char *ns, const char *name)
{
	char err[8];
	int rc;
	xmlDoc *doc = read_doc(body, len, "error", err, sizeof(err), &rc);
	const xmlNode *root;
	bool found;

	if (doc == NULL)
		return false;
	root = xmlDocGetRootElement(doc);
	found = is(root, NS_DAV, "error") && child(root, ns, name) != NULL;
	xmlFreeDoc(doc);
	return found;
}

/* ---- request bodies ---- */

/* the document, serialized; frees doc */
static char *dump(xmlDoc *doc, size_t *len)
{
	xmlChar *mem = NULL;
	char *out = NULL;
	int n = 0;

	if (doc == NULL)
		return NULL;
	xmlDocDumpMemoryEnc(doc, &mem, &n, "UTF-8");
	xmlFreeDoc(doc);
	if (mem != NULL && n > 0 && (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, mem, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	}
	xmlFree(mem);
	return out;
}

struct body {
	xmlDoc *doc;
	xmlNs *dav, *cal;
	bool failed;
};

static xmlNode *add(struct body *b, xmlNode *parent, xmlNs *ns, const char *name, const char *text)
{
	xmlNode *n;

	if (b->failed)
		return NULL;
	n = parent != NULL ? xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text)
			   : xmlNewDocNode(b->doc, ns, (const xmlChar *)name, NULL);
	if (n == NULL)
		b->failed = true;
	return n;
}

/* a document whose root is (ns_root, root), declaring DAV: as D and caldav as C */
static xmlNode *start(struct body *b, bool root_is_caldav, const char *root)
{
	xmlNode *r;

	memset(b, 0, sizeof(*b));
	if ((b->doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (r = xmlNewDocNode(b->doc, NULL, (const xmlChar *)root, NULL)) == NULL) {
		xmlFreeDoc(b->doc);
		b->doc = NULL;
		return NULL;
	}
	xmlDocSetRootElement(b->doc, r);
	b->dav = xmlNewNs(r, (const xmlChar *)NS_DAV, (const xmlChar *)"D");
	b->cal = xmlNewNs(r, (const xmlChar *)NS_CALDAV, (const xmlChar *)"C");
	if (b->dav == NULL || b->cal == NULL) {
		xmlFreeDoc(b->doc);
		b->doc = NULL;
		return NULL;
	}
	xmlSetNs(r, root_is_caldav ? b->cal : b->dav);
	return r;
}

static char *finish(struct body *b, size_t *len)
{
	if (b->failed) {
		xmlFreeDoc(b->doc);
		return NULL;
	}
	return dump(b->doc, len);
}

char *caldav_body_propfind(size_t *len)
{
	struct body b;
	xmlNode *root = start(&b, false, "propfind"), *prop;

	if (root == NULL)
		return NULL;
	prop = add(&b, root, b.dav, "prop", NULL);
	add(&b, prop, b.dav, "resourcetype", NULL);
	add(&b, prop, b.dav, "sync-token", NULL);
	add(&b, prop, b.dav, "current-user-principal", NULL);
	add(&b, prop, b.cal, "calendar-home-set", NULL);
	return finish(&b, len);
}

char *caldav_body_sync(const char *token, size_t *len)
{
	struct body b;
	xmlNode *root = start(&b, false, "sync-collection"), *prop;

	if (root == NULL)
		return NULL;
	if (xmlCheckUTF8((const xmlChar *)token) == 0) {
		xmlFreeDoc(b.doc);
		return NULL;
	}
	add(&b, root, b.dav, "sync-token", token);
	add(&b, root, b.dav, "sync-level", "1");
	prop = add(&b, root, b.dav, "prop", NULL);
	add(&b, prop, b.dav, "getetag", NULL);
	add(&b, prop, b.cal, "calendar-data", NULL);
	return finish(&b, len);
}

char *caldav_body_multiget(const char *const *hrefs, size_t n, size_t *len)
{
	struct body b;
	xmlNode *root = start(&b, true, "calendar-multiget"), *prop;

	if (root == NULL)
		return NULL;
	prop = add(&b, root, b.dav, "prop", NULL);
	add(&b, prop, b.dav, "getetag", NULL);
	add(&b, prop, b.cal, "calendar-data", NULL);
	for (size_t i = 0; i < n; i++) {
		if (xmlCheckUTF8((const xmlChar *)hrefs[i]) == 0)
			b.failed = true;
		add(&b, root, b.dav, "href", hrefs[i]);
	}
	return finish(&b, len);
}
