/*
 * test_hosts.c - the kiosk's host search and today's invitations against a
 * real store built from dist/examples/directory.json: accents and case
 * ignored, word starts, people with their organisation, inactive ones left
 * out, the order; invitations by code and by name, of today only, gone
 * once used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "directory.h"
#include "err.h"
#include "hosts.h"
#include "store.h"
#include "visitors.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1795766400000 /* 2026-11-27T08:00:00Z, 09:00 in Nantes */

static const char invites[] =
	"{\"invites\":["
	"{\"id\":\"inv-1\",\"name\":\"Jeanne Dupont\",\"organisation\":\"Mairie de Nantes\",\"host\":\"p-lea\","
	"\"day\":\"2026-11-27\",\"code\":\"K7PQ2M\"},"
	"{\"id\":\"inv-2\",\"name\":\"Paul Étienne\",\"host_tenant\":\"epicerie\",\"day\":\"2026-11-27\","
	"\"code\":\"ABC234\"},"
	"{\"id\":\"inv-3\",\"name\":\"Jeanne Hier\",\"host\":\"p-lea\",\"day\":\"2026-11-26\",\"code\":\"XYZ234\"}]}";

/* the sample directory, found from the working directory or the executable */
static char *read_example(size_t *len)
{
	char base[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", base, sizeof(base) - 1);
	FILE *f = fopen("dist/examples/directory.json", "rb");
	char *buf;

	if (f == NULL && n > 0) {
		base[n] = '\0';
		for (char *slash = strrchr(base, '/'); f == NULL && slash != NULL; slash = strrchr(base, '/')) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/dist/examples/directory.json", base);
			f = fopen(path, "rb");
		}
	}
	if (f == NULL)
		return NULL;
	buf = malloc(1 << 20);
	if (buf != NULL) {
		*len = fread(buf, 1, (1 << 20) - 1, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	struct store *st;
	char err[256] = "";
	size_t len = 0;
	char *json = read_example(&len);

	if (json == NULL) {
		fprintf(stderr, "dist/examples/directory.json not found: run from the top of the tree\n");
		return -1;
	}
	if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, json, len, 0, NULL, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, invites, strlen(invites), 0, NULL, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "setup: %s\n", err);
		free(json);
		return -1;
	}
	free(json);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	return 0;
}

static size_t search(struct store *st, const char *q, struct host *out, size_t max, size_t *total)
{
	char err[256] = "";
	size_t n = 99;

	assert_int_equal(hosts_search(st, q, out, max, &n, total, err, sizeof(err)), SEUIL_OK);
	return n;
}

static void test_hosts__fold(void **unused)
{
	char out[64];

	(void)unused;
	hosts_fold("Épicerie Solidaire", out, sizeof(out));
	assert_string_equal(out, "epicerie solidaire");
	hosts_fold("Léa Noé Inès ÇA Œuvre Ærø straße", out, sizeof(out));
	assert_string_equal(out, "lea noe ines ca oeuvre aero strasse");
	hosts_fold("Île", out, 3); /* cut at a whole character: "il" */
	assert_string_equal(out, "il");
	hosts_fold("東京", out, sizeof(out)); /* kept */
	assert_string_equal(out, "東京");
	assert_true(hosts_match("lea moreau", "lea"));
	assert_true(hosts_match("lea moreau", "mor le"));
	assert_false(hosts_match("lea moreau", "ea"));
	assert_false(hosts_match("lea moreau", ""));
	assert_false(hosts_match("lea moreau", "  "));
	assert_true(hosts_match("la ressourcerie de l'ile", "ile"));
}

static void test_hosts__accents_and_case_ignored(void **state)
{
	struct store *st = *state;
	struct host h[8];
	size_t n;

	n = search(st, "lea", h, 8, NULL);
	assert_int_equal(n, 1);
	assert_true(h[0].person);
	assert_string_equal(h[0].id, "p-lea");
	assert_string_equal(h[0].name, "Léa Moreau");
	assert_string_equal(h[0].organisation, "Radio associative Fréquence Estuaire");
	assert_string_equal(h[0].tenant, "radio-asso");
	n = search(st, "EPIC", h, 8, NULL);
	assert_int_equal(n, 1);
	assert_false(h[0].person);
	assert_string_equal(h[0].id, "epicerie");
	assert_string_equal(h[0].name, "Épicerie solidaire");
	assert_string_equal(h[0].organisation, "");
	n = search(st, "ÎLE", h, 8, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].id, "ressourcerie");
	n = search(st, "moreau lé", h, 8, NULL);
	assert_int_equal(n, 1);
	/* inside a word is no match */
	assert_int_equal(search(st, "oreau", h, 8, NULL), 0);
	assert_int_equal(search(st, "", h, 8, NULL), 0);
}

