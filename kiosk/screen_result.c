/*
 * screen_result.c - draws the answer to a badge: a mark (check or cross),
 * a welcome with the first name and the organisation, or the refusal in
 * plain words with what to do, and a button back home (home also comes
 * back by itself: ui_state.c).  Never a reason code.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

/* a framed square with the mark inside, white on the screen's colour */
static void mark(struct ui_gfx *g, SDL_Color bg, const char *glyph)
{
	struct ui_rect box = { UI_W / 2 - 80, 56, 160, 160 };

	ui_fill(g, &box, UI_WHITE);
	ui_fill(g, &(struct ui_rect){ box.x + 8, box.y + 8, box.w - 16, box.h - 16 }, bg);
	ui_text(g, UI_FONT_ICON, UI_WHITE, UI_W / 2, box.y + 6, UI_CENTER, 0, glyph);
}

void screen_result_draw(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_badge *b = &s->badge;
	SDL_Color bg = b->granted ? UI_GREEN : UI_RED;
	char line[256];
	int y = 260;

	ui_clear(g, bg);
	if (b->granted) {
		mark(g, bg, "✓");
		if (b->first_name[0] != '\0')
			snprintf(line, sizeof(line), _("Welcome, %s"), b->first_name);
		else
			snprintf(line, sizeof(line), "%s", _("Welcome"));
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, line) + 16;
		y += ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, b->organisation) + 32;
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, _("The door is open: push it."));
	} else {
		mark(g, bg, "✕");
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, _("Access refused")) + 24;
		y += ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, ui_text_refusal(b->refusal)) + 8;
		if (b->detail[0] != '\0')
			y += ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, b->detail) + 8;
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y + 16, UI_CENTER, 1100,
			ui_text_refusal_advice(b->refusal));
	}
	if (ui_book_offered(s))
		ui_button(g, &UI_RESULT_BOOK, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Book a room now"));
	if (b->granted && b->staff) {
		ui_button(g, &UI_RESULT_BACK2, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Back"));
		ui_button(g, &UI_RESULT_STAFF, bg, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Staff mode"));
	} else {
		ui_button(g, &UI_RESULT_OK, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Back"));
	}
}
