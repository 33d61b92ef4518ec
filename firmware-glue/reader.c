/*
 * reader.c - the NFC reader thread behind reader.h: opens the libnfc
 * connstring, polls for ISO/IEC 14443-A cards with InAutoPoll (whose wait
 * the PN532 itself bounds), reports taps, CONNECTED and DISCONNECTED
 * through a non-blocking pipe, and reopens a lost reader with backoff.
 *
 * Threads: the reader thread is the only one that calls libnfc, except for
 * nfc_abort_command(), which a small watch thread calls when a poll
 * outlives its bound (a mute reader) and reader_stop() calls to cut a
 * pending poll; both do so under r->lock, and only while the device is
 * published in r->abortable (never while it is being opened or closed).
 *
 * What a poll result means is reader_track.c's business; this file does
 * not interpret UIDs, and it never logs one in full.
 *
 * One hole is libnfc's, not ours: the pn532_uart driver waits for the ACK
 * of an InAutoPoll command with no timeout and no abort.  A reader that
 * goes mute between two polls would hang that wait; a cheap command with
 * a finite timeout (the probe) precedes every poll that follows a pause,
 * which leaves only the microseconds between back-to-back polls.  Should
 * the thread hang there anyway, the watch thread (or reader_stop()) cuts
 * the serial line under libnfc (reader_tty.h), which ends the wait with an
 * error; a USB reader that hangs stops the heartbeat instead, the service
 * watchdog restarts the process, and reader_stop() gives up on it after
 * STOP_JOIN_MS.
 * Two smaller ones: an abort that lands while libnfc is not waiting for an
 * answer is lost (the poll then ends on its own, within its period) and
 * leaks one pipe descriptor inside libnfc; and libnfc's descriptors (the
 * tty, its abort pipe) are not close-on-exec.
 *
 * The threads are named "seuil-reader" and "seuil-rdwatch" (tests and
 * operators find them in /proc/PID/task/TID/comm).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <nfc/nfc.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "reader.h"
#include "reader_track.h"
#include "reader_tty.h"

#define DEFAULT_POLL_PERIOD_MS 150
#define DEFAULT_PRESENT_CHECK_MS 100
#define DEFAULT_BACKOFF_MAX_MS 2000
#define POLL_UNIT_MS 150          /* InAutoPoll counts its period in 150 ms units */
#define POLL_UNITS_MAX 15         /* ... from 1 to 15 */
#define PRESENT_CHECK_MAX_MS 10000
#define BACKOFF_FIRST_MS 100
#define BACKOFF_LIMIT_MS 600000
#define COMMAND_TIMEOUT_MS 500    /* NP_TIMEOUT_COMMAND: every command but the poll */
#define POLL_GRACE_MS 500         /* a poll this late past its bound is aborted */
#define IDLE_CYCLE_MIN_MS 50      /* an empty poll that came back sooner is followed by a pause */
#define BEAT_SLICE_MS 250         /* pauses are cut in slices so that the heartbeat stays fresh */
#define FORGET_MIN_MS 2000        /* a held card unseen this long is reported again */
#define CLOSE_TIMEOUT_MS 100     /* NP_TIMEOUT_COMMAND for the farewell commands of nfc_close() */
#define STUCK_AFTER_MS 1000       /* an aborted poll still running this long has its line cut */
#define STOP_JOIN_MS 3000         /* reader_stop() gives up on a thread stuck in libnfc */
#define STOP_CUT_MS 300           /* ... and cuts its serial line if it has not stopped by then */
#define TAP_RESERVE 8             /* events' worth of pipe kept for taps */

_Static_assert(sizeof(struct reader_event) <= PIPE_BUF, "events must be written atomically");
_Static_assert(sizeof(((struct reader_event *)0)->uid) == READER_TRACK_UID_MAX, "UID sizes differ");

struct reader {
	char *connstring; /* NULL: libnfc's default device */
	unsigned poll_units;
	unsigned present_check_ms;
	unsigned backoff_max_ms;
	int64_t forget_ms;

