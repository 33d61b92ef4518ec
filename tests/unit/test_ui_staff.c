/*
 * test_ui_staff.c - staff mode's pure state machine with fake services and
 * virtual time: from the staff badge to the PIN pad, wrong PINs and the
 * lockout, the menu's actions (unlock for N minutes, lockdown, enrolment
 * with a captured card, the evacuation list pages, sync status), the ways
 * out (leave, escape, idle), the PIN wiped, and touch targets of 56 px.
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
	struct ui_staff_pin pin;      /* what pin_status answers */
	char right_pin[16];
	int tries;                    /* wrong PINs left */
	int checks;
	char last_pin[16];
	int unlocked_minutes, unlocks;
	char unlock_by[64];
	int lockdowns;
	bool lockdown;
	char last_query[64];
	int searches;
	enum ui_staff_enroll_kind enroll_answer;
	char enrolled_person[64], enrolled_card[32];
	int enrolls;
	long people, visitors;
	int inside_calls;
	bool door_held;
};

static bool f_pin_status(void *ctx, const char *person, struct ui_staff_pin *out)
{
	struct fake *f = ctx;

	(void)person;
	*out = f->pin;
	return true;
}

static bool f_pin_check(void *ctx, const char *person, const char *pin, struct ui_staff_pin *out)
{
	struct fake *f = ctx;

	(void)person;
	f->checks++;
	snprintf(f->last_pin, sizeof(f->last_pin), "%s", pin);
	memset(out, 0, sizeof(*out));
	if (strcmp(pin, f->right_pin) == 0) {
		f->tries = 5;
		out->kind = UI_STAFF_PIN_READY;
		out->tries_left = 5;
		return true;
	}
	if (--f->tries <= 0) {
		out->kind = UI_STAFF_PIN_LOCKED;
		out->locked_ms = 60000;
		snprintf(out->until, sizeof(out->until), "10:01");
		f->pin = *out;
	} else {
		out->kind = UI_STAFF_PIN_READY;
		out->tries_left = f->tries;
	}
	return false;
}

static void f_door(void *ctx, struct ui_staff_door *out)
{
	struct fake *f = ctx;

	memset(out, 0, sizeof(*out));
	out->released = f->door_held;
	out->held = f->door_held;
	out->has_contact = true;
	out->lockdown = f->lockdown;
}

static bool f_unlock(void *ctx, const char *by, int minutes)
{
	struct fake *f = ctx;

	f->unlocks++;
	f->unlocked_minutes = minutes;
	f->door_held = minutes > 0;
	snprintf(f->unlock_by, sizeof(f->unlock_by), "%s", by);
	return true;
}

static bool f_lockdown(void *ctx, const char *by, bool on)
{
	struct fake *f = ctx;

	(void)by;
	f->lockdowns++;
	f->lockdown = on;
	return true;
}

static size_t f_find(void *ctx, const char *query, struct ui_staff_person *out, size_t max, size_t *total)
{
	struct fake *f = ctx;

	f->searches++;
	snprintf(f->last_query, sizeof(f->last_query), "%s", query);
	*total = 0;
	if (strncmp(query, "cam", 3) != 0 || max < 1)
		return 0;
	memset(out, 0, sizeof(*out));
	strcpy(out[0].id, "p-camille");
	strcpy(out[0].name, "Camille Martin");
	strcpy(out[0].organisation, "Scop BTP");
	*total = 1;
	return 1;
}

static enum ui_staff_enroll_kind f_enroll(void *ctx, const char *by, const char *person, const char *card,
					  char *holder, size_t holder_len)
{
	struct fake *f = ctx;

	(void)by;
	f->enrolls++;
	snprintf(f->enrolled_person, sizeof(f->enrolled_person), "%s", person);
	snprintf(f->enrolled_card, sizeof(f->enrolled_card), "%s", card);
	if (f->enroll_answer == UI_STAFF_ENROLL_HELD)
		snprintf(holder, holder_len, "Léa M.");
	return f->enroll_answer;
}

static bool f_inside(void *ctx, int offset, struct ui_staff_inside *out)
{
	struct fake *f = ctx;
	long total = f->people + f->visitors;

	f->inside_calls++;
	memset(out, 0, sizeof(*out));
	out->people = f->people;
	out->visitors = f->visitors;
	for (long i = offset; i < total && out->n < UI_STAFF_ROWS; i++) {
		struct ui_staff_row *r = &out->rows[out->n++];
		r->visitor = i >= f->people;
		snprintf(r->name, sizeof(r->name), "Person %ld", i);
	}
	return true;
}

