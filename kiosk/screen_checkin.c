/*
 * screen_checkin.c - draws the visitor check-in (ui_visitor.h): a top bar
 * with back, the step and cancel; the question; the field with what was
 * typed; what the search found under it; the keyboard.  Then the privacy
 * notice and the welcome.  It only draws: every hit box comes from
 * ui_visitor.h and every word through gettext.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>
#include <string.h>

/* placeholder text on the white field: 5.9:1 */
static const SDL_Color FIELD_HINT = { 0x55, 0x5f, 0x6d, 0xff };

/* how many characters of a field fit its box; longer text shows its end */
#define FIELD_CHARS 36

static void top_bar(struct ui_gfx *g, const struct ui_state *s)
{
	char step[64];
	int n = ui_visitor_step_number(s->visitor.step);

	ui_button(g, &UI_VISITOR_BACK, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("‹ Back"));
	ui_button(g, &UI_VISITOR_CANCEL, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("✕ Cancel"));
	if (n > 0) {
		snprintf(step, sizeof(step), _("Step %d of %d"), n, 5);
		ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 34, UI_CENTER, 0, step);
	}
}

static void question(struct ui_gfx *g, const char *text, const char *hint)
{
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, 48, 112, UI_LEFT, 0, text);
	if (hint != NULL)
		ui_text(g, UI_FONT_SMALL, UI_MUTED, UI_W - 48, 120, UI_RIGHT, 0, hint);
}

/* the field: white box, the text's end with a caret, or a placeholder */
static void field(struct ui_gfx *g, const struct ui_rect *r, const struct ui_field *f, const char *placeholder)
{
	char shown[UI_FIELD_MAX + 16];
	const char *p = f->text;
	size_t chars = 0;

	ui_fill(g, r, UI_WHITE);
	ui_frame(g, r, 3, UI_AMBER);
	for (const char *q = f->text; *q; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			chars++;
	while (chars > FIELD_CHARS) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		chars--;
	}
	if (f->len == 0) {
		ui_text(g, UI_FONT_BODY, UI_NAVY, r->x + 20, r->y + (r->h - 38) / 2, UI_LEFT, 0, "|");
		if (placeholder != NULL)
			ui_text(g, UI_FONT_BODY, FIELD_HINT, r->x + 40, r->y + (r->h - 38) / 2, UI_LEFT, 0, placeholder);
		return;
	}
	snprintf(shown, sizeof(shown), "%s%s|", p != f->text ? "…" : "", p);
	ui_text(g, UI_FONT_BODY, UI_NAVY, r->x + 20, r->y + (r->h - 38) / 2, UI_LEFT, 0, shown);
}

static void next_button(struct ui_gfx *g, const struct ui_rect *r, const char *label)
{
	ui_button(g, r, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, label);
}

/* a row under the field: the name left, what tells it apart right; the one enter picks is marked */
static void row(struct ui_gfx *g, int i, const char *left, const char *right, bool marked)
{
	struct ui_rect r = ui_visitor_row(i);
	char label[UI_NAME_MAX + 8];

	ui_fill(g, &r, UI_NAVY_LIGHT);
	ui_frame(g, &r, marked ? 4 : 2, marked ? UI_AMBER : UI_MUTED);
	snprintf(label, sizeof(label), "%s%s", marked ? "› " : "", left);
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, r.x + 20, r.y + 9, UI_LEFT, 0, label);
	ui_text(g, UI_FONT_SMALL, UI_MUTED, r.x + r.w - 20, r.y + 16, UI_RIGHT, 0, right);
}

static void error_line(struct ui_gfx *g, const struct ui_visitor *v, int y)
{
	char line[256];

	if (v->error == NULL)
		return;
	snprintf(line, sizeof(line), "⚠ %s", _(v->error));
	ui_text(g, UI_FONT_BODY_B, UI_AMBER, 48, y, UI_LEFT, 1184, line);
}

