/*
 * tap.c - benchmark of the door path (issue: door path).
 *
 * Runs the PN532 emulator, `seuil --headless` with the simulated door and
 * the unmodified libnfc, and measures, for SEUIL_BENCH_TAPS taps (default
 * 1000), the time from the `insert` sent on the emulator's control socket to
 * the `relay on` line appearing in the simulated door's log.  Two badges
 * alternate, as two people would, and each tap starts while the reader is
 * waiting in a poll (the emulator's `state` says so), the way a real tap
 * finds it.  In the same run, the floor: a bare loop of libnfc's own
 * nfc_initiator_poll_target() against a second emulator, timed from
 * `insert` to its return.  Also: the CPU seuil uses over 10 s with no card
 * (reader thread polling) and its resident memory.
 *
 * usage: tap [DIR]   (the binaries are found next to this one: ../seuil ...)
 */
#include "bench_util.h"

#include "directory.h"
#include "err.h"
#include "sim_client.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <nfc/nfc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char bindir[PATH_MAX], work[PATH_MAX];

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void die(const char *what)
{
	fprintf(stderr, "bench tap: %s\n", what);
	exit(2);
}

static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void ctl(const char *sock, const char *line, char *reply, size_t len)
{
	char err[256] = "", buf[256];

	if (reply == NULL) {
		reply = buf;
		len = sizeof(buf);
	}
	if (sim_send_line(sock, line, 3000, reply, len, err, sizeof(err)) != SEUIL_OK)
		die(err);
}

/* waits until the emulator has no card and a poll from its host is pending */
static bool wait_pending(const char *sock, int64_t limit_ms)
{
	char reply[256];
	int64_t until = bench_now_ns() + limit_ms * 1000000;

	while (bench_now_ns() < until) {
		ctl(sock, "state", reply, sizeof(reply));
		if (strstr(reply, "card=none") && strstr(reply, "poll=pending"))
			return true;
		usleep(200);
	}
	return false;
}

static pid_t start_sim(const char *name, char *sock, size_t socklen, char *link, size_t linklen)
{
	char exe[PATH_MAX + 16], log[PATH_MAX + 16];
	pid_t pid;

	snprintf(exe, sizeof(exe), "%s/pn532-sim", bindir);
	snprintf(sock, socklen, "%s/%s.sock", work, name);
	snprintf(link, linklen, "%s/%s", work, name);
	snprintf(log, sizeof(log), "%s/%s.log", work, name);
	unlink(sock);
	pid = spawn((char *const[]){ exe, "--link", link, "--control", sock, NULL }, log);
	for (int i = 0; i < 200; i++) {
		struct stat sb;
		if (stat(sock, &sb) == 0 && stat(link, &sb) == 0)
			return pid;
		usleep(10000);
	}
	die("the emulator did not start");
	return -1;
}

static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL || fgets(buf, sizeof(buf), f) == NULL)
		die("cannot read /proc stat");
	fclose(f);
	p = strrchr(buf, ')');
	/* fields after the command: state ppid ... utime is the 12th, stime the 13th */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		die("cannot parse /proc stat");
	return (long)(ut + st);
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return kb;
}

/* the door log, followed with inotify: returns when a new line holds `what` */
struct follower {
	int fd, wd, ino;
	off_t pos;
	char path[PATH_MAX + 16];
};

static void follow_open(struct follower *f, const char *path)
{
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->ino = inotify_init1(IN_CLOEXEC);
	f->wd = inotify_add_watch(f->ino, path, IN_MODIFY);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->ino < 0 || f->wd < 0 || f->fd < 0)
		die("cannot follow the door log");
	f->pos = lseek(f->fd, 0, SEEK_END);
}

static bool follow_until(struct follower *f, const char *what, int64_t limit_ms)
{
	int64_t until = bench_now_ns() + limit_ms * 1000000;
	char buf[8192], ev[4096];

	for (;;) {
		ssize_t n = pread(f->fd, buf, sizeof(buf) - 1, f->pos);
		if (n > 0) {
			char *nl;
			buf[n] = '\0';
			/* whole lines only */
			while ((nl = strchr(buf, '\n')) != NULL) {
				*nl = '\0';
				f->pos += (off_t)(nl - buf) + 1;
				if (strstr(buf, what) != NULL)
					return true;
				memmove(buf, nl + 1, strlen(nl + 1) + 1);
			}
		}
		int64_t left = (until - bench_now_ns()) / 1000000;
		if (left <= 0)
			return false;
		struct pollfd pfd = { f->ino, POLLIN, 0 };
		if (poll(&pfd, 1, (int)left) > 0 && read(f->ino, ev, sizeof(ev)) < 0 && errno != EAGAIN)
			die("inotify");
	}
}

