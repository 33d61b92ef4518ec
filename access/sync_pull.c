/*
 * sync_pull.c - applying the reply of GET /v1/directory: the envelope
 * (cursor, full, directory, deleted) is checked here, the directory itself
 * goes through the importer (dir_import_tree()) and the deletions through
 * dir_delete(), all in one transaction with the new cursor.  It fetches
 * nothing: seuil-sync hands it the bytes.
 */
#include "sync_store.h"

#include "directory_int.h"
#include "err.h"
#include "store_int.h"
#include "uid.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define PULL_PATH_MAX 96

/* deletion sections, children before parents (as the replace of directory_write.c) */
static const struct {
	const char *key;
	enum dir_table table;
} deleted_sections[] = {
	{ "invites", DIR_INVITES },     { "credentials", DIR_CREDENTIALS }, { "people", DIR_PEOPLE },
	{ "tenants", DIR_TENANTS },     { "rooms", DIR_ROOMS },             { "profiles", DIR_PROFILES },
	{ "schedules", DIR_SCHEDULES }, { "doors", DIR_DOORS },             { "closures", DIR_CLOSURES },
};

static int bad(char *err, size_t errlen, const char *path, const char *what)
{
	return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: %s", path, what);
}

/* the cursor: a string of 1 to SYNC_CURSOR_MAX bytes without control characters */
static int check_cursor(json_t *v, char *err, size_t errlen)
{
	const char *s;

	if (v == NULL)
		return bad(err, errlen, "$.cursor", "missing");
	if (!json_is_string(v))
		return bad(err, errlen, "$.cursor", "must be a string");
	s = json_string_value(v);
	if (json_string_length(v) == 0 || json_string_length(v) > SYNC_CURSOR_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "$.cursor: must be 1 to %d bytes",
			       SYNC_CURSOR_MAX);
	for (size_t i = 0; i < json_string_length(v); i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return bad(err, errlen, "$.cursor", "contains a control character");
	}
	return SEUIL_OK;
}

/* one id of deleted.<key>[i]: *id points into the tree or into buf (a normalized UID) */
static int deleted_id(struct dir_import *imp, enum dir_table table, json_t *v, const char *path,
		      char buf[UID_HEX_MAX], const char **id)
{
	int rc;

	if (!json_is_string(v))
		return bad(imp->err, imp->errlen, path, "must be a string");
	*id = json_string_value(v);
	if (strlen(*id) != json_string_length(v))
		return bad(imp->err, imp->errlen, path, "contains a NUL character");
	switch (table) {
	case DIR_CREDENTIALS:
		if (uid_normalize(*id, buf, NULL, 0) != SEUIL_OK)
			return bad(imp->err, imp->errlen, path, "not a card UID of 4, 7 or 10 bytes in hex");
		*id = buf;
		return SEUIL_OK;
	case DIR_CLOSURES:
		if (strlen(*id) != 10)
			return bad(imp->err, imp->errlen, path, "not a date (YYYY-MM-DD)");
		return dir_check_date(imp, *id, path);
	default:
		if ((rc = dir_check_text(imp, *id, DIR_ID_MAX, path)) != SEUIL_OK)
			return rc;
		return dir_check_id(imp, *id, path);
	}
}

static int apply_deleted(struct dir_import *imp, json_t *deleted)
{
	char path[PULL_PATH_MAX], uid[UID_HEX_MAX];
	json_t *arr, *v;
	const char *id = NULL;
	size_t i;
	int rc;

	if (deleted == NULL || json_is_null(deleted))
		return SEUIL_OK;
	if (!json_is_object(deleted))
		return bad(imp->err, imp->errlen, "$.deleted", "must be an object");
	/* unknown sections are skipped: a newer office may delete what this kiosk does not keep */
	for (size_t s = 0; s < sizeof(deleted_sections) / sizeof(deleted_sections[0]); s++) {
		arr = json_object_get(deleted, deleted_sections[s].key);
		if (arr == NULL || json_is_null(arr))
			continue;
		snprintf(path, sizeof(path), "$.deleted.%s", deleted_sections[s].key);
		if (!json_is_array(arr))
			return bad(imp->err, imp->errlen, path, "must be an array");
		json_array_foreach(arr, i, v) {
			snprintf(path, sizeof(path), "$.deleted.%s[%zu]", deleted_sections[s].key, i);
			if ((rc = deleted_id(imp, deleted_sections[s].table, v, path, uid, &id)) != SEUIL_OK ||
			    (rc = dir_delete(imp, deleted_sections[s].table, id, path)) != SEUIL_OK)
				return rc;
		}
	}
	return SEUIL_OK;
}

