/*
 * screen_checkout.c - draws the checkout screen.
 */
#include "screens.h"
#include "ui_text.h"

void screen_checkout_draw(struct ui_gfx *g, const struct ui_state *s)
{
	(void)s;
	ui_clear(g, UI_NAVY);
}
