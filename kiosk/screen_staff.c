/*
 * screen_staff.c - draws staff mode from its state (ui_staff.h): a header
 * with the way back and the way out on every screen, the PIN pad, the
 * menu with the door's status, and each action's screen.  It reads the
 * state only; what it shows was fetched by ui_staff.c.  States are told in
 * words (and marks), never by colour alone.
 */
#include "screens.h"
#include "ui_text.h"

#include <stdio.h>
#include <string.h>

#define PAGE_W (UI_W - 64)

static void header(struct ui_gfx *g, const struct ui_state *s, const char *title, bool back)
{
	char fitted[160];
	int left = back ? UI_STAFF_BACK.x + UI_STAFF_BACK.w + 24 : 32;

	ui_fill(g, &(struct ui_rect){ 0, 0, UI_W, 104 }, UI_NAVY_LIGHT);
	if (back)
		ui_button(g, &UI_STAFF_BACK, UI_NAVY, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Back"));
	ui_text_fit(g, UI_FONT_BODY_B, UI_STAFF_LEAVE.x - left - 16, title, fitted, sizeof(fitted));
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, left, 18, UI_LEFT, 0, fitted);
	if (s->staff.first_name[0] != '\0') {
		char who[160];
		snprintf(who, sizeof(who), _("Staff: %s"), s->staff.first_name);
		ui_text_fit(g, UI_FONT_SMALL, UI_STAFF_LEAVE.x - left - 16, who, fitted, sizeof(fitted));
		ui_text(g, UI_FONT_SMALL, UI_MUTED, left, 60, UI_LEFT, 0, fitted);
	}
	ui_button(g, &UI_STAFF_LEAVE, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("Leave staff mode"));
}

static void button(struct ui_gfx *g, const struct ui_rect *r, const char *label)
{
	char fitted[160];

	ui_text_fit(g, UI_FONT_BODY_B, r->w - 24, label, fitted, sizeof(fitted));
	ui_button(g, r, UI_NAVY_LIGHT, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, fitted);
}

/* "12 min", "3 h 05", "2 days" */
static void duration(int64_t ms, char *out, size_t len)
{
	long long min = ms / 60000;

	if (min < 1)
		snprintf(out, len, "%s", _("less than a minute"));
	else if (min < 60)
		snprintf(out, len, _("%lld min"), min);
	else if (min < 48 * 60)
		snprintf(out, len, _("%lld h %02lld"), min / 60, min % 60);
	else
		snprintf(out, len, _("%lld days"), min / 1440); /* two at least */
}

/* ---- PIN ---- */

static void draw_pin(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff *st = &s->staff;
	char line[256];

	header(g, s, _("Staff mode: PIN"), false);
	switch (st->pin_state.kind) {
	case UI_STAFF_PIN_READY:
		break;
	case UI_STAFF_PIN_LOCKED:
		ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 180, UI_CENTER, PAGE_W, _("Staff mode is locked"));
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 276, UI_CENTER, PAGE_W,
			_("Too many wrong PINs were typed for you."));
		if (st->pin_state.until[0] != '\0')
			snprintf(line, sizeof(line), _("Try again at %s, or ask the office."), st->pin_state.until);
		else
			snprintf(line, sizeof(line), "%s", _("Try again later, or ask the office."));
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, 340, UI_CENTER, PAGE_W, line);
		button(g, &UI_STAFF_RETRY, _("Try again"));
		return;
	case UI_STAFF_PIN_UNSET:
		ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 200, UI_CENTER, PAGE_W, _("No PIN is set for you yet"));
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, 320, UI_CENTER, PAGE_W,
			_("Ask the office to set your staff PIN."));
		return;
	case UI_STAFF_PIN_FAULT:
		ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, 200, UI_CENTER, PAGE_W,
			_("Staff mode is not available right now"));
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, 320, UI_CENTER, PAGE_W, _("Please call the office."));
		button(g, &UI_STAFF_RETRY, _("Try again"));
		return;
	}
	if (st->first_name[0] != '\0')
		snprintf(line, sizeof(line), _("%s, type your PIN"), st->first_name);
	else
		snprintf(line, sizeof(line), "%s", _("Type your PIN"));
	ui_text(g, UI_FONT_BODY_B, UI_WHITE, UI_W / 2, 120, UI_CENTER, PAGE_W, line);
	/* one dot per digit, never the digit; empty places outlined */
	{
		struct ui_rect box = { UI_W / 2 - 260, 168, 520, 72 };
		int n = (int)st->pin_len, slots = n < UI_STAFF_PIN_MIN ? UI_STAFF_PIN_MIN : n;
		int x0 = UI_W / 2 - (slots * 56 - 24) / 2;
		ui_fill(g, &box, UI_NAVY_LIGHT);
		ui_frame(g, &box, 2, UI_MUTED);
		for (int i = 0; i < slots; i++)
			ui_text(g, UI_FONT_BODY_B, i < n ? UI_WHITE : UI_MUTED, x0 + i * 56 + 16, box.y + 16, UI_CENTER, 0,
				i < n ? "●" : "○");
	}
	if (st->pin_wrong) {
		snprintf(line, sizeof(line), _("Wrong PIN. Tries left before a lockout: %d"),
			 st->pin_state.tries_left);
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, 252, UI_CENTER, PAGE_W, line);
	} else if (st->pin_short) {
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, 252, UI_CENTER, PAGE_W, _("A PIN has 4 to 8 digits."));
	}
	for (int i = 0; i < 12; i++) {
		struct ui_rect r = ui_staff_pin_key(i);
		char digit[2] = { (char)(i < 9 ? '1' + i : '0'), '\0' };
		if (i == 9)
			ui_button(g, &r, UI_NAVY, UI_WHITE, UI_MUTED, UI_FONT_BODY_B, _("Clear"));
		else if (i == 11)
			ui_button(g, &r, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("OK"));
		else
			ui_button(g, &r, UI_WHITE, UI_NAVY, UI_MUTED, UI_FONT_TITLE, digit);
	}
}

