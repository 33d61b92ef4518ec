/*
 * sync_commands.c - executing the office's commands (GET /v1/commands) on
 * the kiosk, each at most once ever: the command, its journal event and
 * the record that it ran (sync_state "command:ID@ISSUED_MS") are one
 * transaction.  A command is known by its id and its issued time together:
 * an office restored from a backup, or a new office database, issues its
 * ids again, but not at the same millisecond.
 * It moves no door itself: unlock_for becomes a request row that the door
 * process acts on (requests.h).
 */
#include "sync_store.h"

#include "err.h"
#include "journal.h"
#include "requests.h"
#include "store_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNLOCK_FOR_MAX_S 43200
/* an unlock asked for now, not for whenever the kiosk next reaches the
 * office: older than this (kiosk offline, clocks apart) it is refused */
#define UNLOCK_FOR_LATE_MS (10 * 60 * 1000)

enum outcome { RAN, REFUSED };

/* "0".."43200" in decimal, nothing else; -1 when not */
static long unlock_seconds(const char *arg)
{
	long v = 0;
	size_t n = strlen(arg);

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (arg[i] < '0' || arg[i] > '9')
			return -1;
		v = v * 10 + (arg[i] - '0');
	}
	return v <= UNLOCK_FOR_MAX_S ? v : -1;
}

