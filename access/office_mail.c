/*
 * office_mail.c - the e-mail that tells a host their visitor has arrived:
 * written (in French) when a check-in reaches the office, kept in
 * office_mail until sent, retried with a backoff, and turned into an
 * RFC 5322 message for the sender.  Sending it (SMTP) is seuil-office's
 * mailer, in sync/office/; this file never touches the network.
 *
 * The message names the visitor, their organisation, the purpose, the time
 * in the site's zone and the door; never a badge or its hash.
 */
#include "office_store.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"
#include "tz.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_MAX 200 /* bytes of a name or organisation in the message */
#define PURPOSE_MAX 600

/* copies src into dst (size len) with control characters as spaces, cut on a UTF-8 boundary */
static void clean_copy(char *dst, size_t len, const char *src, size_t max)
{
	size_t n = 0;

	if (src == NULL)
		src = "";
	if (max > len - 1)
		max = len - 1;
	while (src[n] != '\0' && n < max)
		n++;
	while (n > 0 && n < strlen(src) && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--; /* do not split a character */
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? ' ' : src[i];
	dst[n] = '\0';
}

static const char *detail_text(json_t *detail, const char *key)
{
	json_t *v = json_object_get(detail, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "vendredi 27 novembre 2026 à 09:03" in the site's zone (Europe/Paris without a site) */
static void french_time(struct store *st, const char *at, char *buf, size_t len)
{
	static const char *const days[7] = { "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche" };
	static const char *const months[12] = { "janvier", "février", "mars",      "avril",   "mai",      "juin",
						"juillet", "août",    "septembre", "octobre", "novembre", "décembre" };
	const struct tz *zone = NULL;
	struct tz *paris = NULL;
	struct tz_local l;
	int64_t s;

	snprintf(buf, len, "%s", at);
	if (!civil_parse_instant(at, &s, NULL))
		return;
	if (store_site_zone(st, &zone, NULL, 0) != SEUIL_OK) {
		if (tz_load("Europe/Paris", &paris, NULL, 0) != SEUIL_OK)
			return;
		zone = paris;
	}
	tz_localtime(zone, s, &l);
	snprintf(buf, len, "%s %d %s %d à %02d:%02d", days[l.weekday % 7], l.day, months[(l.month + 11) % 12],
		 l.year, l.minute / 60, l.minute % 60);
	tz_free(paris);
}

/* the text of column 0 of sql bound to arg, into buf ("" when no row) */
static int lookup(struct store *st, const char *sql, const char *arg, char *buf, size_t len, char *err,
		  size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	buf[0] = '\0';
	if (stmt == NULL)
		return SEUIL_ERR_DB;
	if (arg != NULL)
		sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, buf, len);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "reading the directory", err, errlen);
}

int office_mail_queue_checkin(struct store *st, const char *device, int64_t seq, const char *at,
			      const char *door, const char *person, const char *detail, int64_t now_ms,
			      char *err, size_t errlen)
{
	static const char email_sql[] = "SELECT email FROM people WHERE id = ?1";
	static const char name_sql[] = "SELECT name FROM people WHERE id = ?1";
	static const char door_sql[] = "SELECT name FROM doors WHERE id = ?1";
	static const char site_sql[] = "SELECT name FROM sites WHERE id = 1";
	static const char ins[] = "INSERT OR IGNORE INTO office_mail(device, seq, rcpt, subject, body, created_ms,"
				  " next_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
	char rcpt[256], host_name[FIELD_MAX + 1], door_name[FIELD_MAX + 1], site[FIELD_MAX + 1];
	char name[FIELD_MAX + 1], org[FIELD_MAX + 1], purpose[PURPOSE_MAX + 1], when[96];
	char subject[512], body[4096];
	json_t *d = detail != NULL ? json_loads(detail, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *host;
	sqlite3_stmt *stmt;
	int rc;

	if (!json_is_object(d) || detail_text(d, "name") == NULL) {
		json_decref(d);
		return SEUIL_OK; /* not a check-in this Seuil understands: stored, nobody told */
	}
	host = detail_text(d, "host") != NULL ? detail_text(d, "host") : person;
	clean_copy(name, sizeof(name), detail_text(d, "name"), FIELD_MAX);
	clean_copy(org, sizeof(org), detail_text(d, "organisation"), FIELD_MAX);
	clean_copy(purpose, sizeof(purpose), detail_text(d, "purpose"), PURPOSE_MAX);
	rc = host == NULL ? SEUIL_OK : lookup(st, email_sql, host, rcpt, sizeof(rcpt), err, errlen);
	if (rc == SEUIL_OK && host != NULL && rcpt[0] != '\0')
		rc = lookup(st, name_sql, host, host_name, sizeof(host_name), err, errlen);
	json_decref(d);
	if (rc != SEUIL_OK || host == NULL || rcpt[0] == '\0')
		return rc; /* a host without an address is not told by e-mail */
	if ((rc = lookup(st, door_sql, door != NULL ? door : "", door_name, sizeof(door_name), err, errlen)) != SEUIL_OK ||
	    (rc = lookup(st, site_sql, NULL, site, sizeof(site), err, errlen)) != SEUIL_OK)
		return rc;
	if (door_name[0] == '\0')
		clean_copy(door_name, sizeof(door_name), door != NULL ? door : device, FIELD_MAX);
	french_time(st, at, when, sizeof(when));
	snprintf(subject, sizeof(subject), "Votre visiteur est arrivé : %s", name);
	snprintf(body, sizeof(body),
		 "Bonjour %s,\n\n"
		 "Votre visiteur est arrivé et vous attend à l'accueil.\n\n"
		 "  Visiteur : %s\n"
		 "  Organisation : %s\n"
		 "  Objet de la visite : %s\n"
		 "  Arrivée : %s\n"
		 "  Porte : %s\n\n"
		 "Ce message est envoyé automatiquement par l'accueil%s%s (Seuil) ;\n"
		 "il est inutile d'y répondre.\n",
		 host_name, name, org[0] ? org : "(non précisée)", purpose[0] ? purpose : "(non précisé)", when,
		 door_name, site[0] ? " du " : "", site);
	if ((stmt = store_stmt(st, ins, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, seq);
	sqlite3_bind_text(stmt, 3, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "queueing an e-mail", err, errlen);
}

int office_mail_next(struct store *st, int64_t now_ms, struct office_mail *out, char *err, size_t errlen)
{
	static const char sql[] = "SELECT id, attempts, created_ms, rcpt, subject, body FROM office_mail"
				  " WHERE next_ms IS NOT NULL AND next_ms <= ?1 ORDER BY next_ms, id LIMIT 1";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, now_ms);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(stmt, 0);
		out->attempts = sqlite3_column_int(stmt, 1);
		out->created_ms = sqlite3_column_int64(stmt, 2);
		store_column_copy(stmt, 3, out->rcpt, sizeof(out->rcpt));
		store_column_copy(stmt, 4, out->subject, sizeof(out->subject));
		store_column_copy(stmt, 5, out->body, sizeof(out->body));
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return SEUIL_ERR_NOT_FOUND;
	return rc == SQLITE_ROW ? SEUIL_OK : store_db_error(st, "reading the e-mail queue", err, errlen);
}

int office_mail_done(struct store *st, int64_t id, int sent, const char *error, int64_t now_ms, char *err,
		     size_t errlen)
{
	static const char ok[] = "UPDATE office_mail SET sent_ms = ?2, next_ms = NULL, last_error = NULL WHERE id = ?1";
	/* 1 min, 2, 4 ... at most an hour between attempts; then given up */
	static const char failed[] =
		"UPDATE office_mail SET attempts = attempts + 1, last_error = ?3,"
		" next_ms = iif(attempts + 1 >= ?4, NULL, ?2 + min(3600000, 60000 << min(attempts, 6)))"
		" WHERE id = ?1";
	sqlite3_stmt *stmt = store_stmt(st, sent ? ok : failed, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now_ms);
	if (!sent) {
		sqlite3_bind_text(stmt, 3, error != NULL ? error : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 4, OFFICE_MAIL_ATTEMPTS_MAX);
	}
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? SEUIL_OK : store_db_error(st, "recording an e-mail", err, errlen);
}

/* a growing message buffer; on allocation failure it stays failed */
struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *grown = realloc(t->s, cap);
		if (grown == NULL) {
			t->failed = true;
			return;
		}
		t->s = grown;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void text_base64(struct text *t, const unsigned char *bin, size_t n)
{
	char b64[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), bin, n, sodium_base64_VARIANT_ORIGINAL);
	text_str(t, b64);
}

/* Subject as RFC 2047 encoded words of at most 45 bytes each, cut between characters */
static void text_subject(struct text *t, const char *subject)
{
	size_t len = strlen(subject), at = 0;

	text_str(t, "Subject:");
	while (at < len) {
		size_t n = len - at > 45 ? 45 : len - at;
		while (n > 1 && at + n < len && ((unsigned char)subject[at + n] & 0xc0) == 0x80)
			n--;
		text_str(t, " =?UTF-8?B?");
		text_base64(t, (const unsigned char *)subject + at, n);
		text_str(t, "?=\r\n");
		at += n;
	}
	if (len == 0)
		text_str(t, "\r\n");
}

static bool header_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x21 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return false;
	}
	return s[0] != '\0' && strchr(s, '@') != NULL;
}

