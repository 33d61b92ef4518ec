/*
 * test_directory.c - importing the directory, JSON and CSV: the example,
 * idempotence, updates, replace mode, and each malformed input refused with
 * a one-line message naming the JSON path or the CSV line while the store
 * stays exactly as it was (all tables compared through a second sqlite
 * connection, and the example badge's decision).  What decisions mean is
 * test_rights.c's concern.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "directory.h"
#include "err.h"
#include "rights.h"
#include "store.h"
#include "test_util.h"

#define CAMILLE "04A1B2C3D4E5F6"

static const char example_json[] =
	"{\"site\": {\"name\": \"Pôle de coopération\", \"timezone\": \"Europe/Paris\"},\n"
	" \"doors\": [{\"id\": \"entree\", \"name\": \"Entrée principale\"}],\n"
	" \"schedules\": [{\"id\": \"bureaux\", \"holidays\": \"closed\",\n"
	"                \"windows\": [{\"days\": \"mon-fri\", \"from\": \"07:00\", \"to\": \"20:00\"},\n"
	"                            {\"days\": \"sat\", \"from\": \"09:00\", \"to\": \"13:00\"}]},\n"
	"               {\"id\": \"soiree\", \"holidays\": \"open\",\n"
	"                \"windows\": [{\"days\": \"fri\", \"from\": \"22:00\", \"to\": \"02:00\"}]}],\n"
	" \"profiles\": [{\"id\": \"resident\", \"doors\": [\"entree\"], \"schedule\": \"bureaux\"},\n"
	"              {\"id\": \"evenement\", \"doors\": [\"entree\"], \"schedule\": \"soiree\"}],\n"
	" \"tenants\": [{\"id\": \"scop-btp\", \"name\": \"Scop BTP\", \"status\": \"active\",\n"
	"              \"valid_until\": \"2027-12-31\", \"profiles\": [\"resident\"]}],\n"
	" \"people\": [{\"id\": \"p-camille\", \"name\": \"Camille Martin\", \"tenant\": \"scop-btp\",\n"
	"             \"role\": \"member\", \"profiles\": [\"evenement\"]}],\n"
	" \"credentials\": [{\"uid\": \"04A1B2C3D4E5F6\", \"person\": \"p-camille\", \"status\": \"active\"}],\n"
	" \"closures\": [{\"date\": \"2026-12-24\", \"name\": \"Fermeture de fin d'année\"}]}\n";

struct refusal {
	const char *name;  /* the case's name, test_directory__refuses_<name> */
	const char *input; /* JSON written with ' for ", or CSV as is */
	bool csv;
	unsigned flags;
	const char *where; /* the path or line the message must name */
	size_t len;        /* bytes of input, when it holds a NUL; else strlen() */
};

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	const struct refusal *refusal; /* for the refusal cases */
};

static struct store *open_store(const char *path)
{
	struct store *st = NULL;
	char err[512] = "";

