/*
 * sync_once.c - one sync with the office, in the order of
 * docs/office-api.md: the outbox, then the directory, then the commands.
 * The store rules (what a reply means, what is kept) are access/sync_*.c's;
 * this file moves the bytes and stops at the first failed step.  Then the
 * rooms' calendars (caldav.c), whose servers are not the office's.  When to
 * sync again is the daemon's business.
 */
#include "sync.h"

#include "bookings.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "store.h"
#include "sync_http.h"
#include "sync_store.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct step {
	const struct seuil_config *cfg;
	struct store *st;
	struct sync_http *http;
	struct sync_report *r;
	const char *device;
	char *err;
	size_t errlen;
	bool answer_refused; /* the office answered the push; the kiosk refused what it said */
};

/* a failed request: what the report keeps of it */
static int failed(struct step *s, const char *step, const struct sync_http_reply *reply, int rc)
{
	if (s->r->failed_step[0] != '\0')
		return rc; /* the first failure is the one the report tells */
	snprintf(s->r->failed_step, sizeof(s->r->failed_step), "%s", step);
	if (reply != NULL) {
		s->r->http_status = reply->status;
		s->r->retry_after_s = reply->retry_after_s;
	}
	return rc;
}

static int push(struct step *s)
{
	struct sync_http_reply reply;
	char *body;
	int64_t first, last, acked, moved;
	bool rewound = false, renumbered = false;
	int count, rc;

	for (;;) {
		rc = sync_outbox_batch(s->st, s->device, (int)s->cfg->sync_batch, &body, &first, &last, &count,
				       s->err, s->errlen);
		if (rc != SEUIL_OK)
			return failed(s, "push", NULL, rc);
		/* an empty batch is sent once a sync when the office acknowledged
		 * something: its answer tells whether it still holds it */
		if (count == 0 && (s->r->batches > 0 || first <= 1)) {
			free(body);
			break;
		}
		rc = sync_http_request(s->http, "POST", "/v1/events", body, strlen(body), &reply, s->err,
				       s->errlen);
		free(body);
		s->r->pushed += count;
		s->r->batches++;
		/* 409: the office holds another journal of this device; this one's
		 * unsent events are numbered after it and sent again, once a sync */
		if (rc != SEUIL_OK && reply.status == 409 && !renumbered &&
		    sync_parse_events_conflict(reply.body, reply.len, &acked, NULL, 0) == SEUIL_OK) {
			err_clear(s->err, s->errlen);
			renumbered = true;
			rc = sync_outbox_renumber(s->st, acked, &moved, s->err, s->errlen);
			if (rc == SEUIL_OK) {
				s->r->pushed -= count;
				sync_http_reply_release(&reply);
				continue;
			}
		} else {
			if (rc == SEUIL_OK)
				rc = sync_parse_events_ack(reply.body, reply.len, &acked, s->err, s->errlen);
			if (rc == SEUIL_OK)
				rc = sync_outbox_ack(s->st, acked, &s->r->acked_seq, s->err, s->errlen);
		}
		if (rc != SEUIL_OK) {
			s->answer_refused = reply.status == 200 || reply.status == 409;
			rc = failed(s, "push", &reply, rc);
			sync_http_reply_release(&reply);
			return rc;
		}
		sync_http_reply_release(&reply);
		/* the kiosk went back to send again what the office lost: at once,
		 * but once a sync, whatever a confused office answers next */
		if (s->r->acked_seq < first - 1 && !rewound) {
			rewound = true;
			continue;
		}
		/* done, or the office holds a gap below this batch: sending it
		 * again now would not help */
		if (count == 0 || acked < last)
			break;
	}
	if ((rc = sync_outbox_state(s->st, &s->r->acked_seq, &s->r->outbox_left, s->err, s->errlen)) !=
	    SEUIL_OK)
		return failed(s, "push", NULL, rc);
	s->r->push_done = true;
	return SEUIL_OK;
}

