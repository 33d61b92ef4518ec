/*
 * test_door.c - the door: every rule of the state machine (door_fsm.c)
 * driven with virtual time, the sim backend end to end in a temporary
 * directory (log lines, control socket, close, door_backend_safe), its
 * control-line parser, and the gpiod backend: its refusals through the
 * real libgpiod (no chip exists here), its work against a fake chip that
 * this file puts in place of libgpiod's calls (see "fake chip" below).
 * Each backend test checks that no file descriptor is left open.  Last, what
 * the door loop writes to the store while another process holds its write
 * lock: the journal queue and the office's requests (journal.h, requests.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "door.h"
#include "door_sim.h"
#include "err.h"
#include "journal.h"
#include "requests.h"
#include "store.h"
#include "test_util.h"

/* ---- state machine helpers ---- */

struct door {
	struct door_config cfg;
	struct door_state s;
	struct door_actions a;
};

static void door_setup(struct door *d)
{
	door_config_defaults(&d->cfg);
	door_init(&d->s);
	memset(&d->a, 0, sizeof(d->a));
}

static const struct door_actions *step(struct door *d, enum door_input_kind kind, bool active, unsigned ms,
				       int64_t now)
{
	struct door_input in = { .kind = kind, .active = active, .ms = ms };

	door_step(&d->s, &d->cfg, &in, now, &d->a);
	/* invariants of every step */
	assert_true(d->a.next_deadline == 0 || d->a.next_deadline > now);
	assert_int_equal(d->a.released, d->s.released);
	assert_int_equal(d->a.led, d->s.led);
	assert_int_equal(d->a.alarms_raised & d->a.alarms_cleared, 0);
	return &d->a;
}

static const struct door_actions *tick(struct door *d, int64_t now)
{
	return step(d, DOOR_IN_TICK, false, 0, now);
}

/* Nothing changed in the last step. */
static void assert_quiet(const struct door_actions *a)
{
	assert_false(a->relay_changed);
	assert_false(a->led_changed);
	assert_int_equal(a->beep_ms, 0);
	assert_int_equal(a->alarms_raised, 0);
	assert_int_equal(a->alarms_cleared, 0);
}

/* ---- state machine ---- */

static void test_door__defaults_and_init(void **state)
{
	struct door d;

	(void)state;
	door_setup(&d);
	assert_int_equal(d.cfg.held_open_ms, 30000);
	assert_int_equal(d.cfg.rex_unlock_ms, 5000);
	assert_int_equal(d.cfg.beep_grant_ms, 100);
	assert_int_equal(d.cfg.beep_deny_ms, 800);
	assert_int_equal(d.cfg.led_ms, 2000);
	assert_true(d.cfg.has_contact);
	assert_false(d.s.released);
	assert_int_equal(d.s.led, DOOR_LED_OFF);
	assert_int_equal(d.s.alarms, 0);
	assert_quiet(tick(&d, 1000));
	assert_false(d.a.released);
	assert_int_equal(d.a.next_deadline, 0);
}

static void test_door__alarm_names(void **state)
{
	(void)state;
	assert_string_equal(door_alarm_name(DOOR_ALARM_FORCED), "forced_open");
	assert_string_equal(door_alarm_name(DOOR_ALARM_HELD), "held_open");
	assert_string_equal(door_alarm_name(DOOR_ALARM_TAMPER), "tamper");
	assert_string_equal(door_alarm_name(DOOR_ALARM_FIRE), "fire");
	assert_string_equal(door_alarm_name(DOOR_ALARM_NONE), "unknown");
	assert_string_equal(door_alarm_name((enum door_alarm)(DOOR_ALARM_FIRE | DOOR_ALARM_HELD)), "unknown");
}

static void test_door__grant_pulse_led_beep(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_true(a->released);
	assert_true(a->relay_changed);
	assert_int_equal(a->led, DOOR_LED_GREEN);
	assert_true(a->led_changed);
	assert_int_equal(a->beep_ms, 100);
	assert_int_equal(a->alarms_raised, 0);
	assert_int_equal(d.s.release_until, 6000);
	assert_int_equal(d.s.led_until, 3000);
	assert_int_equal(a->next_deadline, 3000); /* the LED goes out first */

	a = tick(&d, 3000);
	assert_true(a->led_changed);
	assert_int_equal(a->led, DOOR_LED_OFF);
	assert_false(a->relay_changed);
	assert_true(a->released);
	assert_int_equal(a->next_deadline, 6000);

	a = tick(&d, 6000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_false(a->led_changed);
	assert_int_equal(d.s.release_until, 0);
	assert_int_equal(a->next_deadline, 0);
}

static void test_door__tick_before_deadline_changes_nothing(void **state)
{
	struct door_state before;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	before = d.s;
	assert_quiet(tick(&d, 1001));
	assert_quiet(tick(&d, 2999));
	assert_true(d.a.released);
	assert_int_equal(d.a.next_deadline, 3000);
	assert_memory_equal(&before, &d.s, sizeof(before));
}

static void test_door__grant_extends_never_shortens(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 0 + 10);
	assert_int_equal(d.s.release_until, 5010);
	/* a shorter grant does not shorten the release */
	a = step(&d, DOOR_IN_GRANT, false, 1000, 1000);
	assert_false(a->relay_changed);
	assert_true(a->released);
	assert_int_equal(a->beep_ms, 100); /* every grant beeps */
	assert_false(a->led_changed);      /* still green */
	assert_int_equal(d.s.release_until, 5010);
	/* a longer one extends it */
	a = step(&d, DOOR_IN_GRANT, false, 10000, 2000);
	assert_int_equal(d.s.release_until, 12000);
	tick(&d, 5010);
	assert_false(d.a.relay_changed);
	assert_true(d.a.released);
	a = tick(&d, 12000);
	assert_true(a->relay_changed);
	assert_false(a->released);
}

static void test_door__deny_never_touches_strike(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_DENY, false, 0, 1000);
	assert_false(a->released);
	assert_false(a->relay_changed);
	assert_int_equal(a->led, DOOR_LED_RED);
	assert_true(a->led_changed);
	assert_int_equal(a->beep_ms, 800);
	assert_int_equal(a->next_deadline, 3000);
	a = tick(&d, 3000);
	assert_int_equal(a->led, DOOR_LED_OFF);
	assert_false(a->relay_changed);

	/* a refusal during a release leaves it running */
	step(&d, DOOR_IN_GRANT, false, 5000, 10000);
	a = step(&d, DOOR_IN_DENY, false, 0, 11000);
	assert_true(a->released);
	assert_false(a->relay_changed);
	assert_int_equal(a->led, DOOR_LED_RED);
	assert_true(a->led_changed);
	assert_int_equal(d.s.release_until, 15000);
	assert_int_equal(d.s.led_until, 13000);
	/* and a grant after a refusal turns the LED green */
	a = step(&d, DOOR_IN_GRANT, false, 5000, 12000);
	assert_int_equal(a->led, DOOR_LED_GREEN);
	assert_true(a->led_changed);
	assert_int_equal(d.s.led_until, 14000);
}

static void test_door__unlock_for_and_zero_ends(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_UNLOCK_FOR, false, 60000, 1000);
	assert_true(a->released);
	assert_true(a->relay_changed);
	assert_false(a->led_changed);
	assert_int_equal(a->beep_ms, 0);
	assert_int_equal(a->next_deadline, 61000);
	a = step(&d, DOOR_IN_UNLOCK_FOR, false, 0, 2000);
	assert_false(a->released);
	assert_true(a->relay_changed);
	assert_int_equal(a->next_deadline, 0);
	/* it runs out on its own too */
	step(&d, DOOR_IN_UNLOCK_FOR, false, 1000, 3000);
	assert_quiet(tick(&d, 3999));
	a = tick(&d, 4000);
	assert_true(a->relay_changed);
	assert_false(a->released);
}

static void test_door__unlock_zero_keeps_grant_pulse(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	d.cfg.led_ms = 0;
	step(&d, DOOR_IN_UNLOCK_FOR, false, 60000, 0 + 1);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_int_equal(d.s.release_until, 60001);
	a = step(&d, DOOR_IN_UNLOCK_FOR, false, 0, 2000);
	assert_true(a->released);
	assert_false(a->relay_changed);
	assert_int_equal(d.s.release_until, 6000);
	assert_int_equal(a->next_deadline, 6000);
	a = tick(&d, 6000);
	assert_true(a->relay_changed);
	assert_false(a->released);
}

static void test_door__relock_when_closed_after_opening(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 20000, 1000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 2000);
	assert_int_equal(a->alarms_raised, 0);
	assert_true(a->released);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 4000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_int_equal(d.s.release_until, 0);
	assert_true(a->led_changed); /* the green LED ran out at 3000 */
	assert_int_equal(a->next_deadline, 0);
	/* opening again now is forced */
	a = step(&d, DOOR_IN_CONTACT, true, 0, 5000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_FORCED);
}

