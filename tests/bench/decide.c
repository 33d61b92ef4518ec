/*
 * decide.c - benchmark of the rights engine (issue: foundation).
 *
 * Builds a store with 2,000 tenants, 20,000 people, 100,000 credentials and
 * 1,000,000 journal events, then measures, in rounds, the latency of
 * access_decide() alone, of a recorded decision (decide + durable journal
 * append) and of a bare 4 KiB write + fsync on the same disk, and the time
 * to import 2,000 people + 5,000 badges.  The store is opened like the door's
 * process opens it (STORE_MANUAL_CHECKPOINT), checkpointing between rounds
 * as the kiosk does when idle, so that a recorded decision costs one fsync.  Prints p50/p99/max per round and
 * the medians over rounds, with the ratio recorded-p99 / fsync-p99.
 *
 * usage: decide [DIR] (default $TMPDIR or /tmp); SEUIL_BENCH_QUICK=1 for a
 * smaller run.  The store is built once per DIR and reused.
 */
#include "bench_data.h"
#include "bench_util.h"

#include "directory.h"
#include "err.h"
#include "journal.h"
#include "rights.h"
#include "store.h"

#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TENANTS 2000
#define PEOPLE 20000
#define CREDENTIALS 100000
#define EVENTS 1000000
#define ROUNDS 5

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned long long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void die(const char *what, const char *err)
{
	fprintf(stderr, "bench decide: %s: %s\n", what, err);
	exit(2);
}

static void fill_events(const char *path, long n)
{
	sqlite3 *db;
	sqlite3_stmt *ev, *ob;
	char hash[33];

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("opening for events", sqlite3_errmsg(db));
	sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO events(at_ms, device, kind, door_id, granted, reason, person_id,"
			   " tenant_id, credential_hash) VALUES (?1, 'kiosk-1', 'decision', 'entree', ?2, ?3,"
			   " ?4, ?5, ?6)", -1, &ev, NULL);
	/* the office acknowledged all but the last tenth: a backlog in the outbox */
	sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO sync_state(key, value) VALUES ('acked_seq', ?1)",
			   -1, &ob, NULL);
	for (long i = 0; i < n; i++) {
		char person[16], tenant[16];
		int64_t at = 1764547200000 + i * 8000; /* from December 2025, every 8 s */
		snprintf(person, sizeof(person), "p%05ld", i % PEOPLE);
		snprintf(tenant, sizeof(tenant), "t%04ld", i % TENANTS);
		snprintf(hash, sizeof(hash), "%016llx%016llx", rng(), rng());
		sqlite3_bind_int64(ev, 1, at);
		sqlite3_bind_int(ev, 2, i % 10 != 0);
		sqlite3_bind_text(ev, 3, i % 10 != 0 ? "granted" : "outside_schedule", -1, SQLITE_STATIC);
		sqlite3_bind_text(ev, 4, person, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ev, 5, tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ev, 6, hash, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ev) != SQLITE_DONE)
			die("filling events", sqlite3_errmsg(db));
		sqlite3_reset(ev);
		if (i == n - n / 10) {
			sqlite3_bind_int64(ob, 1, sqlite3_last_insert_rowid(db));
			sqlite3_step(ob);
			sqlite3_reset(ob);
		}
	}
	sqlite3_finalize(ev);
	sqlite3_finalize(ob);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("committing events", sqlite3_errmsg(db));
	sqlite3_close(db);
}

struct stats {
	int64_t p50, p99, max;
};

static struct stats summarize(int64_t *v, size_t n)
{
	struct stats s;

	s.p50 = bench_quantile(v, n, 0.50);
	s.p99 = bench_quantile(v, n, 0.99);
	s.max = v[n - 1];
	return s;
}

static int64_t median3(int64_t *v, int n)
{
	return bench_quantile(v, (size_t)n, 0.5);
}

static struct stats run_decide(struct store *st, int n, int record, int creds)
{
	static int64_t lat[200000];
	struct access_request req = { .kind = "uid" };
	struct access_decision d;
	char uid[15], err[256];

	/* weekdays and evenings of late 2026, a tenth of the taps unknown */
	for (int i = 0; i < n; i++) {
		int64_t t0, t1;
		long c = (long)(rng() % (unsigned long long)creds);
		if (i % 10 == 0)
			c += 10000000;
		uid_of(c, uid);
		req.identifier = uid;
		req.now_ms = 1795766400000 + (int64_t)(rng() % (30ull * 86400)) * 1000;
		err[0] = '\0';
		t0 = bench_now_ns();
		if (access_decide(st, &req, &d, err, sizeof(err)) != SEUIL_OK)
			die("decide", err);
		if (record && journal_record_decision(st, &d, NULL, err, sizeof(err)) != SEUIL_OK)
			die("record", err);
		t1 = bench_now_ns();
		lat[i] = t1 - t0;
	}
	return summarize(lat, (size_t)n);
}

