/*
 * pn532_sim.c - the emulator's I/O: the pseudo-terminal libnfc talks to,
 * the control socket, fault injection and the single ppoll() loop (see
 * pn532_sim.h).
 *
 * It moves bytes and time only: frames are cut and built by pn532_frame.c,
 * commands answered by pn532_emu.c, control lines parsed by
 * pn532_control.c and carried by sim_server.c, the pty and its link made
 * by sim_pty.c.  It never busy-waits: a pending poll becomes the ppoll()
 * timeout, a card inserted meanwhile answers it at once.
 */
#include "pn532_sim.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "pn532_control.h"
#include "pn532_emu.h"
#include "pn532_frame.h"
#include "pn532_hex.h"
#include "pn532_script.h"
#include "sim_pty.h"
#include "sim_server.h"

#define SIM_IN_CAP 1024          /* host bytes not yet parsed: a frame is at most PN532_FRAME_MAX */
#define SIM_OUT_CAP 4096         /* bytes waiting for the host to read them */
#define SIM_READS_PER_WAKE 8     /* bounded work per event, so every descriptor gets its turn */
#define SIM_GARBAGE_MAX 8
#define SIM_LOG_BYTES_MAX 160    /* bytes shown per frame in the debug log */

struct pn532_sim {
	bool verbose;

	struct pn532_emu *emu;

	struct sim_pty pty;         /* closed while vanished */
	struct sim_server *control; /* NULL without a control socket */

	uint8_t in[SIM_IN_CAP];
	size_t in_len;
	uint8_t out[SIM_OUT_CAP];
	size_t out_len;
	uint8_t last_frame[PN532_FRAME_MAX]; /* for a NACK: the last response, as built */
	size_t last_frame_len;

	bool deadline_armed; /* a pending poll with a time limit */
	int64_t deadline_ms;

	/* the last card inserted, masked in the debug log even after its removal */
	struct pn532_card logged_card;
	bool has_logged_card;

	bool fault_bad_checksum;
	bool fault_garbage;
	bool fault_mute;
	bool fault_mute_poll;
	bool quit;
	uint32_t rng;
};

static volatile sig_atomic_t sim_stop_signal;

static void sim_on_signal(int sig)
{
	sim_stop_signal = sig;
}

/* xorshift32: garbage bytes need no quality, only variety. */
static uint8_t sim_random_byte(struct pn532_sim *sim)
{
	uint32_t x = sim->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	sim->rng = x;
	return (uint8_t)(x >> 24);
}

/* ---- logging without full UIDs ---- */

/* The card UID as shown at info level: first byte and length only. */
static void uid_hint(const struct pn532_card *card, char *out, size_t cap)
{
	snprintf(out, cap, "%02X..(%zu bytes)", card->uid[0], card->uid_len);
}

/*
 * Logs bytes at debug level with any run of 4 or more bytes of the card's
 * UID masked, so that frames carrying a UID never show it whole.
 */
static void sim_log_bytes(struct pn532_sim *sim, const char *what, const uint8_t *bytes, size_t n)
{
	const struct pn532_card *card = sim->has_logged_card ? &sim->logged_card : NULL;
	bool mask[SIM_LOG_BYTES_MAX];
	char text[SIM_LOG_BYTES_MAX * 3 + 8];
	size_t shown = n < SIM_LOG_BYTES_MAX ? n : SIM_LOG_BYTES_MAX;
	size_t i, j, k, pos = 0;

	if (!sim->verbose)
		return;
	memset(mask, 0, sizeof(mask));
	for (i = 0; card != NULL && i < shown; i++) {
		for (j = 0; j < card->uid_len; j++) {
			for (k = 0; i + k < shown && j + k < card->uid_len && bytes[i + k] == card->uid[j + k]; k++)
				;
			if (k >= 4)
				memset(mask + i + (j == 0 ? 1 : 0), 1, k - (j == 0 ? 1 : 0));
		}
	}
	for (i = 0; i < shown; i++) {
		if (mask[i])
			pos += (size_t)snprintf(text + pos, sizeof(text) - pos, " **");
		else
			pos += (size_t)snprintf(text + pos, sizeof(text) - pos, " %02X", bytes[i]);
	}
	log_debug("%s (%zu bytes):%s%s", what, n, text, shown < n ? " ..." : "");
}

