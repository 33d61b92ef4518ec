/*
 * screen_rooms.c - draws the rooms board: for each room of the page, its
 * state now (a tag in words: free, or busy until when) and its bookings of
 * today and tomorrow, a private one as "Booked · organisation", never its
 * title; paging and the way back home.  It only draws ui_book.h's board.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

#define COL_NAME_X 32
#define COL_TODAY_X 392
#define COL_TOMORROW_X 832
#define COL_W 408
#define LINE_H 30

static void slot_line(struct ui_gfx *g, const struct ui_board_slot *sl, int x, int y)
{
	char label[2 * UI_NAME_MAX + 8], line[3 * UI_NAME_MAX], fit[3 * UI_NAME_MAX];

	if (sl->private_ || sl->title[0] == '\0')
		snprintf(label, sizeof(label), "%s%s%s", _("Booked"), sl->organisation[0] ? " · " : "",
			 sl->organisation);
	else
		snprintf(label, sizeof(label), "%s", sl->title);
	if (sl->all_day)
		snprintf(line, sizeof(line), "%s — %s", _("all day"), label);
	else
		snprintf(line, sizeof(line), "%s–%s  %s", sl->from, sl->to, label);
	ui_text_fit(g, UI_FONT_SMALL, COL_W - 16, line, fit, sizeof(fit));
	ui_text(g, UI_FONT_SMALL, UI_WHITE, x, y, UI_LEFT, 0, fit);
}

static void day_column(struct ui_gfx *g, const struct ui_board_slot *slots, int n, int total, int x, int y)
{
	char more[96];

	if (total == 0) {
		ui_text(g, UI_FONT_SMALL, UI_MUTED, x, y + 10, UI_LEFT, 0, _("No booking"));
		return;
	}
	for (int i = 0; i < n; i++)
		slot_line(g, &slots[i], x, y + 10 + i * LINE_H);
	if (total > n) {
		snprintf(more, sizeof(more), _("and %d more"), total - n);
		ui_text(g, UI_FONT_SMALL, UI_MUTED, x, y + 10 + n * LINE_H, UI_LEFT, 0, more);
	}
}

static void row(struct ui_gfx *g, const struct ui_board_row *r, int y)
{
	char fit[UI_NAME_MAX + 8], line[96];
	struct ui_rect box = { 24, y, UI_W - 48, UI_BOARD_ROW_H - 8 };
	struct ui_rect tag = { COL_NAME_X + 16, y + 62, 300, 44 };

	ui_fill(g, &box, UI_NAVY_LIGHT);
	ui_text_fit(g, UI_FONT_BODY_B, COL_TODAY_X - COL_NAME_X - 40, r->name, fit, sizeof(fit));
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, COL_NAME_X + 16, y + 12, UI_LEFT, 0, fit);
	/* the state in words, with a filled or outlined tag: never by colour alone */
	if (r->busy) {
		snprintf(line, sizeof(line), _("Busy until %s"), r->until);
		ui_fill(g, &tag, UI_AMBER);
		ui_text(g, UI_FONT_SMALL, UI_NAVY, tag.x + tag.w / 2, tag.y + 9, UI_CENTER, 0, line);
	} else {
		if (r->until[0] != '\0')
			snprintf(line, sizeof(line), _("Free until %s"), r->until);
		else
			snprintf(line, sizeof(line), "%s", _("Free all day"));
		ui_frame(g, &tag, 2, UI_WHITE);
		ui_text(g, UI_FONT_SMALL, UI_WHITE, tag.x + tag.w / 2, tag.y + 9, UI_CENTER, 0, line);
	}
	day_column(g, r->today, r->today_n, r->today_total, COL_TODAY_X, y);
	day_column(g, r->tomorrow, r->tomorrow_n, r->tomorrow_total, COL_TOMORROW_X, y);
}

void screen_rooms_draw(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_board *bd = &s->book.board;
	char page[64];

	ui_clear(g, UI_NAVY);
	ui_button(g, &UI_BOARD_BACK, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("‹ Home"));
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 288, 16, UI_LEFT, 0, _("Meeting rooms"));
	if (!s->book.board_ok) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 300, UI_CENTER, 1100,
			_("The rooms cannot be shown right now."));
		return;
	}
	if (bd->total == 0) {
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 300, UI_CENTER, 1100, _("No meeting rooms yet."));
		return;
	}
	ui_text(g, UI_FONT_SMALL, UI_MUTED, COL_NAME_X + 16, 112, UI_LEFT, 0, _("Room, now"));
	ui_text(g, UI_FONT_SMALL, UI_MUTED, COL_TODAY_X, 112, UI_LEFT, 0, _("Today"));
	ui_text(g, UI_FONT_SMALL, UI_MUTED, COL_TOMORROW_X, 112, UI_LEFT, 0, _("Tomorrow"));
	for (int i = 0; i < bd->n; i++)
		row(g, &bd->rows[i], UI_BOARD_ROW_Y + i * UI_BOARD_ROW_H);
	if (bd->total > UI_BOARD_ROWS) {
		snprintf(page, sizeof(page), _("Page %d of %d"), bd->offset / UI_BOARD_ROWS + 1,
			 (bd->total + UI_BOARD_ROWS - 1) / UI_BOARD_ROWS);
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, UI_BOARD_PREV.y + 24, UI_CENTER, 0, page);
		if (bd->offset > 0)
			ui_button(g, &UI_BOARD_PREV, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("‹ Previous"));
		if (bd->offset + bd->n < bd->total)
			ui_button(g, &UI_BOARD_NEXT, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Next ›"));
	}
}
