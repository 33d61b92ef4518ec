/*
 * sync_outbox.c - the outbox as the office API sends it: batches of the
 * oldest unacknowledged events (POST /v1/events) and the acknowledgement
 * that moves the `outbox` view forward.  It deletes nothing: the outbox is
 * the journal's tail, and journal_purge() ends what retention ends.
 */
#include "sync_store.h"

#include "err.h"
#include "journal.h"
#include "log.h"
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a growing body; len excludes the NUL always kept at the end */
struct body {
	char *text;
	size_t len, cap;
};

static bool body_add(struct body *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *grown;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((grown = realloc(b->text, cap)) == NULL)
			return false;
		b->text = grown;
		b->cap = cap;
	}
	memcpy(b->text + b->len, s, n);
	b->len += n;
	b->text[b->len] = '\0';
	return true;
}

struct batch {
	struct body body;
	int max, count;
	int64_t first, last;
	int rc; /* an error inside the walk */
};

#define BATCH_FULL 1 /* stops journal_list(): not an error */

static int add_event(const struct journal_event *ev, void *ctx)
{
	struct batch *b = ctx;
	char *line;
	size_t n;

	if (b->count == b->max)
		return BATCH_FULL;
	if ((line = journal_event_json(ev)) == NULL) {
		b->rc = SEUIL_ERR_NOMEM;
		return SEUIL_ERR_NOMEM;
	}
	n = strlen(line);
	/* room for this line, its comma and the closing "]}" */
	if (b->count > 0 && b->body.len + n + 3 > SYNC_REQUEST_MAX) {
		free(line);
		return BATCH_FULL;
	}
	if ((b->count > 0 && !body_add(&b->body, ",", 1)) || !body_add(&b->body, line, n)) {
		free(line);
		b->rc = SEUIL_ERR_NOMEM;
		return SEUIL_ERR_NOMEM;
	}
	free(line);
	if (b->count == 0)
		b->first = ev->seq;
	b->last = ev->seq;
	b->count++;
	return 0;
}

static int64_t state_int(struct store *st, const char *key)
{
	char text[32], *end;
	long long v;

	if (sync_state_get(st, key, text, sizeof(text)) != SEUIL_OK)
		return 0;
	errno = 0;
	v = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && text[0] != '\0' ? v : 0;
}

#define SEQ_LIMIT 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */

/* one whole number from a query with ?1 bound to arg */
static int query_int(struct store *st, const char *sql, int64_t arg, int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, arg);
	rc = sqlite3_step(stmt);
	*out = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? SEUIL_OK : store_db_error(st, "reading the journal", err, errlen);
}

/* the oldest sequence of this journal the kiosk can still send, or 0 when
 * none: below "journal_floor" (sync_outbox_renumber()) lie the office's
 * events of an earlier journal of the device */
static int oldest_held(struct store *st, int64_t *oldest, char *err, size_t errlen)
{
	static const char sql[] = "SELECT coalesce(min(seq), 0) FROM events WHERE seq > ?1";

	return query_int(st, sql, state_int(st, "journal_floor"), oldest, err, errlen);
}

/* the envelope's opening: {"device":"...","oldest":N,"events":[ */
static bool open_envelope(struct body *b, const char *device, int64_t oldest)
{
	json_t *s = json_string(device);
	char *quoted = s != NULL ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	char held[48];
	bool ok;

	/* what lies below "oldest" is gone from this kiosk: an office that lost
	 * it (restored from an old backup) can stop waiting for it */
	snprintf(held, sizeof(held), ",\"oldest\":%" PRId64, oldest);
	ok = quoted != NULL && body_add(b, "{\"device\":", 10) && body_add(b, quoted, strlen(quoted)) &&
	     (oldest < 1 || body_add(b, held, strlen(held))) && body_add(b, ",\"events\":[", 11);
	free(quoted);
	json_decref(s);
	return ok;
}

