/*
 * test_requests.c - request rows between processes: oldest first, taken
 * once even by two handles, kinds kept apart, outcomes recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "requests.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], path[96];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/seuil-requests-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/seuil.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char f[128];
	static const char *const ext[] = { "", "-wal", "-shm" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", path, ext[i]);
		unlink(f);
	}
	rmdir(dir);
	return 0;
}

static void test_requests__taken_once_oldest_first(void **state)
{
	struct store *a, *b;
	struct request r;
	char err[256] = "";
	int64_t id1, id2;

	(void)state;
	assert_int_equal(store_open(path, STORE_CREATE, &a, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(store_open(path, 0, &b, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(request_take(a, NULL, 1, &r, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(request_add(a, "unlock_for", "600", 10, &id1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(request_add(a, "host_notice", "{}", 11, &id2, err, sizeof(err)), SEUIL_OK);
	/* another process sees it, and takes it once */
	assert_int_equal(request_take(b, "unlock_for", 20, &r, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(r.id, id1);
	assert_string_equal(r.kind, "unlock_for");
	assert_string_equal(r.body, "600");
	assert_int_equal(r.created_ms, 10);
	assert_int_equal(request_take(a, "unlock_for", 21, &r, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	/* other kinds wait for their taker */
	assert_int_equal(request_take(a, NULL, 22, &r, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(r.id, id2);
	assert_int_equal(request_finish(b, id1, "done", "door held 600 s", 30, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(request_take(a, NULL, 23, &r, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	store_free(a);
	store_free(b);
}

static void test_requests__limits(void **state)
{
	struct store *st;
	char err[256] = "", *big = malloc(REQUEST_BODY_MAX + 10);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', REQUEST_BODY_MAX + 9);
	big[REQUEST_BODY_MAX + 9] = '\0';
	assert_int_equal(store_open(path, STORE_CREATE, &st, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(request_add(st, "k", big, 1, NULL, err, sizeof(err)), SEUIL_ERR_TOO_LARGE);
	assert_int_equal(request_add(st, "a-kind-name-longer-than-thirty-two-bytes", "x", 1, NULL, err, sizeof(err)),
			 SEUIL_ERR_TOO_LARGE);
	free(big);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests__taken_once_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__limits, setup, teardown),
	};

	return cmocka_run_group_tests_name("requests", tests, NULL, NULL);
}
