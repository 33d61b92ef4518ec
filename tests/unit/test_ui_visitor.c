/*
 * test_ui_visitor.c - the visitor flows of the state machine with fake
 * services and virtual time: every check-in step, back, cancel, decline,
 * the idle wipe, an invitation by code and by name, physical keys, the
 * check-out list with its pages, and the on-screen keyboard itself.
 */
#include "ui_state.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* ---- fake services ---- */

struct fake {
	int fail;                               /* checkin and checkout return it */
	int checkins, checkouts;
	char name[UI_FIELD_MAX], organisation[UI_FIELD_MAX], purpose_text[UI_FIELD_MAX], invite[64];
	struct ui_visitor_host host;
	enum ui_purpose purpose;
	int64_t out_id;
	size_t inside;                          /* how many visitors are in */
};

static const struct {
	const char *key; /* folded, as the real search matches */
	struct ui_visitor_host h;
} hosts[] = {
	{ "lea moreau", { true, "p-lea", "Léa Moreau", "Radio associative Fréquence Estuaire" } },
	{ "epicerie solidaire", { false, "epicerie", "Épicerie solidaire", "" } },
	{ "camille martin", { true, "p-camille", "Camille Martin", "Scop BTP" } },
	{ "cantine du pole", { false, "cantine", "La Cantine du Pôle", "" } },
	{ "carole c", { true, "p-carole", "Carole C", "Incubateur ESS" } },
	{ "cecile d", { true, "p-cecile", "Cécile D", "Incubateur ESS" } },
	{ "chloe e", { true, "p-chloe", "Chloé E", "Incubateur ESS" } },
};

static size_t fake_search_hosts(void *ctx, const char *query, struct ui_visitor_host *out, size_t max)
{
	size_t n = 0;

	(void)ctx;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]) && n < max; i++)
		if (strncmp(hosts[i].key, query, strlen(query)) == 0)
			out[n++] = hosts[i].h;
	return n;
}

static size_t fake_search_invites(void *ctx, const char *query, struct ui_visitor_invite *out, size_t max)
{
	struct ui_visitor_invite inv = { .id = "inv-1", .name = "Jeanne Dupont", .organisation = "Mairie de Nantes",
					 .host = hosts[0].h };

	(void)ctx;
	if (max == 0 || (query[0] != '\0' && strcmp(query, "K7PQ2M") != 0 && strncmp("JEANNE", query, strlen(query)) != 0))
		return 0;
	out[0] = inv;
	return 1;
}

static int fake_checkin(void *ctx, const struct ui_visitor_checkin_form *form)
{
	struct fake *f = ctx;

	if (f->fail)
		return f->fail;
	f->checkins++;
	snprintf(f->name, sizeof(f->name), "%s", form->name);
	snprintf(f->organisation, sizeof(f->organisation), "%s", form->organisation);
	snprintf(f->purpose_text, sizeof(f->purpose_text), "%s", form->purpose_text);
	snprintf(f->invite, sizeof(f->invite), "%s", form->invite);
	f->host = *form->host;
	f->purpose = form->purpose;
	return 0;
}

static size_t fake_list_inside(void *ctx, struct ui_visitor_inside *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = 0;

	for (; n < f->inside && n < max; n++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].id = 100 + (int64_t)n;
		snprintf(out[n].name, sizeof(out[n].name), "Visitor%zu Lastname", n);
		snprintf(out[n].organisation, sizeof(out[n].organisation), "Scop BTP");
	}
	return n;
}

static int fake_checkout(void *ctx, int64_t id)
{
	struct fake *f = ctx;

	if (f->fail)
		return f->fail;
	f->checkouts++;
	f->out_id = id;
	return 0;
}

struct env {
	struct ui_state s;
	struct ui_visitor_services svc;
	struct fake fake;
	int64_t now;
};

static void env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	ui_state_init(&e->s);
	e->svc = (struct ui_visitor_services){ .ctx = &e->fake, .retention_days = 30,
					       .search_hosts = fake_search_hosts,
					       .search_invites = fake_search_invites, .checkin = fake_checkin,
					       .list_inside = fake_list_inside, .checkout = fake_checkout };
	e->s.visitor_svc = &e->svc;
	e->now = 1000;
}

/* every event one second after the last: no debounce, no idle */
static struct ui_actions ev(struct env *e, struct ui_event event)
{
	struct ui_actions act;

