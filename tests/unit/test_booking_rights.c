/*
 * test_booking_rights.c - access from bookings (rights.c, step 5): the
 * members of a booking's organiser tenant are let in through the booked
 * room's doors from BOOKINGS_LEAD_S before its start to its end, even
 * outside their schedule or without a right for that door; the booking is
 * named in the decision's detail and so in the journal.  Lockdown, a
 * revoked badge and an inactive tenant still refuse; another tenant,
 * another door and a cancelled booking give nothing.
 */
#include "rights_fixture.h"

#include "bookings.h"

#define LEA "8E3F21A7"

/* the fixture's directory with a second tenant and two rooms */
static const char rooms_json[] =
	"{'site': {'name': 'Pôle', 'timezone': 'Europe/Paris'},"
	" 'doors': [{'id': 'entree', 'name': 'Entrée'}, {'id': 'atelier', 'name': 'Atelier', 'unlock_ms': 12000},"
	"   {'id': 'velos', 'name': 'Vélos'}],"
	" 'schedules': [{'id': 'bureaux', 'holidays': 'closed',"
	"   'windows': [{'days': 'mon-fri', 'from': '07:00', 'to': '20:00'}]}],"
	" 'profiles': [{'id': 'resident', 'doors': ['entree'], 'schedule': 'bureaux'}],"
	" 'tenants': [{'id': 'scop-btp', 'name': 'Scop BTP', 'profiles': ['resident']},"
	"   {'id': 'radio', 'name': 'Radio', 'profiles': ['resident']}],"
	" 'people': [{'id': 'p-camille', 'name': 'Camille Martin', 'tenant': 'scop-btp'},"
	"   {'id': 'p-lea', 'name': 'Léa Moreau', 'tenant': 'radio'}],"
	" 'credentials': [{'uid': '04A1B2C3D4E5F6', 'person': 'p-camille'}, {'uid': '8E3F21A7', 'person': 'p-lea'}],"
	" 'rooms': [{'id': 'navale', 'name': 'Salle Navale', 'doors': ['atelier'], 'calendar': 'https://dav.example/n/'},"
	"   {'id': 'estuaire', 'name': 'Salle Estuaire', 'doors': ['entree'], 'calendar': 'https://dav.example/e/'}]}";

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil//test//FR\r\n" body "END:VCALENDAR\r\n"

/* Sunday 29 November 2026, 10:00-11:00 UTC (11:00-12:00 in Paris), Scop BTP's */
static const char booked[] = CAL("BEGIN:VEVENT\r\nUID:ag-scop@seuil\r\nDTSTAMP:20261101T000000Z\r\n"
				 "DTSTART:20261129T100000Z\r\nDTEND:20261129T110000Z\r\nSUMMARY:AG\r\n"
				 "X-SEUIL-TENANT:scop-btp\r\nEND:VEVENT\r\n");
static const char cancelled[] = CAL("BEGIN:VEVENT\r\nUID:annule@seuil\r\nDTSTAMP:20261101T000000Z\r\n"
				    "DTSTART:20261129T140000Z\r\nDTEND:20261129T150000Z\r\nSUMMARY:Annulé\r\n"
				    "STATUS:CANCELLED\r\nX-SEUIL-TENANT:scop-btp\r\nEND:VEVENT\r\n");

static void put_room(struct store *st, const char *room, const char *ical)
{
	struct booking_item item = { "/x/item.ics", "\"1\"", ical };
	char err[256] = "";

	if (bookings_replace(st, room, &item, 1, NULL, ms("2026-11-29T00:00:00Z") / 1000, NULL, err, sizeof(err)) !=
	    SEUIL_OK)
		fail_msg("bookings_replace: %s", err);
}

static int setup_rooms(void **state)
{
	struct fixture *f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	import_q(f->st, rooms_json);
	put_room(f->st, "navale", booked);
	put_room(f->st, "estuaire", cancelled);
	return 0;
}

