/*
 * directory_json.c - the JSON directory format (docs/formats.md), parsed
 * with jansson and checked field by field; errors name the JSON path.  It
 * writes through directory_int.h and never builds SQL itself; it opens no
 * transaction of its own besides directory_import_json()'s, so that the
 * office pull can apply a directory inside its own (dir_import_tree()).
 */
#include "directory_int.h"

#include "civil.h"
#include "err.h"
#include "uid.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define PATH_MAX_LEN 192

struct jimport {
	struct dir_import imp;
	json_t *root;
};

/* the JSON path of the directory object itself */
static const char *root_path(const struct jimport *j)
{
	return j->imp.json_root != NULL ? j->imp.json_root : "$";
}

static int bad(struct dir_import *imp, const char *path, const char *what)
{
	return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: %s", path, what);
}

/* refuses keys outside allowed (a NULL-terminated list): a typo must not pass silently */
static int j_keys(struct dir_import *imp, json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *value;

	if (!json_is_object(obj))
		return bad(imp, path, "must be an object");
	if (imp->flags & DIR_IGNORE_UNKNOWN)
		return SEUIL_OK;
	json_object_foreach(obj, key, value) {
		size_t i;
		for (i = 0; allowed[i] != NULL; i++) {
			if (strcmp(key, allowed[i]) == 0)
				break;
		}
		if (allowed[i] == NULL)
			return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID, "%s: unknown field \"%.40s\"",
				       path, key);
	}
	return SEUIL_OK;
}

/*
 * *out gets the string at obj[key] (NULL when absent or null and optional);
 * the string stays owned by the JSON tree.
 */