/* ---- menu ---- */

static void alarm_words(unsigned alarms, char *out, size_t len)
{
	static const struct {
		unsigned bit;
		const char *word;
	} names[] = {
		{ UI_STAFF_ALARM_FIRE, N_("fire alarm") },
		{ UI_STAFF_ALARM_FORCED, N_("forced open") },
		{ UI_STAFF_ALARM_HELD, N_("held open too long") },
		{ UI_STAFF_ALARM_TAMPER, N_("reader box opened") },
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(alarms & names[i].bit))
			continue;
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? ", " : "",
					 _(names[i].word));
		if (used >= len)
			break;
	}
}

/* a padlock drawn by shapes: the shackle down in the body, or raised and open */
static void padlock(struct ui_gfx *g, const struct ui_rect *box, bool locked)
{
	SDL_Color c = locked ? UI_WHITE : UI_AMBER;
	struct ui_rect body = { box->x + 26, box->y + 76, 100, 72 };
	int sx = box->x + 44, sy = box->y + (locked ? 16 : 0), legs = locked ? 64 : 44;

	ui_fill(g, &(struct ui_rect){ sx, sy, 64, 12 }, c);            /* the bow */
	ui_fill(g, &(struct ui_rect){ sx, sy, 12, legs + (locked ? 0 : 32) }, c); /* the hinged leg */
	ui_fill(g, &(struct ui_rect){ sx + 52, sy, 12, legs }, c);     /* the free leg */
	if (locked) {
		ui_fill(g, &body, c);
		ui_fill(g, &(struct ui_rect){ body.x + 44, body.y + 22, 12, 28 }, UI_NAVY_LIGHT); /* keyhole */
	} else {
		ui_frame(g, &body, 8, c);
	}
}

