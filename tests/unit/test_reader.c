/*
 * test_reader.c - tests of the NFC reader (firmware-glue/reader*.c).
 *
 * Three parts:
 *   - pure: reader_track_poll(), every transition of a poll result, with
 *     made-up nfc_target values and virtual time;
 *   - the interface: configuration checks, a reader whose device does not
 *     exist, reader_stop() timing;
 *   - INTEGRATION (test_reader__sim_*): the reader thread and the unmodified
 *     libnfc against the PN532 emulator (pn532-sim, found next to this
 *     binary's directory: BUILD/tests/../pn532-sim, or in $SEUIL_BUILD).
 *     They are skipped, saying so, when the emulator is not built.
 *
 * The emulator is driven through its control socket; its log goes to
 * sim.log in a temporary directory removed afterwards.  Timing figures
 * (tap latency, idle CPU, stop time) are printed as "# ..." lines.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "reader.h"
#include "reader_track.h"
#include "test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

extern char **environ;

static const uint8_t UID4[] = { 0x5A, 0x11, 0x22, 0x33 };
static const uint8_t UID7[] = { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6 };
static const uint8_t UID7B[] = { 0x04, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60 };
static const uint8_t UID10[] = { 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ======================================================================
 * pure: reader_track
 * ====================================================================== */

static nfc_target card(const uint8_t *uid, size_t len)
{
	nfc_target t;

	memset(&t, 0, sizeof(t));
	t.nm.nmt = NMT_ISO14443A;
	t.nm.nbr = NBR_106;
	t.nti.nai.abtAtqa[1] = len == 4 ? 0x04 : len == 7 ? 0x44 : 0x84;
	t.nti.nai.btSak = len == 4 ? 0x08 : 0x00;
	t.nti.nai.szUidLen = len;
	memcpy(t.nti.nai.abtUid, uid, len <= sizeof(t.nti.nai.abtUid) ? len : sizeof(t.nti.nai.abtUid));
	return t;
}

static void assert_tap(enum reader_track_result res, const struct reader_event *ev, const uint8_t *uid,
		       size_t len, int64_t at)
{
	assert_int_equal(res, READER_TRACK_TAP);
	assert_int_equal(ev->kind, READER_TAP);
	assert_int_equal(ev->uid_len, len);
	assert_memory_equal(ev->uid, uid, len);
	assert_int_equal(ev->at_ms, at);
}

static void test_reader__track_first_tap_each_size(void **state)
{
	const struct {
		const uint8_t *uid;
		size_t len;
	} cases[] = { { UID4, 4 }, { UID7, 7 }, { UID10, 10 } };
	struct reader_track t;
	struct reader_event ev;
	nfc_target c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reader_track_init(&t, 2000);
		c = card(cases[i].uid, cases[i].len);
		assert_tap(reader_track_poll(&t, 1, &c, 1000, &ev), &ev, cases[i].uid, cases[i].len, 1000);
		assert_string_equal(ev.detail, "");
	}
}

static void test_reader__track_held_card_reported_once(void **state)
{
	struct reader_track t;
	struct reader_event ev;
	nfc_target c = card(UID7, 7);
	int64_t now = 10000;
	int i;

	(void)state;
	reader_track_init(&t, 2000);
	assert_tap(reader_track_poll(&t, 1, &c, now, &ev), &ev, UID7, 7, now);
	/* held for a minute, seen every 100 ms: never again */
	for (i = 0; i < 600; i++) {
		now += 100;
		memset(&ev, 0xA5, sizeof(ev));
		assert_int_equal(reader_track_poll(&t, 1, &c, now, &ev), READER_TRACK_HELD);
		assert_int_equal(((unsigned char *)&ev)[0], 0xA5); /* untouched */
	}
}

static void test_reader__track_lifted_then_new_tap(void **state)
{
	struct reader_track t;
	struct reader_event ev;
	nfc_target c = card(UID7, 7);

	(void)state;
	reader_track_init(&t, 2000);
	assert_tap(reader_track_poll(&t, 1, &c, 0, &ev), &ev, UID7, 7, 0);
	assert_int_equal(reader_track_poll(&t, 1, &c, 100, &ev), READER_TRACK_HELD);
	/* no target: lifted */
	assert_int_equal(reader_track_poll(&t, 0, NULL, 250, &ev), READER_TRACK_IDLE);
	assert_int_equal(reader_track_poll(&t, 0, NULL, 400, &ev), READER_TRACK_IDLE);
	assert_tap(reader_track_poll(&t, 1, &c, 420, &ev), &ev, UID7, 7, 420);
	/* a timeout counts as no target too */
	assert_int_equal(reader_track_poll(&t, NFC_ETIMEOUT, NULL, 600, &ev), READER_TRACK_IDLE);
	assert_tap(reader_track_poll(&t, 1, &c, 610, &ev), &ev, UID7, 7, 610);
}