	e->now += 1000;
	ui_step(&e->s, &event, e->now, &act);
	return act;
}

static struct ui_actions tap_rect(struct env *e, struct ui_rect r)
{
	return ev(e, (struct ui_event){ .kind = UI_EV_TAP, .x = r.x + r.w / 2, .y = r.y + r.h / 2 });
}

static void text(struct env *e, const char *t)
{
	ev(e, (struct ui_event){ .kind = UI_EV_TEXT, .text = t });
}

static void key(struct env *e, const char *k)
{
	ev(e, (struct ui_event){ .kind = UI_EV_KEY, .key = k });
}

/* taps the on-screen key whose label is label on the current layer */
static void tap_key(struct env *e, const char *label)
{
	struct ui_kb_key keys[UI_KB_KEYS_MAX];
	size_t n = ui_keyboard_keys(&e->s.visitor.kb, keys, UI_KB_KEYS_MAX);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(keys[i].label, label) == 0) {
			tap_rect(e, keys[i].r);
			return;
		}
	}
	fail_msg("no key \"%s\" on layer %d", label, (int)e->s.visitor.kb.layer);
}

static void to_host_step(struct env *e)
{
	tap_rect(e, UI_HOME_VISITOR);
	text(e, "Zoé Lambert");
	tap_rect(e, UI_VISITOR_NEXT);
	text(e, "Atelier graphique");
	tap_rect(e, UI_VISITOR_NEXT);
	assert_int_equal(e->s.visitor.step, UI_VISITOR_HOST);
}

static void test_ui_visitor__every_step_to_the_welcome(void **unused)
{
	struct env e;
	struct ui_actions act;

	(void)unused;
	env_init(&e);
	tap_rect(&e, UI_HOME_VISITOR);
	assert_int_equal(e.s.screen, UI_SCREEN_CHECKIN);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_NAME);
	assert_true(e.s.visitor.kb.shift); /* a name starts with a capital */
	/* z o é, space, then a capital again */
	tap_key(&e, "Z");
	tap_key(&e, "o");
	tap_key(&e, "é");
	tap_key(&e, "Space");
	assert_true(e.s.visitor.kb.shift);
	text(&e, "Lambert");
	assert_string_equal(e.s.visitor.name.text, "Zoé Lambert");
	tap_rect(&e, UI_VISITOR_NEXT);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_ORG);
	text(&e, "Atelier graphique");
	tap_key(&e, "OK");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_HOST);
	text(&e, "lea");
	assert_int_equal(e.s.visitor.nfound, 1);
	assert_string_equal(e.s.visitor.found[0].name, "Léa Moreau");
	tap_rect(&e, ui_visitor_row(0));
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PURPOSE);
	assert_true(e.s.visitor.has_host);
	tap_rect(&e, ui_visitor_choice(0));
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PRIVACY);
	assert_int_equal(e.fake.checkins, 0);
	act = tap_rect(&e, UI_VISITOR_ACCEPT);
	assert_int_equal(e.fake.checkins, 1);
	assert_string_equal(e.fake.name, "Zoé Lambert");
	assert_string_equal(e.fake.organisation, "Atelier graphique");
	assert_string_equal(e.fake.host.id, "p-lea");
	assert_int_equal(e.fake.purpose, UI_PURPOSE_MEETING);
	assert_string_equal(e.fake.invite, "");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_DONE);
	assert_string_equal(e.s.visitor.first_name, "Zoé");
	assert_string_equal(e.s.visitor.host_name, "Léa Moreau");
	/* what was typed is gone already */
	assert_string_equal(e.s.visitor.name.text, "");
	/* home by itself after UI_VISITOR_DONE_MS */
	assert_int_equal(act.next_deadline, e.now + UI_VISITOR_DONE_MS);
	ui_step(&e.s, &(struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, e.now + UI_VISITOR_DONE_MS - 1,
		&act);
	assert_int_equal(e.s.screen, UI_SCREEN_CHECKIN);
	ui_step(&e.s, &(struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, e.now + UI_VISITOR_DONE_MS, &act);
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
	assert_true(act.redraw);
}

static void test_ui_visitor__back_keeps_what_was_typed(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	to_host_step(&e);
	text(&e, "cam");
	tap_rect(&e, ui_visitor_row(0));
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PURPOSE);
	tap_rect(&e, UI_VISITOR_BACK);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_HOST);
	assert_true(e.s.visitor.has_host);
	assert_string_equal(e.s.visitor.query.text, "Camille Martin");
	tap_rect(&e, UI_VISITOR_BACK);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_ORG);
	assert_string_equal(e.s.visitor.organisation.text, "Atelier graphique");
	key(&e, "escape");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_NAME);
	assert_string_equal(e.s.visitor.name.text, "Zoé Lambert");
	/* back from the first step is home, everything wiped */
	tap_rect(&e, UI_VISITOR_BACK);
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
	assert_string_equal(e.s.visitor.name.text, "");
	assert_string_equal(e.s.visitor.organisation.text, "");
}

