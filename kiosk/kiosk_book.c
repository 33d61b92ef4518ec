/*
 * kiosk_book.c - the rooms board's and book now's services (ui_book.h)
 * over the appliance's store: rooms.h for what is free and booked,
 * book_request.h for the request row seuil-sync answers, and a poke of
 * seuil-sync (appliance_sync_now).  It turns UTC instants into the
 * site's local "HH:MM"; it never talks to a calendar itself.
 */
#include "kiosk_services.h"

#include "book_request.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "rooms.h"
#include "staff.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HORIZON_S (90 * 60) /* the longest booking offered */
#define FREE_MAX 32         /* rooms looked at for book now */

static struct store *store_of(void *ctx)
{
	return appliance_store(ctx);
}

static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "HH:MM" in the site's time (UTC when there is no site yet) */
static void hhmm(struct store *st, int64_t utc_s, char *out, size_t len)
{
	struct tz_local l;

	if (staff_local_time(st, utc_s * 1000, &l) != SEUIL_OK)
		l.minute = (int)(((utc_s % 86400) + 86400) % 86400 / 60);
	snprintf(out, len, "%02d:%02d", l.minute / 60, l.minute % 60);
}

static bool free_rooms(void *ctx, struct ui_book_room *out, size_t max, size_t *n)
{
	struct room_free rooms[FREE_MAX];
	size_t count = 0;
	int64_t now_s = clock_wall_ms() / 1000;
	char err[256] = "";

	*n = 0;
	if (rooms_free_now(store_of(ctx), now_s, HORIZON_S, rooms, FREE_MAX, &count, err, sizeof(err)) != SEUIL_OK) {
		log_warn("book now: %s", err);
		return false;
	}
	for (size_t i = 0; i < count && i < FREE_MAX && *n < max; i++) {
		struct ui_book_room *r = &out[*n];
		if (rooms[i].free_s < UI_BOOK_MIN_FREE * 60)
			continue;
		memset(r, 0, sizeof(*r));
		copy_text(r->id, sizeof(r->id), rooms[i].id);
		copy_text(r->name, sizeof(r->name), rooms[i].name);
		r->capacity = rooms[i].capacity;
		r->free_min = (int)(rooms[i].free_s / 60);
		(*n)++;
	}
	return true;
}

bool kiosk_book_possible(struct appliance *app)
{
	struct ui_book_room rooms[1];
	size_t n = 0;

	return free_rooms(app, rooms, 1, &n) && n > 0;
}

static enum ui_book_sent book(void *ctx, const char *room, int minutes, const char *tenant, const char *person,
			      int64_t *request, char start[8], char end[8])
{
	struct store *st = store_of(ctx);
	struct book_request r;
	int64_t now_ms = clock_wall_ms();
	bool free_ = false;
	char err[256] = "";

	memset(&r, 0, sizeof(r));
	if (minutes <= 0 || minutes > HORIZON_S / 60 || strlen(room) >= sizeof(r.room) ||
	    strlen(tenant) >= sizeof(r.tenant) || strlen(person) >= sizeof(r.person))
		return UI_BOOK_NOT_SENT;
	snprintf(r.room, sizeof(r.room), "%s", room);
	snprintf(r.tenant, sizeof(r.tenant), "%s", tenant);
	snprintf(r.person, sizeof(r.person), "%s", person);
	/* from this minute: two kiosks booking the same room now write the same event */
	r.start_s = now_ms / 1000 - (now_ms / 1000) % 60;
	r.end_s = r.start_s + (int64_t)minutes * 60;
	book_request_uid(&r);
	if (book_request_add(st, &r, now_ms, request, &free_, err, sizeof(err)) != SEUIL_OK) {
		log_warn("book now: %s", err);
		return UI_BOOK_NOT_SENT;
	}
	hhmm(st, r.start_s, start, 8);
	hhmm(st, r.end_s, end, 8);
	if (!free_) {
		log_info("book now: %s is already booked at %s", room, start);
		return UI_BOOK_TAKEN_HERE;
	}
	log_info("book now: %s for %d min asked for %s (request %lld)", room, minutes, tenant, (long long)*request);
	appliance_sync_now(ctx);
	return UI_BOOK_SENT;
}

static enum ui_book_poll poll_request(void *ctx, int64_t request)
{
	enum book_state state;
	char err[256] = "";