static void test_reader__track_different_card_is_a_tap_at_once(void **state)
{
	struct reader_track t;
	struct reader_event ev;
	nfc_target a = card(UID7, 7), b = card(UID7B, 7), small = card(UID4, 4);

	(void)state;
	reader_track_init(&t, 2000);
	assert_tap(reader_track_poll(&t, 1, &a, 0, &ev), &ev, UID7, 7, 0);
	assert_tap(reader_track_poll(&t, 1, &b, 100, &ev), &ev, UID7B, 7, 100);
	assert_int_equal(reader_track_poll(&t, 1, &b, 200, &ev), READER_TRACK_HELD);
	/* same prefix, other length: another card */
	assert_tap(reader_track_poll(&t, 1, &small, 300, &ev), &ev, UID4, 4, 300);
	assert_tap(reader_track_poll(&t, 1, &a, 400, &ev), &ev, UID7, 7, 400);
}

static void test_reader__track_error_keeps_the_hold(void **state)
{
	struct reader_track t;
	struct reader_event ev;
	nfc_target c = card(UID7, 7);

	(void)state;
	reader_track_init(&t, 2000);
	assert_tap(reader_track_poll(&t, 1, &c, 0, &ev), &ev, UID7, 7, 0);
	assert_int_equal(reader_track_poll(&t, NFC_EIO, NULL, 100, &ev), READER_TRACK_FAILED);
	assert_int_equal(reader_track_poll(&t, NFC_ECHIP, &c, 150, &ev), READER_TRACK_FAILED);
	assert_int_equal(reader_track_poll(&t, NFC_EOPABORTED, NULL, 160, &ev), READER_TRACK_FAILED);
	assert_int_equal(reader_track_poll(&t, NFC_ENOTSUCHDEV, NULL, 170, &ev), READER_TRACK_FAILED);
	/* reopened quickly, card still there: not a new tap */
	assert_int_equal(reader_track_poll(&t, 1, &c, 900, &ev), READER_TRACK_HELD);
	/* RF glitches (the card's doing) change nothing either */
	assert_int_equal(reader_track_poll(&t, NFC_ERFTRANS, NULL, 1000, &ev), READER_TRACK_IGNORED);
	assert_int_equal(reader_track_poll(&t, NFC_ETGRELEASED, NULL, 1050, &ev), READER_TRACK_IGNORED);
	assert_int_equal(reader_track_poll(&t, NFC_EMFCAUTHFAIL, NULL, 1070, &ev), READER_TRACK_IGNORED);
	assert_int_equal(reader_track_poll(&t, 1, &c, 1100, &ev), READER_TRACK_HELD);
}

static void test_reader__track_long_outage_forgets_the_hold(void **state)
{
	struct reader_track t;
	struct reader_event ev;
	nfc_target c = card(UID7, 7);

	(void)state;
	reader_track_init(&t, 2000);
	assert_tap(reader_track_poll(&t, 1, &c, 0, &ev), &ev, UID7, 7, 0);
	assert_int_equal(reader_track_poll(&t, 1, &c, 2000, &ev), READER_TRACK_HELD); /* exactly the limit */
	assert_int_equal(reader_track_poll(&t, NFC_EIO, NULL, 2100, &ev), READER_TRACK_FAILED);
	/* unseen for longer than forget_ms: whoever holds it now gets a tap */
	assert_tap(reader_track_poll(&t, 1, &c, 4001, &ev), &ev, UID7, 7, 4001);
	/* forget_ms below 1 is taken as 1 */
	reader_track_init(&t, -5);
	assert_int_equal(t.forget_ms, 1);
}

static void test_reader__track_bad_uid_lengths_ignored(void **state)
{
	static const size_t lens[] = { 0, 1, 3, 5, 6, 8, 9, 11, 12, 254, 255, 100000 };
	uint8_t big[10];
	struct reader_track t;
	struct reader_event ev;
	nfc_target c = card(UID7, 7), bad;
	size_t i;

	(void)state;
	memset(big, 0x42, sizeof(big));
	reader_track_init(&t, 2000);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		bad = card(big, 10);
		bad.nti.nai.szUidLen = lens[i];
		memset(&ev, 0xA5, sizeof(ev));
		assert_false(reader_track_uid_valid(&bad));
		assert_int_equal(reader_track_poll(&t, 1, &bad, 10, &ev), READER_TRACK_IGNORED);
		assert_int_equal(((unsigned char *)&ev)[0], 0xA5);
	}
	assert_false(t.held);
	/* an ignored reading does not end a hold either */
	assert_tap(reader_track_poll(&t, 1, &c, 100, &ev), &ev, UID7, 7, 100);
	bad.nti.nai.szUidLen = 3;
	assert_int_equal(reader_track_poll(&t, 1, &bad, 200, &ev), READER_TRACK_IGNORED);
	assert_int_equal(reader_track_poll(&t, 1, &c, 300, &ev), READER_TRACK_HELD);
}