int sync_outbox_batch(struct store *st, const char *device, int max, char **body_out, int64_t *first,
		      int64_t *last, int *count, char *err, size_t errlen)
{
	struct batch b;
	char dev[64];
	int64_t oldest = 0, acked = 0;
	bool snapshot;
	int rc;

	if (max < 1 || max > SYNC_BATCH_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "a batch holds 1 to %d events", SYNC_BATCH_MAX);
	memset(&b, 0, sizeof(b));
	b.max = max;
	snapshot = store_read_begin(st); /* one view of acked_seq and the events after it */
	if (device == NULL || device[0] == '\0') {
		store_setting_get(st, "device_id", "kiosk-1", dev, sizeof(dev));
		device = dev;
	}
	if ((rc = oldest_held(st, &oldest, err, errlen)) != SEUIL_OK)
		goto done;
	if (!open_envelope(&b.body, device, oldest)) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory building a batch");
		goto done;
	}
	acked = state_int(st, "acked_seq");
	rc = journal_list(st, acked, add_event, &b, err, errlen);
	if (rc == BATCH_FULL)
		rc = SEUIL_OK;
	if (b.rc != SEUIL_OK)
		rc = err_set(err, errlen, b.rc, "out of memory building a batch");
	if (rc == SEUIL_OK && !body_add(&b.body, "]}", 2))
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory building a batch");
done:
	store_read_end(st, snapshot);
	if (rc != SEUIL_OK) {
		free(b.body.text);
		return rc;
	}
	if (b.count == 0) {
		b.first = acked + 1;
		b.last = acked;
	}
	*body_out = b.body.text;
	*first = b.first;
	*last = b.last;
	*count = b.count;
	return SEUIL_OK;
}

