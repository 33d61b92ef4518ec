/*
 * door_sim.c - the simulated door backend (kind "sim"), for tests, the
 * benchmark and the demo: outputs become timestamped lines in a log file,
 * inputs come from a control socket.
 *
 * The log (log_path, created 0640, always appended to, never truncated)
 * gets one line per state change, each written with a single write():
 *
 *   2024-05-01T08:30:00.123Z 123456789 relay off
 *   2024-05-01T08:30:01.002Z 123457668 relay on
 *   2024-05-01T08:30:01.002Z 123457668 led green
 *   2024-05-01T08:30:01.002Z 123457668 beep 100
 *
 * The first field is the UTC wall clock with milliseconds, the second
 * CLOCK_MONOTONIC in milliseconds (the benchmark measures latency from it).
 * `relay on` means the strike is released (the logical state).  With
 * maglock set the physical level follows in brackets: `relay on (coil
 * off)`, `relay off (coil on)`.  Opening writes `relay off` first (a restart
 * after a crash says so at once), so do closing and door_backend_safe();
 * in an apply the relay line comes before the LED and the beep.
 *
 * The control socket (control_path, served by sim_server.c) takes the
 * commands of door_sim.h from up to DOOR_SIM_CLIENTS_MAX clients.  Each
 * input command is reported as one door_event, even when it repeats the
 * current level (the state machine ignores repeats).  A stale socket file
 * is replaced; a path that exists and is not a socket, or a socket someone
 * listens on, is refused.  Closing removes the socket.
 *
 * Inputs start inactive (contact closed, nothing pressed, no fire, no
 * tamper), unless the environment variable SEUIL_DOOR_SIM_INPUTS lists
 * levels to start with, as control commands separated by commas or
 * semicolons: `SEUIL_DOOR_SIM_INPUTS="fire on, contact open"`.  That is
 * how tests start a door whose fire alarm is already ringing; a value that
 * does not parse makes opening fail (SEUIL_ERR_INVALID), naming it.  The
 * levels reach the state machine through door_backend_inputs(), as a real
 * door's would.
 *
 * It does not interpret anything: timing and rules are door_fsm.c's.
 */
#include "door_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "door_driver.h"
#include "err.h"
#include "sim_server.h"
#include "sim_tokens.h"

/* ---- the control language ------------------------------------------------ */

#define TOKENS_MAX 3
#define WORD_ECHO_MAX 32

/* Only short, printable words are echoed back in a message. */
static bool echoable(const struct sim_token *t)
{
	size_t i;

	if (t->len > WORD_ECHO_MAX)
		return false;
	for (i = 0; i < t->len; i++)
		if (t->s[i] < 0x21 || t->s[i] > 0x7e)
			return false;
	return true;
}

struct input_word {
	const char *name;
	enum door_input_kind kind;
	const char *on, *off;
};

static const struct input_word input_words[] = {
	{ "contact", DOOR_IN_CONTACT, "open", "closed" },
	{ "rex", DOOR_IN_REX, "press", "release" },
	{ "fire", DOOR_IN_FIRE, "on", "off" },
	{ "tamper", DOOR_IN_TAMPER, "on", "off" },
};

int door_sim_parse(const char *line, size_t len, struct door_sim_command *cmd, char *err, size_t errlen)
{
	struct sim_token tok[TOKENS_MAX];
	size_t n, i;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > DOOR_SIM_LINE_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "line longer than %d bytes", DOOR_SIM_LINE_MAX);
	n = sim_tokenize(line, len, tok, TOKENS_MAX);
	if (n == 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "empty command");
	if (sim_token_is(&tok[0], "state")) {
		if (n != 1)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "state takes no argument");
		cmd->verb = DOOR_SIM_STATE;
		memset(&cmd->ev, 0, sizeof(cmd->ev));
		return SEUIL_OK;
	}
	for (i = 0; i < sizeof(input_words) / sizeof(input_words[0]); i++) {
		const struct input_word *w = &input_words[i];

		if (!sim_token_is(&tok[0], w->name))
			continue;
		if (n != 2 || (!sim_token_is(&tok[1], w->on) && !sim_token_is(&tok[1], w->off)))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%s takes %s or %s", w->name, w->on,
				       w->off);
		cmd->verb = DOOR_SIM_INPUT;
		cmd->ev.kind = w->kind;
		cmd->ev.active = sim_token_is(&tok[1], w->on);
		return SEUIL_OK;
	}
	if (echoable(&tok[0]))
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "unknown command \"%.*s\" (contact, rex, fire, tamper, state)", (int)tok[0].len,
			       tok[0].s);
	return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown command (contact, rex, fire, tamper, state)");
}