static void draw_door(struct ui_gfx *g, const struct ui_staff_door *d)
{
	struct ui_rect panel = { 32, 120, UI_W - 64, 200 }, mark = { 56, 140, 152, 160 };
	char line[256], words[160];
	int x = 240, x2 = 760, w2 = UI_W - 48 - x2, y;

	ui_fill(g, &panel, UI_NAVY_LIGHT);
	padlock(g, &mark, !d->released);
	/* the lock's state in words, large; then how long */
	ui_text(g, UI_FONT_SMALL, UI_MUTED, x, 132, UI_LEFT, 0, _("Door"));
	ui_text(g, UI_FONT_TITLE, d->released ? UI_AMBER : UI_WHITE, x, 156, UI_LEFT, 0,
		!d->released ? _("Locked") : d->held ? _("Unlocked") : _("Released"));
	if (d->released && d->until[0] != '\0') {
		snprintf(line, sizeof(line), _("until %s"), d->until);
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, x, 236, UI_LEFT, 0, line);
	}
	/* what else a person at the door would want to know */
	y = 140;
	if (!d->has_contact)
		snprintf(line, sizeof(line), "%s", _("No door contact wired"));
	else
		snprintf(line, sizeof(line), "%s", d->contact_open ? _("The door is open") : _("The door is shut"));
	y += ui_text(g, UI_FONT_BODY, UI_WHITE, x2, y, UI_LEFT, w2, line) + 8;
	if (d->lockdown)
		y += ui_text(g, UI_FONT_BODY_B, UI_AMBER, x2, y, UI_LEFT, w2, _("LOCKDOWN ON")) + 8;
	else
		y += ui_text(g, UI_FONT_BODY, UI_WHITE, x2, y, UI_LEFT, w2, _("Lockdown is off")) + 8;
	if (d->alarms == 0) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, x2, y, UI_LEFT, w2, _("No alarm"));
	} else {
		alarm_words(d->alarms, words, sizeof(words));
		snprintf(line, sizeof(line), _("Alarm: %s"), words);
		ui_text(g, UI_FONT_BODY_B, UI_AMBER, x2, y, UI_LEFT, w2, line);
	}
}

static void draw_notice(struct ui_gfx *g, const struct ui_staff *st)
{
	char line[256];

	switch (st->notice) {
	case UI_STAFF_N_NONE:
		return;
	case UI_STAFF_N_UNLOCKED:
		/* 5, 15 or 60: always a plural */
		snprintf(line, sizeof(line), _("✓ Door unlocked for %d minutes."), st->notice_minutes);
		break;
	case UI_STAFF_N_LOCKED:
		snprintf(line, sizeof(line), "%s", _("✓ Door locked."));
		break;
	case UI_STAFF_N_LOCKDOWN_ON:
		snprintf(line, sizeof(line), "%s", _("✓ Lockdown is on."));
		break;
	case UI_STAFF_N_LOCKDOWN_OFF:
		snprintf(line, sizeof(line), "%s", _("✓ Lockdown ended."));
		break;
	case UI_STAFF_N_FAILED:
		snprintf(line, sizeof(line), "%s", _("✕ That did not work. Try again or call the office."));
		break;
	}
	ui_text(g, UI_FONT_BODY_B, UI_AMBER, 32, 336, UI_LEFT, PAGE_W, line);
}

static void draw_menu(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff *st = &s->staff;
	const char *labels[UI_STAFF_M_COUNT] = {
		[UI_STAFF_M_UNLOCK] = _("Unlock the door…"),
		[UI_STAFF_M_LOCKDOWN] = st->door.lockdown ? _("End lockdown…") : _("Lockdown…"),
		[UI_STAFF_M_ENROLL] = _("Enroll a badge"),
		[UI_STAFF_M_INSIDE] = _("Who is in the building"),
		[UI_STAFF_M_SYNC] = _("Sync status"),
		[UI_STAFF_M_LOCK_NOW] = _("Lock the door now"),
	};

	header(g, s, _("Staff menu"), false);
	draw_door(g, &st->door);
	draw_notice(g, st);
	for (int i = 0; i < UI_STAFF_M_COUNT; i++) {
		struct ui_rect r = ui_staff_menu_button((enum ui_staff_menu_item)i);
		if (i == UI_STAFF_M_LOCK_NOW && !st->door.held)
			continue;
		button(g, &r, labels[i]);
	}
}

/* ---- unlock, lockdown ---- */

static void draw_unlock(struct ui_gfx *g, const struct ui_state *s)
{
	char label[32];

	header(g, s, _("Unlock the door"), true);
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 32, 136, UI_LEFT, PAGE_W, _("For how long?"));
	for (int i = 0; i < 3; i++) {
		snprintf(label, sizeof(label), _("%d min"), UI_STAFF_UNLOCK_MIN[i]);
		ui_button(g, &UI_STAFF_UNLOCK_BTN[i], UI_WHITE, UI_NAVY, UI_MUTED, UI_FONT_TITLE, label);
	}
	ui_text(g, UI_FONT_BODY, UI_MUTED, 32, 400, UI_LEFT, PAGE_W,
		_("Anyone can push the door open meanwhile; it locks again by itself."));
	if (s->staff.door.held)
		button(g, &UI_STAFF_LOCK_NOW, _("Lock the door now"));
}

