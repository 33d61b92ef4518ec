/*
 * sync.c - benchmark of the office sync (issue: office sync).
 *
 * Makes a site CA and certificates for 50 kiosks, an office holding 2,000
 * people and 5,000 badges, starts `seuil-office serve` on loopback, and
 * measures, in this process, through sync_once() over mutual TLS:
 *   - a full directory pull + apply into an empty kiosk store (5 runs);
 *   - a delta of one change (5 runs);
 *   - an outbox of 100,000 events uploaded;
 * and then 50 simulated kiosks, each polling every second (an empty batch
 * of events, the directory with its cursor, then commands, on its own TLS
 * connection and certificate),
 * for 20 s: the p50/p99/max of the office's answers.
 *
 * usage: sync [DIR]   (seuil-office next to this binary: ../seuil-office)
 */
#include "bench_data.h"
#include "bench_util.h"

#include "config.h"
#include "err.h"
#include "store.h"
#include "sync.h"
#include "sync_http.h"

#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIOSKS 50
#define POLL_SECONDS 20

static char bindir[PATH_MAX], work[PATH_MAX], top[PATH_MAX];
static unsigned port;

static void die(const char *what)
{
	fprintf(stderr, "bench sync: %s\n", what);
	exit(2);
}

static int run(char *const argv[], const char *out)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open(out != NULL ? out : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb, (void)type, (void)ftw;
	return remove(path);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

static pid_t start_office(const char *conf)
{
	char exe[PATH_MAX + 32], out[PATH_MAX + 32], line[256];
	int fds[2];
	pid_t pid;
	FILE *f;

	snprintf(exe, sizeof(exe), "%s/seuil-office", bindir);
	snprintf(out, sizeof(out), "%s/office.log", work);
	if (pipe(fds) != 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fds[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(fds[0]);
		execv(exe, (char *const[]){ exe, "--config", (char *)conf, "serve", "--port", "0", NULL });
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL)
		die("the office did not start (see office.log)");
	fclose(f);
	if (sscanf(strrchr(line, ':') + 1, "%u", &port) != 1)
		die("cannot read the office's port");
	return pid;
}

static void kiosk_config(struct seuil_config *cfg, const char *device)
{
	config_defaults(cfg);
	snprintf(cfg->sync_url, sizeof(cfg->sync_url), "https://localhost:%u", port);
	snprintf(cfg->sync_ca, sizeof(cfg->sync_ca), "%s/certs/site-ca.pem", work);
	snprintf(cfg->sync_cert, sizeof(cfg->sync_cert), "%s/certs/%s.pem", work, device);
	snprintf(cfg->sync_key, sizeof(cfg->sync_key), "%s/certs/%s.key", work, device);
	snprintf(cfg->device_id, sizeof(cfg->device_id), "%s", device);
}

static struct store *fresh_kiosk(const char *name)
{
	char path[PATH_MAX + 32], err[256] = "";
	struct store *st;

	snprintf(path, sizeof(path), "%s/%s.db", work, name);
	unlink(path);
	if (store_open(path, STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    store_setting_set(st, "device_id", "kiosk-1", err, sizeof(err)) != SEUIL_OK)
		die(err);
	return st;
}

static int64_t timed_sync(const struct seuil_config *cfg, struct store *st, struct sync_report *rep)
{
	struct sync_run runopts = { 0 };
	char err[512] = "";
	int64_t t0 = bench_now_ns();

	if (sync_once(cfg, st, &runopts, rep, err, sizeof(err)) != SEUIL_OK)
		die(err);
	return bench_now_ns() - t0;
}

/* ---- 50 kiosks polling ------------------------------------------------- */

#define POLL_LAT_MAX (POLL_SECONDS + 4) /* one answer of each kind a second, and a margin */

/* a kiosk's sync: the outbox (empty), the directory with its cursor, the commands */
enum { ASK_EVENTS, ASK_DIRECTORY, ASK_COMMANDS, ASKS };
static const char *const ask_names[ASKS] = { "POST /v1/events (empty)", "GET /v1/directory", "GET /v1/commands" };

struct poller {
	int index;
	int64_t lat[ASKS][POLL_LAT_MAX];
	int n[ASKS];
	int errors;
};

static volatile int polling = 1;

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	struct seuil_config cfg;
	struct sync_http_options o = { 0 };
	struct sync_http *h;
	struct sync_http_reply reply;
	char device[32], target[128], cursor[64] = "0", err[256], empty[96];
	int64_t next = bench_now_ns() + (int64_t)p->index * 20000000; /* spread over the second */

	snprintf(device, sizeof(device), "kiosk-%d", p->index + 1);
	/* what a kiosk with an empty outbox sends at each sync */
	snprintf(empty, sizeof(empty), "{\"device\":\"%s\",\"events\":[]}", device);
	kiosk_config(&cfg, device);
	o.url = cfg.sync_url;
	o.ca = cfg.sync_ca;
	o.cert = cfg.sync_cert;
	o.key = cfg.sync_key;
	o.pin = "";
	o.connect_timeout_s = 5;
	o.transfer_timeout_s = 20;
	if (sync_http_new(&o, &h, err, sizeof(err)) != SEUIL_OK)
		die(err);
	while (polling) {
		const char *targets[ASKS] = { "/v1/events", target, "/v1/commands" };
		snprintf(target, sizeof(target), "/v1/directory?cursor=%s", cursor);
		for (int i = 0; i < ASKS && polling; i++) {
			bool post = i == ASK_EVENTS;
			int64_t t0 = bench_now_ns();
			memset(&reply, 0, sizeof(reply));
			err[0] = '\0';
			if (sync_http_request(h, post ? "POST" : "GET", targets[i], post ? empty : NULL,
					      post ? strlen(empty) : 0, &reply, err, sizeof(err)) != SEUIL_OK ||
			    reply.status != 200) {
				p->errors++;
			} else if (p->n[i] < POLL_LAT_MAX) {
				/* a kiosk's first contact (the full directory, the device's
				 * record) is not what the office answers each second */
				if (strcmp(cursor, "0") != 0)
					p->lat[i][p->n[i]++] = bench_now_ns() - t0;
				if (i == ASK_DIRECTORY) {
					const char *c = strstr(reply.body != NULL ? reply.body : "", "\"cursor\"");
					if (c != NULL && sscanf(c, "\"cursor\" : \"%63[^\"]\"", cursor) != 1)
						sscanf(c, "\"cursor\":\"%63[^\"]\"", cursor);
				}
			}
			sync_http_reply_release(&reply);
		}
		next += 1000000000;
		int64_t wait = next - bench_now_ns();
		if (wait > 0)
			usleep((useconds_t)(wait / 1000));
	}
	sync_http_free(h);
	return NULL;
}

static void add_events(const char *db, long n)
{
	sqlite3 *s;
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %ld)"
		 " INSERT INTO events(seq, at_ms, device, kind, door_id, granted, reason, person_id,"
		 " tenant_id, credential_hash) SELECT (SELECT coalesce(max(seq), 0) FROM events) + x,"
		 " 1795766400000 + x * 100, 'kiosk-1', 'decision', 'entree', 1, 'granted', 'p00001',"
		 " 't0001', printf('%%032x', x) FROM n",
		 n);
	if (sqlite3_open(db, &s) != SQLITE_OK || sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(s));
	sqlite3_close(s);
}