	int ev_read;  /* what reader_fd() returns */
	int ev_write; /* the reader thread's end, non-blocking */
	size_t pipe_room;

	pthread_t thread;
	pthread_t watch;

	pthread_mutex_t lock;
	pthread_cond_t cond; /* stop requests and poll starts */
	/* under lock */
	bool stopping;
	nfc_device *abortable; /* the open device, while nfc_abort_command() may be called on it */
	int tty_fd;            /* libnfc's descriptor of its serial line, or -1; valid while abortable is set */
	bool polling;          /* the reader thread is in nfc_initiator_poll_target() */
	bool poll_aborted;     /* ... and nfc_abort_command() was called for this poll */
	bool stuck_reported;   /* ... and even that did not bring it back */
	int64_t poll_deadline_ms;

	_Atomic int64_t heartbeat_ms;
	atomic_bool connected;
	uint32_t rng; /* jitter; reader thread only */
};

static void beat(struct reader *r)
{
	atomic_store(&r->heartbeat_ms, clock_mono_ms());
}

/* Waits on r->cond until the CLOCK_MONOTONIC time deadline_ms; r->lock held. */
static void wait_until(struct reader *r, int64_t deadline_ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(deadline_ms / 1000);
	ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
	pthread_cond_timedwait(&r->cond, &r->lock, &ts);
}

static bool stop_requested(struct reader *r)
{
	bool stopping;

	pthread_mutex_lock(&r->lock);
	stopping = r->stopping;
	pthread_mutex_unlock(&r->lock);
	return stopping;
}

/* Sleeps ms, or less if reader_stop() is called; returns false when stopping. */
static bool pause_ms(struct reader *r, int64_t ms)
{
	int64_t end = clock_mono_ms() + ms, now, slice;
	bool stopping;

	pthread_mutex_lock(&r->lock);
	while (!r->stopping && (now = clock_mono_ms()) < end) {
		slice = now + BEAT_SLICE_MS < end ? now + BEAT_SLICE_MS : end;
		wait_until(r, slice);
		beat(r);
	}
	stopping = r->stopping;
	pthread_mutex_unlock(&r->lock);
	return !stopping;
}

/* One backoff step: waits 80 to 95 % of *backoff_ms, then doubles it up to the maximum. */
static bool backoff_pause(struct reader *r, unsigned *backoff_ms)
{
	unsigned wait = *backoff_ms, jitter;

	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 17;
	r->rng ^= r->rng << 5;
	jitter = wait / 20 + (wait >= 7 ? r->rng % (wait * 3 / 20 + 1) : 0);
	beat(r);
	*backoff_ms = *backoff_ms > r->backoff_max_ms / 2 ? r->backoff_max_ms : *backoff_ms * 2;
	return pause_ms(r, wait - jitter);
}

/* ---- events ---- */

static const char *kind_name(enum reader_event_kind kind)
{
	switch (kind) {
	case READER_TAP:
		return "tap";
	case READER_CONNECTED:
		return "connected";
	case READER_DISCONNECTED:
		return "disconnected";
	}
	return "event";
}

/* Never blocks: a full pipe (a stuck main loop) loses the event; status events leave room for taps. */
static void emit(struct reader *r, const struct reader_event *ev)
{
	int queued = 0;
	ssize_t n;

	if (ev->kind != READER_TAP && ioctl(r->ev_write, FIONREAD, &queued) == 0 &&
	    (size_t)queued + (TAP_RESERVE + 1) * sizeof(*ev) > r->pipe_room) {
		log_warn("reader: event queue full, %s event dropped", kind_name(ev->kind));
		return;
	}
	do
		n = write(r->ev_write, ev, sizeof(*ev));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*ev))
		log_warn("reader: event queue full, %s event dropped", kind_name(ev->kind));
}

static void emit_status(struct reader *r, enum reader_event_kind kind, const char *detail)
{
	struct reader_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.at_ms = clock_mono_ms();
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
	emit(r, &ev);
}

/* ---- the device ---- */

