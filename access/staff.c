/*
 * staff.c - staff mode's store side (see staff.h): PIN hashing and its
 * lockout read back from the journal, the evacuation list, the person
 * search of badge enrolment and staff's journal entries.  It draws nothing
 * and moves no door: the kiosk does that (kiosk_staff.c).
 */
#include "staff.h"

#include "credentials.h"
#include "err.h"
#include "journal.h"
#include "store_int.h"
#include "tz.h"
#include "uid.h"
#include "visitors.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names: short forms and accent-free folding ---- */

void staff_short_name(const char *full, char *out, size_t len)
{
	size_t first, gap, n;
	const char *second;

	if (len == 0)
		return;
	full += strspn(full, " ");
	first = strcspn(full, " ");
	gap = strspn(full + first, " ");
	second = full + first + gap;
	if (*second == '\0') {
		snprintf(out, len, "%.*s", (int)first, full);
		return;
	}
	/* the initial is one whole UTF-8 character */
	n = 1;
	while (second[n] != '\0' && ((unsigned char)second[n] & 0xC0) == 0x80)
		n++;
	snprintf(out, len, "%.*s %.*s.", (int)first, full, (int)n, second);
}

/* Latin-1 letters U+00C0..U+00FF (UTF-8 C3 80..BF) without their accents */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "x", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* lower case, accents dropped (French and Breton names); other characters kept */
static void fold(const char *in, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p != '\0' && o + 3 < len) {
		const char *rep = NULL;
		size_t adv = 1;
		if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			rep = latin1_fold[p[1] - 0x80];
			adv = 2;
		} else if (p[0] == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) {
			rep = "oe";
			adv = 2;
		} else if (p[0] == 0xC5 && p[1] == 0xB8) {
			rep = "y";
			adv = 2;
		}
		if (rep != NULL) {
			for (; *rep != '\0'; rep++)
				out[o++] = *rep;
		} else {
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		}
		p += adv;
	}
	out[o] = '\0';
}

int staff_local_time(struct store *st, int64_t utc_ms, struct tz_local *out)
{
	const struct tz *zone;
	int rc = store_site_zone(st, &zone, NULL, 0);

	if (rc == SEUIL_OK)
		tz_localtime(zone, (utc_ms >= 0 ? utc_ms : utc_ms - 999) / 1000, out);
	return rc;
}

/* ---- the PIN ---- */

bool staff_pin_valid(const char *pin)
{
	size_t n = pin != NULL ? strlen(pin) : 0;

	if (n < STAFF_PIN_MIN || n > STAFF_PIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

/* role and PIN hash of person; SEUIL_ERR_NOT_FOUND when there is no such person */
static int read_person(struct store *st, const char *person, bool *staff, char *hash, size_t hashlen, char *err,
		       size_t errlen)
{
	static const char sql[] = "SELECT role, coalesce(pin_hash, '') FROM people WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	char role[16];
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, person, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, role, sizeof(role));
		store_column_copy(stmt, 1, hash, hashlen);
		*staff = strcmp(role, "staff") == 0;
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return SEUIL_OK;
	if (rc == SQLITE_DONE)
		return err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no person with id \"%.64s\"", person);
	return store_db_error(st, "reading a person", err, errlen);
}

struct pin_history {
	int failures;        /* wrong PINs since the last lockout (or reset) */
	int lockouts;        /* lockouts since the last reset */
	int64_t last_lockout_ms;
};

/*
 * Reads person's recent PIN events newest first, back to the last reset
 * (a right PIN, a PIN set or cleared) or STAFF_FORGET_MS before now.  The
 * walk is by sequence, which follows time: it stops at the first event older
 * than the horizon, so it reads about a day of the journal at most.
 */
static int pin_history(struct store *st, const char *person, int64_t now_ms, struct pin_history *h, char *err,
		       size_t errlen)
{
	static const char sql[] = "SELECT at_ms, kind, coalesce(reason, ''), coalesce(person_id, '')"
				  " FROM events ORDER BY seq DESC";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int64_t horizon = now_ms - STAFF_FORGET_MS;
	char kind[24], reason[32], who[ACCESS_ID_MAX];
	int rc;

	memset(h, 0, sizeof(*h));
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (sqlite3_column_int64(stmt, 0) < horizon)
			break;
		store_column_copy(stmt, 1, kind, sizeof(kind));
		if (strcmp(kind, "staff") != 0)
			continue;
		store_column_copy(stmt, 3, who, sizeof(who));
		if (strcmp(who, person) != 0)
			continue;
		store_column_copy(stmt, 2, reason, sizeof(reason));
		if (strcmp(reason, "pin_ok") == 0 || strcmp(reason, "pin_set") == 0 || strcmp(reason, "pin_clear") == 0)
			break;
		if (strcmp(reason, "pin_lockout") == 0) {
			if (h->lockouts++ == 0)
				h->last_lockout_ms = sqlite3_column_int64(stmt, 0);
		} else if (strcmp(reason, "pin_wrong") == 0 && h->lockouts == 0) {
			h->failures++;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_db_error(st, "reading the journal", err, errlen);
		sqlite3_reset(stmt);
		return rc;
	}
	sqlite3_reset(stmt);
	return SEUIL_OK;
}

