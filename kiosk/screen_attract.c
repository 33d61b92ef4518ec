/*
 * screen_attract.c - the night screen: almost black, the clock and an
 * invitation to touch, drifting a little every minute so that nothing
 * burns into the panel.  Any touch brings home back (ui_state.c).
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

void screen_attract_draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info)
{
	static const SDL_Color night = { 0x05, 0x0b, 0x14, 0xff };
	char clock[16], date[128];
	/* a slow walk over a 9 x 7 grid, one step a minute */
	int step = info->now.tm_hour * 60 + info->now.tm_min;
	int dx = (step % 9 - 4) * 40, dy = ((step / 9) % 7 - 3) * 30;

	(void)s;
	ui_clear(g, night);
	snprintf(clock, sizeof(clock), "%02d:%02d", info->now.tm_hour, info->now.tm_min);
	ui_text(g, UI_FONT_HUGE, UI_MUTED, UI_W / 2 + dx, 240 + dy, UI_CENTER, 0, clock);
	ui_text_date(&info->now, date, sizeof(date));
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2 + dx, 410 + dy, UI_CENTER, 0, date);
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2 + dx, 480 + dy, UI_CENTER, 1100, _("Touch the screen to start"));
}