static struct stats run_fsync(const char *dir, int n)
{
	static int64_t lat[20000];
	char path[4096], block[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/fsync.probe", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("fsync probe", path);
	memset(block, 'x', sizeof(block));
	for (int i = 0; i < n; i++) {
		int64_t t0 = bench_now_ns();
		if (pwrite(fd, block, sizeof(block), (off_t)(i % 256) * 4096) != (ssize_t)sizeof(block) ||
		    fsync(fd) != 0)
			die("fsync probe", "write failed");
		lat[i] = bench_now_ns() - t0;
	}
	close(fd);
	unlink(path);
	return summarize(lat, (size_t)n);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	int quick = getenv("SEUIL_BENCH_QUICK") != NULL;
	int creds = quick ? 10000 : CREDENTIALS, people = quick ? 2000 : PEOPLE;
	int tenants = quick ? 200 : TENANTS;
	long events = quick ? 100000 : EVENTS;
	int n_decide = quick ? 5000 : 50000, n_record = quick ? 200 : 1000;
	char dir[4096], path[4200], import_path[4200], err[512] = "";
	int64_t d50[ROUNDS], d99[ROUNDS], dmax[ROUNDS], r50[ROUNDS], r99[ROUNDS], rmax[ROUNDS];
	int64_t f50[ROUNDS], f99[ROUNDS], imp[ROUNDS];
	struct store *st;
	struct stat sb;
	size_t len;
	char *json;

	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : (tmp != NULL ? tmp : "/tmp"));
	snprintf(path, sizeof(path), "%s/bench-decide-%s.db", dir, quick ? "quick" : "full");
	if (stat(path, &sb) != 0) {
		int64_t t0 = bench_now_ns();
		json = make_directory(tenants, people, creds, &len);
		if (store_open(path, STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, json, len, 0, NULL, err, sizeof(err)) != SEUIL_OK)
			die("building the store", err);
		store_free(st);
		free(json);
		fill_events(path, events);
		printf("built %s: %d tenants, %d people, %d credentials, %ld events in %.1f s\n", path,
		       tenants, people, creds, events, (double)(bench_now_ns() - t0) / 1e9);
	}
	/* opened as the door's process opens it: checkpoints between taps */
	if (store_open(path, STORE_MANUAL_CHECKPOINT, &st, err, sizeof(err)) != SEUIL_OK)
		die("opening the store", err);
	run_decide(st, 2000, 0, creds); /* warm the page cache and the statement cache */
	if (getenv("SEUIL_BENCH_PROFILE") != NULL) {
		/* decide() alone, for perf or callgrind */
		struct stats d = run_decide(st, n_decide, 0, creds);
		printf("decide() alone: p50 %.1f us  p99 %.1f us\n", d.p50 / 1e3, d.p99 / 1e3);
		store_free(st);
		return 0;
	}

	/* the import figure: 2,000 people + 5,000 badges into an empty store;
	 * the file is kept for the runner to time `seuilctl import` too */
	json = make_directory(200, 2000, 5000, &len);
	snprintf(import_path, sizeof(import_path), "%s/import-2000-people.json", dir);
	FILE *out = fopen(import_path, "w");
	if (out == NULL || fwrite(json, 1, len, out) != len || fclose(out) != 0)
		die("writing the import file", import_path);
	for (int r = 0; r < ROUNDS; r++) {
		struct store *fresh;
		snprintf(import_path, sizeof(import_path), "%s/bench-import-%d.db", dir, (int)getpid());
		int64_t t0 = bench_now_ns();
		if (store_open(import_path, STORE_CREATE, &fresh, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(fresh, json, len, 0, NULL, err, sizeof(err)) != SEUIL_OK)
			die("import", err);
		store_free(fresh);
		imp[r] = bench_now_ns() - t0;
		unlink(import_path);
		strcat(import_path, "-wal");
		unlink(import_path);
		import_path[strlen(import_path) - 4] = '\0';
		strcat(import_path, "-shm");
		unlink(import_path);
	}
	free(json);

	printf("%-6s %-34s %10s %10s %10s\n", "round", "measure", "p50", "p99", "max");
	for (int r = 0; r < ROUNDS; r++) {
		struct stats d = run_decide(st, n_decide, 0, creds);
		struct stats rec = run_decide(st, n_record, 1, creds);
		if (store_checkpoint(st, err, sizeof(err)) != SEUIL_OK) /* the kiosk's idle step */
			die("checkpoint", err);
		struct stats f = run_fsync(dir, n_record);
		d50[r] = d.p50, d99[r] = d.p99, dmax[r] = d.max;
		r50[r] = rec.p50, r99[r] = rec.p99, rmax[r] = rec.max;
		f50[r] = f.p50, f99[r] = f.p99;
		printf("%-6d %-34s %8.1fus %8.1fus %8.1fus\n", r + 1, "decide() alone", d.p50 / 1e3, d.p99 / 1e3,
		       d.max / 1e3);
		printf("%-6d %-34s %8.1fus %8.1fus %8.1fus\n", r + 1, "recorded decision (fsync)",
		       rec.p50 / 1e3, rec.p99 / 1e3, rec.max / 1e3);
		printf("%-6d %-34s %8.1fus %8.1fus %8.1fus\n", r + 1, "bare 4 KiB write + fsync", f.p50 / 1e3,
		       f.p99 / 1e3, f.max / 1e3);
	}
	store_free(st);
	printf("\nmedians over %d rounds (%d credentials, %ld journal events):\n", ROUNDS, creds, events);
	printf("  decide() alone:            p50 %.1f us  p99 %.1f us  max %.1f us\n", median3(d50, ROUNDS) / 1e3,
	       median3(d99, ROUNDS) / 1e3, median3(dmax, ROUNDS) / 1e3);
	printf("  recorded decision:         p50 %.1f us  p99 %.1f us  max %.1f us\n", median3(r50, ROUNDS) / 1e3,
	       median3(r99, ROUNDS) / 1e3, median3(rmax, ROUNDS) / 1e3);
	printf("  bare 4 KiB write + fsync:  p50 %.1f us  p99 %.1f us\n", median3(f50, ROUNDS) / 1e3,
	       median3(f99, ROUNDS) / 1e3);
	printf("  recorded p99 / fsync p99:  %.2f\n", (double)median3(r99, ROUNDS) / (double)median3(f99, ROUNDS));
	printf("  import 2,000 people + 5,000 badges: median %.0f ms\n", median3(imp, ROUNDS) / 1e6);
	return 0;
}
