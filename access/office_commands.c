/*
 * office_commands.c - what the office asks of a kiosk (sync_now, lockdown,
 * unlock_for), queued until the kiosk acknowledges it, and the invitations
 * staff write for expected visitors.  Both are checked here, where they
 * are stored; the command line only passes them on.
 */
#include "office_store.h"
#include "office_int.h"

#include "civil.h"
#include "err.h"
#include "store_int.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_id(const char *id, const char *what, char *err, size_t errlen)
{
	if (id == NULL || id[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: missing", what);
	if (strlen(id) > 63)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: longer than 63 bytes", what);
	for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: \"%s\" contains a space or a control character",
				       what, id);
	}
	return SEUIL_OK;
}

/* the argument as stored, or an error saying what the command takes */
static int check_command(const char *command, const char *arg, char *canon, size_t len, char *err, size_t errlen)
{
	char *end;
	long v;

	if (arg == NULL)
		arg = "";
	if (strcmp(command, "sync_now") == 0) {
		if (arg[0] != '\0')
			return err_set(err, errlen, SEUIL_ERR_INVALID, "sync_now takes no argument");
		snprintf(canon, len, "%s", "");
		return SEUIL_OK;
	}
	if (strcmp(command, "lockdown") == 0) {
		if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "lockdown takes on or off");
		snprintf(canon, len, "%s", arg);
		return SEUIL_OK;
	}
	if (strcmp(command, "unlock_for") == 0) {
		errno = 0;
		v = strtol(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 || v < 0 || v > OFFICE_UNLOCK_MAX_S)
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "unlock_for takes seconds from 0 (end it) to %d", OFFICE_UNLOCK_MAX_S);
		snprintf(canon, len, "%ld", v);
		return SEUIL_OK;
	}
	return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown command \"%.40s\" (sync_now, lockdown, unlock_for)",
		       command);
}

int office_command_add(struct store *st, const char *device, const char *command, const char *arg,
		       int64_t now_ms, int64_t *id, char *err, size_t errlen)
{
	static const char ins[] = "INSERT INTO office_commands(device, command, arg, issued_ms) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *stmt;
	char canon[16];
	int rc;

	if ((rc = check_id(device, "device", err, errlen)) != SEUIL_OK ||
	    (rc = check_command(command != NULL ? command : "", arg, canon, sizeof(canon), err, errlen)) != SEUIL_OK)
		return rc;
	if ((stmt = store_stmt(st, ins, err, errlen)) == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, canon, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, now_ms);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_db_error(st, "queueing a command", err, errlen);
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return SEUIL_OK;
}

int office_commands_json(struct store *st, const char *device, char **body, size_t *len, char *err,
			 size_t errlen)
{
	static const char sql[] = "SELECT id, command, arg, issued_ms FROM office_commands"
				  " WHERE device = ?1 AND acked_ms IS NULL ORDER BY id LIMIT ?2";
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	json_t *root = json_object(), *list = json_array(), *c;
	char second[21], issued[32], *text = NULL;
	int rc = SQLITE_DONE, bad = root == NULL || list == NULL || json_object_set(root, "commands", list) != 0;

	if (stmt == NULL) {
		json_decref(root);
		json_decref(list);
		return SEUIL_ERR_DB;
	}
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, OFFICE_COMMANDS_REPLY_MAX);
	while (!bad && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t ms = sqlite3_column_int64(stmt, 3);
		/* to the millisecond: with the id, what names the command on the kiosk */
		if (ms < 0)
			ms = 0;
		civil_format_instant(ms / 1000, second);
		second[19] = '\0';
		snprintf(issued, sizeof(issued), "%s.%03dZ", second, (int)(ms % 1000));
		c = json_pack("{sIssssss}", "id", (json_int_t)sqlite3_column_int64(stmt, 0), "command",
			      (const char *)sqlite3_column_text(stmt, 1), "arg",
			      (const char *)sqlite3_column_text(stmt, 2), "issued", issued);
		bad = json_array_append_new(list, c) != 0;
	}
	sqlite3_reset(stmt);
	if (!bad && rc != SQLITE_DONE)
		rc = store_db_error(st, "reading the commands", err, errlen);
	else if (bad || (text = json_dumps(root, JSON_COMPACT)) == NULL)
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory listing the commands");
	else
		rc = SEUIL_OK;
	json_decref(list);
	json_decref(root);
	if (rc != SEUIL_OK)
		return rc;
	*body = text;
	*len = strlen(text);
	return SEUIL_OK;
}