/* the length of the n-th lockout in a row (n >= 1) */
static int64_t lock_ms(int n)
{
	int64_t ms = STAFF_LOCK_FIRST_MS;

	while (--n > 0 && ms < STAFF_LOCK_MAX_MS)
		ms *= 2;
	return ms < STAFF_LOCK_MAX_MS ? ms : STAFF_LOCK_MAX_MS;
}

static void status_of(const struct pin_history *h, int64_t now_ms, struct staff_pin_status *out)
{
	memset(out, 0, sizeof(*out));
	out->state = STAFF_PIN_READY;
	out->lockouts = h->lockouts;
	out->tries_left = STAFF_PIN_TRIES - h->failures;
	if (out->tries_left < 1)
		out->tries_left = 1; /* a lockout is always journaled with its last failure */
	if (h->lockouts > 0 && now_ms < h->last_lockout_ms + lock_ms(h->lockouts)) {
		out->state = STAFF_PIN_LOCKED;
		out->locked_until_ms = h->last_lockout_ms + lock_ms(h->lockouts);
	}
}

/* the state at now_ms with hash holding the PIN hash (when READY or LOCKED) */
static int pin_status(struct store *st, const char *person, int64_t now_ms, struct staff_pin_status *out,
		      char *hash, size_t hashlen, char *err, size_t errlen)
{
	struct pin_history h;
	bool staff = false;
	char why[256] = "";
	int rc = read_person(st, person, &staff, hash, hashlen, why, sizeof(why));

	memset(out, 0, sizeof(*out));
	if (rc == SEUIL_ERR_NOT_FOUND || (rc == SEUIL_OK && !staff)) {
		out->state = STAFF_PIN_NOT_STAFF;
		return SEUIL_OK;
	}
	if (rc != SEUIL_OK)
		return err_set(err, errlen, rc, "%s", why);
	if (hash[0] == '\0') {
		out->state = STAFF_PIN_UNSET;
		return SEUIL_OK;
	}
	if ((rc = pin_history(st, person, now_ms, &h, err, errlen)) != SEUIL_OK)
		return rc;
	status_of(&h, now_ms, out);
	return SEUIL_OK;
}

int staff_pin_status(struct store *st, const char *person, int64_t now_ms, struct staff_pin_status *out,
		     char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct staff_pin_status s;
	bool snapshot = store_read_begin(st);
	int rc = pin_status(st, person, now_ms, &s, hash, sizeof(hash), err, errlen);

	store_read_end(st, snapshot);
	if (rc == SEUIL_OK)
		*out = s;
	return rc;
}

static int journal_staff_locked(struct store *st, const char *by, const char *what, const char *door,
				const char *detail, int64_t now_ms, char *err, size_t errlen)
{
	struct journal_event ev;

	journal_event_init(&ev, "staff", now_ms);
	snprintf(ev.person, sizeof(ev.person), "%s", by != NULL ? by : "");
	snprintf(ev.reason, sizeof(ev.reason), "%s", what);
	snprintf(ev.door, sizeof(ev.door), "%s", door != NULL ? door : "");
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail != NULL ? detail : "");
	return journal_append_locked(st, &ev, NULL, err, errlen);
}

int staff_journal(struct store *st, const char *by, const char *what, const char *door, const char *detail,
		  int64_t now_ms, char *err, size_t errlen)
{
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	if ((rc = journal_staff_locked(st, by, what, door, detail, now_ms, err, errlen)) != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err, errlen);
}

