/*
 * door.h - the door: a pure state machine for strike, contact, exit button,
 * fire alarm, tamper, LEDs and buzzer, and the backends that apply its
 * actions to hardware (libgpiod) or to a simulation (tests, demo).
 *
 * The state machine (door_step) never reads the clock and never touches
 * hardware: the caller gives it inputs and the time, and applies the actions
 * it returns.  Backends only move lines and report input changes.
 *
 * Fail-secure: the state machine starts locked, and every backend drives the
 * relay to the locked level when opened, when closed, and in
 * door_backend_safe() (called from signal paths and by `seuil --relay-off`,
 * which systemd runs after the service stops, crash included).  A
 * fail-safe maglock (lock = maglock) only inverts the relay's level: locked
 * means relay energized.
 *
 * Threads: nothing here is thread-safe; one thread (the main loop) owns a
 * door_state and a backend.  door_backend_safe() alone may also be called
 * from a signal handler of that process.
 */
#ifndef SEUIL_DOOR_H
#define SEUIL_DOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the state machine ------------------------------------------------- */

struct door_config {
	unsigned held_open_ms;   /* contact open this long after a release: held-open alarm (default 30000) */
	unsigned rex_unlock_ms;  /* request-to-exit release length (default 5000) */
	unsigned beep_grant_ms;  /* short beep on a grant (default 100) */
	unsigned beep_deny_ms;   /* long beep on a refusal (default 800) */
	unsigned led_ms;         /* how long the green or red LED stays lit (default 2000) */
	bool has_contact;        /* a door contact is wired (else no held/forced alarms; default true) */
};

enum door_led { DOOR_LED_OFF, DOOR_LED_GREEN, DOOR_LED_RED };

enum door_alarm {
	DOOR_ALARM_NONE = 0,
	DOOR_ALARM_FORCED = 1 << 0,   /* opened while locked, no exit request */
	DOOR_ALARM_HELD = 1 << 1,     /* left open longer than held_open_ms */
	DOOR_ALARM_TAMPER = 1 << 2,   /* the reader or box was opened */
	DOOR_ALARM_FIRE = 1 << 3,     /* fire alarm input active: door released */
};

enum door_input_kind {
	DOOR_IN_TICK,        /* time passed (a deadline was reached) */
	DOOR_IN_GRANT,       /* access granted: release for `ms` */
	DOOR_IN_DENY,        /* access refused: red LED, long beep */
	DOOR_IN_UNLOCK_FOR,  /* staff or office: release for `ms` (0 ends it) */
	DOOR_IN_CONTACT,     /* door contact: active = door open */
	DOOR_IN_REX,         /* request-to-exit button: active = pressed */
	DOOR_IN_FIRE,        /* fire alarm input: active = alarm */
	DOOR_IN_TAMPER,      /* tamper switch: active = tampered */
};

struct door_input {
	enum door_input_kind kind;
	bool active;
	unsigned ms;
};

/*
 * The whole state of one door; plain data the caller embeds and never edits
 * (door_init() then door_step() only).  A release is the union of a pulse
 * (grants and the exit button) and a staff hold-open; release_until is the
 * later of their ends.
 */
struct door_state {
	bool released;          /* strike released (door may be pushed open) */
	int64_t release_until;  /* end of the current release, 0 when none */
	bool contact_open;
	bool fire;
	bool tamper;
	int64_t opened_at;      /* when the contact opened, 0 when closed */
	unsigned alarms;        /* alarms active now (enum door_alarm bits) */
	enum door_led led;
	int64_t led_until;
	/* the parts of release_until, and what the rules below need */
	int64_t pulse_until;    /* end of the grant / exit-button pulse, 0 when none */
	int64_t staff_until;    /* end of a staff hold-open (UNLOCK_FOR), 0 when none */
	bool rex;               /* exit button held down */
	bool opened_in_pulse;   /* the contact was open during the current pulse */
};

struct door_actions {
	bool released;          /* the strike's wanted state after this step */
	bool relay_changed;     /* released differs from before the step */
	enum door_led led;
	bool led_changed;
	unsigned beep_ms;       /* > 0: beep this long now */
	unsigned alarms_raised; /* alarms that started in this step */
	unsigned alarms_cleared;/* alarms that ended in this step */
	int64_t next_deadline;  /* when to send DOOR_IN_TICK next, 0 for none */
};

