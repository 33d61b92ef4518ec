/*
 * ui_book.h - the rooms board and "book now" in the state machine.
 *
 * The rooms board (from home) shows each room's today and tomorrow: free
 * or busy now, and the bookings, UI_BOARD_ROWS rooms a page.  Book now
 * (from a granted badge of a tenant's member): the rooms free now for at
 * least 30 minutes, then 30 / 60 / 90 minutes (only what is free), then a
 * confirmation; the kiosk then writes a request row that seuil-sync
 * answers (book_request.h), and the screen says "Booking…" until the
 * answer is there.  Nothing is shown as booked before seuil-sync said
 * so; a request left unanswered UI_BOOK_WAIT_MS is cancelled (when still
 * pending) and shown as failed; one seuil-sync has already taken gets
 * UI_BOOK_TAKEN_MS more before it is shown as failed.
 *
 * Pure like ui_state.c: the store is reached only through the services
 * the kiosk hands in (kiosk_book.c; unit tests pass fakes), and what a
 * screen shows is copied into the state, so screen_rooms.c and
 * screen_book.c draw from the state alone.
 */
#ifndef SEUIL_UI_BOOK_H
#define SEUIL_UI_BOOK_H

#include "ui_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_state;

#define UI_BOOK_MIN_FREE 30        /* minutes a room must be free to be offered */
#define UI_BOOK_ROOMS_MAX 5        /* rooms offered on one screen */
#define UI_BOOK_WAIT_MS 20000      /* an unanswered request is cancelled after this */
#define UI_BOOK_TAKEN_MS 30000     /* more time for one seuil-sync is working on */
#define UI_BOOK_DONE_MS 12000      /* the outcome goes home after this */
#define UI_BOARD_ROWS 4            /* rooms per page of the board */
#define UI_BOARD_SLOTS 3           /* bookings shown per room and day */

static const int UI_BOOK_MINUTES[3] = { 30, 60, 90 };

/* the board */
static const struct ui_rect UI_BOARD_BACK = { 24, 12, 232, 80 };
static const struct ui_rect UI_BOARD_PREV = { 32, 704, 300, 84 };
static const struct ui_rect UI_BOARD_NEXT = { 948, 704, 300, 84 };
#define UI_BOARD_ROW_Y 150
#define UI_BOARD_ROW_H 136
/* book now: back on every step but the wait */
static const struct ui_rect UI_BOOK_BACK = { 24, 12, 232, 80 };
#define UI_BOOK_ROW_Y 196
#define UI_BOOK_ROW_H 96
#define UI_BOOK_ROW_GAP 8
static const struct ui_rect UI_BOOK_DURATION[3] = {
	{ 32, 300, 384, 180 }, { 448, 300, 384, 180 }, { 864, 300, 384, 180 } };
static const struct ui_rect UI_BOOK_CONFIRM = { 648, 600, 600, 104 };
static const struct ui_rect UI_BOOK_CANCEL = { 32, 600, 600, 104 };
static const struct ui_rect UI_BOOK_HOME = { 440, 640, 400, 96 };

enum ui_book_step {
	UI_BOOK_ROOMS,    /* which room */
	UI_BOOK_LENGTH,   /* how long */
	UI_BOOK_CONFIRM_STEP, /* confirm */
	UI_BOOK_WAIT,     /* "Booking…" */
	UI_BOOK_DONE,     /* the answer */
};

/* what a request is, as the services report it */
enum ui_book_poll {
	UI_BOOK_P_PENDING,
	UI_BOOK_P_TAKEN,    /* seuil-sync is on it */
	UI_BOOK_P_OK,
	UI_BOOK_P_CONFLICT,
	UI_BOOK_P_OFFLINE,
	UI_BOOK_P_FAILED,
};

enum ui_book_outcome {
	UI_BOOK_OUT_OK,
	UI_BOOK_OUT_CONFLICT, /* the server (or this kiosk) found the room taken */
	UI_BOOK_OUT_OFFLINE,  /* the calendar could not be reached */
	UI_BOOK_OUT_TIMEOUT,  /* no answer in time: nothing was booked */
	UI_BOOK_OUT_FAILED,   /* anything else */
};

