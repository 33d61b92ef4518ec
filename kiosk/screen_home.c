/*
 * screen_home.c - draws home: the building's name, the language switch,
 * the clock and the date in words, the large visitor button and the one
 * for visitors leaving, today's bookings per room (free, busy now until
 * when, next), the hint for residents and a discreet status line.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

#define ROOM_ROW_H 100

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

static void hhmm(const struct ui_home_info *info, int64_t utc_s, char *out, size_t len)
{
	struct tz_local l = { 0 };

	if (info->zone != NULL)
		tz_localtime(info->zone, utc_s, &l);
	else
		l.minute = (int)(((utc_s % 86400) + 86400) % 86400 / 60);
	snprintf(out, len, "%02d:%02d", l.minute / 60, l.minute % 60);
}

/* "Réunion d'équipe" or, for a private booking, "Réservé · Scop BTP" */
static void slot_label(const struct room_slot *slot, char *out, size_t len)
{
	if (slot->private_ || slot->title[0] == '\0')
		snprintf(out, len, "%s%s%s", _("Booked"), slot->organisation[0] ? " · " : "", slot->organisation);
	else
		snprintf(out, len, "%s", slot->title);
}

static void room_row(struct ui_gfx *g, const struct ui_home_info *info, const struct room_day *r, int y)
{
	const struct ui_rect *p = &UI_HOME_ROOMS;
	char line[320], label[2 * ROOM_TEXT_MAX + 8], t1[8], t2[8];

	ui_fill(g, &(struct ui_rect){ p->x, y, p->w, ROOM_ROW_H - 8 }, UI_NAVY_LIGHT);
	ui_text_fit(g, UI_FONT_BODY_B, p->w - 240, r->name, label, sizeof(label));
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, p->x + 20, y + 8, UI_LEFT, 0, label);
	/* the state in words (and a tag), never by colour alone */
	if (r->busy) {
		struct ui_rect tag = { p->x + p->w - 190, y + 10, 170, 40 };
		ui_fill(g, &tag, UI_AMBER);
		ui_text(g, UI_FONT_SMALL, UI_NAVY, tag.x + tag.w / 2, tag.y + 7, UI_CENTER, 0, _("Busy"));
		slot_label(&r->now, label, sizeof(label));
		if (r->now.all_day) {
			snprintf(line, sizeof(line), "%s — %s", _("all day"), label);
		} else {
			hhmm(info, r->now.end_s, t1, sizeof(t1));
			snprintf(line, sizeof(line), _("until %s — %s"), t1, label);
		}
	} else {
		struct ui_rect tag = { p->x + p->w - 190, y + 10, 170, 40 };
		ui_frame(g, &tag, 2, UI_WHITE);
		ui_text(g, UI_FONT_SMALL, UI_WHITE, tag.x + tag.w / 2, tag.y + 7, UI_CENTER, 0, _("Free"));
		if (r->has_next) {
			slot_label(&r->next, label, sizeof(label));
			hhmm(info, r->next.start_s, t1, sizeof(t1));
			hhmm(info, r->next.end_s, t2, sizeof(t2));
			snprintf(line, sizeof(line), _("next %s–%s — %s"), t1, t2, label);
		} else {
			snprintf(line, sizeof(line), "%s", _("free for the rest of the day"));
		}
	}
	ui_text_fit(g, UI_FONT_SMALL, p->w - 40, line, label, sizeof(label));
	ui_text(g, UI_FONT_SMALL, UI_MUTED, p->x + 20, y + 56, UI_LEFT, 0, label);
}

static void rooms_panel(struct ui_gfx *g, const struct ui_home_info *info)
{
	const struct ui_rect *p = &UI_HOME_ROOMS;
	size_t shown = info->rooms_count < UI_ROOMS_MAX ? info->rooms_count : UI_ROOMS_MAX;
	int y = p->y + 56;
	char head[160];

	/* the header is the rooms board's button (today and tomorrow of every room): framed, with a chevron */
	ui_frame(g, &UI_HOME_BOARD, 2, UI_WHITE);
	ui_text_fit(g, UI_FONT_BODY_B, UI_HOME_BOARD.w - 56, _("Meeting rooms today"), head, sizeof(head));
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_HOME_BOARD.x + 16, UI_HOME_BOARD.y + 10, UI_LEFT, 0, head);
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_HOME_BOARD.x + UI_HOME_BOARD.w - 22, UI_HOME_BOARD.y + 10, UI_CENTER,
		0, "›");
	if (info->rooms_count == 0) {
		ui_text(g, UI_FONT_BODY, UI_MUTED, p->x, y, UI_LEFT, p->w, _("No meeting rooms yet."));
		return;
	}
	for (size_t i = 0; i < shown; i++, y += ROOM_ROW_H)
		room_row(g, info, &info->rooms[i], y);
	if (info->rooms_count > shown) {
		char more[96];
		snprintf(more, sizeof(more), _("and %zu more rooms"), info->rooms_count - shown);
		ui_text(g, UI_FONT_SMALL, UI_MUTED, p->x, y, UI_LEFT, 0, more);
	}
}

void screen_home_draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info)
{
	const struct ui_rect *v = &UI_HOME_VISITOR, *l = &UI_HOME_LEAVING;
	int cx = v->x + v->w / 2;
	char clock[16], date[128];

	ui_clear(g, UI_NAVY);
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 48, 28, UI_LEFT, 0, info->site[0] ? info->site : "Seuil");
	lang_button(g, &UI_HOME_LANG_FR, "FR", s->lang == UI_LANG_FR);
	lang_button(g, &UI_HOME_LANG_EN, "EN", s->lang == UI_LANG_EN);

	snprintf(clock, sizeof(clock), "%02d:%02d", info->now.tm_hour, info->now.tm_min);
	ui_text(g, UI_FONT_HUGE, UI_WHITE, cx, 110, UI_CENTER, 0, clock);
	ui_text_date(&info->now, date, sizeof(date));
	ui_text(g, UI_FONT_BODY, UI_MUTED, cx, 282, UI_CENTER, v->w, date);

	ui_fill(g, v, UI_AMBER);
	ui_frame(g, v, 4, UI_WHITE);
	ui_text(g, UI_FONT_TITLE, UI_NAVY, cx, v->y + 18, UI_CENTER, 0, _("Visitor?"));
	ui_text(g, UI_FONT_BODY_B, UI_NAVY, cx, v->y + 92, UI_CENTER, 0, _("Tap here"));
	ui_button(g, l, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Leaving? Tap here"));

	rooms_panel(g, info);
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 684, UI_CENTER, 1180, _("Residents: hold your badge to the reader"));
	status_line(g, info);
}
