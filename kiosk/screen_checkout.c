/*
 * screen_checkout.c - draws the visitor check-out (ui_visitor.h): today's
 * visitors as first name and initial with their host's organisation, in
 * large rows, a page at a time; the confirmation; the goodbye.  It only
 * draws.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>

static void top_bar(struct ui_gfx *g)
{
	ui_button(g, &UI_VISITOR_BACK, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("‹ Back"));
	ui_button(g, &UI_VISITOR_CANCEL, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("✕ Cancel"));
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 34, UI_CENTER, 0, _("Leaving"));
}

static void error_line(struct ui_gfx *g, const struct ui_visitor *v, int y)
{
	char line[256];

	if (v->error == NULL)
		return;
	snprintf(line, sizeof(line), "⚠ %s", _(v->error));
	ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, y, UI_CENTER, 1184, line);
}

static void draw_list(struct ui_gfx *g, const struct ui_visitor *v)
{
	int pages = v->ninside == 0 ? 1 : (int)((v->ninside + UI_VISITOR_PAGE - 1) / UI_VISITOR_PAGE);
	char line[128];

	ui_text(g, UI_FONT_BODY_B, UI_WHITE, 48, 112, UI_LEFT, 0, _("Tap your name"));
	if (v->ninside == 0) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 300, UI_CENTER, 1100,
			_("No visitor is checked in today."));
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 360, UI_CENTER, 1100,
			_("If you checked in, please tell the front desk you are leaving."));
	}
	for (int i = 0; i < UI_VISITOR_PAGE; i++) {
		size_t at = (size_t)(v->page * UI_VISITOR_PAGE + i);
		struct ui_rect r = ui_visitor_list_row(i);
		if (at >= v->ninside)
			break;
		ui_fill(g, &r, UI_NAVY_LIGHT);
		ui_frame(g, &r, 2, UI_MUTED);
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, r.x + 24, r.y + 17, UI_LEFT, 0, v->inside[at].name);
		if (v->inside[at].organisation[0] != '\0') {
			snprintf(line, sizeof(line), _("visiting %s"), v->inside[at].organisation);
			ui_text(g, UI_FONT_BODY, UI_MUTED, r.x + r.w - 24, r.y + 17, UI_RIGHT, 0, line);
		}
	}
	if (pages > 1) {
		/* a page button that leads nowhere is not drawn: no greyed-out colour to decode */
		if (v->page > 0)
			ui_button(g, &UI_VISITOR_PREV, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B,
				  _("‹ Previous"));
		if (v->page + 1 < pages)
			ui_button(g, &UI_VISITOR_MORE, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("More ›"));
		snprintf(line, sizeof(line), _("Page %d of %d"), v->page + 1, pages);
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, UI_VISITOR_PREV.y + 25, UI_CENTER, 0, line);
	}
	error_line(g, v, 112);
}

static void draw_leaving(struct ui_gfx *g, const struct ui_visitor *v)
{
	char line[256];

	if (v->leaving >= 0 && (size_t)v->leaving < v->ninside)
		snprintf(line, sizeof(line), _("%s, are you leaving?"), v->inside[v->leaving].name);
	else
		snprintf(line, sizeof(line), "%s", _("Are you leaving?"));
	ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 240, UI_CENTER, 1100, line);
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 340, UI_CENTER, 1100,
		_("Your departure will be recorded and your host told."));
	ui_button(g, &UI_VISITOR_LEAVE_NO, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("✕ No, go back"));
	ui_button(g, &UI_VISITOR_LEAVE_YES, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("✓ Yes, I am leaving"));
	error_line(g, v, 460);
}

static void draw_bye(struct ui_gfx *g, const struct ui_visitor *v)
{
	char line[256];

	ui_clear(g, UI_NAVY);
	if (v->first_name[0] != '\0')
		snprintf(line, sizeof(line), _("Goodbye, %s!"), v->first_name);
	else
		snprintf(line, sizeof(line), "%s", _("Goodbye!"));
	ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 250, UI_CENTER, 1100, line);
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 350, UI_CENTER, 1100, _("Thank you for your visit."));
	ui_button(g, &UI_VISITOR_DONE_OK, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("OK"));
}

void screen_checkout_draw(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_visitor *v = &s->visitor;

	if (v->step == UI_VISITOR_BYE) {
		draw_bye(g, v);
		return;
	}
	ui_clear(g, UI_NAVY);
	top_bar(g);
	if (v->step == UI_VISITOR_LEAVING)
		draw_leaving(g, v);
	else
		draw_list(g, v);
}