static void draw_name(struct ui_gfx *g, const struct ui_visitor *v)
{
	question(g, _("What is your name?"), NULL);
	field(g, &UI_VISITOR_FIELD, &v->name, _("First name and last name"));
	next_button(g, &UI_VISITOR_NEXT, _("Continue ›"));
	ui_button(g, &UI_VISITOR_HAVE_INVITE, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B,
		  _("I have an invitation"));
	error_line(g, v, 360);
}

static void draw_invite(struct ui_gfx *g, const struct ui_visitor *v)
{
	char short_name[UI_NAME_MAX];

	question(g, _("Your invitation"), v->ninvites > 0 ? _("Today's invitations") : NULL);
	field(g, &UI_VISITOR_FIELD, &v->code, _("Your code, or your name"));
	next_button(g, &UI_VISITOR_NEXT, _("Continue ›"));
	for (size_t i = 0; i < v->ninvites; i++) {
		/* first name and initial: the list is seen by whoever stands there */
		ui_visitor_short_name(v->invites[i].name, short_name, sizeof(short_name));
		row(g, (int)i, short_name,
		    v->invites[i].host.organisation[0] ? v->invites[i].host.organisation : v->invites[i].host.name,
		    v->highlight == (int)i && v->ninvites > 1);
	}
	if (v->ninvites == 0 && v->error == NULL && v->code.len == 0)
		ui_text(g, UI_FONT_BODY, UI_MUTED, 48, 270, UI_LEFT, 1184,
			_("No invitation is expected today. Go back and fill in the form."));
	error_line(g, v, 270);
}

static void draw_org(struct ui_gfx *g, const struct ui_visitor *v)
{
	question(g, _("Your organisation"), _("Optional"));
	field(g, &UI_VISITOR_FIELD, &v->organisation, _("Company, association… or leave empty"));
	next_button(g, &UI_VISITOR_NEXT, v->organisation.len > 0 ? _("Continue ›") : _("Skip ›"));
	error_line(g, v, 270);
}

static void draw_host(struct ui_gfx *g, const struct ui_visitor *v)
{
	question(g, _("Whom are you visiting?"), v->more ? _("More names match: keep typing") : NULL);
	field(g, &UI_VISITOR_FIELD, &v->query, _("A person or an organisation"));
	next_button(g, &UI_VISITOR_NEXT, _("Continue ›"));
	for (size_t i = 0; i < v->nfound; i++) {
		const struct ui_visitor_host *h = &v->found[i];
		row(g, (int)i, h->name, h->person ? h->organisation : _("Organisation"),
		    v->highlight == (int)i && v->nfound > 1);
	}
	if (v->nfound == 0 && v->error == NULL && v->query.len > 0)
		ui_text(g, UI_FONT_BODY, UI_MUTED, 48, 270, UI_LEFT, 1184,
			_("Nobody by that name. Check the spelling, or ask at the front desk."));
	error_line(g, v, 270);
}

static void draw_purpose(struct ui_gfx *g, const struct ui_visitor *v)
{
	char label[64];

	question(g, _("What brings you here?"), _("Optional"));
	for (int i = 0; i < UI_PURPOSE_COUNT; i++) {
		struct ui_rect r = ui_visitor_choice(i);
		enum ui_purpose p = (enum ui_purpose)(UI_PURPOSE_MEETING + i);
		bool on = v->purpose_kind == p;
		snprintf(label, sizeof(label), "%s%s", on ? "✓ " : "", _(ui_visitor_purpose_label(p)));
		if (on)
			ui_button(g, &r, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, label);
		else
			ui_button(g, &r, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, label);
	}
	field(g, &UI_VISITOR_PURPOSE_FIELD, &v->purpose, _("Or type it here"));
	next_button(g, &UI_VISITOR_PURPOSE_NEXT,
		    v->purpose.len > 0 || v->purpose_kind != UI_PURPOSE_NONE ? _("Continue ›") : _("Skip ›"));
	error_line(g, v, 368);
}

