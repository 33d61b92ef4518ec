/*
 * ui_staff.c - staff mode's steps (see ui_staff.h): the PIN, the menu and
 * its screens.  No clock, no SDL, no store: the time comes with each event
 * and everything else through s->staff_svc.  It never decides a badge or
 * moves the door itself.
 */
#include "ui_state.h"

#include <stdio.h>
#include <string.h>

struct ui_rect ui_staff_pin_key(int i)
{
	int col = i % 3, row = i / 3;

	return (struct ui_rect){ UI_STAFF_PAD_X + col * (UI_STAFF_KEY_W + UI_STAFF_KEY_GAP),
				 UI_STAFF_PAD_Y + row * (UI_STAFF_KEY_H + UI_STAFF_KEY_GAP), UI_STAFF_KEY_W,
				 UI_STAFF_KEY_H };
}

struct ui_rect ui_staff_menu_button(enum ui_staff_menu_item item)
{
	int i = (int)item;

	return (struct ui_rect){ i % 2 == 0 ? 32 : 656, 392 + (i / 2) * 136, 592, 112 };
}

struct ui_rect ui_staff_found_row(int i)
{
	return (struct ui_rect){ UI_STAFF_FIELD.x, UI_STAFF_FOUND_Y + i * (UI_STAFF_FOUND_H + UI_STAFF_FOUND_GAP),
				 UI_STAFF_FIELD.w, UI_STAFF_FOUND_H };
}

static void wipe_pin(struct ui_staff *st)
{
	/* volatile: the compiler must not drop the wipe of a buffer it sees unused after */
	volatile char *p = st->pin;

	for (size_t i = 0; i < sizeof(st->pin); i++)
		p[i] = 0;
	st->pin_len = 0;
}

void ui_staff_reset(struct ui_state *s)
{
	wipe_pin(&s->staff);
	memset(&s->staff, 0, sizeof(s->staff));
}

bool ui_staff_wants_card(const struct ui_state *s)
{
	return s->screen == UI_SCREEN_STAFF && s->staff.step == UI_STAFF_CARD;
}

int64_t ui_staff_deadline(const struct ui_state *s)
{
	/* without ticks a deadline would never move on: the loop would spin */
	if (s->screen != UI_SCREEN_STAFF || !s->staff.ticked)
		return 0;
	if (s->staff.step == UI_STAFF_MENU ||
	    (s->staff.step == UI_STAFF_PIN && s->staff.pin_state.kind == UI_STAFF_PIN_LOCKED))
		return s->staff.refresh_at;
	return 0;
}

/* ---- what the services tell ---- */

static void read_pin_state(struct ui_state *s, int64_t now_ms)
{
	const struct ui_staff_services *svc = s->staff_svc;
	struct ui_staff *st = &s->staff;

	memset(&st->pin_state, 0, sizeof(st->pin_state));
	st->pin_state.kind = UI_STAFF_PIN_FAULT;
	if (svc != NULL && svc->pin_status != NULL && !svc->pin_status(svc->ctx, st->person, &st->pin_state))
		st->pin_state.kind = UI_STAFF_PIN_FAULT;
	st->refresh_at = 0;
	if (st->pin_state.kind == UI_STAFF_PIN_LOCKED)
		st->refresh_at = now_ms + (st->pin_state.locked_ms > 1000 ? st->pin_state.locked_ms : 1000);
}

static void read_door(struct ui_state *s, int64_t now_ms)
{
	const struct ui_staff_services *svc = s->staff_svc;

	memset(&s->staff.door, 0, sizeof(s->staff.door));
	if (svc != NULL && svc->door_status != NULL)
		svc->door_status(svc->ctx, &s->staff.door);
	s->staff.refresh_at = now_ms + UI_STAFF_REFRESH_MS;
}