static bool f_sync(void *ctx, struct ui_staff_sync *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->outbox = 3;
	out->data_age_ms = 120000;
	strcpy(out->last_success, "09:58");
	return true;
}

struct rig {
	struct fake f;
	struct ui_staff_services svc;
	struct ui_state s;
};

static void rig_init(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	r->f.pin.kind = UI_STAFF_PIN_READY;
	r->f.pin.tries_left = 5;
	r->f.tries = 5;
	strcpy(r->f.right_pin, "2468");
	r->svc = (struct ui_staff_services){ .ctx = &r->f,
					     .pin_status = f_pin_status,
					     .pin_check = f_pin_check,
					     .door_status = f_door,
					     .unlock_for = f_unlock,
					     .set_lockdown = f_lockdown,
					     .find_people = f_find,
					     .enroll = f_enroll,
					     .inside = f_inside,
					     .sync_status = f_sync };
	ui_state_init(&r->s);
	r->s.staff_svc = &r->svc;
}

/* ---- driving the state machine ---- */

static int64_t now = 100000;

static struct ui_actions step(struct ui_state *s, struct ui_event ev)
{
	struct ui_actions act;

	now += 1000; /* past the tap debounce */
	ui_step(s, &ev, now, &act);
	return act;
}

static void tap_rect(struct ui_state *s, struct ui_rect r)
{
	step(s, (struct ui_event){ .kind = UI_EV_TAP, .x = r.x + r.w / 2, .y = r.y + r.h / 2 });
}

static void type(struct ui_state *s, const char *text)
{
	step(s, (struct ui_event){ .kind = UI_EV_TEXT, .text = text });
}

static void key(struct ui_state *s, const char *name)
{
	step(s, (struct ui_event){ .kind = UI_EV_KEY, .key = name });
}

/* the staff member badges (a granted decision of a staff holder) and taps "Staff mode" */
static void badge_staff(struct rig *r)
{
	struct ui_event ev = { .kind = UI_EV_BADGE };
	struct access_decision d;

	memset(&d, 0, sizeof(d));
	d.granted = true;
	d.reason = ACCESS_GRANTED;
	d.staff = true;
	strcpy(d.person, "p-sacha");
	strcpy(d.person_name, "Sacha Petit");
	strcpy(d.tenant, "pole");
	ui_badge_from_decision(&d, &ev.badge);
	step(&r->s, ev);
	assert_int_equal(r->s.screen, UI_SCREEN_RESULT);
	tap_rect(&r->s, UI_RESULT_STAFF);
	assert_int_equal(r->s.screen, UI_SCREEN_STAFF);
}

static void pin_keys(struct ui_state *s, const char *digits)
{
	for (const char *p = digits; *p; p++)
		tap_rect(s, ui_staff_pin_key(*p == '0' ? 10 : *p - '1'));
}

static void tap_ok(struct ui_state *s)
{
	tap_rect(s, ui_staff_pin_key(11));
}