static void draw_lockdown(struct ui_gfx *g, const struct ui_state *s)
{
	bool on = !s->staff.door.lockdown;

	header(g, s, _("Lockdown"), true);
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 32, 136, UI_LEFT, PAGE_W, on ? _("Turn lockdown on?") : _("End lockdown?"));
	ui_text(g, UI_FONT_BODY, UI_WHITE, 32, 236, UI_LEFT, PAGE_W,
		on ? _("Every badge will be refused except staff badges, until lockdown is ended. "
		       "The office is told.")
		   : _("Badges open the door again as usual. The office is told."));
	if (on)
		ui_button(g, &UI_STAFF_CONFIRM, UI_RED, UI_WHITE, UI_WHITE, UI_FONT_BODY_B, _("Turn lockdown on"));
	else
		ui_button(g, &UI_STAFF_CONFIRM, UI_AMBER, UI_NAVY, UI_WHITE, UI_FONT_BODY_B, _("End lockdown"));
	button(g, &UI_STAFF_CANCEL, _("Cancel"));
}

/* ---- enrolment ---- */

static void draw_find(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff *st = &s->staff;
	const struct ui_rect *f = &UI_STAFF_FIELD;
	char line[256], fitted[256];

	header(g, s, _("Enroll a badge"), true);
	ui_fill(g, f, UI_WHITE);
	ui_frame(g, f, 3, UI_AMBER);
	if (st->query.len == 0) {
		ui_text(g, UI_FONT_BODY, UI_NAVY, f->x + 20, f->y + 16, UI_LEFT, 0, _("Type the person's name"));
	} else {
		snprintf(line, sizeof(line), "%s|", st->query.text);
		ui_text_fit(g, UI_FONT_BODY_B, f->w - 40, line, fitted, sizeof(fitted));
		ui_text(g, UI_FONT_BODY_B, UI_NAVY, f->x + 20, f->y + 16, UI_LEFT, 0, fitted);
	}
	for (size_t i = 0; i < st->nfound; i++) {
		struct ui_rect r = ui_staff_found_row((int)i);
		ui_fill(g, &r, UI_NAVY_LIGHT);
		ui_frame(g, &r, 2, UI_MUTED);
		ui_text_fit(g, UI_FONT_BODY_B, r.w / 2 - 32, st->found[i].name, fitted, sizeof(fitted));
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, r.x + 20, r.y + 20, UI_LEFT, 0, fitted);
		ui_text_fit(g, UI_FONT_BODY, r.w / 2 - 32, st->found[i].organisation, fitted, sizeof(fitted));
		ui_text(g, UI_FONT_BODY, UI_MUTED, r.x + r.w / 2, r.y + 20, UI_LEFT, 0, fitted);
	}
	if (st->query.len > 0 && st->nfound == 0) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, 32, UI_STAFF_FOUND_Y + 20, UI_LEFT, PAGE_W, _("No one found."));
	} else if (st->total_found > st->nfound) {
		snprintf(line, sizeof(line), _("More matches (%zu): type more letters"), st->total_found - st->nfound);
		ui_text(g, UI_FONT_SMALL, UI_MUTED, 32, UI_KB_AREA.y - 30, UI_LEFT, PAGE_W, line);
	}
	screen_keyboard_draw(g, &st->kb);
}

static void draw_card(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff *st = &s->staff;
	struct ui_rect card = { UI_W / 2 - 150, 316, 300, 180 };
	char line[256];
	int y = 124;

	header(g, s, _("Enroll a badge"), true);
	y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, _("Hold the new badge to the reader"));
	snprintf(line, sizeof(line), _("for %s (%s)"), st->target.name,
		 st->target.organisation[0] ? st->target.organisation : "—");
	ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y + 12, UI_CENTER, PAGE_W, line);
	/* a card drawn as a card: a rounded look is not needed to be understood */
	ui_frame(g, &card, 4, UI_AMBER);
	ui_fill(g, &(struct ui_rect){ card.x + 28, card.y + 40, 64, 48 }, UI_AMBER);
	ui_text(g, UI_FONT_SMALL, UI_WHITE, card.x + 28, card.y + 120, UI_LEFT, 0, _("badge"));
	ui_text(g, UI_FONT_BODY, UI_MUTED, UI_W / 2, 540, UI_CENTER, PAGE_W,
		_("The door does not open while waiting for the new badge."));
	button(g, &UI_STAFF_CARD_CANCEL, _("Cancel"));
}

