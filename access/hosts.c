/*
 * hosts.c - the kiosk's host search and today's invitations (see hosts.h).
 * The names are read with prepared statements and matched here in C, so
 * that accents fold the same way whatever SQLite was built with; a building
 * has a few hundred names, read in one snapshot per keystroke.  It writes
 * nothing.
 */
#include "hosts.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* code points folded to ASCII: Latin-1 Supplement and Latin Extended-A */
static const struct {
	unsigned from, to;
	const char *ascii;
} folds[] = {
	{ 0xC0, 0xC5, "a" }, { 0xC6, 0xC6, "ae" }, { 0xC7, 0xC7, "c" },  { 0xC8, 0xCB, "e" },
	{ 0xCC, 0xCF, "i" }, { 0xD0, 0xD0, "d" },  { 0xD1, 0xD1, "n" },  { 0xD2, 0xD6, "o" },
	{ 0xD8, 0xD8, "o" }, { 0xD9, 0xDC, "u" },  { 0xDD, 0xDD, "y" },  { 0xDE, 0xDE, "th" },
	{ 0xDF, 0xDF, "ss" }, { 0xE0, 0xE5, "a" }, { 0xE6, 0xE6, "ae" }, { 0xE7, 0xE7, "c" },
	{ 0xE8, 0xEB, "e" }, { 0xEC, 0xEF, "i" },  { 0xF0, 0xF0, "d" },  { 0xF1, 0xF1, "n" },
	{ 0xF2, 0xF6, "o" }, { 0xF8, 0xF8, "o" },  { 0xF9, 0xFC, "u" },  { 0xFD, 0xFD, "y" },
	{ 0xFE, 0xFE, "th" }, { 0xFF, 0xFF, "y" }, { 0x100, 0x105, "a" }, { 0x106, 0x10D, "c" },
	{ 0x10E, 0x111, "d" }, { 0x112, 0x11B, "e" }, { 0x11C, 0x123, "g" }, { 0x124, 0x127, "h" },
	{ 0x128, 0x131, "i" }, { 0x132, 0x133, "ij" }, { 0x134, 0x135, "j" }, { 0x136, 0x138, "k" },
	{ 0x139, 0x142, "l" }, { 0x143, 0x14B, "n" }, { 0x14C, 0x151, "o" }, { 0x152, 0x153, "oe" },
	{ 0x154, 0x159, "r" }, { 0x15A, 0x161, "s" }, { 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
	{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" }, { 0x179, 0x17E, "z" }, { 0x17F, 0x17F, "s" },
};

/* decodes one UTF-8 character at p into *cp; returns its length, 1 for a stray byte (*cp = 0xFFFD) */
static size_t decode(const unsigned char *p, unsigned *cp)
{
	size_t n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0) {
		n = 2;
		*cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3;
		*cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4;
		*cp = p[0] & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		*cp = *cp << 6 | (p[i] & 0x3F);
	}
	return n;
}

void hosts_fold(const char *utf8, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t o = 0;

	if (len == 0)
		return;
	while (*p != '\0') {
		unsigned cp;
		size_t n = decode(p, &cp);
		const char *rep = NULL;
		size_t rlen;
		char one;
		for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]) && rep == NULL; i++)
			if (cp >= folds[i].from && cp <= folds[i].to)
				rep = folds[i].ascii;
		if (rep == NULL && cp < 0x80) {
			one = (char)(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
			rep = &one;
			rlen = 1;
		} else if (rep == NULL) {
			rep = (const char *)p; /* kept as it is */
			rlen = n;
		} else {
			rlen = strlen(rep);
		}
		if (o + rlen >= len)
			break;
		memcpy(out + o, rep, rlen);
		o += rlen;
		p += n;
	}
	out[o] = '\0';
}