static void test_hosts__people_and_tenants_in_order(void **state)
{
	struct store *st = *state;
	struct host h[8];
	size_t n, total = 0;

	/* "ca": Camille Martin, and the tenant La Cantine du Pôle (a word start, not the name's start) */
	n = search(st, "ca", h, 8, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_string_equal(h[0].id, "p-camille"); /* the name starts with it: first */
	assert_string_equal(h[1].id, "cantine");
	/* fewer asked than found: the total still says how many */
	n = search(st, "ca", h, 1, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 2);
	/* "pole": the tenants whose name has the word, by name */
	n = search(st, "pole", h, 8, NULL);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].id, "banque-coop");
	assert_string_equal(h[1].id, "pole");
	assert_string_equal(h[2].id, "cantine");
}

static void test_hosts__inactive_ones_are_not_offered(void **state)
{
	struct store *st = *state;
	struct host h[8];

	/* the Atelier vélo has left, and Noé Girard with it */
	assert_int_equal(search(st, "atelier", h, 8, NULL), 0);
	assert_int_equal(search(st, "noe", h, 8, NULL), 0);
}

static void test_hosts__limits(void **state)
{
	struct store *st = *state;
	struct host h[1];
	char longq[HOSTS_QUERY_MAX + 8], err[256] = "";
	size_t n;

	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	assert_int_equal(hosts_search(st, longq, h, 1, &n, NULL, err, sizeof(err)), SEUIL_ERR_TOO_LARGE);
	assert_true(err[0] != '\0');
}

static void test_hosts__invitations_of_today(void **state)
{
	struct store *st = *state;
	struct host_invite inv[8];
	char err[256] = "";
	size_t n = 0;

	assert_int_equal(hosts_invites_today(st, T0, "", inv, 8, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 2); /* yesterday's is not offered */
	assert_string_equal(inv[0].id, "inv-1");
	assert_string_equal(inv[0].name, "Jeanne Dupont");
	assert_string_equal(inv[0].organisation, "Mairie de Nantes");
	assert_true(inv[0].host.person);
	assert_string_equal(inv[0].host.id, "p-lea");
	assert_string_equal(inv[0].host.name, "Léa Moreau");
	assert_string_equal(inv[0].host.organisation, "Radio associative Fréquence Estuaire");
	assert_false(inv[1].host.person);
	assert_string_equal(inv[1].host.id, "epicerie");
	assert_string_equal(inv[1].host.name, "Épicerie solidaire");
	/* by code, any case, spaces ignored: that one only */
	assert_int_equal(hosts_invites_today(st, T0, " k7pq2m ", inv, 8, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(inv[0].id, "inv-1");
	/* by name, accents ignored */
	assert_int_equal(hosts_invites_today(st, T0, "etienne", inv, 8, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(inv[0].id, "inv-2");
	/* yesterday's code is yesterday's */
	assert_int_equal(hosts_invites_today(st, T0, "XYZ234", inv, 8, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 0);
	/* the day turns at midnight in Nantes, not in UTC: 23:30Z on the 26th is the 27th there */
	assert_int_equal(hosts_invites_today(st, T0 - 8 * 3600000 - 30 * 60000, "", inv, 8, &n, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(n, 2);
}

static void test_hosts__a_used_invitation_is_gone(void **state)
{
	struct store *st = *state;
	struct host_invite inv[8];
	struct visitor_checkin v = { .name = "Jeanne Dupont", .host_person = "p-lea", .invite = "inv-1",
				     .consent = true };
	char err[256] = "", name[160];
	size_t n = 0;
	int64_t id;

	assert_int_equal(visitor_checkin(st, &v, T0 + 60000, &id, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(hosts_invites_today(st, T0 + 120000, "K7PQ2M", inv, 8, &n, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(hosts_tenant_name(st, "radio-asso", name, sizeof(name), err, sizeof(err)), SEUIL_OK);
	assert_string_equal(name, "Radio associative Fréquence Estuaire");
	assert_int_equal(hosts_tenant_name(st, "nobody", name, sizeof(name), err, sizeof(err)), SEUIL_OK);
	assert_string_equal(name, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts__fold),
		cmocka_unit_test_setup_teardown(test_hosts__accents_and_case_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hosts__people_and_tenants_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hosts__inactive_ones_are_not_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hosts__limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hosts__invitations_of_today, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hosts__a_used_invitation_is_gone, setup, teardown),
	};

	return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