static void draw_enrolled(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff *st = &s->staff;
	bool ok = st->enrolled == UI_STAFF_ENROLL_OK || st->enrolled == UI_STAFF_ENROLL_ALREADY;
	struct ui_rect mark = { UI_W / 2 - 64, 124, 128, 128 };
	char line[256];
	int y = 280;

	header(g, s, _("Enroll a badge"), true);
	ui_fill(g, &mark, ok ? UI_WHITE : UI_AMBER);
	ui_text(g, UI_FONT_TITLE, UI_NAVY, UI_W / 2, mark.y + 28, UI_CENTER, 0, ok ? "✓" : "✕");
	switch (st->enrolled) {
	case UI_STAFF_ENROLL_OK:
		snprintf(line, sizeof(line), _("Badge enrolled for %s"), st->target.name);
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, line) + 16;
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W,
			_("It opens the door from now on, with that person's rights."));
		break;
	case UI_STAFF_ENROLL_ALREADY:
		snprintf(line, sizeof(line), _("This badge already belongs to %s"), st->target.name);
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, line) + 16;
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, _("Nothing was changed."));
		break;
	case UI_STAFF_ENROLL_HELD:
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, _("Badge not enrolled")) + 16;
		if (st->holder[0] != '\0')
			snprintf(line, sizeof(line), _("This badge belongs to someone else (%s)."), st->holder);
		else
			snprintf(line, sizeof(line), "%s", _("This badge is a visitor's pass."));
		y += ui_text(g, UI_FONT_BODY_B, UI_AMBER, UI_W / 2, y, UI_CENTER, PAGE_W, line) + 8;
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W,
			_("Nothing was changed. Ask the office to revoke it first."));
		break;
	case UI_STAFF_ENROLL_FAULT:
		y += ui_text(g, UI_FONT_TITLE, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W, _("Badge not enrolled")) + 16;
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, y, UI_CENTER, PAGE_W,
			_("The badge could not be enrolled. Try again or call the office."));
		break;
	}
	button(g, &UI_STAFF_AGAIN, _("Enroll another badge"));
	button(g, &UI_STAFF_TO_MENU, _("Back to the menu"));
}

/* ---- lists ---- */

static void draw_inside(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff_inside *in = &s->staff.inside;
	long total = in->people + in->visitors;
	char line[320], a[128], b[128], fitted[256];
	int pages, page;

	header(g, s, _("Who is in the building"), true);
	if (!s->staff.inside_ok) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, 32, 140, UI_LEFT, PAGE_W, _("The list cannot be read right now."));
		return;
	}
	/* counts as "label: number": no plural forms to get wrong */
	snprintf(line, sizeof(line), _("In the building: %ld"), total);
	snprintf(a, sizeof(a), _("Badged in today: %ld"), in->people);
	snprintf(b, sizeof(b), _("Visitors: %ld"), in->visitors);
	ui_text(g, UI_FONT_TITLE, UI_WHITE, 32, 108, UI_LEFT, 0, line);
	snprintf(line, sizeof(line), "%s · %s", a, b);
	ui_text(g, UI_FONT_BODY, UI_MUTED, 32, 176, UI_LEFT, PAGE_W, line);
	if (total == 0) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, 32, UI_STAFF_ROW_Y + 20, UI_LEFT, PAGE_W,
			_("No one has come in today."));
		return;
	}
	for (int i = 0; i < in->n; i++) {
		const struct ui_staff_row *r = &in->rows[i];
		struct ui_rect row = { 32, UI_STAFF_ROW_Y + i * UI_STAFF_ROW_H, UI_W - 64, UI_STAFF_ROW_H - 6 };
		struct ui_rect tag = { row.x + row.w - 260, row.y + (row.h - 46) / 2, 240, 46 };
		ui_fill(g, &row, UI_NAVY_LIGHT);
		ui_text_fit(g, UI_FONT_BODY_B, 420, r->name, fitted, sizeof(fitted));
		ui_text(g, UI_FONT_BODY_B, UI_WHITE, row.x + 20, row.y + 16, UI_LEFT, 0, fitted);
		ui_text_fit(g, UI_FONT_BODY, tag.x - row.x - 480, r->organisation[0] ? r->organisation : "—", fitted,
			    sizeof(fitted));
		ui_text(g, UI_FONT_BODY, UI_MUTED, row.x + 460, row.y + 16, UI_LEFT, 0, fitted);
		/* the kind in words, in a filled or outlined tag */
		snprintf(line, sizeof(line), "%s %s", r->visitor ? _("Visitor") : _("Badge"), r->since);
		if (r->visitor) {
			ui_fill(g, &tag, UI_AMBER);
			ui_text(g, UI_FONT_BODY_B, UI_NAVY, tag.x + tag.w / 2, tag.y + 4, UI_CENTER, 0, line);
		} else {
			ui_frame(g, &tag, 2, UI_WHITE);
			ui_text(g, UI_FONT_BODY, UI_WHITE, tag.x + tag.w / 2, tag.y + 4, UI_CENTER, 0, line);
		}
	}
	pages = (int)((total + UI_STAFF_ROWS - 1) / UI_STAFF_ROWS);
	page = in->offset / UI_STAFF_ROWS + 1;
	if (pages > 1) {
		snprintf(line, sizeof(line), _("Page %d of %d"), page, pages);
		ui_text(g, UI_FONT_BODY, UI_WHITE, UI_W / 2, UI_STAFF_PREV.y + 26, UI_CENTER, 0, line);
		if (page > 1)
			button(g, &UI_STAFF_PREV, _("◀ Previous"));
		if (page < pages)
			button(g, &UI_STAFF_NEXT, _("Next ▶"));
	}
}