static void test_ui_visitor__cancel_on_every_step(void **unused)
{
	enum ui_visitor_step reached[] = { UI_VISITOR_NAME, UI_VISITOR_ORG, UI_VISITOR_HOST, UI_VISITOR_PURPOSE,
					   UI_VISITOR_PRIVACY };

	(void)unused;
	for (size_t k = 0; k < sizeof(reached) / sizeof(reached[0]); k++) {
		struct env e;
		env_init(&e);
		tap_rect(&e, UI_HOME_VISITOR);
		text(&e, "Zoé Lambert");
		key(&e, "enter");
		key(&e, "enter");
		text(&e, "lea");
		key(&e, "enter");
		key(&e, "enter");
		assert_int_equal(e.s.visitor.step, UI_VISITOR_PRIVACY);
		while (e.s.visitor.step != reached[k])
			key(&e, "escape");
		tap_rect(&e, UI_VISITOR_CANCEL);
		assert_int_equal(e.s.screen, UI_SCREEN_HOME);
		assert_string_equal(e.s.visitor.name.text, "");
		assert_false(e.s.visitor.has_host);
		assert_int_equal(e.fake.checkins, 0);
	}
}

static void test_ui_visitor__decline_stores_nothing(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	to_host_step(&e);
	text(&e, "epic");
	key(&e, "enter");
	assert_string_equal(e.s.visitor.host.id, "epicerie");
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PRIVACY);
	tap_rect(&e, UI_VISITOR_DECLINE);
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
	assert_int_equal(e.fake.checkins, 0);
	assert_string_equal(e.s.visitor.name.text, "");
}

static void test_ui_visitor__idle_wipes_the_form(void **unused)
{
	struct env e;
	struct ui_actions act;

	(void)unused;
	env_init(&e);
	to_host_step(&e);
	text(&e, "lea");
	ui_step(&e.s, &(struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, e.now + UI_IDLE_MS, &act);
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
	assert_string_equal(e.s.visitor.name.text, "");
	assert_string_equal(e.s.visitor.query.text, "");
	assert_int_equal(e.s.visitor.nfound, 0);
}

static void test_ui_visitor__physical_keys(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	tap_rect(&e, UI_HOME_VISITOR);
	/* enter on an empty name: a message, same step */
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_NAME);
	assert_non_null(e.s.visitor.error);
	text(&e, "Inès\tRobertX");
	assert_string_equal(e.s.visitor.name.text, "InèsRobertX"); /* the tab is no text */
	assert_null(e.s.visitor.error);
	key(&e, "backspace");
	assert_string_equal(e.s.visitor.name.text, "InèsRobert");
	key(&e, "tab");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_ORG);
	key(&e, "tab");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_HOST);
	/* no match: enter says so */
	text(&e, "zzz");
	assert_int_equal(e.s.visitor.nfound, 0);
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_HOST);
	assert_non_null(e.s.visitor.error);
	key(&e, "backspace");
	key(&e, "backspace");
	key(&e, "backspace");
	/* "c" finds more than fit: three shown, tab moves the mark, enter picks it */
	text(&e, "c");
	assert_int_equal(e.s.visitor.nfound, UI_VISITOR_FOUND_MAX);
	assert_true(e.s.visitor.more);
	key(&e, "tab");
	assert_int_equal(e.s.visitor.highlight, 1);
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PURPOSE);
	assert_string_equal(e.s.visitor.host.id, "cantine"); /* the second "c" */
	/* a typed purpose is "other" with its text */
	text(&e, "Visite du chantier");
	key(&e, "enter");
	key(&e, "enter"); /* the notice: enter accepts */
	assert_int_equal(e.fake.checkins, 1);
	assert_int_equal(e.fake.purpose, UI_PURPOSE_OTHER);
	assert_string_equal(e.fake.purpose_text, "Visite du chantier");
	/* the confirmation: any key brings no surprise, enter goes home */
	key(&e, "enter");
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
}