static const char *device_label(const struct reader *r)
{
	return r->connstring != NULL ? r->connstring : "libnfc's default device";
}

/* Closes dev; a dead reader does not keep nfc_close() (InRelease, RF off...) waiting long. */
static void device_close(nfc_device *dev)
{
	nfc_device_set_property_int(dev, NP_TIMEOUT_COMMAND, CLOSE_TIMEOUT_MS);
	nfc_close(dev);
}

/* Opens and configures the reader; on failure writes why into why and returns NULL. */
static nfc_device *device_open(struct reader *r, nfc_context *ctx, char *why, size_t whylen)
{
	nfc_device *dev;

	dev = nfc_open(ctx, r->connstring);
	if (dev == NULL) {
		snprintf(why, whylen, "cannot open %s", device_label(r));
		return NULL;
	}
	if (nfc_device_set_property_int(dev, NP_TIMEOUT_COMMAND, COMMAND_TIMEOUT_MS) < 0 ||
	    nfc_initiator_init(dev) < 0 || nfc_device_set_property_int(dev, NP_TIMEOUT_COMMAND, COMMAND_TIMEOUT_MS) < 0 ||
	    nfc_device_set_property_bool(dev, NP_INFINITE_SELECT, false) < 0 ||
	    nfc_device_set_property_bool(dev, NP_AUTO_ISO14443_4, false) < 0) {
		snprintf(why, whylen, "%s: %s", device_label(r), nfc_strerror(dev));
		device_close(dev);
		return NULL;
	}
	return dev;
}

static void device_publish(struct reader *r, nfc_device *dev)
{
	int fd = dev != NULL ? reader_tty_find(nfc_device_get_connstring(dev)) : -1;

	pthread_mutex_lock(&r->lock);
	r->abortable = dev;
	r->tty_fd = fd;
	pthread_mutex_unlock(&r->lock);
}

/* Ends a wait libnfc cannot end itself; r->lock held. False when there is no line to cut. */
static bool cut_line(struct reader *r)
{
	int fd = r->tty_fd;

	if (r->abortable == NULL || fd < 0)
		return false;
	r->tty_fd = -1;
	return reader_tty_cut(fd, r->thread);
}

/* Reports the loss once, then closes the device (nothing may abort it any more). */
static void device_lost(struct reader *r, nfc_device *dev, const char *why)
{
	log_warn("reader: %s lost (%s); reopening with backoff", device_label(r), why);
	atomic_store(&r->connected, false);
	emit_status(r, READER_DISCONNECTED, why);
	device_publish(r, NULL);
	device_close(dev);
}

