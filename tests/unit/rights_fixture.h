/*
 * rights_fixture.h - the store, directory and helpers test_rights.c and
 * test_schedule.c share: the example of docs/formats.md plus a few doors and
 * schedules, in a fresh database per test (its directory from test_util.h).
 * Included by those two files only.
 */
#ifndef SEUIL_TEST_RIGHTS_FIXTURE_H
#define SEUIL_TEST_RIGHTS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "credentials.h"
#include "directory.h"
#include "err.h"
#include "journal.h"
#include "rights.h"
#include "store.h"
#include "test_util.h"

#define CAMILLE "04A1B2C3D4E5F6"

/* the example of the brief, plus doors "atelier" and "velos" and two all-day schedules */
static const char base_json[] =
	"{\"site\": {\"name\": \"Pôle de coopération\", \"timezone\": \"Europe/Paris\"},"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée principale\"},"
	"   {\"id\": \"atelier\", \"name\": \"Atelier\", \"unlock_ms\": 12000},"
	"   {\"id\": \"velos\", \"name\": \"Local vélos\", \"unlock_ms\": 800}],"
	" \"schedules\": [{\"id\": \"bureaux\", \"holidays\": \"closed\","
	"   \"windows\": [{\"days\": \"mon-fri\", \"from\": \"07:00\", \"to\": \"20:00\"},"
	"                 {\"days\": \"sat\", \"from\": \"09:00\", \"to\": \"13:00\"}]},"
	"  {\"id\": \"soiree\", \"holidays\": \"open\","
	"   \"windows\": [{\"days\": \"fri\", \"from\": \"22:00\", \"to\": \"02:00\"}]},"
	"  {\"id\": \"toujours\", \"holidays\": \"open\","
	"   \"windows\": [{\"days\": \"all\", \"from\": \"00:00\", \"to\": \"24:00\"}]},"
	"  {\"id\": \"ouvrable\", \"holidays\": \"closed\","
	"   \"windows\": [{\"days\": \"mon-sun\", \"from\": \"00:00\", \"to\": \"00:00\"}]}],"
	" \"profiles\": [{\"id\": \"resident\", \"doors\": [\"entree\"], \"schedule\": \"bureaux\"},"
	"  {\"id\": \"evenement\", \"doors\": [\"entree\"], \"schedule\": \"soiree\"},"
	"  {\"id\": \"partout\", \"doors\": [\"entree\", \"atelier\", \"velos\"], \"schedule\": \"toujours\"},"
	"  {\"id\": \"jours-ouvres\", \"doors\": [\"entree\"], \"schedule\": \"ouvrable\"}],"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\", \"status\": \"active\","
	"   \"valid_until\": \"2027-12-31\", \"profiles\": [\"resident\"]}],"
	" \"people\": [{\"id\": \"p-camille\", \"name\": \"Camille Martin\", \"tenant\": \"scop-btp\","
	"   \"role\": \"member\", \"profiles\": [\"evenement\"]}],"
	" \"credentials\": [{\"uid\": \"04A1B2C3D4E5F6\", \"person\": \"p-camille\", \"status\": \"active\"}],"
	" \"closures\": [{\"date\": \"2026-12-24\", \"name\": \"Fermeture de fin d'année\"}]}";

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
};

/* imports JSON written with ' for " (readable in C) into the store */
__attribute__((unused)) static void import_q(struct store *st, const char *quoted)
{
	char *json = test_unquote(quoted), err[512] = "";
	int rc;

	rc = directory_import_json(st, json, strlen(json), 0, NULL, err, sizeof(err));
	free(json);
	if (rc != SEUIL_OK)
		fail_msg("test directory refused: %s", err);
}

__attribute__((unused)) static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[512] = "";

	if (f == NULL)
		return -1;
	if (test_tmpdir_make(f->dir, sizeof(f->dir), "rights") != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/seuil.db", f->dir);
	if (store_open(f->path, STORE_CREATE, &f->st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(f->st, base_json, strlen(base_json), 0, NULL, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

__attribute__((unused)) static int teardown(void **state)
{
	struct fixture *f = *state;

	store_free(f->st);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* the same fixture with the process in another time zone */
static char saved_tz[128];
__attribute__((unused)) static bool had_tz;

__attribute__((unused)) static int setup_new_york(void **state)
{
	const char *tz = getenv("TZ");

	had_tz = tz != NULL;
	snprintf(saved_tz, sizeof(saved_tz), "%s", tz != NULL ? tz : "");
	setenv("TZ", "America/New_York", 1);
	tzset();
	return setup(state);
}

__attribute__((unused)) static int teardown_new_york(void **state)
{
	if (had_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	return teardown(state);
}

__attribute__((unused)) static int64_t ms(const char *iso)
{
	int64_t s = 0;
	bool has_offset = false;

	if (!civil_parse_instant(iso, &s, &has_offset) || !has_offset)
		fail_msg("test bug: \"%s\" is not an instant with an offset", iso);
	return s * 1000;
}

__attribute__((unused)) static void decide(struct store *st, const char *uid, const char *door, int64_t at_ms,
		   struct access_decision *d)
{
	struct access_request req = { .kind = "uid", .identifier = uid, .door = door, .now_ms = at_ms };
	char err[256] = "";
	int rc;

	memset(d, 0x5a, sizeof(*d));
	rc = access_decide(st, &req, d, err, sizeof(err));
	if (rc != SEUIL_OK)
		fail_msg("access_decide(%s, %s) = %d: %s", uid, door ? door : "(null)", rc, err);
}

/* decides at iso and compares the reason code; the line number says which check */
#define EXPECT(st, uid, door, iso, reason) expect_reason(st, uid, door, iso, reason, __LINE__)

__attribute__((unused)) static void expect_reason(struct store *st, const char *uid, const char *door, const char *iso,
			  const char *reason, int line)
{
	struct access_decision d;
	const char *got;

	decide(st, uid, door, ms(iso), &d);
	got = access_reason_code(d.reason);
	if (strcmp(got, reason) != 0)
		fail_msg("line %d: %s at %s on %s: expected %s, got %s", line, uid, iso,
			 door ? door : "(default door)", reason, got);
	if (d.granted != (strcmp(reason, "granted") == 0))
		fail_msg("line %d: granted flag disagrees with reason %s", line, got);
	if (!d.granted && d.unlock_ms != 0)
		fail_msg("line %d: denied with unlock_ms %u", line, d.unlock_ms);
}

__attribute__((unused)) static int count_event(const struct journal_event *ev, void *ctx)
{
	(void)ev;
	++*(long *)ctx;
	return 0;
}

__attribute__((unused)) static long journal_count(struct store *st)
{
	long n = 0;
	char err[256] = "";

	assert_int_equal(journal_list(st, 0, count_event, &n, err, sizeof(err)), SEUIL_OK);
	return n;
}

__attribute__((unused)) static void record(struct store *st, const struct access_decision *d, int64_t *seq)
{
	char err[256] = "";

	if (journal_record_decision(st, d, seq, err, sizeof(err)) != SEUIL_OK)
		fail_msg("journal_record_decision: %s", err);
}

/* --- the example and each reason code ------------------------------------ */


#endif