static void read_inside(struct ui_state *s, int offset)
{
	const struct ui_staff_services *svc = s->staff_svc;
	struct ui_staff_inside page;

	memset(&page, 0, sizeof(page));
	if (svc == NULL || svc->inside == NULL || !svc->inside(svc->ctx, offset, &page)) {
		s->staff.inside_ok = false;
		memset(&s->staff.inside, 0, sizeof(s->staff.inside));
		return;
	}
	if (page.n < 0)
		page.n = 0;
	if (page.n > UI_STAFF_ROWS)
		page.n = UI_STAFF_ROWS;
	page.offset = offset;
	s->staff.inside = page;
	s->staff.inside_ok = true;
}

static void read_sync(struct ui_state *s)
{
	const struct ui_staff_services *svc = s->staff_svc;

	memset(&s->staff.sync, 0, sizeof(s->staff.sync));
	s->staff.sync_ok = svc != NULL && svc->sync_status != NULL && svc->sync_status(svc->ctx, &s->staff.sync);
}

static void search(struct ui_state *s)
{
	const struct ui_staff_services *svc = s->staff_svc;
	struct ui_staff *st = &s->staff;

	st->nfound = st->total_found = 0;
	memset(st->found, 0, sizeof(st->found));
	if (svc == NULL || svc->find_people == NULL || st->query.len == 0)
		return;
	st->nfound = svc->find_people(svc->ctx, st->query.text, st->found, UI_STAFF_FOUND, &st->total_found);
	if (st->nfound > UI_STAFF_FOUND)
		st->nfound = UI_STAFF_FOUND;
}

/* ---- moving between steps ---- */

static void go_menu(struct ui_state *s, int64_t now_ms)
{
	s->staff.step = UI_STAFF_MENU;
	read_door(s, now_ms);
}

static void go_find(struct ui_state *s)
{
	struct ui_staff *st = &s->staff;

	st->step = UI_STAFF_FIND;
	ui_keyboard_init(&st->kb);
	ui_field_clear(&st->query);
	memset(&st->target, 0, sizeof(st->target));
	search(s);
}

void ui_staff_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	struct ui_staff *st = &s->staff;

	ui_staff_reset(s);
	s->screen = UI_SCREEN_STAFF;
	st->step = UI_STAFF_PIN;
	snprintf(st->person, sizeof(st->person), "%s", s->badge.person);
	snprintf(st->first_name, sizeof(st->first_name), "%s", s->badge.first_name);
	read_pin_state(s, now_ms);
	act->redraw = true;
}

/* ---- the PIN ---- */

static void pin_submit(struct ui_state *s, int64_t now_ms)
{
	const struct ui_staff_services *svc = s->staff_svc;
	struct ui_staff *st = &s->staff;
	bool right = false;

	if (st->pin_len < UI_STAFF_PIN_MIN) {
		st->pin_short = true;
		st->pin_wrong = false;
		return;
	}
	if (svc != NULL && svc->pin_check != NULL)
		right = svc->pin_check(svc->ctx, st->person, st->pin, &st->pin_state);
	else
		st->pin_state.kind = UI_STAFF_PIN_FAULT;
	wipe_pin(st);
	st->pin_short = false;
	st->pin_wrong = !right;
	if (right) {
		st->pin_wrong = false;
		go_menu(s, now_ms);
	} else if (st->pin_state.kind == UI_STAFF_PIN_LOCKED) {
		st->refresh_at = now_ms + (st->pin_state.locked_ms > 1000 ? st->pin_state.locked_ms : 1000);
	}
}

static void pin_digit(struct ui_staff *st, char d)
{
	if (st->pin_len >= UI_STAFF_PIN_MAX)
		return;
	st->pin[st->pin_len++] = d;
	st->pin[st->pin_len] = '\0';
	st->pin_wrong = st->pin_short = false;
}

static void pin_back(struct ui_staff *st)
{
	if (st->pin_len > 0)
		st->pin[--st->pin_len] = '\0';
	st->pin_wrong = st->pin_short = false;
}