static void test_ui_visitor__invitation_by_code(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	tap_rect(&e, UI_HOME_VISITOR);
	tap_rect(&e, UI_VISITOR_HAVE_INVITE);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_INVITE);
	assert_int_equal(e.s.visitor.ninvites, 1); /* today's, listed */
	text(&e, "x");
	assert_int_equal(e.s.visitor.ninvites, 0);
	key(&e, "enter");
	assert_non_null(e.s.visitor.error);
	key(&e, "backspace");
	text(&e, "k7pq2m"); /* any case */
	assert_string_equal(e.s.visitor.code.text, "K7PQ2M");
	assert_int_equal(e.s.visitor.ninvites, 1);
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PURPOSE);
	assert_string_equal(e.s.visitor.name.text, "Jeanne Dupont");
	assert_string_equal(e.s.visitor.organisation.text, "Mairie de Nantes");
	assert_string_equal(e.s.visitor.host.id, "p-lea");
	tap_rect(&e, UI_VISITOR_PURPOSE_NEXT);
	tap_rect(&e, UI_VISITOR_ACCEPT);
	assert_int_equal(e.fake.checkins, 1);
	assert_string_equal(e.fake.invite, "inv-1");
	assert_int_equal(e.fake.purpose, UI_PURPOSE_NONE);
}

static void test_ui_visitor__invitation_by_name(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	tap_rect(&e, UI_HOME_VISITOR);
	tap_rect(&e, UI_VISITOR_HAVE_INVITE);
	tap_rect(&e, ui_visitor_row(0));
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PURPOSE);
	assert_string_equal(e.s.visitor.name.text, "Jeanne Dupont");
	/* back from the invitation step is the name step */
	env_init(&e);
	tap_rect(&e, UI_HOME_VISITOR);
	tap_rect(&e, UI_VISITOR_HAVE_INVITE);
	tap_rect(&e, UI_VISITOR_BACK);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_NAME);
}

static void test_ui_visitor__a_failed_checkin_says_so(void **unused)
{
	struct env e;

	(void)unused;
	env_init(&e);
	e.fake.fail = -5;
	to_host_step(&e);
	text(&e, "lea");
	key(&e, "enter");
	key(&e, "enter");
	tap_rect(&e, UI_VISITOR_ACCEPT);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_PRIVACY);
	assert_non_null(e.s.visitor.error);
	/* without services at all, the flow says it is unavailable */
	env_init(&e);
	e.s.visitor_svc = NULL;
	tap_rect(&e, UI_HOME_VISITOR);
	assert_non_null(e.s.visitor.error);
	tap_rect(&e, UI_VISITOR_CANCEL);
	tap_rect(&e, UI_HOME_LEAVING);
	assert_int_equal(e.s.screen, UI_SCREEN_CHECKOUT);
	assert_int_equal(e.s.visitor.ninside, 0);
}