static void test_door__relock_when_open_at_grant(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	/* held open by someone leaving (exit button), a badge is granted meanwhile */
	step(&d, DOOR_IN_REX, true, 0, 1000);
	step(&d, DOOR_IN_REX, false, 0, 1200);
	step(&d, DOOR_IN_CONTACT, true, 0, 1500);
	step(&d, DOOR_IN_GRANT, false, 20000, 2000);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 3000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_int_equal(a->alarms_raised | a->alarms_cleared, 0);
}

static void test_door__staff_unlock_not_ended_by_close(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_UNLOCK_FOR, false, 600000, 1000);
	step(&d, DOOR_IN_CONTACT, true, 0, 2000);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 3000);
	assert_true(a->released);
	assert_false(a->relay_changed);
	/* a grant pulse inside it ends on the close, the hold-open does not */
	step(&d, DOOR_IN_GRANT, false, 5000, 4000);
	step(&d, DOOR_IN_CONTACT, true, 0, 4500);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 5000);
	assert_true(a->released);
	assert_int_equal(d.s.pulse_until, 0);
	assert_int_equal(d.s.release_until, 601000);
}

static void test_door__forced_open(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 1000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_FORCED);
	assert_false(a->released);
	assert_false(a->relay_changed);
	assert_int_equal(d.s.opened_at, 1000);
	assert_int_equal(a->next_deadline, 31000);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 2000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_FORCED);
	assert_int_equal(a->alarms_raised, 0);
	assert_int_equal(d.s.alarms, 0);
	assert_int_equal(d.s.opened_at, 0);
	assert_int_equal(a->next_deadline, 0);
	/* a grant arriving after a forced opening does not clear it */
	step(&d, DOOR_IN_CONTACT, true, 0, 3000);
	a = step(&d, DOOR_IN_GRANT, false, 5000, 3100);
	assert_int_equal(a->alarms_cleared, 0);
	assert_int_equal(d.s.alarms, DOOR_ALARM_FORCED);
}

static void test_door__opening_at_release_end_is_forced(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 5999);
	assert_int_equal(a->alarms_raised, 0);
	step(&d, DOOR_IN_CONTACT, false, 0, 6500);
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	/* the release ran out at 6000 even if no tick came: opening then is forced */
	a = step(&d, DOOR_IN_CONTACT, true, 0, 6000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_FORCED);
}

static void test_door__rex_releases_without_forced(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_REX, true, 0, 1000);
	assert_true(a->released);
	assert_true(a->relay_changed);
	assert_false(a->led_changed);
	assert_int_equal(a->beep_ms, 0);
	assert_int_equal(d.s.release_until, 6000);
	step(&d, DOOR_IN_REX, false, 0, 1300);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 2000);
	assert_int_equal(a->alarms_raised, 0);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 4000);
	assert_true(a->relay_changed); /* closed after the opening: relocked */
	assert_false(a->released);
	assert_int_equal(d.s.alarms, 0);
}

static void test_door__rex_held_prevents_forced(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	d.cfg.rex_unlock_ms = 0; /* a panic bar: the button only says someone leaves */
	a = step(&d, DOOR_IN_REX, true, 0, 1000);
	assert_false(a->released);
	assert_false(a->relay_changed);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 1500);
	assert_int_equal(a->alarms_raised, 0);
	step(&d, DOOR_IN_CONTACT, false, 0, 2500);
	step(&d, DOOR_IN_REX, false, 0, 3000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 4000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_FORCED);
}

static void test_door__rex_repeated_press_does_not_extend(void **state)
{
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_REX, true, 0, 1000);
	assert_quiet(step(&d, DOOR_IN_REX, true, 0, 3000));
	assert_int_equal(d.s.release_until, 6000);
	step(&d, DOOR_IN_REX, false, 0, 3500);
	step(&d, DOOR_IN_REX, true, 0, 4000);
	assert_int_equal(d.s.release_until, 9000);
}

static void test_door__held_open(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	d.cfg.led_ms = 0;
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 2000);
	assert_int_equal(a->next_deadline, 6000);
	a = tick(&d, 6000); /* the pulse ends, the door is still open */
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_int_equal(a->alarms_raised, 0);
	assert_int_equal(a->next_deadline, 32000);
	assert_quiet(tick(&d, 31999));
	a = tick(&d, 32000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_HELD);
	assert_int_equal(a->next_deadline, 0);
	assert_quiet(tick(&d, 40000));
	a = step(&d, DOOR_IN_CONTACT, false, 0, 50000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_HELD);
	assert_false(a->relay_changed);
}

static void test_door__forced_then_held(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_CONTACT, true, 0, 1000);
	a = tick(&d, 31000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_HELD);
	assert_int_equal(d.s.alarms, DOOR_ALARM_FORCED | DOOR_ALARM_HELD);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 32000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_FORCED | DOOR_ALARM_HELD);
}

static void test_door__time_jump_past_several_deadlines(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	step(&d, DOOR_IN_CONTACT, true, 0, 1500);
	/* LED end (3000), pulse end (6000) and held-open (31500) in one step */
	a = tick(&d, 100000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_true(a->led_changed);
	assert_int_equal(a->led, DOOR_LED_OFF);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_HELD);
	assert_int_equal(a->next_deadline, 0);
	/* an input, not a tick, may be the one that comes late */
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	a = step(&d, DOOR_IN_DENY, false, 0, 50000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_true(a->led_changed); /* green went out at 3000, red lights now */
	assert_int_equal(a->led, DOOR_LED_RED);
	assert_int_equal(d.s.led_until, 52000);
}

static void test_door__fire_releases_and_holds(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_FIRE, true, 0, 1000);
	assert_true(a->released);
	assert_true(a->relay_changed);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_FIRE);
	assert_int_equal(a->next_deadline, 0);
	/* a grant pulse ending, openings and closings do not lock it */
	step(&d, DOOR_IN_GRANT, false, 5000, 2000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 3000);
	assert_int_equal(a->alarms_raised, 0);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 3500);
	assert_true(a->released);
	assert_false(a->relay_changed);
	step(&d, DOOR_IN_CONTACT, true, 0, 4000);
	a = tick(&d, 7000);
	assert_true(a->released);
	/* held open during a fire is expected: no held-open alarm */
	a = tick(&d, 100000);
	assert_int_equal(a->alarms_raised, 0);
	assert_int_equal(a->next_deadline, 0);
	step(&d, DOOR_IN_CONTACT, false, 0, 100500);
	assert_quiet(step(&d, DOOR_IN_FIRE, true, 0, 101000));
	a = step(&d, DOOR_IN_FIRE, false, 0, 102000);
	assert_true(a->relay_changed);
	assert_false(a->released);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_FIRE);
	assert_quiet(step(&d, DOOR_IN_FIRE, false, 0, 103000));
}

static void test_door__fire_end_keeps_running_release(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_FIRE, true, 0, 1000);
	step(&d, DOOR_IN_UNLOCK_FOR, false, 10000, 2000);
	a = step(&d, DOOR_IN_FIRE, false, 0, 3000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_FIRE);
	assert_true(a->released);
	assert_false(a->relay_changed);
	assert_int_equal(a->next_deadline, 12000);
	a = tick(&d, 12000);
	assert_true(a->relay_changed);
	assert_false(a->released);
}

static void test_door__held_after_staff_hold_open(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	step(&d, DOOR_IN_UNLOCK_FOR, false, 3600000, 1000);
	a = step(&d, DOOR_IN_CONTACT, true, 0, 2000); /* propped open for an event */
	assert_int_equal(a->next_deadline, 3601000);
	assert_quiet(tick(&d, 100000));
	/* the hold-open ends with the door still open long past its time */
	a = tick(&d, 3601000);
	assert_true(a->relay_changed);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_HELD);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 3602000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_HELD);
}

static void test_door__tamper(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	a = step(&d, DOOR_IN_TAMPER, true, 0, 1000);
	assert_int_equal(a->alarms_raised, DOOR_ALARM_TAMPER);
	assert_false(a->relay_changed);
	assert_false(a->released);
	assert_quiet(step(&d, DOOR_IN_TAMPER, true, 0, 1500));
	step(&d, DOOR_IN_GRANT, false, 5000, 2000);
	a = step(&d, DOOR_IN_TAMPER, false, 0, 3000);
	assert_int_equal(a->alarms_cleared, DOOR_ALARM_TAMPER);
	assert_false(a->relay_changed);
	assert_true(a->released);
	assert_quiet(step(&d, DOOR_IN_TAMPER, false, 0, 3500));
}