static int parse_ack(const char *device, const char *body, size_t len, json_t **root, json_t **ids, char *err,
		     size_t errlen)
{
	json_t *v;
	size_t i;
	int rc = office_body_load(device, body, len, "an acknowledgement", root, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	*ids = json_object_get(*root, "ids");
	if (!json_is_array(*ids))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.ids: must be an array");
	if (json_array_size(*ids) > OFFICE_ACK_IDS_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.ids: more than %d ids", OFFICE_ACK_IDS_MAX);
	json_array_foreach(*ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "$.ids[%zu]: must be a command id (a whole number)", i);
	}
	return SEUIL_OK;
}

int office_commands_ack(struct store *st, const char *device, const char *body, size_t len, int64_t now_ms,
			int64_t *acked, char *err, size_t errlen)
{
	static const char ack[] =
		"UPDATE office_commands SET acked_ms = coalesce(acked_ms, ?3) WHERE id = ?1 AND device = ?2";
	json_t *root = NULL, *ids = NULL, *v;
	sqlite3_stmt *stmt;
	int64_t count = 0;
	size_t i;
	int rc = parse_ack(device, body, len, &root, &ids, err, errlen);

	if (rc == SEUIL_OK && (rc = store_begin(st, err, errlen)) == SEUIL_OK) {
		json_array_foreach(ids, i, v) {
			if ((stmt = store_stmt(st, ack, err, errlen)) == NULL) {
				rc = SEUIL_ERR_DB;
				break;
			}
			sqlite3_bind_int64(stmt, 1, json_integer_value(v));
			sqlite3_bind_text(stmt, 2, device, -1, SQLITE_STATIC);
			sqlite3_bind_int64(stmt, 3, now_ms);
			rc = sqlite3_step(stmt);
			sqlite3_reset(stmt);
			if (rc != SQLITE_DONE) {
				rc = store_db_error(st, "acknowledging a command", err, errlen);
				break;
			}
			rc = SEUIL_OK;
			count += sqlite3_changes(st->db);
		}
		if (rc == SEUIL_OK)
			rc = office_device_touch(st, device, now_ms, -1, err, errlen);
		if (rc == SEUIL_OK)
			rc = store_commit(st, err, errlen);
		else
			store_rollback(st);
	}
	json_decref(root);
	if (rc == SEUIL_OK && acked != NULL)
		*acked = count;
	return rc;
}

static int exists(struct store *st, const char *sql, const char *a, const char *b, bool *yes, char *err,
		  size_t errlen)
{
	sqlite3_stmt *stmt = store_stmt(st, sql, err, errlen);
	int rc;

	if (stmt == NULL)
		return SEUIL_ERR_DB;
	sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(st, "reading the directory", err, errlen);
	*yes = rc == SQLITE_ROW;
	return SEUIL_OK;
}

static int check_text(const char *text, const char *what, bool required, char *err, size_t errlen)
{
	if (text == NULL || text[0] == '\0')
		return required ? err_set(err, errlen, SEUIL_ERR_INVALID, "%s: missing", what) : SEUIL_OK;
	if (strlen(text) > 159)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: longer than 159 bytes", what);
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: contains a control character", what);
	}
	return SEUIL_OK;
}