	if (book_request_state(store_of(ctx), request, &state, err, sizeof(err)) != SEUIL_OK) {
		log_warn("book now: %s", err);
		return UI_BOOK_P_FAILED;
	}
	switch (state) {
	case BOOK_PENDING: return UI_BOOK_P_PENDING;
	case BOOK_TAKEN: return UI_BOOK_P_TAKEN;
	case BOOK_OK: return UI_BOOK_P_OK;
	case BOOK_CONFLICT: return UI_BOOK_P_CONFLICT;
	case BOOK_OFFLINE: return UI_BOOK_P_OFFLINE;
	case BOOK_FAILED: return UI_BOOK_P_FAILED;
	}
	return UI_BOOK_P_FAILED;
}

static bool cancel(void *ctx, int64_t request)
{
	bool cancelled = false;
	char err[256] = "";

	if (book_request_cancel(store_of(ctx), request, clock_wall_ms(), &cancelled, err, sizeof(err)) != SEUIL_OK)
		log_warn("book now: %s", err);
	if (cancelled)
		log_info("book now: request %lld unanswered, cancelled", (long long)request);
	return cancelled;
}

static void slot_view(struct store *st, const struct room_slot *in, struct ui_board_slot *out)
{
	memset(out, 0, sizeof(*out));
	hhmm(st, in->start_s, out->from, sizeof(out->from));
	hhmm(st, in->end_s, out->to, sizeof(out->to));
	out->all_day = in->all_day;
	out->private_ = in->private_;
	copy_text(out->title, sizeof(out->title), in->title);
	copy_text(out->organisation, sizeof(out->organisation), in->organisation);
}

/* a day's slots of one room, from from_s to to_s */
static bool day_slots(struct store *st, const char *room, int64_t from_s, int64_t to_s, struct ui_board_slot *out,
		      int *n, int *total)
{
	struct room_slot slots[UI_BOARD_SLOTS];
	size_t count = 0;
	char err[256] = "";

	if (rooms_slots(st, room, from_s, to_s, slots, UI_BOARD_SLOTS, &count, err, sizeof(err)) != SEUIL_OK) {
		log_warn("rooms board: %s", err);
		return false;
	}
	*total = (int)count;
	*n = count < UI_BOARD_SLOTS ? (int)count : UI_BOARD_SLOTS;
	for (int i = 0; i < *n; i++)
		slot_view(st, &slots[i], &out[i]);
	return true;
}

static bool board(void *ctx, int offset, struct ui_board *out)
{
	struct store *st = store_of(ctx);
	struct room_day *days;
	size_t count = 0, max = (size_t)offset + UI_BOARD_ROWS;
	int64_t now_ms = clock_wall_ms(), today_ms, tomorrow_ms, after_ms;
	char err[256] = "";
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (offset < 0 || offset > 10000 || (days = calloc(max, sizeof(*days))) == NULL)
		return false;
	if (store_site_day_start(st, now_ms, &today_ms, err, sizeof(err)) != SEUIL_OK ||
	    store_site_day_start(st, today_ms + 30 * 3600 * 1000LL, &tomorrow_ms, err, sizeof(err)) != SEUIL_OK ||
	    store_site_day_start(st, tomorrow_ms + 30 * 3600 * 1000LL, &after_ms, err, sizeof(err)) != SEUIL_OK ||
	    rooms_today(st, now_ms / 1000, tomorrow_ms / 1000, days, max, &count, err, sizeof(err)) != SEUIL_OK) {
		log_warn("rooms board: %s", err);
		goto out;
	}
	out->total = (int)count;
	out->offset = offset;
	for (size_t i = (size_t)offset; i < count && i < max; i++) {
		const struct room_day *d = &days[i];
		struct ui_board_row *r = &out->rows[out->n++];
		copy_text(r->name, sizeof(r->name), d->name);
		r->capacity = d->capacity;
		r->busy = d->busy;
		if (d->busy)
			hhmm(st, d->now.end_s, r->until, sizeof(r->until));
		else if (d->has_next)
			hhmm(st, d->next.start_s, r->until, sizeof(r->until));
		if (!day_slots(st, d->id, now_ms / 1000, tomorrow_ms / 1000, r->today, &r->today_n, &r->today_total) ||
		    !day_slots(st, d->id, tomorrow_ms / 1000, after_ms / 1000, r->tomorrow, &r->tomorrow_n,
			       &r->tomorrow_total))
			goto out;
	}
	ok = true;
out:
	free(days);
	return ok;
}

struct ui_book_services *kiosk_book_services(struct appliance *app)
{
	struct ui_book_services *svc = calloc(1, sizeof(*svc));

	if (svc == NULL)
		return NULL;
	svc->ctx = app;
	svc->free_rooms = free_rooms;
	svc->book = book;
	svc->poll = poll_request;
	svc->cancel = cancel;
	svc->board = board;
	return svc;
}

void kiosk_book_services_free(struct ui_book_services *svc)
{
	free(svc);
}
