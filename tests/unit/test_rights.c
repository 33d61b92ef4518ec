/*
 * test_rights.c - access_decide() against a real store: every reason code,
 * the evaluation order, lockdown, throttling, doors, the credential hash,
 * and that deciding writes nothing.  Schedules, daylight-saving changes,
 * holidays and closures are test_schedule.c's; import errors
 * test_directory.c's; the journal's contents and retention test_store.c's.
 */
#include "rights_fixture.h"

static void test_rights__example_badge_granted(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	decide(f->st, CAMILLE, "entree", ms("2026-11-27T08:00:00Z"), &d); /* Friday 09:00 */
	assert_true(d.granted);
	assert_string_equal(access_reason_code(d.reason), "granted");
	assert_int_equal(d.unlock_ms, 5000);
	assert_string_equal(d.door, "entree");
	assert_string_equal(d.person, "p-camille");
	assert_string_equal(d.person_name, "Camille Martin");
	assert_string_equal(d.tenant, "scop-btp");
	assert_string_equal(d.tenant_name, "Scop BTP");
	assert_false(d.staff);
	assert_int_equal(d.at_ms, ms("2026-11-27T08:00:00Z"));
}

static void test_rights__reason_codes_are_stable(void **state)
{
	static const char *const codes[ACCESS_REASON_COUNT] = {
		"granted", "unknown_credential", "credential_revoked", "credential_lost",
		"credential_expired", "credential_not_yet_valid", "person_inactive", "tenant_inactive",
		"no_right_for_door", "outside_schedule", "closed_day", "lockdown", "throttled",
	};

	(void)state;
	for (int r = 0; r < ACCESS_REASON_COUNT; r++)
		assert_string_equal(access_reason_code((enum access_reason)r), codes[r]);
	assert_non_null(access_reason_code((enum access_reason)99));
}

