/*
 * ui_book.c - the rooms board and book now as steps of the state machine
 * (ui_book.h).  No clock, no SDL, no store: the services and the time come
 * from the caller; drawing is screen_rooms.c's and screen_book.c's.
 */
#include "ui_book.h"

#include "ui_state.h"

#include <stdio.h>
#include <string.h>

struct ui_rect ui_book_room_row(int i)
{
	return (struct ui_rect){ 32, UI_BOOK_ROW_Y + i * (UI_BOOK_ROW_H + UI_BOOK_ROW_GAP), 1216, UI_BOOK_ROW_H };
}

bool ui_book_offered(const struct ui_state *s)
{
	return s->book_svc != NULL && s->badge.granted && s->badge.tenant[0] != '\0' && s->badge.can_book;
}

/* ---- the board ---- */

static void read_board(struct ui_state *s, int offset)
{
	struct ui_book *b = &s->book;

	memset(&b->board, 0, sizeof(b->board));
	b->board_ok = s->book_svc != NULL && s->book_svc->board(s->book_svc->ctx, offset, &b->board);
	if (!b->board_ok)
		memset(&b->board, 0, sizeof(b->board));
}

void ui_board_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_go_home(s, act);
	s->screen = UI_SCREEN_ROOMS;
	read_board(s, 0);
	act->redraw = true;
}

static void tap_board(struct ui_state *s, int x, int y, struct ui_actions *act)
{
	struct ui_board *bd = &s->book.board;

	if (ui_rect_hit(&UI_BOARD_BACK, x, y)) {
		ui_go_home(s, act);
	} else if (ui_rect_hit(&UI_BOARD_PREV, x, y) && bd->offset > 0) {
		read_board(s, bd->offset >= UI_BOARD_ROWS ? bd->offset - UI_BOARD_ROWS : 0);
	} else if (ui_rect_hit(&UI_BOARD_NEXT, x, y) && bd->offset + bd->n < bd->total) {
		read_board(s, bd->offset + UI_BOARD_ROWS);
	}
}

/* ---- book now ---- */

static void read_rooms(struct ui_state *s)
{
	struct ui_book *b = &s->book;
	size_t n = 0;

	memset(b->rooms, 0, sizeof(b->rooms));
	b->rooms_ok = s->book_svc != NULL && s->book_svc->free_rooms(s->book_svc->ctx, b->rooms, UI_BOOK_ROOMS_MAX, &n);
	b->nrooms = b->rooms_ok && n <= UI_BOOK_ROOMS_MAX ? n : 0;
}

void ui_book_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	struct ui_badge badge = s->badge;
	struct ui_book *b = &s->book;

	(void)now_ms;
	ui_go_home(s, act);
	s->screen = UI_SCREEN_BOOK;
	snprintf(b->tenant, sizeof(b->tenant), "%s", badge.tenant);
	snprintf(b->person, sizeof(b->person), "%s", badge.person);
	snprintf(b->organisation, sizeof(b->organisation), "%s", badge.organisation);
	b->step = UI_BOOK_ROOMS;
	read_rooms(s);
	act->redraw = true;
}

static void finish(struct ui_state *s, enum ui_book_outcome outcome, int64_t now_ms)
{
	struct ui_book *b = &s->book;

	b->step = UI_BOOK_DONE;
	b->outcome = outcome;
	b->done_until = now_ms + UI_BOOK_DONE_MS;
	b->wait_until = 0;
	s->last_input_ms = now_ms; /* the idle timer counts from the answer: it must be read */
}

static void confirm(struct ui_state *s, int64_t now_ms)
{
	struct ui_book *b = &s->book;
	const struct ui_book_room *r = &b->rooms[b->chosen];
	enum ui_book_sent sent;

	b->request = 0;
	b->start[0] = b->end[0] = '\0';
	sent = s->book_svc->book(s->book_svc->ctx, r->id, b->minutes, b->tenant, b->person, &b->request, b->start,
				 b->end);
	switch (sent) {
	case UI_BOOK_SENT:
		b->step = UI_BOOK_WAIT;
		b->wait_until = now_ms + UI_BOOK_WAIT_MS;
		b->extended = false;
		break;
	case UI_BOOK_TAKEN_HERE:
		finish(s, UI_BOOK_OUT_CONFLICT, now_ms);
		break;
	case UI_BOOK_NOT_SENT:
		finish(s, UI_BOOK_OUT_FAILED, now_ms);
		break;
	}
}