	if (store_open(path, STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK)
		fail_msg("store_open: %s", err);
	return st;
}

static int import_json(struct store *st, const char *json, unsigned flags, struct directory_counts *c,
		       char *err, size_t errlen)
{
	return directory_import_json(st, json, strlen(json), flags, c, err, errlen);
}

static int setup_empty(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->refusal = *state;
	if (test_tmpdir_make(f->dir, sizeof(f->dir), "directory") != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/seuil.db", f->dir);
	f->st = open_store(f->path);
	*state = f;
	return 0;
}

/* a store holding the example */
static int setup(void **state)
{
	struct fixture *f;
	char err[512] = "";

	if (setup_empty(state) != 0)
		return -1;
	f = *state;
	if (import_json(f->st, example_json, 0, NULL, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "example refused: %s\n", err);
		return -1;
	}
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

static void import_q(struct store *st, const char *quoted, unsigned flags, struct directory_counts *c)
{
	char *json = test_unquote(quoted), err[512] = "";
	int rc = import_json(st, json, flags, c, err, sizeof(err));

	free(json);
	if (rc != SEUIL_OK)
		fail_msg("refused: %s", err);
}

#include "test_dump.h"


static int64_t ms(const char *iso)
{
	int64_t s = 0;

	assert_true(civil_parse_instant(iso, &s, NULL));
	return s * 1000;
}

/* the reason for uid at the default door at iso, "error" when no decision */
static const char *reason(struct store *st, const char *uid, const char *iso, struct access_decision *d)
{
	struct access_request req = { .identifier = uid, .now_ms = ms(iso) };
	struct access_decision local;

	if (d == NULL)
		d = &local;
	if (access_decide(st, &req, d, NULL, 0) != SEUIL_OK)
		return "error";
	return access_reason_code(d->reason);
}

/* a refused import: the code, one line naming where, and not a byte of the store changed */
static void expect_refused(struct fixture *f, const struct refusal *r, int code)
{
	size_t len = r->len != 0 ? r->len : strlen(r->input);
	char *before = dump(f->path), *after, *input = malloc(len + 1);
	char err[512] = "";
	struct directory_counts counts;
	bool unchanged;
	int rc;

	assert_non_null(input);
	memcpy(input, r->input, len + 1);
	for (size_t i = 0; !r->csv && i < len; i++)
		if (input[i] == '\'')
			input[i] = '"';
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted");
	rc = r->csv ? directory_import_csv(f->st, input, len, r->flags, &counts, err, sizeof(err))
		    : directory_import_json(f->st, input, len, r->flags, &counts, err, sizeof(err));
	free(input);
	after = dump(f->path);
	unchanged = strcmp(before, after) == 0;
	sqlite3_free(before);
	sqlite3_free(after);
	if (rc != code)
		fail_msg("%s: returned %d (%s), expected %d", r->name, rc, err, code);
	if (err[0] == '\0' || strchr(err, '\n') != NULL)
		fail_msg("%s: the message is not one line: \"%s\"", r->name, err);
	if (r->where != NULL && strstr(err, r->where) == NULL)
		fail_msg("%s: \"%s\" does not name %s", r->name, err, r->where);
	if (!unchanged)
		fail_msg("%s: the refused import changed the store", r->name);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted");
	assert_string_equal(reason(f->st, CAMILLE, "2026-12-24T08:00:00Z", NULL), "closed_day");
}

static void test_directory__refuses(void **state)
{
	struct fixture *f = *state;

	expect_refused(f, f->refusal, SEUIL_ERR_INVALID);
}

#define CSV_HEADER "person,name,tenant,role,uid,status,valid_from,valid_until\n"

static const struct refusal refusals[] = {
	/* JSON syntax: the parser's line */
	{ "truncated_json", "{'people':[{'id':'p-x','name':'X'}", false, 0, "line 1", 0 },
	{ "truncated_on_line_3", "{'people':\n[{'id':'p-x',\n'name':", false, 0, "line 3", 0 },
	{ "scalar", "42", false, 0, "$: must be an object", 0 },
	{ "null", "null", false, 0, "$: must be an object", 0 },
	{ "empty_input", "", false, 0, "line", 0 },
	{ "duplicate_key", "{'site':{'name':'A','name':'B'}}", false, 0, "line 1", 0 },
	{ "nul_in_string", "{'people':[{'id':'p-x','name':'Cam\\u0000ille'}]}", false, 0, "line 1", 0 },
	{ "invalid_utf8", "{'people':[{'id':'p-x','name':'Cam\xff'}]}", false, 0, "line 1", 0 },
	/* shape */
	{ "not_an_object", "['people']", false, 0, "$:", 0 },
	{ "unknown_top_level_key", "{'peoples':[]}", false, 0, "$: unknown field \"peoples\"", 0 },
	{ "unknown_field_typo",
	  "{'tenants':[{'id':'t','name':'T','valid_untill':'2027-01-01'}]}", false, 0,
	  "$.tenants[0]: unknown field \"valid_untill\"", 0 },
	{ "id_as_number", "{'doors':[{'id':42}]}", false, 0, "$.doors[0].id", 0 },
	{ "doors_not_an_array", "{'doors':{'id':'x'}}", false, 0, "$.doors", 0 },
	{ "door_not_an_object", "{'doors':['entree']}", false, 0, "$.doors[0]", 0 },
	{ "ref_not_a_string", "{'profiles':[{'id':'x','schedule':'bureaux','doors':[1]}]}", false, 0,
	  "$.profiles[0].doors[0]", 0 },
	{ "missing_name", "{'people':[{'id':'p-x'}]}", false, 0, "$.people[0].name", 0 },
	{ "missing_id", "{'tenants':[{'name':'T'}]}", false, 0, "$.tenants[0].id", 0 },
	{ "empty_id", "{'doors':[{'id':''}]}", false, 0, "$.doors[0].id", 0 },
	{ "id_with_space", "{'people':[{'id':'p x','name':'X'}]}", false, 0, "$.people[0].id", 0 },
	{ "duplicate_id", "{'doors':[{'id':'a'},{'id':'a'}]}", false, 0, "$.doors[1]", 0 },
	{ "control_character", "{'people':[{'id':'p-x','name':'Cam\\u0007ille'}]}", false, 0,
	  "$.people[0].name", 0 },
	{ "unlock_ms_out_of_range", "{'doors':[{'id':'d','unlock_ms':50}]}", false, 0, "$.doors[0].unlock_ms", 0 },
	/* references */
	{ "profile_to_missing_door", "{'profiles':[{'id':'x','schedule':'bureaux','doors':['cave']}]}",
	  false, 0, "$.profiles[0].doors[0]", 0 },
	{ "profile_to_missing_schedule", "{'profiles':[{'id':'x','schedule':'nuit','doors':[]}]}", false,
	  0, "$.profiles[0].schedule", 0 },
	{ "person_to_missing_tenant", "{'people':[{'id':'p-x','name':'X','tenant':'nope'}]}", false, 0,
	  "$.people[0].tenant", 0 },
	{ "credential_to_missing_person", "{'credentials':[{'uid':'11223344','person':'p-nobody'}]}",
	  false, 0, "$.credentials[0].person", 0 },
	{ "error_names_the_third_person",
	  "{'people':[{'id':'p-a','name':'A'},{'id':'p-b','name':'B'},{'id':'p-c','name':'C','tenant':'t-x'}]}",
	  false, 0, "$.people[2].tenant", 0 },
	/* values */
	{ "bad_date", "{'tenants':[{'id':'t','name':'T','valid_until':'2027-02-30'}]}", false, 0,
	  "$.tenants[0].valid_until", 0 },
	{ "from_after_until",
	  "{'people':[{'id':'p-x','name':'X','valid_from':'2027-02-01','valid_until':'2027-01-31'}]}",
	  false, 0, "$.people[0]", 0 },
	{ "bad_status", "{'people':[{'id':'p-x','name':'X','status':'retired'}]}", false, 0,
	  "$.people[0].status", 0 },
	{ "bad_credential_status", "{'credentials':[{'uid':'11223344','person':'p-camille','status':'stolen'}]}",
	  false, 0, "$.credentials[0].status", 0 },
	{ "bad_role", "{'people':[{'id':'p-x','name':'X','role':'admin'}]}", false, 0, "$.people[0].role", 0 },
	{ "uid_odd_length", "{'credentials':[{'uid':'04A1B2C3D','person':'p-camille'}]}", false, 0,
	  "$.credentials[0].uid", 0 },
	{ "uid_five_bytes", "{'credentials':[{'uid':'04A1B2C3D4','person':'p-camille'}]}", false, 0,
	  "$.credentials[0].uid", 0 },
	{ "uid_not_hex", "{'credentials':[{'uid':'04A1B2C3D4E5GG','person':'p-camille'}]}", false, 0,
	  "$.credentials[0].uid", 0 },
	{ "duplicate_uid_two_spellings",
	  "{'credentials':[{'uid':'11:22:33:44','person':'p-camille'},{'uid':'11223344','person':'p-camille'}]}",
	  false, 0, "$.credentials[1]", 0 },
	{ "bad_days", "{'schedules':[{'id':'s','windows':[{'days':'mon-fry','from':'07:00','to':'20:00'}]}]}",
	  false, 0, "$.schedules[0].windows[0].days", 0 },
	{ "trailing_comma_days", "{'schedules':[{'id':'s','windows':[{'days':'mon,','from':'07:00','to':'20:00'}]}]}",
	  false, 0, "$.schedules[0].windows[0].days", 0 },
	{ "bad_time", "{'schedules':[{'id':'s','windows':[{'days':'mon','from':'25:00','to':'20:00'}]}]}",
	  false, 0, "$.schedules[0].windows[0].from", 0 },
	{ "bad_end_time", "{'schedules':[{'id':'s','windows':[{'days':'mon','from':'07:00','to':'24:30'}]}]}",
	  false, 0, "$.schedules[0].windows[0].to", 0 },
	{ "from_equals_to", "{'schedules':[{'id':'s','windows':[{'days':'mon','from':'07:00','to':'07:00'}]}]}",
	  false, 0, "$.schedules[0].windows[0]", 0 },
	{ "unknown_timezone", "{'site':{'name':'S','timezone':'Europe/Atlantis'}}", false, 0, "$.site.timezone", 0 },
	{ "timezone_path", "{'site':{'name':'S','timezone':'../../etc/passwd'}}", false, 0, "$.site.timezone", 0 },
	{ "late_error_after_valid_changes",
	  "{'site':{'name':'Autre'},'doors':[{'id':'entree','name':'X'},{'id':'cave'}],"
	  "'people':[{'id':'p-camille','name':'Renamed','status':'inactive'}],"
	  "'closures':[{'date':'2026-13-01'}]}", false, 0, "$.closures[0].date", 0 },
	{ "replace_without_site", "{'doors':[{'id':'entree'}]}", false, DIRECTORY_REPLACE, "$.site", 0 },
	/* CSV: the line */
	{ "csv_unknown_column", "person,name,badge\np-x,X,11223344\n", true, 0, "line 1", 0 },
	{ "csv_missing_person_column", "name,uid\nX,11223344\n", true, 0, "line 1", 0 },
	{ "csv_empty", "", true, 0, "line 1", 0 },
	{ "csv_unclosed_quote", CSV_HEADER "p-a,Ana,scop-btp,member,A0000001,active,,\n"
				"p-x,\"Unclosed,scop-btp,member,,,,\n", true, 0, "line 3", 0 },
	{ "csv_quote_inside_field", CSV_HEADER "p-x,Ca\"mille,scop-btp,member,,,,\n", true, 0, "line 2", 0 },
	{ "csv_more_fields_than_header", CSV_HEADER "p-x,X,scop-btp,member,11223344,active,,,extra\n", true,
	  0, "line 2", 0 },
	{ "csv_bad_uid_line_3", CSV_HEADER "p-a,Ana,scop-btp,member,A0000001,active,,\n"
				"p-b,Bob,scop-btp,member,A00000,active,,\n", true, 0, "line 3", 0 },
	{ "csv_bad_uid_after_blank_line", CSV_HEADER "p-a,Ana,scop-btp,member,A0000001,active,,\n"
					  "\n" "p-b,Bob,scop-btp,member,A00000,active,,\n", true, 0, "line 4", 0 },
	{ "csv_bad_uid_crlf", "person,name,uid\r\np-a,Ana,A0000001\r\np-b,Bob,A0000002\r\np-c,Cy,zz\r\n",
	  true, 0, "line 4", 0 },
	{ "csv_bad_uid_after_quoted_fields", "person,name,email,uid\n"
					       "p-a,Ana,\"a@example.org\",A0000001\n"
					       "p-b,\"Bob\",\"b@example.org\",A0000002\n"
					       "p-c,Cy,c@example.org,A00000\n", true, 0, "line 4", 0 },
	{ "csv_newline_inside_name", CSV_HEADER "p-x,\"Camille\nMartin\",scop-btp,member,,,,\n", true, 0,
	  "line 2", 0 },
	{ "csv_unknown_tenant", CSV_HEADER "p-x,X,nope,member,11223344,active,,\n", true, 0, "line 2", 0 },
	{ "csv_bad_date", CSV_HEADER "p-x,X,scop-btp,member,11223344,active,2027-02-30,\n", true, 0,
	  "line 2", 0 },
	{ "csv_two_names_for_one_person", CSV_HEADER "p-x,X,scop-btp,member,11223344,active,,\n"
					  "p-x,Y,scop-btp,member,11223345,active,,\n", true, 0, "line 3", 0 },
	{ "csv_duplicate_uid_two_spellings", CSV_HEADER "p-x,X,scop-btp,member,11:22:33:44,active,,\n"
					     "p-y,Y,scop-btp,member,11223344,active,,\n", true, 0, "line 3", 0 },
	{ "csv_nul_byte", "person,name\np-x,X\0Y\n", true, 0, NULL, 19 },
	/* a spreadsheet saved in Windows-1252, not UTF-8 */
	{ "csv_windows_1252", "person;name;uid\np-a;Ana;A0000001\np-x;Lef\xe8vre;01020305\n", true, 0,
	  "line 3: not UTF-8 (save the file as CSV UTF-8)", 0 },
	{ "csv_windows_1252_header", "person;name;pr\xe9nom\np-x;X;Y\n", true, 0, "line 1: not UTF-8", 0 },
	{ "csv_truncated_utf8", "person,name\np-x,Lef\xc3\n", true, 0, "line 2: not UTF-8", 0 },
	{ "csv_utf8_surrogate", "person,name\np-x,\xed\xa0\x80\n", true, 0, "line 2: not UTF-8", 0 },
	{ "csv_utf8_overlong", "person,name\np-x,\xc0\xaf\n", true, 0, "line 2: not UTF-8", 0 },
	/* old Mac line endings: the line counts all the same */
	{ "csv_bad_uid_cr_only", "person;name;uid\rp-a;Alice;A0000001\rp-b;Bob;0102030\r", true, 0,
	  "line 3", 0 },
	{ "csv_bad_uid_mixed_endings", "person;name;uid\r\np-a;Alice;A0000001\rp-b;Bob;A0000002\np-c;Cy;zz\r",
	  true, 0, "line 4", 0 },
};

/* --- what imports -------------------------------------------------------------- */

static void test_directory__example_imports(void **state)
{
	struct fixture *f = *state;
	struct directory_counts c;
	struct store_summary s;
	struct access_decision d;
	char err[512] = "";

	assert_int_equal(import_json(f->st, example_json, 0, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.doors, 1);
	assert_int_equal(c.schedules, 2);
	assert_int_equal(c.profiles, 2);
	assert_int_equal(c.tenants, 1);
	assert_int_equal(c.people, 1);
	assert_int_equal(c.credentials, 1);
	assert_int_equal(c.closures, 1);
	assert_int_equal(c.rooms, 0);
	assert_int_equal(c.removed, 0);
	assert_int_equal(store_summarize(f->st, &s, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(s.site, "Pôle de coopération");
	assert_string_equal(s.timezone, "Europe/Paris");
	assert_int_equal(s.doors + s.tenants + s.people + s.credentials, 4);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", &d), "granted");
	assert_string_equal(d.person_name, "Camille Martin");
	assert_string_equal(reason(f->st, CAMILLE, "2026-12-24T08:00:00Z", NULL), "closed_day");
}

/* a UTF-8 byte-order mark, as some editors write, and a file read by directory_import_file */
static void test_directory__bom_and_files(void **state)
{
	struct fixture *f = *state;
	char path[160], err[512] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "%s/annuaire.json", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "\xEF\xBB\xBF  \n%s", example_json);
	fclose(fp);
	assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted");
	snprintf(path, sizeof(path), "%s/badges.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("\xEF\xBB\xBFperson;name;tenant;uid\np-ana;Ana;scop-btp;A0000001\n", fp);
	fclose(fp);
	assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(reason(f->st, "A0000001", "2026-11-27T08:00:00Z", NULL), "granted");
	/* JSON of the wrong shape, or with two byte-order marks, is read as JSON */
	static const char *const json_shaped[] = { "[]", "  null\n", "\xEF\xBB\xBF[{\"people\": []}]", "true" };
	for (size_t i = 0; i < sizeof(json_shaped) / sizeof(json_shaped[0]); i++) {
		snprintf(path, sizeof(path), "%s/shape%zu.json", f->dir, i);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(json_shaped[i], fp);
		fclose(fp);
		err[0] = '\0';
		assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)),
				 SEUIL_ERR_INVALID);
		assert_string_equal(err, "$: must be an object");
	}
	snprintf(path, sizeof(path), "%s/twice.json", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "\xEF\xBB\xBF\xEF\xBB\xBF%s", "{\"closures\": [{\"date\": \"2027-08-16\"}]}");
	fclose(fp);
	assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)), SEUIL_OK);
	/* a quoted CSV header is still CSV */
	snprintf(path, sizeof(path), "%s/quoted.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("\"person\",\"name\",\"uid\"\n\"p-ana\",\"Ana\",\"A0000001\"\n", fp);
	fclose(fp);
	assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)), SEUIL_OK);
	/* a folder is not a file */
	err[0] = '\0';
	assert_int_equal(directory_import_file(f->st, f->dir, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "is a directory"));
	err[0] = '\0';
	snprintf(path, sizeof(path), "%s/absent.json", f->dir);
	assert_int_equal(directory_import_file(f->st, path, DIRECTORY_AUTO, 0, NULL, err, sizeof(err)), SEUIL_ERR_IO);
	assert_non_null(strstr(err, "absent.json"));
}