static void test_rights__unknown_credential(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	decide(f->st, "DEADBEEF", "entree", ms("2026-11-27T08:00:00Z"), &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
	assert_false(d.granted);
	assert_int_equal(d.unlock_ms, 0);
	assert_string_equal(d.person, "");
	assert_int_equal(strlen(d.credential_hash), 32);
}

static void test_rights__credential_statuses(void **state)
{
	struct fixture *f = *state;
	const char *at = "2026-11-27T08:00:00Z";
	char err[256] = "";

	assert_int_equal(credential_set_status(f->st, CAMILLE, "revoked", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "credential_revoked");
	assert_int_equal(credential_set_status(f->st, "04:a1:b2:c3:d4:e5:f6", "blocked", ms(at), err,
					       sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "credential_revoked");
	assert_int_equal(credential_set_status(f->st, CAMILLE, "lost", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "credential_lost");
	assert_int_equal(credential_set_status(f->st, CAMILLE, "active", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "granted");
	assert_int_equal(credential_set_status(f->st, CAMILLE, "stolen", ms(at), err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_int_equal(credential_set_status(f->st, "CAFEBABE", "revoked", ms(at), err, sizeof(err)),
			 SEUIL_ERR_NOT_FOUND);
}

/* dates are days of the site's calendar: 23:00Z on 27 November is already the 28th in Paris */
static void test_rights__credential_validity_edges(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'people':[{'id':'p-ana','name':'Ana','profiles':['partout']}],"
			"'credentials':[{'uid':'A0000001','person':'p-ana','valid_from':'2026-11-28'},"
			"{'uid':'A0000002','person':'p-ana','valid_until':'2026-11-27'}]}");
	EXPECT(f->st, "A0000001", "entree", "2026-11-27T22:59:59Z", "credential_not_yet_valid");
	EXPECT(f->st, "A0000001", "entree", "2026-11-27T23:00:00Z", "granted");
	EXPECT(f->st, "A0000002", "entree", "2026-11-27T22:59:59Z", "granted");
	EXPECT(f->st, "A0000002", "entree", "2026-11-27T23:00:00Z", "credential_expired");
}

static void test_rights__person_validity_edges(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'people':[{'id':'p-fin','name':'Fin','valid_until':'2026-11-27','profiles':['partout']},"
			"{'id':'p-debut','name':'Début','valid_from':'2026-11-28','profiles':['partout']},"
			"{'id':'p-parti','name':'Parti','status':'inactive','profiles':['partout']},"
			"{'id':'p-susp','name':'Susp','status':'suspended','profiles':['partout']}],"
			"'credentials':[{'uid':'A0000003','person':'p-fin'},{'uid':'A0000004','person':'p-debut'},"
			"{'uid':'A0000005','person':'p-parti'},{'uid':'A0000006','person':'p-susp'}]}");
	EXPECT(f->st, "A0000003", "entree", "2026-11-27T22:59:59Z", "granted");
	EXPECT(f->st, "A0000003", "entree", "2026-11-27T23:00:00Z", "person_inactive");
	EXPECT(f->st, "A0000004", "entree", "2026-11-27T22:59:59Z", "person_inactive");
	EXPECT(f->st, "A0000004", "entree", "2026-11-27T23:00:00Z", "granted");
	EXPECT(f->st, "A0000005", "entree", "2026-11-27T12:00:00Z", "person_inactive");
	EXPECT(f->st, "A0000006", "entree", "2026-11-27T12:00:00Z", "person_inactive");
}

/* a lease that ended yesterday refuses; one that ends today still opens */
static void test_rights__tenant_lease_edges(void **state)
{
	struct fixture *f = *state;

	import_q(f->st, "{'tenants':[{'id':'t-hier','name':'Hier','valid_until':'2026-11-26','profiles':['partout']},"
			"{'id':'t-jour','name':'Jour','valid_until':'2026-11-27','profiles':['partout']},"
			"{'id':'t-demain','name':'Demain','valid_from':'2026-11-28','profiles':['partout']},"
			"{'id':'t-susp','name':'Susp','status':'suspended','profiles':['partout']}],"
			"'people':[{'id':'p-h','name':'H','tenant':'t-hier'},{'id':'p-j','name':'J','tenant':'t-jour'},"
			"{'id':'p-d','name':'D','tenant':'t-demain'},{'id':'p-s','name':'S','tenant':'t-susp'}],"
			"'credentials':[{'uid':'B0000001','person':'p-h'},{'uid':'B0000002','person':'p-j'},"
			"{'uid':'B0000003','person':'p-d'},{'uid':'B0000004','person':'p-s'}]}");
	EXPECT(f->st, "B0000001", "entree", "2026-11-27T08:00:00Z", "tenant_inactive");
	EXPECT(f->st, "B0000002", "entree", "2026-11-27T08:00:00Z", "granted");
	EXPECT(f->st, "B0000002", "entree", "2026-11-27T22:59:59Z", "granted");
	EXPECT(f->st, "B0000002", "entree", "2026-11-27T23:00:00Z", "tenant_inactive"); /* 28th in Paris */
	EXPECT(f->st, "B0000003", "entree", "2026-11-27T22:59:59Z", "tenant_inactive");
	EXPECT(f->st, "B0000003", "entree", "2026-11-27T23:00:00Z", "granted");
	EXPECT(f->st, "B0000004", "entree", "2026-11-27T08:00:00Z", "tenant_inactive");
}

/* credential before person before tenant before rights */
static void test_rights__evaluation_order(void **state)
{
	struct fixture *f = *state;
	const char *at = "2026-11-27T08:00:00Z";

	import_q(f->st, "{'tenants':[{'id':'t-off','name':'Off','status':'inactive'}],"
			"'people':[{'id':'p-out','name':'Out','status':'inactive','tenant':'t-off'},"
			"{'id':'p-in','name':'In','tenant':'t-off'}],"
			"'credentials':[{'uid':'C0000001','person':'p-out','status':'revoked'},"
			"{'uid':'C0000002','person':'p-out','status':'lost'},"
			"{'uid':'C0000003','person':'p-out','status':'blocked'},"
			"{'uid':'C0000004','person':'p-out','valid_until':'2026-01-01'},"
			"{'uid':'C0000005','person':'p-out','valid_from':'2027-01-01'},"
			"{'uid':'C0000006','person':'p-out'},{'uid':'C0000007','person':'p-in'}]}");
	EXPECT(f->st, "C0000001", "entree", at, "credential_revoked");
	EXPECT(f->st, "C0000002", "entree", at, "credential_lost");
	EXPECT(f->st, "C0000003", "entree", at, "credential_revoked");
	EXPECT(f->st, "C0000004", "entree", at, "credential_expired");
	EXPECT(f->st, "C0000005", "entree", at, "credential_not_yet_valid");
	EXPECT(f->st, "C0000006", "entree", at, "person_inactive");
	EXPECT(f->st, "C0000007", "atelier", at, "tenant_inactive"); /* and no right for that door */
}

static void test_rights__no_right_for_door(void **state)
{
	struct fixture *f = *state;

	EXPECT(f->st, CAMILLE, "atelier", "2026-11-27T08:00:00Z", "no_right_for_door");
	EXPECT(f->st, CAMILLE, "velos", "2026-11-29T08:00:00Z", "no_right_for_door");
	import_q(f->st, "{'people':[{'id':'p-rien','name':'Rien'}],'credentials':[{'uid':'C0000008','person':'p-rien'}]}");
	EXPECT(f->st, "C0000008", "entree", "2026-11-27T08:00:00Z", "no_right_for_door");
}

/* --- schedules -------------------------------------------------------------- */

/* 07:00-20:00 in Paris (CET, +01:00 in November): the start is in, the end is out */
static void test_rights__lockdown_denies_all_but_staff(void **state)
{
	struct fixture *f = *state;
	const char *at = "2026-11-27T08:00:00Z";
	char err[256] = "";

	import_q(f->st, "{'people':[{'id':'p-staff','name':'Gardien','role':'staff','tenant':'scop-btp'},"
			"{'id':'p-mgr','name':'Gérante','role':'manager','profiles':['partout']}],"
			"'credentials':[{'uid':'0A0B0C0D','person':'p-staff'},{'uid':'0A0B0C0E','person':'p-mgr'}]}");
	EXPECT(f->st, CAMILLE, "entree", at, "granted"); /* loads what decisions cache */
	assert_int_equal(journal_set_lockdown(f->st, 1, "test", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "lockdown");
	EXPECT(f->st, "0A0B0C0E", "entree", at, "lockdown");
	EXPECT(f->st, "DEADBEEF", "entree", at, "lockdown");
	EXPECT(f->st, "0A0B0C0D", "entree", at, "granted");                        /* staff */
	EXPECT(f->st, "0A0B0C0D", "entree", "2026-11-29T10:00:00Z", "outside_schedule"); /* judged normally */
	EXPECT(f->st, "0A0B0C0D", "atelier", at, "no_right_for_door");
	assert_int_equal(journal_set_lockdown(f->st, 0, "test", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "granted");
	EXPECT(f->st, "0A0B0C0E", "entree", at, "granted");
}

/* lockdown turned on by another process (seuilctl) reaches the kiosk's handle */
static void test_rights__lockdown_from_another_handle(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	const char *at = "2026-11-27T08:00:00Z";
	char err[256] = "";

	EXPECT(f->st, CAMILLE, "entree", at, "granted");
	assert_int_equal(store_open(f->path, 0, &other, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(journal_set_lockdown(other, 1, "seuilctl", ms(at), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "entree", at, "lockdown");
	assert_int_equal(journal_set_lockdown(other, 0, "seuilctl", ms(at), err, sizeof(err)), SEUIL_OK);
	store_free(other);
	EXPECT(f->st, CAMILLE, "entree", at, "granted");
}

static void test_rights__throttle_unknown_identifier(void **state)
{
	struct fixture *f = *state;
	int64_t t0 = ms("2026-11-27T08:00:00Z");
	struct access_decision d;

	for (int i = 0; i < ACCESS_THROTTLE_COUNT; i++) {
		decide(f->st, "DEADBEEF", "entree", t0 + i * 1000, &d);
		assert_string_equal(access_reason_code(d.reason), "unknown_credential");
		record(f->st, &d, NULL);
	}
	decide(f->st, "de:ad:be:ef", "entree", t0 + 5000, &d);
	assert_string_equal(access_reason_code(d.reason), "throttled");
	assert_false(d.granted);
	record(f->st, &d, NULL);
	decide(f->st, "DEADBEEF", NULL, t0 + 10000, &d);
	assert_string_equal(access_reason_code(d.reason), "throttled");
	/* another card is not slowed down, nor a known one */
	decide(f->st, "DEADBEF0", "entree", t0 + 5000, &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
	decide(f->st, CAMILLE, "entree", t0 + 5000, &d);
	assert_string_equal(access_reason_code(d.reason), "granted");
	/* the window slides: 61 s after the fifth tap, four remain in it (t0+2s .. t0+5s) */
	decide(f->st, "DEADBEEF", "entree", t0 + 61000, &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
	decide(f->st, "DEADBEEF", "entree", t0 + 3600000, &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
}

/* four recorded taps, or any number of unrecorded decisions, do not throttle */
static void test_rights__throttle_counts_recorded_only(void **state)
{
	struct fixture *f = *state;
	int64_t t0 = ms("2026-11-27T08:00:00Z");
	struct access_decision d;

	for (int i = 0; i < 20; i++)
		decide(f->st, "CAFEBABE", "entree", t0 + i, &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
	for (int i = 0; i < ACCESS_THROTTLE_COUNT - 1; i++) {
		decide(f->st, "CAFEBABE", "entree", t0 + i, &d);
		record(f->st, &d, NULL);
	}
	decide(f->st, "CAFEBABE", "entree", t0 + 100, &d);
	assert_string_equal(access_reason_code(d.reason), "unknown_credential");
}

/* 300 other unknown cards tapped (and recorded) within the same minute do not hide the five taps */
static void test_rights__throttle_survives_busy_minute(void **state)
{
	struct fixture *f = *state;
	int64_t t0 = ms("2026-11-27T08:00:00Z");
	struct access_decision d;
	char uid[16];

	for (int i = 0; i < ACCESS_THROTTLE_COUNT; i++) {
		decide(f->st, "DEADBEEF", "entree", t0 + i, &d);
		record(f->st, &d, NULL);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(uid, sizeof(uid), "%08X", 0x10000000u + (unsigned)i);
		decide(f->st, uid, "entree", t0 + 100 + i * 100, &d);
		record(f->st, &d, NULL);
	}
	decide(f->st, "DEADBEEF", "entree", t0 + 40000, &d);
	if (d.reason != ACCESS_THROTTLED)
		fail_msg("5 recorded taps 40 s ago, then 300 other events: %s, expected throttled",
			 access_reason_code(d.reason));
}

/* --- identifiers, doors ------------------------------------------------------ */

static void test_rights__uid_spellings(void **state)
{
	static const char *const spellings[] = { "04A1B2C3D4E5F6", "04a1b2c3d4e5f6", "04:A1:B2:C3:D4:E5:F6",
						 "04:a1:b2:c3:d4:e5:f6", "04-A1-B2-C3-D4-E5-F6" };
	struct fixture *f = *state;
	struct access_decision first, d;

	decide(f->st, spellings[0], "entree", ms("2026-11-27T08:00:00Z"), &first);
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		decide(f->st, spellings[i], "entree", ms("2026-11-27T08:00:00Z"), &d);
		assert_true(d.granted);
		assert_string_equal(d.person, "p-camille");
		assert_string_equal(d.credential_hash, first.credential_hash);
	}
}

static void test_rights__malformed_uid_is_an_error(void **state)
{
	static const char *const bad[] = { "04A1B2C3D4E5F", "04A1B2C3D4", "04A1B2C3D4E5GG", "",
					   "04A1:B2C3D4E5F6", "0102030405060708090A0B" };
	struct fixture *f = *state;
	struct access_decision d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct access_request req = { .identifier = bad[i], .door = "entree", .now_ms = ms("2026-11-27T08:00:00Z") };
		char err[256] = "";
		if (access_decide(f->st, &req, &d, err, sizeof(err)) != SEUIL_ERR_INVALID)
			fail_msg("\"%s\" not refused as invalid", bad[i]);
		assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
	}
	struct access_request pin = { .kind = "pin", .identifier = "1234", .now_ms = 0 };
	assert_int_equal(access_decide(f->st, &pin, &d, NULL, 0), SEUIL_ERR_INVALID);
}

static void test_rights__unknown_door_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct access_request req = { .identifier = CAMILLE, .door = "cave", .now_ms = ms("2026-11-27T08:00:00Z") };
	struct access_decision d;
	char err[256] = "";

	assert_int_equal(access_decide(f->st, &req, &d, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "cave"));
	req.identifier = "DEADBEEF"; /* an unknown card at an unknown door: still an error */
	assert_int_equal(access_decide(f->st, &req, &d, NULL, 0), SEUIL_ERR_NOT_FOUND);
}

/* NULL or "" is the site's first door in file order ("entree"), not the first by id ("atelier") */
static void test_rights__default_door_is_first_in_file(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	decide(f->st, CAMILLE, NULL, ms("2026-11-27T08:00:00Z"), &d);
	assert_string_equal(d.door, "entree");
	assert_true(d.granted);
	decide(f->st, CAMILLE, "", ms("2026-11-27T08:00:00Z"), &d);
	assert_string_equal(d.door, "entree");
	decide(f->st, "DEADBEEF", NULL, ms("2026-11-27T08:00:00Z"), &d);
	assert_string_equal(d.door, "entree");
}

static void test_rights__unlock_ms_per_door(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;
	int64_t at = ms("2026-11-27T08:00:00Z");

	import_q(f->st, "{'people':[{'id':'p-t','name':'T','profiles':['partout']}],"
			"'credentials':[{'uid':'A1A2A3A9','person':'p-t'}]}");
	decide(f->st, "A1A2A3A9", "entree", at, &d);
	assert_true(d.granted);
	assert_int_equal(d.unlock_ms, 5000);
	decide(f->st, "A1A2A3A9", "atelier", at, &d);
	assert_int_equal(d.unlock_ms, 12000);
	decide(f->st, "A1A2A3A9", "velos", at, &d);
	assert_int_equal(d.unlock_ms, 800);
	decide(f->st, "A1A2A3A9", "entree", at, &d); /* the default door again, after the others */
	assert_int_equal(d.unlock_ms, 5000);
	decide(f->st, CAMILLE, "atelier", at, &d);
	assert_false(d.granted);
	assert_int_equal(d.unlock_ms, 0);
}

static void test_rights__enrolled_badge_opens(void **state)
{
	struct fixture *f = *state;
	int64_t at = ms("2026-11-27T08:00:00Z");
	char err[256] = "";

	import_q(f->st, "{'people':[{'id':'p-t','name':'T','profiles':['partout']}]}");
	EXPECT(f->st, "11:22:33:44", "entree", "2026-11-27T08:00:00Z", "unknown_credential");
	assert_int_equal(credential_enroll(f->st, "11:22:33:44", "p-camille", NULL, NULL, 0, at, err,
					   sizeof(err)), SEUIL_OK);
	EXPECT(f->st, "11223344", "entree", "2026-11-27T08:00:00Z", "granted");
	EXPECT(f->st, "11223344", "atelier", "2026-11-27T08:00:00Z", "no_right_for_door");
	assert_int_equal(credential_enroll(f->st, "11223344", "p-t", NULL, NULL, 0, at, err, sizeof(err)),
			 SEUIL_ERR_INVALID);
	assert_int_equal(credential_enroll(f->st, "11223344", "p-t", NULL, NULL, 1, at, err, sizeof(err)),
			 SEUIL_OK);
	EXPECT(f->st, "11223344", "atelier", "2026-11-27T08:00:00Z", "granted");
	assert_int_equal(credential_enroll(f->st, "11223345", "p-nobody", NULL, NULL, 0, at, err, sizeof(err)),
			 SEUIL_ERR_NOT_FOUND);
	assert_int_equal(credential_enroll(f->st, "11223346", "p-t", "2026-12-01", NULL, 0, at, err,
					   sizeof(err)), SEUIL_OK);
	EXPECT(f->st, "11223346", "entree", "2026-11-27T08:00:00Z", "credential_not_yet_valid");
}

static void test_rights__empty_directory_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct store *empty = NULL;
	struct access_request req = { .identifier = CAMILLE, .now_ms = 0 };
	struct access_decision d;
	char path[160], err[256] = "";

	snprintf(path, sizeof(path), "%s/empty.db", f->dir);
	assert_int_equal(store_open(path, STORE_CREATE, &empty, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(access_decide(empty, &req, &d, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_true(err[0] != '\0');
	store_free(empty);
}

/* doors and rights changed by an import reach the very next decision */
static void test_rights__directory_changes_seen_by_next_decision(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;
	int64_t at = ms("2026-11-27T08:00:00Z");

	decide(f->st, CAMILLE, NULL, at, &d);
	assert_int_equal(d.unlock_ms, 5000);
	import_q(f->st, "{'doors':[{'id':'entree','name':'Entrée','unlock_ms':3000}]}");
	decide(f->st, CAMILLE, NULL, at, &d);
	assert_string_equal(d.door, "entree");
	assert_int_equal(d.unlock_ms, 3000);
	import_q(f->st, "{'doors':[{'id':'velos','unlock_ms':800},{'id':'entree'},{'id':'atelier'}]}");
	decide(f->st, CAMILLE, NULL, at, &d);
	assert_string_equal(d.door, "velos"); /* the new first door in file order */
	/* the site moves to New York: 06:59 there is 11:59Z */
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T11:59:00Z", "granted");
	import_q(f->st, "{'site':{'name':'Ailleurs','timezone':'America/New_York'}}");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T11:59:00Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T12:00:00Z", "granted");
	import_q(f->st, "{'people':[{'id':'p-camille','name':'Camille Martin','tenant':'scop-btp','status':'inactive'}]}");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T12:00:00Z", "person_inactive");
}

/* --- the credential hash, purity ------------------------------------------------ */

static bool is_hex32(const char *s)
{
	if (strlen(s) != 32)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static void test_rights__credential_hash(void **state)
{
	struct fixture *f = *state;
	struct access_decision a, b, c;
	char direct[ACCESS_HASH_HEX], err[256] = "";
	int64_t at = ms("2026-11-27T08:00:00Z");

	decide(f->st, CAMILLE, "entree", at, &a);
	decide(f->st, "04:a1:b2:c3:d4:e5:f6", "atelier", at + 999, &b);
	decide(f->st, "04A1B2C3D4E5F7", "entree", at, &c);
	assert_true(is_hex32(a.credential_hash));
	assert_string_equal(a.credential_hash, b.credential_hash);
	assert_string_not_equal(a.credential_hash, c.credential_hash);
	assert_null(strstr(a.credential_hash, "04a1b2c3"));
	assert_null(strcasestr(a.credential_hash, CAMILLE));
	assert_int_equal(access_credential_hash(f->st, "uid", CAMILLE, direct, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(direct, a.credential_hash);
	/* keyed: another store (another key) gives another hash for the same card */
	struct store *other = NULL;
	char path[160];
	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	assert_int_equal(store_open(path, STORE_CREATE, &other, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(access_credential_hash(other, "uid", CAMILLE, direct, err, sizeof(err)), SEUIL_OK);
	assert_string_not_equal(direct, a.credential_hash);
	store_free(other);
}

/* deciding is pure: no event, no outbox row, no commit seen by another handle */
static void test_rights__decide_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct store_summary before, after;
	struct store *watcher = NULL;
	struct access_decision d;
	char err[256] = "";
	int64_t version, at = ms("2026-11-27T08:00:00Z");

	assert_int_equal(store_open(f->path, 0, &watcher, err, sizeof(err)), SEUIL_OK);
	version = store_data_version(watcher);
	assert_int_equal(store_summarize(f->st, &before, err, sizeof(err)), SEUIL_OK);
	for (int i = 0; i < 20; i++) {
		decide(f->st, CAMILLE, i % 2 ? "entree" : NULL, at + i * 3600000LL, &d);
		decide(f->st, "DEADBEEF", "entree", at + i, &d);
		decide(f->st, CAMILLE, "atelier", at, &d);
	}
	assert_int_equal(store_summarize(f->st, &after, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(after.events, before.events);
	assert_int_equal(after.outbox, before.outbox);
	assert_int_equal(after.last_seq, before.last_seq);
	assert_int_equal(journal_count(f->st), before.events);
	assert_int_equal(store_data_version(watcher), version);
	store_free(watcher);
}

/* the process's TZ (New York here) changes nothing: the site's zone decides */
static void test_rights__decisions_ignore_process_tz(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(getenv("TZ"), "America/New_York");
	import_q(f->st, "{'people':[{'id':'p-eve','name':'Eve','profiles':['evenement']}],"
			"'credentials':[{'uid':'E1E2E3E4','person':'p-eve'}]}");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T06:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T05:59:59Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-27T19:00:00Z", "outside_schedule");
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-28T00:00:00Z", "granted");          /* sat 01:00 Paris */
	EXPECT(f->st, "E1E2E3E4", "entree", "2026-11-29T00:00:00Z", "outside_schedule"); /* sun 01:00 Paris */
	EXPECT(f->st, CAMILLE, "entree", "2026-03-30T05:00:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-10-26T05:00:00Z", "outside_schedule");
	EXPECT(f->st, CAMILLE, "entree", "2026-12-24T08:00:00Z", "closed_day");
	EXPECT(f->st, CAMILLE, "entree", "2027-07-14T10:00:00Z", "closed_day");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rights__example_badge_granted),
		T(test_rights__reason_codes_are_stable),
		T(test_rights__unknown_credential),
		T(test_rights__credential_statuses),
		T(test_rights__credential_validity_edges),
		T(test_rights__person_validity_edges),
		T(test_rights__tenant_lease_edges),
		T(test_rights__evaluation_order),
		T(test_rights__no_right_for_door),
		T(test_rights__lockdown_denies_all_but_staff),
		T(test_rights__lockdown_from_another_handle),
		T(test_rights__throttle_unknown_identifier),
		T(test_rights__throttle_counts_recorded_only),
		T(test_rights__throttle_survives_busy_minute),
		T(test_rights__directory_changes_seen_by_next_decision),
		T(test_rights__uid_spellings),
		T(test_rights__malformed_uid_is_an_error),
		T(test_rights__unknown_door_is_not_found),
		T(test_rights__default_door_is_first_in_file),
		T(test_rights__unlock_ms_per_door),
		T(test_rights__enrolled_badge_opens),
		T(test_rights__empty_directory_is_not_found),
		T(test_rights__credential_hash),
		T(test_rights__decide_writes_nothing),
		cmocka_unit_test_setup_teardown(test_rights__decisions_ignore_process_tz, setup_new_york,
						teardown_new_york),
	};
#undef T

	return cmocka_run_group_tests_name("rights", tests, NULL, NULL);
}