/* what the book service said at once */
enum ui_book_sent {
	UI_BOOK_SENT,         /* a request is waiting for seuil-sync */
	UI_BOOK_TAKEN_HERE,   /* the store already has a booking there */
	UI_BOOK_NOT_SENT,     /* the store failed */
};

struct ui_book_room {
	char id[64];
	char name[UI_NAME_MAX];
	int capacity;         /* 0 unknown */
	int free_min;         /* free from now for this many minutes (at most 90) */
};

struct ui_board_slot {
	char from[8], to[8];  /* local "HH:MM" */
	bool all_day;
	bool private_;        /* show "Booked" and the organisation */
	char title[UI_NAME_MAX];
	char organisation[UI_NAME_MAX];
};

struct ui_board_row {
	char name[UI_NAME_MAX];
	int capacity;
	bool busy;            /* a booking is going on now */
	char until[8];        /* busy: its end; free: the next start, "" none today */
	int today_n, today_total; /* shown, and bookings left today */
	struct ui_board_slot today[UI_BOARD_SLOTS];
	int tomorrow_n, tomorrow_total;
	struct ui_board_slot tomorrow[UI_BOARD_SLOTS];
};

struct ui_board {
	int total;            /* rooms */
	int offset;           /* the first row's index */
	int n;                /* rows on this page */
	struct ui_board_row rows[UI_BOARD_ROWS];
};

/*
 * What the kiosk offers (kiosk_book.c).  Every function runs on the
 * screen's thread and returns at once (no network).  Strings passed in
 * are the caller's; what is written out is the callee's copy.
 */
struct ui_book_services {
	void *ctx;
	/* rooms free now for at least UI_BOOK_MIN_FREE minutes, by name; returns how many in out
	 * (at most max); false when the store failed */
	bool (*free_rooms)(void *ctx, struct ui_book_room *out, size_t max, size_t *n);
	/* checks the slot and writes the request; *request its id, start/end the slot's local "HH:MM" */
	enum ui_book_sent (*book)(void *ctx, const char *room, int minutes, const char *tenant, const char *person,
				  int64_t *request, char start[8], char end[8]);
	enum ui_book_poll (*poll)(void *ctx, int64_t request);
	/* cancels the request if seuil-sync has not taken it; true when it was */
	bool (*cancel)(void *ctx, int64_t request);
	/* the board's page from room offset; false when the store failed */
	bool (*board)(void *ctx, int offset, struct ui_board *out);
};

struct ui_book {
	enum ui_book_step step;
	char tenant[64], person[64];
	char organisation[UI_NAME_MAX];
	struct ui_book_room rooms[UI_BOOK_ROOMS_MAX];
	size_t nrooms;
	bool rooms_ok;
	int chosen;                  /* index in rooms */
	int minutes;
	int64_t request;             /* 0 none */
	char start[8], end[8];
	int64_t wait_until;          /* cancel or give up then */
	bool extended;               /* seuil-sync took it: the longer wait runs */
	enum ui_book_outcome outcome;
	int64_t done_until;
	/* the board */
	struct ui_board board;
	bool board_ok;
};

/* Opens the rooms board at its first page. */
void ui_board_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* Opens book now for the person who just badged (s->badge). */
void ui_book_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* True when the badge result offers book now. */
bool ui_book_offered(const struct ui_state *s);
/* A tap, key or tick on the board or a book-now screen. */
void ui_book_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* Forgets the flow and the board (a request already written stays: seuil-sync answers it). */
void ui_book_reset(struct ui_state *s);
/* The next deadline of the book-now flow, 0 = none. */
int64_t ui_book_deadline(const struct ui_state *s);
/* True while the flow must not be sent home by the idle timer (waiting for the answer). */
bool ui_book_busy(const struct ui_state *s);
/* The room list's row i, as drawn and hit. */
struct ui_rect ui_book_room_row(int i);

#endif
