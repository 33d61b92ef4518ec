/*
 * test_sync_client.c - the parts of seuil-sync that need no office: which
 * URLs it agrees to use, the delay after failures, the report it prints,
 * and the wake socket.  Talking to servers (TLS, pins, Retry-After, a
 * trickling peer) is tests/integration/test_sync_client.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "sync.h"
#include "sync_http.h"

static void test_sync_client__url_check(void **state)
{
	static const struct {
		const char *url;
		bool loopback_flag;
		int rc;
		bool plain;
	} cases[] = {
		{ "https://office.example:8443", false, SEUIL_OK, false },
		{ "https://office.example/seuil/", false, SEUIL_OK, false },
		{ "https://office.example", true, SEUIL_OK, false },
		{ "http://127.0.0.1:8080", false, SEUIL_ERR_DENIED, false },
		{ "http://127.0.0.1:8080", true, SEUIL_OK, true },
		{ "http://127.9.8.7", true, SEUIL_OK, true },
		{ "http://localhost:8080", true, SEUIL_OK, true },
		{ "http://LOCALHOST", true, SEUIL_OK, true },
		{ "http://[::1]:8080", true, SEUIL_OK, true },
		{ "http://10.0.0.1", true, SEUIL_ERR_DENIED, false },
		{ "http://128.0.0.1", true, SEUIL_ERR_DENIED, false },
		{ "http://[::2]", true, SEUIL_ERR_DENIED, false },
		{ "http://[::ffff:127.0.0.1]", true, SEUIL_ERR_DENIED, false },
		{ "http://localhost.example.org", true, SEUIL_ERR_DENIED, false },
		/* a trailing dot: a name resolved, perhaps by the DNS, not libcurl's own localhost */
		{ "http://localhost.:8080", true, SEUIL_ERR_DENIED, false },
		{ "http://LOCALHOST./", true, SEUIL_ERR_DENIED, false },
		{ "http://127.0.0.1.nip.io", true, SEUIL_ERR_DENIED, false },
		{ "ftp://127.0.0.1", true, SEUIL_ERR_INVALID, false },
		{ "https://user:secret@office.example", false, SEUIL_ERR_INVALID, false },
		{ "https://office.example/?x=1", false, SEUIL_ERR_INVALID, false },
		{ "", false, SEUIL_ERR_INVALID, false },
		{ "not a url", false, SEUIL_ERR_INVALID, false },
	};
	char err[256];
	bool plain;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;
		err[0] = '\0';
		plain = !cases[i].plain;
		rc = sync_url_check(cases[i].url, cases[i].loopback_flag, &plain, err, sizeof(err));
		if (rc != cases[i].rc)
			fail_msg("%s: returned %d (%s), expected %d", cases[i].url, rc, err, cases[i].rc);
		if (rc == SEUIL_OK && plain != cases[i].plain)
			fail_msg("%s: plain is %d", cases[i].url, plain);
		if (rc != SEUIL_OK && (err[0] == '\0' || strchr(err, '\n') != NULL))
			fail_msg("%s: no one-line reason", cases[i].url);
	}
	err[0] = '\0';
	sync_url_check("http://127.0.0.1", false, &plain, err, sizeof(err));
	assert_non_null(strstr(err, "--insecure-loopback"));
	assert_true(sync_http_loopback_host("localhost"));
	assert_false(sync_http_loopback_host("localhost."));
	assert_false(sync_http_loopback_host("localhost.."));
}