int staff_pin_set(struct store *st, const char *person, const char *pin, const char *by, int64_t now_ms,
		  char *err, size_t errlen)
{
	static const char sql[] = "UPDATE people SET pin_hash = ?2 WHERE id = ?1";
	char hash[crypto_pwhash_STRBYTES] = "", old[crypto_pwhash_STRBYTES];
	sqlite3_stmt *stmt;
	bool staff = false;
	int rc;

	if (pin != NULL && !staff_pin_valid(pin))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "a PIN is %d to %d digits", STAFF_PIN_MIN,
			       STAFF_PIN_MAX);
	if ((rc = read_person(st, person, &staff, old, sizeof(old), err, errlen)) != SEUIL_OK)
		return rc;
	sodium_memzero(old, sizeof(old));
	if (!staff)
		return err_set(err, errlen, SEUIL_ERR_DENIED,
			       "\"%.64s\" is not staff: only staff have a PIN (role \"staff\")", person);
	if (pin != NULL) {
		/* hashed before the write lock: it takes a good part of a second on a small board */
		if (sodium_init() < 0 || crypto_pwhash_str(hash, pin, strlen(pin), STAFF_PIN_OPSLIMIT,
							   STAFF_PIN_MEMLIMIT) != 0)
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "cannot hash the PIN (out of memory)");
	}
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		goto out;
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, person, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 2, hash);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, "setting the PIN", err, errlen);
		goto fail;
	}
	if (sqlite3_changes(st->db) != 1) {
		rc = err_set(err, errlen, SEUIL_ERR_NOT_FOUND, "no person with id \"%.64s\"", person);
		goto fail;
	}
	if ((rc = journal_staff_locked(st, person, pin != NULL ? "pin_set" : "pin_clear", NULL, by, now_ms, err,
				       errlen)) != SEUIL_OK)
		goto fail;
	rc = store_commit(st, err, errlen);
	goto out;
fail:
	store_rollback(st);
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int staff_pin_check(struct store *st, const char *person, const char *pin, int64_t now_ms, bool *right,
		    struct staff_pin_status *out, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], detail[64];
	struct staff_pin_status before, after;
	struct pin_history h;
	bool ok;
	int rc;

	*right = false;
	if ((rc = staff_pin_status(st, person, now_ms, &before, err, errlen)) != SEUIL_OK)
		return rc;
	if (before.state != STAFF_PIN_READY) {
		*out = before;
		return SEUIL_OK;
	}
	{
		bool staff;
		if ((rc = read_person(st, person, &staff, hash, sizeof(hash), err, errlen)) != SEUIL_OK)
			return rc;
	}
	/* compared outside the write lock: Argon2id takes its time on purpose */
	ok = sodium_init() >= 0 && staff_pin_valid(pin) && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
	sodium_memzero(hash, sizeof(hash));
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	/* again under the lock: another attempt may have been journaled meanwhile */
	if ((rc = pin_history(st, person, now_ms, &h, err, errlen)) != SEUIL_OK)
		goto fail;
	status_of(&h, now_ms, &before);
	if (before.state != STAFF_PIN_READY) {
		store_rollback(st);
		*out = before;
		return SEUIL_OK;
	}
	if (ok) {
		rc = journal_staff_locked(st, person, "pin_ok", NULL, NULL, now_ms, err, errlen);
		memset(&after, 0, sizeof(after));
		after.state = STAFF_PIN_READY;
		after.tries_left = STAFF_PIN_TRIES;
	} else {
		rc = journal_staff_locked(st, person, "pin_wrong", NULL, NULL, now_ms, err, errlen);
		h.failures++;
		if (rc == SEUIL_OK && h.failures >= STAFF_PIN_TRIES) {
			h.lockouts++;
			h.last_lockout_ms = now_ms;
			h.failures = 0;
			snprintf(detail, sizeof(detail), "{\"minutes\":%lld,\"lockouts\":%d}",
				 (long long)(lock_ms(h.lockouts) / 60000), h.lockouts);
			rc = journal_staff_locked(st, person, "pin_lockout", NULL, detail, now_ms, err, errlen);
		}
		status_of(&h, now_ms, &after);
	}
	if (rc != SEUIL_OK)
		goto fail;
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	*right = ok;
	*out = after;
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}

/* ---- who is in the building ---- */

struct inside_item {
	struct staff_inside_entry e;
	char key[ACCESS_NAME_MAX]; /* the folded name, to sort */
	char id[ACCESS_ID_MAX];    /* a person's id, "" for a visitor */
};

struct inside_list {
	struct inside_item *items;
	size_t n, cap;
	long visitors;
	bool full;
};

static struct inside_item *inside_add(struct inside_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct inside_item *grown;
		if (l->cap >= STAFF_INSIDE_MAX) {
			l->full = true;
			return NULL;
		}
		if (cap > STAFF_INSIDE_MAX)
			cap = STAFF_INSIDE_MAX;
		if ((grown = realloc(l->items, cap * sizeof(*grown))) == NULL)
			return NULL;
		l->items = grown;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(l->items[0]));
	return &l->items[l->n++];
}