static void stats(const char *what, int64_t *v, int n, const char *target)
{
	int64_t p50 = bench_quantile(v, (size_t)n, 0.5);

	printf("  %-42s median %8.1f ms  (n=%d, min %.1f, max %.1f)  %s\n", what, p50 / 1e6, n, v[0] / 1e6,
	       v[n - 1] / 1e6, target); /* v is sorted by bench_quantile() */
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX], conf[PATH_MAX + 32], certs[PATH_MAX + 32], dirfile[PATH_MAX + 32];
	char odb[PATH_MAX + 32], kdb[PATH_MAX + 32], changed[PATH_MAX + 32], err[512] = "";
	char *args[64 + KIOSKS];
	int64_t full[5], delta[5], upload;
	struct seuil_config cfg;
	struct sync_report rep;
	struct poller *pollers;
	pthread_t threads[KIOSKS];
	struct store *st;
	size_t len;
	char *json;
	pid_t office;
	int na = 0;

	if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) < 0)
		die("no /proc/self/exe");
	exe[sizeof(exe) - 1] = '\0';
	snprintf(bindir, sizeof(bindir), "%s/..", dirname(exe));
	snprintf(top, sizeof(top), "%s/../..", bindir);
	if (access("dist/make-site-certs", R_OK) == 0)
		snprintf(top, sizeof(top), ".");
	snprintf(work, sizeof(work), "%s/sync-%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
	if (mkdir(work, 0700) != 0)
		die("cannot make the work folder");
	signal(SIGPIPE, SIG_IGN);

	/* the site: a CA, the office, 50 kiosks */
	snprintf(certs, sizeof(certs), "%s/certs", work);
	args[na++] = "/bin/sh";
	char script[PATH_MAX + 32];
	snprintf(script, sizeof(script), "%s/dist/make-site-certs", top);
	args[na++] = script;
	args[na++] = certs;
	args[na++] = "--server-name";
	args[na++] = "localhost";
	for (int i = 0; i < KIOSKS; i++) {
		char *d = malloc(32);
		snprintf(d, 32, "kiosk-%d", i + 1);
		args[na++] = "--device";
		args[na++] = d;
	}
	args[na] = NULL;
	if (run(args, NULL) != 0)
		die("make-site-certs failed");

	/* the office, with the directory */
	snprintf(odb, sizeof(odb), "%s/office.db", work);
	snprintf(conf, sizeof(conf), "%s/office.conf", work);
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		die("office.conf");
	fprintf(f, "[office]\nlisten = 127.0.0.1\ncert = %s/server.pem\nkey = %s/server.key\nca = %s/site-ca.pem\n"
		   "db = %s\n[log]\nlevel = warning\n", certs, certs, certs, odb);
	fclose(f);
	json = make_directory(200, 2000, 5000, &len);
	snprintf(dirfile, sizeof(dirfile), "%s/directory.json", work);
	write_file(dirfile, json, len);
	char officeexe[PATH_MAX + 32];
	snprintf(officeexe, sizeof(officeexe), "%s/seuil-office", bindir);
	if (run((char *const[]){ officeexe, "--config", conf, "import", dirfile, NULL }, NULL) != 0)
		die("the office cannot import the directory");
	/* the same directory with one badge revoked, and back */
	char *one = strdup(json);
	char *p = strstr(one, "\"status\":\"active\"");
	if (p == NULL)
		die("no active badge in the directory");
	memcpy(p, "\"status\":\"lost\",  ", 18);
	snprintf(changed, sizeof(changed), "%s/changed.json", work);
	write_file(changed, one, strlen(one));
	office = start_office(conf);
	if (sync_http_global_init(err, sizeof(err)) != SEUIL_OK)
		die(err);

	kiosk_config(&cfg, "kiosk-1");
	for (int r = 0; r < 5; r++) {
		st = fresh_kiosk("kiosk");
		full[r] = timed_sync(&cfg, st, &rep);
		if (!rep.pull.full)
			die("the first pull was not full");
		store_free(st);
	}
	st = fresh_kiosk("kiosk");
	timed_sync(&cfg, st, &rep);
	for (int r = 0; r < 5; r++) {
		run((char *const[]){ officeexe, "--config", conf, "import", r % 2 ? dirfile : changed, NULL }, NULL);
		delta[r] = timed_sync(&cfg, st, &rep);
		if (rep.pull.full)
			die("a one-change pull was full");
	}
	store_free(st);

	snprintf(kdb, sizeof(kdb), "%s/kiosk.db", work);
	add_events(kdb, 100000);
	if (store_open(kdb, 0, &st, err, sizeof(err)) != SEUIL_OK)
		die(err);
	upload = timed_sync(&cfg, st, &rep);
	if (rep.outbox_left != 0)
		die("the outbox was not emptied");
	store_free(st);

	pollers = calloc(KIOSKS, sizeof(*pollers));
	for (int i = 0; i < KIOSKS; i++) {
		pollers[i].index = i;
		pthread_create(&threads[i], NULL, poll_thread, &pollers[i]);
	}
	sleep(POLL_SECONDS);
	polling = 0;
	int64_t *all = calloc(KIOSKS * POLL_LAT_MAX * ASKS, sizeof(int64_t));
	int64_t *kind[ASKS];
	int n = 0, nk[ASKS] = { 0 }, errors = 0;
	for (int k = 0; k < ASKS; k++)
		kind[k] = calloc(KIOSKS * POLL_LAT_MAX, sizeof(int64_t));
	for (int i = 0; i < KIOSKS; i++) {
		pthread_join(threads[i], NULL);
		for (int k = 0; k < ASKS; k++) {
			memcpy(all + n, pollers[i].lat[k], (size_t)pollers[i].n[k] * sizeof(int64_t));
			memcpy(kind[k] + nk[k], pollers[i].lat[k], (size_t)pollers[i].n[k] * sizeof(int64_t));
			n += pollers[i].n[k];
			nk[k] += pollers[i].n[k];
		}
		errors += pollers[i].errors;
	}
	kill(office, SIGTERM);
	waitpid(office, NULL, 0);
	sync_http_global_cleanup();

	printf("office sync over mutual TLS on loopback (2,000 people, 5,000 badges):\n");
	stats("full directory pull + apply", full, 5, "(target <= 1000 ms)");
	stats("one-change delta sync", delta, 5, "(target <= 50 ms)");
	printf("  %-42s %8.1f s   (%lld events in %d batches)  (target <= 20 s)\n", "outbox of 100,000 events uploaded",
	       upload / 1e9, (long long)rep.pushed, rep.batches);
	int64_t p50 = bench_quantile(all, (size_t)n, 0.5), p99 = bench_quantile(all, (size_t)n, 0.99);
	printf("  %-42s p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d answers, %d errors)  (target p99 <= 20 ms)\n",
	       "seuil-office, 50 kiosks polling each second", p50 / 1e6, p99 / 1e6, all[n - 1] / 1e6, n, errors);
	for (int k = 0; k < ASKS; k++) {
		p50 = bench_quantile(kind[k], (size_t)nk[k], 0.5);
		p99 = bench_quantile(kind[k], (size_t)nk[k], 0.99);
		printf("    %-40s p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d answers)\n", ask_names[k], p50 / 1e6,
		       p99 / 1e6, kind[k][nk[k] - 1] / 1e6, nk[k]);
		free(kind[k]);
	}
	free(all);
	free(pollers);
	free(json);
	free(one);
	nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
