/*
 * kiosk.c - benchmark of `seuil` with its screen, as a process (issue: the
 * kiosk).  Starts its own Xvfb (a free display, -displayfd), the PN532
 * emulator and `seuil --windowed` on a small directory, with seuil's log on
 * a pipe read here, and measures in one run:
 *   - start to first frame: fork to the log line that marks the first frame
 *     presented ("frame presented", at debug level), or, from a seuil that
 *     does not log frames, to "screen ready" (just before the first draw);
 *     and `seuil --script` with a single `shot` line under SDL's dummy
 *     driver, process start to exit;
 *   - the resident memory (VmRSS, VmHWM) after start and after the taps;
 *   - the CPU seuil uses in a real window with nothing happening;
 *   - badge tap to the result screen drawn: the `insert` sent on the
 *     emulator's control socket to the next "frame presented" line after
 *     the decision (or to the decision's log line, without frame lines).
 * Between taps the screen goes back home (Escape, through xdotool when it
 * is installed), so each result is drawn from home as at the door.
 * The redraw itself is tests/bench/kiosk_draw.c.
 *
 * usage: kiosk [DIR]   (binaries found next to this one: ../seuil ...)
 * SEUIL_BENCH_KIOSK_TAPS (default 200), SEUIL_BENCH_STARTS (default 10),
 * SEUIL_BENCH_IDLE_S (default 10); SEUIL_BENCH_SEUIL runs another seuil.
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
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FRAME_LINE "frame presented"
#define TARGET_START_MS 300.0
#define TARGET_RSS_MB 48.0
#define TARGET_IDLE_PCT 1.0
#define TARGET_TAP_MS 50.0

static char bindir[PATH_MAX], work[PATH_MAX], seuil_exe[PATH_MAX + 16], display[32];
static pid_t xvfb_pid = -1, sim_pid = -1;

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		waitpid(sim_pid, NULL, 0);
	}
	if (xvfb_pid > 0) {
		kill(xvfb_pid, SIGTERM);
		waitpid(xvfb_pid, NULL, 0);
	}
	sim_pid = xvfb_pid = -1;
	if (work[0] != '\0')
		nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what)
{
	fprintf(stderr, "bench kiosk: %s\n", what);
	cleanup();
	exit(2);
}

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* argv[0] is a path; stdout and stderr go to out_fd (or log when out_fd < 0) */
static pid_t spawn(char *const argv[], int out_fd, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = out_fd >= 0 ? out_fd : open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
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

static void start_xvfb(void)
{
	int p[2];
	char fdarg[16], buf[32] = "";
	ssize_t n = 0;
	struct pollfd pfd;

	if (pipe(p) != 0)
		die("pipe");
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	xvfb_pid = fork();
	if (xvfb_pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		close(p[0]);
		dup2(null, 1);
		dup2(null, 2);
		execlp("Xvfb", "Xvfb", "-displayfd", fdarg, "-screen", "0", "1280x800x24", "-nolisten", "tcp",
		       (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	/* Xvfb writes the display number it took, then a newline */
	while (strchr(buf, '\n') == NULL && poll(&pfd, 1, 10000) > 0) {
		ssize_t r = read(p[0], buf + n, sizeof(buf) - 1 - (size_t)n);
		if (r <= 0)
			break;
		n += r;
		buf[n] = '\0';
	}
	close(p[0]);
	if (strchr(buf, '\n') == NULL)
		die("Xvfb did not start");
	snprintf(display, sizeof(display), ":%d", atoi(buf));
	setenv("DISPLAY", display, 1);
}

static void start_sim(char *sock, size_t socklen, char *link, size_t linklen)
{
	char exe[PATH_MAX + 16], log[PATH_MAX + 16];

	snprintf(exe, sizeof(exe), "%s/pn532-sim", bindir);
	snprintf(sock, socklen, "%s/reader.sock", work);
	snprintf(link, linklen, "%s/pn532", work);
	snprintf(log, sizeof(log), "%s/sim.log", work);
	sim_pid = spawn((char *const[]){ exe, "--link", link, "--control", sock, NULL }, -1, log);
	for (int i = 0; i < 200; i++) {
		struct stat sb;
		if (stat(sock, &sb) == 0 && stat(link, &sb) == 0)
			return;
		usleep(10000);
	}
	die("the emulator did not start");
}

/* ---- seuil and its log on a pipe ---------------------------------------- */

struct proc {
	pid_t pid;
	int fd;
	char buf[16384];
	size_t len;
};

static void seuil_start(struct proc *p, const char *conf, const char *db)
{
	int fds[2];

	if (pipe(fds) != 0)
		die("pipe");
	p->len = 0;
	p->pid = spawn((char *const[]){ seuil_exe, "--windowed", "--verbose", "--config", (char *)conf, "--db",
					(char *)db, NULL },
		       fds[1], NULL);
	close(fds[1]);
	p->fd = fds[0];
	fcntl(p->fd, F_SETFD, FD_CLOEXEC);
}

static void seuil_stop(struct proc *p)
{
	kill(p->pid, SIGTERM);
	waitpid(p->pid, NULL, 0);
	close(p->fd);
}

/*
 * Reads seuil's log until a line holding one of the patterns (NULL-ended)
 * arrives; returns its index with the time it was read in *at, or -1 after
 * limit_ms.  The lines are taken as they come: a later call starts after.
 */
static int seuil_expect(struct proc *p, const char *const *patterns, int64_t limit_ms, int64_t *at)
{
	int64_t until = bench_now_ns() + limit_ms * 1000000;

	for (;;) {
		char *nl;
		while ((nl = memchr(p->buf, '\n', p->len)) != NULL) {
			size_t used = (size_t)(nl - p->buf) + 1;
			int hit = -1;
			*nl = '\0';
			for (int i = 0; patterns[i] != NULL && hit < 0; i++)
				if (strstr(p->buf, patterns[i]) != NULL)
					hit = i;
			memmove(p->buf, p->buf + used, p->len - used);
			p->len -= used;
			if (hit >= 0) {
				*at = bench_now_ns();
				return hit;
			}
		}
		int64_t left = (until - bench_now_ns()) / 1000000;
		struct pollfd pfd = { p->fd, POLLIN, 0 };
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		ssize_t n = read(p->fd, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n <= 0)
			return -1;
		p->len += (size_t)n;
		if (p->len == sizeof(p->buf) - 1)
			p->len = 0; /* a line longer than the buffer: drop it */
	}
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
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		die("cannot parse /proc stat");
	return (long)(ut + st);
}

static long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long kb = -1;
	size_t n = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

static void escape_home(bool frames, struct proc *p)
{
	static const char *const frame[] = { FRAME_LINE, NULL };
	int64_t at;

	if (system("xdotool key Escape >/dev/null 2>&1") != 0)
		return;
	if (frames)
		seuil_expect(p, frame, 1000, &at);
	else
		usleep(30000);
}

static const char directory[] =
	"{\"site\":{\"name\":\"Pôle de coopération\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\",\"unlock_ms\":100}],"
	"\"schedules\":[{\"id\":\"toujours\",\"holidays\":\"open\","
	"\"windows\":[{\"days\":\"all\",\"from\":\"00:00\",\"to\":\"24:00\"}]}],"
	"\"profiles\":[{\"id\":\"r\",\"doors\":[\"entree\"],\"schedule\":\"toujours\"}],"
	"\"tenants\":[{\"id\":\"t\",\"name\":\"Scop BTP\",\"profiles\":[\"r\"]}],"
	"\"people\":[{\"id\":\"p-camille\",\"name\":\"Camille Martin\",\"tenant\":\"t\"},"
	"{\"id\":\"p-lea\",\"name\":\"Léa Moreau\",\"tenant\":\"t\"}],"
	"\"credentials\":[{\"uid\":\"04A1B2C3D4E5F6\",\"person\":\"p-camille\"},"
	"{\"uid\":\"08112233\",\"person\":\"p-lea\"},"
	"{\"uid\":\"04C0FFEE123456\",\"person\":\"p-lea\",\"status\":\"lost\"}]}";

static void print_stats(const char *what, int64_t *v, int n, double target_ms)
{
	int64_t p50 = bench_quantile(v, (size_t)n, 0.50), p99 = bench_quantile(v, (size_t)n, 0.99);

	printf("  %-42s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%d)", what, p50 / 1e6, p99 / 1e6,
	       v[n - 1] / 1e6, n);
	if (target_ms > 0)
		printf("  target p99 <= %.0f ms: %s", target_ms, p99 / 1e6 <= target_ms ? "ok" : "OVER");
	putchar('\n');
}

static int env_int(const char *name, int def, int min)
{
	const char *v = getenv(name);
	int n = v != NULL && v[0] != '\0' ? atoi(v) : def;

	return n < min ? min : n;
}

struct run {
	const char *label;
	const char *env; /* NAME=VALUE pairs set for seuil, space-separated, or NULL */
};

/* the process figures of seuil under one SDL configuration */
static void measure(const struct run *r, const char *conf, const char *db, const char *sock, int ntaps,
		    int nstarts, int idle_s)
{
	static const char *const cards[] = { "insert 04A1B2C3D4E5F6", "insert 08112233", "insert 04C0FFEE123456",
					     "insert DEADBEEF" };
	static const char *const first[] = { FRAME_LINE, "screen ready", NULL };
	static const char *const frame[] = { FRAME_LINE, NULL };
	static const char *const decision[] = { "granted to", "refused ", NULL };
	char envs[256], *save = NULL;
	int64_t *lat, starts[64], at, t0;
	long ticks0, ticks1, rss_start, hwm_start, rss_end, hwm_end;
	bool frames = false, xdotool = have("xdotool");
	struct proc p;
	double pct;

	snprintf(envs, sizeof(envs), "%s", r->env != NULL ? r->env : "");
	for (char *kv = strtok_r(envs, " ", &save); kv != NULL; kv = strtok_r(NULL, " ", &save))
		putenv(kv);
	/* start to first frame, a fresh process each time */
	for (int i = 0; i < nstarts; i++) {
		int hit;
		t0 = bench_now_ns();
		seuil_start(&p, conf, db);
		hit = seuil_expect(&p, first, 10000, &at);
		if (hit < 0)
			die("seuil showed no screen within 10 s");
		if (hit == 1 && (i == 0 || frames)) {
			/* "screen ready" comes just before the first frame: is there a frame line after it? */
			int64_t at2;
			if (seuil_expect(&p, frame, i == 0 ? 2000 : 10000, &at2) == 0) {
				frames = true;
				at = at2;
			}
		}
		starts[i] = at - t0;
		seuil_stop(&p);
	}

	/* one seuil for memory, idle and taps */
	seuil_start(&p, conf, db);
	if (seuil_expect(&p, frames ? frame : first, 10000, &at) < 0)
		die("seuil showed no screen within 10 s");
	if (!wait_pending(sock, 10000))
		die("seuil's reader never polled the emulator");
	sleep(1);
	rss_start = status_kb(p.pid, "VmRSS");
	hwm_start = status_kb(p.pid, "VmHWM");
	ticks0 = cpu_ticks(p.pid);
	sleep((unsigned)idle_s);
	ticks1 = cpu_ticks(p.pid);

	lat = calloc((size_t)ntaps, sizeof(*lat));
	if (lat == NULL)
		die("out of memory");
	for (int i = 0; i < ntaps; i++) {
		if (!wait_pending(sock, 5000))
			die("the reader did not poll again");
		t0 = bench_now_ns();
		ctl(sock, cards[i % 4], NULL, 0);
		if (seuil_expect(&p, decision, 3000, &at) < 0)
			die("no decision within 3 s");
		if (frames && seuil_expect(&p, frame, 3000, &at) < 0)
			die("no frame after the decision within 3 s");
		lat[i] = at - t0;
		ctl(sock, "remove", NULL, 0);
		if (xdotool)
			escape_home(frames, &p);
	}
	rss_end = status_kb(p.pid, "VmRSS");
	hwm_end = status_kb(p.pid, "VmHWM");
	seuil_stop(&p);
	snprintf(envs, sizeof(envs), "%s", r->env != NULL ? r->env : "");
	for (char *kv = strtok_r(envs, " ", &save); kv != NULL; kv = strtok_r(NULL, " ", &save)) {
		kv[strcspn(kv, "=")] = '\0';
		unsetenv(kv);
	}

	printf("%s\n", r->label);
	if (!frames)
		printf("  (this seuil logs no \"%s\" line: start is timed to \"screen ready\", taps to the\n"
		       "   decision's log line; add the redraw of kiosk_draw for the frame itself)\n",
		       FRAME_LINE);
	print_stats(frames ? "start to first frame presented" : "start to \"screen ready\" (first draw next)",
		    starts, nstarts, TARGET_START_MS);
	printf("  RSS after start: %.1f MB (peak %.1f MB)  target <= %.0f MB: %s\n", rss_start / 1024.0,
	       hwm_start / 1024.0, TARGET_RSS_MB, hwm_start / 1024.0 <= TARGET_RSS_MB ? "ok" : "OVER");
	printf("  RSS after %d taps: %.1f MB (peak %.1f MB)  target <= %.0f MB: %s\n", ntaps, rss_end / 1024.0,
	       hwm_end / 1024.0, TARGET_RSS_MB, hwm_end / 1024.0 <= TARGET_RSS_MB ? "ok" : "OVER");
	pct = 100.0 * (double)(ticks1 - ticks0) / (double)sysconf(_SC_CLK_TCK) / idle_s;
	printf("  idle CPU in the window, %d s, reader polling: %.2f %% of a core  target <= %.0f %%: %s\n", idle_s,
	       pct, TARGET_IDLE_PCT, pct <= TARGET_IDLE_PCT ? "ok" : "OVER");
	print_stats(frames ? "badge tap to result frame presented" : "badge tap to decision logged", lat, ntaps,
		    TARGET_TAP_MS);
	if (!xdotool)
		printf("  (no xdotool: taps followed one another on the result screen, not from home)\n");
	free(lat);
}

/* kiosk_draw's summary line in the window, under one SDL configuration */
static void draw_in_window(const char *label, const char *accel)
{
	char cmd[PATH_MAX + 256], line[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "SDL_VIDEODRIVER=x11 SDL_FRAMEBUFFER_ACCELERATION=%s SEUIL_BENCH_FRAMES=100 '%s/bench/kiosk_draw' 2>&1",
		 accel, bindir);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "every screen together") != NULL)
			printf("  %s:\n  %s", label, line);
	pclose(f);
}

int main(int argc, char **argv)
{
	static const struct run runs[] = {
		{ "seuil --windowed as it is built (software renderer, its frame straight to X):", NULL },
		{ "the same with SDL's software renderer straight to X "
		  "(SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0):",
		  "SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0" },
	};
	int ntaps = env_int("SEUIL_BENCH_KIOSK_TAPS", 200, 10), nstarts = env_int("SEUIL_BENCH_STARTS", 10, 3);
	int idle_s = env_int("SEUIL_BENCH_IDLE_S", 10, 1);
	char exe[PATH_MAX], db[PATH_MAX + 16], conf[PATH_MAX + 16], sock[PATH_MAX + 16], link[PATH_MAX + 16];
	char script[PATH_MAX + 16], err[512] = "";
	int64_t scripted[64], t0;
	struct store *st;
	FILE *f;

	if (nstarts > 64)
		nstarts = 64;
	if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) < 0)
		die("no /proc/self/exe");
	exe[sizeof(exe) - 1] = '\0';
	snprintf(bindir, sizeof(bindir), "%s/..", dirname(exe));
	if (getenv("SEUIL_BENCH_SEUIL") != NULL)
		snprintf(seuil_exe, sizeof(seuil_exe), "%s", getenv("SEUIL_BENCH_SEUIL"));
	else
		snprintf(seuil_exe, sizeof(seuil_exe), "%s/seuil", bindir);
	if (!have("Xvfb")) {
		printf("kiosk in a window: skipped, no Xvfb (apt-get install xvfb)\n");
		return 0;
	}
	snprintf(work, sizeof(work), "%s/kiosk-%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
	if (mkdir(work, 0700) != 0) {
		work[0] = '\0';
		die("cannot make the work folder");
	}
	snprintf(db, sizeof(db), "%s/seuil.db", work);
	if (store_open(db, STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, directory, strlen(directory), 0, NULL, err, sizeof(err)) != SEUIL_OK)
		die(err);
	store_free(st);

	/* `seuil --script` with one `shot`: process start to exit, dummy video driver */
	snprintf(script, sizeof(script), "%s/one.script", work);
	if ((f = fopen(script, "w")) == NULL)
		die("cannot write the script");
	fputs("shot first\n", f);
	fclose(f);
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	for (int i = 0; i < nstarts; i++) {
		char log[PATH_MAX + 16];
		pid_t pid;
		int status;
		snprintf(log, sizeof(log), "%s/script.log", work);
		t0 = bench_now_ns();
		pid = spawn((char *const[]){ seuil_exe, "--script", script, "--screenshots", work, "--db", db, NULL }, -1,
			    log);
		waitpid(pid, &status, 0);
		scripted[i] = bench_now_ns() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("seuil --script failed (see script.log)");
	}
	unsetenv("SDL_VIDEODRIVER");

	start_xvfb();
	start_sim(sock, sizeof(sock), link, sizeof(link));
	snprintf(conf, sizeof(conf), "%s/seuil.conf", work);
	if ((f = fopen(conf, "w")) == NULL)
		die("cannot write the configuration");
	fprintf(f, "[device]\ndoor = entree\n[reader]\nconnstring = pn532_uart:%s\n[door]\nbackend = sim\n"
		   "[sim]\nlog = %s/door.log\ncontrol = %s/door.sock\n",
		link, work, work);
	fclose(f);

	printf("seuil in a 1280x800 window under Xvfb (%s), reader: the PN532 emulator, door: simulated\n", display);
	print_stats("seuil --script, one shot, start to exit", scripted, nstarts, TARGET_START_MS);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		measure(&runs[i], conf, db, sock, ntaps, nstarts, idle_s);
	printf("full redraw in the window, draw + present (kiosk_draw, 100 frames per screen):\n");
	draw_in_window("SDL's software renderer, window surface through GL (SDL's default)", "1");
	draw_in_window("SDL's software renderer, window surface straight to X (SDL_FRAMEBUFFER_ACCELERATION=0)", "0");
	cleanup();
	return 0;
}