static void tap_pin(struct ui_state *s, int x, int y, int64_t now_ms)
{
	struct ui_staff *st = &s->staff;

	if (st->pin_state.kind != UI_STAFF_PIN_READY) {
		if (ui_rect_hit(&UI_STAFF_RETRY, x, y) && st->pin_state.kind != UI_STAFF_PIN_UNSET)
			read_pin_state(s, now_ms);
		return;
	}
	for (int i = 0; i < 12; i++) {
		struct ui_rect r = ui_staff_pin_key(i);
		if (!ui_rect_hit(&r, x, y))
			continue;
		if (i < 9)
			pin_digit(st, (char)('1' + i));
		else if (i == 10)
			pin_digit(st, '0');
		else if (i == 9)
			pin_back(st);
		else
			pin_submit(s, now_ms);
		return;
	}
}

static void input_pin(struct ui_state *s, const struct ui_event *ev, int64_t now_ms)
{
	struct ui_staff *st = &s->staff;

	if (st->pin_state.kind != UI_STAFF_PIN_READY)
		return;
	if (ev->kind == UI_EV_TEXT && ev->text != NULL) {
		for (const char *p = ev->text; *p != '\0'; p++) {
			if (*p >= '0' && *p <= '9')
				pin_digit(st, *p);
		}
	} else if (ev->kind == UI_EV_KEY && strcmp(ev->key, "backspace") == 0) {
		pin_back(st);
	} else if (ev->kind == UI_EV_KEY && strcmp(ev->key, "enter") == 0) {
		pin_submit(s, now_ms);
	}
}

/* ---- the menu and its screens ---- */

static void notice(struct ui_staff *st, bool ok, enum ui_staff_notice what, int minutes)
{
	st->notice = ok ? what : UI_STAFF_N_FAILED;
	st->notice_minutes = minutes;
}

static void unlock(struct ui_state *s, int minutes, int64_t now_ms)
{
	const struct ui_staff_services *svc = s->staff_svc;
	bool ok = svc != NULL && svc->unlock_for != NULL && svc->unlock_for(svc->ctx, s->staff.person, minutes);

	notice(&s->staff, ok, minutes > 0 ? UI_STAFF_N_UNLOCKED : UI_STAFF_N_LOCKED, minutes);
	go_menu(s, now_ms);
}

static void tap_menu(struct ui_state *s, int x, int y, int64_t now_ms)
{
	struct ui_staff *st = &s->staff;

	for (int i = 0; i < UI_STAFF_M_COUNT; i++) {
		struct ui_rect r = ui_staff_menu_button((enum ui_staff_menu_item)i);
		if (!ui_rect_hit(&r, x, y))
			continue;
		st->notice = UI_STAFF_N_NONE;
		switch ((enum ui_staff_menu_item)i) {
		case UI_STAFF_M_UNLOCK:
			st->step = UI_STAFF_UNLOCK;
			break;
		case UI_STAFF_M_LOCKDOWN:
			st->step = UI_STAFF_LOCKDOWN;
			break;
		case UI_STAFF_M_ENROLL:
			go_find(s);
			break;
		case UI_STAFF_M_INSIDE:
			st->step = UI_STAFF_INSIDE;
			read_inside(s, 0);
			break;
		case UI_STAFF_M_SYNC:
			st->step = UI_STAFF_SYNC;
			read_sync(s);
			break;
		case UI_STAFF_M_LOCK_NOW:
			if (st->door.held)
				unlock(s, 0, now_ms);
			break;
		case UI_STAFF_M_COUNT:
			break;
		}
		return;
	}
}

static void tap_unlock(struct ui_state *s, int x, int y, int64_t now_ms)
{
	for (int i = 0; i < 3; i++) {
		if (ui_rect_hit(&UI_STAFF_UNLOCK_BTN[i], x, y)) {
			unlock(s, UI_STAFF_UNLOCK_MIN[i], now_ms);
			return;
		}
	}
	if (s->staff.door.held && ui_rect_hit(&UI_STAFF_LOCK_NOW, x, y))
		unlock(s, 0, now_ms);
}

