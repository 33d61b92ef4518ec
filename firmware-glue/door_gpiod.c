/*
 * door_gpiod.c - the real door backend (kind "gpiod"): the strike relay,
 * the LEDs and the buzzer as GPIO outputs, the contact, exit button, fire
 * and tamper inputs as GPIO lines with edge events, through libgpiod v1
 * (Debian 12's libgpiod 1.6).
 *
 * Lines come from one chip (name, path, label or number, as
 * gpiod_chip_open_lookup() takes it) at the configured offsets; -1 means
 * not wired, except for the relay, which every door has.  Outputs are
 * requested with their locked/off value, so the relay never glitches open
 * at start.  The relay's level is 1 when released, or, with maglock, 1 when
 * locked.  Inputs are reported as logical levels: inputs_active_low makes
 * a low line an active input (the kernel inverts, events included).
 *
 * A beep sets the buzzer and arms a timerfd; the timer is among the fds and
 * door_backend_read() turns the buzzer off when it fires, so nothing here
 * ever sleeps.  No debouncing: the state machine ignores repeated levels,
 * and contact bounce only repeats an edge it already reported.
 */
#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "door.h"
#include "door_driver.h"
#include "err.h"

#define CONSUMER "seuil-door"

enum { OUT_RELAY, OUT_GREEN, OUT_RED, OUT_BUZZER, OUT_COUNT };
enum { IN_CONTACT, IN_REX, IN_FIRE, IN_TAMPER, IN_COUNT };

static const char *const out_names[OUT_COUNT] = { "relay", "led_green", "led_red", "buzzer" };
static const char *const in_names[IN_COUNT] = { "contact", "rex", "fire", "tamper" };
static const enum door_input_kind in_kinds[IN_COUNT] = { DOOR_IN_CONTACT, DOOR_IN_REX, DOOR_IN_FIRE,
							 DOOR_IN_TAMPER };

struct door_gpiod {
	struct door_backend base;
	struct gpiod_chip *chip;
	bool maglock;
	struct gpiod_line *out[OUT_COUNT]; /* NULL: not wired */
	struct gpiod_line *in[IN_COUNT];   /* NULL: not wired */
	int in_fd[IN_COUNT];               /* event fds, owned by the lines */
	int beep_fd;                       /* timerfd ending a beep; -1 without a buzzer */
	bool released;
	enum door_led led;
};

static struct door_gpiod *to_gpiod(struct door_backend *b)
{
	return (struct door_gpiod *)b;
}

static int locked_level(const struct door_gpiod *g)
{
	return g->maglock ? 1 : 0;
}

static void config_offsets(const struct door_backend_config *cfg, int out[OUT_COUNT], int in[IN_COUNT])
{
	out[OUT_RELAY] = cfg->relay;
	out[OUT_GREEN] = cfg->led_green;
	out[OUT_RED] = cfg->led_red;
	out[OUT_BUZZER] = cfg->buzzer;
	in[IN_CONTACT] = cfg->contact;
	in[IN_REX] = cfg->rex;
	in[IN_FIRE] = cfg->fire;
	in[IN_TAMPER] = cfg->tamper;
}

/* The configuration alone, before any device is touched. */
static int check_config(const struct door_backend_config *cfg, char *err, size_t errlen)
{
	int offs[OUT_COUNT + IN_COUNT];
	const char *names[OUT_COUNT + IN_COUNT];
	size_t i, j;

	if (cfg->chip == NULL || cfg->chip[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "gpiod door: no GPIO chip configured");
	config_offsets(cfg, offs, offs + OUT_COUNT);
	for (i = 0; i < OUT_COUNT; i++)
		names[i] = out_names[i];
	for (i = 0; i < IN_COUNT; i++)
		names[OUT_COUNT + i] = in_names[i];
	if (cfg->relay < 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "gpiod door: the relay line is required");
	for (i = 0; i < OUT_COUNT + IN_COUNT; i++) {
		if (offs[i] < -1)
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "gpiod door: %s line %d is not an offset (-1 for not wired)", names[i],
				       offs[i]);
		for (j = 0; j < i; j++)
			if (offs[i] >= 0 && offs[i] == offs[j])
				return err_set(err, errlen, SEUIL_ERR_INVALID,
					       "gpiod door: line %d is both %s and %s", offs[i], names[j],
					       names[i]);
	}
	return SEUIL_OK;
}