int office_mail_message(const struct office_mail *m, const char *from, char **out, size_t *len, char *err,
			size_t errlen)
{
	static const char *const wday[7] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct text t = { NULL, 0, 0, false };
	struct text body = { NULL, 0, 0, false };
	int64_t s = m->created_ms / 1000, days = s / 86400;
	struct civil_date d = civil_from_days(days);
	char line[512];

	if (!header_safe(from) || !header_safe(m->rcpt))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "mail %lld: an address is not a plain e-mail address",
			       (long long)m->id);
	/* the text body with CRLF line ends, then in base64 lines of 76 characters */
	for (const char *p = m->body; *p != '\0'; p++) {
		if (*p == '\n')
			text_add(&body, "\r\n", 2);
		else
			text_add(&body, p, 1);
	}
	snprintf(line, sizeof(line), "From: %s\r\nTo: %s\r\n", from, m->rcpt);
	text_str(&t, line);
	text_subject(&t, m->subject);
	snprintf(line, sizeof(line), "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wday[((days % 7) + 7) % 7],
		 d.day, mon[(d.month + 11) % 12], d.year, (int)(s % 86400 / 3600), (int)(s % 3600 / 60),
		 (int)(s % 60));
	text_str(&t, line);
	snprintf(line, sizeof(line), "Message-ID: <seuil-office.%lld.%lld@%s>\r\n", (long long)m->id,
		 (long long)m->created_ms, strchr(from, '@') + 1);
	text_str(&t, line);
	text_str(&t, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	for (size_t at = 0; !body.failed && at < body.len; at += 57) {
		text_base64(&t, (const unsigned char *)body.s + at, body.len - at > 57 ? 57 : body.len - at);
		text_str(&t, "\r\n");
	}
	free(body.s);
	if (t.failed || body.failed || t.s == NULL) {
		free(t.s);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory writing an e-mail");
	}
	*out = t.s;
	*len = t.len;
	return SEUIL_OK;
}