static void tap_lockdown(struct ui_state *s, int x, int y, int64_t now_ms)
{
	const struct ui_staff_services *svc = s->staff_svc;
	bool on = !s->staff.door.lockdown, ok;

	if (ui_rect_hit(&UI_STAFF_CONFIRM, x, y)) {
		ok = svc != NULL && svc->set_lockdown != NULL && svc->set_lockdown(svc->ctx, s->staff.person, on);
		notice(&s->staff, ok, on ? UI_STAFF_N_LOCKDOWN_ON : UI_STAFF_N_LOCKDOWN_OFF, 0);
		go_menu(s, now_ms);
	} else if (ui_rect_hit(&UI_STAFF_CANCEL, x, y)) {
		go_menu(s, now_ms);
	}
}

static void choose(struct ui_state *s, size_t i)
{
	struct ui_staff *st = &s->staff;

	if (i >= st->nfound)
		return;
	st->target = st->found[i];
	st->step = UI_STAFF_CARD;
}

static void tap_find(struct ui_state *s, int x, int y)
{
	struct ui_staff *st = &s->staff;

	if (ui_rect_hit(&UI_KB_AREA, x, y)) {
		enum ui_kb_result r = ui_keyboard_tap(&st->kb, &st->query, x, y);
		if (r == UI_KB_CHANGED)
			search(s);
		else if (r == UI_KB_ENTER && st->nfound == 1)
			choose(s, 0);
		return;
	}
	for (size_t i = 0; i < st->nfound; i++) {
		struct ui_rect r = ui_staff_found_row((int)i);
		if (ui_rect_hit(&r, x, y)) {
			choose(s, i);
			return;
		}
	}
}

static void input_find(struct ui_state *s, const struct ui_event *ev)
{
	struct ui_staff *st = &s->staff;
	enum ui_kb_result r = UI_KB_NONE;

	if (ev->kind == UI_EV_TEXT && ev->text != NULL)
		r = ui_field_type(&st->query, ev->text);
	else if (ev->kind == UI_EV_KEY && strcmp(ev->key, "backspace") == 0)
		r = ui_field_backspace(&st->query);
	else if (ev->kind == UI_EV_KEY && strcmp(ev->key, "enter") == 0 && st->nfound == 1)
		choose(s, 0);
	if (r == UI_KB_CHANGED)
		search(s);
}

static void card(struct ui_state *s, const char *uid)
{
	const struct ui_staff_services *svc = s->staff_svc;
	struct ui_staff *st = &s->staff;

	st->holder[0] = '\0';
	st->enrolled = UI_STAFF_ENROLL_FAULT;
	if (svc != NULL && svc->enroll != NULL && uid != NULL)
		st->enrolled = svc->enroll(svc->ctx, st->person, st->target.id, uid, st->holder, sizeof(st->holder));
	st->step = UI_STAFF_ENROLLED;
}

static void tap_inside(struct ui_state *s, int x, int y)
{
	struct ui_staff_inside *in = &s->staff.inside;
	long total = in->people + in->visitors;

	if (ui_rect_hit(&UI_STAFF_PREV, x, y) && in->offset > 0)
		read_inside(s, in->offset >= UI_STAFF_ROWS ? in->offset - UI_STAFF_ROWS : 0);
	else if (ui_rect_hit(&UI_STAFF_NEXT, x, y) && in->offset + in->n < total && in->n == UI_STAFF_ROWS)
		read_inside(s, in->offset + UI_STAFF_ROWS);
}