static void test_ui_visitor__checkout_pages_confirm_goodbye(void **unused)
{
	struct env e;
	struct ui_actions act;

	(void)unused;
	env_init(&e);
	e.fake.inside = 8;
	tap_rect(&e, UI_HOME_LEAVING);
	assert_int_equal(e.s.screen, UI_SCREEN_CHECKOUT);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_LIST);
	assert_int_equal(e.s.visitor.ninside, 8);
	/* first name and initial only */
	assert_string_equal(e.s.visitor.inside[0].name, "Visitor0 L.");
	for (size_t i = 0; i < e.s.visitor.ninside; i++)
		assert_null(strstr(e.s.visitor.inside[i].name, "Lastname"));
	tap_rect(&e, UI_VISITOR_PREV); /* nothing before the first page */
	assert_int_equal(e.s.visitor.page, 0);
	tap_rect(&e, UI_VISITOR_MORE);
	assert_int_equal(e.s.visitor.page, 1);
	tap_rect(&e, UI_VISITOR_MORE); /* nothing after the last */
	assert_int_equal(e.s.visitor.page, 1);
	tap_rect(&e, ui_visitor_list_row(1));
	assert_int_equal(e.s.visitor.step, UI_VISITOR_LEAVING);
	assert_int_equal(e.s.visitor.leaving, 7);
	tap_rect(&e, UI_VISITOR_LEAVE_NO);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_LIST);
	tap_rect(&e, ui_visitor_list_row(2)); /* an empty row of page 2: nothing */
	assert_int_equal(e.s.visitor.step, UI_VISITOR_LIST);
	tap_rect(&e, ui_visitor_list_row(0));
	act = tap_rect(&e, UI_VISITOR_LEAVE_YES);
	assert_int_equal(e.fake.checkouts, 1);
	assert_int_equal(e.fake.out_id, 106);
	assert_int_equal(e.s.visitor.step, UI_VISITOR_BYE);
	assert_string_equal(e.s.visitor.first_name, "Visitor6");
	assert_int_equal(e.s.visitor.ninside, 0);
	assert_int_equal(act.next_deadline, e.now + UI_VISITOR_DONE_MS);
	ui_step(&e.s, &(struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, e.now + UI_VISITOR_DONE_MS, &act);
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
	/* a failed check-out stays on the question, with a message */
	env_init(&e);
	e.fake.inside = 1;
	e.fake.fail = -4;
	tap_rect(&e, UI_HOME_LEAVING);
	tap_rect(&e, ui_visitor_list_row(0));
	key(&e, "enter");
	assert_int_equal(e.s.visitor.step, UI_VISITOR_LEAVING);
	assert_non_null(e.s.visitor.error);
	key(&e, "escape");
	key(&e, "escape");
	assert_int_equal(e.s.screen, UI_SCREEN_HOME);
}

static void test_ui_visitor__keyboard_layers_shift_and_utf8(void **unused)
{
	struct ui_keyboard kb;
	struct ui_field f;
	struct ui_kb_key keys[UI_KB_KEYS_MAX];
	size_t n;

	(void)unused;
	ui_keyboard_init(&kb);
	ui_field_clear(&f);
	for (int layer = UI_KB_LETTERS; layer <= UI_KB_DIGITS; layer++) {
		kb.layer = (enum ui_kb_layer)layer;
		n = ui_keyboard_keys(&kb, keys, UI_KB_KEYS_MAX);
		assert_true(n > 20 && n < UI_KB_KEYS_MAX);
		for (size_t i = 0; i < n; i++) {
			assert_true(keys[i].r.w >= 56 && keys[i].r.h >= 56);
			assert_true(keys[i].r.x >= 0 && keys[i].r.x + keys[i].r.w <= UI_W);
			assert_true(keys[i].r.y >= UI_KB_AREA.y && keys[i].r.y + keys[i].r.h <= UI_H);
			for (size_t j = i + 1; j < n; j++) /* no two keys overlap */
				assert_false(keys[i].r.x < keys[j].r.x + keys[j].r.w && keys[j].r.x < keys[i].r.x + keys[i].r.w &&
					     keys[i].r.y < keys[j].r.y + keys[j].r.h && keys[j].r.y < keys[i].r.y + keys[i].r.h);
		}
	}
	/* the accents layer with shift: capitals, one-shot */
	kb.layer = UI_KB_ACCENTS;
	kb.shift = true;
	n = ui_keyboard_keys(&kb, keys, UI_KB_KEYS_MAX);
	assert_string_equal(keys[0].label, "É");
	assert_int_equal(ui_keyboard_tap(&kb, &f, keys[0].r.x + 5, keys[0].r.y + 5), UI_KB_CHANGED);
	assert_false(kb.shift);
	n = ui_keyboard_keys(&kb, keys, UI_KB_KEYS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(keys[i].label, "œ") == 0 || strcmp(keys[i].label, "ç") == 0)
			ui_keyboard_tap(&kb, &f, keys[i].r.x + 5, keys[i].r.y + 5);
	}
	assert_string_equal(f.text, "Éçœ");
	assert_int_equal(ui_field_backspace(&f), UI_KB_CHANGED);
	assert_string_equal(f.text, "Éç");
	assert_int_equal(f.len, strlen("Éç"));
	/* outside every key */
	assert_int_equal(ui_keyboard_tap(&kb, &f, 2, UI_KB_AREA.y + 2), UI_KB_NONE);
	/* a field fills up with whole characters only, and drops controls and broken bytes */
	ui_field_clear(&f);
	for (int i = 0; i < 200; i++)
		ui_field_type(&f, "é");
	assert_int_equal(f.len, (UI_FIELD_MAX - 1) / 2 * 2);
	assert_int_equal(f.len, strlen(f.text));
	assert_int_equal(ui_field_type(&f, "é"), UI_KB_NONE);
	ui_field_set(&f, "a\x01\x7f\xff\xc3" "b\n");
	assert_string_equal(f.text, "ab");
	assert_true(ui_field_blank(&(struct ui_field){ .text = "   ", .len = 3 }));
}