/* ---- the backend ----------------------------------------------------------- */

struct door_sim {
	struct door_backend base;
	bool maglock;
	int log_fd;
	struct sim_server *control; /* NULL without a control socket */
	bool released;              /* what the log says now */
	enum door_led led;
	bool level[4];              /* contact, rex, fire, tamper as last commanded */
};

static struct door_sim *to_sim(struct door_backend *b)
{
	return (struct door_sim *)b;
}

/* ---- log lines: built without stdio so that door_backend_safe() may write one ---- */

#define LOG_LINE_MAX 128

struct line {
	char buf[LOG_LINE_MAX];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s != '\0' && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

/* Decimal, left-padded with zeros to `width` digits. */
static void put_uint(struct line *l, uint64_t v, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < (int)sizeof(digits));
	while (n < width && n < (int)sizeof(digits))
		digits[n++] = '0';
	while (n > 0 && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--n];
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* "<ISO8601 UTC with ms> <monotonic ms> "; async-signal-safe. */
static void put_stamp(struct line *l)
{
	int64_t wall = clock_wall_ms(), mono = clock_mono_ms();
	int64_t secs, days, y;
	unsigned m, d, sod;

	if (wall < 0)
		wall = 0;
	secs = wall / 1000;
	days = secs / 86400;
	sod = (unsigned)(secs % 86400);
	civil_from_days(days, &y, &m, &d);
	put_uint(l, (uint64_t)y, 4);
	put_str(l, "-");
	put_uint(l, m, 2);
	put_str(l, "-");
	put_uint(l, d, 2);
	put_str(l, "T");
	put_uint(l, sod / 3600, 2);
	put_str(l, ":");
	put_uint(l, sod / 60 % 60, 2);
	put_str(l, ":");
	put_uint(l, sod % 60, 2);
	put_str(l, ".");
	put_uint(l, (uint64_t)(wall % 1000), 3);
	put_str(l, "Z ");
	put_uint(l, (uint64_t)mono, 1);
	put_str(l, " ");
}

/* Appends the line with one write(); returns 0, or -1 with errno set. */
static int line_write(int fd, struct line *l)
{
	ssize_t n;

	l->buf[l->len++] = '\n';
	do {
		n = write(fd, l->buf, l->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != l->len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int log_relay(int fd, bool maglock, bool released)
{
	struct line l = { .len = 0 };

	put_stamp(&l);
	put_str(&l, released ? "relay on" : "relay off");
	if (maglock)
		put_str(&l, released ? " (coil off)" : " (coil on)");
	return line_write(fd, &l);
}

static const char *led_name(enum door_led led)
{
	switch (led) {
	case DOOR_LED_GREEN: return "green";
	case DOOR_LED_RED: return "red";
	case DOOR_LED_OFF: break;
	}
	return "off";
}

static int log_led(int fd, enum door_led led)
{
	struct line l = { .len = 0 };

	put_stamp(&l);
	put_str(&l, "led ");
	put_str(&l, led_name(led));
	return line_write(fd, &l);
}

static int log_beep(int fd, unsigned ms)
{
	struct line l = { .len = 0 };

	put_stamp(&l);
	put_str(&l, "beep ");
	put_uint(&l, ms, 1);
	return line_write(fd, &l);
}

/* ---- control socket ---- */

static void state_reply(const struct door_sim *sim, char *out, size_t cap)
{
	snprintf(out, cap, "ok relay %s led %s contact %s rex %s fire %s tamper %s",
		 sim->released ? "on" : "off", led_name(sim->led), sim->level[0] ? "open" : "closed",
		 sim->level[1] ? "press" : "release", sim->level[2] ? "on" : "off", sim->level[3] ? "on" : "off");
}

static size_t level_index(enum door_input_kind kind)
{
	switch (kind) {
	case DOOR_IN_CONTACT: return 0;
	case DOOR_IN_REX: return 1;
	case DOOR_IN_FIRE: return 2;
	default: return 3;
	}
}

/* What sim_read() collects from the control lines. */
struct control_read {
	struct door_sim *sim;
	struct door_event *ev;
	int n, max;
};

/* Executes one control line (a sim_server_line_fn); goes on while ev has room. */
static bool control_line(void *ctx, const char *line, size_t len, bool too_long, char *reply, size_t cap)
{
	struct control_read *r = ctx;
	struct door_sim_command cmd;
	char why[160] = "";

	if (too_long) {
		snprintf(reply, cap, "error line longer than %d bytes", DOOR_SIM_LINE_MAX);
	} else if (door_sim_parse(line, len, &cmd, why, sizeof(why)) != SEUIL_OK) {
		snprintf(reply, cap, "error %s", why);
	} else if (cmd.verb == DOOR_SIM_STATE) {
		state_reply(r->sim, reply, cap);
	} else {
		r->sim->level[level_index(cmd.ev.kind)] = cmd.ev.active;
		r->ev[r->n++] = cmd.ev;
		snprintf(reply, cap, "ok");
	}
	return r->n < r->max;
}

/* ---- driver ---- */

#define INITIAL_ENV "SEUIL_DOOR_SIM_INPUTS"
#define INITIAL_MAX 256

/* The levels SEUIL_DOOR_SIM_INPUTS asks to start with, into sim->level. */
static int initial_levels(struct door_sim *sim, const char *spec, char *err, size_t errlen)
{
	size_t len = strlen(spec), at = 0;

	if (len > INITIAL_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "sim door: %s longer than %d bytes", INITIAL_ENV,
			       INITIAL_MAX);
	while (at < len) {
		size_t end = at + strcspn(spec + at, ",;");
		struct door_sim_command cmd;
		char why[160] = "";
		size_t i = at;

		while (i < end && (spec[i] == ' ' || spec[i] == '\t'))
			i++;
		if (i < end) {
			if (door_sim_parse(spec + i, end - i, &cmd, why, sizeof(why)) != SEUIL_OK)
				return err_set(err, errlen, SEUIL_ERR_INVALID, "sim door: %s: %s", INITIAL_ENV, why);
			if (cmd.verb != DOOR_SIM_INPUT)
				return err_set(err, errlen, SEUIL_ERR_INVALID,
					       "sim door: %s takes input levels (contact, rex, fire, tamper)",
					       INITIAL_ENV);
			sim->level[level_index(cmd.ev.kind)] = cmd.ev.active;
		}
		at = end + 1;
	}
	return SEUIL_OK;
}

static void sim_free(struct door_sim *sim)
{
	sim_server_close(sim->control);
	if (sim->log_fd >= 0)
		close(sim->log_fd);
	free(sim);
}

static int sim_open(const struct door_backend_config *cfg, struct door_backend **out, char *err, size_t errlen)
{
	struct door_sim *sim;
	char why[256] = "";
	int rc;

	if (cfg->log_path == NULL || cfg->log_path[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "sim door: no log path configured");
	if (cfg->control_path != NULL &&
	    (cfg->control_path[0] == '\0' ||
	     strlen(cfg->control_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)))
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "sim door: control socket path empty or longer than %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);

	sim = calloc(1, sizeof(*sim));
	if (sim == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	sim->maglock = cfg->maglock;
	sim->led = DOOR_LED_OFF;
	sim->log_fd = -1;
	if (getenv(INITIAL_ENV) != NULL && (rc = initial_levels(sim, getenv(INITIAL_ENV), err, errlen)) != SEUIL_OK)
		goto fail;
	/* the socket first: a second instance refused here writes nothing into
	 * the log of the door another process runs */
	if (cfg->control_path != NULL) {
		/* the line limit leaves room for a CR, which door_sim_parse() ignores */
		rc = sim_server_listen(cfg->control_path, DOOR_SIM_CLIENTS_MAX, DOOR_SIM_LINE_MAX + 1, &sim->control,
				       why, sizeof(why));
		if (rc != SEUIL_OK) {
			err_set(err, errlen, rc, "sim door: %s", why);
			goto fail;
		}
	}
	sim->log_fd = open(cfg->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (sim->log_fd < 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "sim door: open %s: %s", cfg->log_path, strerror(errno));
		goto fail;
	}
	/* fail-secure first: whatever happened before, the log now says locked */
	if (log_relay(sim->log_fd, sim->maglock, false) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "sim door: write %s: %s", cfg->log_path, strerror(errno));
		goto fail;
	}
	*out = &sim->base;
	return SEUIL_OK;

fail:
	sim_free(sim);
	return rc;
}

static void sim_close(struct door_backend *b)
{
	struct door_sim *sim = to_sim(b);

	(void)log_relay(sim->log_fd, sim->maglock, false);
	sim_free(sim);
}

static int sim_apply(struct door_backend *b, const struct door_actions *a, char *err, size_t errlen)
{
	struct door_sim *sim = to_sim(b);

	/* the door opens first: the relay line precedes everything else */
	if (a->released != sim->released) {
		if (log_relay(sim->log_fd, sim->maglock, a->released) != 0)
			return err_set(err, errlen, SEUIL_ERR_IO, "sim door: write log: %s", strerror(errno));
		sim->released = a->released;
	}
	if (a->led != sim->led) {
		if (log_led(sim->log_fd, a->led) != 0)
			return err_set(err, errlen, SEUIL_ERR_IO, "sim door: write log: %s", strerror(errno));
		sim->led = a->led;
	}
	if (a->beep_ms > 0 && log_beep(sim->log_fd, a->beep_ms) != 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "sim door: write log: %s", strerror(errno));
	return SEUIL_OK;
}

static int sim_fds(struct door_backend *b, int *fds, int max)
{
	struct door_sim *sim = to_sim(b);

	if (sim->control == NULL)
		return 0;
	return sim_server_fds(sim->control, fds, max);
}

static int sim_read(struct door_backend *b, struct door_event *ev, int max)
{
	struct door_sim *sim = to_sim(b);
	struct control_read r = { .sim = sim, .ev = ev, .n = 0, .max = max };

	if (sim->control == NULL)
		return 0;
	sim_server_read(sim->control, control_line, &r);
	return r.n;
}

static int sim_inputs(struct door_backend *b, struct door_event *ev, int max)
{
	static const enum door_input_kind kinds[] = { DOOR_IN_CONTACT, DOOR_IN_REX, DOOR_IN_FIRE,
						      DOOR_IN_TAMPER };
	struct door_sim *sim = to_sim(b);
	int i;

	for (i = 0; i < 4 && i < max; i++) {
		ev[i].kind = kinds[i];
		ev[i].active = sim->level[level_index(kinds[i])];
	}
	return i;
}

static void sim_safe(struct door_backend *b)
{
	struct door_sim *sim = to_sim(b);
	int saved = errno; /* a signal handler must leave errno as it found it */

	(void)log_relay(sim->log_fd, sim->maglock, false);
	errno = saved;
}

const struct door_driver door_sim_driver = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.apply = sim_apply,
	.fds = sim_fds,
	.read = sim_read,
	.inputs = sim_inputs,
	.safe = sim_safe,
};
