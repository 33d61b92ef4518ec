/*
 * screen_home.c - draws home: the building's name, the language switch,
 * the clock and the date in words, the large visitor button, the hint for
 * residents and a discreet status line.  Bookings per room come later.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

static void lang_button(struct ui_gfx *g, const struct ui_rect *r, const char *label, bool selected)
{
	/* the selected language is filled, the other outlined: shape, not colour alone */
	if (selected)
		ui_button(g, r, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, label);
	else
		ui_button(g, r, UI_NAVY, UI_WHITE, UI_MUTED, UI_FONT_BODY, label);
}

static void status_line(struct ui_gfx *g, const struct ui_home_info *info)
{
	char line[256], sync[128];

	if (info->last_sync[0] != '\0')
		snprintf(sync, sizeof(sync), _("Last sync: %s"), info->last_sync);
	else
		snprintf(sync, sizeof(sync), "%s", _("Never synced"));
	snprintf(line, sizeof(line), "%s%s%s  ·  %s", info->lockdown ? _("Lockdown") : "",
		 info->lockdown ? "  ·  " : "", info->door_released ? _("Door open") : _("Door locked"),
		 sync);
	ui_fill(g, &(struct ui_rect){ 0, UI_H - 56, UI_W, 56 }, UI_NAVY_LIGHT);
	ui_text(g, UI_FONT_SMALL, UI_MUTED, 48, UI_H - 42, UI_LEFT, 0, line);
}

void screen_home_draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info)
{
	const struct ui_rect *v = &UI_HOME_VISITOR;
	char clock[16], date[128];

	ui_clear(g, UI_NAVY);
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 48, 28, UI_LEFT, 0, info->site[0] ? info->site : "Seuil");
	lang_button(g, &UI_HOME_LANG_FR, "FR", s->lang == UI_LANG_FR);
	lang_button(g, &UI_HOME_LANG_EN, "EN", s->lang == UI_LANG_EN);

	snprintf(clock, sizeof(clock), "%02d:%02d", info->now.tm_hour, info->now.tm_min);
	ui_text(g, UI_FONT_HUGE, UI_WHITE, UI_W / 2, 130, UI_CENTER, 0, clock);
	ui_text_date(&info->now, date, sizeof(date));
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 300, UI_CENTER, 0, date);

	ui_fill(g, v, UI_AMBER);
	ui_frame(g, v, 4, UI_WHITE);
	ui_text(g, UI_FONT_TITLE, UI_NAVY, v->x + v->w / 2, v->y + 18, UI_CENTER, 0, _("Visitor?"));
	ui_text(g, UI_FONT_BODY_B, UI_NAVY, v->x + v->w / 2, v->y + 92, UI_CENTER, 0, _("Tap here"));

	if (s->notice_until != 0)
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, 630, UI_CENTER, 1100,
			_("Visitor check-in is coming soon.\nPlease ask at the front desk."));
	else
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 630, UI_CENTER, 1100,
			_("Residents: hold your badge to the reader"));
	status_line(g, info);
}
