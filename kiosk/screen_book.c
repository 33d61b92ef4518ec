/*
 * screen_book.c - draws book now: the rooms free now, the lengths (those
 * the room is not free for drawn outlined and marked "not free", not only
 * dimmed), the confirmation, "Booking…" while seuil-sync asks the
 * calendar, and the answer with a mark and words.  It only draws
 * ui_book.h's state.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

static void header(struct ui_gfx *g, const struct ui_book *b, bool back)
{
	char line[UI_NAME_MAX + 64];

	if (back)
		ui_button(g, &UI_BOOK_BACK, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("‹ Back"));
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 288, 16, UI_LEFT, 0, _("Book a room"));
	if (b->organisation[0] != '\0') {
		snprintf(line, sizeof(line), _("For %s"), b->organisation);
		ui_text(g, UI_FONT_BODY, UI_MUTED, 288, 100, UI_LEFT, 960, line);
	}
}

static void free_for(int minutes, char *out, size_t len)
{
	if (minutes >= 90)
		snprintf(out, len, "%s", _("free for 90 minutes or more"));
	else
		snprintf(out, len, _("free for %d minutes"), minutes);
}

static void rooms_step(struct ui_gfx *g, const struct ui_book *b)
{
	char line[160], fit[UI_NAME_MAX + 8];

	if (!b->rooms_ok) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 320, UI_CENTER, 1100, _("The rooms cannot be shown right now."));
		return;
	}
	if (b->nrooms == 0) {
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, 300, UI_CENTER, 1100,
			_("No room is free for the next 30 minutes."));
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 360, UI_CENTER, 1100,
			_("The rooms board on the home screen shows when they are free."));
		return;
	}
	ui_text(g, UI_FONT_BODY, UI_WHITE, 32, 150, UI_LEFT, 0, _("Rooms free now:"));
	for (size_t i = 0; i < b->nrooms; i++) {
		const struct ui_book_room *r = &b->rooms[i];
		struct ui_rect row = ui_book_room_row((int)i);
		ui_fill(g, &row, UI_NAVY_LIGHT);
		ui_frame(g, &row, 2, UI_WHITE);
		ui_text_fit(g, UI_FONT_BODY_B, 640, r->name, fit, sizeof(fit));
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, row.x + 24, row.y + 12, UI_LEFT, 0, fit);
		if (r->capacity > 0) {
			snprintf(line, sizeof(line), _("%d seats"), r->capacity);
			ui_text(g, UI_FONT_SMALL, UI_MUTED, row.x + 24, row.y + 58, UI_LEFT, 0, line);
		}
		free_for(r->free_min, line, sizeof(line));
		ui_text(g, UI_FONT_SMALL, UI_WHITE, row.x + row.w - 80, row.y + 34, UI_RIGHT, 0, line);
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, row.x + row.w - 32, row.y + 26, UI_CENTER, 0, "›");
	}
}

static void length_step(struct ui_gfx *g, const struct ui_book *b)
{
	const struct ui_book_room *r = &b->rooms[b->chosen];
	char label[32], line[160];

	ui_text(g, UI_FONT_BODY_B, UI_WHITE, 32, 160, UI_LEFT, 1200, r->name);
	free_for(r->free_min, line, sizeof(line));
	ui_text(g, UI_FONT_BODY, UI_MUTED, 32, 210, UI_LEFT, 1200, line);
	for (int i = 0; i < 3; i++) {
		const struct ui_rect *btn = &UI_BOOK_DURATION[i];
		bool ok = r->free_min >= UI_BOOK_MINUTES[i];
		snprintf(label, sizeof(label), _("%d min"), UI_BOOK_MINUTES[i]);
		if (ok) {
			ui_fill(g, btn, UI_AMBER);
			ui_frame(g, btn, 4, UI_WHITE);
			ui_text(g, UI_FONT_TITLE, UI_NAVY, btn->x + btn->w / 2, btn->y + 56, UI_CENTER, 0, label);
		} else {
			ui_frame(g, btn, 2, UI_MUTED);
			ui_text(g, UI_FONT_TITLE, UI_MUTED, btn->x + btn->w / 2, btn->y + 30, UI_CENTER, 0, label);
			ui_text(g, UI_FONT_BODY, UI_MUTED, btn->x + btn->w / 2, btn->y + 110, UI_CENTER, 0, _("not free"));
		}
	}
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 540, UI_CENTER, 1200, _("How long do you need the room?"));
}

static void confirm_step(struct ui_gfx *g, const struct ui_book *b)
{
	char line[200];

	ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 220, UI_CENTER, 1200, b->rooms[b->chosen].name);
	snprintf(line, sizeof(line), _("From now, for %d minutes"), b->minutes);
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, 320, UI_CENTER, 1200, line);
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 380, UI_CENTER, 1100,
		_("The booking goes to the room's calendar, in the name of your organisation."));
	ui_button(g, &UI_BOOK_CANCEL, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Back"));
	ui_button(g, &UI_BOOK_CONFIRM, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Book this room"));
}

static void mark(struct ui_gfx *g, SDL_Color bg, const char *glyph)
{
	struct ui_rect box = { UI_W / 2 - 80, 56, 160, 160 };

	ui_fill(g, &box, UI_WHITE);
	ui_fill(g, &(struct ui_rect){ box.x + 8, box.y + 8, box.w - 16, box.h - 16 }, bg);
	ui_text(g, UI_FONT_ICON, UI_WHITE, UI_W / 2, box.y + 6, UI_CENTER, 0, glyph);
}

static void done_step(struct ui_gfx *g, const struct ui_book *b)
{
	bool ok = b->outcome == UI_BOOK_OUT_OK;
	SDL_Color bg = ok ? UI_GREEN : UI_RED;
	const char *title, *advice;
	char line[UI_NAME_MAX + 64];
	int y = 260;

	ui_clear(g, bg);
	mark(g, bg, ok ? "✓" : "✕");
	switch (b->outcome) {
	case UI_BOOK_OUT_OK:
		title = _("Room booked");
		advice = _("The room's doors will open to your badge until the end of the booking.");
		break;
	case UI_BOOK_OUT_CONFLICT:
		title = _("This room has just been booked");
		advice = _("Someone booked it first. Nothing was booked for you: choose another room.");
		break;
	case UI_BOOK_OUT_OFFLINE:
		title = _("The booking could not be made");
		advice = _("The room's calendar cannot be reached right now. Nothing was booked: try again later or ask at reception.");
		break;
	case UI_BOOK_OUT_TIMEOUT:
		title = _("The booking could not be made");
		advice = _("No answer from the room's calendar. Nothing was booked: try again later or ask at reception.");
		break;
	default:
		title = _("The booking could not be made");
		advice = _("Nothing was booked. Please ask at reception.");
		break;
	}
	y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, title) + 16;
	if (b->chosen >= 0 && (size_t)b->chosen < b->nrooms) {
		if (ok && b->start[0] != '\0')
			snprintf(line, sizeof(line), "%s, %s – %s", b->rooms[b->chosen].name, b->start, b->end);
		else
			snprintf(line, sizeof(line), "%s", b->rooms[b->chosen].name);
		y += ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, line) + 24;
	}
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, advice);
	ui_button(g, &UI_BOOK_HOME, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Back to home"));
}

void screen_book_draw(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_book *b = &s->book;

	if (b->step == UI_BOOK_DONE) {
		done_step(g, b);
		return;
	}
	ui_clear(g, UI_NAVY);
	header(g, b, b->step != UI_BOOK_WAIT);
	switch (b->step) {
	case UI_BOOK_ROOMS: rooms_step(g, b); break;
	case UI_BOOK_LENGTH: length_step(g, b); break;
	case UI_BOOK_CONFIRM_STEP: confirm_step(g, b); break;
	case UI_BOOK_WAIT:
		ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 280, UI_CENTER, 1100, _("Booking…"));
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 370, UI_CENTER, 1100, b->rooms[b->chosen].name);
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 430, UI_CENTER, 1100,
			_("Asking the room's calendar: this takes a few seconds."));
		break;
	case UI_BOOK_DONE: break;
	}
}