/* ---- the pseudo-terminal and its link ---- */

static void flush_out(struct pn532_sim *sim)
{
	ssize_t n;

	while (sim->out_len > 0 && sim->pty.master_fd >= 0) {
		n = write(sim->pty.master_fd, sim->out, sim->out_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN) {
				log_warn("pty write: %s; %zu bytes dropped", strerror(errno), sim->out_len);
				sim->out_len = 0;
			}
			return; /* EAGAIN: POLLOUT brings us back */
		}
		memmove(sim->out, sim->out + n, sim->out_len - (size_t)n);
		sim->out_len -= (size_t)n;
	}
}

static void queue_out(struct pn532_sim *sim, const uint8_t *bytes, size_t n)
{
	if (sim->pty.master_fd < 0)
		return;
	if (n > sizeof(sim->out) - sim->out_len) {
		/* nobody has read the pty for a while: what is queued is stale anyway */
		log_warn("host is not reading: %zu queued bytes dropped", sim->out_len);
		sim->out_len = 0;
		if (n > sizeof(sim->out))
			return;
	}
	memcpy(sim->out + sim->out_len, bytes, n);
	sim->out_len += n;
	flush_out(sim);
}

static void device_close(struct pn532_sim *sim)
{
	sim_pty_close(&sim->pty);
	sim->in_len = 0;
	sim->out_len = 0;
	sim->last_frame_len = 0;
	sim->deadline_armed = false;
	pn532_emu_cancel(sim->emu);
}