static void test_ui_visitor__short_names(void **unused)
{
	char out[UI_NAME_MAX];

	(void)unused;
	ui_visitor_short_name("Camille Martin", out, sizeof(out));
	assert_string_equal(out, "Camille M.");
	ui_visitor_short_name("Léa", out, sizeof(out));
	assert_string_equal(out, "Léa");
	ui_visitor_short_name("  Élodie   Ézard ", out, sizeof(out));
	assert_string_equal(out, "Élodie É.");
	ui_visitor_short_name("Malo Le Gall", out, sizeof(out));
	assert_string_equal(out, "Malo L.");
	ui_visitor_short_name("Camille Martin", out, 5);
	assert_string_equal(out, "Cami");
}

static void test_ui_visitor__touch_targets_are_large_enough(void **unused)
{
	struct ui_rect targets[32];
	size_t n = 0;

	(void)unused;
	targets[n++] = UI_VISITOR_BACK;
	targets[n++] = UI_VISITOR_CANCEL;
	targets[n++] = UI_VISITOR_FIELD;
	targets[n++] = UI_VISITOR_NEXT;
	targets[n++] = UI_VISITOR_HAVE_INVITE;
	targets[n++] = UI_VISITOR_PURPOSE_NEXT;
	targets[n++] = UI_VISITOR_ACCEPT;
	targets[n++] = UI_VISITOR_DECLINE;
	targets[n++] = UI_VISITOR_DONE_OK;
	targets[n++] = UI_VISITOR_PREV;
	targets[n++] = UI_VISITOR_MORE;
	targets[n++] = UI_VISITOR_LEAVE_YES;
	targets[n++] = UI_VISITOR_LEAVE_NO;
	for (int i = 0; i < UI_VISITOR_FOUND_MAX; i++) {
		targets[n++] = ui_visitor_row(i);
		/* the rows stay above the keyboard */
		assert_true(ui_visitor_row(i).y + ui_visitor_row(i).h <= UI_KB_AREA.y);
	}
	for (int i = 0; i < UI_PURPOSE_COUNT; i++)
		targets[n++] = ui_visitor_choice(i);
	for (int i = 0; i < UI_VISITOR_PAGE; i++) {
		targets[n++] = ui_visitor_list_row(i);
		assert_true(ui_visitor_list_row(i).y + ui_visitor_list_row(i).h <= UI_VISITOR_PREV.y);
	}
	for (size_t i = 0; i < n; i++) {
		assert_true(targets[i].w >= 56 && targets[i].h >= 56);
		assert_true(targets[i].x >= 0 && targets[i].x + targets[i].w <= UI_W);
		assert_true(targets[i].y >= 0 && targets[i].y + targets[i].h <= UI_H);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ui_visitor__every_step_to_the_welcome),
		cmocka_unit_test(test_ui_visitor__back_keeps_what_was_typed),
		cmocka_unit_test(test_ui_visitor__cancel_on_every_step),
		cmocka_unit_test(test_ui_visitor__decline_stores_nothing),
		cmocka_unit_test(test_ui_visitor__idle_wipes_the_form),
		cmocka_unit_test(test_ui_visitor__physical_keys),
		cmocka_unit_test(test_ui_visitor__invitation_by_code),
		cmocka_unit_test(test_ui_visitor__invitation_by_name),
		cmocka_unit_test(test_ui_visitor__a_failed_checkin_says_so),
		cmocka_unit_test(test_ui_visitor__checkout_pages_confirm_goodbye),
		cmocka_unit_test(test_ui_visitor__keyboard_layers_shift_and_utf8),
		cmocka_unit_test(test_ui_visitor__short_names),
		cmocka_unit_test(test_ui_visitor__touch_targets_are_large_enough),
	};

	return cmocka_run_group_tests_name("ui_visitor", tests, NULL, NULL);
}
