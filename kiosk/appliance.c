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

struct appliance {
	const struct seuil_config *cfg;
	struct store *st;
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

static void journal_alarm(struct appliance *app, unsigned bits, const char *what, int64_t now)
{
	char err[256] = "";

	for (unsigned bit = 1; bit <= DOOR_ALARM_FIRE; bit <<= 1) {
		struct journal_event ev;
		if (!(bits & bit))
			continue;
		journal_event_init(&ev, "alarm", now);
		snprintf(ev.door, sizeof(ev.door), "%s", app->cfg->door);
		snprintf(ev.reason, sizeof(ev.reason), "%s", door_alarm_name((enum door_alarm)bit));
		snprintf(ev.detail, sizeof(ev.detail), "%s", what);
		if (strcmp(what, "raised") == 0)
			log_warn("door alarm: %s", ev.reason);
		else
			log_info("door alarm cleared: %s", ev.reason);
		if (journal_append(app->st, &ev, NULL, err, sizeof(err)) != SEUIL_OK)
			log_error("cannot journal the %s alarm: %s", ev.reason, err);
		app->last_write = clock_mono_ms();
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
	struct access_request req = { .kind = "uid", .door = app->cfg->door };
	struct access_decision d;
	char shown[32], err[256] = "";

	uid_redact(uid, shown, sizeof(shown));
	req.identifier = uid;
	req.now_ms = clock_wall_ms();
	if (access_decide(app->st, &req, &d, err, sizeof(err)) != SEUIL_OK) {
		/* no decision: the door stays shut, the person is told no, and the
		 * journal (so the office) learns why */
		struct journal_event ev;
		char jerr[256] = "";
		log_error("no decision for card %s: %s", shown, err);
		door_input(app, DOOR_IN_DENY, true, 0);
		journal_event_init(&ev, "fault", req.now_ms);
		snprintf(ev.door, sizeof(ev.door), "%s", app->cfg->door);
		snprintf(ev.reason, sizeof(ev.reason), "no_decision");
		snprintf(ev.detail, sizeof(ev.detail), "%s", err);
		if (journal_append(app->st, &ev, NULL, jerr, sizeof(jerr)) != SEUIL_OK)
			log_error("cannot journal the fault: %s", jerr);
		app->last_write = clock_mono_ms();
		return SEUIL_ERR_INVALID;
	}
	/* the door first, the journal right after */
	door_input(app, d.granted ? DOOR_IN_GRANT : DOOR_IN_DENY, true, d.unlock_ms);
	if (journal_record_decision(app->st, &d, NULL, err, sizeof(err)) != SEUIL_OK)
		log_error("cannot journal a decision: %s", err);
	app->last_write = clock_mono_ms();
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

/* what other processes asked of the door: the office's unlock_for */
static void handle_requests(struct appliance *app)
{
	struct request req;
	char err[256] = "", *end;
	int64_t version = store_data_version(app->st);
	long seconds;

	if (version == app->data_version)
		return;
	app->data_version = version;
	if (app->on_change != NULL)
		app->on_change(app->on_change_ctx);
	while (request_take(app->st, "unlock_for", clock_wall_ms(), &req, err, sizeof(err)) == SEUIL_OK) {
		seconds = strtol(req.body, &end, 10);
		if (*end != '\0' || seconds < 0 || seconds > 43200) {
			log_warn("ignored an unlock request of \"%.16s\" seconds", req.body);
			request_finish(app->st, req.id, "failed", "not a number of seconds", clock_wall_ms(), err,
				       sizeof(err));
			continue;
		}
		if (seconds > 0)
			log_info("door held released for %ld s (office)", seconds);
		else
			log_info("the office's hold of the door ended");
		door_input(app, DOOR_IN_UNLOCK_FOR, true, (unsigned)seconds * 1000);
		request_finish(app->st, req.id, "done", NULL, clock_wall_ms(), err, sizeof(err));
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
	n = door_backend_inputs(app->door, seed, 8);
	for (int i = 0; i < n; i++)
		door_input(app, seed[i].kind, seed[i].active, 0);

	if (store_open(db_path, STORE_MANUAL_CHECKPOINT, &app->st, err, sizeof(err)) != SEUIL_OK) {
		log_error("%s", err);
		return 2;
	}
	if (access_door_check(app->st, app->cfg->door, err, sizeof(err)) != SEUIL_OK) {
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
		if (store_checkpoint(app->st, err, sizeof(err)) != SEUIL_OK)
			log_warn("%s", err);
	}
	store_free(app->st);
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