static int get_line(struct door_gpiod *g, const char *chip, int offset, const char *name,
		    struct gpiod_line **line, char *err, size_t errlen)
{
	unsigned nlines = gpiod_chip_num_lines(g->chip);

	if ((unsigned)offset >= nlines)
		return err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO chip %s has %u lines: no line %d for %s",
			       chip, nlines, offset, name);
	*line = gpiod_chip_get_line(g->chip, (unsigned)offset);
	if (*line == NULL)
		return err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO chip %s line %d (%s): %s", chip, offset,
			       name, strerror(errno));
	return SEUIL_OK;
}

static void gpiod_free(struct door_gpiod *g)
{
	if (g->beep_fd >= 0)
		close(g->beep_fd);
	/* closing the chip releases every line requested from it */
	if (g->chip != NULL)
		gpiod_chip_close(g->chip);
	free(g);
}

static int gpiod_open(const struct door_backend_config *cfg, struct door_backend **out, char *err,
		      size_t errlen)
{
	int out_off[OUT_COUNT], in_off[IN_COUNT];
	struct door_gpiod *g;
	struct gpiod_line *line;
	int i, rc, flags;

	rc = check_config(cfg, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	config_offsets(cfg, out_off, in_off);

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	g->maglock = cfg->maglock;
	g->beep_fd = -1;
	g->led = DOOR_LED_OFF;
	for (i = 0; i < IN_COUNT; i++)
		g->in_fd[i] = -1;

	g->chip = gpiod_chip_open_lookup(cfg->chip);
	if (g->chip == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO chip %s cannot be opened: %s", cfg->chip,
			     errno == ENOENT || errno == 0 ? "no such chip" : strerror(errno));
		goto fail;
	}
	/* the relay first, at the locked level: the door stays shut whatever fails next */
	for (i = 0; i < OUT_COUNT; i++) {
		if (out_off[i] < 0)
			continue;
		rc = get_line(g, cfg->chip, out_off[i], out_names[i], &line, err, errlen);
		if (rc != SEUIL_OK)
			goto fail;
		if (gpiod_line_request_output(line, CONSUMER, i == OUT_RELAY ? locked_level(g) : 0) != 0) {
			rc = err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO chip %s line %d (%s): request output: %s",
				     cfg->chip, out_off[i], out_names[i], strerror(errno));
			goto fail;
		}
		g->out[i] = line;
	}
	flags = cfg->inputs_active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
	for (i = 0; i < IN_COUNT; i++) {
		if (in_off[i] < 0)
			continue;
		rc = get_line(g, cfg->chip, in_off[i], in_names[i], &line, err, errlen);
		if (rc != SEUIL_OK)
			goto fail;
		if (gpiod_line_request_both_edges_events_flags(line, CONSUMER, flags) != 0) {
			rc = err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO chip %s line %d (%s): request events: %s",
				     cfg->chip, in_off[i], in_names[i], strerror(errno));
			goto fail;
		}
		g->in[i] = line;
		g->in_fd[i] = gpiod_line_event_get_fd(line);
	}
	if (g->out[OUT_BUZZER] != NULL) {
		g->beep_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (g->beep_fd < 0) {
			rc = err_set(err, errlen, SEUIL_ERR_IO, "timerfd: %s", strerror(errno));
			goto fail;
		}
	}
	*out = &g->base;
	return SEUIL_OK;

fail:
	gpiod_free(g);
	return rc;
}

static void gpiod_close(struct door_backend *b)
{
	struct door_gpiod *g = to_gpiod(b);
	int i;

	gpiod_line_set_value(g->out[OUT_RELAY], locked_level(g));
	for (i = OUT_RELAY + 1; i < OUT_COUNT; i++)
		if (g->out[i] != NULL)
			gpiod_line_set_value(g->out[i], 0);
	gpiod_free(g);
}

static int set_out(struct door_gpiod *g, int which, int value, char *err, size_t errlen)
{
	if (g->out[which] == NULL)
		return SEUIL_OK;
	if (gpiod_line_set_value(g->out[which], value) != 0)
		return err_set(err, errlen, SEUIL_ERR_DEVICE, "GPIO line %u (%s): set %d: %s",
			       gpiod_line_offset(g->out[which]), out_names[which], value, strerror(errno));
	return SEUIL_OK;
}