static int add_visitor(const struct visitor *v, void *ctx)
{
	struct inside_list *l = ctx;
	struct inside_item *it;

	l->visitors++;
	if ((it = inside_add(l)) == NULL)
		return l->full ? 0 : SEUIL_ERR_NOMEM;
	it->e.visitor = true;
	staff_short_name(v->name, it->e.name, sizeof(it->e.name));
	snprintf(it->e.organisation, sizeof(it->e.organisation), "%s", v->organisation);
	it->e.since_ms = v->checked_in_ms;
	return 0;
}

/* the people granted entry since start_ms, newest events first: each person once, at their first entry */
static int add_people(struct store *st, int64_t start_ms, struct inside_list *l, long *people, char *err,
		      size_t errlen)
{
	static const char walk[] = "SELECT at_ms, kind, granted, coalesce(person_id, '') FROM events"
				   " ORDER BY seq DESC";
	static const char who[] = "SELECT p.name, coalesce(t.name, '') FROM people p"
				  " LEFT JOIN tenants t ON t.id = p.tenant_id WHERE p.id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, walk, err, errlen);
	size_t first = l->n;
	char kind[24], person[ACCESS_ID_MAX], name[ACCESS_NAME_MAX];
	int rc;

	*people = 0;
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(stmt, 0);
		struct inside_item *it = NULL;
		if (at < start_ms)
			break;
		store_column_copy(stmt, 1, kind, sizeof(kind));
		store_column_copy(stmt, 3, person, sizeof(person));
		if (strcmp(kind, "decision") != 0 || sqlite3_column_int(stmt, 2) != 1 || person[0] == '\0')
			continue;
		for (size_t i = first; i < l->n; i++) {
			if (strcmp(l->items[i].id, person) == 0) {
				it = &l->items[i];
				break;
			}
		}
		if (it == NULL) {
			(*people)++;
			if ((it = inside_add(l)) == NULL) {
				if (l->full)
					continue;
				sqlite3_reset(stmt);
				return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
			}
			snprintf(it->id, sizeof(it->id), "%s", person);
		}
		it->e.since_ms = at; /* walking back: the earliest wins */
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading the journal", err, errlen);
	for (size_t i = first; i < l->n; i++) {
		struct inside_item *it = &l->items[i];
		if ((stmt = store_stmt(st, who, err, errlen)) == NULL)
			return SEUIL_ERR_DB;
		sqlite3_bind_text(stmt, 1, it->id, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			store_column_copy(stmt, 0, name, sizeof(name));
			store_column_copy(stmt, 1, it->e.organisation, sizeof(it->e.organisation));
			staff_short_name(name, it->e.name, sizeof(it->e.name));
		} else {
			/* removed from the directory since: still counted, shown by id */
			snprintf(it->e.name, sizeof(it->e.name), "%s", it->id);
		}
		sqlite3_reset(stmt);
	}
	return SEUIL_OK;
}

static int by_key(const void *a, const void *b)
{
	const struct inside_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->e.since_ms > y->e.since_ms) - (x->e.since_ms < y->e.since_ms);
}

int staff_inside_list(struct store *st, int64_t now_ms, staff_inside_fn fn, void *ctx,
		      struct staff_inside_counts *counts, char *err, size_t errlen)
{
	struct inside_list l = { 0 };
	int64_t start;
	long people = 0;
	bool snapshot;
	int rc = SEUIL_OK;

	if (store_site_day_start(st, now_ms, &start, NULL, 0) != SEUIL_OK)
		start = now_ms - now_ms % 86400000; /* no site yet: the UTC day */
	snapshot = store_read_begin(st);
	rc = add_people(st, start, &l, &people, err, errlen);
	if (rc == SEUIL_OK)
		rc = visitor_list_inside(st, start, add_visitor, &l, err, errlen);
	store_read_end(st, snapshot);
	if (rc != SEUIL_OK)
		goto out;
	for (size_t i = 0; i < l.n; i++)
		fold(l.items[i].e.name, l.items[i].key, sizeof(l.items[i].key));
	if (l.n > 1)
		qsort(l.items, l.n, sizeof(l.items[0]), by_key);
	if (counts != NULL) {
		counts->people = people;
		counts->visitors = l.visitors;
	}
	for (size_t i = 0; fn != NULL && i < l.n; i++) {
		if ((rc = fn(&l.items[i].e, ctx)) != 0)
			break;
	}
out:
	free(l.items);
	return rc;
}

