/*
 * caldav.c - the rooms' calendars, one sync (caldav.h): the walk over the
 * rooms, the credentials, and the CalDAV exchange of one room (discovery,
 * sync-collection rounds, calendar-multiget, applying the result).  The
 * iCalendar feeds are ics_feed.c's; the XML is caldav_xml.c's; the
 * transport caldav_http.c's; what is stored and expanded, bookings.c's.
 * Nothing is written for a room before all of its replies were read and
 * checked.  Each CalDAV room's first REPORT is sent ahead, while the room
 * before is stored (caldav_prefetch.h); this file judges it as its own.
 */
#include "caldav.h"

#include "bookings.h"
#include "caldav_http.h"
#include "caldav_int.h"
#include "caldav_prefetch.h"
#include "caldav_xml.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "sync_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the failure of a request, for a person ---- */

int caldav_status_error(const char *what, const struct caldav_http_reply *r, char *err, size_t errlen)
{
	switch (r->status) {
	case 401:
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "%s: HTTP 401: the calendar server refused the credentials"
			       " ([sync] calendar_user, calendar_password_file)",
			       what);
	case 403:
		return err_set(err, errlen, SEUIL_ERR_DENIED, "%s: HTTP 403: not allowed to read this calendar", what);
	case 404:
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "%s: HTTP 404: no calendar at this URL", what);
	case 301:
	case 302:
	case 303:
	case 307:
	case 308:
		return err_set(err, errlen, SEUIL_ERR_NETWORK,
			       "%s: HTTP %ld: moved to %s (redirects are not followed: give the room that URL)", what,
			       r->status, r->location[0] ? r->location : "(no Location)");
	default:
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s: HTTP %ld", what, r->status);
	}
}

/* ---- one room over CalDAV ---- */

/* an item of the rounds of one sync: changed (data may be NULL) or deleted */
struct entry {
	char *href, *etag, *data;
	bool deleted;
	size_t seq; /* arrival: the last word on an href wins */
};

struct room_sync {
	struct caldav_http *http;
	const struct room_calendar *room;
	struct entry *entries;
	size_t count;
	size_t data_bytes;
	char token[CALDAV_TOKEN_MAX + 1];
	long last_status; /* of the last reply, 0 when none came */
	struct caldav_first *ahead; /* the room's first request, sent ahead; NULL once used or when none */
	char *err;
	size_t errlen;
};

static void entries_release(struct room_sync *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->entries[i].href);
		free(s->entries[i].etag);
		free(s->entries[i].data);
	}
	free(s->entries);
	s->entries = NULL;
	s->count = 0;
	s->data_bytes = 0;
}

/* takes the strings of r (set to NULL in r) */
static int entry_add(struct room_sync *s, struct caldav_response *r, bool deleted)
{
	struct entry *e;

	if (s->count % 256 == 0) {
		struct entry *grown = realloc(s->entries, (s->count + 256) * sizeof(*grown));
		if (grown == NULL)
			return err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory");
		s->entries = grown;
	}
	e = &s->entries[s->count];
	*e = (struct entry){ r->href, deleted ? NULL : r->etag, deleted ? NULL : r->calendar_data, deleted, s->count };
	r->href = NULL;
	if (!deleted) {
		r->etag = NULL;
		r->calendar_data = NULL;
		if (e->data != NULL)
			s->data_bytes += strlen(e->data);
	}
	s->count++;
	return SEUIL_OK;
}

static int by_href(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->href, y->href);

	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* sorts by href and keeps the last word on each (the others freed) */
static void entries_settle(struct room_sync *s)
{
	size_t out = 0;

	if (s->count == 0)
		return;
	qsort(s->entries, s->count, sizeof(*s->entries), by_href);
	for (size_t i = 0; i < s->count; i++) {
		if (i + 1 < s->count && strcmp(s->entries[i].href, s->entries[i + 1].href) == 0) {
			free(s->entries[i].href);
			free(s->entries[i].etag);
			free(s->entries[i].data);
			continue;
		}
		s->entries[out++] = s->entries[i];
	}
	s->count = out;
}