static void open_menu(struct rig *r)
{
	badge_staff(r);
	pin_keys(&r->s, r->f.right_pin);
	tap_ok(&r->s);
	assert_int_equal(r->s.staff.step, UI_STAFF_MENU);
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* ---- cases ---- */

static void test_ui_staff__badge_then_pin_opens_the_menu(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	badge_staff(&r);
	assert_int_equal(r.s.staff.step, UI_STAFF_PIN);
	assert_string_equal(r.s.staff.person, "p-sacha");
	assert_string_equal(r.s.staff.first_name, "Sacha");
	pin_keys(&r.s, "2468");
	assert_int_equal(r.s.staff.pin_len, 4);
	tap_ok(&r.s);
	assert_int_equal(r.f.checks, 1);
	assert_string_equal(r.f.last_pin, "2468");
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
	/* the PIN is gone from memory once checked */
	assert_int_equal(r.s.staff.pin_len, 0);
	assert_true(all_zero(r.s.staff.pin, sizeof(r.s.staff.pin)));
}

static void test_ui_staff__clear_key_and_length_limits(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	badge_staff(&r);
	pin_keys(&r.s, "123");
	tap_rect(&r.s, ui_staff_pin_key(9)); /* clear: one digit */
	assert_int_equal(r.s.staff.pin_len, 2);
	tap_ok(&r.s);
	/* too short: not checked, not counted */
	assert_int_equal(r.f.checks, 0);
	assert_true(r.s.staff.pin_short);
	pin_keys(&r.s, "1234567890");
	assert_int_equal(r.s.staff.pin_len, UI_STAFF_PIN_MAX);
	assert_false(r.s.staff.pin_short);
}

static void test_ui_staff__physical_keyboard_types_the_pin(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	badge_staff(&r);
	type(&r.s, "24x6");
	assert_string_equal(r.s.staff.pin, "246");
	key(&r.s, "backspace");
	type(&r.s, "68");
	key(&r.s, "enter");
	assert_string_equal(r.f.last_pin, "2468");
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
}

static void test_ui_staff__wrong_pins_count_down_then_lock(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	badge_staff(&r);
	for (int i = 1; i <= 4; i++) {
		pin_keys(&r.s, "1111");
		tap_ok(&r.s);
		assert_int_equal(r.s.staff.step, UI_STAFF_PIN);
		assert_true(r.s.staff.pin_wrong);
		assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_READY);
		assert_int_equal(r.s.staff.pin_state.tries_left, 5 - i);
		assert_true(all_zero(r.s.staff.pin, sizeof(r.s.staff.pin)));
	}
	pin_keys(&r.s, "1111");
	tap_ok(&r.s);
	assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_LOCKED);
	assert_string_equal(r.s.staff.pin_state.until, "10:01");
	/* locked: the pad is gone, even the right PIN is not tried */
	pin_keys(&r.s, "2468");
	tap_ok(&r.s);
	type(&r.s, "2468");
	key(&r.s, "enter");
	assert_int_equal(r.f.checks, 5);
	assert_int_equal(r.s.staff.step, UI_STAFF_PIN);
	/* leaving and badging again still finds it locked (the services remember) */
	tap_rect(&r.s, UI_STAFF_LEAVE);
	assert_int_equal(r.s.screen, UI_SCREEN_HOME);
	badge_staff(&r);
	assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_LOCKED);
	/* once the services say it is over, "try again" brings the pad back */
	r.f.pin = (struct ui_staff_pin){ .kind = UI_STAFF_PIN_READY, .tries_left = 5 };
	tap_rect(&r.s, UI_STAFF_RETRY);
	assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_READY);
}

static void test_ui_staff__no_pin_set_says_ask_the_office(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	r.f.pin.kind = UI_STAFF_PIN_UNSET;
	badge_staff(&r);
	assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_UNSET);
	pin_keys(&r.s, "2468");
	tap_ok(&r.s);
	assert_int_equal(r.f.checks, 0);
	assert_int_equal(r.s.staff.pin_len, 0);
}

static void test_ui_staff__without_services_it_says_unavailable(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	r.s.staff_svc = NULL;
	badge_staff(&r);
	assert_int_equal(r.s.staff.pin_state.kind, UI_STAFF_PIN_FAULT);
	tap_rect(&r.s, UI_STAFF_LEAVE);
	assert_int_equal(r.s.screen, UI_SCREEN_HOME);
}

static void test_ui_staff__unlock_for_minutes_and_lock_now(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_UNLOCK));
	assert_int_equal(r.s.staff.step, UI_STAFF_UNLOCK);
	tap_rect(&r.s, UI_STAFF_UNLOCK_BTN[1]);
	assert_int_equal(r.f.unlocked_minutes, 15);
	assert_string_equal(r.f.unlock_by, "p-sacha");
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
	assert_int_equal(r.s.staff.notice, UI_STAFF_N_UNLOCKED);
	assert_int_equal(r.s.staff.notice_minutes, 15);
	assert_true(r.s.staff.door.held);
	/* while held, the menu offers to lock at once */
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_LOCK_NOW));
	assert_int_equal(r.f.unlocks, 2);
	assert_int_equal(r.f.unlocked_minutes, 0);
	assert_int_equal(r.s.staff.notice, UI_STAFF_N_LOCKED);
	assert_false(r.s.staff.door.held);
	/* not held: that place does nothing */
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_LOCK_NOW));
	assert_int_equal(r.f.unlocks, 2);
}