static void fill_result(const struct dir_import *imp, bool full, const char *cursor, bool cursor_moved,
			struct sync_pull_result *r)
{
	memset(r, 0, sizeof(*r));
	r->full = full;
	snprintf(r->cursor, sizeof(r->cursor), "%s", cursor);
	r->doors = imp->counts.doors;
	r->schedules = imp->counts.schedules;
	r->profiles = imp->counts.profiles;
	r->tenants = imp->counts.tenants;
	r->people = imp->counts.people;
	r->credentials = imp->counts.credentials;
	r->closures = imp->counts.closures;
	r->rooms = imp->counts.rooms;
	r->invites = imp->invites;
	r->deleted = imp->deleted;
	r->removed = imp->counts.removed;
	r->changed = cursor_moved || r->doors || r->schedules || r->profiles || r->tenants || r->people ||
		     r->credentials || r->closures || r->rooms || r->invites || r->deleted || r->removed;
}

/* everything that writes, inside the transaction the caller holds */
static int apply(struct store *st, json_t *root, bool full, const char *cursor, int64_t now_ms,
		 struct sync_pull_result *r, char *err, size_t errlen)
{
	struct dir_import imp;
	json_t *directory = json_object_get(root, "directory");
	char old[SYNC_CURSOR_MAX + 1], ms[24];
	int rc;

	/* the office sends every door, in order, whenever one changes or goes */
	rc = dir_init(&imp, st,
		      (full ? DIRECTORY_REPLACE : 0) | DIRECTORY_MOVE_BADGES | DIR_IGNORE_UNKNOWN | DIR_REDACT_UIDS |
			      DIR_DOORS_ORDERED,
		      err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	imp.json_root = "$.directory";
	if (directory != NULL && !json_is_null(directory)) {
		if (!json_is_object(directory))
			return bad(err, errlen, "$.directory", "must be an object");
		if ((rc = dir_import_tree(&imp, directory)) != SEUIL_OK)
			return rc;
	} else if (full) {
		return bad(err, errlen, "$.directory", "missing (a full reply holds the whole directory)");
	}
	if ((rc = apply_deleted(&imp, json_object_get(root, "deleted"))) != SEUIL_OK ||
	    (rc = dir_complete(&imp, full ? ~0u : 0u)) != SEUIL_OK)
		return rc;
	if ((rc = sync_state_get(st, "cursor", old, sizeof(old))) != SEUIL_OK && rc != SEUIL_ERR_NOT_FOUND)
		return store_db_error(st, "reading the cursor", err, errlen);
	snprintf(ms, sizeof(ms), "%" PRId64, now_ms);
	if ((rc = sync_state_set(st, "cursor", cursor, err, errlen)) != SEUIL_OK ||
	    (rc = sync_state_set(st, "last_pull_ms", ms, err, errlen)) != SEUIL_OK)
		return rc;
	fill_result(&imp, full, cursor, strcmp(old, cursor) != 0, r);
	return SEUIL_OK;
}

int sync_apply_pull(struct store *st, const char *body, size_t len, int64_t now_ms,
		    struct sync_pull_result *out, char *err, size_t errlen)
{
	struct sync_pull_result r;
	json_error_t jerr;
	json_t *root, *cursor, *full;
	int rc;

	if (len > SYNC_REPLY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "directory reply larger than %u bytes",
			       SYNC_REPLY_MAX);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading the directory reply");
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "directory reply is not JSON (line %d, column %d: %.*s)", jerr.line, jerr.column,
			       sync_json_error_len(jerr.text), jerr.text);
	}
	if (!json_is_object(root)) {
		rc = bad(err, errlen, "$", "the directory reply must be an object");
		goto done;
	}
	cursor = json_object_get(root, "cursor");
	full = json_object_get(root, "full");
	if ((rc = check_cursor(cursor, err, errlen)) != SEUIL_OK)
		goto done;
	if (full == NULL || !json_is_boolean(full)) {
		rc = bad(err, errlen, "$.full", full == NULL ? "missing" : "must be true or false");
		goto done;
	}
	if ((rc = store_begin(st, err, errlen)) != SEUIL_OK)
		goto done;
	rc = apply(st, root, json_is_true(full), json_string_value(cursor), now_ms, &r, err, errlen);
	if (rc != SEUIL_OK)
		store_rollback(st);
	else
		rc = store_commit(st, err, errlen);
	if (rc == SEUIL_OK && out != NULL)
		*out = r;
done:
	json_decref(root);
	return rc;
}

int sync_cursor(struct store *st, char *buf, size_t len, char *err, size_t errlen)
{
	int rc = sync_state_get(st, "cursor", buf, len);

	if (rc == SEUIL_ERR_NOT_FOUND)
		return SEUIL_OK;
	if (rc != SEUIL_OK)
		return store_db_error(st, "reading the cursor", err, errlen);
	return SEUIL_OK;
}