static void draw_privacy(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_visitor *v = &s->visitor;
	unsigned days = s->visitor_svc != NULL ? s->visitor_svc->retention_days : 30;
	char kept[256], line[512];
	int y = 108;

	ui_text(g, UI_FONT_TITLE, UI_WHITE, 48, y, UI_LEFT, 0, _("Your information"));
	y += 84;
	if (days == 1)
		snprintf(kept, sizeof(kept), "%s", _("One day"));
	else
		snprintf(kept, sizeof(kept), _("%u days"), days);
	y += ui_text(g, UI_FONT_BODY_B, UI_AMBER, 48, y, UI_LEFT, 0, _("What we keep")) + 4;
	y += ui_text(g, UI_FONT_BODY, UI_WHITE, 48, y, UI_LEFT, 1184,
		     _("Your name, your organisation, whom you visit, why, and when you arrive and leave.")) + 20;
	y += ui_text(g, UI_FONT_BODY_B, UI_AMBER, 48, y, UI_LEFT, 0, _("For how long")) + 4;
	snprintf(line, sizeof(line), _("%s, then it is erased."), kept);
	y += ui_text(g, UI_FONT_BODY, UI_WHITE, 48, y, UI_LEFT, 1184, line) + 20;
	y += ui_text(g, UI_FONT_BODY_B, UI_AMBER, 48, y, UI_LEFT, 0, _("Who sees it")) + 4;
	ui_text(g, UI_FONT_BODY, UI_WHITE, 48, y, UI_LEFT, 1184,
		_("The person you visit, and the staff of the building's central office."));
	ui_button(g, &UI_VISITOR_DECLINE, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B,
		  _("✕ I decline"));
	ui_button(g, &UI_VISITOR_ACCEPT, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("✓ I accept"));
	if (v->error != NULL)
		error_line(g, v, 580);
	else
		ui_text(g, UI_FONT_SMALL, UI_MUTED, UI_W / 2, 752, UI_CENTER, 1184,
			_("If you decline, nothing is recorded: please ask at the front desk."));
}

static void draw_done(struct ui_gfx *g, const struct ui_visitor *v)
{
	struct ui_rect box = { UI_W / 2 - 80, 56, 160, 160 };
	char line[256];
	int y = 260;

	ui_clear(g, UI_GREEN);
	ui_fill(g, &box, UI_WHITE);
	ui_fill(g, &(struct ui_rect){ box.x + 8, box.y + 8, box.w - 16, box.h - 16 }, UI_GREEN);
	ui_text(g, UI_FONT_ICON, UI_WHITE, UI_W / 2, box.y + 6, UI_CENTER, 0, "✓");
	snprintf(line, sizeof(line), _("Welcome, %s"), v->first_name);
	y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, line) + 24;
	snprintf(line, sizeof(line), _("%s is being told you are here."), v->host_name);
	y += ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100, line) + 16;
	y += ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100,
		     _("Please wait in the hall: someone will come for you.")) + 12;
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, 1100,
		_("When you leave, tap \"Leaving?\" on the home screen."));
	ui_button(g, &UI_VISITOR_DONE_OK, UI_WHITE, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("OK"));
}

void screen_checkin_draw(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_visitor *v = &s->visitor;
	bool keyboard = true;

	if (v->step == UI_VISITOR_DONE) {
		draw_done(g, v);
		return;
	}
	ui_clear(g, UI_NAVY);
	top_bar(g, s);
	switch (v->step) {
	case UI_VISITOR_NAME: draw_name(g, v); break;
	case UI_VISITOR_INVITE: draw_invite(g, v); break;
	case UI_VISITOR_ORG: draw_org(g, v); break;
	case UI_VISITOR_HOST: draw_host(g, v); break;
	case UI_VISITOR_PURPOSE: draw_purpose(g, v); break;
	default:
		keyboard = false;
		draw_privacy(g, s);
		break;
	}
	if (keyboard)
		screen_keyboard_draw(g, &v->kb);
}