static void tap_book(struct ui_state *s, int x, int y, int64_t now_ms, struct ui_actions *act)
{
	struct ui_book *b = &s->book;

	if (b->step == UI_BOOK_DONE) {
		if (ui_rect_hit(&UI_BOOK_HOME, x, y))
			ui_go_home(s, act);
		return;
	}
	if (b->step == UI_BOOK_WAIT)
		return; /* nothing to press: the answer comes by itself */
	if (ui_rect_hit(&UI_BOOK_BACK, x, y)) {
		if (b->step == UI_BOOK_ROOMS)
			ui_go_home(s, act);
		else
			b->step = b->step == UI_BOOK_LENGTH ? UI_BOOK_ROOMS : UI_BOOK_LENGTH;
		return;
	}
	switch (b->step) {
	case UI_BOOK_ROOMS:
		for (size_t i = 0; i < b->nrooms; i++) {
			struct ui_rect row = ui_book_room_row((int)i);
			if (ui_rect_hit(&row, x, y)) {
				b->chosen = (int)i;
				b->step = UI_BOOK_LENGTH;
				break;
			}
		}
		break;
	case UI_BOOK_LENGTH:
		for (int i = 0; i < 3; i++) {
			/* only a length the room is free for */
			if (ui_rect_hit(&UI_BOOK_DURATION[i], x, y) && b->rooms[b->chosen].free_min >= UI_BOOK_MINUTES[i]) {
				b->minutes = UI_BOOK_MINUTES[i];
				b->step = UI_BOOK_CONFIRM_STEP;
			}
		}
		break;
	case UI_BOOK_CONFIRM_STEP:
		if (ui_rect_hit(&UI_BOOK_CONFIRM, x, y))
			confirm(s, now_ms);
		else if (ui_rect_hit(&UI_BOOK_CANCEL, x, y))
			b->step = UI_BOOK_LENGTH;
		break;
	case UI_BOOK_WAIT:
	case UI_BOOK_DONE:
		break;
	}
}

/* while waiting: the answer, or the time running out */
static void tick_book(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	struct ui_book *b = &s->book;

	if (b->step == UI_BOOK_DONE && now_ms >= b->done_until) {
		ui_go_home(s, act);
		return;
	}
	if (b->step != UI_BOOK_WAIT)
		return;
	switch (s->book_svc->poll(s->book_svc->ctx, b->request)) {
	case UI_BOOK_P_OK: finish(s, UI_BOOK_OUT_OK, now_ms); break;
	case UI_BOOK_P_CONFLICT: finish(s, UI_BOOK_OUT_CONFLICT, now_ms); break;
	case UI_BOOK_P_OFFLINE: finish(s, UI_BOOK_OUT_OFFLINE, now_ms); break;
	case UI_BOOK_P_FAILED: finish(s, UI_BOOK_OUT_FAILED, now_ms); break;
	case UI_BOOK_P_PENDING:
	case UI_BOOK_P_TAKEN:
		if (now_ms < b->wait_until)
			return;
		/* too long: cancelled while nobody took it; else a little longer, once */
		if (s->book_svc->cancel(s->book_svc->ctx, b->request) || b->extended) {
			finish(s, UI_BOOK_OUT_TIMEOUT, now_ms);
		} else {
			b->extended = true;
			b->wait_until = now_ms + UI_BOOK_TAKEN_MS;
			return;
		}
		break;
	}
	act->redraw = true;
}

void ui_book_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	bool board = s->screen == UI_SCREEN_ROOMS;

	if (s->screen != UI_SCREEN_ROOMS && s->screen != UI_SCREEN_BOOK)
		return;
	switch (ev->kind) {
	case UI_EV_TICK:
		if (!board)
			tick_book(s, now_ms, act);
		return;
	case UI_EV_TAP:
		if (board)
			tap_board(s, ev->x, ev->y, act);
		else
			tap_book(s, ev->x, ev->y, now_ms, act);
		break;
	case UI_EV_KEY:
		if (ev->key == NULL || strcmp(ev->key, "escape") != 0 || ui_book_busy(s))
			return;
		ui_go_home(s, act);
		break;
	case UI_EV_TEXT:
	case UI_EV_BADGE:
	case UI_EV_LANG:
	case UI_EV_CARD:
		return;
	}
	act->redraw = true;
}

void ui_book_reset(struct ui_state *s)
{
	struct ui_book *b = &s->book;

	/* left while waiting (a badge): nobody will read the answer, so nothing is booked if it can be helped */
	if (b->step == UI_BOOK_WAIT && b->request != 0 && s->book_svc != NULL)
		s->book_svc->cancel(s->book_svc->ctx, b->request);
	memset(b, 0, sizeof(*b));
}

int64_t ui_book_deadline(const struct ui_state *s)
{
	if (s->screen != UI_SCREEN_BOOK)
		return 0;
	if (s->book.step == UI_BOOK_WAIT)
		return s->book.wait_until;
	if (s->book.step == UI_BOOK_DONE)
		return s->book.done_until;
	return 0;
}

bool ui_book_busy(const struct ui_state *s)
{
	return s->screen == UI_SCREEN_BOOK && s->book.step == UI_BOOK_WAIT;
}