static int gpiod_apply(struct door_backend *b, const struct door_actions *a, char *err, size_t errlen)
{
	struct door_gpiod *g = to_gpiod(b);
	struct itimerspec its;
	int rc;

	if (a->released != g->released) {
		rc = set_out(g, OUT_RELAY, a->released ? !locked_level(g) : locked_level(g), err, errlen);
		if (rc != SEUIL_OK)
			return rc;
		g->released = a->released;
	}
	if (a->led != g->led) {
		rc = set_out(g, OUT_GREEN, a->led == DOOR_LED_GREEN, err, errlen);
		if (rc == SEUIL_OK)
			rc = set_out(g, OUT_RED, a->led == DOOR_LED_RED, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
		g->led = a->led;
	}
	if (a->beep_ms > 0 && g->out[OUT_BUZZER] != NULL) {
		rc = set_out(g, OUT_BUZZER, 1, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
		/* a new beep replaces the one running */
		memset(&its, 0, sizeof(its));
		its.it_value.tv_sec = a->beep_ms / 1000;
		its.it_value.tv_nsec = (long)(a->beep_ms % 1000) * 1000000L;
		if (timerfd_settime(g->beep_fd, 0, &its, NULL) != 0) {
			(void)set_out(g, OUT_BUZZER, 0, NULL, 0);
			return err_set(err, errlen, SEUIL_ERR_IO, "timerfd: %s", strerror(errno));
		}
	}
	return SEUIL_OK;
}

static int gpiod_fds(struct door_backend *b, int *fds, int max)
{
	struct door_gpiod *g = to_gpiod(b);
	int i, n = 0;

	for (i = 0; i < IN_COUNT && n < max; i++)
		if (g->in_fd[i] >= 0)
			fds[n++] = g->in_fd[i];
	if (g->beep_fd >= 0 && n < max)
		fds[n++] = g->beep_fd;
	return n;
}

static int gpiod_read(struct door_backend *b, struct door_event *ev, int max)
{
	struct door_gpiod *g = to_gpiod(b);
	struct pollfd pfd[IN_COUNT + 1];
	int which[IN_COUNT + 1];
	struct gpiod_line_event le;
	uint64_t expirations;
	int i, k, n = 0, ready;

	while (n < max) {
		k = 0;
		for (i = 0; i < IN_COUNT; i++) {
			if (g->in_fd[i] < 0)
				continue;
			pfd[k].fd = g->in_fd[i];
			pfd[k].events = POLLIN;
			which[k++] = i;
		}
		if (g->beep_fd >= 0) {
			pfd[k].fd = g->beep_fd;
			pfd[k].events = POLLIN;
			which[k++] = -1;
		}
		ready = poll(pfd, (nfds_t)k, 0);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return n > 0 ? n : -1;
		if (ready == 0)
			break;
		for (i = 0; i < k && n < max; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			if (which[i] < 0) {
				if (read(g->beep_fd, &expirations, sizeof(expirations)) == (ssize_t)sizeof(expirations))
					(void)set_out(g, OUT_BUZZER, 0, NULL, 0);
				continue;
			}
			if (gpiod_line_event_read_fd(pfd[i].fd, &le) != 0)
				return n > 0 ? n : -1;
			ev[n].kind = in_kinds[which[i]];
			ev[n].active = le.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
			n++;
		}
	}
	return n;
}

static int gpiod_inputs(struct door_backend *b, struct door_event *ev, int max)
{
	struct door_gpiod *g = to_gpiod(b);
	int i, v, n = 0;

	for (i = 0; i < IN_COUNT && n < max; i++) {
		if (g->in[i] == NULL)
			continue;
		v = gpiod_line_get_value(g->in[i]);
		if (v < 0)
			return -1;
		ev[n].kind = in_kinds[i];
		ev[n].active = v != 0;
		n++;
	}
	return n;
}

static void gpiod_safe(struct door_backend *b)
{
	struct door_gpiod *g = to_gpiod(b);
	int saved = errno;

	gpiod_line_set_value(g->out[OUT_RELAY], locked_level(g));
	errno = saved;
}

const struct door_driver door_gpiod_driver = {
	.name = "gpiod",
	.open = gpiod_open,
	.close = gpiod_close,
	.apply = gpiod_apply,
	.fds = gpiod_fds,
	.read = gpiod_read,
	.inputs = gpiod_inputs,
	.safe = gpiod_safe,
};
