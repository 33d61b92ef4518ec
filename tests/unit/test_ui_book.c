/*
 * test_ui_book.c - the rooms board and book now in the pure state machine,
 * with fake services and virtual time: offered only to a granted tenant's
 * member, the lengths a room is not free for cannot be chosen, a request is
 * never shown as booked before its answer, an unanswered one is cancelled
 * and shown as failed, one seuil-sync took gets more time, a conflict found
 * here is said at once, the board pages and goes home when left alone.
 */
#include "ui_state.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static struct fake {
	enum ui_book_poll poll;
	bool cancellable;
	int cancels, books;
	enum ui_book_sent sent;
	int rooms_total;
} fake;

static bool f_free_rooms(void *ctx, struct ui_book_room *out, size_t max, size_t *n)
{
	(void)ctx;
	*n = 0;
	if (max >= 2) {
		out[0] = (struct ui_book_room){ "atelier", "Atelier", 8, 90 };
		out[1] = (struct ui_book_room){ "estuaire", "Salle Estuaire", 12, 40 };
		*n = 2;
	}
	return true;
}

static enum ui_book_sent f_book(void *ctx, const char *room, int minutes, const char *tenant, const char *person,
				int64_t *request, char start[8], char end[8])
{
	(void)ctx;
	assert_string_equal(room, "estuaire");
	assert_int_equal(minutes, 30);
	assert_string_equal(tenant, "scop-btp");
	assert_string_equal(person, "p-camille");
	fake.books++;
	*request = 42;
	snprintf(start, 8, "10:00");
	snprintf(end, 8, "10:30");
	return fake.sent;
}

static enum ui_book_poll f_poll(void *ctx, int64_t request)
{
	(void)ctx;
	assert_int_equal(request, 42);
	return fake.poll;
}

static bool f_cancel(void *ctx, int64_t request)
{
	(void)ctx;
	assert_int_equal(request, 42);
	fake.cancels++;
	return fake.cancellable;
}

static bool f_board(void *ctx, int offset, struct ui_board *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->total = fake.rooms_total;
	out->offset = offset;
	out->n = fake.rooms_total - offset < UI_BOARD_ROWS ? fake.rooms_total - offset : UI_BOARD_ROWS;
	return true;
}

static const struct ui_book_services svc = { NULL, f_free_rooms, f_book, f_poll, f_cancel, f_board };

static void step(struct ui_state *s, const struct ui_event *ev, int64_t now)
{
	struct ui_actions act;
	ui_step(s, ev, now, &act);
}

static void tap(struct ui_state *s, const struct ui_rect *r, int64_t now)
{
	struct ui_event ev = { .kind = UI_EV_TAP, .x = r->x + r->w / 2, .y = r->y + r->h / 2 };
	step(s, &ev, now);
}

static void tick(struct ui_state *s, int64_t now)
{
	struct ui_event ev = { .kind = UI_EV_TICK, .minute_of_day = 600 };
	step(s, &ev, now);
}

static void badge(struct ui_state *s, bool granted, const char *tenant, int64_t now)
{
	struct ui_event ev = { .kind = UI_EV_BADGE };
	ev.badge.granted = granted;
	ev.badge.can_book = true;
	snprintf(ev.badge.tenant, sizeof(ev.badge.tenant), "%s", tenant);
	snprintf(ev.badge.person, sizeof(ev.badge.person), "p-camille");
	snprintf(ev.badge.organisation, sizeof(ev.badge.organisation), "Scop BTP");
	step(s, &ev, now);
}

static int setup(void **state)
{
	static struct ui_state s;

	memset(&fake, 0, sizeof(fake));
	fake.poll = UI_BOOK_P_PENDING;
	fake.cancellable = true;
	fake.sent = UI_BOOK_SENT;
	fake.rooms_total = 6;
	ui_state_init(&s);
	s.book_svc = &svc;
	*state = &s;
	return 0;
}

/* badge, Book, Estuaire (second row), 30 minutes, confirm */
static void to_wait(struct ui_state *s)
{
	struct ui_rect row = ui_book_room_row(1);

	badge(s, true, "scop-btp", 1000);
	assert_true(ui_book_offered(s));
	tap(s, &UI_RESULT_BOOK, 2000);
	assert_int_equal(s->screen, UI_SCREEN_BOOK);
	assert_int_equal(s->book.nrooms, 2);
	tap(s, &row, 3000);
	assert_int_equal(s->book.step, UI_BOOK_LENGTH);
	tap(s, &UI_BOOK_DURATION[1], 4000); /* 60: the room is free for 40 only */
	assert_int_equal(s->book.step, UI_BOOK_LENGTH);
	tap(s, &UI_BOOK_DURATION[0], 5000);
	assert_int_equal(s->book.step, UI_BOOK_CONFIRM_STEP);
	tap(s, &UI_BOOK_CONFIRM, 6000);
}