static bool word_char(unsigned char c)
{
	/* folded text: ASCII letters and digits, and whatever was kept (non-ASCII) */
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* does some word of name start with the n bytes at w? */
static bool word_starts(const char *name, const char *w, size_t n)
{
	for (const char *p = name; *p != '\0'; p++) {
		bool start = word_char((unsigned char)*p) && (p == name || !word_char((unsigned char)p[-1]));
		if (start && strncmp(p, w, n) == 0)
			return true;
	}
	return false;
}

bool hosts_match(const char *folded_name, const char *folded_query)
{
	const char *q = folded_query;
	bool any = false;

	while (*q != '\0') {
		size_t n;
		while (*q != '\0' && !word_char((unsigned char)*q))
			q++;
		for (n = 0; q[n] != '\0' && word_char((unsigned char)q[n]); n++)
			;
		if (n == 0)
			break;
		if (!word_starts(folded_name, q, n))
			return false;
		any = true;
		q += n;
	}
	return any;
}

struct found {
	struct host h;
	char key[HOSTS_TEXT_MAX * 2]; /* folded name, for the order */
	bool prefix;                  /* the name starts with the query */
};

static int found_order(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* adds one candidate to the growing array when it matches */
static int consider(struct found **all, size_t *n, size_t *cap, const struct host *h, const char *q)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	hosts_fold(h->name, f.key, sizeof(f.key));
	if (!hosts_match(f.key, q))
		return SEUIL_OK;
	f.h = *h;
	f.prefix = strncmp(f.key, q, strlen(q)) == 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct found *grown = realloc(*all, ncap * sizeof(**all));
		if (grown == NULL)
			return SEUIL_ERR_NOMEM;
		*all = grown;
		*cap = ncap;
	}
	(*all)[(*n)++] = f;
	return SEUIL_OK;
}

int hosts_search(struct store *st, const char *query, struct host *out, size_t max, size_t *n, size_t *total,
		 char *err, size_t errlen)
{
	static const char people[] =
		"SELECT p.id, p.name, coalesce(t.name, ''), coalesce(p.tenant_id, '') FROM people p"
		" LEFT JOIN tenants t ON t.id = p.tenant_id"
		" WHERE p.status = 'active' AND (t.id IS NULL OR t.status = 'active')";
	static const char tenants[] = "SELECT id, name FROM tenants WHERE status = 'active'";
	char q[HOSTS_QUERY_MAX * 2];
	struct found *all = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *stmt;
	struct host h;
	bool snap;
	int rc = SEUIL_OK, step = SQLITE_DONE;

	if (strlen(query) >= HOSTS_QUERY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "the search is longer than %d bytes",
			       HOSTS_QUERY_MAX - 1);
	hosts_fold(query, q, sizeof(q));
	snap = store_read_begin(st);
	for (int pass = 0; pass < 2 && rc == SEUIL_OK; pass++) {
		if ((stmt = store_stmt(st, pass == 0 ? people : tenants, err, errlen)) == NULL) {
			rc = SEUIL_ERR_DB;
			break;
		}
		while (rc == SEUIL_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
			memset(&h, 0, sizeof(h));
			h.person = pass == 0;
			store_column_copy(stmt, 0, h.id, sizeof(h.id));
			store_column_copy(stmt, 1, h.name, sizeof(h.name));
			if (pass == 0) {
				store_column_copy(stmt, 2, h.organisation, sizeof(h.organisation));
				store_column_copy(stmt, 3, h.tenant, sizeof(h.tenant));
			} else {
				snprintf(h.tenant, sizeof(h.tenant), "%s", h.id);
			}
			rc = consider(&all, &count, &cap, &h, q);
		}
		if (rc == SEUIL_OK && step != SQLITE_DONE)
			rc = store_db_error(st, "searching hosts", err, errlen);
		else if (rc == SEUIL_ERR_NOMEM)
			err_set(err, errlen, rc, "out of memory searching hosts");
		sqlite3_reset(stmt);
	}
	store_read_end(st, snap);
	if (rc == SEUIL_OK) {
		if (count > 1)
			qsort(all, count, sizeof(*all), found_order);
		for (size_t i = 0; i < count && i < max; i++)
			out[i] = all[i].h;
		*n = count < max ? count : max;
		if (total != NULL)
			*total = count;
	}
	free(all);
	return rc;
}

