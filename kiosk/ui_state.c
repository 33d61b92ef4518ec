/*
 * ui_state.c - the screens' step function and the mapping from a rights
 * decision to what a person reads.  No clock, no SDL, no store: the caller
 * passes the time and the events; drawing lives in screen_*.c.  Home, the
 * badge result, idle and attract are here; the visitor flows and staff
 * mode have their own modules (ui_visitor.c, ui_staff.c), entered from here.
 */
#include "ui_state.h"

#include <stdio.h>
#include <string.h>

void ui_state_init(struct ui_state *s)
{
	memset(s, 0, sizeof(*s));
	s->screen = UI_SCREEN_HOME;
	s->lang = UI_LANG_FR;
	s->last_tap_ms = INT64_MIN / 2;
	s->idle_ms = UI_IDLE_MS;
	s->attract_ms = UI_ATTRACT_MS;
	s->night_from_min = UI_NIGHT_FROM_MIN;
	s->night_to_min = UI_NIGHT_TO_MIN;
	s->minute_of_day = -1;
}

bool ui_rect_hit(const struct ui_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

void ui_deadline_min(int64_t *deadline, int64_t at)
{
	if (at != 0 && (*deadline == 0 || at < *deadline))
		*deadline = at;
}

void ui_go_home(struct ui_state *s, struct ui_actions *act)
{
	s->screen = UI_SCREEN_HOME;
	s->result_until = 0;
	s->notice_until = 0;
	memset(&s->badge, 0, sizeof(s->badge));
	ui_visitor_reset(s);
	ui_staff_reset(s);
	ui_book_reset(s);
	act->redraw = true;
}

static void set_lang(struct ui_state *s, enum ui_lang lang, struct ui_actions *act)
{
	if (s->lang == lang)
		return;
	s->lang = lang;
	act->lang_changed = true;
	act->redraw = true;
}

static void tap_home(struct ui_state *s, int x, int y, int64_t now_ms, struct ui_actions *act)
{
	if (ui_rect_hit(&UI_HOME_LANG_FR, x, y))
		set_lang(s, UI_LANG_FR, act);
	else if (ui_rect_hit(&UI_HOME_LANG_EN, x, y))
		set_lang(s, UI_LANG_EN, act);
	else if (ui_rect_hit(&UI_HOME_VISITOR, x, y))
		ui_visitor_checkin(s, now_ms, act);
	else if (ui_rect_hit(&UI_HOME_LEAVING, x, y))
		ui_visitor_checkout(s, now_ms, act);
	else if (s->book_svc != NULL && (ui_rect_hit(&UI_HOME_BOARD, x, y) || ui_rect_hit(&UI_HOME_ROOMS, x, y)))
		ui_board_enter(s, now_ms, act);
}

static void tap_result(struct ui_state *s, int x, int y, int64_t now_ms, struct ui_actions *act)
{
	bool staff = s->badge.granted && s->badge.staff;

	if (staff && ui_rect_hit(&UI_RESULT_STAFF, x, y))
		ui_staff_enter(s, now_ms, act);
	else if (ui_book_offered(s) && ui_rect_hit(&UI_RESULT_BOOK, x, y))
		ui_book_enter(s, now_ms, act);
	else if (ui_rect_hit(staff ? &UI_RESULT_BACK2 : &UI_RESULT_OK, x, y))
		ui_go_home(s, act);
}

static bool is_night(const struct ui_state *s)
{
	int m = s->minute_of_day, from = s->night_from_min, to = s->night_to_min;

	if (m < 0 || from == to)
		return false;
	return from > to ? m >= from || m < to : m >= from && m < to;
}

/* screens that hold what a person typed or sees of others: wiped when left alone */
static bool is_private(enum ui_screen screen)
{
	return screen == UI_SCREEN_CHECKIN || screen == UI_SCREEN_CHECKOUT || screen == UI_SCREEN_STAFF ||
	       screen == UI_SCREEN_BOOK;
}

/* screens the idle timer sends home: the private ones, and the board (not while a booking is asked) */
static bool goes_idle(const struct ui_state *s)
{
	return (is_private(s->screen) || s->screen == UI_SCREEN_ROOMS) && !ui_book_busy(s);
}

static void tap(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	/* a panel that sends both touch and mouse, or a bouncing finger */
	if (now_ms - s->last_tap_ms < UI_TAP_DEBOUNCE_MS && ev->x == s->last_tap_x && ev->y == s->last_tap_y)
		return;
	s->last_tap_ms = now_ms;
	s->last_tap_x = ev->x;
	s->last_tap_y = ev->y;
	switch (s->screen) {
	case UI_SCREEN_HOME:
		tap_home(s, ev->x, ev->y, now_ms, act);
		break;
	case UI_SCREEN_RESULT:
		tap_result(s, ev->x, ev->y, now_ms, act);
		break;
	case UI_SCREEN_CHECKIN:
	case UI_SCREEN_CHECKOUT:
		ui_visitor_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_STAFF:
		ui_staff_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_ROOMS:
	case UI_SCREEN_BOOK:
		ui_book_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_ATTRACT:
		/* the touch that wakes the screen does nothing else */
		ui_go_home(s, act);
		break;
	}
}

/* keys and typed text go to the screen that has a field; escape goes back home */
static void input(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	switch (s->screen) {
	case UI_SCREEN_CHECKIN:
	case UI_SCREEN_CHECKOUT:
		ui_visitor_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_STAFF:
		ui_staff_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_ROOMS:
	case UI_SCREEN_BOOK:
		ui_book_event(s, ev, now_ms, act);
		break;
	case UI_SCREEN_HOME:
		break;
	case UI_SCREEN_RESULT:
	case UI_SCREEN_ATTRACT:
		if (ev->kind == UI_EV_KEY && ev->key != NULL && strcmp(ev->key, "escape") == 0)
			ui_go_home(s, act);
		break;
	}
}

static void timers(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	if (s->screen == UI_SCREEN_RESULT && now_ms >= s->result_until)
		ui_go_home(s, act);
	if (goes_idle(s) && s->idle_ms > 0 && now_ms - s->last_input_ms >= s->idle_ms)
		ui_go_home(s, act);
	/* a confirmation or a goodbye goes home by itself */
	if ((s->screen == UI_SCREEN_CHECKIN || s->screen == UI_SCREEN_CHECKOUT) && ui_visitor_deadline(s) != 0 &&
	    now_ms >= ui_visitor_deadline(s))
		ui_go_home(s, act);
	if (s->notice_until != 0 && now_ms >= s->notice_until) {
		s->notice_until = 0;
		act->redraw = true;
	}
	if (s->screen == UI_SCREEN_HOME && s->attract_ms > 0 && is_night(s) &&
	    now_ms - s->last_input_ms >= s->attract_ms) {
		s->screen = UI_SCREEN_ATTRACT;
		act->redraw = true;
	} else if (s->screen == UI_SCREEN_ATTRACT && !is_night(s)) {
		ui_go_home(s, act);
	}
}

void ui_step(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	memset(act, 0, sizeof(*act));
	if (ev->kind != UI_EV_TICK && ev->kind != UI_EV_LANG)
		s->last_input_ms = now_ms;
	switch (ev->kind) {
	case UI_EV_TICK:
		if (ev->minute_of_day >= 0 && ev->minute_of_day < 24 * 60)
			s->minute_of_day = ev->minute_of_day;
		/* the modules' own timers: a lockout that ends, the door's state */
		if (s->screen == UI_SCREEN_STAFF)
			ui_staff_event(s, ev, now_ms, act);
		else if (s->screen == UI_SCREEN_CHECKIN || s->screen == UI_SCREEN_CHECKOUT)
			ui_visitor_event(s, ev, now_ms, act);
		else if (s->screen == UI_SCREEN_BOOK)
			ui_book_event(s, ev, now_ms, act);
		break;
	case UI_EV_TAP:
		tap(s, ev, now_ms, act);
		break;
	case UI_EV_BADGE:
		/* a badge is answered on every screen: the door has already acted */
		ui_go_home(s, act);
		s->screen = UI_SCREEN_RESULT;
		s->badge = ev->badge;
		s->result_until = now_ms + UI_RESULT_MS;
		break;
	case UI_EV_LANG:
		set_lang(s, ev->lang, act);
		break;
	case UI_EV_KEY:
	case UI_EV_TEXT:
		input(s, ev, now_ms, act);
		break;
	case UI_EV_CARD:
		if (s->screen == UI_SCREEN_STAFF)
			ui_staff_event(s, ev, now_ms, act);
		break;
	}
	timers(s, now_ms, act);
	if (s->screen == UI_SCREEN_RESULT)
		ui_deadline_min(&act->next_deadline, s->result_until);
	ui_deadline_min(&act->next_deadline, s->notice_until);
	if (goes_idle(s) && s->idle_ms > 0)
		ui_deadline_min(&act->next_deadline, s->last_input_ms + s->idle_ms);
	if (s->screen == UI_SCREEN_CHECKIN || s->screen == UI_SCREEN_CHECKOUT)
		ui_deadline_min(&act->next_deadline, ui_visitor_deadline(s));
	if (s->screen == UI_SCREEN_STAFF)
		ui_deadline_min(&act->next_deadline, ui_staff_deadline(s));
	ui_deadline_min(&act->next_deadline, ui_book_deadline(s));
}

static enum ui_refusal refusal_of(enum access_reason reason)
{
	switch (reason) {
	case ACCESS_GRANTED: return UI_REFUSAL_NONE;
	case ACCESS_UNKNOWN_CREDENTIAL: return UI_REFUSAL_UNKNOWN;
	case ACCESS_CREDENTIAL_REVOKED:
	case ACCESS_CREDENTIAL_LOST: return UI_REFUSAL_BLOCKED;
	case ACCESS_CREDENTIAL_EXPIRED:
	case ACCESS_PERSON_INACTIVE:
	case ACCESS_TENANT_INACTIVE: return UI_REFUSAL_EXPIRED;
	case ACCESS_CREDENTIAL_NOT_YET_VALID: return UI_REFUSAL_NOT_YET;
	case ACCESS_NO_RIGHT_FOR_DOOR: return UI_REFUSAL_NO_RIGHT;
	case ACCESS_OUTSIDE_SCHEDULE:
	case ACCESS_CLOSED_DAY: return UI_REFUSAL_HOURS;
	case ACCESS_LOCKDOWN: return UI_REFUSAL_LOCKDOWN;
	case ACCESS_THROTTLED: return UI_REFUSAL_SLOW_DOWN;
	}
	return UI_REFUSAL_FAULT;
}

void ui_badge_from_decision(const struct access_decision *d, struct ui_badge *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	out->granted = d->granted;
	out->refusal = d->granted ? UI_REFUSAL_NONE : refusal_of(d->reason);
	if (!d->granted && out->refusal == UI_REFUSAL_NONE)
		out->refusal = UI_REFUSAL_FAULT;
	/* the first name only: the screen is seen by whoever stands there */
	n = strcspn(d->person_name, " ");
	if (n >= sizeof(out->first_name))
		n = sizeof(out->first_name) - 1;
	memcpy(out->first_name, d->person_name, n);
	snprintf(out->organisation, sizeof(out->organisation), "%s", d->tenant_name);
	if (d->reason == ACCESS_CLOSED_DAY)
		snprintf(out->detail, sizeof(out->detail), "%s", d->detail);
	out->staff = d->staff;
	snprintf(out->person, sizeof(out->person), "%s", d->person);
	snprintf(out->tenant, sizeof(out->tenant), "%s", d->tenant);
}

void ui_badge_fault(struct ui_badge *out)
{
	memset(out, 0, sizeof(*out));
	out->refusal = UI_REFUSAL_FAULT;
}
