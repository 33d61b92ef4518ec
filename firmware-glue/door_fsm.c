/*
 * door_fsm.c - the door's state machine (rules in door.h): inputs and the
 * time in, the wanted strike, LED, beep and alarm edges out.
 *
 * It never reads the clock, never touches a line and never logs: the
 * caller applies the actions through a backend and writes alarms to the
 * journal.  Every step first lets the time run out (pulse, hold-open, LED,
 * held-open), then applies the input, then compares with the state before
 * the step, so time jumps and repeated inputs need no special case.
 */
#include "door.h"

#include <string.h>

void door_config_defaults(struct door_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->held_open_ms = 30000;
	cfg->rex_unlock_ms = 5000;
	cfg->beep_grant_ms = 100;
	cfg->beep_deny_ms = 800;
	cfg->led_ms = 2000;
	cfg->has_contact = true;
}

void door_init(struct door_state *s)
{
	memset(s, 0, sizeof(*s));
	s->released = false;
	s->led = DOOR_LED_OFF;
}

const char *door_alarm_name(enum door_alarm alarm)
{
	switch (alarm) {
	case DOOR_ALARM_FORCED: return "forced_open";
	case DOOR_ALARM_HELD: return "held_open";
	case DOOR_ALARM_TAMPER: return "tamper";
	case DOOR_ALARM_FIRE: return "fire";
	case DOOR_ALARM_NONE: break;
	}
	return "unknown";
}

static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* The earlier of two deadlines where 0 means none. */
static int64_t earliest(int64_t a, int64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* A fire or a staff hold-open keeps the door open on purpose: no held-open alarm then. */
static bool held_watch(const struct door_state *s, const struct door_config *cfg)
{
	return cfg->has_contact && s->contact_open && !(s->alarms & DOOR_ALARM_HELD) && !s->fire &&
	       s->staff_until == 0;
}

static int64_t held_deadline(const struct door_state *s, const struct door_config *cfg)
{
	return s->opened_at + (int64_t)cfg->held_open_ms;
}

static void expire(struct door_state *s, int64_t now_ms)
{
	if (s->pulse_until != 0 && now_ms >= s->pulse_until) {
		s->pulse_until = 0;
		s->opened_in_pulse = false;
	}
	if (s->staff_until != 0 && now_ms >= s->staff_until)
		s->staff_until = 0;
	if (s->led_until != 0 && now_ms >= s->led_until) {
		s->led_until = 0;
		s->led = DOOR_LED_OFF;
	}
}

static void start_pulse(struct door_state *s, unsigned ms, int64_t now_ms)
{
	if (ms == 0)
		return;
	s->pulse_until = later(s->pulse_until, now_ms + (int64_t)ms);
	/* a door already open when the pulse starts was open during it */
	if (s->contact_open)
		s->opened_in_pulse = true;
}

static void light(struct door_state *s, enum door_led led, unsigned ms, int64_t now_ms)
{
	if (ms == 0)
		return;
	s->led = led;
	s->led_until = now_ms + (int64_t)ms;
}

static void contact(struct door_state *s, const struct door_config *cfg, bool open, int64_t now_ms)
{
	if (!cfg->has_contact || open == s->contact_open)
		return;
	s->contact_open = open;
	if (open) {
		s->opened_at = now_ms;
		if (s->pulse_until != 0)
			s->opened_in_pulse = true;
		if (s->pulse_until == 0 && s->staff_until == 0 && !s->fire && !s->rex)
			s->alarms |= DOOR_ALARM_FORCED;
		return;
	}
	s->opened_at = 0;
	s->alarms &= ~(unsigned)(DOOR_ALARM_FORCED | DOOR_ALARM_HELD);
	if (s->opened_in_pulse) {
		/* the holder went through: relock now rather than at the pulse's end */
		s->pulse_until = 0;
		s->opened_in_pulse = false;
	}
}

static void apply_input(struct door_state *s, const struct door_config *cfg, const struct door_input *in,
			int64_t now_ms, unsigned *beep_ms)
{
	switch (in->kind) {
	case DOOR_IN_TICK:
		break;
	case DOOR_IN_GRANT:
		start_pulse(s, in->ms, now_ms);
		light(s, DOOR_LED_GREEN, cfg->led_ms, now_ms);
		*beep_ms = cfg->beep_grant_ms;
		break;
	case DOOR_IN_DENY:
		light(s, DOOR_LED_RED, cfg->led_ms, now_ms);
		*beep_ms = cfg->beep_deny_ms;
		break;
	case DOOR_IN_UNLOCK_FOR:
		s->staff_until = in->ms == 0 ? 0 : now_ms + (int64_t)in->ms;
		break;
	case DOOR_IN_CONTACT:
		contact(s, cfg, in->active, now_ms);
		break;
	case DOOR_IN_REX:
		if (in->active && !s->rex)
			start_pulse(s, cfg->rex_unlock_ms, now_ms);
		s->rex = in->active;
		break;
	case DOOR_IN_FIRE:
		s->fire = in->active;
		if (in->active)
			s->alarms |= DOOR_ALARM_FIRE;
		else
			s->alarms &= ~(unsigned)DOOR_ALARM_FIRE;
		break;
	case DOOR_IN_TAMPER:
		s->tamper = in->active;
		if (in->active)
			s->alarms |= DOOR_ALARM_TAMPER;
		else
			s->alarms &= ~(unsigned)DOOR_ALARM_TAMPER;
		break;
	}
}

void door_step(struct door_state *s, const struct door_config *cfg, const struct door_input *in,
	       int64_t now_ms, struct door_actions *out)
{
	const struct door_state before = *s;
	unsigned beep_ms = 0;
	int64_t next = 0;

	expire(s, now_ms);
	apply_input(s, cfg, in, now_ms, &beep_ms);

	/* measured from the opening, whatever the time jumped over */
	if (held_watch(s, cfg) && now_ms >= held_deadline(s, cfg))
		s->alarms |= DOOR_ALARM_HELD;

	s->release_until = later(s->pulse_until, s->staff_until);
	s->released = s->fire || s->release_until != 0;

	next = earliest(next, s->release_until);
	next = earliest(next, s->led_until);
	if (held_watch(s, cfg))
		next = earliest(next, held_deadline(s, cfg));
	else if (cfg->has_contact && s->contact_open && !(s->alarms & DOOR_ALARM_HELD))
		next = earliest(next, s->staff_until); /* its end starts the held-open watch again */

	memset(out, 0, sizeof(*out));
	out->released = s->released;
	out->relay_changed = s->released != before.released;
	out->led = s->led;
	out->led_changed = s->led != before.led;
	out->beep_ms = beep_ms;
	out->alarms_raised = s->alarms & ~before.alarms;
	out->alarms_cleared = before.alarms & ~s->alarms;
	out->next_deadline = next;
}