static void test_door__no_contact_ignores_contact(void **state)
{
	const struct door_actions *a;
	struct door d;

	(void)state;
	door_setup(&d);
	d.cfg.has_contact = false;
	a = step(&d, DOOR_IN_CONTACT, true, 0, 1000);
	assert_quiet(a);
	assert_false(d.s.contact_open);
	step(&d, DOOR_IN_GRANT, false, 5000, 2000);
	step(&d, DOOR_IN_CONTACT, true, 0, 2500);
	a = step(&d, DOOR_IN_CONTACT, false, 0, 3000);
	assert_quiet(a); /* no early relock without a contact */
	assert_true(a->released);
	a = tick(&d, 1000000);
	assert_int_equal(a->alarms_raised, 0);
	assert_false(a->released);
}

static void test_door__repeated_inputs_are_idempotent(void **state)
{
	static const enum door_input_kind kinds[] = { DOOR_IN_CONTACT, DOOR_IN_REX, DOOR_IN_FIRE,
						      DOOR_IN_TAMPER };
	struct door_state once;
	struct door d;
	size_t i;
	int v;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (v = 0; v < 2; v++) {
			door_setup(&d);
			step(&d, kinds[i], v != 0, 0, 1000);
			once = d.s;
			assert_quiet(step(&d, kinds[i], v != 0, 0, 1000));
			assert_memory_equal(&once, &d.s, sizeof(once));
		}
	}
	/* an inactive level at start changes nothing either */
	door_setup(&d);
	assert_quiet(step(&d, DOOR_IN_CONTACT, false, 0, 1000));
	assert_quiet(step(&d, DOOR_IN_FIRE, false, 0, 1000));
}

static void test_door__deadline_invariants_random(void **state)
{
	struct door d;
	uint32_t seed = 12345;
	int64_t now = 1;
	int i;

	(void)state;
	door_setup(&d);
	d.cfg.held_open_ms = 7000;
	for (i = 0; i < 200000; i++) {
		enum door_input_kind kind;
		unsigned ms;
		bool active;

		seed = seed * 1103515245u + 12345u;
		kind = (enum door_input_kind)((seed >> 16) % 8);
		active = (seed >> 8) & 1;
		ms = (seed >> 4) % 9000;
		if (kind == DOOR_IN_TICK && d.a.next_deadline != 0 && (seed & 0x10))
			now = d.a.next_deadline; /* on time, or late below */
		else
			now += (seed >> 20) % 3000;
		step(&d, kind, active, ms, now);
		/* released is exactly fire or a running release */
		assert_int_equal(d.s.released, d.s.fire || d.s.release_until > now);
		assert_int_equal(d.s.release_until, d.s.pulse_until > d.s.staff_until ? d.s.pulse_until
											: d.s.staff_until);
		assert_int_equal((d.s.alarms & DOOR_ALARM_FIRE) != 0, d.s.fire);
		assert_int_equal((d.s.alarms & DOOR_ALARM_TAMPER) != 0, d.s.tamper);
		if (!d.s.contact_open)
			assert_int_equal(d.s.alarms & (DOOR_ALARM_FORCED | DOOR_ALARM_HELD), 0);
		assert_true(d.s.led_until == 0 || d.s.led != DOOR_LED_OFF);
		/* a tick right away changes nothing */
		if (d.a.next_deadline == 0 || d.a.next_deadline > now + 1) {
			struct door_state before = d.s;

			assert_quiet(tick(&d, now));
			assert_memory_equal(&before, &d.s, sizeof(before));
		}
	}
}

/* ---- the control-line parser ---- */

static int parse(const char *line, struct door_sim_command *cmd, char *err, size_t errlen)
{
	err_clear(err, errlen);
	return door_sim_parse(line, strlen(line), cmd, err, errlen);
}