/* a label and its value on one row; returns the row's height */
static int row_pair(struct ui_gfx *g, int y, const char *label, const char *value, bool warn)
{
	int h;

	ui_text(g, UI_FONT_BODY, UI_MUTED, 32, y, UI_LEFT, 0, label);
	h = ui_text(g, warn ? UI_FONT_BODY_B : UI_FONT_BODY, warn ? UI_AMBER : UI_WHITE, 640, y, UI_LEFT,
		    UI_W - 672, value);
	return (h > 40 ? h : 40) + 28;
}

static void draw_sync(struct ui_gfx *g, const struct ui_state *s)
{
	const struct ui_staff_sync *sy = &s->staff.sync;
	char value[320], d[64];
	int y = 136;

	header(g, s, _("Sync status"), true);
	if (!s->staff.sync_ok) {
		ui_text(g, UI_FONT_BODY, UI_WHITE, 32, 140, UI_LEFT, PAGE_W,
			_("The sync status cannot be read right now."));
		button(g, &UI_STAFF_REFRESH, _("Read again"));
		return;
	}
	if (sy->never) {
		snprintf(value, sizeof(value), "%s", _("never"));
	} else {
		duration(sy->since_ms, d, sizeof(d));
		snprintf(value, sizeof(value), _("%s (%s ago)"), sy->last_success, d);
	}
	y += row_pair(g, y, _("Last successful sync"), value, sy->never);
	y += row_pair(g, y, _("Last error"), sy->last_error[0] ? sy->last_error : _("none"), sy->last_error[0] != '\0');
	snprintf(value, sizeof(value), "%ld", sy->outbox);
	y += row_pair(g, y, _("Events waiting to be sent"), value, false);
	if (sy->data_age_ms < 0) {
		snprintf(value, sizeof(value), "%s", _("never received"));
	} else {
		duration(sy->data_age_ms, d, sizeof(d));
		snprintf(value, sizeof(value), "%s", d);
	}
	row_pair(g, y, _("Age of the directory"), value, sy->data_age_ms < 0);
	ui_text(g, UI_FONT_SMALL, UI_MUTED, 32, 580, UI_LEFT, PAGE_W,
		_("Badges are checked here even when the office cannot be reached; what happens is sent later."));
	button(g, &UI_STAFF_REFRESH, _("Read again"));
}

void screen_staff_draw(struct ui_gfx *g, const struct ui_state *s)
{
	ui_clear(g, UI_NAVY);
	switch (s->staff.step) {
	case UI_STAFF_PIN:
		draw_pin(g, s);
		break;
	case UI_STAFF_MENU:
		draw_menu(g, s);
		break;
	case UI_STAFF_UNLOCK:
		draw_unlock(g, s);
		break;
	case UI_STAFF_LOCKDOWN:
		draw_lockdown(g, s);
		break;
	case UI_STAFF_FIND:
		draw_find(g, s);
		break;
	case UI_STAFF_CARD:
		draw_card(g, s);
		break;
	case UI_STAFF_ENROLLED:
		draw_enrolled(g, s);
		break;
	case UI_STAFF_INSIDE:
		draw_inside(g, s);
		break;
	case UI_STAFF_SYNC:
		draw_sync(g, s);
		break;
	}
}
