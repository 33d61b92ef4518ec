/*
 * test_ui_state.c - the screens' state machine with virtual time: taps on
 * home, the language switch, badge results and their way back home, the
 * debounce of a tap sent twice, the refusal kinds of each reason.
 */
#include "ui_state.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct ui_actions step(struct ui_state *s, struct ui_event ev, int64_t now)
{
	struct ui_actions act;

	ui_step(s, &ev, now, &act);
	return act;
}

static struct ui_event tap_at(const struct ui_rect *r)
{
	return (struct ui_event){ .kind = UI_EV_TAP, .x = r->x + r->w / 2, .y = r->y + r->h / 2 };
}

static struct ui_event granted_badge(void)
{
	struct ui_event ev = { .kind = UI_EV_BADGE };
	struct access_decision d;

	memset(&d, 0, sizeof(d));
	d.granted = true;
	d.reason = ACCESS_GRANTED;
	strcpy(d.person_name, "Camille Martin");
	strcpy(d.tenant_name, "Scop BTP");
	ui_badge_from_decision(&d, &ev.badge);
	return ev;
}

static void test_ui_state__starts_home_in_french(void **unused)
{
	struct ui_state s;

	(void)unused;
	ui_state_init(&s);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	assert_int_equal(s.lang, UI_LANG_FR);
}

static void test_ui_state__language_switch_by_tap(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	act = step(&s, tap_at(&UI_HOME_LANG_EN), 1000);
	assert_int_equal(s.lang, UI_LANG_EN);
	assert_true(act.lang_changed);
	assert_true(act.redraw);
	/* the same language again changes nothing */
	act = step(&s, tap_at(&UI_HOME_LANG_EN), 5000);
	assert_false(act.lang_changed);
	act = step(&s, tap_at(&UI_HOME_LANG_FR), 9000);
	assert_int_equal(s.lang, UI_LANG_FR);
	assert_true(act.lang_changed);
}

static void test_ui_state__granted_badge_then_home_by_itself(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	act = step(&s, granted_badge(), 10000);
	assert_int_equal(s.screen, UI_SCREEN_RESULT);
	assert_true(s.badge.granted);
	assert_string_equal(s.badge.first_name, "Camille");
	assert_string_equal(s.badge.organisation, "Scop BTP");
	assert_int_equal(act.next_deadline, 10000 + UI_RESULT_MS);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK }, 10000 + UI_RESULT_MS - 1);
	assert_int_equal(s.screen, UI_SCREEN_RESULT);
	assert_false(act.redraw);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK }, 10000 + UI_RESULT_MS);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	assert_true(act.redraw);
	assert_int_equal(act.next_deadline, 0);
}

static void test_ui_state__back_button_and_escape(void **unused)
{
	struct ui_state s;

	(void)unused;
	ui_state_init(&s);
	step(&s, granted_badge(), 0);
	step(&s, tap_at(&UI_RESULT_OK), 500);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	step(&s, granted_badge(), 1000);
	step(&s, (struct ui_event){ .kind = UI_EV_KEY, .key = "escape" }, 1200);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
}

static void test_ui_state__a_tap_sent_twice_counts_once(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	step(&s, tap_at(&UI_HOME_LANG_EN), 1000);
	/* a touch panel's tap and its emulated click, at once: one tap */
	step(&s, tap_at(&UI_HOME_LANG_FR), 1100);
	assert_int_equal(s.lang, UI_LANG_FR); /* another place: another tap */
	act = step(&s, tap_at(&UI_HOME_LANG_FR), 1150);
	assert_false(act.redraw);
	/* the same place within the debounce is the same tap; after it, a new one */
	act = step(&s, tap_at(&UI_HOME_LANG_EN), 2000);
	assert_int_equal(s.lang, UI_LANG_EN);
	act = step(&s, tap_at(&UI_HOME_LANG_FR), 2010);
	act = step(&s, tap_at(&UI_HOME_LANG_EN), 2020);
	assert_int_equal(s.lang, UI_LANG_EN);
	act = step(&s, tap_at(&UI_HOME_VISITOR), 3000);
	assert_int_equal(s.screen, UI_SCREEN_CHECKIN);
}