static void test_ui_book__offered_only_to_a_granted_member(void **state)
{
	struct ui_state *s = *state;

	badge(s, false, "scop-btp", 1000);
	assert_false(ui_book_offered(s));
	badge(s, true, "", 2000);
	assert_false(ui_book_offered(s));
	tap(s, &UI_RESULT_BOOK, 3000);
	assert_int_equal(s->screen, UI_SCREEN_RESULT);
	s->book_svc = NULL;
	badge(s, true, "scop-btp", 4000);
	assert_false(ui_book_offered(s));
}

static void test_ui_book__answer_ok(void **state)
{
	struct ui_state *s = *state;

	to_wait(s);
	assert_int_equal(s->book.step, UI_BOOK_WAIT);
	assert_int_equal(fake.books, 1);
	tick(s, 7000);
	assert_int_equal(s->book.step, UI_BOOK_WAIT); /* never booked before the answer */
	/* the idle timer does not send a waiting person home */
	s->idle_ms = 1000;
	fake.poll = UI_BOOK_P_OK;
	tick(s, 9000);
	assert_int_equal(s->book.step, UI_BOOK_DONE);
	assert_int_equal(s->book.outcome, UI_BOOK_OUT_OK);
	assert_string_equal(s->book.start, "10:00");
	assert_int_equal(fake.cancels, 0);
}

static void test_ui_book__timeout_cancels(void **state)
{
	struct ui_state *s = *state;

	to_wait(s);
	tick(s, 6000 + UI_BOOK_WAIT_MS - 1);
	assert_int_equal(s->book.step, UI_BOOK_WAIT);
	tick(s, 6000 + UI_BOOK_WAIT_MS);
	assert_int_equal(fake.cancels, 1);
	assert_int_equal(s->book.step, UI_BOOK_DONE);
	assert_int_equal(s->book.outcome, UI_BOOK_OUT_TIMEOUT);
	tick(s, 6000 + UI_BOOK_WAIT_MS + UI_BOOK_DONE_MS);
	assert_int_equal(s->screen, UI_SCREEN_HOME);
}

static void test_ui_book__taken_gets_more_time(void **state)
{
	struct ui_state *s = *state;

	to_wait(s);
	fake.poll = UI_BOOK_P_TAKEN;
	fake.cancellable = false;
	tick(s, 6000 + UI_BOOK_WAIT_MS);
	assert_int_equal(s->book.step, UI_BOOK_WAIT);
	fake.poll = UI_BOOK_P_CONFLICT;
	tick(s, 6000 + UI_BOOK_WAIT_MS + 1000);
	assert_int_equal(s->book.outcome, UI_BOOK_OUT_CONFLICT);
}

static void test_ui_book__offline_and_local_conflict(void **state)
{
	struct ui_state *s = *state;

	to_wait(s);
	fake.poll = UI_BOOK_P_OFFLINE;
	tick(s, 7000);
	assert_int_equal(s->book.outcome, UI_BOOK_OUT_OFFLINE);
	tap(s, &UI_BOOK_HOME, 8000);
	assert_int_equal(s->screen, UI_SCREEN_HOME);
	fake.sent = UI_BOOK_TAKEN_HERE;
	to_wait(s);
	assert_int_equal(s->book.step, UI_BOOK_DONE);
	assert_int_equal(s->book.outcome, UI_BOOK_OUT_CONFLICT);
}

static void test_ui_book__badge_while_waiting_cancels(void **state)
{
	struct ui_state *s = *state;

	to_wait(s);
	badge(s, true, "radio", 7000);
	assert_int_equal(s->screen, UI_SCREEN_RESULT);
	assert_int_equal(fake.cancels, 1);
}

static void test_ui_book__board_pages_and_idles(void **state)
{
	struct ui_state *s = *state;

	tap(s, &UI_HOME_BOARD, 1000);
	assert_int_equal(s->screen, UI_SCREEN_ROOMS);
	assert_int_equal(s->book.board.n, UI_BOARD_ROWS);
	tap(s, &UI_BOARD_NEXT, 2000);
	assert_int_equal(s->book.board.offset, UI_BOARD_ROWS);
	assert_int_equal(s->book.board.n, 2);
	tap(s, &UI_BOARD_NEXT, 3000); /* no third page */
	assert_int_equal(s->book.board.offset, UI_BOARD_ROWS);
	tap(s, &UI_BOARD_PREV, 4000);
	assert_int_equal(s->book.board.offset, 0);
	tick(s, 4000 + UI_IDLE_MS);
	assert_int_equal(s->screen, UI_SCREEN_HOME);
	tap(s, &UI_HOME_BOARD, 100000);
	tap(s, &UI_BOARD_BACK, 101000);
	assert_int_equal(s->screen, UI_SCREEN_HOME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ui_book__offered_only_to_a_granted_member, setup),
		cmocka_unit_test_setup(test_ui_book__answer_ok, setup),
		cmocka_unit_test_setup(test_ui_book__timeout_cancels, setup),
		cmocka_unit_test_setup(test_ui_book__taken_gets_more_time, setup),
		cmocka_unit_test_setup(test_ui_book__offline_and_local_conflict, setup),
		cmocka_unit_test_setup(test_ui_book__badge_while_waiting_cancels, setup),
		cmocka_unit_test_setup(test_ui_book__board_pages_and_idles, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
