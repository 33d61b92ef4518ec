/*
 * ui_visitor.c - the visitor flows' steps (see ui_visitor.h): which step
 * follows which, what a tap, a key or typed text does on each, and what is
 * asked of the services.  It draws nothing, reads no clock and keeps no
 * words but msgids.
 */
#include "ui_state.h"

#include <stdio.h>
#include <string.h>

#define N_(s) (s)

static const char *const purpose_labels[] = {
	[UI_PURPOSE_NONE] = "",
	[UI_PURPOSE_MEETING] = N_("Meeting"),
	[UI_PURPOSE_DELIVERY] = N_("Delivery"),
	[UI_PURPOSE_APPOINTMENT] = N_("Appointment"),
	[UI_PURPOSE_OTHER] = N_("Other"),
};

struct ui_rect ui_visitor_row(int i)
{
	return (struct ui_rect){ 48, UI_VISITOR_ROW_Y + i * (UI_VISITOR_ROW_H + UI_VISITOR_ROW_GAP), 1184,
				 UI_VISITOR_ROW_H };
}

struct ui_rect ui_visitor_choice(int i)
{
	return (struct ui_rect){ 48 + i * (284 + 16), UI_VISITOR_CHOICE_Y, 284, 80 };
}

struct ui_rect ui_visitor_list_row(int i)
{
	return (struct ui_rect){ 48, UI_VISITOR_LIST_Y + i * (UI_VISITOR_LIST_H + UI_VISITOR_LIST_GAP), 1184,
				 UI_VISITOR_LIST_H };
}

const char *ui_visitor_purpose_label(enum ui_purpose p)
{
	return p >= UI_PURPOSE_NONE && p <= UI_PURPOSE_OTHER ? purpose_labels[p] : "";
}

int ui_visitor_step_number(enum ui_visitor_step step)
{
	switch (step) {
	case UI_VISITOR_NAME:
	case UI_VISITOR_INVITE: return 1;
	case UI_VISITOR_ORG: return 2;
	case UI_VISITOR_HOST: return 3;
	case UI_VISITOR_PURPOSE: return 4;
	case UI_VISITOR_PRIVACY: return 5;
	default: return 0;
	}
}

