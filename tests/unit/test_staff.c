/*
 * test_staff.c - staff mode's store side against a real database file:
 * the PIN hashed with Argon2id (never stored or journaled in clear), set
 * only for staff, checked fast enough; the lockout after five wrong PINs,
 * doubling and capped, surviving a reopen of the store, reset by a right
 * PIN or a new one; the evacuation list; the person search; enrolment
 * that never takes a card from someone else.
 */
#include "test_util.h"

#include "clock.h"
#include "credentials.h"
#include "directory.h"
#include "err.h"
#include "journal.h"
#include "staff.h"
#include "store.h"
#include "visitors.h"

#define T0 1795766400000LL /* 2026-11-27T08:00:00Z, 09:00 in Nantes */
#define DAY 86400000LL

static const char directory[] =
	"{\"site\":{\"name\":\"Pôle\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\"}],"
	"\"tenants\":[{\"id\":\"pole\",\"name\":\"Équipe du Pôle\"},{\"id\":\"scop-btp\",\"name\":\"Scop BTP\"},"
	"{\"id\":\"radio\",\"name\":\"Radio Estuaire\"}],"
	"\"people\":[{\"id\":\"p-sacha\",\"name\":\"Sacha Petit\",\"tenant\":\"pole\",\"role\":\"staff\"},"
	"{\"id\":\"p-camille\",\"name\":\"Camille Martin\",\"tenant\":\"scop-btp\"},"
	"{\"id\":\"p-lea\",\"name\":\"Léa Moreau\",\"tenant\":\"radio\"},"
	"{\"id\":\"p-malo\",\"name\":\"Malo Le Gall\",\"tenant\":\"radio\"},"
	"{\"id\":\"p-ex\",\"name\":\"Martine Ancienne\",\"tenant\":\"radio\",\"status\":\"inactive\"}],"
	"\"credentials\":[{\"uid\":\"8E3F21A7\",\"person\":\"p-lea\"}]}";

struct fixture {
	char dir[128];
	char path[160];
	struct store *st;
};

static struct store *reopen(struct fixture *f)
{
	char err[256] = "";