static void test_ui_staff__lockdown_on_then_off_with_confirmation(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_LOCKDOWN));
	assert_int_equal(r.s.staff.step, UI_STAFF_LOCKDOWN);
	tap_rect(&r.s, UI_STAFF_CANCEL);
	assert_int_equal(r.f.lockdowns, 0);
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_LOCKDOWN));
	tap_rect(&r.s, UI_STAFF_CONFIRM);
	assert_true(r.f.lockdown);
	assert_true(r.s.staff.door.lockdown);
	assert_int_equal(r.s.staff.notice, UI_STAFF_N_LOCKDOWN_ON);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_LOCKDOWN));
	tap_rect(&r.s, UI_STAFF_CONFIRM);
	assert_false(r.f.lockdown);
	assert_int_equal(r.s.staff.notice, UI_STAFF_N_LOCKDOWN_OFF);
}

static void test_ui_staff__enroll_by_search_then_card(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_ENROLL));
	assert_int_equal(r.s.staff.step, UI_STAFF_FIND);
	assert_false(ui_staff_wants_card(&r.s));
	type(&r.s, "ca");
	assert_int_equal(r.s.staff.nfound, 0);
	type(&r.s, "m");
	assert_string_equal(r.f.last_query, "cam");
	assert_int_equal(r.s.staff.nfound, 1);
	tap_rect(&r.s, ui_staff_found_row(0));
	assert_int_equal(r.s.staff.step, UI_STAFF_CARD);
	assert_string_equal(r.s.staff.target.id, "p-camille");
	assert_true(ui_staff_wants_card(&r.s));
	step(&r.s, (struct ui_event){ .kind = UI_EV_CARD, .card = "04AABBCCDDEEFF" });
	assert_int_equal(r.f.enrolls, 1);
	assert_string_equal(r.f.enrolled_person, "p-camille");
	assert_string_equal(r.f.enrolled_card, "04AABBCCDDEEFF");
	assert_int_equal(r.s.staff.step, UI_STAFF_ENROLLED);
	assert_int_equal(r.s.staff.enrolled, UI_STAFF_ENROLL_OK);
	assert_false(ui_staff_wants_card(&r.s));
	/* a card when none is wanted is ignored */
	step(&r.s, (struct ui_event){ .kind = UI_EV_CARD, .card = "04AABBCCDDEEFF" });
	assert_int_equal(r.f.enrolls, 1);
	tap_rect(&r.s, UI_STAFF_AGAIN);
	assert_int_equal(r.s.staff.step, UI_STAFF_FIND);
	assert_int_equal(r.s.staff.query.len, 0);
}

static void test_ui_staff__enroll_refuses_someone_elses_card(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	r.f.enroll_answer = UI_STAFF_ENROLL_HELD;
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_ENROLL));
	type(&r.s, "cam");
	key(&r.s, "enter"); /* one match: enter picks it */
	assert_int_equal(r.s.staff.step, UI_STAFF_CARD);
	step(&r.s, (struct ui_event){ .kind = UI_EV_CARD, .card = "8E3F21A7" });
	assert_int_equal(r.s.staff.enrolled, UI_STAFF_ENROLL_HELD);
	assert_string_equal(r.s.staff.holder, "Léa M.");
	tap_rect(&r.s, UI_STAFF_TO_MENU);
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
}

static void test_ui_staff__card_wait_can_be_cancelled(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_ENROLL));
	type(&r.s, "cam");
	tap_rect(&r.s, ui_staff_found_row(0));
	assert_true(ui_staff_wants_card(&r.s));
	tap_rect(&r.s, UI_STAFF_CARD_CANCEL);
	assert_false(ui_staff_wants_card(&r.s));
	assert_int_equal(r.s.staff.step, UI_STAFF_FIND);
	/* the search is kept; backspace edits it */
	key(&r.s, "backspace");
	assert_string_equal(r.s.staff.query.text, "ca");
	assert_int_equal(r.f.enrolls, 0);
}

static void test_ui_staff__search_by_on_screen_keyboard(void **unused)
{
	struct rig r;
	struct ui_kb_key keys[128];
	size_t n;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_ENROLL));
	n = ui_keyboard_keys(&r.s.staff.kb, keys, 128);
	for (size_t i = 0; i < n; i++) {
		if (keys[i].kind == UI_KB_K_CHAR && keys[i].insert != NULL && strcmp(keys[i].insert, "c") == 0) {
			tap_rect(&r.s, keys[i].r);
			assert_string_equal(r.s.staff.query.text, "c");
			assert_string_equal(r.f.last_query, "c");
			return;
		}
	}
	/* no layout yet: the physical keyboard path is tested above */
}