static void test_booking_rights__lead_time_and_end(void **state)
{
	struct fixture *f = *state;

	/* Camille has no right at the atelier door at all: the booking alone lets her in */
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T09:29:00Z", "no_right_for_door"); /* 31 min before */
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T09:29:59Z", "no_right_for_door");
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T09:30:00Z", "granted");           /* 30 min before */
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:30:00Z", "granted");
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:59:59Z", "granted");
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T11:00:00Z", "no_right_for_door"); /* the end */
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T12:00:00Z", "no_right_for_door");
}

static int last_event(const struct journal_event *ev, void *ctx)
{
	*(struct journal_event *)ctx = *ev;
	return 0;
}

static void test_booking_rights__detail_reaches_the_journal(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;
	struct journal_event ev;
	char err[256] = "";

	decide(f->st, CAMILLE, "atelier", ms("2026-11-29T10:00:00Z"), &d);
	assert_true(d.granted);
	assert_string_equal(d.detail, "booking navale: ag-scop@seuil");
	assert_int_equal(d.unlock_ms, 12000);
	record(f->st, &d, NULL);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(journal_list(f->st, 0, last_event, &ev, err, sizeof(err)), SEUIL_OK);
	assert_string_equal(ev.reason, "granted");
	assert_string_equal(ev.detail, "booking navale: ag-scop@seuil");
}

static void test_booking_rights__others_get_nothing(void **state)
{
	struct fixture *f = *state;

	/* another tenant's member */
	EXPECT(f->st, LEA, "atelier", "2026-11-29T10:00:00Z", "no_right_for_door");
	/* a door that is not the room's */
	EXPECT(f->st, CAMILLE, "velos", "2026-11-29T10:00:00Z", "no_right_for_door");
	/* a cancelled booking of a room behind the entrance: Sunday is outside the schedule */
	EXPECT(f->st, CAMILLE, "entree", "2026-11-29T14:30:00Z", "outside_schedule");
}

static void test_booking_rights__outside_schedule_at_a_room_door(void **state)
{
	struct fixture *f = *state;
	struct access_decision d;

	put_room(f->st, "estuaire", booked);
	EXPECT(f->st, CAMILLE, "entree", "2026-11-29T10:15:00Z", "granted");
	EXPECT(f->st, CAMILLE, "entree", "2026-11-29T11:15:00Z", "outside_schedule");
	/* within the schedule the booking is not even looked at */
	decide(f->st, CAMILLE, "entree", ms("2026-11-30T10:00:00Z"), &d);
	assert_true(d.granted);
	assert_string_equal(d.detail, "");
}

static void test_booking_rights__refusals_still_refuse(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	/* an inactive tenant */
	import_q(f->st, "{'tenants': [{'id': 'scop-btp', 'name': 'Scop BTP', 'status': 'inactive'}]}");
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:00:00Z", "tenant_inactive");
	import_q(f->st, rooms_json);
	put_room(f->st, "navale", booked);
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:00:00Z", "granted");
	/* lockdown */
	assert_int_equal(journal_set_lockdown(f->st, 1, "test", ms("2026-11-29T09:00:00Z"), err, sizeof(err)),
			 SEUIL_OK);
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:00:00Z", "lockdown");
	assert_int_equal(journal_set_lockdown(f->st, 0, "test", ms("2026-11-29T09:00:00Z"), err, sizeof(err)),
			 SEUIL_OK);
	/* a revoked badge */
	assert_int_equal(credential_set_status(f->st, CAMILLE, "revoked", ms("2026-11-29T09:00:00Z"), err, sizeof(err)), SEUIL_OK);
	EXPECT(f->st, CAMILLE, "atelier", "2026-11-29T10:00:00Z", "credential_revoked");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_booking_rights__lead_time_and_end, setup_rooms, teardown),
		cmocka_unit_test_setup_teardown(test_booking_rights__detail_reaches_the_journal, setup_rooms, teardown),
		cmocka_unit_test_setup_teardown(test_booking_rights__others_get_nothing, setup_rooms, teardown),
		cmocka_unit_test_setup_teardown(test_booking_rights__outside_schedule_at_a_room_door, setup_rooms,
						teardown),
		cmocka_unit_test_setup_teardown(test_booking_rights__refusals_still_refuse, setup_rooms, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