static int device_open(struct pn532_sim *sim, char *err, size_t errlen)
{
	int rc;

	rc = sim_pty_open(&sim->pty, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	sim->in_len = 0;
	sim->out_len = 0;
	sim->last_frame_len = 0;
	return SEUIL_OK;
}

/* ---- frames from the host ---- */

static void send_response(struct pn532_sim *sim, const uint8_t *payload, size_t len)
{
	uint8_t frame[PN532_FRAME_MAX], garbage[SIM_GARBAGE_MAX];
	size_t frame_len, n, i;

	frame_len = pn532_frame_build(payload, len, frame, sizeof(frame));
	if (frame_len == 0) {
		log_warn("response of %zu bytes cannot be framed; dropped", len);
		return;
	}
	memcpy(sim->last_frame, frame, frame_len);
	sim->last_frame_len = frame_len;
	if (sim->fault_mute)
		return;
	if (sim->fault_garbage) {
		sim->fault_garbage = false;
		n = 1 + sim_random_byte(sim) % SIM_GARBAGE_MAX;
		for (i = 0; i < n; i++) {
			do
				garbage[i] = sim_random_byte(sim);
			while (garbage[i] == 0x00 || garbage[i] == 0xFF);
		}
		log_info("fault garbage: %zu random bytes before the response", n);
		queue_out(sim, garbage, n);
	}
	if (sim->fault_bad_checksum) {
		sim->fault_bad_checksum = false;
		frame[frame_len - 2] = (uint8_t)(frame[frame_len - 2] + 1);
		log_info("fault bad-checksum: response sent with a wrong data checksum");
	}
	sim_log_bytes(sim, "chip > host", frame, frame_len);
	queue_out(sim, frame, frame_len);
}

/* Acts on what the emulator decided. */
static void apply_reply(struct pn532_sim *sim, const struct pn532_emu_reply *r, bool new_wait)
{
	switch (r->outcome) {
	case PN532_EMU_REPLY:
		sim->deadline_armed = false;
		send_response(sim, r->payload, r->len);
		break;
	case PN532_EMU_WAIT:
		if (new_wait) {
			sim->deadline_armed = r->wait_ms >= 0;
			sim->deadline_ms = clock_mono_ms() + (r->wait_ms >= 0 ? r->wait_ms : 0);
			log_debug("poll pending (%s)", r->wait_ms >= 0 ? "timed" : "no time limit");
		}
		break;
	case PN532_EMU_SILENT:
		sim->deadline_armed = false;
		break;
	}
}

static void handle_command(struct pn532_sim *sim, const uint8_t *payload, size_t len)
{
	struct pn532_emu_reply reply;
	uint8_t ack[PN532_FRAME_ACK_LEN];

	if (sim->fault_mute) {
		log_debug("fault mute: command dropped");
		return;
	}
	if (sim->fault_mute_poll && len >= 2 && payload[1] == PN532_CMD_IN_AUTO_POLL) {
		log_debug("fault mute-poll: InAutoPoll dropped");
		return;
	}
	queue_out(sim, ack, pn532_frame_build_ack(ack, sizeof(ack)));
	pn532_emu_command(sim->emu, payload, len, &reply);
	apply_reply(sim, &reply, true);
}

static void process_input(struct pn532_sim *sim)
{
	uint8_t payload[PN532_FRAME_PAYLOAD_MAX];
	struct pn532_frame f;
	size_t plen;

	for (;;) {
		pn532_frame_parse(sim->in, sim->in_len, PN532_FRAME_PAYLOAD_MAX, &f);
		plen = 0;
		if (f.kind == PN532_FRAME_NORMAL || f.kind == PN532_FRAME_EXTENDED) {
			plen = f.payload_len;
			memcpy(payload, f.payload, plen);
		}
		if (f.consumed > 0) {
			sim_log_bytes(sim,
				      f.kind == PN532_FRAME_INCOMPLETE ? "host > chip, skipped (wake-up or garbage)"
				      : f.kind == PN532_FRAME_ERROR    ? "host > chip, malformed"
								       : "host > chip",
				      sim->in, f.consumed);
			memmove(sim->in, sim->in + f.consumed, sim->in_len - f.consumed);
			sim->in_len -= f.consumed;
		}
		switch (f.kind) {
		case PN532_FRAME_INCOMPLETE:
			if (sim->in_len == sizeof(sim->in))
				sim->in_len = 0; /* cannot happen: a frame is shorter than the buffer */
			return;
		case PN532_FRAME_ERROR:
			log_debug("host frame dropped: %s", f.error);
			break;
		case PN532_FRAME_ACK:
			if (pn532_emu_pending(sim->emu)) {
				log_debug("host ACK: pending poll aborted");
				pn532_emu_cancel(sim->emu);
				sim->deadline_armed = false;
			}
			break;
		case PN532_FRAME_NACK:
			if (sim->last_frame_len > 0 && !sim->fault_mute) {
				log_debug("host NACK: last response sent again");
				queue_out(sim, sim->last_frame, sim->last_frame_len);
			}
			break;
		case PN532_FRAME_NORMAL:
		case PN532_FRAME_EXTENDED:
			handle_command(sim, payload, plen);
			break;
		}
	}
}

static void device_read(struct pn532_sim *sim)
{
	ssize_t n;
	int i;

	for (i = 0; i < SIM_READS_PER_WAKE && sim->pty.master_fd >= 0; i++) {
		n = read(sim->pty.master_fd, sim->in + sim->in_len, sizeof(sim->in) - sim->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/*
			 * EIO would mean no slave is open, which our own descriptor
			 * prevents.  Should it happen anyway, close the device like
			 * `fault vanish` rather than spin on a hung-up pty.
			 */
			log_warn("pty read: %s; device closed, `reappear` re-creates it",
				 n == 0 ? "end of file" : strerror(errno));
			device_close(sim);
			return;
		}
		sim->in_len += (size_t)n;
		process_input(sim);
	}
}

/* ---- control socket ---- */

static void insert_card(struct pn532_sim *sim, const struct pn532_card *card)
{
	struct pn532_emu_reply reply;
	char hint[32];

	uid_hint(card, hint, sizeof(hint));
	log_info("card inserted: UID %s ATQA %02X%02X SAK %02X%s", hint, card->atqa[0], card->atqa[1], card->sak,
		 pn532_card_is_iso14443_4(card) ? " ISO14443-4" : "");
	sim->logged_card = *card;
	sim->has_logged_card = true;
	pn532_emu_insert(sim->emu, card, &reply);
	if (reply.outcome == PN532_EMU_REPLY)
		log_debug("pending poll answered at once");
	apply_reply(sim, &reply, false);
}

static void apply_fault(struct pn532_sim *sim, enum pn532_fault fault)
{
	log_info("fault %s", pn532_fault_name(fault));
	switch (fault) {
	case PN532_FAULT_NONE:
		sim->fault_bad_checksum = false;
		sim->fault_garbage = false;
		sim->fault_mute = false;
		sim->fault_mute_poll = false;
		break;
	case PN532_FAULT_BAD_CHECKSUM:
		sim->fault_bad_checksum = true;
		break;
	case PN532_FAULT_GARBAGE:
		sim->fault_garbage = true;
		break;
	case PN532_FAULT_MUTE:
		sim->fault_mute = true;
		break;
	case PN532_FAULT_MUTE_POLL:
		sim->fault_mute_poll = true;
		break;
	case PN532_FAULT_VANISH:
		if (sim->pty.master_fd >= 0) {
			device_close(sim);
			log_info("device vanished: pty closed, %s removed", sim->pty.link_path);
		}
		break;
	}
}

/* Runs one control line (a sim_server_line_fn); goes on until `quit`. */
static bool control_execute(void *ctx, const char *line, size_t len, bool too_long, char *reply, size_t cap)
{
	struct pn532_sim *sim = ctx;
	struct pn532_control cmd;
	char err[256] = "";

	if (too_long) {
		snprintf(reply, cap, "error line longer than %d characters", PN532_CONTROL_LINE_MAX);
		return true;
	}
	if (pn532_control_parse(line, len, &cmd, err, sizeof(err)) != SEUIL_OK) {
		snprintf(reply, cap, "error %s", err);
		return true;
	}
	snprintf(reply, cap, "ok");
	switch (cmd.verb) {
	case PN532_CONTROL_INSERT:
		insert_card(sim, &cmd.card);
		break;
	case PN532_CONTROL_REMOVE:
		log_info("card removed");
		pn532_emu_remove(sim->emu);
		break;
	case PN532_CONTROL_FAULT:
		apply_fault(sim, cmd.fault);
		break;
	case PN532_CONTROL_REAPPEAR:
		if (sim->pty.master_fd >= 0) {
			snprintf(reply, cap, "error the device has not vanished");
			break;
		}
		pn532_emu_reset(sim->emu);
		if (device_open(sim, err, sizeof(err)) != SEUIL_OK) {
			snprintf(reply, cap, "error %s", err);
			break;
		}
		log_info("device reappeared: %s -> %s", sim->pty.link_path, sim->pty.name);
		break;
	case PN532_CONTROL_STATE:
		/* lets a test or a benchmark wait until the host is polling */
		snprintf(reply, cap, "ok card=%s poll=%s device=%s",
			 pn532_emu_card(sim->emu) != NULL ? "present" : "none",
			 pn532_emu_pending(sim->emu) ? "pending" : "idle",
			 sim->pty.master_fd >= 0 ? "open" : "vanished");
		break;
	case PN532_CONTROL_QUIT:
		log_info("quit requested");
		sim->quit = true;
		break;
	}
	return !sim->quit;
}

/* ---- public ---- */

int pn532_sim_new(const struct pn532_sim_options *opt, struct pn532_sim **out, char *err, size_t errlen)
{
	struct pn532_script *script = NULL;
	struct pn532_sim *sim;
	int rc;

	if (opt->link_path == NULL || opt->link_path[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "a link path is required");
	if (strchr(opt->link_path, ':') != NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "link path %s contains ':', which libnfc takes as a connstring separator",
			       opt->link_path);
	if (strlen(opt->link_path) >= PATH_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "link path too long");
	if (opt->control_path != NULL &&
	    strlen(opt->control_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "control socket path longer than %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (opt->apdu_script != NULL) {
		rc = pn532_script_load(opt->apdu_script, &script, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
	}

	sim = calloc(1, sizeof(*sim));
	if (sim == NULL) {
		pn532_script_free(script);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	sim_pty_init(&sim->pty, opt->link_path);
	sim->verbose = opt->verbose;
	sim->rng = (uint32_t)getpid() * 2654435761u ^ (uint32_t)clock_mono_ms();
	if (sim->rng == 0)
		sim->rng = 1;

	sim->emu = pn532_emu_new();
	if (sim->emu == NULL) {
		pn532_script_free(script);
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		goto fail;
	}
	if (script != NULL) {
		log_info("apdu script %s: %zu entries", opt->apdu_script, pn532_script_count(script));
		pn532_emu_set_script(sim->emu, script);
	}
	rc = device_open(sim, err, errlen);
	if (rc != SEUIL_OK)
		goto fail;
	if (opt->control_path != NULL) {
		rc = sim_server_listen(opt->control_path, PN532_SIM_CLIENTS_MAX, PN532_CONTROL_LINE_MAX,
				       &sim->control, err, errlen);
		if (rc != SEUIL_OK)
			goto fail;
	}
	*out = sim;
	return SEUIL_OK;
fail:
	pn532_sim_free(sim);
	return rc;
}

void pn532_sim_free(struct pn532_sim *sim)
{
	if (sim == NULL)
		return;
	sim_server_close(sim->control);
	if (sim->emu != NULL)
		device_close(sim);
	pn532_emu_free(sim->emu);
	free(sim);
}

struct pn532_emu *pn532_sim_emu(struct pn532_sim *sim)
{
	return sim->emu;
}

const char *pn532_sim_pty_name(const struct pn532_sim *sim)
{
	return sim->pty.name;
}

int pn532_sim_run(struct pn532_sim *sim)
{
	struct pollfd pfd[2 + PN532_SIM_CLIENTS_MAX];
	int control_fds[1 + PN532_SIM_CLIENTS_MAX];
	struct sigaction sa, old_int, old_term, old_pipe;
	sigset_t block, old_mask, wait_mask;
	struct timespec ts, *tsp;
	int i_master, i_control, n_control, i, rc = SEUIL_OK;
	nfds_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sim_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	/* The signals are only let in while ppoll() waits, so none is missed between checks. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sim_stop_signal = 0;

	while (!sim->quit && !sim_stop_signal) {
		n = 0;
		i_master = -1;
		if (sim->pty.master_fd >= 0) {
			pfd[n].fd = sim->pty.master_fd;
			pfd[n].events = (short)(POLLIN | (sim->out_len > 0 ? POLLOUT : 0));
			i_master = (int)n++;
		}
		i_control = (int)n;
		n_control = sim->control != NULL ? sim_server_fds(sim->control, control_fds, 1 + PN532_SIM_CLIENTS_MAX)
						 : 0;
		for (i = 0; i < n_control; i++) {
			pfd[n].fd = control_fds[i];
			pfd[n].events = POLLIN;
			n++;
		}
		tsp = NULL;
		if (sim->deadline_armed) {
			int64_t left = sim->deadline_ms - clock_mono_ms();

			if (left < 0)
				left = 0;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			tsp = &ts;
		}
		if (ppoll(pfd, n, tsp, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			log_error("ppoll: %s", strerror(errno));
			rc = SEUIL_ERR_IO;
			break;
		}

		if (i_master >= 0 && sim->pty.master_fd == pfd[i_master].fd) {
			if (pfd[i_master].revents & (POLLIN | POLLHUP | POLLERR))
				device_read(sim);
			if (pfd[i_master].revents & POLLOUT)
				flush_out(sim);
		}
		if (sim->deadline_armed && clock_mono_ms() >= sim->deadline_ms) {
			struct pn532_emu_reply reply;

			sim->deadline_armed = false;
			log_debug("poll period over: no target");
			pn532_emu_timeout(sim->emu, &reply);
			apply_reply(sim, &reply, false);
		}
		for (i = 0; i < n_control && !sim->quit; i++) {
			if (pfd[i_control + i].revents != 0) {
				sim_server_read(sim->control, control_execute, sim);
				break;
			}
		}
	}
	if (sim_stop_signal)
		log_info("signal %d: stopping", (int)sim_stop_signal);
	flush_out(sim);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return rc;
}