static void test_ui_staff__evacuation_list_pages(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	r.f.people = 11;
	r.f.visitors = 3;
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_INSIDE));
	assert_int_equal(r.s.staff.step, UI_STAFF_INSIDE);
	assert_true(r.s.staff.inside_ok);
	assert_int_equal(r.s.staff.inside.people, 11);
	assert_int_equal(r.s.staff.inside.visitors, 3);
	assert_int_equal(r.s.staff.inside.n, UI_STAFF_ROWS);
	tap_rect(&r.s, UI_STAFF_PREV); /* first page: nothing before */
	assert_int_equal(r.s.staff.inside.offset, 0);
	tap_rect(&r.s, UI_STAFF_NEXT);
	assert_int_equal(r.s.staff.inside.offset, 6);
	tap_rect(&r.s, UI_STAFF_NEXT);
	assert_int_equal(r.s.staff.inside.offset, 12);
	assert_int_equal(r.s.staff.inside.n, 2);
	assert_true(r.s.staff.inside.rows[1].visitor);
	tap_rect(&r.s, UI_STAFF_NEXT); /* last page */
	assert_int_equal(r.s.staff.inside.offset, 12);
	tap_rect(&r.s, UI_STAFF_PREV);
	assert_int_equal(r.s.staff.inside.offset, 6);
	key(&r.s, "escape");
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
	assert_int_equal(r.s.screen, UI_SCREEN_STAFF);
}

static void test_ui_staff__sync_status(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_SYNC));
	assert_int_equal(r.s.staff.step, UI_STAFF_SYNC);
	assert_true(r.s.staff.sync_ok);
	assert_int_equal(r.s.staff.sync.outbox, 3);
	tap_rect(&r.s, UI_STAFF_BACK);
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
}

static void test_ui_staff__leave_from_every_step_goes_home_wiped(void **unused)
{
	static const enum ui_staff_menu_item items[] = { UI_STAFF_M_UNLOCK, UI_STAFF_M_LOCKDOWN, UI_STAFF_M_ENROLL,
							 UI_STAFF_M_INSIDE, UI_STAFF_M_SYNC };
	struct rig r;

	(void)unused;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		rig_init(&r);
		open_menu(&r);
		tap_rect(&r.s, ui_staff_menu_button(items[i]));
		assert_int_not_equal(r.s.staff.step, UI_STAFF_MENU);
		tap_rect(&r.s, UI_STAFF_LEAVE);
		assert_int_equal(r.s.screen, UI_SCREEN_HOME);
		assert_true(all_zero(&r.s.staff, sizeof(r.s.staff)));
	}
	/* and from the PIN pad, with digits typed */
	rig_init(&r);
	badge_staff(&r);
	pin_keys(&r.s, "24");
	tap_rect(&r.s, UI_STAFF_LEAVE);
	assert_int_equal(r.s.screen, UI_SCREEN_HOME);
	assert_true(all_zero(&r.s.staff, sizeof(r.s.staff)));
}

static void test_ui_staff__escape_goes_back_then_out(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_UNLOCK));
	key(&r.s, "escape");
	assert_int_equal(r.s.staff.step, UI_STAFF_MENU);
	key(&r.s, "escape");
	assert_int_equal(r.s.screen, UI_SCREEN_HOME);
}

static void test_ui_staff__idle_ends_staff_mode(void **unused)
{
	struct rig r;
	struct ui_actions act;
	struct ui_event tick = { .kind = UI_EV_TICK, .minute_of_day = 600 };

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	tap_rect(&r.s, ui_staff_menu_button(UI_STAFF_M_ENROLL));
	type(&r.s, "cam");
	ui_step(&r.s, &tick, now + UI_IDLE_MS - 10, &act);
	assert_int_equal(r.s.screen, UI_SCREEN_STAFF);
	ui_step(&r.s, &tick, now + UI_IDLE_MS, &act);
	assert_int_equal(r.s.screen, UI_SCREEN_HOME);
	assert_true(all_zero(&r.s.staff, sizeof(r.s.staff)));
	assert_false(ui_staff_wants_card(&r.s));
}

