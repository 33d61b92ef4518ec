/*
 * ui_visitor.c - the visitor flows' steps (see ui_visitor.h).
 */
#include "ui_state.h"

#include <string.h>

void ui_visitor_checkin(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_visitor_reset(s);
	s->screen = UI_SCREEN_CHECKIN;
	act->redraw = true;
}

void ui_visitor_checkout(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_visitor_reset(s);
	s->screen = UI_SCREEN_CHECKOUT;
	act->redraw = true;
}

void ui_visitor_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	if (ev->kind == UI_EV_TAP)
		ui_go_home(s, act);
}

void ui_visitor_reset(struct ui_state *s)
{
	memset(&s->visitor, 0, sizeof(s->visitor));
}

int64_t ui_visitor_deadline(const struct ui_state *s)
{
	(void)s;
	return 0;
}
