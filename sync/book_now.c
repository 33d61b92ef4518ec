/*
 * book_now.c - the kiosk's "book" requests written to the rooms' CalDAV
 * collections (book_now.h).  The event is built with libical, never by
 * hand; the transport is caldav_http.c's, the sync of the room caldav.c's,
 * what is stored bookings.c's.
 */
#include "book_now.h"

#include "book_request.h"
#include "bookings.h"
#include "caldav.h"
#include "caldav_http.h"
#include "caldav_int.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "requests.h"

#include <curl/curl.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct finder {
	const char *id;
	struct room_calendar *out;
	bool found;
};

static int find_room(const struct room_calendar *room, void *ctx)
{
	struct finder *f = ctx;

	if (strcmp(room->id, f->id) != 0)
		return 0;
	*f->out = *room;
	f->found = true;
	return 1;
}

/* syncs the room from its stored token (or in full) */
static int sync_room(struct caldav_http *http, struct store *st, const char *id, int64_t now_ms, char *err,
		     size_t errlen)
{
	struct room_calendar room;
	struct finder f = { id, &room, false };
	struct caldav_outcome o;
	int rc = bookings_rooms(st, find_room, &f, err, errlen);

	if (rc != SEUIL_OK && rc != 1)
		return rc;
	if (!f.found)
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "room %s has no calendar", id);
	return caldav_sync_room(http, st, &room, now_ms, &o, err, errlen);
}

