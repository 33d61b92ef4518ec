/*
 * ui_state.c - the screens' step function and the mapping from a rights
 * decision to what a person reads.  No clock, no SDL, no store: the caller
 * passes the time and the events; drawing lives in screen_*.c.
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
}

bool ui_rect_hit(const struct ui_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

static void go_home(struct ui_state *s, struct ui_actions *act)
{
	s->screen = UI_SCREEN_HOME;
	s->result_until = 0;
	s->notice_until = 0;
	memset(&s->badge, 0, sizeof(s->badge));
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
	else if (ui_rect_hit(&UI_HOME_VISITOR, x, y)) {
		act->visitor_requested = true;
		s->notice_until = now_ms + UI_NOTICE_MS;
		act->redraw = true;
	}
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
		if (ui_rect_hit(&UI_RESULT_OK, ev->x, ev->y))
			go_home(s, act);
		break;
	}
}

void ui_step(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	memset(act, 0, sizeof(*act));
	switch (ev->kind) {
	case UI_EV_TICK:
		break;
	case UI_EV_TAP:
		tap(s, ev, now_ms, act);
		break;
	case UI_EV_BADGE:
		/* a badge is answered on every screen: the door has already acted */
		s->screen = UI_SCREEN_RESULT;
		s->badge = ev->badge;
		s->result_until = now_ms + UI_RESULT_MS;
		act->redraw = true;
		break;
	case UI_EV_LANG:
		set_lang(s, ev->lang, act);
		break;
	case UI_EV_KEY:
		if (ev->key != NULL && strcmp(ev->key, "escape") == 0 && s->screen != UI_SCREEN_HOME)
			go_home(s, act);
		break;
	}
	if (s->screen == UI_SCREEN_RESULT && now_ms >= s->result_until)
		go_home(s, act);
	if (s->notice_until != 0 && now_ms >= s->notice_until) {
		s->notice_until = 0;
		act->redraw = true;
	}
	if (s->screen == UI_SCREEN_RESULT)
		act->next_deadline = s->result_until;
	else if (s->notice_until != 0)
		act->next_deadline = s->notice_until;
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
}

void ui_badge_fault(struct ui_badge *out)
{
	memset(out, 0, sizeof(*out));
	out->refusal = UI_REFUSAL_FAULT;
}