/* the first word of a name, at most len-1 bytes, cut at a whole character */
static void first_word(const char *full, char *out, size_t len)
{
	size_t n;

	full += strspn(full, " ");
	n = strcspn(full, " ");
	if (n >= len)
		n = len - 1;
	while (n > 0 && ((unsigned char)full[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, full, n);
	out[n] = '\0';
}

void ui_visitor_short_name(const char *full, char *out, size_t len)
{
	const char *last;
	size_t n, c = 1;

	if (len == 0)
		return;
	first_word(full, out, len);
	full += strspn(full, " ");
	last = strchr(full, ' ');
	if (last == NULL)
		return;
	last += strspn(last, " ");
	if (*last == '\0')
		return;
	/* the initial of the last part of the name: "Malo Le Gall" -> "Malo L." (the first after the first name) */
	while (((unsigned char)last[c] & 0xC0) == 0x80)
		c++;
	n = strlen(out);
	if (n + c + 3 <= len) {
		out[n] = ' ';
		memcpy(out + n + 1, last, c);
		out[n + 1 + c] = '.';
		out[n + 2 + c] = '\0';
	}
}

static const struct ui_visitor_services *svc_of(const struct ui_state *s)
{
	return s->visitor_svc;
}

/* the field a step types into, NULL for the steps without one */
static struct ui_field *field_of(struct ui_visitor *v)
{
	switch (v->step) {
	case UI_VISITOR_NAME: return &v->name;
	case UI_VISITOR_INVITE: return &v->code;
	case UI_VISITOR_ORG: return &v->organisation;
	case UI_VISITOR_HOST: return &v->query;
	case UI_VISITOR_PURPOSE: return &v->purpose;
	default: return NULL;
	}
}

void ui_visitor_reset(struct ui_state *s)
{
	memset(&s->visitor, 0, sizeof(s->visitor));
	ui_keyboard_init(&s->visitor.kb);
	s->visitor.leaving = -1;
}

int64_t ui_visitor_deadline(const struct ui_state *s)
{
	const struct ui_visitor *v = &s->visitor;

	return v->step == UI_VISITOR_DONE || v->step == UI_VISITOR_BYE ? v->done_until : 0;
}

static void search_hosts(struct ui_state *s)
{
	const struct ui_visitor_services *svc = svc_of(s);
	struct ui_visitor *v = &s->visitor;
	struct ui_visitor_host found[UI_VISITOR_FOUND_MAX + 1];
	size_t n = 0;

	v->nfound = 0;
	v->more = false;
	v->highlight = 0;
	if (svc != NULL && svc->search_hosts != NULL && !ui_field_blank(&v->query))
		n = svc->search_hosts(svc->ctx, v->query.text, found, UI_VISITOR_FOUND_MAX + 1);
	v->more = n > UI_VISITOR_FOUND_MAX;
	v->nfound = v->more ? UI_VISITOR_FOUND_MAX : n;
	memcpy(v->found, found, v->nfound * sizeof(found[0]));
}

static void search_invites(struct ui_state *s)
{
	const struct ui_visitor_services *svc = svc_of(s);
	struct ui_visitor *v = &s->visitor;
	struct ui_visitor_invite found[UI_VISITOR_FOUND_MAX + 1];
	size_t n = 0;

	v->ninvites = 0;
	v->more = false;
	v->highlight = 0;
	if (svc != NULL && svc->search_invites != NULL)
		n = svc->search_invites(svc->ctx, v->code.text, found, UI_VISITOR_FOUND_MAX + 1);
	v->more = n > UI_VISITOR_FOUND_MAX;
	v->ninvites = v->more ? UI_VISITOR_FOUND_MAX : n;
	memcpy(v->invites, found, v->ninvites * sizeof(found[0]));
}

/* shows step; the keyboard starts on letters, capitals at word starts for names */
static void go(struct ui_state *s, enum ui_visitor_step step, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;
	struct ui_field *f;

	v->step = step;
	v->error = NULL;
	v->highlight = 0;
	ui_keyboard_init(&v->kb);
	v->kb.auto_caps = step == UI_VISITOR_NAME || step == UI_VISITOR_ORG;
	f = field_of(v);
	if (f != NULL)
		ui_keyboard_follow(&v->kb, f);
	if (step == UI_VISITOR_INVITE)
		search_invites(s);
	act->redraw = true;
}

void ui_visitor_checkin(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_visitor_reset(s);
	s->screen = UI_SCREEN_CHECKIN;
	go(s, UI_VISITOR_NAME, act);
	if (svc_of(s) == NULL)
		s->visitor.error = N_("Visitor check-in is not available. Please ask at the front desk.");
}

static void load_inside(struct ui_state *s)
{
	const struct ui_visitor_services *svc = svc_of(s);
	struct ui_visitor *v = &s->visitor;
	char short_name[UI_NAME_MAX];

	v->ninside = 0;
	if (svc != NULL && svc->list_inside != NULL)
		v->ninside = svc->list_inside(svc->ctx, v->inside, UI_VISITOR_INSIDE_MAX);
	if (v->ninside > UI_VISITOR_INSIDE_MAX)
		v->ninside = UI_VISITOR_INSIDE_MAX;
	/* the screen is seen by whoever stands there: first name and initial only */
	for (size_t i = 0; i < v->ninside; i++) {
		ui_visitor_short_name(v->inside[i].name, short_name, sizeof(short_name));
		memset(v->inside[i].name, 0, sizeof(v->inside[i].name));
		snprintf(v->inside[i].name, sizeof(v->inside[i].name), "%s", short_name);
	}
	v->page = 0;
}

void ui_visitor_checkout(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	(void)now_ms;
	ui_visitor_reset(s);
	s->screen = UI_SCREEN_CHECKOUT;
	go(s, UI_VISITOR_LIST, act);
	load_inside(s);
	if (svc_of(s) == NULL)
		s->visitor.error = N_("Visitor check-out is not available. Please ask at the front desk.");
}

static void pick_host(struct ui_state *s, size_t i, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;

	if (i >= v->nfound)
		return;
	v->host = v->found[i];
	v->has_host = true;
	ui_field_set(&v->query, v->host.name);
	go(s, UI_VISITOR_PURPOSE, act);
}

static void pick_invite(struct ui_state *s, size_t i, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;
	const struct ui_visitor_invite *inv;

	if (i >= v->ninvites)
		return;
	inv = &v->invites[i];
	ui_field_set(&v->name, inv->name);
	ui_field_set(&v->organisation, inv->organisation);
	v->host = inv->host;
	v->has_host = true;
	ui_field_set(&v->query, inv->host.name);
	snprintf(v->invite, sizeof(v->invite), "%s", inv->id);
	ui_field_clear(&v->code);
	/* the other invitations found are no one else's business */
	memset(v->invites, 0, sizeof(v->invites));
	v->ninvites = 0;
	v->nfound = 0;
	go(s, UI_VISITOR_PURPOSE, act);
}

static void choose_purpose(struct ui_state *s, enum ui_purpose p, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;

	v->purpose_kind = p;
	act->redraw = true;
	if (p == UI_PURPOSE_OTHER) {
		/* "Other": the field is for saying what */
		v->error = NULL;
		return;
	}
	ui_field_clear(&v->purpose);
	go(s, UI_VISITOR_PRIVACY, act);
}

static void wipe_form(struct ui_visitor *v)
{
	ui_field_clear(&v->name);
	ui_field_clear(&v->organisation);
	ui_field_clear(&v->query);
	ui_field_clear(&v->purpose);
	ui_field_clear(&v->code);
	memset(v->found, 0, sizeof(v->found));
	memset(v->invites, 0, sizeof(v->invites));
	v->nfound = v->ninvites = 0;
}

static void accept(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	const struct ui_visitor_services *svc = svc_of(s);
	struct ui_visitor *v = &s->visitor;
	struct ui_visitor_checkin_form form = {
		.name = v->name.text,
		.organisation = v->organisation.text,
		.host = &v->host,
		.purpose = v->purpose_kind,
		.purpose_text = v->purpose.text,
		.invite = v->invite,
	};

	act->redraw = true;
	if (svc == NULL || svc->checkin == NULL || svc->checkin(svc->ctx, &form) != 0) {
		v->error = N_("Your check-in could not be recorded. Please ask at the front desk.");
		return;
	}
	first_word(v->name.text, v->first_name, sizeof(v->first_name));
	snprintf(v->host_name, sizeof(v->host_name), "%s", v->host.name);
	wipe_form(v);
	go(s, UI_VISITOR_DONE, act);
	v->done_until = now_ms + UI_VISITOR_DONE_MS;
}

static void leave(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	const struct ui_visitor_services *svc = svc_of(s);
	struct ui_visitor *v = &s->visitor;

	act->redraw = true;
	if (v->leaving < 0 || (size_t)v->leaving >= v->ninside)
		return;
	if (svc == NULL || svc->checkout == NULL || svc->checkout(svc->ctx, v->inside[v->leaving].id) != 0) {
		v->error = N_("Your departure could not be recorded. Please ask at the front desk.");
		return;
	}
	first_word(v->inside[v->leaving].name, v->first_name, sizeof(v->first_name));
	memset(v->inside, 0, sizeof(v->inside));
	v->ninside = 0;
	v->leaving = -1;
	go(s, UI_VISITOR_BYE, act);
	v->done_until = now_ms + UI_VISITOR_DONE_MS;
}

static int pages(const struct ui_visitor *v)
{
	return v->ninside == 0 ? 1 : (int)((v->ninside + UI_VISITOR_PAGE - 1) / UI_VISITOR_PAGE);
}

/* the step's main action: "Continue", the keyboard's OK, enter */
static void next(struct ui_state *s, int64_t now_ms, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;

	act->redraw = true;
	switch (v->step) {
	case UI_VISITOR_NAME:
		if (ui_field_blank(&v->name))
			v->error = N_("Please type your name.");
		else
			go(s, UI_VISITOR_ORG, act);
		break;
	case UI_VISITOR_INVITE:
		if (ui_field_blank(&v->code))
			v->error = N_("Type your code, or tap your name below.");
		else if (v->ninvites == 0)
			v->error = N_("No invitation for today with this code or name.");
		else
			pick_invite(s, (size_t)v->highlight, act);
		break;
	case UI_VISITOR_ORG:
		go(s, UI_VISITOR_HOST, act);
		if (!ui_field_blank(&v->query))
			search_hosts(s);
		break;
	case UI_VISITOR_HOST:
		if (v->has_host)
			go(s, UI_VISITOR_PURPOSE, act);
		else if (v->nfound > 0)
			pick_host(s, (size_t)v->highlight, act);
		else
			v->error = N_("Type a few letters of the name, then tap it in the list.");
		break;
	case UI_VISITOR_PURPOSE:
		if (!ui_field_blank(&v->purpose))
			v->purpose_kind = UI_PURPOSE_OTHER;
		else if (v->purpose_kind == UI_PURPOSE_OTHER)
			v->purpose_kind = UI_PURPOSE_NONE;
		go(s, UI_VISITOR_PRIVACY, act);
		break;
	case UI_VISITOR_PRIVACY:
		accept(s, now_ms, act);
		break;
	case UI_VISITOR_LEAVING:
		leave(s, now_ms, act);
		break;
	case UI_VISITOR_DONE:
	case UI_VISITOR_BYE:
		ui_go_home(s, act);
		break;
	case UI_VISITOR_LIST:
		break;
	}
}

/* one step back; from the first step, home */
static void back(struct ui_state *s, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;

	switch (v->step) {
	case UI_VISITOR_INVITE:
	case UI_VISITOR_ORG:
		go(s, UI_VISITOR_NAME, act);
		break;
	case UI_VISITOR_HOST:
		go(s, UI_VISITOR_ORG, act);
		break;
	case UI_VISITOR_PURPOSE:
		go(s, UI_VISITOR_HOST, act);
		search_hosts(s);
		break;
	case UI_VISITOR_PRIVACY:
		go(s, UI_VISITOR_PURPOSE, act);
		break;
	case UI_VISITOR_LEAVING:
		v->leaving = -1;
		go(s, UI_VISITOR_LIST, act);
		break;
	case UI_VISITOR_NAME:
	case UI_VISITOR_LIST:
	case UI_VISITOR_DONE:
	case UI_VISITOR_BYE:
		ui_go_home(s, act);
		break;
	}
}

/* after the focused field changed */
static void edited(struct ui_state *s, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;

	act->redraw = true;
	v->error = NULL;
	switch (v->step) {
	case UI_VISITOR_HOST:
		v->has_host = false;
		search_hosts(s);
		break;
	case UI_VISITOR_INVITE:
		/* codes are capitals and digits: typed in any case */
		for (char *p = v->code.text; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		search_invites(s);
		break;
	case UI_VISITOR_PURPOSE:
		if (!ui_field_blank(&v->purpose))
			v->purpose_kind = UI_PURPOSE_OTHER;
		break;
	default:
		break;
	}
	ui_keyboard_follow(&v->kb, field_of(v));
}

static bool has_keyboard(enum ui_visitor_step step)
{
	return step == UI_VISITOR_NAME || step == UI_VISITOR_INVITE || step == UI_VISITOR_ORG ||
	       step == UI_VISITOR_HOST || step == UI_VISITOR_PURPOSE;
}

static void tap(struct ui_state *s, int x, int y, int64_t now_ms, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;
	struct ui_field *f = field_of(v);
	struct ui_rect r;

	if (v->step == UI_VISITOR_DONE || v->step == UI_VISITOR_BYE) {
		if (ui_rect_hit(&UI_VISITOR_DONE_OK, x, y))
			ui_go_home(s, act);
		return;
	}
	if (ui_rect_hit(&UI_VISITOR_CANCEL, x, y)) {
		ui_go_home(s, act);
		return;
	}
	if (ui_rect_hit(&UI_VISITOR_BACK, x, y)) {
		back(s, act);
		return;
	}
	if (has_keyboard(v->step) && ui_rect_hit(&UI_KB_AREA, x, y)) {
		switch (ui_keyboard_tap(&v->kb, f, x, y)) {
		case UI_KB_CHANGED:
			edited(s, act);
			break;
		case UI_KB_ENTER:
			next(s, now_ms, act);
			break;
		case UI_KB_NONE:
			break;
		}
		return;
	}
	switch (v->step) {
	case UI_VISITOR_NAME:
		if (ui_rect_hit(&UI_VISITOR_NEXT, x, y))
			next(s, now_ms, act);
		else if (ui_rect_hit(&UI_VISITOR_HAVE_INVITE, x, y))
			go(s, UI_VISITOR_INVITE, act);
		break;
	case UI_VISITOR_INVITE:
	case UI_VISITOR_HOST:
		if (ui_rect_hit(&UI_VISITOR_NEXT, x, y)) {
			next(s, now_ms, act);
			break;
		}
		for (int i = 0; i < UI_VISITOR_FOUND_MAX; i++) {
			r = ui_visitor_row(i);
			if (!ui_rect_hit(&r, x, y))
				continue;
			if (v->step == UI_VISITOR_HOST)
				pick_host(s, (size_t)i, act);
			else
				pick_invite(s, (size_t)i, act);
		}
		break;
	case UI_VISITOR_ORG:
		if (ui_rect_hit(&UI_VISITOR_NEXT, x, y))
			next(s, now_ms, act);
		break;
	case UI_VISITOR_PURPOSE:
		if (ui_rect_hit(&UI_VISITOR_PURPOSE_NEXT, x, y)) {
			next(s, now_ms, act);
			break;
		}
		for (int i = 0; i < UI_PURPOSE_COUNT; i++) {
			r = ui_visitor_choice(i);
			if (ui_rect_hit(&r, x, y))
				choose_purpose(s, (enum ui_purpose)(UI_PURPOSE_MEETING + i), act);
		}
		break;
	case UI_VISITOR_PRIVACY:
		if (ui_rect_hit(&UI_VISITOR_ACCEPT, x, y))
			accept(s, now_ms, act);
		else if (ui_rect_hit(&UI_VISITOR_DECLINE, x, y))
			ui_go_home(s, act); /* nothing was stored, and everything typed goes */
		break;
	case UI_VISITOR_LIST:
		if (ui_rect_hit(&UI_VISITOR_PREV, x, y) && v->page > 0) {
			v->page--;
			act->redraw = true;
		} else if (ui_rect_hit(&UI_VISITOR_MORE, x, y) && v->page + 1 < pages(v)) {
			v->page++;
			act->redraw = true;
		}
		for (int i = 0; i < UI_VISITOR_PAGE; i++) {
			size_t at = (size_t)(v->page * UI_VISITOR_PAGE + i);
			r = ui_visitor_list_row(i);
			if (at < v->ninside && ui_rect_hit(&r, x, y)) {
				go(s, UI_VISITOR_LEAVING, act);
				v->leaving = (int)at;
			}
		}
		break;
	case UI_VISITOR_LEAVING:
		if (ui_rect_hit(&UI_VISITOR_LEAVE_YES, x, y))
			leave(s, now_ms, act);
		else if (ui_rect_hit(&UI_VISITOR_LEAVE_NO, x, y))
			back(s, act);
		break;
	case UI_VISITOR_DONE:
	case UI_VISITOR_BYE:
		break;
	}
}

static void key(struct ui_state *s, const char *name, int64_t now_ms, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;
	struct ui_field *f = field_of(v);
	int n;

	if (strcmp(name, "escape") == 0) {
		back(s, act);
	} else if (strcmp(name, "enter") == 0) {
		next(s, now_ms, act);
	} else if (strcmp(name, "backspace") == 0) {
		if (f != NULL && ui_field_backspace(f) == UI_KB_CHANGED)
			edited(s, act);
	} else if (strcmp(name, "tab") == 0) {
		/* through the rows under the field; elsewhere, on to the next step */
		n = v->step == UI_VISITOR_HOST ? (int)v->nfound : v->step == UI_VISITOR_INVITE ? (int)v->ninvites : 0;
		if (n > 0) {
			v->highlight = (v->highlight + 1) % n;
			act->redraw = true;
		} else if (v->step == UI_VISITOR_NAME || v->step == UI_VISITOR_ORG || v->step == UI_VISITOR_PURPOSE) {
			next(s, now_ms, act);
		}
	}
}

void ui_visitor_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act)
{
	struct ui_visitor *v = &s->visitor;
	struct ui_field *f = field_of(v);

	switch (ev->kind) {
	case UI_EV_TAP:
		tap(s, ev->x, ev->y, now_ms, act);
		break;
	case UI_EV_KEY:
		if (ev->key != NULL)
			key(s, ev->key, now_ms, act);
		break;
	case UI_EV_TEXT:
		if (f != NULL && ev->text != NULL && ui_field_type(f, ev->text) == UI_KB_CHANGED) {
			v->kb.shift = false;
			edited(s, act);
		}
		break;
	case UI_EV_TICK:
		if ((v->step == UI_VISITOR_DONE || v->step == UI_VISITOR_BYE) && now_ms >= v->done_until)
			ui_go_home(s, act);
		break;
	default:
		break;
	}
}