/* sync_outbox_renumber() inside the caller's transaction */
static int renumber_locked(struct store *st, int64_t after, int64_t *moved, char *err, size_t errlen)
{
	static const char count_sql[] = "SELECT count(*) FROM events WHERE seq > ?1";
	static const char first_sql[] = "SELECT coalesce(min(seq), 0) FROM events WHERE seq > ?1";
	/* through negative numbers: the old and new ranges may overlap */
	static const char away_sql[] = "UPDATE events SET seq = -seq WHERE seq > ?1";
	static const char back_sql[] = "UPDATE events SET seq = ?1 - seq WHERE seq < 0";
	static const char floor_sql[] =
		"INSERT INTO settings(key, value) VALUES ('seq_floor', ?1) ON CONFLICT(key) DO UPDATE"
		" SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))";
	int64_t current = state_int(st, "acked_seq"), count, first;
	sqlite3_stmt *stmt;
	char text[32];
	int rc;

	if ((rc = query_int(st, count_sql, current, &count, err, errlen)) != SEUIL_OK ||
	    (rc = query_int(st, first_sql, current, &first, err, errlen)) != SEUIL_OK)
		return rc;
	if (after <= current || after > SEQ_LIMIT - count - 1 || (count > 0 && after < first))
		return err_set(err, errlen, SEUIL_ERR_NETWORK,
			       "the office holds events of this device up to %" PRId64
			       ", which this journal (acknowledged up to %" PRId64 ") cannot follow",
			       after, current);
	if (count > 0) {
		const char *steps[2] = { away_sql, back_sql };
		int64_t args[2] = { current, after + 1 - first };
		for (int i = 0; i < 2; i++) {
			if ((stmt = store_stmt(st, steps[i], err, errlen)) == NULL)
				return SEUIL_ERR_DB;
			sqlite3_bind_int64(stmt, 1, i == 0 ? args[0] : args[1]);
			rc = sqlite3_step(stmt);
			sqlite3_reset(stmt);
			if (rc != SQLITE_DONE)
				return store_db_error(st, "numbering the journal again", err, errlen);
		}
	}
	/* back_sql gave seq = shift - (-seq) = seq + shift */
	if ((stmt = store_stmt(st, floor_sql, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_int64(stmt, 1, after);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "numbering the journal again", err, errlen);
	snprintf(text, sizeof(text), "%" PRId64, after);
	if ((rc = sync_state_set(st, "acked_seq", text, err, errlen)) != SEUIL_OK ||
	    (rc = sync_state_set(st, "journal_floor", text, err, errlen)) != SEUIL_OK)
		return rc;
	log_warn("the office holds events of this device up to %" PRId64 " from another journal (re-initialised or"
		 " restored kiosk?): %" PRId64 " unsent events numbered again from %" PRId64,
		 after, count, after + 1);
	*moved = count;
	return SEUIL_OK;
}

int sync_outbox_renumber(struct store *st, int64_t office_newest, int64_t *moved, char *err, size_t errlen)
{
	int64_t n = 0;
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	if ((rc = renumber_locked(st, office_newest, &n, err, errlen)) != SEUIL_OK) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (moved != NULL)
		*moved = n;
	return SEUIL_OK;
}

int sync_outbox_ack(struct store *st, int64_t acked_seq, int64_t *stored, char *err, size_t errlen)
{
	/* the newest sequence ever given: the journal's, or the floor a purge left */
	static const char newest_sql[] =
		"SELECT max(coalesce((SELECT max(seq) FROM events), 0),"
		" coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'seq_floor'), 0))";
	char text[32];
	sqlite3_stmt *stmt;
	int64_t current, newest, oldest, back;
	bool known;
	int rc;

	if (acked_seq < 0)
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "the office acknowledged a negative sequence");
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	known = sync_state_get(st, "acked_seq", text, sizeof(text)) == SEUIL_OK;
	current = state_int(st, "acked_seq");
	if ((stmt = store_stmt(st, newest_sql, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	rc = sqlite3_step(stmt);
	newest = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		rc = store_db_error(st, "reading the journal", err, errlen);
		goto fail;
	}
	if (acked_seq > newest) {
		/* an office's mistake, or an earlier journal of this device (a
		 * re-initialised kiosk): the next batch with events tells, by a 409
		 * the kiosk renumbers on (sync_outbox_renumber()); nothing moves here */
		rc = err_set(err, errlen, SEUIL_ERR_NETWORK,
			     "the office acknowledged sequence %" PRId64 " but the newest event is %" PRId64
			     ": kept %" PRId64 " (another device's acknowledgement, or an earlier journal of this"
			     " device?)",
			     acked_seq, newest, current);
		goto fail;
	}
	/* an office acknowledges less than before only when it lost what it had
	 * stored (restored from a backup): what the journal still holds after its
	 * acknowledgement is sent again; the office stores each event once */
	if (known && acked_seq < current) {
		if ((rc = oldest_held(st, &oldest, err, errlen)) != SEUIL_OK)
			goto fail;
		back = oldest > 0 && oldest - 1 > acked_seq ? oldest - 1 : acked_seq;
		if (back < current) {
			log_warn("the office acknowledged sequence %" PRId64 ", below the %" PRId64
				 " it had acknowledged (restored from a backup?): sending again from %" PRId64,
				 acked_seq, current, back + 1);
			current = back;
			known = false;
		}
	}
	/* the first acknowledgement is stored even when 0: it says an office syncs (journal_purge()) */
	if (acked_seq > current || !known) {
		if (acked_seq > current)
			current = acked_seq;
		snprintf(text, sizeof(text), "%" PRId64, current);
		if ((rc = sync_state_set(st, "acked_seq", text, err, errlen)) != SEUIL_OK)
			goto fail;
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	if (stored != NULL)
		*stored = current;
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}

int sync_outbox_state(struct store *st, int64_t *acked_seq, int64_t *pending, char *err, size_t errlen)
{
	static const char sql[] = "SELECT count(*) FROM outbox";
	bool snapshot = store_read_begin(st);
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int64_t acked = state_int(st, "acked_seq"), n = 0;
	int rc = SEUIL_ERR_DB;

	if (stmt != NULL) {
		rc = sqlite3_step(stmt);
		n = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		rc = rc == SQLITE_ROW ? SEUIL_OK : store_db_error(st, "counting the outbox", err, errlen);
	}
	store_read_end(st, snapshot);
	if (rc == SEUIL_OK) {
		*acked_seq = acked;
		*pending = n;
	}
	return rc;
}
