/*
 * fuzz_door_sim.c - libFuzzer target for the sim door's control-line
 * parser (door_sim_parse) and, behind it, the door state machine.
 *
 * The input is cut into lines at '\n' as door_sim.c cuts what a client
 * sends.  Every line goes through the parser; a parsed input goes on to
 * door_step().  A line the parser refuses still drives the state machine
 * by its first byte (g: grant, d: refusal, u: staff unlock, t: tick at the
 * next deadline, else time passes), so that any byte string is a scenario.
 * It checks invariants with abort(), never prints.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "door.h"
#include "door_sim.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parse(const char *line, size_t len, struct door_sim_command *cmd, int *rc)
{
	struct door_sim_command again;
	char err[256] = "", err2[256] = "";
	int rc2;

	memset(cmd, 0, sizeof(*cmd));
	*rc = door_sim_parse(line, len, cmd, err, sizeof(err));
	if (*rc == SEUIL_OK) {
		if (err[0] != '\0')
			abort();
		if (cmd->verb != DOOR_SIM_INPUT && cmd->verb != DOOR_SIM_STATE)
			abort();
		if (cmd->verb == DOOR_SIM_INPUT && cmd->ev.kind != DOOR_IN_CONTACT && cmd->ev.kind != DOOR_IN_REX &&
		    cmd->ev.kind != DOOR_IN_FIRE && cmd->ev.kind != DOOR_IN_TAMPER)
			abort();
	} else {
		if (*rc != SEUIL_ERR_INVALID && *rc != SEUIL_ERR_TOO_LARGE)
			abort();
		/* one line, something to say, no newline: it is sent back to a client as is */
		if (err[0] == '\0' || strchr(err, '\n') != NULL || strlen(err) >= sizeof(err))
			abort();
	}
	/* the same line parses the same way */
	memset(&again, 0, sizeof(again));
	rc2 = door_sim_parse(line, len, &again, err2, sizeof(err2));
	if (rc2 != *rc || strcmp(err, err2) != 0 || memcmp(&again, cmd, sizeof(again)) != 0)
		abort();
}

static void check_step(struct door_state *s, const struct door_config *cfg, const struct door_input *in,
		       int64_t now)
{
	struct door_state before = *s;
	struct door_actions a;

	door_step(s, cfg, in, now, &a);
	if (a.next_deadline != 0 && a.next_deadline <= now)
		abort(); /* the caller would spin */
	if (a.released != s->released || a.relay_changed != (s->released != before.released))
		abort();
	if (s->released != (s->fire || s->release_until > now))
		abort();
	if (a.alarms_raised & a.alarms_cleared)
		abort();
	if (!s->contact_open && (s->alarms & (DOOR_ALARM_FORCED | DOOR_ALARM_HELD)))
		abort();
	if (in->kind == DOOR_IN_DENY && a.relay_changed)
		abort(); /* a refusal never moves the strike */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct door_sim_command cmd;
	struct door_config cfg;
	struct door_state s;
	struct door_input in;
	struct door_actions a;
	int64_t now = 1;
	size_t start = 0, i, len;
	int rc;

	door_config_defaults(&cfg);
	/* short times so that a short input reaches every deadline */
	cfg.held_open_ms = 3000;
	cfg.rex_unlock_ms = 1000;
	cfg.led_ms = 500;
	cfg.has_contact = size == 0 || data[0] != '!';
	door_init(&s);
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		len = i - start;
		check_parse((const char *)data + start, len, &cmd, &rc);
		memset(&in, 0, sizeof(in));
		if (rc == SEUIL_OK && cmd.verb == DOOR_SIM_INPUT) {
			in.kind = cmd.ev.kind;
			in.active = cmd.ev.active;
		} else if (len > 0) {
			switch (data[start]) {
			case 'g': in.kind = DOOR_IN_GRANT; in.ms = (unsigned)len * 250; break;
			case 'd': in.kind = DOOR_IN_DENY; break;
			case 'u': in.kind = DOOR_IN_UNLOCK_FOR; in.ms = (unsigned)(len - 1) * 1000; break;
			case 't':
				door_step(&s, &cfg, &in, now, &a); /* a TICK: look, change nothing */
				if (a.next_deadline != 0)
					now = a.next_deadline;
				break;
			default: now += (int64_t)len * 97; break;
			}
		}
		check_step(&s, &cfg, &in, now);
		start = i + 1;
	}
	return 0;
}