/* the way back from each step: escape or the back button */
static void back(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	switch (s->staff.step) {
	case UI_STAFF_PIN:
	case UI_STAFF_MENU:
		ui_go_home(s, act);
		break;
	case UI_STAFF_CARD:
		s->staff.step = UI_STAFF_FIND;
		break;
	default:
		s->staff.notice = UI_STAFF_N_NONE;
		go_menu(s, now_ms);
		break;
	}
}

static bool has_back(enum ui_staff_step step)
{
	return step != UI_STAFF_PIN && step != UI_STAFF_MENU;
}

static void tap(struct ui_state *s, int x, int y, int64_t now_ms, struct ui_actions *act)
{
	struct ui_staff *st = &s->staff;

	if (ui_rect_hit(&UI_STAFF_LEAVE, x, y)) {
		ui_go_home(s, act);
		return;
	}
	if (has_back(st->step) && ui_rect_hit(&UI_STAFF_BACK, x, y)) {
		back(s, now_ms, act);
		return;
	}
	switch (st->step) {
	case UI_STAFF_PIN:
		tap_pin(s, x, y, now_ms);
		break;
	case UI_STAFF_MENU:
		tap_menu(s, x, y, now_ms);
		break;
	case UI_STAFF_UNLOCK:
		tap_unlock(s, x, y, now_ms);
		break;
	case UI_STAFF_LOCKDOWN:
		tap_lockdown(s, x, y, now_ms);
		break;
	case UI_STAFF_FIND:
		tap_find(s, x, y);
		break;
	case UI_STAFF_CARD:
		if (ui_rect_hit(&UI_STAFF_CARD_CANCEL, x, y))
			st->step = UI_STAFF_FIND;
		break;
	case UI_STAFF_ENROLLED:
		if (ui_rect_hit(&UI_STAFF_AGAIN, x, y))
			go_find(s);
		else if (ui_rect_hit(&UI_STAFF_TO_MENU, x, y))
			go_menu(s, now_ms);
		break;
	case UI_STAFF_INSIDE:
		tap_inside(s, x, y);
		break;
	case UI_STAFF_SYNC:
		if (ui_rect_hit(&UI_STAFF_REFRESH, x, y))
			read_sync(s);
		break;
	}
}

static void tick(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	struct ui_staff *st = &s->staff;

	st->ticked = true;
	if (st->refresh_at == 0 || now_ms < st->refresh_at)
		return;
	if (st->step == UI_STAFF_MENU) {
		struct ui_staff_door before = st->door;
		read_door(s, now_ms);
		if (memcmp(&before, &st->door, sizeof(before)) != 0)
			act->redraw = true;
	} else if (st->step == UI_STAFF_PIN && st->pin_state.kind == UI_STAFF_PIN_LOCKED) {
		read_pin_state(s, now_ms);
		act->redraw = true;
	} else {
		st->refresh_at = 0;
	}
}

void ui_staff_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	struct ui_staff *st = &s->staff;

	if (s->screen != UI_SCREEN_STAFF)
		return;
	switch (ev->kind) {
	case UI_EV_TICK:
		tick(s, now_ms, act);
		return;
	case UI_EV_TAP:
		tap(s, ev->x, ev->y, now_ms, act);
		break;
	case UI_EV_KEY:
		if (ev->key == NULL)
			return;
		if (strcmp(ev->key, "escape") == 0)
			back(s, now_ms, act);
		else if (st->step == UI_STAFF_PIN)
			input_pin(s, ev, now_ms);
		else if (st->step == UI_STAFF_FIND)
			input_find(s, ev);
		break;
	case UI_EV_TEXT:
		if (st->step == UI_STAFF_PIN)
			input_pin(s, ev, now_ms);
		else if (st->step == UI_STAFF_FIND)
			input_find(s, ev);
		break;
	case UI_EV_CARD:
		if (st->step == UI_STAFF_CARD)
			card(s, ev->card);
		break;
	case UI_EV_BADGE:
	case UI_EV_LANG:
		return;
	}
	act->redraw = true;
}
