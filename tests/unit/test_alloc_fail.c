/*
 * test_alloc_fail.c - allocation-failure injection over the JSON directory
 * importer: jansson's allocator fails at the 1st, 2nd, ... allocation in
 * turn; every failure must return an error (out of memory, or the syntax
 * error jansson's lexer reports for some), leave the store unchanged and
 * leak nothing (LeakSanitizer checks the last point in the ASan build).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "directory.h"
#include "err.h"
#include "store.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static long alloc_countdown = -1; /* -1: never fail */
static long alloc_calls;

static void *failing_malloc(size_t size)
{
	alloc_calls++;
	if (alloc_countdown == 0)
		return NULL;
	if (alloc_countdown > 0)
		alloc_countdown--;
	return malloc(size);
}

static const char directory[] =
	"{\"site\": {\"name\": \"Pôle de coopération\", \"timezone\": \"Europe/Paris\"},"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée principale\"}],"
	" \"schedules\": [{\"id\": \"bureaux\", \"holidays\": \"closed\","
	"   \"windows\": [{\"days\": \"mon-fri\", \"from\": \"07:00\", \"to\": \"20:00\"}]}],"
	" \"profiles\": [{\"id\": \"resident\", \"doors\": [\"entree\"], \"schedule\": \"bureaux\"}],"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\", \"profiles\": [\"resident\"]}],"
	" \"people\": [{\"id\": \"p-camille\", \"name\": \"Camille Martin\", \"tenant\": \"scop-btp\"}],"
	" \"credentials\": [{\"uid\": \"04A1B2C3D4E5F6\", \"person\": \"p-camille\"}],"
	" \"closures\": [{\"date\": \"2026-12-24\", \"name\": \"Fermeture\"}]}";

static void test_alloc_fail__json_import_every_allocation(void **state)
{
	struct store *st;
	struct store_summary before, after;
	char err[256];
	long total;

	(void)state;
	assert_int_equal(store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)), SEUIL_OK);
	json_set_alloc_funcs(failing_malloc, free);
	/* count the allocations of a successful import */
	alloc_countdown = -1;
	alloc_calls = 0;
	assert_int_equal(directory_import_json(st, directory, strlen(directory), DIRECTORY_REPLACE, NULL, err,
					       sizeof(err)),
			 SEUIL_OK);
	total = alloc_calls;
	assert_true(total > 10);
	assert_int_equal(store_summarize(st, &before, err, sizeof(err)), SEUIL_OK);
	for (long k = 0; k < total; k++) {
		alloc_countdown = k;
		err[0] = '\0';
		int rc = directory_import_json(st, directory, strlen(directory), DIRECTORY_REPLACE, NULL, err,
					       sizeof(err));
		alloc_countdown = -1;
		/* jansson's lexer reports some failed allocations as syntax errors:
		 * what matters is an error, a message and an untouched store */
		assert_int_not_equal(rc, SEUIL_OK);
		assert_true(err[0] != '\0');
		assert_int_equal(store_summarize(st, &after, err, sizeof(err)), SEUIL_OK);
		assert_int_equal(after.people, before.people);
		assert_int_equal(after.credentials, before.credentials);
	}
	json_set_alloc_funcs(malloc, free);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_fail__json_import_every_allocation),
	};

	return cmocka_run_group_tests_name("alloc_fail", tests, NULL, NULL);
}