/* Marks the start of a poll for the watch thread; false when stopping. */
static bool poll_begin(struct reader *r, int64_t deadline_ms)
{
	bool ok;

	pthread_mutex_lock(&r->lock);
	ok = !r->stopping;
	if (ok) {
		r->polling = true;
		r->poll_aborted = false;
		r->stuck_reported = false;
		r->poll_deadline_ms = deadline_ms;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return ok;
}

/* Marks the end of a poll; returns true when it was aborted. */
static bool poll_end(struct reader *r)
{
	bool aborted;

	pthread_mutex_lock(&r->lock);
	r->polling = false;
	aborted = r->poll_aborted;
	pthread_mutex_unlock(&r->lock);
	return aborted;
}

/*
 * One poll: after a pause, the probe (a command with a finite timeout, so
 * that a reader gone mute while left alone is noticed rather than hanging
 * the InAutoPoll that follows); then InAutoPoll for one ISO14443A 106 kbps
 * target.  Fills *ev on a tap and why on a failure.
 */
static enum reader_track_result poll_once(struct reader *r, nfc_device *dev, bool after_pause,
					  struct reader_track *track, struct reader_event *ev, char *why, size_t whylen)
{
	static const nfc_modulation nm = { .nmt = NMT_ISO14443A, .nbr = NBR_106 };
	enum reader_track_result res;
	nfc_target target;
	int64_t bound_ms = (int64_t)r->poll_units * POLL_UNIT_MS, seen_ms;
	int rc;

	if (after_pause) {
		/* RFConfiguration: harmless, and answered within NP_TIMEOUT_COMMAND or never */
		if (nfc_device_set_property_bool(dev, NP_ACTIVATE_FIELD, true) < 0) {
			snprintf(why, whylen, "no answer from the reader: %s", nfc_strerror(dev));
			return READER_TRACK_FAILED;
		}
	}
	memset(&target, 0, sizeof(target));
	if (!poll_begin(r, clock_mono_ms() + bound_ms + POLL_GRACE_MS))
		return READER_TRACK_IDLE;
	rc = nfc_initiator_poll_target(dev, &nm, 1, 1, (uint8_t)r->poll_units, &target);
	seen_ms = clock_mono_ms();
	if (poll_end(r)) {
		snprintf(why, whylen, "no answer to a poll within %lld ms",
			 (long long)(bound_ms + POLL_GRACE_MS));
		return READER_TRACK_FAILED;
	}
	res = reader_track_poll(track, rc, &target, seen_ms, ev);
	if (res == READER_TRACK_FAILED)
		snprintf(why, whylen, "%s", nfc_strerror(dev));
	else if (res == READER_TRACK_IGNORED)
		log_debug("reader: poll result ignored (%d%s)", rc, rc > 0 ? ", implausible target" : "");
	return res;
}

static void log_tap(const struct reader_event *ev)
{
	/* the first byte is the manufacturer or the random-UID marker, not the badge */
	log_debug("reader: tap, %zu-byte UID %02X…", ev->uid_len, ev->uid[0]);
}

/* ---- the threads ---- */

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	nfc_context *ctx = NULL;
	nfc_device *dev = NULL;
	struct reader_track track;
	struct reader_event ev;
	enum reader_track_result res;
	unsigned backoff_ms = BACKOFF_FIRST_MS;
	bool down_reported = false, paused = false;
	int64_t started;
	char why[sizeof(ev.detail)];

	pthread_setname_np(pthread_self(), "seuil-reader");
	{
		sigset_t wake;

		sigemptyset(&wake);
		sigaddset(&wake, reader_tty_signal());
		pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	}
	reader_track_init(&track, r->forget_ms);
	while (!stop_requested(r)) {
		beat(r);
		if (dev == NULL) {
			why[0] = '\0';
			if (ctx == NULL) {
				nfc_init(&ctx);
				if (ctx == NULL)
					snprintf(why, sizeof(why), "libnfc could not start");
			}
			if (ctx != NULL)
				dev = device_open(r, ctx, why, sizeof(why));
			if (dev == NULL) {
				if (!down_reported) {
					log_warn("reader: %s; retrying with backoff", why);
					emit_status(r, READER_DISCONNECTED, why);
					down_reported = true;
				}
				if (!backoff_pause(r, &backoff_ms))
					break;
				continue;
			}
			device_publish(r, dev);
			atomic_store(&r->connected, true);
			backoff_ms = BACKOFF_FIRST_MS;
			down_reported = false;
			log_info("reader: %s open", nfc_device_get_name(dev));
			emit_status(r, READER_CONNECTED, nfc_device_get_name(dev));
			paused = false;
		}

		started = clock_mono_ms();
		res = poll_once(r, dev, paused, &track, &ev, why, sizeof(why));
		if (stop_requested(r))
			break;
		paused = res != READER_TRACK_IDLE || clock_mono_ms() - started < IDLE_CYCLE_MIN_MS;
		switch (res) {
		case READER_TRACK_TAP:
			snprintf(ev.detail, sizeof(ev.detail), "%s", nfc_device_get_name(dev));
			log_tap(&ev);
			emit(r, &ev);
			pause_ms(r, r->present_check_ms);
			break;
		case READER_TRACK_HELD:
		case READER_TRACK_IGNORED:
			pause_ms(r, r->present_check_ms);
			break;
		case READER_TRACK_IDLE:
			/* a reader that does not wait for cards itself must not make us spin */
			if (clock_mono_ms() - started < IDLE_CYCLE_MIN_MS)
				pause_ms(r, IDLE_CYCLE_MIN_MS - (clock_mono_ms() - started));
			break;
		case READER_TRACK_FAILED:
			device_lost(r, dev, why);
			dev = NULL;
			down_reported = true;
			backoff_pause(r, &backoff_ms);
			break;
		}
	}
	if (dev != NULL) {
		device_publish(r, NULL);
		atomic_store(&r->connected, false);
		device_close(dev);
	}
	if (ctx != NULL)
		nfc_exit(ctx);
	return NULL;
}