	store_free(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, 0, &f->st, err, sizeof(err)), SEUIL_OK);
	return f->st;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256] = "";

	if (f == NULL || test_tmpdir_make(f->dir, sizeof(f->dir), "staff") != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/seuil.db", f->dir);
	if (store_open(f->path, STORE_CREATE, &f->st, err, sizeof(err)) != SEUIL_OK ||
	    directory_import_json(f->st, directory, strlen(directory), 0, NULL, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_free(f->st);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* ---- journal helpers ---- */

struct seen {
	int n;
	int staff[8]; /* pin_set, pin_ok, pin_wrong, pin_lockout, pin_clear, enroll, other, - */
	bool leaked;  /* an event holds the PIN typed */
	char last_detail[JOURNAL_DETAIL_MAX];
};

static const char *const reasons[] = { "pin_set", "pin_ok", "pin_wrong", "pin_lockout", "pin_clear", "enroll" };

static int see(const struct journal_event *ev, void *ctx)
{
	struct seen *s = ctx;
	char *json = journal_event_json(ev);

	s->n++;
	if (json != NULL && (strstr(json, "2468") != NULL || strstr(json, "1357") != NULL))
		s->leaked = true;
	free(json);
	if (strcmp(ev->kind, "staff") != 0)
		return 0;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (strcmp(ev->reason, reasons[i]) == 0) {
			s->staff[i]++;
			snprintf(s->last_detail, sizeof(s->last_detail), "%s", ev->detail);
			return 0;
		}
	}
	s->staff[6]++;
	return 0;
}

static struct seen journal(struct store *st)
{
	struct seen s;
	char err[256] = "";

	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_list(st, 0, see, &s, err, sizeof(err)), SEUIL_OK);
	return s;
}

static void set_pin(struct store *st, const char *pin, int64_t at)
{
	char err[256] = "";

	assert_int_equal(staff_pin_set(st, "p-sacha", pin, "test", at, err, sizeof(err)), SEUIL_OK);
}

static bool check(struct store *st, const char *pin, int64_t at, struct staff_pin_status *out)
{
	char err[256] = "";
	bool right = true;

	assert_int_equal(staff_pin_check(st, "p-sacha", pin, at, &right, out, err, sizeof(err)), SEUIL_OK);
	return right;
}

static struct staff_pin_status status(struct store *st, int64_t at)
{
	struct staff_pin_status s;
	char err[256] = "";

	assert_int_equal(staff_pin_status(st, "p-sacha", at, &s, err, sizeof(err)), SEUIL_OK);
	return s;
}

/* wrong PINs until a lockout; returns the lockout's end */
static int64_t lock_out(struct store *st, int64_t at)
{
	struct staff_pin_status s;

	for (int i = 0; i < STAFF_PIN_TRIES; i++)
		assert_false(check(st, "1357", at + i, &s));
	assert_int_equal(s.state, STAFF_PIN_LOCKED);
	return s.locked_until_ms;
}

/* ---- cases ---- */

static void test_staff__pin_is_hashed_and_checked(void **state)
{
	struct fixture *f = *state;
	struct staff_pin_status s;
	struct seen seen;
	int64_t t;

	assert_int_equal(status(f->st, T0).state, STAFF_PIN_UNSET);
	/* no PIN: nothing compared, nothing journaled */
	assert_false(check(f->st, "2468", T0, &s));
	assert_int_equal(s.state, STAFF_PIN_UNSET);
	assert_int_equal(journal(f->st).n, 0);
	set_pin(f->st, "2468", T0);
	s = status(f->st, T0);
	assert_int_equal(s.state, STAFF_PIN_READY);
	assert_int_equal(s.tries_left, STAFF_PIN_TRIES);
	t = clock_mono_ms();
	assert_true(check(f->st, "2468", T0 + 1000, &s));
	/* the kiosk answers well within half a second (on this machine) */
	assert_true(clock_mono_ms() - t < 500);
	assert_false(check(f->st, "2469", T0 + 2000, &s));
	assert_int_equal(s.tries_left, STAFF_PIN_TRIES - 1);
	seen = journal(f->st);
	assert_int_equal(seen.staff[0], 1); /* pin_set */
	assert_int_equal(seen.staff[1], 1); /* pin_ok: a staff login */
	assert_int_equal(seen.staff[2], 1); /* pin_wrong */
	assert_false(seen.leaked);
}

static void test_staff__hash_is_argon2id_with_small_memory(void **state)
{
	struct fixture *f = *state;
	char cmd[512], line[256] = "";
	FILE *p;

	set_pin(f->st, "2468", T0);
	store_free(f->st);
	f->st = NULL;
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT pin_hash FROM people WHERE id = 'p-sacha'\" 2>/dev/null",
		 f->path);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(line, sizeof(line), p) != NULL) {
		assert_non_null(strstr(line, "$argon2id$"));
		assert_non_null(strstr(line, "m=16384,"));
		assert_null(strstr(line, "2468"));
	}
	pclose(p);
	reopen(f);
}