/* ---- the floor: libnfc's own poll in a bare loop ----------------------- */

struct floor_run {
	char connstring[PATH_MAX + 16];
	int n;
	volatile int taken; /* taps seen */
	int64_t *seen_ns;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool may_poll;
};

static void *floor_thread(void *arg)
{
	struct floor_run *r = arg;
	const nfc_modulation nm = { .nmt = NMT_ISO14443A, .nbr = NBR_106 };
	nfc_context *ctx;
	nfc_device *dev;
	nfc_target target;

	nfc_init(&ctx);
	if (ctx == NULL || (dev = nfc_open(ctx, r->connstring)) == NULL || nfc_initiator_init(dev) < 0)
		die("the floor loop cannot open the second emulator");
	nfc_device_set_property_bool(dev, NP_INFINITE_SELECT, false);
	while (r->taken < r->n) {
		int rc;
		pthread_mutex_lock(&r->lock);
		while (!r->may_poll)
			pthread_cond_wait(&r->cond, &r->lock);
		pthread_mutex_unlock(&r->lock);
		rc = nfc_initiator_poll_target(dev, &nm, 1, 1, 1, &target);
		if (rc > 0) {
			r->seen_ns[r->taken] = bench_now_ns();
			pthread_mutex_lock(&r->lock);
			r->may_poll = false; /* until the card is lifted */
			r->taken++;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
		}
	}
	nfc_close(dev);
	nfc_exit(ctx);
	return NULL;
}

static void run_floor(int n, int64_t *lat)
{
	static const char *const cards[] = { "insert 04A1B2C3D4E5F6", "insert 08112233" };
	struct floor_run r = { .n = n, .may_poll = true };
	char sock[PATH_MAX + 16], link[PATH_MAX + 16];
	int64_t *t0 = calloc((size_t)n, sizeof(*t0));
	pthread_t th;
	pid_t sim = start_sim("floor", sock, sizeof(sock), link, sizeof(link));

	r.seen_ns = calloc((size_t)n, sizeof(*r.seen_ns));
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	snprintf(r.connstring, sizeof(r.connstring), "pn532_uart:%s", link);
	pthread_create(&th, NULL, floor_thread, &r);
	for (int i = 0; i < n; i++) {
		if (!wait_pending(sock, 5000))
			die("the floor loop is not polling");
		t0[i] = bench_now_ns();
		ctl(sock, cards[i % 2], NULL, 0);
		pthread_mutex_lock(&r.lock);
		while (r.taken <= i)
			pthread_cond_wait(&r.cond, &r.lock);
		pthread_mutex_unlock(&r.lock);
		lat[i] = r.seen_ns[i] - t0[i];
		ctl(sock, "remove", NULL, 0);
		pthread_mutex_lock(&r.lock);
		r.may_poll = true;
		pthread_cond_broadcast(&r.cond);
		pthread_mutex_unlock(&r.lock);
	}
	pthread_join(th, NULL);
	ctl(sock, "quit", NULL, 0);
	waitpid(sim, NULL, 0);
	free(t0);
	free(r.seen_ns);
}

/* ---- seuil ------------------------------------------------------------- */

static const char directory[] =
	"{\"site\":{\"name\":\"Pôle de coopération\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\",\"unlock_ms\":100}],"
	"\"schedules\":[{\"id\":\"toujours\",\"holidays\":\"open\","
	"\"windows\":[{\"days\":\"all\",\"from\":\"00:00\",\"to\":\"24:00\"}]}],"
	"\"profiles\":[{\"id\":\"r\",\"doors\":[\"entree\"],\"schedule\":\"toujours\"}],"
	"\"tenants\":[{\"id\":\"t\",\"name\":\"Scop BTP\",\"profiles\":[\"r\"]}],"
	"\"people\":[{\"id\":\"p-camille\",\"name\":\"Camille\",\"tenant\":\"t\"},"
	"{\"id\":\"p-lea\",\"name\":\"Léa\",\"tenant\":\"t\"}],"
	"\"credentials\":[{\"uid\":\"04A1B2C3D4E5F6\",\"person\":\"p-camille\"},"
	"{\"uid\":\"08112233\",\"person\":\"p-lea\"}]}";

