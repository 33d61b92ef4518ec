/*
 * door_sim.h - the simulated door's control language: one command per
 * line, as sent to the sim backend's control socket (see door_sim.c).
 *
 *   contact open|closed   the door contact (open = door open)
 *   rex press|release     the request-to-exit button
 *   fire on|off           the fire alarm input
 *   tamper on|off         the tamper switch
 *   state                 ask for the current levels
 *
 * Words are separated by blanks; a trailing CR is ignored.  Every line is
 * answered with one line: `ok` (for `state`: `ok relay on|off led
 * green|red|off contact open|closed rex press|release fire on|off tamper
 * on|off`) or `error <reason>`.
 *
 * Pure parsing: no I/O, no allocation; safe from any thread.
 */
#ifndef SEUIL_DOOR_SIM_H
#define SEUIL_DOOR_SIM_H

#include <stddef.h>

#include "door.h"

/* Longest control line accepted, without its newline. */
#define DOOR_SIM_LINE_MAX 256
/* Control clients connected at once; one more is told so and closed. */
#define DOOR_SIM_CLIENTS_MAX 16

enum door_sim_verb {
	DOOR_SIM_INPUT, /* an input level: ev */
	DOOR_SIM_STATE, /* `state` */
};

struct door_sim_command {
	enum door_sim_verb verb;
	struct door_event ev; /* DOOR_SIM_INPUT */
};

/*
 * Parses one line (len bytes, without the newline).  Returns SEUIL_OK and
 * fills *cmd, or SEUIL_ERR_INVALID / SEUIL_ERR_TOO_LARGE with the reason in
 * err (cmd untouched).
 */
int door_sim_parse(const char *line, size_t len, struct door_sim_command *cmd, char *err, size_t errlen);

#endif