static void test_reader__track_implausible_targets_ignored(void **state)
{
	static const uint8_t zero7[7] = { 0 };
	static const uint8_t ff4[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	static const uint8_t ct4[4] = { 0x88, 0x01, 0x02, 0x03 };
	static const uint8_t ct7[7] = { 0x04, 0x01, 0x02, 0x88, 0x04, 0x05, 0x06 };
	static const uint8_t ct10[10] = { 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x88, 0x07, 0x08, 0x09 };
	struct reader_track t;
	struct reader_event ev;
	nfc_target c;

	(void)state;
	reader_track_init(&t, 2000);
	assert_false(reader_track_uid_valid(NULL));
	c = card(zero7, 7);
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	c = card(ff4, 4);
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	c = card(ct4, 4);
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	c = card(ct7, 7);
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	c = card(ct10, 10);
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	/* the final SAK must not say "UID not complete" */
	c = card(UID7, 7);
	c.nti.nai.btSak = 0x04;
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	/* only ISO14443A was asked for */
	c = card(UID4, 4);
	c.nm.nmt = NMT_FELICA;
	assert_int_equal(reader_track_poll(&t, 1, &c, 0, &ev), READER_TRACK_IGNORED);
	/* a count of targets with no target */
	assert_int_equal(reader_track_poll(&t, 1, NULL, 0, &ev), READER_TRACK_IGNORED);
	assert_false(t.held);
	/* 0x88 is fine where it is not a cascade tag; so is a random UID (08...) */
	c = card((const uint8_t[]){ 0x04, 0x88, 0x02, 0x03, 0x04, 0x05, 0x06 }, 7);
	assert_true(reader_track_uid_valid(&c));
	c = card((const uint8_t[]){ 0x08, 0x12, 0x34, 0x56 }, 4);
	assert_true(reader_track_uid_valid(&c));
}

/* ======================================================================
 * the interface, without an emulator
 * ====================================================================== */

static void test_reader__config_defaults(void **state)
{
	struct reader_config cfg;

	(void)state;
	memset(&cfg, 0x5A, sizeof(cfg));
	reader_config_defaults(&cfg);
	assert_null(cfg.connstring);
	assert_int_equal(cfg.poll_period_ms, 150);
	assert_int_equal(cfg.present_check_ms, 100);
	assert_int_equal(cfg.backoff_max_ms, 2000);
}

static void test_reader__start_rejects_bad_config(void **state)
{
	struct reader_config cfg;
	struct reader *r = NULL;
	char err[256], *longstr;

	(void)state;
	reader_config_defaults(&cfg);
	err[0] = '\0';
	assert_int_equal(reader_start(NULL, &r, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(reader_start(&cfg, NULL, NULL, 0), SEUIL_ERR_INVALID);
	assert_null(r);

	longstr = malloc(2000);
	assert_non_null(longstr);
	memset(longstr, 'x', 1999);
	longstr[1999] = '\0';
	cfg.connstring = longstr;
	err[0] = '\0';
	assert_int_equal(reader_start(&cfg, &r, err, sizeof(err)), SEUIL_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "connstring"));
	free(longstr);

	reader_config_defaults(&cfg);
	cfg.poll_period_ms = 5000;
	err[0] = '\0';
	assert_int_equal(reader_start(&cfg, &r, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "poll_period_ms"));
	reader_config_defaults(&cfg);
	cfg.present_check_ms = 60000;
	assert_int_equal(reader_start(&cfg, &r, NULL, 0), SEUIL_ERR_INVALID);
	reader_config_defaults(&cfg);
	cfg.backoff_max_ms = 50;
	err[0] = '\0';
	assert_int_equal(reader_start(&cfg, &r, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "backoff_max_ms"));
	assert_null(r);
	reader_stop(NULL); /* a no-op */
}

/* Waits up to timeout_ms for the next event. */
static int next_event(struct reader *r, int64_t timeout_ms, struct reader_event *ev)
{
	int64_t end = clock_mono_ms() + timeout_ms, left;
	struct pollfd p;

	for (;;) {
		if (reader_next(r, ev))
			return 1;
		left = end - clock_mono_ms();
		if (left <= 0)
			return 0;
		p.fd = reader_fd(r);
		p.events = POLLIN;
		p.revents = 0;
		poll(&p, 1, (int)left);
	}
}

static void test_reader__missing_device_reported_and_stop_is_quick(void **state)
{
	struct reader_config cfg;
	struct reader_event ev;
	struct reader *r = NULL;
	int64_t t0, hb;
	char err[256] = "";

	(void)state;
	reader_config_defaults(&cfg);
	cfg.connstring = "pn532_uart:/nonexistent-seuil-dir/pn532";
	assert_int_equal(reader_start(&cfg, &r, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(fcntl(reader_fd(r), F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	assert_true(fcntl(reader_fd(r), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(next_event(r, 2000, &ev), 1);
	assert_int_equal(ev.kind, READER_DISCONNECTED);
	assert_non_null(strstr(ev.detail, "/nonexistent-seuil-dir/pn532"));
	assert_false(reader_connected(r));
	/* reported once, then silence while it retries with backoff */
	assert_int_equal(next_event(r, 1500, &ev), 0);
	hb = reader_heartbeat(r);
	assert_true(clock_mono_ms() - hb < 1000);
	t0 = clock_mono_ms();
	reader_stop(r);
	assert_true(clock_mono_ms() - t0 < 1000);
}

/* ======================================================================
 * INTEGRATION: the reader thread + libnfc + build/pn532-sim
 * ====================================================================== */

struct rig {
	char sim_path[PATH_MAX];
	char dir[64];
	char link[128];
	char ctl[128];
	char log[128];
	char connstring[160];
	pid_t sim;
	struct reader *reader;
	struct reader_config cfg;
};

static bool find_sim(char *out, size_t cap)
{
	const char *env = getenv("SEUIL_BUILD");
	char exe[PATH_MAX];
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		snprintf(out, cap, "%s/pn532-sim", env);
		return access(out, X_OK) == 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* BUILD/tests/test_reader -> BUILD/pn532-sim */
		snprintf(out, cap, "%s/../pn532-sim", dirname(exe));
		if (access(out, X_OK) == 0)
			return true;
	}
	snprintf(out, cap, "build/pn532-sim");
	return access(out, X_OK) == 0;
}

/* Sends one control line and reads the one-line answer; 0 when an answer came. */
static int sim_say(const struct rig *g, const char *line, char *reply, size_t cap)
{
	struct sockaddr_un sa;
	struct pollfd p;
	char buf[600];
	size_t got = 0;
	ssize_t n;
	int64_t end = clock_mono_ms() + 3000;
	int fd, rc = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", g->ctl);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto out;
	n = snprintf(buf, sizeof(buf), "%s\n", line);
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		goto out;
	while (got < sizeof(buf) - 1 && memchr(buf, '\n', got) == NULL) {
		p.fd = fd;
		p.events = POLLIN;
		if (clock_mono_ms() >= end || poll(&p, 1, (int)(end - clock_mono_ms())) <= 0)
			goto out;
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	snprintf(reply, cap, "%s", buf);
	rc = 0;
out:
	close(fd);
	return rc;
}

static void sim_cmd(const struct rig *g, const char *line)
{
	char reply[256] = "";

	assert_int_equal(sim_say(g, line, reply, sizeof(reply)), 0);
	if (strcmp(reply, "ok") != 0)
		fail_msg("emulator answered `%s` to `%s`", reply, line);
}

static void sim_insert(const struct rig *g, const uint8_t *uid, size_t len)
{
	char line[64] = "insert ";
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%02X", uid[i]);
	sim_cmd(g, line);
}

/* Waits until the emulator has no card and a poll is pending (if it can say). */
static void sim_wait_pending(const struct rig *g, int64_t limit_ms)
{
	char reply[256];
	int64_t end = clock_mono_ms() + limit_ms;

	while (clock_mono_ms() < end) {
		if (sim_say(g, "state", reply, sizeof(reply)) != 0 || strncmp(reply, "ok ", 3) != 0) {
			sleep_ms(400); /* an emulator without `state`: a lift is seen within 100 + 150 ms */
			return;
		}
		if (strstr(reply, "card=none") != NULL && strstr(reply, "poll=pending") != NULL)
			return;
		sleep_ms(2);
	}
}

/*
 * Takes the card out and waits until the reader has seen it gone: a poll
 * has come back empty (present_check_ms + a poll period) and the next one
 * is pending.  A card put back within the same poll is, to a reader that
 * polls, a card that never left.
 */
static void sim_lift(const struct rig *g)
{
	sim_cmd(g, "remove");
	sleep_ms(g->cfg.present_check_ms + g->cfg.poll_period_ms + 150);
	sim_wait_pending(g, 2000);
}

static pid_t sim_spawn(struct rig *g)
{
	char *argv[] = { g->sim_path, "--link", g->link, "--control", g->ctl, NULL };
	posix_spawn_file_actions_t fa;
	char reply[256];
	pid_t pid;
	int i;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, g->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	/* libnfc's descriptors are not close-on-exec: the emulator must not inherit the reader's */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (posix_spawn(&pid, g->sim_path, &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	assert_true(pid > 0);
	for (i = 0; i < 300; i++) {
		if (access(g->link, F_OK) == 0 && sim_say(g, "remove", reply, sizeof(reply)) == 0)
			return pid;
		sleep_ms(10);
	}
	fail_msg("the emulator did not start (see %s)", g->log);
	return -1;
}

static void sim_kill(struct rig *g, int sig)
{
	int i;

	if (g->sim <= 0)
		return;
	kill(g->sim, sig);
	for (i = 0; i < 200 && waitpid(g->sim, NULL, WNOHANG) == 0; i++)
		sleep_ms(10);
	if (i == 200) {
		kill(g->sim, SIGKILL);
		waitpid(g->sim, NULL, 0);
	}
	g->sim = -1;
}

/* Consumes events until one of kind comes; a tap on the way fails the test. */
static void expect_event(struct rig *g, enum reader_event_kind kind, int64_t timeout_ms, struct reader_event *ev)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	for (;;) {
		if (next_event(g->reader, end - clock_mono_ms(), ev) == 0)
			fail_msg("no %s event within %lld ms",
				 kind == READER_TAP	     ? "tap"
				 : kind == READER_CONNECTED ? "connected"
							    : "disconnected",
				 (long long)timeout_ms);
		if (ev->kind == kind)
			return;
		if (ev->kind == READER_TAP)
			fail_msg("unexpected tap (%zu-byte UID) while waiting for another event", ev->uid_len);
	}
}

static void expect_tap(struct rig *g, const uint8_t *uid, size_t len, int64_t timeout_ms, struct reader_event *ev)
{
	expect_event(g, READER_TAP, timeout_ms, ev);
	assert_int_equal(ev->uid_len, len);
	assert_memory_equal(ev->uid, uid, len);
	assert_non_null(strstr(ev->detail, "pn532_uart"));
}

/* No tap at all for ms; status events are counted into *status when given, else forbidden too. */
static void expect_no_tap(struct rig *g, int64_t ms, int *status)
{
	struct reader_event ev;
	int64_t end = clock_mono_ms() + ms;

	while (clock_mono_ms() < end) {
		if (next_event(g->reader, end - clock_mono_ms(), &ev) == 0)
			return;
		if (ev.kind == READER_TAP)
			fail_msg("unexpected tap (%zu-byte UID)", ev.uid_len);
		if (status == NULL)
			fail_msg("unexpected %s event (%s)", ev.kind == READER_CONNECTED ? "connected" : "disconnected",
				 ev.detail);
		(*status)++;
	}
}

static int rig_setup(void **state)
{
	struct rig *g = calloc(1, sizeof(*g));
	char err[256] = "";

	if (g == NULL)
		return -1;
	*state = g;
	g->sim = -1;
	if (!find_sim(g->sim_path, sizeof(g->sim_path)))
		return 0; /* the test skips */
	if (test_tmpdir_make(g->dir, sizeof(g->dir), "reader") != 0)
		return -1;
	snprintf(g->link, sizeof(g->link), "%s/pn532", g->dir);
	snprintf(g->ctl, sizeof(g->ctl), "%s/ctl", g->dir);
	snprintf(g->log, sizeof(g->log), "%s/sim.log", g->dir);
	snprintf(g->connstring, sizeof(g->connstring), "pn532_uart:%s", g->link);
	g->sim = sim_spawn(g);
	reader_config_defaults(&g->cfg);
	g->cfg.connstring = g->connstring;
	if (reader_start(&g->cfg, &g->reader, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "reader_start: %s\n", err);
		return -1;
	}
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *g = *state;

	if (g == NULL)
		return 0;
	reader_stop(g->reader);
	sim_kill(g, SIGTERM);
	if (g->dir[0] != '\0' && getenv("SEUIL_TEST_KEEP") == NULL)
		test_tmpdir_remove(g->dir);
	free(g);
	return 0;
}

/* The rig's reader is up: skips without an emulator, else waits for CONNECTED. */
static struct rig *rig_ready(void **state)
{
	struct rig *g = *state;
	struct reader_event ev;

	if (g->sim <= 0) {
		print_message("# pn532-sim not built (looked in $SEUIL_BUILD or next to this test): skipped\n");
		skip();
	}
	expect_event(g, READER_CONNECTED, 5000, &ev);
	assert_non_null(strstr(ev.detail, g->link));
	assert_true(reader_connected(g->reader));
	return g;
}

static void test_reader__sim_tap_once_while_held(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;

	sim_wait_pending(g, 2000);
	sim_insert(g, UID7, sizeof(UID7));
	expect_tap(g, UID7, sizeof(UID7), 1000, &ev);
	/* held three seconds: nothing more */
	expect_no_tap(g, 3000, NULL);
	sim_lift(g);
	sim_insert(g, UID7, sizeof(UID7));
	expect_tap(g, UID7, sizeof(UID7), 1000, &ev);
	expect_no_tap(g, 500, NULL);
}

static void test_reader__sim_uid_sizes_and_card_swap(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;

	sim_wait_pending(g, 2000);
	sim_insert(g, UID4, sizeof(UID4));
	expect_tap(g, UID4, sizeof(UID4), 1000, &ev);
	sim_lift(g);
	sim_insert(g, UID10, sizeof(UID10));
	expect_tap(g, UID10, sizeof(UID10), 1000, &ev);
	/* another card replaces it without a lift: a new tap at once */
	sim_insert(g, UID7B, sizeof(UID7B));
	expect_tap(g, UID7B, sizeof(UID7B), 1000, &ev);
	/* an ISO14443-4 card (SAK 20, ATS) is reported by its UID alone */
	sim_lift(g);
	sim_cmd(g, "insert 04112233445566 ats=7577810280");
	expect_tap(g, (const uint8_t[]){ 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 }, 7, 1000, &ev);
	expect_no_tap(g, 500, NULL);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_reader__sim_tap_latency(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;
	int64_t lat[20], t0;
	size_t i;

	for (i = 0; i < 20; i++) {
		const uint8_t *uid = i % 2 ? UID7 : UID7B;

		sim_lift(g);
		/* land anywhere in the pending poll's 150 ms */
		sleep_ms((int64_t)(i * 37 % 140));
		t0 = now_us();
		sim_insert(g, uid, 7);
		expect_tap(g, uid, 7, 1000, &ev);
		lat[i] = now_us() - t0;
	}
	qsort(lat, 20, sizeof(lat[0]), cmp_i64);
	print_message("# tap latency (insert sent -> READER_TAP read), 20 taps: median %.2f ms, min %.2f, max %.2f\n",
		      (double)(lat[9] + lat[10]) / 2000.0, (double)lat[0] / 1000.0, (double)lat[19] / 1000.0);
	assert_true((lat[9] + lat[10]) / 2 <= (SANITIZED ? 20000 : 5000));
}

static void test_reader__sim_killed_and_restarted(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;
	int64_t t0, ready;

	sim_kill(g, SIGKILL);
	t0 = clock_mono_ms();
	expect_event(g, READER_DISCONNECTED, 1000, &ev);
	print_message("# emulator killed -> READER_DISCONNECTED in %lld ms (%s)\n", (long long)(clock_mono_ms() - t0),
		      ev.detail);
	assert_false(reader_connected(g->reader));
	/* long enough for the backoff to reach its maximum */
	expect_no_tap(g, 4000, NULL);
	g->sim = sim_spawn(g);
	ready = clock_mono_ms();
	sim_insert(g, UID4, sizeof(UID4));
	expect_event(g, READER_CONNECTED, 3000, &ev);
	expect_tap(g, UID4, sizeof(UID4), 1000, &ev);
	print_message("# emulator restarted -> tap in %lld ms (backoff_max_ms %u)\n", (long long)(clock_mono_ms() - ready),
		      g->cfg.backoff_max_ms);
	assert_true(clock_mono_ms() - ready <= 2000 + (SANITIZED ? 500 : 100));
}

static void test_reader__sim_vanish_and_reappear(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;
	int64_t t0;

	sim_insert(g, UID7, sizeof(UID7));
	expect_tap(g, UID7, sizeof(UID7), 1000, &ev);
	sim_cmd(g, "fault vanish");
	expect_event(g, READER_DISCONNECTED, 1000, &ev);
	expect_no_tap(g, 1500, NULL);
	sim_cmd(g, "remove");
	sim_cmd(g, "reappear");
	t0 = clock_mono_ms();
	expect_event(g, READER_CONNECTED, 2500, &ev);
	sim_wait_pending(g, 2000);
	sim_insert(g, UID7B, sizeof(UID7B));
	expect_tap(g, UID7B, sizeof(UID7B), 1000, &ev);
	print_message("# reappeared -> tap in %lld ms\n", (long long)(clock_mono_ms() - t0));
}

/* One-shot corruption (bad-checksum, garbage): never a tap but the card's own, the reader recovers. */
static void check_one_shot_fault(struct rig *g, const char *fault)
{
	struct reader_event ev;
	char line[64];
	int status = 0;

	snprintf(line, sizeof(line), "fault %s", fault);
	/* no card: the poll's "no target" answer is the corrupted one */
	sim_wait_pending(g, 2000);
	sim_cmd(g, line);
	expect_no_tap(g, 1500, &status);
	assert_true(reader_connected(g->reader) || status > 0);
	sim_wait_pending(g, 3000);
	sim_insert(g, UID7, sizeof(UID7));
	expect_tap(g, UID7, sizeof(UID7), 1500, &ev);
	/* card held: the next answer (probe or poll) is corrupted; no second tap */
	sim_cmd(g, line);
	status = 0;
	expect_no_tap(g, 1500, &status);
	print_message("# fault %s: %d status events, no tap\n", fault, status);
	sim_lift(g);
	sim_insert(g, UID4, sizeof(UID4));
	expect_tap(g, UID4, sizeof(UID4), 1500, &ev);
	sim_cmd(g, "remove");
}

static void test_reader__sim_bad_checksum_and_garbage(void **state)
{
	struct rig *g = rig_ready(state);

	check_one_shot_fault(g, "bad-checksum");
	check_one_shot_fault(g, "garbage");
}

static void test_reader__sim_mute_reader(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;
	int64_t t0;

	/* mute with no card: the pending poll is never answered, the reader gives up on it */
	sim_wait_pending(g, 2000);
	sim_cmd(g, "fault mute");
	t0 = clock_mono_ms();
	expect_event(g, READER_DISCONNECTED, 2000, &ev);
	print_message("# mute -> READER_DISCONNECTED in %lld ms (%s)\n", (long long)(clock_mono_ms() - t0), ev.detail);
	/* a card arriving while mute is not a tap */
	sim_insert(g, UID7, sizeof(UID7));
	expect_no_tap(g, 2000, NULL);
	sim_cmd(g, "fault none");
	t0 = clock_mono_ms();
	expect_event(g, READER_CONNECTED, 4000, &ev);
	/* the card was in the field all along: its tap now, with its own UID */
	expect_tap(g, UID7, sizeof(UID7), 1000, &ev);
	print_message("# fault none -> reconnected and tap in %lld ms\n", (long long)(clock_mono_ms() - t0));

	/* mute while a card is held: the probe before the next check times out */
	sim_cmd(g, "fault mute");
	expect_event(g, READER_DISCONNECTED, 2000, &ev);
	sim_cmd(g, "fault none");
	expect_event(g, READER_CONNECTED, 4000, &ev);
	/* the card never left and the outage was short: no second tap... or, if it lasted
	 * longer than the hold is remembered, a tap with the right UID only */
	for (;;) {
		if (next_event(g->reader, 1000, &ev) == 0)
			break;
		assert_int_equal(ev.kind, READER_TAP);
		assert_int_equal(ev.uid_len, sizeof(UID7));
		assert_memory_equal(ev.uid, UID7, sizeof(UID7));
	}
	sim_lift(g);
	sim_insert(g, UID10, sizeof(UID10));
	expect_tap(g, UID10, sizeof(UID10), 1000, &ev);
}

/* CPU time of the task named name in this process, in microseconds; -1 when not found. */
/* libnfc waits for InAutoPoll's ACK with no bound: the watch thread must cut the line */
static void test_reader__sim_mute_poll(void **state)
{
	struct rig *g = rig_ready(state);
	struct reader_event ev;
	int64_t t0;

	sim_wait_pending(g, 2000);
	sim_cmd(g, "fault mute-poll");
	t0 = clock_mono_ms();
	expect_event(g, READER_DISCONNECTED, 5000, &ev);
	print_message("# mute-poll -> READER_DISCONNECTED in %lld ms (%s)\n", (long long)(clock_mono_ms() - t0),
		      ev.detail);
	sim_cmd(g, "fault none");
	expect_event(g, READER_CONNECTED, 5000, &ev);
	sim_insert(g, UID4, sizeof(UID4));
	expect_tap(g, UID4, sizeof(UID4), 2000, &ev);
	print_message("# fault none -> reconnected and tap in %lld ms\n", (long long)(clock_mono_ms() - t0));
	/* the heartbeat is fresh again */
	assert_true(clock_mono_ms() - reader_heartbeat(g->reader) < 1000);
}

static int64_t task_cpu_us(const char *name)
{
	char path[300], buf[512];
	struct dirent *de;
	int64_t us = -1;
	DIR *d;
	FILE *f;

	d = opendir("/proc/self/task");
	if (d == NULL)
		return -1;
	while (us < 0 && (de = readdir(d)) != NULL) {
		unsigned long long ns, ut, st;
		char *p;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		buf[0] = '\0';
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, name) != 0)
			continue;
		/* schedstat: nanoseconds on a CPU; stat: clock ticks, as a fallback */
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", de->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%llu", &ns) == 1)
				us = (int64_t)(ns / 1000);
			fclose(f);
		}
		if (us >= 0)
			break;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
			us = (int64_t)((ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
		fclose(f);
	}
	closedir(d);
	return us;
}

static void test_reader__sim_idle_cpu(void **state)
{
	struct rig *g = rig_ready(state);
	int64_t r0, w0, r1, w1, t0, t1;

	sim_wait_pending(g, 2000);
	t0 = now_us();
	r0 = task_cpu_us("seuil-reader");
	w0 = task_cpu_us("seuil-rdwatch");
	assert_true(r0 >= 0 && w0 >= 0);
	expect_no_tap(g, 3000, NULL);
	r1 = task_cpu_us("seuil-reader");
	w1 = task_cpu_us("seuil-rdwatch");
	t1 = now_us();
	print_message("# idle CPU over %.1f s, no card: reader thread %.3f %%, watch thread %.3f %% of a core\n",
		      (double)(t1 - t0) / 1e6, 100.0 * (double)(r1 - r0) / (double)(t1 - t0),
		      100.0 * (double)(w1 - w0) / (double)(t1 - t0));
	assert_true((r1 - r0) * 100 < (t1 - t0) * 5);
	assert_true((w1 - w0) * 100 < (t1 - t0) * 5);
	/* the heartbeat is fresh */
	assert_true(clock_mono_ms() - reader_heartbeat(g->reader) < 1000);
}

static void test_reader__sim_stop_is_quick(void **state)
{
	struct rig *g = rig_ready(state);
	int64_t t0, polling, muted, no_ack;

	/* while a poll is pending */
	sim_wait_pending(g, 2000);
	t0 = now_us();
	reader_stop(g->reader);
	polling = now_us() - t0;
	g->reader = NULL;

	/* while the reader is mute (a hung poll, or reopening a device that does not answer) */
	assert_int_equal(reader_start(&g->cfg, &g->reader, NULL, 0), SEUIL_OK);
	{
		struct reader_event ev;

		expect_event(g, READER_CONNECTED, 3000, &ev);
		sim_cmd(g, "fault mute");
		sleep_ms(300);
	}
	t0 = now_us();
	reader_stop(g->reader);
	muted = now_us() - t0;
	g->reader = NULL;
	sim_cmd(g, "fault none");

	/* while libnfc waits, unbounded, for the ACK of a poll */
	assert_int_equal(reader_start(&g->cfg, &g->reader, NULL, 0), SEUIL_OK);
	{
		struct reader_event ev;

		expect_event(g, READER_CONNECTED, 3000, &ev);
		sim_cmd(g, "fault mute-poll");
		sleep_ms(800);
	}
	t0 = now_us();
	reader_stop(g->reader);
	no_ack = now_us() - t0;
	g->reader = NULL;
	sim_cmd(g, "fault none");
	print_message("# reader_stop: %.1f ms during a pending poll, %.1f ms with a mute reader, "
		      "%.1f ms waiting for a poll's ACK\n",
		      (double)polling / 1000.0, (double)muted / 1000.0, (double)no_ack / 1000.0);
	assert_true(polling < 1000000);
	assert_true(muted < 1000000);
	assert_true(no_ack < 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader__track_first_tap_each_size),
		cmocka_unit_test(test_reader__track_held_card_reported_once),
		cmocka_unit_test(test_reader__track_lifted_then_new_tap),
		cmocka_unit_test(test_reader__track_different_card_is_a_tap_at_once),
		cmocka_unit_test(test_reader__track_error_keeps_the_hold),
		cmocka_unit_test(test_reader__track_long_outage_forgets_the_hold),
		cmocka_unit_test(test_reader__track_bad_uid_lengths_ignored),
		cmocka_unit_test(test_reader__track_implausible_targets_ignored),
		cmocka_unit_test(test_reader__config_defaults),
		cmocka_unit_test(test_reader__start_rejects_bad_config),
		cmocka_unit_test(test_reader__missing_device_reported_and_stop_is_quick),
		/* INTEGRATION: need pn532-sim */
		cmocka_unit_test_setup_teardown(test_reader__sim_tap_once_while_held, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_uid_sizes_and_card_swap, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_tap_latency, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_killed_and_restarted, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_vanish_and_reappear, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_bad_checksum_and_garbage, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_mute_reader, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_mute_poll, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_idle_cpu, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_reader__sim_stop_is_quick, rig_setup, rig_teardown),
	};

	log_init("test_reader", getenv("SEUIL_TEST_VERBOSE") != NULL ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	/* libnfc's own error messages (expected ones, under injected faults) stay quiet */
	setenv("LIBNFC_LOG_LEVEL", "0", 0);
	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