static void test_staff__pin_is_for_staff_only_and_digits_only(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	struct staff_pin_status s;

	assert_int_equal(staff_pin_set(f->st, "p-camille", "2468", "test", T0, err, sizeof(err)), SEUIL_ERR_DENIED);
	assert_non_null(strstr(err, "not staff"));
	err[0] = '\0';
	assert_int_equal(staff_pin_set(f->st, "p-nobody", "2468", "test", T0, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_int_equal(staff_pin_set(f->st, "p-sacha", "246", "test", T0, NULL, 0), SEUIL_ERR_INVALID);
	assert_int_equal(staff_pin_set(f->st, "p-sacha", "123456789", "test", T0, NULL, 0), SEUIL_ERR_INVALID);
	assert_int_equal(staff_pin_set(f->st, "p-sacha", "12a4", "test", T0, NULL, 0), SEUIL_ERR_INVALID);
	assert_int_equal(staff_pin_set(f->st, "p-sacha", "", "test", T0, NULL, 0), SEUIL_ERR_INVALID);
	assert_int_equal(staff_pin_set(f->st, "p-sacha", "12345678", "test", T0, NULL, 0), SEUIL_OK);
	assert_int_equal(staff_pin_status(f->st, "p-camille", T0, &s, NULL, 0), SEUIL_OK);
	assert_int_equal(s.state, STAFF_PIN_NOT_STAFF);
	/* cleared: unset again, and journaled */
	assert_int_equal(staff_pin_set(f->st, "p-sacha", NULL, "test", T0 + 1, NULL, 0), SEUIL_OK);
	assert_int_equal(status(f->st, T0 + 2).state, STAFF_PIN_UNSET);
	assert_int_equal(journal(f->st).staff[4], 1);
}

static void test_staff__lockout_grows_and_survives_a_restart(void **state)
{
	struct fixture *f = *state;
	struct staff_pin_status s;
	struct seen seen;
	int64_t until, t;

	set_pin(f->st, "2468", T0);
	until = lock_out(f->st, T0 + 1000);
	assert_int_equal(until, T0 + 1000 + STAFF_PIN_TRIES - 1 + 60000);
	seen = journal(f->st);
	assert_int_equal(seen.staff[2], STAFF_PIN_TRIES);
	assert_int_equal(seen.staff[3], 1);
	assert_string_equal(seen.last_detail, "{\"minutes\":1,\"lockouts\":1}");
	/* locked: even the right PIN is not compared, and nothing is journaled */
	assert_false(check(f->st, "2468", until - 1, &s));
	assert_int_equal(s.state, STAFF_PIN_LOCKED);
	assert_int_equal(journal(f->st).n, seen.n);
	/* a restart does not forget */
	reopen(f);
	s = status(f->st, until - 1);
	assert_int_equal(s.state, STAFF_PIN_LOCKED);
	assert_int_equal(s.locked_until_ms, until);
	s = status(f->st, until);
	assert_int_equal(s.state, STAFF_PIN_READY);
	assert_int_equal(s.tries_left, STAFF_PIN_TRIES);
	/* the second lockout in a row is twice as long, the third four times */
	t = until;
	until = lock_out(f->st, t);
	assert_int_equal(until - (t + STAFF_PIN_TRIES - 1), 120000);
	reopen(f);
	assert_int_equal(status(f->st, until - 1).state, STAFF_PIN_LOCKED);
	t = until;
	until = lock_out(f->st, t);
	assert_int_equal(until - (t + STAFF_PIN_TRIES - 1), 240000);
	/* a right PIN starts again from one minute */
	assert_true(check(f->st, "2468", until, &s));
	t = until + 1;
	until = lock_out(f->st, t);
	assert_int_equal(until - (t + STAFF_PIN_TRIES - 1), 60000);
}

static void test_staff__lockout_is_capped(void **state)
{
	struct fixture *f = *state;
	int64_t t = T0, until = 0;

	set_pin(f->st, "2468", T0);
	for (int i = 0; i < 9; i++) {
		until = lock_out(f->st, t);
		t = until;
	}
	assert_int_equal(status(f->st, until - 1).lockouts, 9);
	/* the tenth would be 512 minutes: held at the cap */
	{
		int64_t start = until;
		until = lock_out(f->st, start);
		assert_int_equal(until - (start + STAFF_PIN_TRIES - 1), STAFF_LOCK_MAX_MS);
	}
}

static void test_staff__a_new_pin_or_a_day_ends_the_lockout(void **state)
{
	struct fixture *f = *state;
	int64_t until;
	struct staff_pin_status s;

	set_pin(f->st, "2468", T0);
	until = lock_out(f->st, T0);
	assert_int_equal(status(f->st, until - 1).state, STAFF_PIN_LOCKED);
	/* the office sets a new PIN: usable at once */
	set_pin(f->st, "1111", until - 30000);
	assert_true(check(f->st, "1111", until - 20000, &s));
	/* failures of yesterday are forgotten */
	assert_false(check(f->st, "1357", T0 + DAY / 2, &s));
	assert_false(check(f->st, "1357", T0 + DAY / 2 + 1, &s));
	assert_int_equal(s.tries_left, STAFF_PIN_TRIES - 2);
	s = status(f->st, T0 + DAY / 2 + DAY + 10);
	assert_int_equal(s.tries_left, STAFF_PIN_TRIES);
}

static void decision(struct store *st, const char *person, bool granted, int64_t at)
{
	struct access_decision d;
	char err[256] = "";

	memset(&d, 0, sizeof(d));
	d.granted = granted;
	d.reason = granted ? ACCESS_GRANTED : ACCESS_OUTSIDE_SCHEDULE;
	d.at_ms = at;
	snprintf(d.door, sizeof(d.door), "entree");
	snprintf(d.person, sizeof(d.person), "%s", person);
	assert_int_equal(journal_record_decision(st, &d, NULL, err, sizeof(err)), SEUIL_OK);
}

static int64_t visitor(struct store *st, const char *name, const char *org, int64_t at)
{
	struct visitor_checkin v = { .name = name, .organisation = org, .host_person = "p-camille", .consent = true };
	char err[256] = "";
	int64_t id = 0;

	assert_int_equal(visitor_checkin(st, &v, at, &id, err, sizeof(err)), SEUIL_OK);
	return id;
}

struct listed {
	int n;
	struct staff_inside_entry e[16];
};

static int collect(const struct staff_inside_entry *e, void *ctx)
{
	struct listed *l = ctx;

	if (l->n < 16)
		l->e[l->n++] = *e;
	return 0;
}

static void test_staff__evacuation_list(void **state)
{
	struct fixture *f = *state;
	struct staff_inside_counts c;
	struct listed l = { 0 };
	char err[256] = "";
	int64_t gone;

	/* yesterday: not in the list */
	decision(f->st, "p-malo", true, T0 - DAY);
	visitor(f->st, "Ancien Visiteur", "Mairie", T0 - DAY);
	/* today (the local day began at 23:00Z the day before) */
	decision(f->st, "p-camille", true, T0 - 8 * 3600000LL + 60000); /* 01:01 local */
	decision(f->st, "p-camille", true, T0 + 3600000);
	decision(f->st, "p-lea", false, T0);                             /* refused: not inside */
	decision(f->st, "p-sacha", true, T0 + 60000);
	visitor(f->st, "Dominique Roux", "Mairie de Nantes", T0 + 120000);
	gone = visitor(f->st, "Parti Déjà", "", T0 + 180000);
	assert_int_equal(visitor_checkout(f->st, gone, T0 + 240000, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(staff_inside_list(f->st, T0 + 7200000, collect, &l, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.people, 2);
	assert_int_equal(c.visitors, 1);
	assert_int_equal(l.n, 3);
	/* alphabetical, first name and initial only */
	assert_string_equal(l.e[0].name, "Camille M.");
	assert_string_equal(l.e[0].organisation, "Scop BTP");
	assert_false(l.e[0].visitor);
	assert_int_equal(l.e[0].since_ms, T0 - 8 * 3600000LL + 60000);
	assert_string_equal(l.e[1].name, "Dominique R.");
	assert_true(l.e[1].visitor);
	assert_string_equal(l.e[1].organisation, "Mairie de Nantes");
	assert_string_equal(l.e[2].name, "Sacha P.");
	assert_string_equal(l.e[2].organisation, "Équipe du Pôle");
	/* counting only */
	assert_int_equal(staff_inside_list(f->st, T0 + 7200000, NULL, NULL, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.people + c.visitors, 3);
}

static void test_staff__short_names(void **unused)
{
	char out[64];

	(void)unused;
	staff_short_name("Camille Martin", out, sizeof(out));
	assert_string_equal(out, "Camille M.");
	staff_short_name("Malo Le Gall", out, sizeof(out));
	assert_string_equal(out, "Malo L.");
	staff_short_name("Inès Élan", out, sizeof(out));
	assert_string_equal(out, "Inès É.");
	staff_short_name("Cher", out, sizeof(out));
	assert_string_equal(out, "Cher");
	staff_short_name("", out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_staff__find_people_ignores_accents_and_case(void **state)
{
	struct fixture *f = *state;
	struct staff_person p[3];
	size_t found, total;
	char err[256] = "";

	assert_int_equal(staff_find_people(f->st, "LEA", p, 3, &found, &total, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(found, 1);
	assert_string_equal(p[0].id, "p-lea");
	assert_string_equal(p[0].tenant_name, "Radio Estuaire");
	/* "mar": Martin starts a word, Moreau... does not hold it; the inactive Martine is left out */
	assert_int_equal(staff_find_people(f->st, "mar", p, 3, &found, &total, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(found, 1);
	assert_string_equal(p[0].id, "p-camille");
	/* "a": everyone active with an a; word starts first; cut at max */
	assert_int_equal(staff_find_people(f->st, "a", p, 2, &found, &total, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(found, 2);
	assert_int_equal(total, 4);
	assert_int_equal(staff_find_people(f->st, "  ", p, 3, &found, &total, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(found, 0);
	assert_int_equal(staff_find_people(f->st, "éa", p, 3, &found, &total, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(found, 1);
}

static void test_staff__enroll_never_takes_a_card(void **state)
{
	struct fixture *f = *state;
	enum staff_enroll_result res;
	char holder[64], err[256] = "";
	struct seen seen;

	assert_int_equal(staff_enroll(f->st, "p-sacha", "p-camille", "04AABBCCDDEEFF", T0, &res, holder,
				      sizeof(holder), err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(res, STAFF_ENROLLED);
	seen = journal(f->st);
	assert_int_equal(seen.staff[5], 1); /* who enrolled it */
	assert_int_equal(staff_enroll(f->st, "p-sacha", "p-camille", "04:aa:bb:cc:dd:ee:ff", T0, &res, holder,
				      sizeof(holder), err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(res, STAFF_ENROLL_ALREADY);
	/* Léa's card: refused, named, unchanged */
	assert_int_equal(staff_enroll(f->st, "p-sacha", "p-camille", "8E3F21A7", T0, &res, holder, sizeof(holder),
				      err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(res, STAFF_ENROLL_HELD);
	assert_string_equal(holder, "Léa M.");
	assert_int_equal(journal(f->st).n, seen.n);
	assert_int_equal(credential_set_status(f->st, "8E3F21A7", "active", T0, err, sizeof(err)), SEUIL_OK);
	/* a malformed card */
	assert_int_equal(staff_enroll(f->st, "p-sacha", "p-camille", "zz", T0, &res, holder, sizeof(holder), err,
				      sizeof(err)),
			 SEUIL_ERR_INVALID);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_staff__pin_is_hashed_and_checked),
		T(test_staff__hash_is_argon2id_with_small_memory),
		T(test_staff__pin_is_for_staff_only_and_digits_only),
		T(test_staff__lockout_grows_and_survives_a_restart),
		T(test_staff__lockout_is_capped),
		T(test_staff__a_new_pin_or_a_day_ends_the_lockout),
		T(test_staff__evacuation_list),
		cmocka_unit_test(test_staff__short_names),
		T(test_staff__find_people_ignores_accents_and_case),
		T(test_staff__enroll_never_takes_a_card),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
