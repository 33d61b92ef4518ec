/*
 * screen_checkin.c - draws the checkin screen.
 */
#include "screens.h"
#include "ui_text.h"

void screen_checkin_draw(struct ui_gfx *g, const struct ui_state *s)
{
	(void)s;
	ui_clear(g, UI_NAVY);
}