static int j_str(struct dir_import *imp, json_t *obj, const char *key, const char *path, bool required,
		 size_t max, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char p[PATH_MAX_LEN];

	snprintf(p, sizeof(p), "%s.%s", path, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? bad(imp, p, "missing") : SEUIL_OK;
	if (!json_is_string(v))
		return bad(imp, p, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad(imp, p, "contains a NUL character");
	*out = json_string_value(v);
	if (required && (*out)[0] == '\0')
		return bad(imp, p, "may not be empty");
	return dir_check_text(imp, *out, max, p);
}

static int j_id(struct dir_import *imp, json_t *obj, const char *key, const char *path, bool required,
		const char **out)
{
	char p[PATH_MAX_LEN];
	int rc = j_str(imp, obj, key, path, required, DIR_ID_MAX, out);

	if (rc != SEUIL_OK || *out == NULL)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	return dir_check_id(imp, *out, p);
}

static int j_date(struct dir_import *imp, json_t *obj, const char *key, const char *path, const char **out)
{
	char p[PATH_MAX_LEN];
	int rc = j_str(imp, obj, key, path, false, 10, out);

	if (rc != SEUIL_OK)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	return dir_check_date(imp, *out, p);
}

static int j_int(struct dir_import *imp, json_t *obj, const char *key, const char *path, long min,
		 long max, long fallback, long *out)
{
	json_t *v = json_object_get(obj, key);
	char p[PATH_MAX_LEN];

	snprintf(p, sizeof(p), "%s.%s", path, key);
	*out = fallback;
	if (v == NULL || json_is_null(v))
		return SEUIL_OK;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(imp->err, imp->errlen, SEUIL_ERR_INVALID,
			       "%s: must be a whole number from %ld to %ld", p, min, max);
	*out = (long)json_integer_value(v);
	return SEUIL_OK;
}

/* the array at obj[key]; *out NULL when absent */
static int j_array(struct dir_import *imp, json_t *obj, const char *key, const char *path, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	char p[PATH_MAX_LEN];

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return SEUIL_OK;
	snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
	if (!json_is_array(v))
		return bad(imp, p, "must be an array");
	*out = v;
	return SEUIL_OK;
}

/* each element of obj[key] is an id that must exist in table; calls add for each */
static int j_refs(struct dir_import *imp, json_t *obj, const char *key, const char *path,
		  enum dir_table table, const char *owner,
		  int (*add)(struct dir_import *, const char *, const char *, const char *))
{
	json_t *arr, *v;
	size_t i;
	char p[PATH_MAX_LEN];
	int rc = j_array(imp, obj, key, path, &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, v) {
		snprintf(p, sizeof(p), "%s.%s[%zu]", path, key, i);
		if (!json_is_string(v))
			return bad(imp, p, "must be a string");
		if ((rc = dir_check_id(imp, json_string_value(v), p)) != SEUIL_OK ||
		    (rc = dir_require(imp, table, json_string_value(v), p)) != SEUIL_OK ||
		    (rc = add(imp, owner, json_string_value(v), p)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

/* day names in English or French, "mon-fri", "sat,sun", ranges may wrap ("fri-mon") */
static int parse_day(const char *s, size_t n)
{
	static const char *const names[2][7] = {
		{ "mon", "tue", "wed", "thu", "fri", "sat", "sun" },
		{ "lun", "mar", "mer", "jeu", "ven", "sam", "dim" },
	};

	if (n != 3)
		return -1;
	for (int lang = 0; lang < 2; lang++) {
		for (int d = 0; d < 7; d++) {
			if (strncasecmp(s, names[lang][d], 3) == 0)
				return d;
		}
	}
	return -1;
}

static int parse_days(const char *spec)
{
	int mask = 0;
	const char *p = spec;

	if (strcmp(spec, "all") == 0 || strcmp(spec, "daily") == 0 || strcmp(spec, "*") == 0)
		return 0x7f;
	while (*p != '\0') {
		const char *end = p + strcspn(p, ",");
		const char *dash = memchr(p, '-', (size_t)(end - p));
		int a, b;
		while (*p == ' ')
			p++;
		if (dash != NULL) {
			a = parse_day(p, (size_t)(dash - p));
			b = parse_day(dash + 1, (size_t)(end - dash - 1));
		} else {
			a = b = parse_day(p, (size_t)(end - p));
		}
		if (a < 0 || b < 0)
			return -1;
		for (int d = a;; d = (d + 1) % 7) {
			mask |= 1 << d;
			if (d == b)
				break;
		}
		p = *end == ',' ? end + 1 : end;
		if (*end == ',' && *p == '\0')
			return -1;
	}
	return mask;
}

static int import_site(struct jimport *j)
{
	static const char *const keys[] = { "name", "timezone", NULL };
	json_t *site = json_object_get(j->root, "site");
	struct dir_site s;
	char path[PATH_MAX_LEN];
	int rc;

	snprintf(path, sizeof(path), "%s.site", root_path(j));
	if (site == NULL || json_is_null(site)) {
		if (j->imp.flags & DIRECTORY_REPLACE)
			return bad(&j->imp, path, "missing (a replacing import describes the whole directory)");
		return SEUIL_OK;
	}
	if ((rc = j_keys(&j->imp, site, path, keys)) != SEUIL_OK ||
	    (rc = j_str(&j->imp, site, "name", path, true, DIR_NAME_MAX, &s.name)) != SEUIL_OK ||
	    (rc = j_str(&j->imp, site, "timezone", path, false, 64, &s.timezone)) != SEUIL_OK)
		return rc;
	if (s.timezone == NULL)
		s.timezone = "Europe/Paris";
	return dir_put_site(&j->imp, &s, path);
}

/*
 * Doors keep their order: a file that lists every stored door (always so
 * with --replace and DIR_DOORS_ORDERED; the office's replies send every door
 * when one changed) gives the order; otherwise stored doors keep their rank
 * and new ones go after them, so that the default (first) door never
 * changes because another was added.
 */
static int import_doors(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "unlock_ms", NULL };
	json_t *arr, *e;
	size_t i;
	long unnamed;
	char path[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "doors", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_door d = { .position = DIR_DOOR_APPEND };
		long unlock;
		snprintf(path, sizeof(path), "%s.doors[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &d.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, false, DIR_NAME_MAX, &d.name)) != SEUIL_OK ||
		    (rc = j_int(&j->imp, e, "unlock_ms", path, 100, 600000, 5000, &unlock)) != SEUIL_OK ||
		    (rc = dir_seen(&j->imp, DIR_DOORS, d.id, path)) != SEUIL_OK)
			return rc;
		d.unlock_ms = (int)unlock;
		if (d.name == NULL)
			d.name = d.id;
		if ((rc = dir_put_door(&j->imp, &d, path)) != SEUIL_OK)
			return rc;
	}
	unnamed = (j->imp.flags & (DIRECTORY_REPLACE | DIR_DOORS_ORDERED)) ? 0 : dir_doors_unnamed(&j->imp);
	if (unnamed < 0)
		return SEUIL_ERR_DB;
	if (unnamed > 0)
		return SEUIL_OK;
	json_array_foreach(arr, i, e) {
		snprintf(path, sizeof(path), "%s.doors[%zu]", root_path(j), i);
		if ((rc = dir_rank_door(&j->imp, json_string_value(json_object_get(e, "id")), (int)i, path)) !=
		    SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_windows(struct jimport *j, json_t *sched, const char *id, const char *path)
{
	static const char *const keys[] = { "days", "from", "to", NULL };
	json_t *arr, *w;
	size_t i;
	char p[PATH_MAX_LEN], fp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, sched, "windows", path, &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, w) {
		const char *days, *from, *to;
		int mask, f, t;
		snprintf(p, sizeof(p), "%s.windows[%zu]", path, i);
		if ((rc = j_keys(&j->imp, w, p, keys)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, w, "days", p, true, 64, &days)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, w, "from", p, true, 5, &from)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, w, "to", p, true, 5, &to)) != SEUIL_OK)
			return rc;
		mask = parse_days(days);
		if (mask <= 0) {
			snprintf(fp, sizeof(fp), "%s.days", p);
			return err_set(j->imp.err, j->imp.errlen, SEUIL_ERR_INVALID,
				       "%s: \"%s\" is not a list of days (e.g. \"mon-fri\", \"sat,sun\", \"all\")",
				       fp, days);
		}
		f = civil_parse_hhmm(from);
		t = civil_parse_hhmm(to);
		if (f < 0 || f == 1440) {
			snprintf(fp, sizeof(fp), "%s.from", p);
			return bad(&j->imp, fp, "must be a time from 00:00 to 23:59");
		}
		if (t < 0) {
			snprintf(fp, sizeof(fp), "%s.to", p);
			return bad(&j->imp, fp, "must be a time from 00:00 to 24:00");
		}
		if (t == 0)
			t = 1440; /* "to": "00:00" means until midnight */
		if (t == f)
			return bad(&j->imp, p, "from and to are equal (use 00:00 to 24:00 for a whole day)");
		if ((rc = dir_add_window(&j->imp, id, mask, f, t, p)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_schedules(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "holidays", "windows", NULL };
	static const char *const holidays[] = { "closed", "open", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], hp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "schedules", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_schedule s;
		const char *h;
		snprintf(path, sizeof(path), "%s.schedules[%zu]", root_path(j), i);
		snprintf(hp, sizeof(hp), "%s.holidays", path);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &s.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, false, DIR_NAME_MAX, &s.name)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "holidays", path, false, 16, &h)) != SEUIL_OK ||
		    (h != NULL && (rc = dir_check_choice(&j->imp, h, holidays, hp)) != SEUIL_OK) ||
		    (rc = dir_seen(&j->imp, DIR_SCHEDULES, s.id, path)) != SEUIL_OK)
			return rc;
		s.holidays_closed = h == NULL || strcmp(h, "closed") == 0;
		if ((rc = dir_put_schedule(&j->imp, &s, path)) != SEUIL_OK ||
		    (rc = import_windows(j, e, s.id, path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_profiles(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "doors", "schedule", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], sp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "profiles", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_profile p;
		snprintf(path, sizeof(path), "%s.profiles[%zu]", root_path(j), i);
		snprintf(sp, sizeof(sp), "%s.schedule", path);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &p.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, false, DIR_NAME_MAX, &p.name)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "schedule", path, true, &p.schedule)) != SEUIL_OK ||
		    (rc = dir_require(&j->imp, DIR_SCHEDULES, p.schedule, sp)) != SEUIL_OK ||
		    (rc = dir_seen(&j->imp, DIR_PROFILES, p.id, path)) != SEUIL_OK ||
		    (rc = dir_put_profile(&j->imp, &p, path)) != SEUIL_OK ||
		    (rc = j_refs(&j->imp, e, "doors", path, DIR_DOORS, p.id, dir_add_profile_door)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int grant_tenant(struct dir_import *imp, const char *tenant, const char *profile, const char *path)
{
	return dir_add_grant(imp, profile, tenant, NULL, path);
}

static int grant_person(struct dir_import *imp, const char *person, const char *profile, const char *path)
{
	return dir_add_grant(imp, profile, NULL, person, path);
}

/* status and validity dates shared by tenants, people and credentials */
static int j_validity(struct jimport *j, json_t *e, const char *path, const char *const *statuses,
		      const char **status, const char **from, const char **until)
{
	char sp[PATH_MAX_LEN];
	int rc;

	snprintf(sp, sizeof(sp), "%s.status", path);
	if ((rc = j_str(&j->imp, e, "status", path, false, 16, status)) != SEUIL_OK ||
	    (*status != NULL && (rc = dir_check_choice(&j->imp, *status, statuses, sp)) != SEUIL_OK) ||
	    (rc = j_date(&j->imp, e, "valid_from", path, from)) != SEUIL_OK ||
	    (rc = j_date(&j->imp, e, "valid_until", path, until)) != SEUIL_OK)
		return rc;
	return dir_check_range(&j->imp, *from, *until, path);
}

static int import_tenants(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "kind", "status", "valid_from",
					    "valid_until", "profiles", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "tenants", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_tenant t;
		snprintf(path, sizeof(path), "%s.tenants[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &t.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, true, DIR_NAME_MAX, &t.name)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "kind", path, false, DIR_NAME_MAX, &t.kind)) != SEUIL_OK ||
		    (rc = j_validity(j, e, path, dir_party_statuses, &t.status, &t.valid_from,
				     &t.valid_until)) != SEUIL_OK ||
		    (rc = dir_seen(&j->imp, DIR_TENANTS, t.id, path)) != SEUIL_OK ||
		    (rc = dir_put_tenant(&j->imp, &t, path)) != SEUIL_OK ||
		    (rc = dir_clear_grants(&j->imp, t.id, NULL, path)) != SEUIL_OK ||
		    (rc = j_refs(&j->imp, e, "profiles", path, DIR_PROFILES, t.id, grant_tenant)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_people(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "tenant", "role", "email", "status",
					    "valid_from", "valid_until", "profiles", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "people", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_person p = { 0 };
		snprintf(path, sizeof(path), "%s.people[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &p.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, true, DIR_NAME_MAX, &p.name)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "tenant", path, false, &p.tenant)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "role", path, false, 16, &p.role)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "email", path, false, 254, &p.email)) != SEUIL_OK ||
		    (rc = j_validity(j, e, path, dir_party_statuses, &p.status, &p.valid_from,
				     &p.valid_until)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.role", path);
		if (p.role != NULL && (rc = dir_check_choice(&j->imp, p.role, dir_roles, fp)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.tenant", path);
		if (p.tenant != NULL && (rc = dir_require(&j->imp, DIR_TENANTS, p.tenant, fp)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.email", path);
		if (p.email != NULL && p.email[0] != '\0' && strchr(p.email, '@') == NULL)
			return bad(&j->imp, fp, "is not an e-mail address");
		if ((rc = dir_seen(&j->imp, DIR_PEOPLE, p.id, path)) != SEUIL_OK ||
		    (rc = dir_put_person(&j->imp, &p, path)) != SEUIL_OK ||
		    (rc = dir_clear_grants(&j->imp, NULL, p.id, path)) != SEUIL_OK ||
		    (rc = j_refs(&j->imp, e, "profiles", path, DIR_PROFILES, p.id, grant_person)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_credentials(struct jimport *j)
{
	static const char *const keys[] = { "uid", "kind", "person", "status", "valid_from",
					    "valid_until", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], fp[PATH_MAX_LEN], uid[UID_HEX_MAX], why[128];
	int rc = j_array(&j->imp, j->root, "credentials", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_credential c = { 0 };
		const char *text, *kind;
		snprintf(path, sizeof(path), "%s.credentials[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "kind", path, false, 8, &kind)) != SEUIL_OK)
			return rc;
		if (kind != NULL && strcmp(kind, "uid") != 0) {
			snprintf(fp, sizeof(fp), "%s.kind", path);
			return bad(&j->imp, fp, "only \"uid\" credentials are supported");
		}
		if ((rc = j_str(&j->imp, e, "uid", path, true, 64, &text)) != SEUIL_OK)
			return rc;
		why[0] = '\0';
		if (uid_normalize(text, uid, why, sizeof(why)) != SEUIL_OK) {
			snprintf(fp, sizeof(fp), "%s.uid", path);
			if (j->imp.flags & DIR_REDACT_UIDS) /* the message quotes the text */
				return bad(&j->imp, fp, "not a card UID of 4, 7 or 10 bytes in hex");
			return bad(&j->imp, fp, why);
		}
		c.identifier = uid;
		snprintf(fp, sizeof(fp), "%s.person", path);
		if ((rc = j_id(&j->imp, e, "person", path, true, &c.person)) != SEUIL_OK ||
		    (rc = dir_require(&j->imp, DIR_PEOPLE, c.person, fp)) != SEUIL_OK ||
		    (rc = j_validity(j, e, path, dir_credential_statuses, &c.status, &c.valid_from,
				     &c.valid_until)) != SEUIL_OK ||
		    (rc = dir_seen(&j->imp, DIR_CREDENTIALS, uid, path)) != SEUIL_OK ||
		    (rc = dir_put_credential(&j->imp, &c, path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_closures(struct jimport *j)
{
	static const char *const keys[] = { "date", "name", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], dp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "closures", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		const char *date, *name;
		snprintf(path, sizeof(path), "%s.closures[%zu]", root_path(j), i);
		snprintf(dp, sizeof(dp), "%s.date", path);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "date", path, true, 10, &date)) != SEUIL_OK ||
		    (rc = dir_check_date(&j->imp, date, dp)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, false, DIR_NAME_MAX, &name)) != SEUIL_OK ||
		    (rc = dir_seen(&j->imp, DIR_CLOSURES, date, path)) != SEUIL_OK ||
		    (rc = dir_put_closure(&j->imp, date, name != NULL ? name : "Fermeture", path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

static int import_rooms(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "capacity", "doors", "calendar", "feed", NULL };
	static const char *const feeds[] = { "caldav", "ics", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "rooms", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_room r;
		long capacity;
		snprintf(path, sizeof(path), "%s.rooms[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &r.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, true, DIR_NAME_MAX, &r.name)) != SEUIL_OK ||
		    (rc = j_int(&j->imp, e, "capacity", path, 0, 100000, 0, &capacity)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "calendar", path, false, DIR_TEXT_MAX, &r.calendar)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "feed", path, false, 8, &r.feed)) != SEUIL_OK)
			return rc;
		r.capacity = (int)capacity;
		snprintf(fp, sizeof(fp), "%s.feed", path);
		if (r.feed != NULL && (rc = dir_check_choice(&j->imp, r.feed, feeds, fp)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.calendar", path);
		if (r.calendar != NULL && strncmp(r.calendar, "https://", 8) != 0 &&
		    strncmp(r.calendar, "http://", 7) != 0)
			return bad(&j->imp, fp, "must be an https:// URL");
		if (r.calendar != NULL && r.feed == NULL)
			r.feed = "caldav";
		if ((rc = dir_seen(&j->imp, DIR_ROOMS, r.id, path)) != SEUIL_OK ||
		    (rc = dir_put_room(&j->imp, &r, path)) != SEUIL_OK ||
		    (rc = j_refs(&j->imp, e, "doors", path, DIR_DOORS, r.id, dir_add_room_door)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

/* an invitation code: 6 to 12 characters of A-Z and 2-9 (no 0 or 1 to misread) */
static bool invite_code_ok(const char *code)
{
	size_t n = strlen(code);

	if (n < DIR_INVITE_CODE_MIN || n > DIR_INVITE_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '2' && code[i] <= '9')))
			return false;
	}
	return true;
}

static int import_invites(struct jimport *j)
{
	static const char *const keys[] = { "id", "name", "organisation", "host", "host_tenant",
					    "day", "code", NULL };
	json_t *arr, *e;
	size_t i;
	char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
	int rc = j_array(&j->imp, j->root, "invites", root_path(j), &arr);

	if (rc != SEUIL_OK || arr == NULL)
		return rc;
	json_array_foreach(arr, i, e) {
		struct dir_invite v;
		snprintf(path, sizeof(path), "%s.invites[%zu]", root_path(j), i);
		if ((rc = j_keys(&j->imp, e, path, keys)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "id", path, true, &v.id)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "name", path, true, DIR_NAME_MAX, &v.name)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "organisation", path, false, DIR_NAME_MAX, &v.organisation)) !=
			    SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "host", path, false, &v.host)) != SEUIL_OK ||
		    (rc = j_id(&j->imp, e, "host_tenant", path, false, &v.host_tenant)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "day", path, true, 10, &v.day)) != SEUIL_OK ||
		    (rc = j_str(&j->imp, e, "code", path, true, 16, &v.code)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.day", path);
		if ((rc = dir_check_date(&j->imp, v.day, fp)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.code", path);
		if (!invite_code_ok(v.code))
			return bad(&j->imp, fp, "must be 6 to 12 characters from A-Z and 2-9");
		if (v.host == NULL && v.host_tenant == NULL)
			return bad(&j->imp, path, "needs a host (person id) or a host_tenant (tenant id)");
		snprintf(fp, sizeof(fp), "%s.host", path);
		if (v.host != NULL && (rc = dir_require(&j->imp, DIR_PEOPLE, v.host, fp)) != SEUIL_OK)
			return rc;
		snprintf(fp, sizeof(fp), "%s.host_tenant", path);
		if (v.host_tenant != NULL &&
		    (rc = dir_require(&j->imp, DIR_TENANTS, v.host_tenant, fp)) != SEUIL_OK)
			return rc;
		if ((rc = dir_seen(&j->imp, DIR_INVITES, v.id, path)) != SEUIL_OK ||
		    (rc = dir_put_invite(&j->imp, &v, path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

int dir_import_tree(struct dir_import *imp, json_t *root)
{
	static const char *const keys[] = { "site",        "doors",    "schedules", "profiles",
					    "tenants",     "people",   "credentials", "closures",
					    "rooms",       "invites",  NULL };
	/* sections in the order their references need */
	static int (*const sections[])(struct jimport *) = {
		import_site,   import_doors,       import_schedules, import_profiles, import_tenants,
		import_people, import_credentials, import_closures,  import_rooms,    import_invites,
	};
	struct jimport j = { .imp = *imp, .root = root };
	int rc = j_keys(&j.imp, root, root_path(&j), keys);

	for (size_t i = 0; rc == SEUIL_OK && i < sizeof(sections) / sizeof(sections[0]); i++)
		rc = sections[i](&j);
	*imp = j.imp; /* the counts */
	return rc;
}

int directory_import_json(struct store *st, const char *buf, size_t len, unsigned flags,
			  struct directory_counts *counts, char *err, size_t errlen)
{
	struct dir_import imp;
	json_t *root;
	json_error_t jerr;
	int rc;

	if (len > DIRECTORY_MAX_BYTES)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "directory larger than %u bytes",
			       DIRECTORY_MAX_BYTES);
	while (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3; /* a byte-order mark some editors write (some, twice) */
		len -= 3;
	}
	/* any value, so that `[]` or `null` is told "$: must be an object" */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL) {
		/* jansson leaves the error empty when its very first allocation fails */
		if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory reading the directory");
		return err_set(err, errlen, SEUIL_ERR_INVALID, "line %d, column %d: %s", jerr.line,
			       jerr.column, jerr.text);
	}
	rc = dir_begin(&imp, st, flags, err, errlen);
	if (rc != SEUIL_OK) {
		json_decref(root);
		return rc;
	}
	rc = dir_import_tree(&imp, root);
	json_decref(root);
	if (rc != SEUIL_OK) {
		dir_abort(&imp);
		return rc;
	}
	rc = dir_finish(&imp, ~0u);
	if (rc == SEUIL_OK && counts != NULL)
		*counts = imp.counts;
	return rc;
}