/* what a reply to method on url says: a 207 parsed into *ms, *rejected for a refused token (when asked) */
static int dav_reply(struct room_sync *s, const char *method, const char *url, const struct caldav_http_reply *reply,
		     struct caldav_multistatus *ms, bool *rejected)
{
	char what[200];
	int rc;

	snprintf(what, sizeof(what), "%s %.160s", method, url);
	s->last_status = reply->status;
	if (rejected != NULL && (reply->status == 409 || reply->status == 400 ||
				 (reply->status == 403 &&
				  caldav_error_has(reply->body, reply->len, "DAV:", "valid-sync-token")))) {
		*rejected = true;
		return SEUIL_OK;
	}
	if (reply->status != 207)
		return caldav_status_error(what, reply, s->err, s->errlen);
	if ((rc = caldav_parse_multistatus(reply->body, reply->len, ms, s->err, s->errlen)) != SEUIL_OK) {
		char inner[200];
		snprintf(inner, sizeof(inner), "%s", s->err);
		s->err[0] = '\0';
		return err_set(s->err, s->errlen, rc, "%s: %s", what, inner);
	}
	return SEUIL_OK;
}

/* a REPORT or PROPFIND to url with body (freed here); a 207 reply parsed into *ms */
static int dav_request(struct room_sync *s, const char *method, const char *url, const char *depth, char *body,
		       size_t len, struct caldav_http_reply *reply, struct caldav_multistatus *ms, bool *rejected)
{
	struct caldav_http_request req = { method, url, depth, NULL, NULL, body, len };
	int rc;

	memset(ms, 0, sizeof(*ms));
	if (body == NULL) {
		memset(reply, 0, sizeof(*reply));
		return err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	s->last_status = 0;
	rc = caldav_http_send(s->http, &req, reply, s->err, s->errlen);
	free(body);
	if (rc != SEUIL_OK)
		return rc;
	return dav_reply(s, method, url, reply, ms, rejected);
}

/*
 * A sync-collection REPORT of collection from token, as dav_request():
 * the one sent ahead when it is this request (the room's first), its
 * failure then the room's as if sent here; else sent now.
 */
static int sync_report(struct room_sync *s, const char *collection, const char *token,
		       struct caldav_http_reply *reply, struct caldav_multistatus *ms, bool *rejected)
{
	struct caldav_first *ahead = s->ahead;
	size_t len = 0;
	char *body;

	s->ahead = NULL; /* only ever the first request */
	if (ahead != NULL && strcmp(ahead->url, collection) == 0 && strcmp(ahead->token, token) == 0) {
		memset(ms, 0, sizeof(*ms));
		s->last_status = 0;
		*reply = ahead->reply; /* taken over */
		memset(&ahead->reply, 0, sizeof(ahead->reply));
		if (ahead->rc != SEUIL_OK)
			return err_set(s->err, s->errlen, ahead->rc, "%s", ahead->err);
		return dav_reply(s, "REPORT", collection, reply, ms, rejected);
	}
	body = caldav_body_sync(token, &len);
	return dav_request(s, "REPORT", collection, "0", body, len, reply, ms, rejected);
}

/* PROPFIND of url at depth; *ms the multistatus */
static int propfind(struct room_sync *s, const char *url, const char *depth, struct caldav_multistatus *ms)
{
	struct caldav_http_reply reply;
	size_t len = 0;
	char *body = caldav_body_propfind(&len);
	int rc = dav_request(s, "PROPFIND", url, depth, body, len, &reply, ms, NULL);

	caldav_http_reply_release(&reply);
	return rc;
}

/*
 * The collection to sync for the room's URL, into *out (freed by the
 * caller): the URL itself when it is a calendar, else the single calendar
 * under the calendar-home-set of the principal it names.
 */
static int discover(struct room_sync *s, char **out)
{
	struct caldav_multistatus ms;
	const char *url = s->room->url;
	char *principal = NULL, *home = NULL;
	int rc, found = 0;

	if ((rc = propfind(s, url, "0", &ms)) != SEUIL_OK)
		return rc;
	if (ms.count == 0) {
		caldav_multistatus_release(&ms);
		return err_set(s->err, s->errlen, SEUIL_ERR_NETWORK, "PROPFIND %.160s: an empty multistatus", url);
	}
	if (ms.items[0].calendar) {
		caldav_multistatus_release(&ms);
		return (*out = strdup(url)) != NULL ? SEUIL_OK
						     : err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	/* a principal names its home; anything else names its principal */
	if (ms.items[0].home != NULL) {
		rc = caldav_url_resolve(url, ms.items[0].home, &home, s->err, s->errlen);
	} else if (ms.items[0].principal != NULL) {
		if ((rc = caldav_url_resolve(url, ms.items[0].principal, &principal, s->err, s->errlen)) == SEUIL_OK) {
			caldav_multistatus_release(&ms);
			if ((rc = propfind(s, principal, "0", &ms)) == SEUIL_OK) {
				if (ms.count > 0 && ms.items[0].home != NULL)
					rc = caldav_url_resolve(principal, ms.items[0].home, &home, s->err, s->errlen);
				else
					rc = err_set(s->err, s->errlen, SEUIL_ERR_NOT_FOUND,
						     "%.160s is not a calendar and its principal names no calendar-home-set",
						     url);
			}
		}
	} else {
		rc = err_set(s->err, s->errlen, SEUIL_ERR_NOT_FOUND,
			     "%.200s is not a calendar collection (and names no principal to look further)", url);
	}
	caldav_multistatus_release(&ms);
	free(principal);
	if (rc != SEUIL_OK)
		return rc;
	if ((rc = propfind(s, home, "1", &ms)) == SEUIL_OK) {
		for (size_t i = 0; i < ms.count; i++)
			found += ms.items[i].calendar;
		if (found != 1) {
			rc = err_set(s->err, s->errlen, SEUIL_ERR_NOT_FOUND,
				     "%.160s is not a calendar, and its home %.160s holds %d calendars:"
				     " give the room the URL of one",
				     url, home, found);
		} else {
			for (size_t i = 0; i < ms.count; i++) {
				if (ms.items[i].calendar)
					rc = caldav_url_resolve(home, ms.items[i].href, out, s->err, s->errlen);
			}
		}
	}
	caldav_multistatus_release(&ms);
	free(home);
	return rc;
}

/* an href naming a collection (the synced one, or one inside it), not an item */
static bool is_collection_href(const char *href)
{
	size_t n = strlen(href);

	return n > 0 && href[n - 1] == '/';
}

/*
 * sync-collection rounds from token ("" for all) on collection: every
 * change into s->entries, the last token into s->token.  *rejected when
 * the server refused the token (nothing else done).
 */
static int collect(struct room_sync *s, const char *collection, const char *token, bool *rejected, int *rounds)
{
	char cur[CALDAV_TOKEN_MAX + 1];
	int rc = SEUIL_OK;

	snprintf(cur, sizeof(cur), "%s", token);
	*rejected = false;
	for (*rounds = 1;; (*rounds)++) {
		struct caldav_http_reply reply;
		struct caldav_multistatus ms;
		bool truncated;

		rc = sync_report(s, collection, cur, &reply, &ms, cur[0] ? rejected : NULL);
		caldav_http_reply_release(&reply);
		if (rc != SEUIL_OK || *rejected)
			return rc;
		if (ms.sync_token == NULL || ms.sync_token[0] == '\0') {
			caldav_multistatus_release(&ms);
			return err_set(s->err, s->errlen, SEUIL_ERR_NETWORK,
				       "REPORT %.160s: the server sent no sync-token (is it RFC 6578?)", collection);
		}
		for (size_t i = 0; i < ms.count && rc == SEUIL_OK; i++) {
			struct caldav_response *r = &ms.items[i];
			if (is_collection_href(r->href))
				continue;
			if (r->status == 404)
				rc = entry_add(s, r, true);
			else if (r->status >= 200 && r->status <= 299)
				rc = entry_add(s, r, false);
			/* another status (a 403 on one item) leaves that item as it is */
		}
		truncated = ms.truncated;
		snprintf(s->token, sizeof(s->token), "%s", ms.sync_token);
		caldav_multistatus_release(&ms);
		if (rc != SEUIL_OK || !truncated)
			return rc;
		/* 507: more to ask for from the new token; never again from the same one */
		if (strcmp(s->token, cur) == 0) {
			log_warn("calendar of %s: the server truncated its reply without moving its sync-token;"
				 " keeping what came",
				 s->room->id);
			return SEUIL_OK;
		}
		if (*rounds >= CALDAV_ROUNDS_MAX || s->data_bytes > SYNC_REPLY_MAX) {
			log_info("calendar of %s: still truncated after %d rounds; the rest comes next sync",
				 s->room->id, *rounds);
			return SEUIL_OK;
		}
		snprintf(cur, sizeof(cur), "%s", s->token);
	}
}

/* fetches, with calendar-multiget, the data of the changed entries that came without */
static int fill_missing(struct room_sync *s, const char *collection)
{
	const char *hrefs[CALDAV_MULTIGET_BATCH];
	size_t idx[CALDAV_MULTIGET_BATCH];
	int rc = SEUIL_OK;

	for (size_t i = 0; i < s->count && rc == SEUIL_OK;) {
		struct caldav_http_reply reply;
		struct caldav_multistatus ms;
		size_t n = 0, len = 0;
		char *body;

		for (; i < s->count && n < CALDAV_MULTIGET_BATCH; i++) {
			if (!s->entries[i].deleted && s->entries[i].data == NULL) {
				idx[n] = i;
				hrefs[n++] = s->entries[i].href;
			}
		}
		if (n == 0)
			break;
		body = caldav_body_multiget(hrefs, n, &len);
		rc = dav_request(s, "REPORT", collection, "1", body, len, &reply, &ms, NULL);
		caldav_http_reply_release(&reply);
		for (size_t k = 0; k < ms.count && rc == SEUIL_OK; k++) {
			struct caldav_response *r = &ms.items[k];
			for (size_t j = 0; j < n; j++) {
				struct entry *e = &s->entries[idx[j]];
				if (strcmp(e->href, r->href) != 0)
					continue;
				if (r->status == 404) { /* deleted since */
					e->deleted = true;
					free(e->etag);
					e->etag = NULL;
				} else if (r->calendar_data != NULL) {
					free(e->etag);
					e->etag = r->etag;
					e->data = r->calendar_data;
					r->etag = r->calendar_data = NULL;
				}
				break;
			}
		}
		caldav_multistatus_release(&ms);
		for (size_t j = 0; j < n && rc == SEUIL_OK; j++) {
			const struct entry *e = &s->entries[idx[j]];
			if (!e->deleted && e->data == NULL)
				rc = err_set(s->err, s->errlen, SEUIL_ERR_NETWORK,
					     "REPORT %.160s: the server gave no calendar-data for %.200s", collection,
					     e->href);
		}
	}
	return rc;
}

/* stores the settled entries: a delta, or the whole calendar */
static int apply(struct room_sync *s, struct store *st, bool full, int64_t now_ms, struct caldav_outcome *o)
{
	struct booking_item *items = calloc(s->count + 1, sizeof(*items));
	const char **deleted = calloc(s->count + 1, sizeof(*deleted));
	struct room_calendar state = *s->room;
	size_t nitems = 0, ndeleted = 0, skipped = 0;
	int rc;

	if (items == NULL || deleted == NULL) {
		free(items);
		free(deleted);
		return err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < s->count; i++) {
		if (s->entries[i].deleted)
			deleted[ndeleted++] = s->entries[i].href;
		else
			items[nitems++] = (struct booking_item){ s->entries[i].href, s->entries[i].etag, s->entries[i].data };
	}
	if (full) {
		snprintf(state.sync_token, sizeof(state.sync_token), "%s", s->token);
		rc = bookings_replace(st, s->room->id, items, nitems, &state, now_ms / 1000, &skipped, s->err,
				      s->errlen);
		ndeleted = 0;
	} else if (nitems == 0 && ndeleted == 0 && strcmp(s->token, s->room->sync_token) == 0) {
		rc = bookings_touch(st, s->room->id, now_ms, s->err, s->errlen);
	} else {
		rc = bookings_apply_delta(st, s->room->id, items, nitems, deleted, ndeleted, s->token, now_ms / 1000,
					  &skipped, s->err, s->errlen);
	}
	free(items);
	free(deleted);
	if (rc == SEUIL_OK) {
		o->changed = nitems;
		o->deleted = ndeleted;
		o->skipped = skipped;
	}
	return rc;
}

/* caldav_sync_room(), its first request's reply taken from ahead when not NULL (what is left there the caller's) */
static int sync_room(struct caldav_http *http, struct caldav_first *ahead, struct store *st,
		     const struct room_calendar *room, int64_t now_ms, struct caldav_outcome *o, char *err,
		     size_t errlen)
{
	struct room_sync s = { .http = http, .room = room, .ahead = ahead, .err = err, .errlen = errlen };
	char *collection = NULL;
	bool rejected = false;
	int rc, rounds = 0;

	memset(o, 0, sizeof(*o));
	if (room->sync_token[0] != '\0') {
		rc = collect(&s, room->url, room->sync_token, &rejected, &rounds);
		if (rc == SEUIL_OK && !rejected) {
			entries_settle(&s);
			if ((rc = fill_missing(&s, room->url)) == SEUIL_OK)
				rc = apply(&s, st, false, now_ms, o);
			if (rc == SEUIL_OK)
				o->kind = o->changed + o->deleted > 0 || strcmp(s.token, room->sync_token) != 0
						  ? CALDAV_SYNCED_DELTA
						  : CALDAV_SYNCED_UNCHANGED;
			entries_release(&s);
			return rc;
		}
		entries_release(&s);
		if (rc != SEUIL_OK)
			return rc;
		log_info("calendar of %s: the server rejected the sync-token: full resync", room->id);
		o->resynced = true;
	}
	/*
	 * The room's URL is most often the calendar itself: a listing with items
	 * says so without a PROPFIND first.  An empty listing, or an answer that
	 * says this is no calendar, goes through discovery; a timeout or a
	 * refused login does not (it would only double the wait).
	 */
	rc = collect(&s, room->url, "", &rejected, &rounds);
	if (rc == SEUIL_OK && !rejected && s.count > 0) {
		if ((collection = strdup(room->url)) == NULL)
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	} else if ((rc == SEUIL_OK && (rejected || s.count == 0)) ||
		   (s.last_status >= 400 && s.last_status < 500 && s.last_status != 401 && s.last_status != 407 &&
		    s.last_status != 408 && s.last_status != 429)) {
		entries_release(&s);
		s.token[0] = '\0';
		err[0] = '\0';
		if ((rc = discover(&s, &collection)) == SEUIL_OK)
			rc = collect(&s, collection, "", &rejected, &rounds);
	}
	if (rc == SEUIL_OK && collection != NULL) {
		entries_settle(&s);
		/* in a full listing, a deletion only cancels an earlier round's item */
		if ((rc = fill_missing(&s, collection)) == SEUIL_OK)
			rc = apply(&s, st, true, now_ms, o);
		if (rc == SEUIL_OK)
			o->kind = CALDAV_SYNCED_FULL;
	}
	entries_release(&s);
	free(collection);
	return rc;
}

int caldav_sync_room(struct caldav_http *http, struct store *st, const struct room_calendar *room, int64_t now_ms,
		     struct caldav_outcome *o, char *err, size_t errlen)
{
	return sync_room(http, NULL, st, room, now_ms, o, err, errlen);
}

/* ---- credentials ---- */

int caldav_read_password(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	struct stat sb;
	char line[CALDAV_PASSWORD_MAX + 2];
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read [sync] calendar_password_file %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "[sync] calendar_password_file %s is not a file", path);
	}
	if ((sb.st_mode & 077) != 0) {
		close(fd);
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "[sync] calendar_password_file %s is open to its group or others (mode %04o):"
			       " refused; make it readable by the sync user only (chmod 600)",
			       path, (unsigned)(sb.st_mode & 07777));
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (strlen(line) >= len || strlen(line) > CALDAV_PASSWORD_MAX) {
		explicit_bzero(line, sizeof(line));
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "[sync] calendar_password_file %s: longer than %d bytes",
			       path, CALDAV_PASSWORD_MAX);
	}
	memcpy(buf, line, strlen(line) + 1);
	explicit_bzero(line, sizeof(line));
	return SEUIL_OK;
}