/* the host of an invitation row: columns person id, person name, tenant id, tenant name */
static void invite_host(sqlite3_stmt *stmt, int col, struct host *h)
{
	char person[HOSTS_ID_MAX];

	memset(h, 0, sizeof(*h));
	store_column_copy(stmt, col, person, sizeof(person));
	store_column_copy(stmt, col + 2, h->tenant, sizeof(h->tenant));
	if (person[0] != '\0') {
		h->person = true;
		snprintf(h->id, sizeof(h->id), "%s", person);
		store_column_copy(stmt, col + 1, h->name, sizeof(h->name));
		store_column_copy(stmt, col + 3, h->organisation, sizeof(h->organisation));
	} else {
		snprintf(h->id, sizeof(h->id), "%s", h->tenant);
		store_column_copy(stmt, col + 3, h->name, sizeof(h->name));
	}
}

int hosts_invites_today(struct store *st, int64_t now_ms, const char *query, struct host_invite *out, size_t max,
			size_t *n, char *err, size_t errlen)
{
	/* the host's tenant: the invitation's, else the person's */
	static const char sql[] =
		"SELECT i.id, i.name, coalesce(i.organisation, ''), coalesce(i.code, ''),"
		" coalesce(p.id, ''), coalesce(p.name, ''), coalesce(t.id, ''), coalesce(t.name, '')"
		" FROM invites i LEFT JOIN people p ON p.id = i.host_person_id"
		" LEFT JOIN tenants t ON t.id = coalesce(i.host_tenant_id, p.tenant_id)"
		" WHERE i.day = ?1 AND i.used_ms IS NULL AND (p.id IS NOT NULL OR t.id IS NOT NULL)"
		" ORDER BY i.name, i.id";
	const struct tz *zone;
	struct tz_local local;
	struct civil_date d;
	char day[16], q[HOSTS_QUERY_MAX * 2], folded[HOSTS_TEXT_MAX * 2], code[HOSTS_QUERY_MAX];
	struct host_invite inv;
	sqlite3_stmt *stmt;
	size_t count = 0, byname = 0;
	bool by_code = false;
	int rc, step;

	if (strlen(query) >= HOSTS_QUERY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "the search is longer than %d bytes",
			       HOSTS_QUERY_MAX - 1);
	if ((rc = store_site_zone(st, &zone, err, errlen)) != SEUIL_OK)
		return rc;
	tz_localtime(zone, now_ms / 1000, &local);
	d = civil_from_days(local.days);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", d.year, d.month, d.day);
	hosts_fold(query, q, sizeof(q));
	/* a code is typed in any case, with no spaces around it */
	{
		size_t k = 0;
		for (const char *p = query; *p != '\0' && k + 1 < sizeof(code); p++)
			if (*p != ' ')
				code[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		code[k] = '\0';
	}
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, day, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&inv, 0, sizeof(inv));
		store_column_copy(stmt, 0, inv.id, sizeof(inv.id));
		store_column_copy(stmt, 1, inv.name, sizeof(inv.name));
		store_column_copy(stmt, 2, inv.organisation, sizeof(inv.organisation));
		store_column_copy(stmt, 3, inv.code, sizeof(inv.code));
		invite_host(stmt, 4, &inv.host);
		if (code[0] != '\0' && strcmp(inv.code, code) == 0) {
			/* the code is the invitation: the only answer */
			if (max > 0)
				out[0] = inv;
			count = max > 0 ? 1 : 0;
			by_code = true;
			break;
		}
		hosts_fold(inv.name, folded, sizeof(folded));
		if (q[0] != '\0' && !hosts_match(folded, q))
			continue;
		if (byname < max)
			out[byname] = inv;
		byname++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = store_db_error(st, "reading today's invitations", err, errlen);
		sqlite3_reset(stmt);
		return rc;
	}
	sqlite3_reset(stmt);
	*n = by_code ? count : byname < max ? byname : max;
	return SEUIL_OK;
}

int hosts_tenant_name(struct store *st, const char *id, char *buf, size_t len, char *err, size_t errlen)
{
	static const char sql[] = "SELECT name FROM tenants WHERE id = ?1";
	sqlite3_stmt *stmt;
	int step;

	if (len > 0)
		buf[0] = '\0';
	if ((stmt = store_stmt(st, sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		store_column_copy(stmt, 0, buf, len);
	sqlite3_reset(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_db_error(st, "reading a tenant's name", err, errlen);
	return SEUIL_OK;
}