/* Fills cfg with the defaults above. */
void door_config_defaults(struct door_config *cfg);
/* Starts locked, LED off, no alarm. */
void door_init(struct door_state *s);
/*
 * Applies one input at now_ms; fills *out.  Pure: no clock, no I/O.
 * now_ms must not go backwards between steps; it may jump past several
 * deadlines at once (each is handled).  The rules:
 *
 * - GRANT(ms): the pulse runs until now+ms at least (extends, never
 *   shortens); green LED for led_ms; beep beep_grant_ms.  DENY: red LED
 *   for led_ms, beep beep_deny_ms; the strike is not touched.
 * - REX pressed: the pulse runs until now+rex_unlock_ms at least; while
 *   the button is held or the pulse runs, an opening is not forced.
 * - UNLOCK_FOR(ms): staff hold-open until now+ms (replaces an earlier
 *   one); 0 ends it, a running pulse still ends on its own.
 * - The pulse ends at its time, or as soon as the contact closes after
 *   having been open during it (no tailgating on a long pulse).  A staff
 *   hold-open ends only at its time.  Released = pulse or hold-open or fire.
 * - CONTACT opening while locked, no button held, no fire: FORCED (cleared
 *   when it closes).  Open for held_open_ms since the opening: HELD
 *   (cleared when it closes); HELD is not raised while the fire input or a
 *   staff hold-open keeps the door released on purpose, and is raised at
 *   once when that ends with the door still open past its time.  With
 *   has_contact false, contact inputs are ignored.
 * - FIRE active: released while active, FIRE alarm; when it clears the
 *   alarm clears and the door locks unless a release is still running.
 * - TAMPER active: TAMPER alarm (cleared when inactive); strike untouched.
 * - Level inputs repeated are no-ops; relay_changed, led_changed and the
 *   alarm bits report edges only.  next_deadline is 0 or later than now_ms:
 *   a TICK before it changes nothing.
 */
void door_step(struct door_state *s, const struct door_config *cfg, const struct door_input *in,
	       int64_t now_ms, struct door_actions *out);
/* "forced_open", "held_open", "tamper", "fire" for one alarm bit ("unknown" otherwise). */
const char *door_alarm_name(enum door_alarm alarm);

/* ---- backends ---------------------------------------------------------- */

struct door_backend;

/*
 * What door_backend_open() reads; it copies what it keeps, so the strings
 * need only live until it returns.
 */
struct door_backend_config {
	const char *kind;        /* "gpiod" or "sim" */
	bool maglock;            /* relay energized = locked */
	/* gpiod: chip name or path, line offsets (-1 = not wired), inputs' polarity */
	const char *chip;
	int relay, contact, rex, fire, tamper, led_green, led_red, buzzer;
	bool inputs_active_low;
	/* sim: state changes appended to log_path, inputs read from control_path (NULL: no inputs) */
	const char *log_path;
	const char *control_path;
};

/* Fills cfg for a "sim" door with no paths, no chip, every line not wired (-1). */
void door_backend_config_defaults(struct door_backend_config *cfg);

/* An input change a backend reports. */
struct door_event {
	enum door_input_kind kind; /* DOOR_IN_CONTACT, _REX, _FIRE or _TAMPER */
	bool active;
};

/*
 * Opens a backend and drives the relay to the locked level at once.  On
 * success *out is owned by the caller (door_backend_close()).  On failure
 * nothing is left open and err holds one line: SEUIL_ERR_INVALID for a bad
 * configuration, SEUIL_ERR_DEVICE for a chip or line that cannot be had
 * (the message names it), SEUIL_ERR_IO for the sim's files.
 */
int door_backend_open(const struct door_backend_config *cfg, struct door_backend **out, char *err,
		      size_t errlen);
/* Locks, releases the lines and frees; NULL does nothing. */
void door_backend_close(struct door_backend *b);
/*
 * Sets the strike (released = unlocked), LED and a beep of beep_ms (0 none).
 * The relay is moved first, then the LED, then the buzzer; each only when it
 * differs from what the backend last set.  Never sleeps: the gpiod backend
 * ends a beep through a timer among its fds (see below).
 */
int door_backend_apply(struct door_backend *b, const struct door_actions *a, char *err, size_t errlen);
/*
 * The file descriptors to poll for input (POLLIN): up to max written into
 * fds, returns how many.  When one is readable call door_backend_read().
 * The set may change after each door_backend_read() (sim: clients come and
 * go), so ask again before each poll().  It may include a timer of the
 * backend's own (gpiod: the end of a beep) that door_backend_read() serves.
 */
int door_backend_fds(struct door_backend *b, int *fds, int max);
/*
 * Reads pending input changes into ev (up to max); returns how many, or < 0.
 * Never blocks.  0 is normal (a timer served, a client came or left).
 * When it returns max, more may be pending without an fd being readable
 * again: call it again until it returns less than max.
 */
int door_backend_read(struct door_backend *b, struct door_event *ev, int max);
/* The current level of the inputs, to seed the state machine after opening. */
int door_backend_inputs(struct door_backend *b, struct door_event *ev, int max);
/*
 * Drives the relay to the locked level with as little as possible (no
 * allocation, no lock); safe from a fatal-signal handler.
 */
void door_backend_safe(struct door_backend *b);

#endif
