/*
 * seuil_sync_main.c - `seuil-sync`, the kiosk's only process on the
 * network: syncs with the office every [sync] interval_s seconds, at once
 * when the kiosk pokes the wake socket or an office command says sync_now,
 * and after a failure when the backoff (or the office's Retry-After) says.
 * One poll() loop over a signalfd and the wake socket; the status of each
 * attempt goes into the store for the kiosk to show.  It never opens the
 * reader or the door: it talks to the other processes only through the
 * database.
 */
#include "clock.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "store.h"
#include "sync.h"
#include "sync_http.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

static const char usage[] =
	"usage: seuil-sync [--config PATH] [--db PATH] [--once] [--insecure-loopback] [--verbose]\n"
	"\n"
	"Syncs this kiosk with its office (docs/office-api.md): pushes the event\n"
	"outbox, pulls the directory, runs the office's commands; every [sync]\n"
	"interval_s seconds, at once when the kiosk pokes [sync] wake, and with\n"
	"backoff after a failure.\n"
	"\n"
	"  --config PATH        configuration file (default " CONFIG_DEFAULT_PATH ")\n"
	"  --db PATH            database (default: $SEUIL_DB, then [store] path, then\n"
	"                       " STORE_DEFAULT_PATH ")\n"
	"  --once               sync once in the foreground, print one line per step,\n"
	"                       exit 0 on success, 2 on failure\n"
	"  --insecure-loopback  allow plain http:// to an office on this machine\n"
	"                       (127.0.0.0/8, ::1, localhost): tests and demos only\n"
	"  --verbose            log at debug level\n";

struct daemon {
	struct seuil_config cfg;
	struct store *st;
	bool insecure_loopback;
	bool once;              /* --once: no next attempt to plan */
	int sigfd, wakefd;
	bool stopping;
	uint64_t watchdog_ms;   /* ping period; 0 without a systemd watchdog */
	int64_t last_ping_ms;
	unsigned failures;      /* failed attempts in a row */
	int64_t not_before_ms;  /* monotonic: the office's Retry-After holds until then */
};

static void watchdog(struct daemon *d)
{
	int64_t now = clock_mono_ms();

	if (d->watchdog_ms > 0 && now - d->last_ping_ms >= (int64_t)d->watchdog_ms) {
		sd_notify(0, "WATCHDOG=1");
		d->last_ping_ms = now;
	}
}

/* reads the signalfd without waiting; true when asked to stop */
static bool stop_requested(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("signal %u: stopping", si.ssi_signo);
		d->stopping = true;
	}
	return d->stopping;
}

/* during a transfer: keep systemd's watchdog fed, give up on SIGTERM */
static int tick(void *ctx)
{
	struct daemon *d = ctx;

	watchdog(d);
	return stop_requested(d) ? 1 : 0;
}

/* one sync and its status; returns the delay before the next one, in ms, *rc what sync_once() said */
static int64_t attempt(struct daemon *d, struct sync_report *r, int *rc_out, char *err, size_t errlen)
{
	struct sync_run run = { d->insecure_loopback, tick, d };
	char werr[256] = "";
	int64_t delay, next;
	int rc;

	err[0] = '\0';
	rc = sync_once(&d->cfg, d->st, &run, r, err, errlen);
	*rc_out = rc;
	if (d->stopping)
		return 0;
	if (rc == SEUIL_OK) {
		bool busy = r->pushed > 0 || r->pull.changed || r->commands_executed + r->commands_refused > 0;
		d->failures = 0;
		delay = r->sync_now ? 0 : (int64_t)d->cfg.sync_interval_s * 1000;
		/* a quiet minute is not worth a line in the journal */
		(busy ? log_info : log_debug)("sync: %" PRId64 " events pushed (acked_seq %" PRId64 ", %" PRId64
					     " waiting), directory %s, %d commands run, %d refused%s",
					     r->pushed, r->acked_seq, r->outbox_left,
					     !r->pull.changed ? "unchanged" : r->pull.full ? "replaced" : "updated",
					     r->commands_executed, r->commands_refused,
					     r->sync_now ? ", syncing again now" : "");
	} else {
		d->failures++;
		delay = sync_backoff_ms(d->failures, d->cfg.sync_backoff_max_s, r->retry_after_s, arc4random());
		if (r->retry_after_s > 0)
			d->not_before_ms = clock_mono_ms() + delay;
		if (d->once)
			log_warn("sync failed (%s): %s", r->failed_step[0] ? r->failed_step : "?", err);
		else
			log_warn("sync failed (%s, attempt %u): %s; next attempt in %" PRId64 ".%" PRId64 " s",
				 r->failed_step[0] ? r->failed_step : "?", d->failures, err, delay / 1000,
				 delay % 1000 / 100);
	}
	/* --once plans nothing, but records when the office said to come back */
	next = d->once && !(rc != SEUIL_OK && r->retry_after_s > 0) ? 0 : clock_wall_ms() + delay;
	if (sync_status_write(d->st, clock_wall_ms(), rc == SEUIL_OK ? NULL : err, next, werr, sizeof(werr)) !=
	    SEUIL_OK)
		log_error("cannot record the sync status: %s", werr);
	/* a room's calendar that failed does not fail the sync, but the status says so */
	if (rc == SEUIL_OK && r->calendars.first_error[0] != '\0' &&
	    sync_status_write(d->st, clock_wall_ms(), r->calendars.first_error, next, werr, sizeof(werr)) != SEUIL_OK)
		log_error("cannot record the sync status: %s", werr);
	sd_notifyf(0, "STATUS=%s", rc == SEUIL_OK ? "last sync ok" : "last sync failed, backing off");
	return delay;
}