/*
 * Aborts a poll that outlives its bound (the PN532 answers every poll by
 * itself), and says so when even the abort does not bring the thread back.
 */
static void *watch_main(void *arg)
{
	struct reader *r = arg;

	pthread_setname_np(pthread_self(), "seuil-rdwatch");
	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		if (!r->polling || r->stuck_reported) {
			pthread_cond_wait(&r->cond, &r->lock);
		} else if (!r->poll_aborted) {
			if (clock_mono_ms() < r->poll_deadline_ms) {
				wait_until(r, r->poll_deadline_ms);
				continue;
			}
			log_warn("reader: a poll got no answer in time; aborting it");
			r->poll_aborted = true;
			if (r->abortable != NULL)
				nfc_abort_command(r->abortable);
		} else if (clock_mono_ms() < r->poll_deadline_ms + STUCK_AFTER_MS) {
			wait_until(r, r->poll_deadline_ms + STUCK_AFTER_MS);
		} else if (cut_line(r)) {
			log_warn("reader: the reader thread is stuck in libnfc (no ACK from a mute reader); "
				 "cutting its serial line");
			r->poll_deadline_ms = clock_mono_ms();
		} else {
			log_error("reader: the reader thread is stuck in libnfc (no ACK from a mute reader); "
				  "its heartbeat stops until the device goes away");
			r->stuck_reported = true;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* ---- the interface ---- */

void reader_config_defaults(struct reader_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->connstring = NULL;
	cfg->poll_period_ms = DEFAULT_POLL_PERIOD_MS;
	cfg->present_check_ms = DEFAULT_PRESENT_CHECK_MS;
	cfg->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
}

static int config_check(const struct reader_config *cfg, struct reader *r, char *err, size_t errlen)
{
	unsigned poll = cfg->poll_period_ms ? cfg->poll_period_ms : DEFAULT_POLL_PERIOD_MS;
	unsigned check = cfg->present_check_ms ? cfg->present_check_ms : DEFAULT_PRESENT_CHECK_MS;
	unsigned backoff = cfg->backoff_max_ms ? cfg->backoff_max_ms : DEFAULT_BACKOFF_MAX_MS;

	if (cfg->connstring != NULL && strlen(cfg->connstring) >= NFC_BUFSIZE_CONNSTRING)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "reader connstring longer than %d bytes",
			       NFC_BUFSIZE_CONNSTRING - 1);
	if (poll > POLL_UNITS_MAX * POLL_UNIT_MS)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "reader poll_period_ms %u is above %d", poll,
			       POLL_UNITS_MAX * POLL_UNIT_MS);
	if (check > PRESENT_CHECK_MAX_MS)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "reader present_check_ms %u is above %d", check,
			       PRESENT_CHECK_MAX_MS);
	if (backoff < BACKOFF_FIRST_MS || backoff > BACKOFF_LIMIT_MS)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "reader backoff_max_ms %u is not within %d..%d",
			       backoff, BACKOFF_FIRST_MS, BACKOFF_LIMIT_MS);
	r->poll_units = (poll + POLL_UNIT_MS / 2) / POLL_UNIT_MS;
	if (r->poll_units < 1)
		r->poll_units = 1;
	r->present_check_ms = check;
	r->backoff_max_ms = backoff;
	/* a held card is normally seen again every check + poll; three missed sightings end the hold */
	r->forget_ms = 3 * ((int64_t)check + (int64_t)r->poll_units * POLL_UNIT_MS + COMMAND_TIMEOUT_MS);
	if (r->forget_ms < FORGET_MIN_MS)
		r->forget_ms = FORGET_MIN_MS;
	return SEUIL_OK;
}