/* ---- every room ---- */

struct room_list {
	struct room_calendar *rooms;
	size_t count;
	bool too_many;
};

static int keep_room(const struct room_calendar *room, void *ctx)
{
	struct room_list *l = ctx;

	if (l->count == CALDAV_ROOMS_MAX) {
		l->too_many = true;
		return 1;
	}
	if (l->count % 16 == 0) {
		struct room_calendar *grown = realloc(l->rooms, (l->count + 16) * sizeof(*grown));
		if (grown == NULL)
			return -1;
		l->rooms = grown;
	}
	l->rooms[l->count++] = *room;
	return 0;
}

static void room_failed(struct caldav_report *r, const char *room, const char *why)
{
	r->failed++;
	if (r->first_error[0] == '\0')
		snprintf(r->first_error, sizeof(r->first_error), "calendar of %s: %s", room, why);
	log_warn("calendar of %s: %s", room, why);
}

/* the thread sending the rooms' first requests ahead, when two rooms or more have one; NULL: none */
static struct caldav_prefetch *prefetch_start(const struct caldav_http_options *o, const struct room_list *list)
{
	struct caldav_prefetch *p = NULL;
	char why[CALDAV_ERROR_MAX] = "";
	size_t wanted = 0;

	for (size_t i = 0; i < list->count && wanted < 2; i++)
		wanted += caldav_prefetch_wanted(&list->rooms[i], o->insecure_loopback);
	if (wanted < 2)
		return NULL;
	if (caldav_prefetch_start(o, list->rooms, list->count, &p, why, sizeof(why)) != SEUIL_OK) {
		log_warn("calendars: %s; each room waits for its own requests", why);
		return NULL;
	}
	return p;
}