static void test_door__sim_parse(void **state)
{
	static const struct {
		const char *line;
		enum door_input_kind kind;
		bool active;
	} good[] = {
		{ "contact open", DOOR_IN_CONTACT, true },   { "contact closed", DOOR_IN_CONTACT, false },
		{ "rex press", DOOR_IN_REX, true },          { "rex release", DOOR_IN_REX, false },
		{ "fire on", DOOR_IN_FIRE, true },           { "fire off", DOOR_IN_FIRE, false },
		{ "tamper on", DOOR_IN_TAMPER, true },       { "tamper off", DOOR_IN_TAMPER, false },
		{ "  contact\topen \r", DOOR_IN_CONTACT, true },
	};
	static const char *const bad[] = {
		"", "   ", "\r", "contact", "contact opened", "contact open now", "Contact open", "fire", "fire 1",
		"door open", "state now", "rex", "\x01\x02", "contact open\r\r",
	};
	struct door_sim_command cmd;
	char err[128], line[DOOR_SIM_LINE_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse(good[i].line, &cmd, err, sizeof(err)), SEUIL_OK);
		assert_int_equal(cmd.verb, DOOR_SIM_INPUT);
		assert_int_equal(cmd.ev.kind, good[i].kind);
		assert_int_equal(cmd.ev.active, good[i].active);
	}
	assert_int_equal(parse("state", &cmd, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(cmd.verb, DOOR_SIM_STATE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	assert_int_equal(parse("door open", &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "unknown command \"door\" (contact, rex, fire, tamper, state)");
	assert_int_equal(parse("fire 1", &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "fire takes on or off");
	/* the limit: 256 bytes are fine (an unknown command), 257 are too many */
	memset(line, 'x', sizeof(line));
	line[DOOR_SIM_LINE_MAX] = '\0';
	assert_int_equal(parse(line, &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "unknown command (contact, rex, fire, tamper, state)");
	line[DOOR_SIM_LINE_MAX] = '\r';
	line[DOOR_SIM_LINE_MAX + 1] = '\0';
	assert_int_equal(parse(line, &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
	line[DOOR_SIM_LINE_MAX] = 'x';
	assert_int_equal(parse(line, &cmd, err, sizeof(err)), SEUIL_ERR_TOO_LARGE);
	/* a NUL inside a line is garbage, not the end of it */
	assert_int_equal(door_sim_parse("fire on\0x", 9, &cmd, err, sizeof(err)), SEUIL_ERR_INVALID);
}

/* ---- sim backend, end to end ---- */

struct fixture {
	char dir[64];
	char log[128];
	char sock[128];
	int fds_before;
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (test_tmpdir_make(f->dir, sizeof(f->dir), "door") != 0) {
		free(f);
		return -1;
	}
	snprintf(f->log, sizeof(f->log), "%s/door.log", f->dir);
	snprintf(f->sock, sizeof(f->sock), "%s/door.sock", f->dir);
	f->fds_before = count_fds();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int leaked = count_fds() != f->fds_before;

	test_tmpdir_remove(f->dir);
	free(f);
	/* a descriptor left open by a backend fails the test */
	return leaked ? -1 : 0;
}

static void sim_config(const struct fixture *f, struct door_backend_config *cfg)
{
	door_backend_config_defaults(cfg);
	cfg->kind = "sim";
	cfg->log_path = f->log;
	cfg->control_path = f->sock;
}

static struct door_backend *sim_open(const struct fixture *f, bool maglock)
{
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	char err[256] = "";

	sim_config(f, &cfg);
	cfg.maglock = maglock;
	if (door_backend_open(&cfg, &b, err, sizeof(err)) != SEUIL_OK)
		fail_msg("open: %s", err);
	return b;
}

/* The log's lines, without their timestamps; returns how many. */
static int log_lines(const struct fixture *f, char lines[][64], int max)
{
	char buf[8192], *p, *nl, *text;
	FILE *fp = fopen(f->log, "r");
	size_t len;
	int n = 0;

	assert_non_null(fp);
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	for (p = buf; (nl = strchr(p, '\n')) != NULL && n < max; p = nl + 1) {
		*nl = '\0';
		/* "<ISO8601> <mono> text" */
		text = strchr(p, ' ');
		assert_non_null(text);
		text = strchr(text + 1, ' ');
		assert_non_null(text);
		snprintf(lines[n++], 64, "%s", text + 1);
	}
	assert_string_equal(p, ""); /* every line ends with a newline */
	return n;
}

static int client_connect(const struct fixture *f)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Polls the backend's fds once (up to wait_ms) and reads what is there into ev. */
static int pump(struct door_backend *b, struct door_event *ev, int max, int wait_ms)
{
	struct pollfd pfd[32];
	int fds[32], n, i, got;

	n = door_backend_fds(b, fds, 32);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, (nfds_t)n, wait_ms) <= 0)
		return 0;
	got = door_backend_read(b, ev, max);
	assert_true(got >= 0);
	return got;
}

/*
 * Sends text (lines with their newlines) from client fd, serves the backend
 * until `answers` answer lines came back; the answers go to reply, the
 * events to ev.  Returns the number of events.
 */
static int exchange(struct door_backend *b, int fd, const char *text, int answers, char *reply, size_t cap,
		    struct door_event *ev, int max)
{
	int64_t end = clock_mono_ms() + 3000;
	size_t len = 0;
	int n = 0, lines = 0;
	struct pollfd pfd;
	ssize_t got;

	assert_int_equal(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t)strlen(text));
	reply[0] = '\0';
	while (lines < answers && clock_mono_ms() < end) {
		n += pump(b, ev + n, max - n, 10);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) != 1)
			continue;
		got = recv(fd, reply + len, cap - 1 - len, 0);
		assert_true(got > 0);
		len += (size_t)got;
		reply[len] = '\0';
		lines = 0;
		for (const char *p = reply; (p = strchr(p, '\n')) != NULL; p++)
			lines++;
	}
	assert_int_equal(lines, answers);
	return n;
}

static void test_door__sim_open_writes_relay_off_first(void **state)
{
	struct fixture *f = *state;
	struct door_backend *b;
	char lines[8][64], buf[256];
	struct stat st;
	int64_t before, after, y, mo, d, h, mi, s, ms, mono;
	mode_t mask = umask(022);
	int n;
	FILE *fp;

	umask(mask);
	before = clock_mono_ms();
	b = sim_open(f, false);
	after = clock_mono_ms();
	assert_int_equal(log_lines(f, lines, 8), 1);
	assert_string_equal(lines[0], "relay off");
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~mask);
	assert_int_equal(stat(f->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* the timestamps: ISO8601 UTC with milliseconds, then CLOCK_MONOTONIC ms */
	fp = fopen(f->log, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	n = sscanf(buf, "%4" SCNd64 "-%2" SCNd64 "-%2" SCNd64 "T%2" SCNd64 ":%2" SCNd64 ":%2" SCNd64
			".%3" SCNd64 "Z %" SCNd64,
		   &y, &mo, &d, &h, &mi, &s, &ms, &mono);
	assert_int_equal(n, 8);
	assert_int_equal(buf[4], '-');
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[19], '.');
	assert_int_equal(buf[23], 'Z');
	assert_int_equal(buf[24], ' ');
	assert_true(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61);
	assert_in_range(mono, before, after);
	door_backend_close(b);
	/* a restart appends: the log is never truncated, and says locked first */
	b = sim_open(f, false);
	door_backend_close(b);
	assert_int_equal(log_lines(f, lines, 8), 4);
}

static void test_door__sim_apply_relay_line_first(void **state)
{
	struct fixture *f = *state;
	struct door_backend *b;
	struct door d;
	char lines[16][64], err[256] = "";

	b = sim_open(f, false);
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	tick(&d, 3000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	tick(&d, 3001); /* nothing changed: nothing written */
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	tick(&d, 6000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	step(&d, DOOR_IN_DENY, false, 0, 7000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(log_lines(f, lines, 16), 8);
	assert_string_equal(lines[0], "relay off");
	assert_string_equal(lines[1], "relay on");
	assert_string_equal(lines[2], "led green");
	assert_string_equal(lines[3], "beep 100");
	assert_string_equal(lines[4], "led off");
	assert_string_equal(lines[5], "relay off");
	assert_string_equal(lines[6], "led red");
	assert_string_equal(lines[7], "beep 800");
	door_backend_close(b);
	assert_int_equal(log_lines(f, lines, 16), 9);
	assert_string_equal(lines[8], "relay off");
}

static void test_door__sim_maglock_physical_level(void **state)
{
	struct fixture *f = *state;
	struct door_backend *b;
	struct door d;
	char lines[8][64], err[256] = "";

	b = sim_open(f, true);
	door_setup(&d);
	d.cfg.led_ms = 0;
	d.cfg.beep_grant_ms = 0;
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	door_backend_safe(b);
	door_backend_close(b);
	assert_int_equal(log_lines(f, lines, 8), 4);
	assert_string_equal(lines[0], "relay off (coil on)");
	assert_string_equal(lines[1], "relay on (coil off)");
	assert_string_equal(lines[2], "relay off (coil on)");
	assert_string_equal(lines[3], "relay off (coil on)");
}

static void test_door__sim_control_socket_events(void **state)
{
	struct fixture *f = *state;
	struct door_event ev[8];
	struct door_backend *b;
	char reply[512];
	int fd, n;

	b = sim_open(f, false);
	n = door_backend_inputs(b, ev, 8);
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		assert_false(ev[i].active);
	fd = client_connect(f);
	n = exchange(b, fd, "contact open\n", 1, reply, sizeof(reply), ev, 8);
	assert_string_equal(reply, "ok\n");
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, DOOR_IN_CONTACT);
	assert_true(ev[0].active);

	/* several commands in one packet, CRLF included */
	n = exchange(b, fd, "rex press\r\nfire on\ntamper on\nrex release\n", 4, reply, sizeof(reply), ev, 8);
	assert_string_equal(reply, "ok\nok\nok\nok\n");
	assert_int_equal(n, 4);
	assert_int_equal(ev[0].kind, DOOR_IN_REX);
	assert_true(ev[0].active);
	assert_int_equal(ev[1].kind, DOOR_IN_FIRE);
	assert_int_equal(ev[2].kind, DOOR_IN_TAMPER);
	assert_int_equal(ev[3].kind, DOOR_IN_REX);
	assert_false(ev[3].active);

	n = exchange(b, fd, "state\n", 1, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 0);
	assert_string_equal(reply, "ok relay off led off contact open rex release fire on tamper on\n");
	n = door_backend_inputs(b, ev, 8);
	assert_int_equal(n, 4);
	assert_int_equal(ev[0].kind, DOOR_IN_CONTACT);
	assert_true(ev[0].active);
	assert_int_equal(ev[1].kind, DOOR_IN_REX);
	assert_false(ev[1].active);
	assert_true(ev[2].active);
	assert_true(ev[3].active);

	/* a line sent in pieces is one command */
	assert_int_equal(send(fd, "contact ", 8, MSG_NOSIGNAL), 8);
	assert_int_equal(pump(b, ev, 8, 50), 0);
	n = exchange(b, fd, "closed\n", 1, reply, sizeof(reply), ev, 8);
	assert_string_equal(reply, "ok\n");
	assert_int_equal(n, 1);
	assert_false(ev[0].active);
	close(fd);
	door_backend_close(b);
}

static void test_door__sim_state_follows_outputs(void **state)
{
	struct fixture *f = *state;
	struct door_event ev[4];
	struct door_backend *b;
	struct door d;
	char reply[256], err[256] = "";
	int fd;

	b = sim_open(f, false);
	door_setup(&d);
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	fd = client_connect(f);
	exchange(b, fd, "state\n", 1, reply, sizeof(reply), ev, 4);
	assert_string_equal(reply, "ok relay on led green contact closed rex release fire off tamper off\n");
	close(fd);
	door_backend_close(b);
}

static void test_door__sim_garbage_gets_error(void **state)
{
	struct fixture *f = *state;
	struct door_event ev[8];
	struct door_backend *b;
	char reply[1024], longline[600];
	int fd, n;

	b = sim_open(f, false);
	fd = client_connect(f);
	n = exchange(b, fd, "open sesame\n", 1, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 0);
	assert_string_equal(reply, "error unknown command \"open\" (contact, rex, fire, tamper, state)\n");
	n = exchange(b, fd, "\n\x01\xff\xfe\ncontact ajar\n", 3, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 0);
	assert_string_equal(reply, "error empty command\n"
				   "error unknown command (contact, rex, fire, tamper, state)\n"
				   "error contact takes open or closed\n");
	/* a line past the limit is refused as a whole, the next one works */
	memset(longline, 'a', sizeof(longline));
	memcpy(longline + 500, "\nfire on\n", 10);
	n = exchange(b, fd, longline, 2, reply, sizeof(reply), ev, 8);
	assert_string_equal(reply, "error line longer than 256 bytes\nok\n");
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, DOOR_IN_FIRE);
	/* still connected after all that */
	n = exchange(b, fd, "tamper off\n", 1, reply, sizeof(reply), ev, 8);
	assert_string_equal(reply, "ok\n");
	assert_int_equal(n, 1);
	close(fd);
	door_backend_close(b);
}

static void test_door__sim_several_clients(void **state)
{
	struct fixture *f = *state;
	struct door_event ev[8];
	struct door_backend *b;
	char reply[256];
	int fds[DOOR_SIM_CLIENTS_MAX + 8], a, c, i, n;
	ssize_t got;
	struct pollfd pfd;

	b = sim_open(f, false);
	a = client_connect(f);
	c = client_connect(f);
	n = exchange(b, a, "contact open\n", 1, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 1);
	n = exchange(b, c, "contact closed\n", 1, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 1);
	assert_false(ev[0].active);
	assert_int_equal(door_backend_fds(b, fds, 8), 3);
	/* a client that leaves is forgotten, the other one stays */
	close(a);
	for (i = 0; i < 50 && door_backend_fds(b, fds, 8) != 2; i++)
		pump(b, ev, 8, 10);
	assert_int_equal(door_backend_fds(b, fds, 8), 2);
	/* it left a last command without a newline: still executed */
	a = client_connect(f);
	assert_int_equal(send(a, "rex press", 9, MSG_NOSIGNAL), 9);
	shutdown(a, SHUT_WR);
	n = 0;
	for (i = 0; i < 100 && n == 0; i++)
		n = pump(b, ev, 8, 10);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, DOOR_IN_REX);
	close(a);
	n = exchange(b, c, "rex release\n", 1, reply, sizeof(reply), ev, 8);
	assert_int_equal(n, 1);
	/* one client too many is told so and closed */
	for (i = 0; i < DOOR_SIM_CLIENTS_MAX; i++)
		fds[i] = client_connect(f);
	for (i = 0; i < 20; i++)
		pump(b, ev, 8, 10);
	pfd.fd = fds[DOOR_SIM_CLIENTS_MAX - 1];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	got = recv(pfd.fd, reply, sizeof(reply) - 1, 0);
	assert_true(got > 0);
	reply[got] = '\0';
	assert_string_equal(reply, "error too many control clients\n");
	for (i = 0; i < DOOR_SIM_CLIENTS_MAX; i++)
		close(fds[i]);
	close(c);
	door_backend_close(b);
}

static void test_door__sim_read_more_than_max(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "fire on\nfire off\nfire on\nfire off\nfire on\n";
	struct door_event ev[2];
	struct door_backend *b;
	char reply[256];
	int fd, n = 0, total = 0, i;
	size_t len = 0;
	ssize_t got;

	b = sim_open(f, false);
	fd = client_connect(f);
	assert_int_equal(send(fd, text, sizeof(text) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(text) - 1);
	for (i = 0; i < 300 && n == 0; i++)
		n = pump(b, ev, 2, 10);
	/* only two fit; the rest waits in the backend, without the fd being readable */
	assert_int_equal(n, 2);
	assert_true(ev[0].active);
	assert_false(ev[1].active);
	for (i = 0; i < 5; i++) {
		n = door_backend_read(b, ev, 2);
		total += n;
		if (n < 2)
			break;
	}
	assert_int_equal(total, 3);
	assert_true(ev[0].active); /* the last one: fire on */
	assert_int_equal(n, 1);
	while (len < 15) {
		got = recv(fd, reply + len, sizeof(reply) - 1 - len, 0);
		assert_true(got > 0);
		len += (size_t)got;
	}
	reply[len] = '\0';
	assert_string_equal(reply, "ok\nok\nok\nok\nok\n");
	close(fd);
	door_backend_close(b);
}

static void test_door__sim_close_relocks_and_removes_socket(void **state)
{
	struct fixture *f = *state;
	struct door_backend *b;
	struct door_event ev[4];
	struct door d;
	char lines[8][64], err[256] = "";
	struct stat st;
	int fd, fds[4];

	b = sim_open(f, false);
	door_setup(&d);
	step(&d, DOOR_IN_UNLOCK_FOR, false, 60000, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	fd = client_connect(f); /* a client still connected at close */
	pump(b, ev, 4, 10);
	assert_int_equal(door_backend_fds(b, fds, 4), 2);
	door_backend_close(b);
	close(fd);
	assert_int_equal(log_lines(f, lines, 8), 3);
	assert_string_equal(lines[1], "relay on");
	assert_string_equal(lines[2], "relay off");
	assert_int_equal(lstat(f->sock, &st), -1);
	assert_int_equal(errno, ENOENT);
	door_backend_close(NULL);
}

static void test_door__sim_safe_writes_relay_off(void **state)
{
	struct fixture *f = *state;
	struct door_backend *b;
	struct door d;
	char lines[8][64], err[256] = "";

	b = sim_open(f, false);
	door_setup(&d);
	step(&d, DOOR_IN_REX, true, 0, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	errno = EAGAIN;
	door_backend_safe(b);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(log_lines(f, lines, 8), 3);
	assert_string_equal(lines[1], "relay on");
	assert_string_equal(lines[2], "relay off");
	door_backend_safe(NULL);
	door_backend_close(b);
}

static void test_door__sim_socket_path_checks(void **state)
{
	struct fixture *f = *state;
	struct door_backend_config cfg;
	struct door_backend *b = NULL, *other = NULL;
	char err[256] = "", longpath[200];
	FILE *fp;

	sim_config(f, &cfg);
	/* a regular file where the socket should go is refused, and left alone */
	fp = fopen(f->sock, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "exists and is not a socket"));
	assert_non_null(strstr(err, f->sock));
	assert_int_equal(access(f->sock, F_OK), 0);
	unlink(f->sock);
	/* a socket someone listens on is refused */
	b = sim_open(f, false);
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &other, err, sizeof(err)), SEUIL_ERR_BUSY);
	assert_null(other);
	/* a stale one (its owner crashed: no close, no unlink) is replaced */
	{
		struct sockaddr_un sa;
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		door_backend_close(b);
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
		assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(s);
	}
	b = sim_open(f, false);
	door_backend_close(b);
	/* no log path, a path too long */
	cfg.log_path = NULL;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	cfg.log_path = f->log;
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	cfg.control_path = longpath;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	/* a log that cannot be opened */
	cfg.control_path = f->sock;
	cfg.log_path = "/nonexistent-dir/door.log";
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent-dir/door.log"));
	assert_int_equal(access(f->sock, F_OK), -1);
}

static void test_door__sim_without_control_socket(void **state)
{
	struct fixture *f = *state;
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	struct door_event ev[4];
	char err[256] = "";
	int fds[4];

	sim_config(f, &cfg);
	cfg.control_path = NULL;
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(door_backend_fds(b, fds, 4), 0);
	assert_int_equal(door_backend_read(b, ev, 4), 0);
	assert_int_equal(door_backend_inputs(b, ev, 4), 4);
	door_backend_close(b);
}

/* a door whose inputs are already active when the backend opens (a fire at start) */
static void test_door__sim_inputs_active_at_start(void **state)
{
	struct fixture *f = *state;
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	struct door_event ev[4];
	char err[256] = "";
	bool level[8] = { false };

	sim_config(f, &cfg);
	assert_int_equal(setenv("SEUIL_DOOR_SIM_INPUTS", " fire on; contact open,,tamper on ", 1), 0);
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(door_backend_inputs(b, ev, 4), 4);
	for (int i = 0; i < 4; i++)
		level[ev[i].kind] = ev[i].active;
	assert_true(level[DOOR_IN_FIRE]);
	assert_true(level[DOOR_IN_CONTACT]);
	assert_true(level[DOOR_IN_TAMPER]);
	assert_false(level[DOOR_IN_REX]);
	door_backend_close(b);
	/* what does not parse stops the opening, naming the variable, leaving nothing */
	unlink(f->log);
	assert_int_equal(setenv("SEUIL_DOOR_SIM_INPUTS", "fire sideways", 1), 0);
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "SEUIL_DOOR_SIM_INPUTS"));
	err[0] = '\0';
	assert_int_equal(setenv("SEUIL_DOOR_SIM_INPUTS", "state", 1), 0);
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(access(f->sock, F_OK), -1);
	assert_int_equal(access(f->log, F_OK), -1);
	/* unset: everything starts inactive, as before */
	assert_int_equal(unsetenv("SEUIL_DOOR_SIM_INPUTS"), 0);
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(door_backend_inputs(b, ev, 4), 4);
	for (int i = 0; i < 4; i++)
		assert_false(ev[i].active);
	door_backend_close(b);
}

/* ---- the door loop's writes while another process holds the store ---- */

static struct store *store_in(const struct fixture *f, char *path, size_t cap)
{
	struct store *st = NULL;
	char err[256] = "";

	snprintf(path, cap, "%s/seuil.db", f->dir);
	if (store_open(path, STORE_CREATE | STORE_MANUAL_CHECKPOINT, &st, err, sizeof(err)) != SEUIL_OK)
		fail_msg("store: %s", err);
	return st;
}

/* another process's write transaction, as seuil-sync's or `seuilctl import`'s */
static sqlite3 *lock_store(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "BEGIN IMMEDIATE; INSERT INTO settings(key, value) VALUES ('x', '1')"
				      " ON CONFLICT(key) DO UPDATE SET value = '2'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	return db;
}

static void unlock_store(sqlite3 *db)
{
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

struct seen {
	int n;
	int64_t seq[16];
	char kind[16][24], reason[16][32], detail[16][160];
};

static int see(const struct journal_event *ev, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->seq[s->n] = ev->seq;
		snprintf(s->kind[s->n], 24, "%s", ev->kind);
		snprintf(s->reason[s->n], 32, "%s", ev->reason);
		snprintf(s->detail[s->n], 160, "%s", ev->detail);
	}
	s->n++;
	return 0;
}

static void event(struct journal_event *ev, const char *kind, const char *reason, int64_t at)
{
	journal_event_init(ev, kind, at);
	snprintf(ev->door, sizeof(ev->door), "entree");
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
}

static void test_door__journal_queue_waits_out_a_lock(void **state)
{
	struct fixture *f = *state;
	struct journal_queue *q = NULL;
	struct journal_event ev;
	struct seen seen = { 0 };
	char path[160], err[256] = "";
	struct store *st = store_in(f, path, sizeof(path));
	sqlite3 *other;
	size_t written = 9;
	int64_t t0;

	assert_int_equal(journal_queue_new(0, &q), SEUIL_ERR_INVALID);
	assert_int_equal(journal_queue_new(JOURNAL_QUEUE_MAX + 1, &q), SEUIL_ERR_INVALID);
	assert_int_equal(journal_queue_new(8, &q), SEUIL_OK);
	/* free store: written at once, as journal_append() */
	event(&ev, "decision", "granted", 1000);
	assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(written, 1);
	/* locked: nothing written, nothing lost, and the wait is short */
	other = lock_store(path);
	event(&ev, "alarm", "fire", 2000);
	assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), SEUIL_OK);
	event(&ev, "decision", "granted", 3000);
	assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), SEUIL_OK);
	t0 = clock_mono_ms();
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_ERR_BUSY);
	assert_true(clock_mono_ms() - t0 < 500);
	assert_int_equal(written, 0);
	assert_int_equal(journal_queue_length(q), 2);
	/* the store still reads (a WAL snapshot): what was written is there */
	assert_int_equal(journal_list(st, 0, see, &seen, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(seen.n, 1);
	event(&ev, "alarm", "tamper", 4000);
	assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_queue_flush(q, st, 0, &written, err, sizeof(err)), SEUIL_ERR_BUSY);
	unlock_store(other);
	/* released: written in order, each its sequence number when written */
	err[0] = '\0';
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(written, 3);
	assert_int_equal(journal_queue_length(q), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(journal_list(st, 0, see, &seen, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.reason[1], "fire");
	assert_string_equal(seen.kind[2], "decision");
	assert_string_equal(seen.reason[3], "tamper");
	for (int i = 1; i < 4; i++)
		assert_true(seen.seq[i] > seen.seq[i - 1]);
	/* nothing waits: flushing again writes nothing */
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(written, 0);
	journal_queue_free(q);
	journal_queue_free(NULL);
	store_free(st);
}

static void test_door__journal_queue_overflow_is_journaled(void **state)
{
	struct fixture *f = *state;
	struct journal_queue *q = NULL;
	struct journal_event ev;
	struct seen seen = { 0 };
	char path[160], err[256] = "";
	struct store *st = store_in(f, path, sizeof(path));
	sqlite3 *other = lock_store(path);
	size_t written = 0;

	assert_int_equal(journal_queue_new(3, &q), SEUIL_OK);
	for (int i = 0; i < 5; i++) {
		err[0] = '\0';
		event(&ev, "decision", "granted", 1000 + i);
		assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), i < 3 ? SEUIL_OK : SEUIL_ERR_TOO_LARGE);
		if (i >= 3)
			assert_non_null(strstr(err, "journal queue full"));
	}
	/* the oldest are kept, the newest refused and counted */
	assert_int_equal(journal_queue_length(q), 3);
	assert_int_equal(journal_queue_lost(q), 2);
	assert_int_equal(journal_queue_flush(q, st, 0, &written, err, sizeof(err)), SEUIL_ERR_BUSY);
	unlock_store(other);
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_OK);
	/* the three kept, then one fault where the two lost belonged */
	assert_int_equal(written, 4);
	assert_int_equal(journal_queue_lost(q), 0);
	event(&ev, "alarm", "fire", 2000);
	assert_int_equal(journal_queue_push(q, &ev, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_queue_flush(q, st, 20, &written, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_list(st, 0, see, &seen, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(seen.n, 5);
	assert_string_equal(seen.kind[3], "fault");
	assert_string_equal(seen.reason[3], "journal_overflow");
	assert_string_equal(seen.detail[3],
			    "{\"lost\":2,\"first\":\"1970-01-01T00:00:01.003Z\",\"last\":\"1970-01-01T00:00:01.004Z\"}");
	assert_string_equal(seen.reason[4], "fire");
	journal_queue_free(q);
	store_free(st);
}

/* the door loop settles an office request in one short write, before acting */
static void test_door__request_settle_never_waits(void **state)
{
	struct fixture *f = *state;
	struct request req;
	char path[160], err[256] = "";
	struct store *st = store_in(f, path, sizeof(path));
	sqlite3 *other;
	int64_t id = 0, t0;

	assert_int_equal(request_peek(st, "unlock_for", &req, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(request_add(st, "unlock_for", "5", 1000, &id, err, sizeof(err)), SEUIL_OK);
	other = lock_store(path);
	/* peeking reads a snapshot: fine under the lock */
	assert_int_equal(request_peek(st, "unlock_for", &req, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(req.id, id);
	assert_string_equal(req.body, "5");
	assert_int_equal(req.created_ms, 1000);
	t0 = clock_mono_ms();
	assert_int_equal(request_settle(st, id, "done", NULL, 2000, 20, err, sizeof(err)), SEUIL_ERR_BUSY);
	assert_true(clock_mono_ms() - t0 < 500);
	unlock_store(other);
	/* nothing changed: still pending, settled now, then by nobody else */
	assert_int_equal(request_peek(st, "unlock_for", &req, err, sizeof(err)), SEUIL_OK);
	err[0] = '\0';
	assert_int_equal(request_settle(st, id, "expired", "too old", 2000, 20, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(request_settle(st, id, "done", NULL, 2001, 20, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(request_peek(st, "unlock_for", &req, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	store_free(st);
}

/* ---- backend table and the gpiod backend without hardware ---- */

static void test_door__backend_kind(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	char err[256] = "";

	(void)state;
	door_backend_config_defaults(&cfg);
	assert_string_equal(cfg.kind, "sim");
	assert_int_equal(cfg.relay, -1);
	assert_int_equal(cfg.buzzer, -1);
	assert_int_equal(cfg.tamper, -1);
	cfg.kind = "parallel-port";
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "unknown door backend \"parallel-port\" (gpiod or sim)");
	cfg.kind = NULL;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_null(b);
}

static void test_door__gpiod_missing_chip(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	char err[256] = "";
	int before = count_fds();

	(void)state;
	door_backend_config_defaults(&cfg);
	cfg.kind = "gpiod";
	cfg.chip = "gpiochip-seuil-test";
	cfg.relay = 17;
	cfg.contact = 27;
	cfg.buzzer = 22;
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_DEVICE);
	assert_null(b);
	assert_non_null(strstr(err, "GPIO chip gpiochip-seuil-test"));
	/* by path too, and a file that is not a chip */
	cfg.chip = "/dev/gpiochip-seuil-test";
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_DEVICE);
	assert_non_null(strstr(err, "/dev/gpiochip-seuil-test"));
	cfg.chip = "/dev/null";
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_DEVICE);
	assert_non_null(strstr(err, "/dev/null"));
	assert_int_equal(count_fds(), before);
}

static void test_door__gpiod_config_refused(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	char err[256] = "";

	(void)state;
	door_backend_config_defaults(&cfg);
	cfg.kind = "gpiod";
	cfg.relay = 17;
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "gpiod door: no GPIO chip configured");
	cfg.chip = "gpiochip0";
	cfg.relay = -1;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "gpiod door: the relay line is required");
	cfg.relay = 17;
	cfg.contact = 17;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_string_equal(err, "gpiod door: line 17 is both relay and contact");
	cfg.contact = -2;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_null(b);
}

/*
 * ---- the gpiod backend against a fake chip ----
 *
 * There is no GPIO hardware (nor gpio-mockup) here, so this executable
 * defines the libgpiod v1 calls door_gpiod.c makes: the linker binds them
 * before the shared library's.  The chip named FAKE_CHIP is simulated
 * (lines with a physical level, a consumer, an active-low flag and a pipe
 * standing for the kernel's event fd); any other name goes to the real
 * libgpiod, so a missing chip is reported by the real library.
 */
#define FAKE_CHIP "seuil-fake-gpiochip"
#define FAKE_LINES 32

struct gpiod_line {
	unsigned offset;
	int mode;           /* 0 free, 1 output, 2 edge events */
	bool busy;          /* held by another consumer */
	bool active_low;
	int level;          /* physical level */
	int pipe[2];        /* the event fd: [0] read by the backend */
	char consumer[32];
};

struct gpiod_chip {
	int opened;
	struct gpiod_line lines[FAKE_LINES];
};

static struct gpiod_chip fake;

static void fake_reset(void)
{
	unsigned i;

	memset(&fake, 0, sizeof(fake));
	for (i = 0; i < FAKE_LINES; i++) {
		fake.lines[i].offset = i;
		fake.lines[i].pipe[0] = fake.lines[i].pipe[1] = -1;
	}
}

static void *real_gpiod(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

struct gpiod_chip *gpiod_chip_open_lookup(const char *descr)
{
	struct gpiod_chip *(*real)(const char *);
	void (*real_close)(struct gpiod_chip *);
	struct gpiod_chip *chip;

	if (strcmp(descr, FAKE_CHIP) == 0) {
		fake.opened++;
		return &fake;
	}
	real = (struct gpiod_chip * (*)(const char *)) real_gpiod("gpiod_chip_open_lookup");
	if (real == NULL) {
		errno = ENOENT;
		return NULL;
	}
	chip = real(descr);
	if (chip != NULL) {
		/* a real chip by that name: the tests never drive real hardware */
		real_close = (void (*)(struct gpiod_chip *))real_gpiod("gpiod_chip_close");
		real_close(chip);
		errno = EEXIST;
		return NULL;
	}
	return NULL;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
	unsigned i;

	assert_ptr_equal(chip, &fake);
	for (i = 0; i < FAKE_LINES; i++) {
		struct gpiod_line *l = &fake.lines[i];

		if (l->pipe[0] >= 0) {
			close(l->pipe[0]);
			close(l->pipe[1]);
			l->pipe[0] = l->pipe[1] = -1;
		}
		l->mode = 0; /* released; an output keeps its level, as real lines do */
	}
	fake.opened--;
}

unsigned int gpiod_chip_num_lines(struct gpiod_chip *chip)
{
	assert_ptr_equal(chip, &fake);
	return FAKE_LINES;
}

struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset)
{
	assert_ptr_equal(chip, &fake);
	if (offset >= FAKE_LINES) {
		errno = EINVAL;
		return NULL;
	}
	return &fake.lines[offset];
}

unsigned int gpiod_line_offset(struct gpiod_line *line)
{
	return line->offset;
}

static int fake_request(struct gpiod_line *line, const char *consumer, int mode)
{
	if (line->busy || line->mode != 0) {
		errno = EBUSY;
		return -1;
	}
	line->mode = mode;
	snprintf(line->consumer, sizeof(line->consumer), "%s", consumer);
	return 0;
}

int gpiod_line_request_output(struct gpiod_line *line, const char *consumer, int default_val)
{
	if (fake_request(line, consumer, 1) != 0)
		return -1;
	line->active_low = false;
	line->level = default_val != 0;
	return 0;
}

int gpiod_line_request_both_edges_events_flags(struct gpiod_line *line, const char *consumer, int flags)
{
	if (fake_request(line, consumer, 2) != 0)
		return -1;
	line->active_low = (flags & GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) != 0;
	assert_int_equal(pipe2(line->pipe, O_CLOEXEC | O_NONBLOCK), 0);
	return 0;
}

int gpiod_line_event_get_fd(struct gpiod_line *line)
{
	return line->mode == 2 ? line->pipe[0] : -1;
}

int gpiod_line_set_value(struct gpiod_line *line, int value)
{
	if (line->mode != 1) {
		errno = EPERM;
		return -1;
	}
	line->level = value != 0;
	return 0;
}

int gpiod_line_get_value(struct gpiod_line *line)
{
	if (line->mode == 0) {
		errno = EPERM;
		return -1;
	}
	return line->level ^ (line->active_low ? 1 : 0);
}

int gpiod_line_event_read_fd(int fd, struct gpiod_line_event *event)
{
	int type;

	if (read(fd, &type, sizeof(type)) != (ssize_t)sizeof(type))
		return -1;
	memset(event, 0, sizeof(*event));
	clock_gettime(CLOCK_MONOTONIC, &event->ts);
	event->event_type = type;
	return 0;
}

/* The outside world moves an input line to a physical level. */
static void fake_input(unsigned offset, int level)
{
	struct gpiod_line *l = &fake.lines[offset];
	int logical, type;

	assert_int_equal(l->mode, 2);
	if (l->level == level)
		return;
	l->level = level;
	logical = level ^ (l->active_low ? 1 : 0);
	type = logical ? GPIOD_LINE_EVENT_RISING_EDGE : GPIOD_LINE_EVENT_FALLING_EDGE;
	assert_int_equal(write(l->pipe[1], &type, sizeof(type)), (ssize_t)sizeof(type));
}

enum { L_RELAY = 5, L_CONTACT, L_REX, L_FIRE, L_TAMPER, L_GREEN, L_RED, L_BUZZER };

static void gpiod_config(struct door_backend_config *cfg)
{
	door_backend_config_defaults(cfg);
	cfg->kind = "gpiod";
	cfg->chip = FAKE_CHIP;
	cfg->relay = L_RELAY;
	cfg->contact = L_CONTACT;
	cfg->rex = L_REX;
	cfg->fire = L_FIRE;
	cfg->tamper = L_TAMPER;
	cfg->led_green = L_GREEN;
	cfg->led_red = L_RED;
	cfg->buzzer = L_BUZZER;
}

static struct door_backend *gpiod_open_fake(const struct door_backend_config *cfg)
{
	struct door_backend *b = NULL;
	char err[256] = "";

	if (door_backend_open(cfg, &b, err, sizeof(err)) != SEUIL_OK)
		fail_msg("open: %s", err);
	return b;
}

static int gpiod_setup(void **state)
{
	static int before;

	fake_reset();
	before = count_fds();
	*state = &before;
	return 0;
}

static int gpiod_teardown(void **state)
{
	int *before = *state;

	/* every line released, every descriptor closed */
	for (unsigned i = 0; i < FAKE_LINES; i++)
		if (fake.lines[i].mode != 0)
			return -1;
	return fake.opened == 0 && count_fds() == *before ? 0 : -1;
}

static void test_door__gpiod_open_locked_and_outputs(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b;
	unsigned i;

	(void)state;
	gpiod_config(&cfg);
	fake.lines[L_RELAY].level = 1; /* left energized by a crashed process */
	b = gpiod_open_fake(&cfg);
	assert_int_equal(fake.lines[L_RELAY].mode, 1);
	assert_int_equal(fake.lines[L_RELAY].level, 0);
	assert_string_equal(fake.lines[L_RELAY].consumer, "seuil-door");
	for (i = L_GREEN; i <= L_BUZZER; i++) {
		assert_int_equal(fake.lines[i].mode, 1);
		assert_int_equal(fake.lines[i].level, 0);
	}
	for (i = L_CONTACT; i <= L_TAMPER; i++) {
		assert_int_equal(fake.lines[i].mode, 2);
		assert_false(fake.lines[i].active_low);
	}
	/* lines not configured are left alone */
	assert_int_equal(fake.lines[0].mode, 0);
	assert_int_equal(fake.lines[L_BUZZER + 1].mode, 0);
	door_backend_close(b);

	/* a maglock is locked with its coil energized */
	cfg.maglock = true;
	b = gpiod_open_fake(&cfg);
	assert_int_equal(fake.lines[L_RELAY].level, 1);
	door_backend_close(b);
	assert_int_equal(fake.lines[L_RELAY].level, 1);

	/* only the relay wired */
	cfg.maglock = false;
	cfg.contact = cfg.rex = cfg.fire = cfg.tamper = cfg.led_green = cfg.led_red = cfg.buzzer = -1;
	b = gpiod_open_fake(&cfg);
	{
		int fds[8];
		struct door_event ev[8];

		assert_int_equal(door_backend_fds(b, fds, 8), 0);
		assert_int_equal(door_backend_inputs(b, ev, 8), 0);
	}
	door_backend_close(b);
}

static void test_door__gpiod_apply_and_beep(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b;
	struct door_event ev[8];
	struct pollfd pfd[8];
	struct door d;
	char err[256] = "";
	int fds[8], n, i;

	(void)state;
	gpiod_config(&cfg);
	b = gpiod_open_fake(&cfg);
	door_setup(&d);
	d.cfg.beep_grant_ms = 50;
	step(&d, DOOR_IN_GRANT, false, 5000, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fake.lines[L_RELAY].level, 1);
	assert_int_equal(fake.lines[L_GREEN].level, 1);
	assert_int_equal(fake.lines[L_RED].level, 0);
	assert_int_equal(fake.lines[L_BUZZER].level, 1);
	/* the beep ends by itself through the timer among the fds: no sleep in the backend */
	n = door_backend_fds(b, fds, 8);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	assert_int_equal(poll(pfd, (nfds_t)n, 2000), 1);
	assert_true(pfd[4].revents & POLLIN);
	assert_int_equal(door_backend_read(b, ev, 8), 0);
	assert_int_equal(fake.lines[L_BUZZER].level, 0);
	assert_int_equal(poll(pfd, (nfds_t)n, 0), 0);

	step(&d, DOOR_IN_DENY, false, 0, 2000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fake.lines[L_GREEN].level, 0);
	assert_int_equal(fake.lines[L_RED].level, 1);
	assert_int_equal(fake.lines[L_BUZZER].level, 1);
	tick(&d, 6000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fake.lines[L_RELAY].level, 0);
	assert_int_equal(fake.lines[L_RED].level, 0);
	/* door_backend_safe moves the relay only */
	step(&d, DOOR_IN_UNLOCK_FOR, false, 60000, 7000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fake.lines[L_RELAY].level, 1);
	errno = EINTR;
	door_backend_safe(b);
	assert_int_equal(errno, EINTR);
	assert_int_equal(fake.lines[L_RELAY].level, 0);
	assert_int_equal(fake.lines[L_BUZZER].level, 1); /* the deny beep still runs */
	/* close: relay locked, LEDs and buzzer off, lines released */
	door_backend_close(b);
	assert_int_equal(fake.lines[L_RELAY].level, 0);
	assert_int_equal(fake.lines[L_BUZZER].level, 0);
}

static void test_door__gpiod_maglock_levels(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b;
	struct door d;
	char err[256] = "";

	(void)state;
	gpiod_config(&cfg);
	cfg.maglock = true;
	b = gpiod_open_fake(&cfg);
	door_setup(&d);
	step(&d, DOOR_IN_REX, true, 0, 1000);
	assert_int_equal(door_backend_apply(b, &d.a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fake.lines[L_RELAY].level, 0); /* released: coil off */
	door_backend_safe(b);
	assert_int_equal(fake.lines[L_RELAY].level, 1);
	door_backend_close(b);
	assert_int_equal(fake.lines[L_RELAY].level, 1);
}

static void test_door__gpiod_input_events(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b;
	struct door_event ev[8];
	struct pollfd pfd[8];
	int fds[8], n, i, low;

	(void)state;
	for (low = 0; low < 2; low++) {
		int idle = low ? 1 : 0, act = low ? 0 : 1;

		gpiod_config(&cfg);
		cfg.led_green = cfg.led_red = cfg.buzzer = -1;
		cfg.inputs_active_low = low != 0;
		/* the fire input is active before the door opens */
		fake.lines[L_CONTACT].level = fake.lines[L_REX].level = fake.lines[L_TAMPER].level = idle;
		fake.lines[L_FIRE].level = act;
		b = gpiod_open_fake(&cfg);
		assert_int_equal(fake.lines[L_CONTACT].active_low, low != 0);
		n = door_backend_inputs(b, ev, 8);
		assert_int_equal(n, 4);
		assert_int_equal(ev[0].kind, DOOR_IN_CONTACT);
		assert_false(ev[0].active);
		assert_int_equal(ev[1].kind, DOOR_IN_REX);
		assert_int_equal(ev[2].kind, DOOR_IN_FIRE);
		assert_true(ev[2].active);
		assert_int_equal(ev[3].kind, DOOR_IN_TAMPER);
		assert_false(ev[3].active);
		assert_int_equal(door_backend_read(b, ev, 8), 0);

		fake_input(L_CONTACT, act);
		fake_input(L_TAMPER, act);
		fake_input(L_CONTACT, idle);
		n = door_backend_fds(b, fds, 8);
		assert_int_equal(n, 4);
		for (i = 0; i < n; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		assert_int_equal(poll(pfd, (nfds_t)n, 1000), 2);
		/* two fit now, the third one waits in the kernel: its fd stays readable */
		assert_int_equal(door_backend_read(b, ev, 2), 2);
		assert_int_equal(ev[0].kind, DOOR_IN_CONTACT);
		assert_true(ev[0].active);
		assert_int_equal(ev[1].kind, DOOR_IN_TAMPER);
		assert_true(ev[1].active);
		assert_int_equal(poll(pfd, (nfds_t)n, 0), 1);
		assert_int_equal(door_backend_read(b, ev, 8), 1);
		assert_int_equal(ev[0].kind, DOOR_IN_CONTACT);
		assert_false(ev[0].active);
		assert_int_equal(door_backend_read(b, ev, 8), 0);
		door_backend_close(b);
	}
}

static void test_door__gpiod_line_refused(void **state)
{
	struct door_backend_config cfg;
	struct door_backend *b = NULL;
	char err[256] = "";

	(void)state;
	gpiod_config(&cfg);
	cfg.buzzer = 40;
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_DEVICE);
	assert_string_equal(err, "GPIO chip " FAKE_CHIP " has 32 lines: no line 40 for buzzer");
	assert_null(b);
	/* a line another program holds: named in the message, nothing kept, relay left locked */
	gpiod_config(&cfg);
	fake.lines[L_TAMPER].busy = true;
	err[0] = '\0';
	assert_int_equal(door_backend_open(&cfg, &b, err, sizeof(err)), SEUIL_ERR_DEVICE);
	assert_non_null(strstr(err, "line 9 (tamper)"));
	assert_non_null(strstr(err, FAKE_CHIP));
	assert_int_equal(fake.lines[L_RELAY].level, 0);
	assert_null(b);
}

int main(void)
{
#define T(name) cmocka_unit_test(name)
#define TF(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define TG(name) cmocka_unit_test_setup_teardown(name, gpiod_setup, gpiod_teardown)
	const struct CMUnitTest tests[] = {
		T(test_door__defaults_and_init),
		T(test_door__alarm_names),
		T(test_door__grant_pulse_led_beep),
		T(test_door__tick_before_deadline_changes_nothing),
		T(test_door__grant_extends_never_shortens),
		T(test_door__deny_never_touches_strike),
		T(test_door__unlock_for_and_zero_ends),
		T(test_door__unlock_zero_keeps_grant_pulse),
		T(test_door__relock_when_closed_after_opening),
		T(test_door__relock_when_open_at_grant),
		T(test_door__staff_unlock_not_ended_by_close),
		T(test_door__forced_open),
		T(test_door__opening_at_release_end_is_forced),
		T(test_door__rex_releases_without_forced),
		T(test_door__rex_held_prevents_forced),
		T(test_door__rex_repeated_press_does_not_extend),
		T(test_door__held_open),
		T(test_door__forced_then_held),
		T(test_door__time_jump_past_several_deadlines),
		T(test_door__fire_releases_and_holds),
		T(test_door__fire_end_keeps_running_release),
		T(test_door__held_after_staff_hold_open),
		T(test_door__tamper),
		T(test_door__no_contact_ignores_contact),
		T(test_door__repeated_inputs_are_idempotent),
		T(test_door__deadline_invariants_random),
		T(test_door__sim_parse),
		TF(test_door__sim_open_writes_relay_off_first),
		TF(test_door__sim_apply_relay_line_first),
		TF(test_door__sim_maglock_physical_level),
		TF(test_door__sim_control_socket_events),
		TF(test_door__sim_state_follows_outputs),
		TF(test_door__sim_garbage_gets_error),
		TF(test_door__sim_several_clients),
		TF(test_door__sim_read_more_than_max),
		TF(test_door__sim_close_relocks_and_removes_socket),
		TF(test_door__sim_safe_writes_relay_off),
		TF(test_door__sim_socket_path_checks),
		TF(test_door__sim_without_control_socket),
		TF(test_door__sim_inputs_active_at_start),
		TF(test_door__journal_queue_waits_out_a_lock),
		TF(test_door__journal_queue_overflow_is_journaled),
		TF(test_door__request_settle_never_waits),
		T(test_door__backend_kind),
		T(test_door__gpiod_missing_chip),
		T(test_door__gpiod_config_refused),
		TG(test_door__gpiod_open_locked_and_outputs),
		TG(test_door__gpiod_apply_and_beep),
		TG(test_door__gpiod_maglock_levels),
		TG(test_door__gpiod_input_events),
		TG(test_door__gpiod_line_refused),
	};

	return cmocka_run_group_tests_name("door", tests, NULL, NULL);
}