static int pull(struct step *s)
{
	struct sync_http_reply reply;
	char cursor[SYNC_CURSOR_MAX + 1], target[64 + 3 * SYNC_CURSOR_MAX], *escaped;
	int rc = sync_cursor(s->st, cursor, sizeof(cursor), s->err, s->errlen);

	if (rc != SEUIL_OK)
		return failed(s, "pull", NULL, rc);
	if (cursor[0] == '\0') {
		snprintf(target, sizeof(target), "/v1/directory");
	} else {
		if ((escaped = curl_easy_escape(NULL, cursor, 0)) == NULL)
			return failed(s, "pull", NULL, err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory"));
		snprintf(target, sizeof(target), "/v1/directory?cursor=%s", escaped);
		curl_free(escaped);
	}
	rc = sync_http_request(s->http, "GET", target, NULL, 0, &reply, s->err, s->errlen);
	if (rc == SEUIL_OK)
		rc = sync_apply_pull(s->st, reply.body, reply.len, clock_wall_ms(), &s->r->pull, s->err,
				     s->errlen);
	if (rc != SEUIL_OK)
		rc = failed(s, "pull", &reply, rc);
	else
		s->r->pull_done = true;
	sync_http_reply_release(&reply);
	return rc;
}

static int commands(struct step *s)
{
	struct sync_http_reply reply;
	struct sync_commands_result res;
	char *body;
	int64_t acked;
	int rc = sync_http_request(s->http, "GET", "/v1/commands", NULL, 0, &reply, s->err, s->errlen);

	if (rc == SEUIL_OK)
		rc = sync_apply_commands(s->st, reply.body, reply.len, clock_wall_ms(), &res, s->err, s->errlen);
	if (rc != SEUIL_OK) {
		rc = failed(s, "commands", &reply, rc);
		sync_http_reply_release(&reply);
		return rc;
	}
	sync_http_reply_release(&reply);
	s->r->commands_executed = res.executed;
	s->r->commands_refused = res.refused;
	s->r->commands_repeated = res.repeated;
	s->r->sync_now = res.sync_now;
	if (res.nids > 0) {
		/* run and remembered already: a lost acknowledgement only means they come again */
		if ((body = sync_commands_ack_body(s->st, s->device, res.ids, res.nids)) == NULL) {
			sync_commands_result_release(&res);
			return failed(s, "commands", NULL,
				      err_set(s->err, s->errlen, SEUIL_ERR_NOMEM, "out of memory"));
		}
		rc = sync_http_request(s->http, "POST", "/v1/commands/ack", body, strlen(body), &reply, s->err,
				       s->errlen);
		free(body);
		if (rc == SEUIL_OK)
			rc = sync_parse_commands_ack(reply.body, reply.len, &acked, s->err, s->errlen);
		if (rc != SEUIL_OK)
			rc = failed(s, "commands", &reply, rc);
		else
			s->r->commands_acked = res.nids;
		sync_http_reply_release(&reply);
	}
	sync_commands_result_release(&res);
	if (rc == SEUIL_OK)
		s->r->commands_done = true;
	return rc;
}

/*
 * The rooms' calendars, whatever the office said (their servers are not
 * the office's): a failed room is in report->calendars, not in the sync's
 * result.  Not while stopping.
 */
/*
 * Once a local day, every stored calendar object is expanded again, so that
 * the window (a week back, 90 days ahead) moves with the days even for a
 * calendar that does not change.
 */
static void reexpand_daily(struct store *st, int64_t now_ms)
{
	int64_t day_ms, last;
	char err[256] = "", day[24];

	if (store_site_day_start(st, now_ms, &day_ms, err, sizeof(err)) != SEUIL_OK ||
	    (last = store_setting_int(st, "bookings_expanded_day", 0)) == day_ms)
		return;
	snprintf(day, sizeof(day), "%lld", (long long)day_ms);
	/* the first time, what was just stored was expanded for today already */
	if (last == 0) {
		if (store_setting_set(st, "bookings_expanded_day", day, err, sizeof(err)) != SEUIL_OK)
			log_warn("calendars: %s", err);
		return;
	}
	if (bookings_reexpand(st, now_ms / 1000, err, sizeof(err)) != SEUIL_OK ||
	    store_setting_set(st, "bookings_expanded_day", day, err, sizeof(err)) != SEUIL_OK)
		log_warn("calendars: the daily expansion failed: %s", err);
	else
		log_info("calendars: bookings expanded again for the new day");
}

static void calendars(const struct seuil_config *cfg, struct store *st, const struct sync_run *run,
		      struct sync_report *report)
{
	struct caldav_run crun = { run != NULL && run->insecure_loopback, run != NULL ? run->tick : NULL,
				   run != NULL ? run->tick_ctx : NULL };
	char cerr[CALDAV_ERROR_MAX];

	if (crun.tick != NULL && crun.tick(crun.tick_ctx) != 0)
		return;
	caldav_sync_rooms(cfg, st, &crun, clock_wall_ms(), &report->calendars, cerr, sizeof(cerr));
	report->calendars_done = true;
	reexpand_daily(st, clock_wall_ms());
}

int sync_once(const struct seuil_config *cfg, struct store *st, const struct sync_run *run,
	      struct sync_report *report, char *err, size_t errlen)
{
	struct sync_http_options o = {
		.url = cfg->sync_url,
		.ca = cfg->sync_ca,
		.cert = cfg->sync_cert,
		.key = cfg->sync_key,
		.pin = cfg->sync_pin,
		.connect_timeout_s = cfg->sync_connect_timeout_s,
		.transfer_timeout_s = cfg->sync_transfer_timeout_s,
		.insecure_loopback = run != NULL && run->insecure_loopback,
		.tick = run != NULL ? run->tick : NULL,
		.tick_ctx = run != NULL ? run->tick_ctx : NULL,
	};
	char device[64];
	struct step s = { cfg, st, NULL, report, device, err, errlen, false };
	int rc;

	memset(report, 0, sizeof(*report));
	report->retry_after_s = -1;
	{
		/* before the office: a person waits at the screen for the answer */
		struct caldav_run crun = { run != NULL && run->insecure_loopback, run != NULL ? run->tick : NULL,
					   run != NULL ? run->tick_ctx : NULL };
		book_now_run(cfg, st, &crun, clock_wall_ms(), &report->book);
	}
	if (cfg->device_id[0] != '\0')
		snprintf(device, sizeof(device), "%s", cfg->device_id);
	else
		store_setting_get(st, "device_id", "kiosk-1", device, sizeof(device));
	if ((rc = sync_http_new(&o, &s.http, err, errlen)) != SEUIL_OK) {
		snprintf(report->failed_step, sizeof(report->failed_step), "setup");
	} else {
		/* an office that answers but whose acknowledgement the kiosk refuses
		 * still brings the directory and the commands: a revoked badge must
		 * not wait on the outbox; the push's error is the sync's */
		if ((rc = push(&s)) == SEUIL_OK || s.answer_refused) {
			int next = pull(&s);
			if (next == SEUIL_OK)
				next = commands(&s);
			if (rc == SEUIL_OK)
				rc = next;
		}
		sync_http_free(s.http);
	}
	calendars(cfg, st, run, report);
	return rc;
}

/* appends to buf (size len) holding n bytes; returns the new n, capped at len */
__attribute__((format(printf, 4, 5))) static size_t add(char *buf, size_t len, size_t n, const char *fmt,
							 ...)
{
	va_list ap;
	int w;

	if (n >= len)
		return len;
	va_start(ap, fmt);
	w = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return w < 0 ? n : n + (size_t)w;
}

char *sync_report_format(const struct sync_report *r, char *buf, size_t len)
{
	const struct sync_pull_result *p = &r->pull;
	size_t n = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (r->book.ok + r->book.conflict + r->book.offline + r->book.failed > 0)
		n = add(buf, len, n, "book now: %d ok, %d conflict, %d offline, %d failed\n", r->book.ok,
			r->book.conflict, r->book.offline, r->book.failed);
	if (r->push_done)
		n = add(buf, len, n, "push: %" PRId64 " events in %d batch%s, acked_seq %" PRId64 ", %" PRId64
			" waiting\n", r->pushed, r->batches, r->batches == 1 ? "" : "es", r->acked_seq,
			r->outbox_left);
	if (r->pull_done && !p->changed) {
		n = add(buf, len, n, "pull: nothing new, cursor %s\n", p->cursor);
	} else if (r->pull_done) {
		long written = p->doors + p->schedules + p->profiles + p->tenants + p->people + p->credentials +
			       p->closures + p->rooms + p->invites;
		n = add(buf, len, n,
			"pull: %s, cursor %s: %ld written (doors %ld, schedules %ld, profiles %ld, tenants %ld,"
			" people %ld, credentials %ld, closures %ld, rooms %ld, invites %ld), %ld deleted,"
			" %ld removed\n",
			p->full ? "full" : "delta", p->cursor, written, p->doors, p->schedules, p->profiles,
			p->tenants, p->people, p->credentials, p->closures, p->rooms, p->invites, p->deleted,
			p->removed);
	}
	if (r->commands_done)
		n = add(buf, len, n, "commands: %d executed, %d refused, %d repeated, %zu acknowledged%s\n",
			r->commands_executed, r->commands_refused, r->commands_repeated, r->commands_acked,
			r->sync_now ? ", sync_now" : "");
	if (r->calendars_done && r->calendars.rooms > 0 && n < len)
		caldav_report_format(&r->calendars, buf + n, len - n);
	return buf;
}