static void test_sync_client__http_new_refusals(void **state)
{
	struct sync_http_options o = { .url = "https://office.example", .ca = "/nonexistent/ca.pem",
				       .connect_timeout_s = 1, .transfer_timeout_s = 1 };
	struct sync_http *h = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(sync_http_global_init(err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_http_new(&o, &h, err, sizeof(err)), SEUIL_ERR_IO);
	assert_non_null(strstr(err, "cannot read [sync] ca /nonexistent/ca.pem"));
	err[0] = '\0';
	o.ca = "";
	assert_int_equal(sync_http_new(&o, &h, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "[sync] ca is empty"));
	err[0] = '\0';
	o.url = "http://10.0.0.1";
	o.insecure_loopback = true;
	assert_int_equal(sync_http_new(&o, &h, err, sizeof(err)), SEUIL_ERR_DENIED);
	assert_null(h);
	/* plain http to loopback needs no CA */
	o.url = "http://127.0.0.1:9/";
	assert_int_equal(sync_http_new(&o, &h, err, sizeof(err)), SEUIL_OK);
	sync_http_free(h);
	sync_http_free(NULL);
	sync_http_global_cleanup();
}

static void test_sync_client__backoff(void **state)
{
	(void)state;
	/* full jitter within a window doubling from 1 s, never below 1 s */
	assert_int_equal(sync_backoff_ms(1, 600, -1, 0), 1000);
	assert_int_equal(sync_backoff_ms(1, 600, -1, 0xffffffffu), 1000);
	assert_int_equal(sync_backoff_ms(2, 600, -1, 2000), 2000);
	assert_int_equal(sync_backoff_ms(2, 600, -1, 2001), 1000);
	assert_int_equal(sync_backoff_ms(4, 600, -1, 7999), 7999);
	assert_int_equal(sync_backoff_ms(4, 600, -1, 8000), 8000);
	for (uint32_t r = 0; r < 100000; r += 997) {
		int64_t d = sync_backoff_ms(5, 600, -1, r * 43);
		assert_true(d >= 1000 && d <= 16000);
	}
	/* capped by backoff_max_s however many failures */
	for (unsigned f = 1; f < 200; f += 7) {
		assert_true(sync_backoff_ms(f, 30, -1, 0xffffffffu) <= 30000);
		assert_true(sync_backoff_ms(f, 30, -1, 12345) >= 1000);
	}
	/* Retry-After wins, capped too */
	assert_int_equal(sync_backoff_ms(1, 600, 120, 0), 120000);
	assert_int_equal(sync_backoff_ms(9, 600, 5, 99999), 5000);
	assert_int_equal(sync_backoff_ms(1, 60, 3600, 0), 60000);
	assert_int_equal(sync_backoff_ms(1, 0, -1, 5), 1000);
}

static void test_sync_client__report(void **state)
{
	struct sync_report r;
	char buf[1024];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_string_equal(sync_report_format(&r, buf, sizeof(buf)), "");
	r.push_done = true;
	r.pushed = 3;
	r.batches = 1;
	r.acked_seq = 1204;
	r.pull_done = true;
	r.pull.changed = true;
	snprintf(r.pull.cursor, sizeof(r.pull.cursor), "1857");
	r.pull.credentials = 1;
	r.pull.invites = 1;
	r.pull.deleted = 2;
	r.commands_done = true;
	r.commands_executed = 3;
	r.commands_acked = 3;
	r.sync_now = true;
	assert_string_equal(sync_report_format(&r, buf, sizeof(buf)),
			    "push: 3 events in 1 batch, acked_seq 1204, 0 waiting\n"
			    "pull: delta, cursor 1857: 2 written (doors 0, schedules 0, profiles 0, tenants 0,"
			    " people 0, credentials 1, closures 0, rooms 0, invites 1), 2 deleted, 0 removed\n"
			    "commands: 3 executed, 0 refused, 0 repeated, 3 acknowledged, sync_now\n");
	r.pull.changed = false;
	r.commands_done = false;
	assert_string_equal(sync_report_format(&r, buf, sizeof(buf)),
			    "push: 3 events in 1 batch, acked_seq 1204, 0 waiting\n"
			    "pull: nothing new, cursor 1857\n");
	/* a small buffer is cut, never overrun */
	assert_int_equal(strlen(sync_report_format(&r, buf, 10)), 9);
}

static void test_sync_client__wake_socket(void **state)
{
	char dir[] = "/tmp/seuil-wake-XXXXXX", path[64], err[256] = "";
	struct stat sb;
	int fd = -1, fd2 = -1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sync.sock", dir);
	assert_int_equal(sync_wake_poke(path, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(sync_wake_open(path, &fd, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0660);
	assert_int_equal(sync_wake_drain(fd), 0);
	assert_int_equal(sync_wake_poke(path, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_wake_poke(path, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(sync_wake_drain(fd), 2);
	/* a full backlog does not block the kiosk */
	for (int i = 0; i < 64; i++)
		assert_int_equal(sync_wake_poke(path, err, sizeof(err)), SEUIL_OK);
	assert_true(sync_wake_drain(fd) >= 16);
	/* a second daemon on a live socket is refused */
	err[0] = '\0';
	assert_int_equal(sync_wake_open(path, &fd2, err, sizeof(err)), SEUIL_ERR_BUSY);
	assert_non_null(strstr(err, "another seuil-sync"));
	/* a stale socket (its daemon died without removing it) is replaced */
	close(fd);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sync_wake_open(path, &fd, err, sizeof(err)), SEUIL_OK);
	sync_wake_close(fd, path);
	assert_int_equal(stat(path, &sb), -1);
	sync_wake_close(-1, path);
	/* never another kind of file */
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	err[0] = '\0';
	assert_int_equal(sync_wake_open(path, &fd, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "is not a socket"));
	assert_int_equal(stat(path, &sb), 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_client__url_check),
		cmocka_unit_test(test_sync_client__http_new_refusals),
		cmocka_unit_test(test_sync_client__backoff),
		cmocka_unit_test(test_sync_client__report),
		cmocka_unit_test(test_sync_client__wake_socket),
	};

	return cmocka_run_group_tests_name("sync_client", tests, NULL, NULL);
}
