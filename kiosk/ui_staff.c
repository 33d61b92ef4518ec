/*
 * ui_staff.c - staff mode's steps (see ui_staff.h).
 */
#include "ui_state.h"

#include <string.h>

void ui_staff_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_staff_reset(s);
	s->screen = UI_SCREEN_STAFF;
	act->redraw = true;
}

void ui_staff_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	if (ev->kind == UI_EV_TAP)
		ui_go_home(s, act);
}

void ui_staff_reset(struct ui_state *s)
{
	memset(&s->staff, 0, sizeof(s->staff));
}

bool ui_staff_wants_card(const struct ui_state *s)
{
	(void)s;
	return false;
}

int64_t ui_staff_deadline(const struct ui_state *s)
{
	(void)s;
	return 0;
}