static void reader_free(struct reader *r)
{
	if (r->ev_read >= 0)
		close(r->ev_read);
	if (r->ev_write >= 0)
		close(r->ev_write);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r->connstring);
	free(r);
}

int reader_start(const struct reader_config *cfg, struct reader **out, char *err, size_t errlen)
{
	struct reader *r;
	pthread_condattr_t ca;
	sigset_t all, old;
	int fds[2], rc, room;

	if (cfg == NULL || out == NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "reader_start: no configuration or no output");
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory starting the reader");
	r->ev_read = r->ev_write = -1;
	r->tty_fd = -1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);

	rc = config_check(cfg, r, err, errlen);
	if (rc != SEUIL_OK)
		goto fail;
	if (cfg->connstring != NULL && cfg->connstring[0] != '\0') {
		r->connstring = strdup(cfg->connstring);
		if (r->connstring == NULL) {
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory starting the reader");
			goto fail;
		}
	}
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "reader event pipe: %s", strerror(errno));
		goto fail;
	}
	r->ev_read = fds[0];
	r->ev_write = fds[1];
	room = fcntl(r->ev_write, F_GETPIPE_SZ);
	r->pipe_room = room > 0 ? (size_t)room : PIPE_BUF;
	r->rng = (uint32_t)clock_mono_ms() ^ (uint32_t)getpid() ^ (uint32_t)(uintptr_t)r;
	if (r->rng == 0)
		r->rng = 0x9E3779B9u;
	atomic_store(&r->heartbeat_ms, clock_mono_ms());
	atomic_store(&r->connected, false);

	/* the threads take no signal but the reader's wake-up: the main loop's handlers stay the only ones */
	reader_tty_signal();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->watch, NULL, watch_main, r);
	if (rc == 0) {
		rc = pthread_create(&r->thread, NULL, reader_main, r);
		if (rc != 0) {
			pthread_mutex_lock(&r->lock);
			r->stopping = true;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
			pthread_join(r->watch, NULL);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "cannot start the reader thread: %s", strerror(rc));
		goto fail;
	}
	*out = r;
	return SEUIL_OK;
fail:
	reader_free(r);
	return rc;
}

static int join_within(pthread_t thread, int ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(thread, NULL, &deadline);
}

void reader_stop(struct reader *r)
{
	int rc;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	if (r->polling && !r->poll_aborted && r->abortable != NULL) {
		r->poll_aborted = true;
		nfc_abort_command(r->abortable);
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);

	rc = join_within(r->thread, STOP_CUT_MS);
	if (rc != 0) {
		pthread_mutex_lock(&r->lock);
		if (cut_line(r))
			log_warn("reader: the reader thread did not stop within %d ms; cutting its serial line",
				 STOP_CUT_MS);
		pthread_mutex_unlock(&r->lock);
		rc = join_within(r->thread, STOP_JOIN_MS - STOP_CUT_MS);
	}
	pthread_join(r->watch, NULL);
	if (rc != 0) {
		/* stuck in libnfc (see the top of this file): it still uses r, which is left to it */
		log_error("reader: the reader thread did not stop within %d ms; left behind", STOP_JOIN_MS);
		pthread_detach(r->thread);
		return;
	}
	reader_free(r);
}

int reader_fd(const struct reader *r)
{
	return r->ev_read;
}

int reader_next(struct reader *r, struct reader_event *ev)
{
	ssize_t n;

	do
		n = read(r->ev_read, ev, sizeof(*ev));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*ev) ? 1 : 0;
}

int64_t reader_heartbeat(const struct reader *r)
{
	return atomic_load(&((struct reader *)r)->heartbeat_ms);
}

bool reader_connected(const struct reader *r)
{
	return atomic_load(&((struct reader *)r)->connected);
}
