/*
 * test_visitors.c - visitor check-in and check-out: the record, the journal
 * events the office reads, refusals, the inside list, and retention.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "directory.h"
#include "err.h"
#include "journal.h"
#include "store.h"
#include "visitors.h"

#include <stdio.h>
#include <string.h>

static const char directory[] =
	"{\"site\":{\"name\":\"Pôle\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\"}],"
	"\"tenants\":[{\"id\":\"scop-btp\",\"name\":\"Scop BTP\"}],"
	"\"people\":[{\"id\":\"p-camille\",\"name\":\"Camille Martin\",\"tenant\":\"scop-btp\","
	"\"email\":\"camille@scop.example\"}]}";

#define T0 1795766400000 /* 2026-11-27T08:00:00Z */

static int setup(void **state)
{
	struct store *st;
	char err[256];

	if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(st, directory, strlen(directory), 0, NULL, err, sizeof(err)) != SEUIL_OK)
		return -1;
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	return 0;
}

struct grab {
	int n;
	struct journal_event last;
};

static int grab_event(const struct journal_event *ev, void *ctx)
{
	struct grab *g = ctx;

	g->n++;
	g->last = *ev;
	return 0;
}

static int no_name(const struct journal_event *ev, void *ctx)
{
	(void)ctx;
	return strstr(ev->detail, "Dominique") != NULL ? 1 : 0;
}

static int count_visitor(const struct visitor *v, void *ctx)
{
	(void)v;
	(*(int *)ctx)++;
	return 0;
}

static void test_visitors__checkin_journals_for_the_office(void **state)
{
	struct store *st = *state;
	struct visitor_checkin v = { .name = "Dominique Roux", .organisation = "Mairie de Nantes",
				     .host_person = "p-camille", .purpose = "Réunion", .consent = true };
	struct grab g = { 0 };
	char err[256] = "";
	int64_t id = 0;
	int inside = 0;

	assert_int_equal(visitor_checkin(st, &v, T0, &id, err, sizeof(err)), SEUIL_OK);
	assert_true(id > 0);
	assert_int_equal(journal_list(st, 0, grab_event, &g, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.last.kind, "checkin");
	assert_int_equal(g.last.visitor, id);
	assert_string_equal(g.last.person, "p-camille");
	assert_string_equal(g.last.tenant, "scop-btp");
	assert_non_null(strstr(g.last.detail, "\"name\":\"Dominique Roux\""));
	assert_non_null(strstr(g.last.detail, "\"purpose\":\"Réunion\""));
	assert_int_equal(visitor_list_inside(st, T0 - 1000, count_visitor, &inside, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(inside, 1);
	assert_int_equal(visitor_checkout(st, id, T0 + 3600000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(visitor_checkout(st, id, T0 + 3600001, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	inside = 0;
	assert_int_equal(visitor_list_inside(st, 0, count_visitor, &inside, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(inside, 0);
	g.n = 0;
	assert_int_equal(journal_list(st, 0, grab_event, &g, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.last.kind, "checkout");
}

static void test_visitors__refusals_change_nothing(void **state)
{
	struct store *st = *state;
	struct visitor_checkin no_consent = { .name = "A", .host_person = "p-camille" };
	struct visitor_checkin no_name = { .name = "", .host_person = "p-camille", .consent = true };
	struct visitor_checkin no_host = { .name = "A", .consent = true };
	struct visitor_checkin bad_host = { .name = "A", .host_person = "p-nobody", .consent = true };
	struct visitor_checkin control = { .name = "A\nB", .host_person = "p-camille", .consent = true };
	struct grab g = { 0 };
	char err[256];

	err[0] = '\0';
	assert_int_equal(visitor_checkin(st, &no_consent, T0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "privacy"));
	err[0] = '\0';
	assert_int_equal(visitor_checkin(st, &no_name, T0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	err[0] = '\0';
	assert_int_equal(visitor_checkin(st, &no_host, T0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	err[0] = '\0';
	assert_int_equal(visitor_checkin(st, &bad_host, T0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "p-nobody"));
	err[0] = '\0';
	assert_int_equal(visitor_checkin(st, &control, T0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(journal_list(st, 0, grab_event, &g, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(g.n, 0);
}

static void test_visitors__retention_forgets_names(void **state)
{
	struct store *st = *state;
	struct visitor_checkin v = { .name = "Dominique Roux", .host_tenant = "scop-btp", .consent = true };
	struct journal_purge_counts c;
	struct grab g = { 0 };
	char err[256] = "";

	assert_int_equal(visitor_checkin(st, &v, T0, NULL, err, sizeof(err)), SEUIL_OK);
	/* 31 days later (default retention 30 days): the record goes, the name too */
	assert_int_equal(journal_purge(st, T0 + 31LL * 86400000, T0 + 31LL * 86400000, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.visitors, 1);
	assert_int_equal(journal_list(st, 0, grab_event, &g, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(g.n, 2); /* the check-in event stays (three months), the purge's own */
	/* no event holds the name any more */
	assert_int_equal(journal_list(st, 0, no_name, NULL, err, sizeof(err)), SEUIL_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_visitors__checkin_journals_for_the_office, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visitors__refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visitors__retention_forgets_names, setup, teardown),
	};

	return cmocka_run_group_tests_name("visitors", tests, NULL, NULL);
}
