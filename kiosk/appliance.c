/*
 * appliance.c - the headless door loop: poll() over the reader's pipe, the
 * door's inputs and a signalfd, with the door state machine's deadlines,
 * the watchdog and the idle checkpoint as the timeout.  It owns no screen
 * and never opens a network socket.
 */
#include "appliance.h"

#include "clock.h"
#include "door.h"
#include "err.h"
#include "journal.h"
#include "log.h"
#include "reader.h"
#include "requests.h"
#include "rights.h"
#include "store.h"
#include "sync.h"
#include "uid.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#define MAX_DOOR_FDS (APPLIANCE_FDS_MAX - 2)
#define CHECKPOINT_IDLE_MS 2000
#define READER_STALL_MS 5000
/*
 * The door loop never waits on another process's write lock longer than
 * this: an event it cannot write within it waits in the journal queue,
 * retried every JOURNAL_RETRY_MS, so the strike's deadlines and the inputs
 * (fire) keep their timing while seuil-sync, an import or a purge writes.
 */
#define WRITE_WAIT_MS 20
#define JOURNAL_RETRY_MS 100
/* 256 events (about 230 kB): minutes of taps and alarms behind a lock */
#define JOURNAL_QUEUE_CAP 256

struct appliance {
	const struct seuil_config *cfg;
	struct store *st;
	/* the door's id: [device] door, or the directory's first door resolved
	 * once; "" while the directory has none.  Decisions, alarms and faults
	 * all carry it. */
	char door_id[ACCESS_ID_MAX];
	struct journal_queue *queue; /* events not yet written (store locked) */
	int64_t journal_retry_at;    /* monotonic ms of the next attempt, 0 when none waits */
	bool requests_retry;         /* a request could not be settled (store locked) */
	struct reader *reader;
	struct door_backend *door;
	struct door_state ds;
	struct door_config dc;
	int sigfd;
	uint64_t watchdog_usec;
	int64_t last_watchdog;
	bool watchdog_withheld;
	int64_t last_write; /* monotonic ms of the last journal append, 0 when checkpointed */
	int64_t data_version; /* the store's, to notice what other processes wrote */
	appliance_decision_fn on_decision;
	void *on_decision_ctx;
	appliance_capture_fn on_capture;
	void *on_capture_ctx;
	appliance_change_fn on_change;
	void *on_change_ctx;
	bool capturing; /* the next card is handed to on_capture, undecided, the door untouched */
	bool stop; /* SIGTERM or SIGINT arrived */
};

/* the door a fatal signal must lock; set once the backend is open */
static struct door_backend *volatile fatal_door;