int caldav_sync_rooms(const struct seuil_config *cfg, struct store *st, const struct caldav_run *run,
		      int64_t now_ms, struct caldav_report *report, char *err, size_t errlen)
{
	struct room_list list = { NULL, 0, false };
	struct caldav_http *http = NULL;
	struct caldav_prefetch *ahead = NULL;
	char password[CALDAV_PASSWORD_MAX + 1] = "", setup[CALDAV_ERROR_MAX] = "";
	int rc;

	memset(report, 0, sizeof(*report));
	caldav_xml_init();
	if ((rc = bookings_rooms(st, keep_room, &list, err, errlen)) != SEUIL_OK) {
		free(list.rooms);
		snprintf(report->first_error, sizeof(report->first_error), "calendars: %s", err);
		return rc;
	}
	report->rooms = (int)list.count;
	if (list.count == 0) {
		free(list.rooms);
		return SEUIL_OK;
	}
	if (list.too_many)
		log_warn("calendars: more than %d rooms; the others wait", CALDAV_ROOMS_MAX);
	if (cfg->sync_calendar_password_file[0] != '\0')
		rc = caldav_read_password(cfg->sync_calendar_password_file, password, sizeof(password), setup,
					  sizeof(setup));
	if (rc == SEUIL_OK) {
		struct caldav_http_options o = {
			.ca = cfg->sync_calendar_ca,
			.user = cfg->sync_calendar_user,
			.password = password,
			.connect_timeout_s = cfg->sync_connect_timeout_s,
			.transfer_timeout_s = cfg->sync_transfer_timeout_s,
			.insecure_loopback = run != NULL && run->insecure_loopback,
			.tick = run != NULL ? run->tick : NULL,
			.tick_ctx = run != NULL ? run->tick_ctx : NULL,
		};
		if ((rc = caldav_http_new(&o, &http, setup, sizeof(setup))) == SEUIL_OK)
			ahead = prefetch_start(&o, &list);
	}
	explicit_bzero(password, sizeof(password));
	for (size_t i = 0; i < list.count; i++) {
		const struct room_calendar *room = &list.rooms[i];
		struct caldav_outcome o;
		char why[CALDAV_ERROR_MAX] = "";
		bool plain;
		int r;

		if (rc != SEUIL_OK) { /* no client: every room says why */
			room_failed(report, room->id, setup);
			continue;
		}
		if (run != NULL && run->tick != NULL && run->tick(run->tick_ctx) != 0)
			break; /* stopping */
		if ((r = caldav_url_check(room->url, run != NULL && run->insecure_loopback, &plain, why, sizeof(why))) ==
		    SEUIL_OK) {
			if (strcmp(room->feed, "ics") == 0) {
				r = ics_feed_sync_room(http, st, room, now_ms, &o, why, sizeof(why));
			} else {
				struct caldav_first first;
				bool sent = caldav_prefetch_take(ahead, i, run != NULL ? run->tick : NULL,
								 run != NULL ? run->tick_ctx : NULL, &first);
				r = sync_room(http, sent ? &first : NULL, st, room, now_ms, &o, why, sizeof(why));
				if (sent)
					caldav_http_reply_release(&first.reply);
			}
		}
		if (r != SEUIL_OK) {
			room_failed(report, room->id, why[0] ? why : seuil_strerror(r));
			continue;
		}
		switch (o.kind) {
		case CALDAV_SYNCED_FULL: report->full++; break;
		case CALDAV_SYNCED_DELTA: report->delta++; break;
		case CALDAV_SYNCED_UNCHANGED: report->unchanged++; break;
		case CALDAV_NOT_DUE: report->not_due++; break;
		}
		report->resynced += o.resynced;
		report->changed += (long)o.changed;
		report->deleted += (long)o.deleted;
		report->skipped += (long)o.skipped;
		log_debug("calendar of %s: %s, %zu changed, %zu deleted, %zu skipped", room->id,
			  o.kind == CALDAV_SYNCED_FULL	? "full"
			  : o.kind == CALDAV_SYNCED_DELTA ? "delta"
			  : o.kind == CALDAV_NOT_DUE	? "not due"
							: "unchanged",
			  o.changed, o.deleted, o.skipped);
	}
	caldav_prefetch_free(ahead); /* before the rooms it reads */
	caldav_http_free(http);
	free(list.rooms);
	if (report->failed > 0)
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s%s", report->first_error,
			       report->failed > 1 ? " (and other rooms)" : "");
	return SEUIL_OK;
}

char *caldav_report_format(const struct caldav_report *r, char *buf, size_t len)
{
	int n;

	if (len == 0)
		return buf;
	n = snprintf(buf, len,
		     "calendars: %d room%s: %d full%s, %d delta, %d unchanged, %d not due, %d failed;"
		     " %ld changed, %ld deleted, %ld skipped\n",
		     r->rooms, r->rooms == 1 ? "" : "s", r->full,
		     r->resynced > 0 ? " (token rejected for some)" : "", r->delta, r->unchanged, r->not_due,
		     r->failed, r->changed, r->deleted, r->skipped);
	if (r->first_error[0] != '\0' && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "calendars: failed: %s%s\n", r->first_error,
			 r->failed > 1 ? " (and other rooms)" : "");
	return buf;
}