static void test_ui_state__forms_go_home_when_left_alone(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	act = step(&s, tap_at(&UI_HOME_VISITOR), 100);
	assert_int_equal(s.screen, UI_SCREEN_CHECKIN);
	assert_int_equal(act.next_deadline, 100 + UI_IDLE_MS);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, 100 + UI_IDLE_MS - 1);
	assert_int_equal(s.screen, UI_SCREEN_CHECKIN);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 600 }, 100 + UI_IDLE_MS);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	assert_true(act.redraw);
	act = step(&s, tap_at(&UI_HOME_LEAVING), 200000);
	assert_int_equal(s.screen, UI_SCREEN_CHECKOUT);
}

static void test_ui_state__attract_at_night_only(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	/* day: home stays */
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 14 * 60 }, UI_ATTRACT_MS + 1);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	/* night, home left alone: attract */
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 23 * 60 }, UI_ATTRACT_MS + 2);
	assert_int_equal(s.screen, UI_SCREEN_ATTRACT);
	assert_true(act.redraw);
	/* a touch wakes it, and does nothing else (the visitor button is not pressed) */
	act = step(&s, tap_at(&UI_HOME_VISITOR), UI_ATTRACT_MS + 10);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
	/* a badge at night is answered at once */
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 23 * 60 + 30 }, 2 * UI_ATTRACT_MS + 20);
	assert_int_equal(s.screen, UI_SCREEN_ATTRACT);
	act = step(&s, granted_badge(), 2 * UI_ATTRACT_MS + 30);
	assert_int_equal(s.screen, UI_SCREEN_RESULT);
	/* morning: attract ends by itself */
	ui_state_init(&s);
	step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 2 * 60 }, UI_ATTRACT_MS + 1);
	assert_int_equal(s.screen, UI_SCREEN_ATTRACT);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TICK, .minute_of_day = 7 * 60 }, UI_ATTRACT_MS + 60000);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
}

static void test_ui_state__taps_outside_targets_do_nothing(void **unused)
{
	struct ui_state s;
	struct ui_actions act;

	(void)unused;
	ui_state_init(&s);
	act = step(&s, (struct ui_event){ .kind = UI_EV_TAP, .x = 5, .y = 790 }, 0);
	assert_false(act.redraw);
	assert_int_equal(s.screen, UI_SCREEN_HOME);
}

static void test_ui_state__every_refusal_has_a_kind(void **unused)
{
	struct access_decision d;
	struct ui_badge b;

	(void)unused;
	for (int r = ACCESS_UNKNOWN_CREDENTIAL; r < ACCESS_REASON_COUNT; r++) {
		memset(&d, 0, sizeof(d));
		d.reason = (enum access_reason)r;
		ui_badge_from_decision(&d, &b);
		assert_false(b.granted);
		assert_int_not_equal(b.refusal, UI_REFUSAL_NONE);
	}
	memset(&d, 0, sizeof(d));
	d.reason = ACCESS_CREDENTIAL_LOST;
	ui_badge_from_decision(&d, &b);
	assert_int_equal(b.refusal, UI_REFUSAL_BLOCKED);
	d.reason = ACCESS_LOCKDOWN;
	ui_badge_from_decision(&d, &b);
	assert_int_equal(b.refusal, UI_REFUSAL_LOCKDOWN);
	ui_badge_fault(&b);
	assert_int_equal(b.refusal, UI_REFUSAL_FAULT);
}

static void test_ui_state__touch_targets_are_large_enough(void **unused)
{
	const struct ui_rect *targets[] = { &UI_HOME_VISITOR, &UI_HOME_LANG_FR, &UI_HOME_LANG_EN, &UI_RESULT_OK };

	(void)unused;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		assert_true(targets[i]->w >= 56 && targets[i]->h >= 56);
		assert_true(targets[i]->x >= 0 && targets[i]->x + targets[i]->w <= UI_W);
		assert_true(targets[i]->y >= 0 && targets[i]->y + targets[i]->h <= UI_H);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ui_state__starts_home_in_french),
		cmocka_unit_test(test_ui_state__language_switch_by_tap),
		cmocka_unit_test(test_ui_state__granted_badge_then_home_by_itself),
		cmocka_unit_test(test_ui_state__back_button_and_escape),
		cmocka_unit_test(test_ui_state__a_tap_sent_twice_counts_once),
		cmocka_unit_test(test_ui_state__forms_go_home_when_left_alone),
		cmocka_unit_test(test_ui_state__attract_at_night_only),
		cmocka_unit_test(test_ui_state__taps_outside_targets_do_nothing),
		cmocka_unit_test(test_ui_state__every_refusal_has_a_kind),
		cmocka_unit_test(test_ui_state__touch_targets_are_large_enough),
	};

	return cmocka_run_group_tests_name("ui_state", tests, NULL, NULL);
}