static void test_ui_staff__a_badge_during_staff_mode_is_answered(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	badge_staff(&r); /* the badge result, then staff mode again: the PIN again */
	assert_int_equal(r.s.staff.step, UI_STAFF_PIN);
}

/* ticks refresh the door on the menu; without ticks there is no deadline to spin on */
static void test_ui_staff__deadlines_only_with_ticks(void **unused)
{
	struct rig r;
	struct ui_actions act;
	struct ui_event tick = { .kind = UI_EV_TICK, .minute_of_day = 600 };

	(void)unused;
	rig_init(&r);
	open_menu(&r);
	assert_int_equal(ui_staff_deadline(&r.s), 0);
	ui_staff_event(&r.s, &tick, now, &act);
	assert_int_equal(ui_staff_deadline(&r.s), r.s.staff.refresh_at);
	r.f.door_held = true;
	memset(&act, 0, sizeof(act));
	ui_staff_event(&r.s, &tick, r.s.staff.refresh_at, &act);
	assert_true(act.redraw);
	assert_true(r.s.staff.door.held);
	assert_true(ui_staff_deadline(&r.s) > now);
}

static void assert_target(struct ui_rect r)
{
	assert_true(r.w >= 56);
	assert_true(r.h >= 56);
	assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= UI_W && r.y + r.h <= UI_H);
}

static void test_ui_staff__touch_targets_are_56_px_at_least(void **unused)
{
	(void)unused;
	for (int i = 0; i < 12; i++)
		assert_target(ui_staff_pin_key(i));
	for (int i = 0; i < UI_STAFF_M_COUNT; i++)
		assert_target(ui_staff_menu_button((enum ui_staff_menu_item)i));
	for (int i = 0; i < UI_STAFF_FOUND; i++) {
		struct ui_rect row = ui_staff_found_row(i);
		assert_target(row);
		assert_true(row.y + row.h <= UI_KB_AREA.y); /* above the keyboard */
	}
	for (int i = 0; i < 3; i++)
		assert_target(UI_STAFF_UNLOCK_BTN[i]);
	assert_target(UI_STAFF_LEAVE);
	assert_target(UI_STAFF_BACK);
	assert_target(UI_STAFF_RETRY);
	assert_target(UI_STAFF_LOCK_NOW);
	assert_target(UI_STAFF_CONFIRM);
	assert_target(UI_STAFF_CANCEL);
	assert_target(UI_STAFF_CARD_CANCEL);
	assert_target(UI_STAFF_AGAIN);
	assert_target(UI_STAFF_TO_MENU);
	assert_target(UI_STAFF_PREV);
	assert_target(UI_STAFF_NEXT);
	assert_target(UI_STAFF_REFRESH);
	/* the leave button is never under another target */
	for (int i = 0; i < UI_STAFF_M_COUNT; i++) {
		struct ui_rect m = ui_staff_menu_button((enum ui_staff_menu_item)i);
		assert_true(m.y >= UI_STAFF_LEAVE.y + UI_STAFF_LEAVE.h);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(test_ui_staff__badge_then_pin_opens_the_menu),
		T(test_ui_staff__clear_key_and_length_limits),
		T(test_ui_staff__physical_keyboard_types_the_pin),
		T(test_ui_staff__wrong_pins_count_down_then_lock),
		T(test_ui_staff__no_pin_set_says_ask_the_office),
		T(test_ui_staff__without_services_it_says_unavailable),
		T(test_ui_staff__unlock_for_minutes_and_lock_now),
		T(test_ui_staff__lockdown_on_then_off_with_confirmation),
		T(test_ui_staff__enroll_by_search_then_card),
		T(test_ui_staff__enroll_refuses_someone_elses_card),
		T(test_ui_staff__card_wait_can_be_cancelled),
		T(test_ui_staff__search_by_on_screen_keyboard),
		T(test_ui_staff__evacuation_list_pages),
		T(test_ui_staff__sync_status),
		T(test_ui_staff__leave_from_every_step_goes_home_wiped),
		T(test_ui_staff__escape_goes_back_then_out),
		T(test_ui_staff__idle_ends_staff_mode),
		T(test_ui_staff__a_badge_during_staff_mode_is_answered),
		T(test_ui_staff__deadlines_only_with_ticks),
		T(test_ui_staff__touch_targets_are_56_px_at_least),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