static int check_invite(struct store *st, const struct office_invite *inv, char *err, size_t errlen)
{
	struct civil_date d;
	bool found;
	int rc;

	if ((rc = check_text(inv->name, "name", true, err, errlen)) != SEUIL_OK ||
	    (rc = check_text(inv->organisation, "organisation", false, err, errlen)) != SEUIL_OK)
		return rc;
	if (inv->day == NULL || !civil_parse_date(inv->day, &d))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "day: \"%s\" is not a date (YYYY-MM-DD)",
			       inv->day != NULL ? inv->day : "");
	if ((inv->host == NULL) == (inv->host_tenant == NULL))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "an invitation has a host person or a host tenant");
	if (inv->host != NULL) {
		if ((rc = exists(st, "SELECT 1 FROM people WHERE id = ?1", inv->host, NULL, &found, err, errlen)) != SEUIL_OK)
			return rc;
		if (!found)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "host: no person with id \"%.63s\"", inv->host);
	} else {
		if ((rc = exists(st, "SELECT 1 FROM tenants WHERE id = ?1", inv->host_tenant, NULL, &found, err,
				 errlen)) != SEUIL_OK)
			return rc;
		if (!found)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "host tenant: no tenant with id \"%.63s\"",
				       inv->host_tenant);
	}
	return inv->id != NULL ? check_id(inv->id, "id", err, errlen) : SEUIL_OK;
}

int office_invite_add(struct store *st, const struct office_invite *inv, char code[16], char id[64], char *err,
		      size_t errlen)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no I, O, 0 or 1 */
	static const char code_used[] = "SELECT 1 FROM invites WHERE day = ?1 AND code = ?2";
	static const char id_used[] = "SELECT 1 FROM invites WHERE id = ?1";
	static const char next_id[] = "SELECT coalesce(max(rowid), 0) + 1 FROM invites";
	static const char ins[] = "INSERT INTO invites(id, name, organisation, host_person_id, host_tenant_id, day, code)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	char new_code[OFFICE_INVITE_CODE_LEN + 1], new_id[64];
	sqlite3_stmt *stmt;
	bool used = true;
	int64_t n = 1;
	int rc;

	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		return rc;
	if ((rc = check_invite(st, inv, err, errlen)) != SEUIL_OK)
		goto fail;
	for (int tries = 0; used && tries < 32; tries++) {
		for (int i = 0; i < OFFICE_INVITE_CODE_LEN; i++)
			new_code[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		new_code[OFFICE_INVITE_CODE_LEN] = '\0';
		if ((rc = exists(st, code_used, inv->day, new_code, &used, err, errlen)) != SEUIL_OK)
			goto fail;
	}
	if (inv->id != NULL) {
		snprintf(new_id, sizeof(new_id), "%s", inv->id);
		if ((rc = exists(st, id_used, new_id, NULL, &used, err, errlen)) != SEUIL_OK)
			goto fail;
		if (used) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID, "id: an invitation \"%s\" exists already", new_id);
			goto fail;
		}
	} else {
		if ((stmt = store_stmt(st, next_id, err, errlen)) == NULL) {
			rc = SEUIL_ERR_DB;
			goto fail;
		}
		if (sqlite3_step(stmt) == SQLITE_ROW)
			n = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		do {
			snprintf(new_id, sizeof(new_id), "inv-%lld", (long long)n++);
			if ((rc = exists(st, id_used, new_id, NULL, &used, err, errlen)) != SEUIL_OK)
				goto fail;
		} while (used);
	}
	if ((stmt = store_stmt(st, ins, err, errlen)) == NULL) {
		rc = SEUIL_ERR_DB;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, new_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, inv->name, -1, SQLITE_STATIC);
	store_bind_text_or_null(stmt, 3, inv->organisation);
	store_bind_text_or_null(stmt, 4, inv->host);
	store_bind_text_or_null(stmt, 5, inv->host_tenant);
	sqlite3_bind_text(stmt, 6, inv->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, new_code, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, "storing the invitation", err, errlen);
		goto fail;
	}
	if ((rc = store_commit(st, err, errlen)) != SEUIL_OK)
		return rc;
	snprintf(code, 16, "%s", new_code);
	snprintf(id, 64, "%s", new_id);
	return SEUIL_OK;
fail:
	store_rollback(st);
	return rc;
}