/* ---- the person search ---- */

struct match {
	struct staff_person p;
	char key[ACCESS_NAME_MAX];
	int rank; /* 0: a word of the name starts with the query */
};

static int by_rank(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	return x->rank != y->rank ? x->rank - y->rank : strcmp(x->key, y->key);
}

int staff_find_people(struct store *st, const char *query, struct staff_person *out, size_t max, size_t *found,
		      size_t *total, char *err, size_t errlen)
{
	static const char sql[] = "SELECT p.id, p.name, coalesce(t.name, '') FROM people p"
				  " LEFT JOIN tenants t ON t.id = p.tenant_id WHERE p.status = 'active'";
	char q[ACCESS_NAME_MAX];
	struct match *m = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	bool letter = false;
	int rc;

	*found = *total = 0;
	fold(query, q, sizeof(q));
	for (const char *p = q; *p != '\0'; p++)
		letter = letter || (*p != ' ' && *p != '-' && *p != '\'');
	if (!letter)
		return SEUIL_OK;
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct match one;
		const char *hit;
		memset(&one, 0, sizeof(one));
		store_column_copy(stmt, 0, one.p.id, sizeof(one.p.id));
		store_column_copy(stmt, 1, one.p.name, sizeof(one.p.name));
		store_column_copy(stmt, 2, one.p.tenant_name, sizeof(one.p.tenant_name));
		fold(one.p.name, one.key, sizeof(one.key));
		if ((hit = strstr(one.key, q)) == NULL)
			continue;
		one.rank = hit == one.key || hit[-1] == ' ' || hit[-1] == '-' ? 0 : 1;
		if (n == cap) {
			struct match *grown = realloc(m, (cap ? cap * 2 : 32) * sizeof(*m));
			if (grown == NULL) {
				sqlite3_reset(stmt);
				free(m);
				return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
			}
			m = grown;
			cap = cap ? cap * 2 : 32;
		}
		m[n++] = one;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(m);
		return store_db_error(st, "searching people", err, errlen);
	}
	if (n > 1)
		qsort(m, n, sizeof(*m), by_rank);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = m[i].p;
	*found = n < max ? n : max;
	*total = n;
	free(m);
	return SEUIL_OK;
}

/* ---- enrolment ---- */

int staff_enroll(struct store *st, const char *by, const char *person, const char *uid_hex, int64_t now_ms,
		 enum staff_enroll_result *result, char *holder, size_t holder_len, char *err, size_t errlen)
{
	static const char held[] = "SELECT coalesce(c.person_id, ''), c.visitor_id IS NOT NULL, c.status,"
				   " coalesce(p.name, '') FROM credentials c LEFT JOIN people p ON p.id = c.person_id"
				   " WHERE c.kind = 'uid' AND c.identifier = ?1";
	char uid[UID_HEX_MAX], current[ACCESS_ID_MAX] = "", status[16] = "", name[ACCESS_NAME_MAX] = "";
	char detail[ACCESS_ID_MAX + 16];
	bool visitor = false;
	sqlite3_stmt *stmt;
	int rc;

	if (holder_len > 0)
		holder[0] = '\0';
	if ((rc = uid_normalize(uid_hex, uid, err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, held, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_copy(stmt, 0, current, sizeof(current));
		visitor = sqlite3_column_int(stmt, 1) != 0;
		store_column_copy(stmt, 2, status, sizeof(status));
		store_column_copy(stmt, 3, name, sizeof(name));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading a badge", err, errlen);
	if (visitor || (current[0] != '\0' && strcmp(current, person) != 0)) {
		/* never a silent reassignment: the office revokes it first */
		if (!visitor)
			staff_short_name(name, holder, holder_len);
		*result = STAFF_ENROLL_HELD;
		return SEUIL_OK;
	}
	if (current[0] != '\0' && strcmp(status, "active") == 0) {
		*result = STAFF_ENROLL_ALREADY;
		return SEUIL_OK;
	}
	if ((rc = credential_enroll(st, uid, person, NULL, NULL, 0, now_ms, err, errlen)) != SEUIL_OK)
		return rc;
	snprintf(detail, sizeof(detail), "{\"for\":\"%s\"}", person);
	/* the enrolment itself is journaled; this says who did it */
	if ((rc = staff_journal(st, by, "enroll", NULL, detail, now_ms, err, errlen)) != SEUIL_OK)
		return rc;
	*result = STAFF_ENROLLED;
	return SEUIL_OK;
}