/* what the office sent, for the journal: one line, never longer than it was */
static void printable(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	for (char *p = out; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
}

/* journals kind "command" with {"id":..,"command":..,"arg":..} */
static int journal_command(struct store *st, const struct sync_command *c, const char *reason,
			   int64_t now_ms, char *err, size_t errlen)
{
	struct journal_event ev;
	char command[sizeof(c->command)], arg[sizeof(c->arg)];
	json_t *detail;
	char *text;
	int rc;

	printable(c->command, command, sizeof(command));
	printable(c->arg, arg, sizeof(arg));
	detail = json_pack("{sI ss ss}", "id", (json_int_t)c->id, "command", command, "arg", arg);
	text = detail != NULL ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(detail);
	if (text == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory journaling a command");
	journal_event_init(&ev, "command", now_ms);
	snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
	snprintf(ev.detail, sizeof(ev.detail), "%s", text); /* at most ~250 bytes: fits */
	free(text);
	rc = journal_append_locked(st, &ev, NULL, err, errlen);
	return rc;
}

/* runs c inside the caller's transaction; *outcome says how it ended */
static int execute(struct store *st, const struct sync_command *c, int64_t now_ms, bool *sync_now,
		   enum outcome *outcome, char *err, size_t errlen)
{
	long seconds;
	int rc;

	*outcome = REFUSED;
	if (c->too_long)
		return journal_command(st, c, "refused", now_ms, err, errlen);
	if (strcmp(c->command, "lockdown") == 0 &&
	    (strcmp(c->arg, "on") == 0 || strcmp(c->arg, "off") == 0)) {
		/* inside this transaction, with the record that it ran */
		*outcome = RAN;
		return journal_set_lockdown_locked(st, strcmp(c->arg, "on") == 0, "office", now_ms, err, errlen);
	}
	if (strcmp(c->command, "unlock_for") == 0 &&
	    (c->issued_ms < 0 || (c->issued_ms > 0 && now_ms - c->issued_ms > UNLOCK_FOR_LATE_MS)))
		return journal_command(st, c, c->issued_ms < 0 ? "refused" : "expired", now_ms, err, errlen);
	if (strcmp(c->command, "unlock_for") == 0 && (seconds = unlock_seconds(c->arg)) >= 0) {
		char body[8];
		snprintf(body, sizeof(body), "%ld", seconds);
		if ((rc = request_add(st, "unlock_for", body, now_ms, NULL, err, errlen)) != SEUIL_OK)
			return rc;
		*outcome = RAN;
		return journal_command(st, c, "executed", now_ms, err, errlen);
	}
	if (strcmp(c->command, "sync_now") == 0) {
		*sync_now = true;
		*outcome = RAN;
		return journal_command(st, c, "executed", now_ms, err, errlen);
	}
	return journal_command(st, c, "refused", now_ms, err, errlen);
}

/*
 * Whether c ran before, and the key that records it: "command:ID@ISSUED_MS",
 * or "command:ID" when the office gave no readable issued time.  A record
 * "command:ID" of a kiosk of before the issued times counts for a command
 * issued before that record was written (the same command, sent again);
 * one issued after it is another command reusing the id.
 */
static int ran_before(struct store *st, const struct sync_command *c, char *key, size_t keylen, bool *ran,
		      char *err, size_t errlen)
{
	char legacy[40], when[24];
	int rc;

	snprintf(legacy, sizeof(legacy), "command:%" PRId64, c->id);
	if (c->issued_ms > 0)
		snprintf(key, keylen, "command:%" PRId64 "@%" PRId64, c->id, c->issued_ms);
	else
		snprintf(key, keylen, "%s", legacy);
	*ran = false;
	rc = sync_state_get(st, key, when, sizeof(when));
	if (rc == SEUIL_ERR_NOT_FOUND && c->issued_ms > 0) {
		rc = sync_state_get(st, legacy, when, sizeof(when));
		if (rc == SEUIL_OK && c->issued_ms > strtoll(when, NULL, 10))
			rc = SEUIL_ERR_NOT_FOUND;
	}
	if (rc == SEUIL_OK)
		*ran = true;
	else if (rc != SEUIL_ERR_NOT_FOUND)
		return store_db_error(st, "reading executed commands", err, errlen);
	return SEUIL_OK;
}

/* one command in one transaction; counted as repeated when it ran before */
static int run_once(struct store *st, const struct sync_command *c, int64_t now_ms,
		    struct sync_commands_result *r, char *err, size_t errlen)
{
	char key[64], when[24];
	enum outcome outcome;
	bool sync_now = false, ran;
	int rc = store_begin(st, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	if ((rc = ran_before(st, c, key, sizeof(key), &ran, err, errlen)) != SEUIL_OK)
		goto fail;
	if (ran) {
		store_rollback(st); /* nothing written */
		r->repeated++;
		return SEUIL_OK;
	}
	snprintf(when, sizeof(when), "%" PRId64, now_ms);
	if ((rc = execute(st, c, now_ms, &sync_now, &outcome, err, errlen)) != SEUIL_OK ||
	    (rc = sync_state_set(st, key, when, err, errlen)) != SEUIL_OK ||
	    (rc = store_commit(st, err, errlen)) != SEUIL_OK)
		goto fail;
	if (outcome == RAN)
		r->executed++;
	else
		r->refused++;
	r->sync_now = r->sync_now || sync_now;
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}

int sync_apply_commands(struct store *st, const char *body, size_t len, int64_t now_ms,
			struct sync_commands_result *out, char *err, size_t errlen)
{
	struct sync_command_list list;
	struct sync_commands_result r;
	int rc = sync_parse_commands(body, len, &list, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	if (list.count > 0 && (r.ids = calloc(list.count, sizeof(*r.ids))) == NULL) {
		sync_command_list_release(&list);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < list.count; i++) {
		if ((rc = run_once(st, &list.items[i], now_ms, &r, err, errlen)) != SEUIL_OK)
			break;
		r.ids[r.nids++] = list.items[i].id;
	}
	sync_command_list_release(&list);
	if (rc != SEUIL_OK) {
		free(r.ids);
		return rc;
	}
	*out = r;
	return SEUIL_OK;
}

void sync_commands_result_release(struct sync_commands_result *r)
{
	if (r == NULL)
		return;
	free(r->ids);
	r->ids = NULL;
	r->nids = 0;
}

char *sync_commands_ack_body(struct store *st, const char *device, const int64_t *ids, size_t n)
{
	json_t *root, *arr;
	char dev[64], *text = NULL;
	int rc = 0;

	if (device == NULL || device[0] == '\0') {
		store_setting_get(st, "device_id", "kiosk-1", dev, sizeof(dev));
		device = dev;
	}
	root = json_object();
	arr = json_array();
	if (root == NULL || arr == NULL) {
		json_decref(root);
		json_decref(arr);
		return NULL;
	}
	rc |= json_object_set_new(root, "device", json_string(device));
	rc |= json_object_set_new(root, "ids", arr);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc |= json_array_append_new(arr, json_integer(ids[i]));
	if (rc == 0)
		text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