static void print_stats(const char *what, int64_t *v, int n)
{
	int64_t p50 = bench_quantile(v, (size_t)n, 0.50), p99 = bench_quantile(v, (size_t)n, 0.99);

	printf("  %-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%d)\n", what, p50 / 1e6, p99 / 1e6,
	       v[n - 1] / 1e6, n);
}

int main(int argc, char **argv)
{
	static const char *const cards[] = { "insert 04A1B2C3D4E5F6", "insert 08112233" };
	const char *env = getenv("SEUIL_BENCH_TAPS");
	int n = env != NULL ? atoi(env) : 1000;
	char exe[PATH_MAX], db[PATH_MAX + 16], conf[PATH_MAX + 16], doorlog[PATH_MAX + 16];
	char sock[PATH_MAX + 16], link[PATH_MAX + 16], seuil[PATH_MAX + 16], log[PATH_MAX + 16];
	char err[512] = "";
	int64_t *lat, *flat;
	struct follower fol;
	struct store *st;
	pid_t sim, pid;
	long t0, t1, rss;
	FILE *f;

	if (n < 10)
		n = 10;
	if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) < 0)
		die("no /proc/self/exe");
	exe[sizeof(exe) - 1] = '\0';
	snprintf(bindir, sizeof(bindir), "%s/..", dirname(exe));
	snprintf(work, sizeof(work), "%s/tap-%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
	if (mkdir(work, 0700) != 0)
		die("cannot make the work folder");
	snprintf(db, sizeof(db), "%s/seuil.db", work);
	if (store_open(db, STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, directory, strlen(directory), 0, NULL, err, sizeof(err)) != SEUIL_OK)
		die(err);
	store_free(st);

	sim = start_sim("reader", sock, sizeof(sock), link, sizeof(link));
	snprintf(conf, sizeof(conf), "%s/seuil.conf", work);
	snprintf(doorlog, sizeof(doorlog), "%s/door.log", work);
	if ((f = fopen(conf, "w")) == NULL)
		die("cannot write the configuration");
	fprintf(f, "[device]\ndoor = entree\n[reader]\nconnstring = pn532_uart:%s\n[door]\nbackend = sim\n"
		   "[sim]\nlog = %s\ncontrol = %s/door.sock\n[log]\nlevel = warning\n",
		link, doorlog, work);
	fclose(f);
	snprintf(seuil, sizeof(seuil), "%s/seuil", bindir);
	snprintf(log, sizeof(log), "%s/seuil.log", work);
	pid = spawn((char *const[]){ seuil, "--headless", "--config", conf, "--db", db, NULL }, log);
	if (!wait_pending(sock, 10000))
		die("seuil's reader never polled the emulator (see seuil.log)");

	/* idle: no card for 10 s */
	t0 = cpu_ticks(pid);
	sleep(10);
	t1 = cpu_ticks(pid);

	lat = calloc((size_t)n, sizeof(*lat));
	flat = calloc((size_t)n, sizeof(*flat));
	follow_open(&fol, doorlog);
	for (int i = 0; i < n; i++) {
		int64_t start;
		if (!wait_pending(sock, 5000))
			die("the reader did not poll again");
		start = bench_now_ns();
		ctl(sock, cards[i % 2], NULL, 0);
		if (!follow_until(&fol, "relay on", 3000))
			die("no relay on within 3 s");
		lat[i] = bench_now_ns() - start;
		ctl(sock, "remove", NULL, 0);
		if (!follow_until(&fol, "relay off", 3000))
			die("the strike did not lock again");
	}
	rss = rss_kb(pid);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	ctl(sock, "quit", NULL, 0);
	waitpid(sim, NULL, 0);

	run_floor(n, flat);

	printf("door path, %d taps through the unmodified libnfc %s (pn532_uart on a pty):\n", n,
	       nfc_version());
	print_stats("tap-to-unlock (insert -> relay on)", lat, n);
	print_stats("floor: bare nfc_initiator_poll_target", flat, n);
	printf("  p99 tap-to-unlock minus p99 floor: %.2f ms (target <= 5 ms)\n",
	       (bench_quantile(lat, (size_t)n, 0.99) - bench_quantile(flat, (size_t)n, 0.99)) / 1e6);
	printf("  seuil --headless idle CPU, no card, 10 s: %.2f %% of a core\n",
	       100.0 * (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK) / 10.0);
	printf("  seuil --headless RSS after the taps: %.1f MB\n", rss / 1024.0);
	free(lat);
	free(flat);
	nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