static void test_directory__reimport_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct directory_counts c1, c2;
	char *before = dump(f->path), *after, err[512] = "";

	assert_int_equal(import_json(f->st, example_json, 0, &c1, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(import_json(f->st, example_json, 0, &c2, err, sizeof(err)), SEUIL_OK);
	after = dump(f->path);
	assert_string_equal(before, after);
	assert_memory_equal(&c1, &c2, sizeof(c1));
	sqlite3_free(before);
	sqlite3_free(after);
}

/* an entry is the whole record: a new name replaces the old, an omitted status returns to active */
static void test_directory__update_by_id(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;
	struct store_summary s;
	char err[512] = "";

	import_q(f->st, "{'people':[{'id':'p-camille','name':'Camille Martin-Roux','tenant':'scop-btp',"
			"'status':'suspended'}]}", 0, NULL);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", &d), "person_inactive");
	assert_string_equal(d.person_name, "Camille Martin-Roux");
	import_q(f->st, "{'people':[{'id':'p-camille','name':'Camille Martin','tenant':'scop-btp'}],"
			"'doors':[{'id':'entree','name':'Porte','unlock_ms':7000}]}", 0, NULL);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", &d), "granted");
	assert_string_equal(d.person_name, "Camille Martin");
	assert_int_equal(d.unlock_ms, 7000);
	assert_int_equal(store_summarize(f->st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.people, 1);
	assert_int_equal(s.doors, 1);
	/* her personal profiles were cleared by the second entry (none given): only the tenant's remain */
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T21:30:00Z", NULL), "outside_schedule");
}

/* DIRECTORY_REPLACE: a person absent from the file goes, and their badges with them */
static void test_directory__replace_removes_absent_person(void **state)
{
	struct fixture *f = *state;
	struct directory_counts c;
	struct store_summary s;
	char *json = test_unquote("{'people':[{'id':'p-dom','name':'Dom','tenant':'scop-btp'}],"
			     "'credentials':[{'uid':'D0D0D0D0','person':'p-dom'},{'uid':'D0D0D0D1','person':'p-dom'}]}");
	char err[512] = "";

	assert_int_equal(import_json(f->st, json, 0, NULL, err, sizeof(err)), SEUIL_OK);
	free(json);
	assert_string_equal(reason(f->st, "D0D0D0D0", "2026-11-27T08:00:00Z", NULL), "granted");
	assert_int_equal(import_json(f->st, example_json, DIRECTORY_REPLACE, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.removed, 3);
	assert_string_equal(reason(f->st, "D0D0D0D0", "2026-11-27T08:00:00Z", NULL), "unknown_credential");
	assert_string_equal(reason(f->st, "D0D0D0D1", "2026-11-27T08:00:00Z", NULL), "unknown_credential");
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted");
	assert_int_equal(store_summarize(f->st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.people, 1);
	assert_int_equal(s.credentials, 1);
	/* replacing with the same file again removes nothing */
	assert_int_equal(import_json(f->st, example_json, DIRECTORY_REPLACE, &c, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(c.removed, 0);
}

static void test_directory__too_large(void **state)
{
	struct fixture *f = *state;
	char *before = dump(f->path), *after, err[512] = "";
	char *big = malloc((size_t)DIRECTORY_MAX_BYTES + 1);

	assert_non_null(big);
	memset(big, ' ', (size_t)DIRECTORY_MAX_BYTES + 1);
	big[0] = '{';
	assert_int_equal(directory_import_json(f->st, big, (size_t)DIRECTORY_MAX_BYTES + 1, 0, NULL, err,
					       sizeof(err)), SEUIL_ERR_TOO_LARGE);
	assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
	err[0] = '\0';
	assert_int_equal(directory_import_csv(f->st, big, (size_t)DIRECTORY_MAX_BYTES + 1, 0, NULL, err,
					      sizeof(err)), SEUIL_ERR_TOO_LARGE);
	assert_true(err[0] != '\0');
	free(big);
	after = dump(f->path);
	assert_string_equal(before, after);
	sqlite3_free(before);
	sqlite3_free(after);
}

/* --- CSV ----------------------------------------------------------------------- */

static void expect_csv_people(struct fixture *f, const char *csv)
{
	struct directory_counts c;
	struct access_decision d;
	char err[512] = "";

	if (directory_import_csv(f->st, csv, strlen(csv), 0, &c, err, sizeof(err)) != SEUIL_OK)
		fail_msg("refused: %s", err);
	assert_int_equal(c.people, 3);
	assert_int_equal(c.credentials, 3);
	assert_string_equal(reason(f->st, "A0000001", "2026-11-27T08:00:00Z", &d), "granted");
	assert_string_equal(d.person, "p-ana");
	assert_string_equal(d.person_name, "Ana Lopez");
	assert_string_equal(d.tenant, "scop-btp");
	assert_string_equal(reason(f->st, "A0000002", "2026-11-27T08:00:00Z", &d), "granted");
	assert_string_equal(d.person_name, "Martin, Bruno");
	assert_string_equal(reason(f->st, "A0000002", "2028-01-03T08:00:00Z", NULL), "credential_expired");
	assert_string_equal(reason(f->st, "A0000003", "2026-11-27T08:00:00Z", &d), "credential_lost");
	assert_string_equal(d.person, "p-bruno");
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted"); /* untouched */
	struct store_summary s;
	assert_int_equal(store_summarize(f->st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.people, 4); /* Camille, Ana, Bruno, and Chloé without a badge */
	assert_int_equal(s.credentials, 4);
}

static void test_directory__csv_comma(void **state)
{
	expect_csv_people(*state, CSV_HEADER
			  "p-ana,Ana Lopez,scop-btp,member,a0:00:00:01,active,,\n"
			  "p-bruno,\"Martin, Bruno\",scop-btp,manager,A0000002,active,2026-01-01,2027-12-31\n"
			  "p-bruno,\"Martin, Bruno\",scop-btp,manager,A0000003,lost,,\n"
			  "p-chloe,Chloé Roux,scop-btp,member,,,,\n");
}

static void test_directory__csv_semicolon(void **state)
{
	expect_csv_people(*state, "person;name;tenant;role;uid;status;valid_from;valid_until\n"
			  "p-ana;Ana Lopez;scop-btp;member;A0000001;active;;\n"
			  "p-bruno;Martin, Bruno;scop-btp;manager;A0000002;active;2026-01-01;2027-12-31\n"
			  "p-bruno;Martin, Bruno;scop-btp;manager;A0000003;lost;;\n"
			  "p-chloe;Chloé Roux;scop-btp;member;;;;\n");
}

static void test_directory__csv_bom_crlf(void **state)
{
	expect_csv_people(*state, "\xEF\xBB\xBF" "person,name,tenant,role,uid,status,valid_from,valid_until\r\n"
			  "p-ana, Ana Lopez ,scop-btp,member,A0000001,active,,\r\n"
			  "p-bruno,\"Martin, Bruno\",scop-btp,manager,A0000002,active,2026-01-01,2027-12-31\r\n"
			  "p-bruno,\"Martin, Bruno\",scop-btp,manager,A0000003,lost,,\r\n"
			  "\r\n"
			  "p-chloe,Chloé Roux,scop-btp,member,,,,");
}

/* replace mode for the CSV: people and badges become the file's; tenants and profiles stay */
static void test_directory__csv_replace(void **state)
{
	struct fixture *f = *state;
	const char *csv = "person,name,tenant,uid\np-ana,Ana,scop-btp,A0000001\n";
	struct directory_counts c;
	struct store_summary s;
	char err[512] = "";

	assert_int_equal(directory_import_csv(f->st, csv, strlen(csv), DIRECTORY_REPLACE, &c, err, sizeof(err)),
			 SEUIL_OK);
	assert_int_equal(c.removed, 2); /* Camille and her badge */
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "unknown_credential");
	assert_string_equal(reason(f->st, "A0000001", "2026-11-27T08:00:00Z", NULL), "granted");
	assert_int_equal(store_summarize(f->st, &s, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(s.people, 1);
	assert_int_equal(s.tenants, 1);
	assert_int_equal(s.doors, 1);
	assert_string_equal(reason(f->st, "A0000001", "2026-12-24T08:00:00Z", NULL), "closed_day");
}

/* the rows sql selects, read on a connection of its own: "a|b;c|d;" (NULL as "-") */
static char *rows(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	char *out = sqlite3_mprintf("%s", "");

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(stmt); i++) {
			const unsigned char *v = sqlite3_column_text(stmt, i);
			char *more = sqlite3_mprintf("%s%s%s", out, v != NULL ? (const char *)v : "-",
						     i + 1 < sqlite3_column_count(stmt) ? "|" : ";");
			sqlite3_free(out);
			out = more;
		}
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return out;
}

static void expect_rows(const char *path, const char *sql, const char *want)
{
	char *got = rows(path, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s\n got  %s\n want %s", sql, got, want);
	sqlite3_free(got);
}

static void import_csv_ok(struct store *st, const char *csv, unsigned flags)
{
	char err[512] = "";

	if (directory_import_csv(st, csv, strlen(csv), flags, NULL, err, sizeof(err)) != SEUIL_OK)
		fail_msg("refused: %s", err);
}

#define PERSON_ROW "SELECT id, name, tenant_id, role, email, status, valid_from, valid_until FROM people" \
		   " WHERE id = 'p-sacha'"
#define BADGE_ROW "SELECT identifier, person_id, status, valid_from, valid_until FROM credentials" \
		  " WHERE identifier = '5AC4A001'"
#define GRANTS_ROW "SELECT profile_id FROM grants WHERE person_id = 'p-sacha' ORDER BY 1"

/* a staff member with everything set, and a badge of hers reported lost */
static void import_sacha(struct store *st)
{
	import_q(st, "{'people':[{'id':'p-sacha','name':'Sacha Petit','tenant':'scop-btp','role':'staff',"
		     "'email':'sacha@pole.example','status':'suspended','valid_from':'2026-01-01',"
		     "'valid_until':'2027-06-30','profiles':['evenement']}],"
		     "'credentials':[{'uid':'5AC4A001','person':'p-sacha','status':'lost',"
		     "'valid_from':'2026-02-01','valid_until':'2027-01-31'}]}",
		 0, NULL);
}

/*
 * "import inserts or updates by id": a CSV column the header lacks leaves
 * the stored field alone (the audit's repro: a person;name;uid line made
 * Camille lose her tenant, and a staff member become a member without
 * e-mail or end date; a lost badge came back active)
 */
static void test_directory__csv_keeps_absent_columns(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	import_sacha(f->st);
	import_csv_ok(f->st, "person;name;uid\np-camille;Camille Martin;01020304\n", 0);
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", &d), "granted");
	assert_string_equal(d.tenant, "scop-btp");
	/* her own profile (evenement, Friday night) is kept too */
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T22:30:00Z", NULL), "granted");
	assert_string_equal(reason(f->st, "01020304", "2026-11-27T08:00:00Z", NULL), "granted");
	import_csv_ok(f->st, "person;name;uid\np-sacha;Sacha Petit-Roux;5A:C4:A0:01\n", 0);
	expect_rows(f->path, PERSON_ROW,
		    "p-sacha|Sacha Petit-Roux|scop-btp|staff|sacha@pole.example|suspended|2026-01-01|2027-06-30;");
	expect_rows(f->path, BADGE_ROW, "5AC4A001|p-sacha|lost|2026-02-01|2027-01-31;");
	expect_rows(f->path, GRANTS_ROW, "evenement;");
	/* a column that is there is applied; the others still kept */
	import_csv_ok(f->st, "person,name,role,valid_until,uid\np-sacha,Sacha Petit,manager,2027-01-15,5AC4A001\n", 0);
	expect_rows(f->path, PERSON_ROW,
		    "p-sacha|Sacha Petit|scop-btp|manager|sacha@pole.example|suspended|2026-01-01|2027-06-30;");
	expect_rows(f->path, BADGE_ROW, "5AC4A001|p-sacha|lost|2026-02-01|2027-01-15;");
	/* a new person gets the defaults */
	import_csv_ok(f->st, "person,name\np-new,Nouveau\n", 0);
	expect_rows(f->path, "SELECT tenant_id, role, email, status, valid_from, valid_until FROM people"
			     " WHERE id = 'p-new'", "-|member|-|active|-|-;");
}

/* a column that is there but empty sets the default: no tenant, member, active, no dates, no own profiles */
static void test_directory__csv_empty_cells_clear(void **state)
{
	struct fixture *f = *state;

	import_sacha(f->st);
	import_csv_ok(f->st,
		      "person;name;tenant;role;email;profiles;person_status;person_valid_from;person_valid_until;"
		      "uid;status;valid_from;valid_until\n"
		      "p-sacha;Sacha Petit;;;;;;;;5AC4A001;;;\n", 0);
	expect_rows(f->path, PERSON_ROW, "p-sacha|Sacha Petit|-|member|-|active|-|-;");
	expect_rows(f->path, BADGE_ROW, "5AC4A001|p-sacha|active|-|-;");
	expect_rows(f->path, GRANTS_ROW, "");
	/* and the person's own dates have columns of their own */
	import_csv_ok(f->st, "person;name;person_valid_from;person_valid_until\np-sacha;Sacha Petit;2026-03-01;2026-09-30\n",
		      0);
	expect_rows(f->path, PERSON_ROW, "p-sacha|Sacha Petit|-|member|-|active|2026-03-01|2026-09-30;");
}

/* --replace: each line is the whole record, as before (absent columns take their defaults) */
static void test_directory__csv_replace_is_whole_record(void **state)
{
	struct fixture *f = *state;

	import_sacha(f->st);
	import_csv_ok(f->st, "person;name;uid\np-sacha;Sacha Petit;5AC4A001\n", DIRECTORY_REPLACE);
	expect_rows(f->path, PERSON_ROW, "p-sacha|Sacha Petit|-|member|-|active|-|-;");
	expect_rows(f->path, BADGE_ROW, "5AC4A001|p-sacha|active|-|-;");
	expect_rows(f->path, "SELECT count(*) FROM people", "1;");
}

/* a date the CSV gives must agree with the one it keeps: refused, naming the line, nothing changed */
static void test_directory__csv_kept_date_out_of_order(void **state)
{
	struct fixture *f = *state;
	char *before, *after, err[512] = "";
	const char *csv = "person;name;person_valid_from\np-a;Ana;\np-sacha;Sacha Petit;2027-07-01\n";
	const char *badge = "person;name;uid;valid_until\np-sacha;Sacha Petit;5AC4A001;2026-01-15\n";

	import_sacha(f->st);
	before = dump(f->path);
	assert_int_equal(directory_import_csv(f->st, csv, strlen(csv), 0, NULL, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "line 3: valid_from 2027-07-01 would be after valid_until 2027-06-30"));
	err[0] = '\0';
	assert_int_equal(directory_import_csv(f->st, badge, strlen(badge), 0, NULL, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "line 2: valid_from 2026-02-01 would be after valid_until 2026-01-15"));
	after = dump(f->path);
	assert_string_equal(before, after);
	sqlite3_free(before);
	sqlite3_free(after);
}

/*
 * adding a door does not change the default (first) one: stored doors keep
 * their rank, new ones go after them; a file listing every door orders them
 */
static void test_directory__new_door_goes_last(void **state)
{
	struct fixture *f = *state;
	const char *order = "SELECT id, position FROM doors ORDER BY position, id";

	import_q(f->st, "{'doors':[{'id':'annexe','name':'Annexe'}]}", 0, NULL);
	expect_rows(f->path, order, "entree|0;annexe|1;");
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted"); /* at entree */
	import_q(f->st, "{'doors':[{'id':'cave'},{'id':'annexe','name':'Annexe B'}]}", 0, NULL);
	expect_rows(f->path, order, "entree|0;annexe|1;cave|2;");
	/* every stored door named: the file's order is the order (the office's replies are so) */
	import_q(f->st, "{'doors':[{'id':'annexe'},{'id':'cave'},{'id':'entree'}]}", 0, NULL);
	expect_rows(f->path, order, "annexe|0;cave|1;entree|2;");
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "no_right_for_door");
	/* --replace: the file's order, whatever was stored */
	assert_int_equal(directory_import_json(f->st, example_json, strlen(example_json), DIRECTORY_REPLACE, NULL,
					       NULL, 0),
			 SEUIL_OK);
	expect_rows(f->path, order, "entree|0;");
	assert_string_equal(reason(f->st, CAMILLE, "2026-11-27T08:00:00Z", NULL), "granted");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup_teardown(test_directory__example_imports, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_directory__bom_and_files, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_directory__reimport_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__update_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__replace_removes_absent_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_comma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_semicolon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_bom_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_keeps_absent_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_empty_cells_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_replace_is_whole_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__csv_kept_date_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory__new_door_goes_last, setup, teardown),
	};
	enum { NFIXED = sizeof(fixed) / sizeof(fixed[0]), NREFUSED = sizeof(refusals) / sizeof(refusals[0]) };
	static struct CMUnitTest tests[NFIXED + NREFUSED];
	static char names[NREFUSED][96];

	memcpy(tests, fixed, sizeof(fixed));
	/* one case per malformed input, each on a fresh store holding the example */
	for (size_t i = 0; i < NREFUSED; i++) {
		snprintf(names[i], sizeof(names[i]), "test_directory__refuses_%s", refusals[i].name);
		tests[NFIXED + i] = (struct CMUnitTest){ .name = names[i],
							 .test_func = test_directory__refuses,
							 .setup_func = setup,
							 .teardown_func = teardown,
							 .initial_state = (void *)&refusals[i] };
	}
	return _cmocka_run_group_tests("directory", tests, NFIXED + NREFUSED, NULL, NULL);
}