/* the VCALENDAR of the booking, as libical writes it; freed by the caller */
static char *build_event(const struct book_request *r, const struct book_names *n, int64_t now_s)
{
	icalcomponent *cal = icalcomponent_new_vcalendar(), *ev = icalcomponent_new_vevent();
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	char summary[256], org[300];
	icalproperty *x;
	char *text;

	snprintf(summary, sizeof(summary), "Réservé sur place — %s", n->tenant_name[0] ? n->tenant_name : r->tenant);
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Seuil//book now//FR"));
	icalcomponent_add_property(ev, icalproperty_new_uid(r->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)now_s, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(icaltime_from_timet_with_zone((time_t)r->start_s, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(icaltime_from_timet_with_zone((time_t)r->end_s, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	if (n->email[0] != '\0') {
		snprintf(org, sizeof(org), "mailto:%s", n->email);
		icalcomponent_add_property(ev, icalproperty_new_organizer(org));
	}
	x = icalproperty_new_x(r->tenant);
	icalproperty_set_x_name(x, "X-SEUIL-TENANT");
	icalcomponent_add_property(ev, x);
	icalcomponent_add_component(cal, ev);
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	return text;
}

/* the path of url: the href the server will name the item by */
static bool path_of(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *path = NULL;
	bool ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strlen(path) < len;

	if (ok)
		memcpy(out, path, strlen(path) + 1);
	curl_free(path);
	curl_url_cleanup(u);
	return ok;
}

/* one request; returns the answer and fills why for the log */
static const char *book_one(struct caldav_http *http, struct store *st, const struct book_request *r, int64_t now_ms,
			    char *why, size_t whylen)
{
	struct book_names n;
	struct caldav_http_reply reply;
	char url[700], href[600], err[256] = "";
	const char *answer;
	bool overlap = false;
	char *ical;
	int rc;

	if (book_request_names(st, r, &n, why, whylen) != SEUIL_OK)
		return BOOK_ANSWER_REFUSED;
	/* 1. what the server holds now */
	if (sync_room(http, st, r->room, now_ms, why, whylen) != SEUIL_OK)
		return BOOK_ANSWER_OFFLINE;
	if (book_request_overlap(st, r, &overlap, why, whylen) != SEUIL_OK)
		return BOOK_ANSWER_REFUSED;
	if (overlap)
		return snprintf(why, whylen, "the slot is taken on the server"), BOOK_ANSWER_CONFLICT;
	/* 2. create it, only if nobody has */
	snprintf(url, sizeof(url), "%s%s%s.ics", n.url, n.url[strlen(n.url) - 1] == '/' ? "" : "/", r->uid);
	if (!path_of(url, href, sizeof(href)) || (ical = build_event(r, &n, now_ms / 1000)) == NULL)
		return snprintf(why, whylen, "cannot build the event"), BOOK_ANSWER_REFUSED;
	{
		struct caldav_http_request req = { "PUT", url, NULL, "*", NULL, ical, strlen(ical) };
		rc = caldav_http_send(http, &req, &reply, why, whylen);
	}
	if (rc != SEUIL_OK) {
		free(ical);
		caldav_http_reply_release(&reply);
		return BOOK_ANSWER_OFFLINE;
	}
	if (reply.status == 412) {
		free(ical);
		caldav_http_reply_release(&reply);
		return snprintf(why, whylen, "HTTP 412: booked from another kiosk"), BOOK_ANSWER_CONFLICT;
	}
	if (reply.status != 201 && reply.status != 204) {
		answer = reply.status >= 500 ? BOOK_ANSWER_OFFLINE : BOOK_ANSWER_REFUSED;
		caldav_status_error("PUT", &reply, why, whylen);
		free(ical);
		caldav_http_reply_release(&reply);
		return answer;
	}
	{
		struct booking_item item = { href, reply.etag[0] ? reply.etag : NULL, ical };
		if (bookings_apply_delta(st, r->room, &item, 1, NULL, 0, NULL, now_ms / 1000, NULL, err, sizeof(err)) !=
		    SEUIL_OK)
			log_warn("book now: the booking is on the server but not stored yet: %s", err);
	}
	free(ical);
	caldav_http_reply_release(&reply);
	/* 3. anyone else in the slot now?  then ours goes */
	if (sync_room(http, st, r->room, now_ms, err, sizeof(err)) != SEUIL_OK) {
		log_warn("book now: %s booked, but the room could not be read again: %s", r->uid, err);
		return BOOK_ANSWER_OK;
	}
	if (book_request_overlap(st, r, &overlap, err, sizeof(err)) != SEUIL_OK || !overlap)
		return BOOK_ANSWER_OK;
	{
		struct caldav_http_request del = { "DELETE", url, NULL, NULL, NULL, NULL, 0 };
		const char *gone[1] = { href };
		if (caldav_http_send(http, &del, &reply, err, sizeof(err)) != SEUIL_OK ||
		    (reply.status != 204 && reply.status != 200 && reply.status != 404))
			log_error("book now: %s raced with another booking and could not be removed: %s", r->uid,
				  err[0] ? err : "HTTP error");
		else
			bookings_apply_delta(st, r->room, NULL, 0, gone, 1, NULL, now_ms / 1000, NULL, err, sizeof(err));
		caldav_http_reply_release(&reply);
	}
	snprintf(why, whylen, "another booking of the slot arrived at the same time: ours removed");
	return BOOK_ANSWER_CONFLICT;
}

static int open_client(const struct seuil_config *cfg, const struct caldav_run *run, struct caldav_http **http,
		       char *err, size_t errlen)
{
	char password[CALDAV_PASSWORD_MAX + 1] = "";
	int rc = SEUIL_OK;

	if (cfg->sync_calendar_password_file[0] != '\0')
		rc = caldav_read_password(cfg->sync_calendar_password_file, password, sizeof(password), err, errlen);
	if (rc == SEUIL_OK) {
		struct caldav_http_options o = {
			.ca = cfg->sync_calendar_ca,
			.user = cfg->sync_calendar_user,
			.password = password,
			.connect_timeout_s = cfg->sync_connect_timeout_s < 5 ? cfg->sync_connect_timeout_s : 5,
			.transfer_timeout_s = cfg->sync_transfer_timeout_s < 10 ? cfg->sync_transfer_timeout_s : 10,
			.insecure_loopback = run != NULL && run->insecure_loopback,
			.tick = run != NULL ? run->tick : NULL,
			.tick_ctx = run != NULL ? run->tick_ctx : NULL,
		};
		rc = caldav_http_new(&o, http, err, errlen);
	}
	explicit_bzero(password, sizeof(password));
	return rc;
}

void book_now_run(const struct seuil_config *cfg, struct store *st, const struct caldav_run *run, int64_t now_ms,
		  struct book_now_report *report)
{
	struct caldav_http *http = NULL;
	struct request req;
	char err[256] = "";

	memset(report, 0, sizeof(*report));
	for (int i = 0; i < BOOK_NOW_MAX_PER_RUN; i++) {
		struct book_request r;
		char why[300] = "";
		const char *answer;
		int rc = request_take(st, BOOK_REQUEST_KIND, now_ms, &req, err, sizeof(err));

		if (rc == SEUIL_ERR_NOT_FOUND)
			break;
		if (rc != SEUIL_OK) {
			log_warn("book now: %s", err);
			break;
		}
		if (now_ms - req.created_ms > BOOK_REQUEST_MAX_AGE_MS) {
			/* the kiosk has told the person it failed */
			answer = BOOK_ANSWER_EXPIRED;
			snprintf(why, sizeof(why), "asked %lld s ago: too late", (long long)((now_ms - req.created_ms) / 1000));
		} else if (book_request_decode(req.body, &r, why, sizeof(why)) != SEUIL_OK) {
			answer = BOOK_ANSWER_REFUSED;
		} else if (http == NULL && open_client(cfg, run, &http, why, sizeof(why)) != SEUIL_OK) {
			answer = BOOK_ANSWER_OFFLINE;
		} else {
			answer = book_one(http, st, &r, now_ms, why, sizeof(why));
		}
		if (strcmp(answer, BOOK_ANSWER_OK) == 0) {
			report->ok++;
			log_info("book now: %s booked (request %lld)", r.uid, (long long)req.id);
		} else if (strcmp(answer, BOOK_ANSWER_CONFLICT) == 0) {
			report->conflict++;
			log_info("book now: request %lld refused: %s", (long long)req.id, why);
		} else {
			strcmp(answer, BOOK_ANSWER_OFFLINE) == 0 ? report->offline++ : report->failed++;
			log_warn("book now: request %lld %s: %s", (long long)req.id, answer, why);
		}
		if (request_finish(st, req.id,
				   strcmp(answer, BOOK_ANSWER_OK) == 0 || strcmp(answer, BOOK_ANSWER_CONFLICT) == 0 ? "done"
														  : "failed",
				   answer, now_ms, err, sizeof(err)) != SEUIL_OK)
			log_error("book now: cannot answer request %lld: %s", (long long)req.id, err);
	}
	caldav_http_free(http);
}
