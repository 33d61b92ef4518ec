/*
 * screen_keyboard.c - draws the on-screen keyboard (ui_keyboard.h) in its
 * band at the bottom of the canvas: character keys light with dark
 * letters, function keys dark with light words.  A shift that is on is
 * shown filled and by the capitals on the keys, not by colour alone.  It
 * knows no field and no screen.
 */
#include "screens.h"
#include "ui_text.h"

void screen_keyboard_draw(struct ui_gfx *g, const struct ui_keyboard *kb)
{
	struct ui_kb_key keys[UI_KB_KEYS_MAX];
	size_t n = ui_keyboard_keys(kb, keys, UI_KB_KEYS_MAX);

	ui_fill(g, &UI_KB_AREA, UI_NAVY_LIGHT);
	ui_fill(g, &(struct ui_rect){ UI_KB_AREA.x, UI_KB_AREA.y, UI_KB_AREA.w, 2 }, UI_MUTED);
	for (size_t i = 0; i < n; i++) {
		const struct ui_kb_key *k = &keys[i];
		switch (k->kind) {
		case UI_KB_K_CHAR:
			ui_button(g, &k->r, UI_WHITE, UI_NAVY, UI_MUTED, UI_FONT_BODY, k->label);
			break;
		case UI_KB_K_SHIFT:
			if (kb->shift)
				ui_button(g, &k->r, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, k->label);
			else
				ui_button(g, &k->r, UI_NAVY, UI_WHITE, UI_MUTED, UI_FONT_BODY_B, k->label);
			break;
		case UI_KB_K_SPACE:
			ui_button(g, &k->r, UI_WHITE, UI_NAVY, UI_MUTED, UI_FONT_BODY, _("Space"));
			break;
		case UI_KB_K_ENTER:
			ui_button(g, &k->r, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("OK"));
			break;
		case UI_KB_K_BACK:
		case UI_KB_K_LAYER:
			ui_button(g, &k->r, UI_NAVY, UI_WHITE, UI_MUTED, UI_FONT_BODY_B, k->label);
			break;
		}
	}
}