static int run_once(struct daemon *d)
{
	struct sync_report r;
	char err[512] = "", lines[1024];
	int rc;

	attempt(d, &r, &rc, err, sizeof(err));
	fputs(sync_report_format(&r, lines, sizeof(lines)), stdout);
	if (rc != SEUIL_OK) /* why went to stderr with the attempt's warning */
		printf("%s: failed\n", r.failed_step[0] ? r.failed_step : "sync");
	else
		printf("sync: ok\n");
	fflush(stdout);
	return rc == SEUIL_OK ? 0 : 2;
}

static int run_daemon(struct daemon *d)
{
	struct sync_report r;
	char err[512];
	int64_t next = clock_mono_ms(), now, wait;
	uint64_t usec = 0;
	int rc;

	if (sd_watchdog_enabled(0, &usec) > 0)
		d->watchdog_ms = usec / 2000;
	sd_notify(0, "READY=1\nSTATUS=starting the first sync");
	if (d->cfg.sync_url[0] == '\0') {
		log_warn("no office configured ([sync] url is empty): waiting to be stopped");
		sync_status_write(d->st, clock_wall_ms(), "no office configured", 0, NULL, 0);
		sd_notify(0, "STATUS=no office configured");
		next = INT64_MAX;
	}
	while (!d->stopping) {
		struct pollfd fds[2] = { { d->sigfd, POLLIN, 0 }, { d->wakefd, POLLIN, 0 } };
		now = clock_mono_ms();
		if (now >= next) {
			next = now + attempt(d, &r, &rc, err, sizeof(err));
			continue;
		}
		wait = next - now;
		if (d->watchdog_ms > 0 && wait > (int64_t)d->watchdog_ms)
			wait = (int64_t)d->watchdog_ms;
		if (wait > 3600 * 1000)
			wait = 3600 * 1000;
		if (poll(fds, d->wakefd >= 0 ? 2 : 1, (int)wait) < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			return 2;
		}
		watchdog(d);
		if (fds[0].revents & POLLIN)
			stop_requested(d);
		if (d->wakefd >= 0 && (fds[1].revents & POLLIN) && sync_wake_drain(d->wakefd) > 0 &&
		    d->cfg.sync_url[0] != '\0') {
			/* the kiosk needs the office now; the office's own Retry-After still holds */
			now = clock_mono_ms();
			next = d->not_before_ms > now ? d->not_before_ms : now;
			log_debug("woken by the kiosk");
		}
	}
	sd_notify(0, "STOPPING=1");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "db", required_argument, NULL, 'd' },
		{ "once", no_argument, NULL, '1' },         { "insecure-loopback", no_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .sigfd = -1, .wakefd = -1 };
	const char *config_path = NULL, *db = NULL, *env;
	bool verbose = false;
	char err[600] = "";
	sigset_t mask;
	int opt, rc, level;

	while ((opt = getopt_long(argc, argv, "c:d:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'd': db = optarg; break;
		case '1': d.once = true; break;
		case 'L': d.insecure_loopback = true; break;
		case 'v': verbose = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	log_init("seuil-sync", LOG_LEVEL_INFO);
	if (!d.once && (getenv("NOTIFY_SOCKET") != NULL ||
		      (getenv("JOURNAL_STREAM") != NULL && !isatty(STDERR_FILENO))))
		log_to_syslog();
	config_defaults(&d.cfg);
	rc = config_load(config_path != NULL ? config_path : CONFIG_DEFAULT_PATH, &d.cfg, err, sizeof(err));
	if (rc == SEUIL_ERR_NOT_FOUND && config_path == NULL)
		log_info("no %s: using the built-in defaults", CONFIG_DEFAULT_PATH);
	else if (rc != SEUIL_OK)
		fatal("%s", err);
	level = verbose ? LOG_LEVEL_DEBUG : config_log_level(d.cfg.log_level);
	log_init("seuil-sync", level < 0 ? LOG_LEVEL_INFO : (enum log_level)level);
	env = getenv("SEUIL_DB");
	if (db == NULL)
		db = env != NULL && env[0] != '\0' ? env : d.cfg.db[0] != '\0' ? d.cfg.db : STORE_DEFAULT_PATH;
	if (d.insecure_loopback)
		log_warn("--insecure-loopback: plain http:// allowed to this machine (tests and demos only)");

	/* SIGTERM and SIGINT arrive through a signalfd, read by the loop and during transfers */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((d.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		fatal("signalfd: %s", strerror(errno));
	if (sync_http_global_init(err, sizeof(err)) != SEUIL_OK)
		fatal("%s", err);
	/* the door's process checkpoints by hand; this one on commit, as every other */
	if (store_open(db, 0, &d.st, err, sizeof(err)) != SEUIL_OK)
		fatal("%s", err);
	if (d.once) {
		rc = run_once(&d);
	} else {
		if (d.cfg.sync_wake[0] != '\0' && sync_wake_open(d.cfg.sync_wake, &d.wakefd, err, sizeof(err)) != SEUIL_OK)
			fatal("%s", err);
		log_info("syncing %s every %u s (database %s)", d.cfg.sync_url[0] ? d.cfg.sync_url : "(no office)",
			 d.cfg.sync_interval_s, db);
		rc = run_daemon(&d);
		sync_wake_close(d.wakefd, d.cfg.sync_wake);
	}
	store_free(d.st);
	sync_http_global_cleanup();
	close(d.sigfd);
	return rc;
}