static void on_fatal_signal(int sig)
{
	/* the strike must not stay released behind a crashed process */
	if (fatal_door != NULL)
		door_backend_safe(fatal_door);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fatal_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void backend_config(const struct seuil_config *cfg, struct door_backend_config *bc)
{
	door_backend_config_defaults(bc);
	bc->kind = cfg->door_backend;
	bc->maglock = cfg->maglock;
	bc->chip = cfg->gpio_chip;
	bc->relay = cfg->gpio_relay;
	bc->contact = cfg->gpio_contact;
	bc->rex = cfg->gpio_rex;
	bc->fire = cfg->gpio_fire;
	bc->tamper = cfg->gpio_tamper;
	bc->led_green = cfg->gpio_led_green;
	bc->led_red = cfg->gpio_led_red;
	bc->buzzer = cfg->gpio_buzzer;
	bc->inputs_active_low = cfg->gpio_inputs_active_low;
	bc->log_path = cfg->sim_log;
	bc->control_path = cfg->sim_control;
}

/*
 * [device] door, or, left empty, the directory's first door, resolved once
 * so that decisions, alarms and faults all name the same door.  While the
 * directory has no door it stays "" and is tried again when another
 * process commits (handle_requests()).
 */
static void resolve_door(struct appliance *app)
{
	char err[256] = "";

	if (app->cfg->door[0] != '\0') {
		snprintf(app->door_id, sizeof(app->door_id), "%s", app->cfg->door);
		return;
	}
	if (access_door_check(app->st, NULL, app->door_id, sizeof(app->door_id), err, sizeof(err)) != SEUIL_OK)
		return;
	log_info("door %s: the directory's first ([device] door left empty)", app->door_id);
}

/*
 * Writes what the queue holds, oldest first, waiting WRITE_WAIT_MS at most;
 * what the store's lock keeps back is retried JOURNAL_RETRY_MS later.
 */
static void record_flush(struct appliance *app)
{
	char err[512] = "";
	size_t written = 0;
	int rc;

	if (app->st == NULL || journal_queue_length(app->queue) + (size_t)journal_queue_lost(app->queue) == 0)
		return;
	for (;;) {
		err[0] = '\0';
		rc = journal_queue_flush(app->queue, app->st, WRITE_WAIT_MS, &written, err, sizeof(err));
		if (written > 0)
			app->last_write = clock_mono_ms();
		if (rc == SEUIL_OK || rc == SEUIL_ERR_BUSY || rc == SEUIL_ERR_IO)
			break;
		/* that event can never be written; the others still can */
		log_error("an event could not be journaled and was discarded: %s", err);
	}
	if (rc == SEUIL_OK) {
		if (app->journal_retry_at != 0)
			log_info("the journal caught up: every queued event is written");
		app->journal_retry_at = 0;
		return;
	}
	if (app->journal_retry_at == 0)
		log_warn("journal writes held back (%s): %zu event(s) kept in order, retried every %d ms",
			 err, journal_queue_length(app->queue), JOURNAL_RETRY_MS);
	app->journal_retry_at = clock_mono_ms() + JOURNAL_RETRY_MS;
}

/* queues ev behind what waits (so the journal keeps the order), then writes */
static void record_event(struct appliance *app, struct journal_event *ev)
{
	char err[256] = "";

	/* this box's id even before open_parts() stored it (an alarm at start) */
	if (ev->device[0] == '\0' && app->cfg->device_id[0] != '\0')
		snprintf(ev->device, sizeof(ev->device), "%s", app->cfg->device_id);
	if (journal_queue_push(app->queue, ev, err, sizeof(err)) != SEUIL_OK)
		log_error("%s", err);
	record_flush(app);
}

static void journal_alarm(struct appliance *app, unsigned bits, const char *what, int64_t now)
{
	for (unsigned bit = 1; bit <= DOOR_ALARM_FIRE; bit <<= 1) {
		struct journal_event ev;
		if (!(bits & bit))
			continue;
		journal_event_init(&ev, "alarm", now);
		snprintf(ev.door, sizeof(ev.door), "%s", app->door_id);
		snprintf(ev.reason, sizeof(ev.reason), "%s", door_alarm_name((enum door_alarm)bit));
		snprintf(ev.detail, sizeof(ev.detail), "%s", what);
		if (strcmp(what, "raised") == 0)
			log_warn("door alarm: %s", ev.reason);
		else
			log_info("door alarm cleared: %s", ev.reason);
		record_event(app, &ev);
	}
}

/* one input to the state machine, its actions to the door, its alarms to the journal */
static void door_input(struct appliance *app, enum door_input_kind kind, bool active, unsigned ms)
{
	struct door_input in = { kind, active, ms };
	struct door_actions act;
	char err[256] = "";

	door_step(&app->ds, &app->dc, &in, clock_mono_ms(), &act);
	if (door_backend_apply(app->door, &act, err, sizeof(err)) != SEUIL_OK)
		log_error("door: %s", err);
	if (act.alarms_raised)
		journal_alarm(app, act.alarms_raised, "raised", clock_wall_ms());
	if (act.alarms_cleared)
		journal_alarm(app, act.alarms_cleared, "cleared", clock_wall_ms());
}

static int decide_and_act(struct appliance *app, const char *uid, struct access_decision *out);

/* decide, door, journal for one normalized uid; *out filled when decided */
static int decide_uid(struct appliance *app, const char *uid, struct access_decision *out)
{
	if (app->capturing && app->on_capture != NULL) {
		/* a card being enrolled at the screen: nothing opens, nothing is decided */
		app->capturing = false;
		app->on_capture(uid, app->on_capture_ctx);
		return SEUIL_ERR_BUSY;
	}
	return decide_and_act(app, uid, out);
}

static int decide_and_act(struct appliance *app, const char *uid, struct access_decision *out)
{
	struct access_request req = { .kind = "uid", .door = app->door_id };
	struct access_decision d;
	struct journal_event ev;
	char shown[32], err[256] = "";

	uid_redact(uid, shown, sizeof(shown));
	req.identifier = uid;
	req.now_ms = clock_wall_ms();
	if (access_decide(app->st, &req, &d, err, sizeof(err)) != SEUIL_OK) {
		/* no decision: the door stays shut, the person is told no, and the
		 * journal (so the office) learns why */
		log_error("no decision for card %s: %s", shown, err);
		door_input(app, DOOR_IN_DENY, true, 0);
		journal_event_init(&ev, "fault", req.now_ms);
		snprintf(ev.door, sizeof(ev.door), "%s", req.door);
		snprintf(ev.reason, sizeof(ev.reason), "no_decision");
		snprintf(ev.detail, sizeof(ev.detail), "%s", err);
		record_event(app, &ev);
		return SEUIL_ERR_INVALID;
	}
	/* the door first, the journal right after (durable before the next
	 * decision unless another process holds the store: then queued) */
	door_input(app, d.granted ? DOOR_IN_GRANT : DOOR_IN_DENY, true, d.unlock_ms);
	journal_decision_event(&d, &ev);
	record_event(app, &ev);
	if (d.granted)
		log_info("granted to %s (%s) at door %s", d.person[0] ? d.person : "visitor",
			 d.tenant[0] ? d.tenant : "-", d.door);
	else
		log_info("refused %s: %s at door %s", d.person[0] ? d.person : shown,
			 access_reason_code(d.reason), d.door);
	if (app->on_decision != NULL)
		app->on_decision(&d, app->on_decision_ctx);
	if (out != NULL)
		*out = d;
	return SEUIL_OK;
}

static void handle_tap(struct appliance *app, const struct reader_event *ev)
{
	char uid[UID_HEX_MAX], shown[32];
	int64_t age = clock_mono_ms() - ev->at_ms;

	if (uid_from_bytes(ev->uid, ev->uid_len, uid) != SEUIL_OK)
		return;
	if (age > APPLIANCE_STALE_TAP_MS) {
		/* acting on it now could open the door for nobody */
		uid_redact(uid, shown, sizeof(shown));
		log_warn("dropped a tap of card %s seen %lld ms ago", shown, (long long)age);
		return;
	}
	decide_uid(app, uid, NULL);
}

static void handle_reader(struct appliance *app)
{
	struct reader_event ev;

	while (reader_next(app->reader, &ev) == 1) {
		switch (ev.kind) {
		case READER_TAP:
			handle_tap(app, &ev);
			break;
		case READER_CONNECTED:
			log_info("reader connected: %s", ev.detail);
			sd_notifyf(0, "STATUS=reader connected: %s", ev.detail);
			break;
		case READER_DISCONNECTED:
			log_warn("reader lost: %s; reopening", ev.detail);
			sd_notify(0, "STATUS=reader disconnected, reopening");
			break;
		}
	}
}

static void handle_door(struct appliance *app)
{
	struct door_event ev[16];
	int n;

	/* a full batch may leave more waiting without a readable descriptor */
	do {
		n = door_backend_read(app->door, ev, 16);
		for (int i = 0; i < n; i++)
			door_input(app, ev[i].kind, ev[i].active, 0);
	} while (n == 16);
}

/* journals what became of a request the door did not act on */
static void journal_request(struct appliance *app, const struct request *req, const char *outcome,
			    const char *why, int64_t now)
{
	struct journal_event ev;
	char body[24];

	/* the body is another process's text: only its printable start */
	snprintf(body, sizeof(body), "%s", req->body);
	for (char *p = body; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' || (unsigned char)*p >= 0x7f)
			*p = '?';
	journal_event_init(&ev, "request", now);
	snprintf(ev.door, sizeof(ev.door), "%s", app->door_id);
	snprintf(ev.reason, sizeof(ev.reason), "%s", outcome);
	snprintf(ev.detail, sizeof(ev.detail),
		 "{\"id\":%lld,\"kind\":\"%.31s\",\"body\":\"%s\",\"created_ms\":%lld,\"why\":\"%s\"}",
		 (long long)req->id, req->kind, body, (long long)req->created_ms, why);
	record_event(app, &ev);
}

/*
 * What other processes asked of the door: the office's unlock_for.  A
 * request is settled (one short write) before the door acts on it; one
 * older than APPLIANCE_REQUEST_MAX_AGE_MS (written while seuil was down,
 * or the clock jumped) is marked "expired" and journaled, never acted on.
 */
static void handle_requests(struct appliance *app)
{
	struct request req;
	char err[256] = "", *end;
	int64_t version = store_data_version(app->st), now, age;
	long seconds;
	int rc;

	if (version == app->data_version && !app->requests_retry)
		return;
	if (version != app->data_version) {
		app->data_version = version;
		/* the directory may have brought the first door */
		if (app->door_id[0] == '\0')
			resolve_door(app);
		if (app->on_change != NULL)
			app->on_change(app->on_change_ctx);
	}
	app->requests_retry = false;
	while (request_peek(app->st, "unlock_for", &req, err, sizeof(err)) == SEUIL_OK) {
		const char *state = "done", *answer = NULL;
		now = clock_wall_ms();
		age = now - req.created_ms;
		seconds = strtol(req.body, &end, 10);
		if (age > APPLIANCE_REQUEST_MAX_AGE_MS || age < -APPLIANCE_REQUEST_MAX_AGE_MS) {
			state = "expired";
			answer = "older than the door accepts (2 minutes)";
		} else if (req.body[0] == '\0' || *end != '\0' || seconds < 0 || seconds > 43200) {
			state = "failed";
			answer = "not a number of seconds";
		}
		err[0] = '\0';
		rc = request_settle(app->st, req.id, state, answer, now, WRITE_WAIT_MS, err, sizeof(err));
		if (rc == SEUIL_ERR_NOT_FOUND)
			continue; /* another taker had it */
		if (rc != SEUIL_OK) {
			/* nothing changed: the request waits, the door too */
			if (rc != SEUIL_ERR_BUSY)
				log_error("%s", err);
			app->requests_retry = true;
			return;
		}
		if (strcmp(state, "expired") == 0) {
			log_warn("ignored an unlock request written %lld s ago (at most %d s)", (long long)(age / 1000),
				 APPLIANCE_REQUEST_MAX_AGE_MS / 1000);
			journal_request(app, &req, "expired", answer, now);
			continue;
		}
		if (strcmp(state, "failed") == 0) {
			log_warn("ignored an unlock request of \"%.16s\" seconds", req.body);
			journal_request(app, &req, "refused", answer, now);
			continue;
		}
		if (seconds > 0)
			log_info("door held released for %ld s (office)", seconds);
		else
			log_info("the office's hold of the door ended");
		door_input(app, DOOR_IN_UNLOCK_FOR, true, (unsigned)seconds * 1000);
		app->last_write = clock_mono_ms();
	}
}

/* WATCHDOG=1 only while this loop and the reader thread both live */
static void feed_watchdog(struct appliance *app, int64_t now)
{
	int64_t interval = (int64_t)(app->watchdog_usec / 2000);
	bool reader_ok;

	if (app->watchdog_usec == 0 || now - app->last_watchdog < interval)
		return;
	reader_ok = app->reader == NULL || now - reader_heartbeat(app->reader) < READER_STALL_MS;
	if (!reader_ok) {
		if (!app->watchdog_withheld)
			log_error("the reader thread is stalled: withholding the watchdog");
		app->watchdog_withheld = true;
		return;
	}
	app->watchdog_withheld = false;
	sd_notify(0, "WATCHDOG=1");
	app->last_watchdog = now;
}

int appliance_next_timeout(struct appliance *app, int64_t now)
{
	int64_t timeout = 1000;

	if (app->ds.release_until || app->ds.led_until || app->ds.opened_at) {
		struct door_actions act;
		struct door_input tick = { DOOR_IN_TICK, false, 0 };
		struct door_state probe = app->ds;
		door_step(&probe, &app->dc, &tick, now, &act);
		if (act.next_deadline > 0 && act.next_deadline - now < timeout)
			timeout = act.next_deadline - now;
	}
	if (app->watchdog_usec > 0) {
		int64_t due = app->last_watchdog + (int64_t)(app->watchdog_usec / 2000) - now;
		if (due < timeout)
			timeout = due;
	}
	if (app->last_write > 0 && app->last_write + CHECKPOINT_IDLE_MS - now < timeout)
		timeout = app->last_write + CHECKPOINT_IDLE_MS - now;
	if (app->journal_retry_at > 0 && app->journal_retry_at - now < timeout)
		timeout = app->journal_retry_at - now;
	if (app->requests_retry && JOURNAL_RETRY_MS < timeout)
		timeout = JOURNAL_RETRY_MS;
	return timeout < 0 ? 0 : (int)timeout;
}

static int open_parts(struct appliance *app, const char *db_path)
{
	struct door_backend_config bc;
	struct reader_config rc;
	struct door_event seed[8];
	sigset_t mask;
	char err[512] = "";
	int n;

	if (journal_queue_new(JOURNAL_QUEUE_CAP, &app->queue) != SEUIL_OK) {
		log_error("out of memory");
		return 2;
	}
	/* the door first: whatever else fails, it is driven locked at once */
	backend_config(app->cfg, &bc);
	if (door_backend_open(&bc, &app->door, err, sizeof(err)) != SEUIL_OK) {
		log_error("door: %s", err);
		return 2;
	}
	fatal_door = app->door;
	door_config_defaults(&app->dc);
	app->dc.held_open_ms = app->cfg->held_open_s * 1000;
	app->dc.rex_unlock_ms = app->cfg->rex_unlock_ms;
	app->dc.beep_grant_ms = app->cfg->beep_grant_ms;
	app->dc.beep_deny_ms = app->cfg->beep_deny_ms;
	app->dc.led_ms = app->cfg->led_ms;
	app->dc.has_contact = strcmp(app->cfg->door_backend, "sim") == 0 || app->cfg->gpio_contact >= 0;
	door_init(&app->ds);

	/* the store before the inputs' first levels: an alarm active at start
	 * (fire, tamper, an open door) is journaled like any other */
	if (store_open(db_path, STORE_MANUAL_CHECKPOINT, &app->st, err, sizeof(err)) != SEUIL_OK) {
		log_error("%s", err);
		return 2;
	}
	resolve_door(app);
	n = door_backend_inputs(app->door, seed, 8);
	for (int i = 0; i < n; i++)
		door_input(app, seed[i].kind, seed[i].active, 0);
	if (access_door_check(app->st, app->cfg->door, NULL, 0, err, sizeof(err)) != SEUIL_OK) {
		/* keep running: a sync may bring the door; until then every badge is refused */
		log_error("%s: every badge will be refused until the directory has this door "
			  "(check [device] door in the configuration)", err);
		sd_notifyf(0, "STATUS=door %s not in the directory", app->cfg->door);
		err[0] = '\0';
	}
	if (app->cfg->device_id[0] != '\0' &&
	    store_setting_set(app->st, "device_id", app->cfg->device_id, err, sizeof(err)) != SEUIL_OK) {
		log_error("%s", err);
		return 2;
	}
	/* [retention] visitor_days is what purge and the visitors' privacy notice go by */
	if (store_setting_int(app->st, "visitor_retention_days", 30) != (int64_t)app->cfg->visitor_days) {
		char days[16];
		snprintf(days, sizeof(days), "%u", app->cfg->visitor_days);
		if (store_setting_set(app->st, "visitor_retention_days", days, err, sizeof(err)) != SEUIL_OK) {
			log_error("%s", err);
			return 2;
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL); /* before the reader thread inherits the mask */
	signal(SIGPIPE, SIG_IGN);
	app->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (app->sigfd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return 2;
	}
	install_fatal_handlers();

	if (app->cfg->reader_enabled) {
		reader_config_defaults(&rc);
		rc.connstring = app->cfg->connstring[0] ? app->cfg->connstring : NULL;
		rc.poll_period_ms = app->cfg->poll_period_ms;
		rc.present_check_ms = app->cfg->present_check_ms;
		rc.backoff_max_ms = app->cfg->backoff_max_ms;
		if (reader_start(&rc, &app->reader, err, sizeof(err)) != SEUIL_OK) {
			log_error("reader: %s", err);
			return 2;
		}
	}
	if (sd_watchdog_enabled(0, &app->watchdog_usec) <= 0)
		app->watchdog_usec = 0;
	return 0;
}

static void close_parts(struct appliance *app)
{
	reader_stop(app->reader);
	fatal_door = NULL;
	door_backend_close(app->door); /* drives the relay locked */
	if (app->st != NULL) {
		char err[256] = "";
		/* a last try for what a lock held back; the queue dies with us */
		record_flush(app);
		if (app->queue != NULL && journal_queue_length(app->queue) + (size_t)journal_queue_lost(app->queue) > 0)
			log_error("stopping with %zu event(s) not journaled (the store stayed locked)",
				  journal_queue_length(app->queue) + (size_t)journal_queue_lost(app->queue));
		if (store_checkpoint(app->st, err, sizeof(err)) != SEUIL_OK)
			log_warn("%s", err);
	}
	store_free(app->st);
	journal_queue_free(app->queue);
	if (app->sigfd >= 0)
		close(app->sigfd);
}

int appliance_open(const struct seuil_config *cfg, const char *db_path, struct appliance **out)
{
	struct appliance *app = calloc(1, sizeof(*app));
	int rc;

	*out = NULL;
	if (app == NULL) {
		log_error("out of memory");
		return 2;
	}
	app->cfg = cfg;
	app->sigfd = -1;
	rc = open_parts(app, db_path);
	if (rc != 0) {
		close_parts(app);
		free(app);
		return rc;
	}
	log_info("door %s ready (%s backend, reader %s)", cfg->door[0] ? cfg->door : "(first)",
		 cfg->door_backend, cfg->reader_enabled ? (cfg->connstring[0] ? cfg->connstring : "default") : "off");
	*out = app;
	return 0;
}

void appliance_on_capture(struct appliance *app, appliance_capture_fn fn, void *ctx)
{
	app->on_capture = fn;
	app->on_capture_ctx = ctx;
}

void appliance_capture(struct appliance *app, bool on)
{
	app->capturing = on;
}

void appliance_on_decision(struct appliance *app, appliance_decision_fn fn, void *ctx)
{
	app->on_decision = fn;
	app->on_decision_ctx = ctx;
}

int appliance_fds(struct appliance *app, struct pollfd *fds, int max)
{
	int door_fds[MAX_DOOR_FDS], nfds = 0, ndoor;

	if (max < APPLIANCE_FDS_MAX)
		return -1;
	fds[nfds++] = (struct pollfd){ .fd = app->sigfd, .events = POLLIN };
	if (app->reader != NULL)
		fds[nfds++] = (struct pollfd){ .fd = reader_fd(app->reader), .events = POLLIN };
	ndoor = door_backend_fds(app->door, door_fds, MAX_DOOR_FDS);
	for (int i = 0; i < ndoor; i++)
		fds[nfds++] = (struct pollfd){ .fd = door_fds[i], .events = POLLIN };
	return nfds;
}

bool appliance_service(struct appliance *app, const struct pollfd *fds, int nfds)
{
	int first_door = app->reader != NULL ? 2 : 1;

	if (nfds > 0 && (fds[0].revents & POLLIN)) {
		struct signalfd_siginfo si;
		if (read(app->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && si.ssi_signo != SIGHUP)
			app->stop = true;
	}
	if (app->reader != NULL && nfds > 1 && (fds[1].revents & POLLIN))
		handle_reader(app);
	for (int i = first_door; i < nfds; i++) {
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			handle_door(app);
			break;
		}
	}
	handle_requests(app);
	door_input(app, DOOR_IN_TICK, false, 0);
	if (app->journal_retry_at > 0 && clock_mono_ms() >= app->journal_retry_at)
		record_flush(app);
	if (app->last_write > 0 && clock_mono_ms() - app->last_write >= CHECKPOINT_IDLE_MS) {
		char err[256] = "";
		if (store_checkpoint(app->st, err, sizeof(err)) != SEUIL_OK)
			log_warn("%s", err);
		app->last_write = 0;
	}
	feed_watchdog(app, clock_mono_ms());
	return !app->stop;
}

int appliance_tap(struct appliance *app, const char *text, struct access_decision *out)
{
	char uid[UID_HEX_MAX], err[128] = "";

	if (uid_normalize(text, uid, err, sizeof(err)) != SEUIL_OK)
		return SEUIL_ERR_INVALID;
	return decide_uid(app, uid, out);
}

struct store *appliance_store(struct appliance *app)
{
	return app->st;
}

bool appliance_door_released(const struct appliance *app)
{
	return app->ds.release_until != 0;
}

void appliance_close(struct appliance *app)
{
	if (app == NULL)
		return;
	close_parts(app);
	free(app);
}

int appliance_run(const struct seuil_config *cfg, const char *db_path)
{
	struct appliance *app;
	int rc = appliance_open(cfg, db_path, &app);

	if (rc != 0)
		return rc;
	sd_notify(0, "READY=1\nSTATUS=running");
	for (;;) {
		struct pollfd fds[APPLIANCE_FDS_MAX];
		int nfds, n;

		feed_watchdog(app, clock_mono_ms());
		nfds = appliance_fds(app, fds, APPLIANCE_FDS_MAX);
		n = poll(fds, (nfds_t)nfds, appliance_next_timeout(app, clock_mono_ms()));
		if (n < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (n < 0)
			nfds = 0;
		if (!appliance_service(app, fds, nfds))
			break;
	}
	sd_notify(0, "STOPPING=1");
	log_info("stopping: door locked");
	appliance_close(app);
	return 0;
}

int appliance_relay_off(const struct seuil_config *cfg)
{
	struct door_backend_config bc;
	struct door_backend *door;
	char err[512] = "";

	backend_config(cfg, &bc);
	if (door_backend_open(&bc, &door, err, sizeof(err)) != SEUIL_OK) {
		log_error("door: %s", err);
		return 2;
	}
	door_backend_close(door);
	return 0;
}

/* ---- staff mode (kiosk_staff.c) ---- */

void appliance_door_view(const struct appliance *app, struct appliance_door_view *out)
{
	int64_t now = clock_mono_ms();

	memset(out, 0, sizeof(*out));
	out->released = app->ds.released;
	out->release_left_ms = app->ds.release_until > now ? app->ds.release_until - now : 0;
	out->hold_left_ms = app->ds.staff_until > now ? app->ds.staff_until - now : 0;
	out->has_contact = app->dc.has_contact;
	out->contact_open = app->ds.contact_open;
	out->alarms = app->ds.alarms;
}

void appliance_unlock_for(struct appliance *app, unsigned seconds)
{
	if (seconds > 43200)
		seconds = 43200;
	if (seconds > 0)
		log_info("door held released for %u s (staff)", seconds);
	else
		log_info("the staff hold of the door ended");
	door_input(app, DOOR_IN_UNLOCK_FOR, true, seconds * 1000);
}

void appliance_on_store_change(struct appliance *app, appliance_change_fn fn, void *ctx)
{
	app->on_change = fn;
	app->on_change_ctx = ctx;
}

void appliance_sync_now(struct appliance *app)
{
	char err[256] = "";

	if (app->cfg->sync_url[0] == '\0' || app->cfg->sync_wake[0] == '\0')
		return;
	/* a local socket, never the network: seuil-sync does the rest, or catches up later */
	if (sync_wake_poke(app->cfg->sync_wake, err, sizeof(err)) != SEUIL_OK)
		log_info("seuil-sync not woken (%s); the next periodic sync will carry it", err);
}
