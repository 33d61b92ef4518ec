/*
 * sync_reply.c - the small replies of the office API, parsed with jansson:
 * the events acknowledgement, the commands list and its acknowledgement,
 * and error messages.  Pure functions of their bytes: no store, no clock,
 * so that they are fuzzed alone (tests/fuzz/fuzz_office_reply.c).  The
 * directory pull is sync_pull.c's.
 */
#include "sync_store.h"

#include "civil.h"
#include "err.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sync_json_error_len(const char *text)
{
	const char *near = strstr(text, " near ");

	return (int)(near != NULL ? (size_t)(near - text) : strlen(text));
}

/* the reply as a JSON object, or an error naming why not */
static int load_object(const char *body, size_t len, const char *what, json_t **out, char *err,
		       size_t errlen)
{
	json_error_t jerr;
	json_t *root;

	if (len > SYNC_REPLY_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "%s: reply larger than %u bytes", what,
			       SYNC_REPLY_MAX);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "%s: out of memory reading the reply", what);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: reply is not JSON (line %d, column %d: %.*s)",
			       what, jerr.line, jerr.column, sync_json_error_len(jerr.text), jerr.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: reply is not a JSON object", what);
	}
	*out = root;
	return SEUIL_OK;
}

/* obj[key] as a whole number >= 0 */
static int get_count(json_t *obj, const char *key, const char *what, int64_t *out, char *err,
		     size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: reply has no \"%s\"", what, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s: \"%s\" must be a whole number >= 0", what,
			       key);
	*out = json_integer_value(v);
	return SEUIL_OK;
}

static int parse_count(const char *body, size_t len, const char *what, const char *key, int64_t *out,
		       char *err, size_t errlen)
{
	json_t *root;
	int64_t v = 0;
	int rc = load_object(body, len, what, &root, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	rc = get_count(root, key, what, &v, err, errlen);
	json_decref(root);
	if (rc == SEUIL_OK)
		*out = v;
	return rc;
}

int sync_parse_events_ack(const char *body, size_t len, int64_t *acked_seq, char *err, size_t errlen)
{
	return parse_count(body, len, "POST /v1/events", "acked_seq", acked_seq, err, errlen);
}

int sync_parse_events_conflict(const char *body, size_t len, int64_t *newest_seq, char *err, size_t errlen)
{
	return parse_count(body, len, "POST /v1/events (409)", "newest_seq", newest_seq, err, errlen);
}

int sync_parse_commands_ack(const char *body, size_t len, int64_t *acked, char *err, size_t errlen)
{
	return parse_count(body, len, "POST /v1/commands/ack", "acked", acked, err, errlen);
}

/*
 * Copies a JSON string into dst (size len); false when it does not fit or
 * holds a NUL (dst then holds as much as fits, cut on a UTF-8 boundary).
 */
static bool copy_string(json_t *v, char *dst, size_t len)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	bool fits = n < len && strlen(s) == n;

	if (!fits) {
		n = strnlen(s, len - 1);
		while (n > 0 && n < json_string_length(v) && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return fits;
}

/*
 * An instant of "issued" in milliseconds, its fraction of a second kept
 * (the kiosk tells commands apart by id and issued time, sync_commands.c);
 * -1 when it is not a UTC instant.
 */
static int64_t instant_ms(const char *s)
{
	int64_t at_s, ms = 0;
	bool offset;
	int digits = 0;

	if (!civil_parse_instant(s, &at_s, &offset) || !offset)
		return -1;
	/* "YYYY-MM-DDTHH:MM:SS.fff...": civil_parse_instant checked the shape */
	if (strlen(s) > 20 && s[16] == ':' && (s[19] == '.' || s[19] == ',')) {
		for (const char *p = s + 20; *p >= '0' && *p <= '9'; p++) {
			if (digits < 3) {
				ms = ms * 10 + (*p - '0');
				digits++;
			}
		}
		for (; digits < 3; digits++)
			ms *= 10;
	}
	return at_s * 1000 + (at_s < 0 ? -ms : ms);
}

int sync_parse_commands(const char *body, size_t len, struct sync_command_list *out, char *err,
			size_t errlen)
{
	static const char what[] = "GET /v1/commands";
	struct sync_command_list list = { NULL, 0 };
	json_t *root, *arr, *e;
	size_t i, n;
	int rc = load_object(body, len, what, &root, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	arr = json_object_get(root, "commands");
	if (arr == NULL || !json_is_array(arr)) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: \"commands\" must be an array", what);
		goto done;
	}
	n = json_array_size(arr);
	if (n > SYNC_COMMANDS_MAX)
		n = SYNC_COMMANDS_MAX; /* the rest stays at the office until these are acknowledged */
	if (n > 0 && (list.items = calloc(n, sizeof(*list.items))) == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "%s: out of memory", what);
		goto done;
	}
	json_array_foreach(arr, i, e) {
		struct sync_command *c;
		json_t *id, *command, *arg, *issued;
		if (i == n)
			break;
		c = &list.items[i];
		if (!json_is_object(e)) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: $.commands[%zu] must be an object", what, i);
			goto done;
		}
		id = json_object_get(e, "id");
		command = json_object_get(e, "command");
		arg = json_object_get(e, "arg");
		issued = json_object_get(e, "issued");
		if (id == NULL || !json_is_integer(id) || json_integer_value(id) < 0) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID,
				     "%s: $.commands[%zu].id must be a whole number >= 0", what, i);
			goto done;
		}
		if (command == NULL || !json_is_string(command)) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID, "%s: $.commands[%zu].command must be a string",
				     what, i);
			goto done;
		}
		if ((arg != NULL && !json_is_null(arg) && !json_is_string(arg)) ||
		    (issued != NULL && !json_is_null(issued) && !json_is_string(issued))) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID,
				     "%s: $.commands[%zu]: arg and issued must be strings", what, i);
			goto done;
		}
		c->id = json_integer_value(id);
		/* unreadable: an unlock_for is then refused, the others run */
		if (issued != NULL && json_is_string(issued))
			c->issued_ms = instant_ms(json_string_value(issued));
		c->too_long = !copy_string(command, c->command, sizeof(c->command));
		if (arg != NULL && json_is_string(arg) && !copy_string(arg, c->arg, sizeof(c->arg)))
			c->too_long = true;
		list.count++;
	}
	*out = list;
	list.items = NULL;
done:
	free(list.items);
	json_decref(root);
	return rc;
}

void sync_command_list_release(struct sync_command_list *list)
{
	if (list == NULL)
		return;
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

bool sync_parse_error(const char *body, size_t len, char *buf, size_t buflen)
{
	json_t *root, *v;
	bool found = false;

	if (buflen == 0 || len > 64 * 1024) /* an error reply is one line */
		return false;
	root = json_loadb(body, len, 0, NULL);
	if (root == NULL)
		return false;
	v = json_object_get(root, "error");
	if (v != NULL && json_is_string(v) && json_string_length(v) > 0) {
		copy_string(v, buf, buflen);
		for (char *p = buf; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		}
		found = true;
	}
	json_decref(root);
	return found;
}
