/*
 * ui_state.h - the kiosk's screens as one state machine: a pure step
 * function (state, event, now_ms) -> actions.  It never reads the clock,
 * never draws and never touches SDL or the door, so unit tests drive it with
 * virtual time; the screen files only draw the state it leaves.
 *
 * Coordinates are logical pixels of the UI_W x UI_H canvas; the hit boxes
 * below are shared by the step function and the drawing code.
 */
#ifndef SEUIL_UI_STATE_H
#define SEUIL_UI_STATE_H

#include "rights.h"
#include "ui_book.h"
#include "ui_staff.h"
#include "ui_types.h"
#include "ui_visitor.h"

#include <stdbool.h>
#include <stdint.h>

enum ui_screen {
	UI_SCREEN_HOME,
	UI_SCREEN_RESULT,
	UI_SCREEN_CHECKIN,  /* ui_visitor.c */
	UI_SCREEN_CHECKOUT, /* ui_visitor.c */
	UI_SCREEN_STAFF,    /* ui_staff.c */
	UI_SCREEN_ATTRACT,  /* night: home dimmed, any touch brings it back */
	UI_SCREEN_ROOMS,    /* the rooms board: ui_book.c */
	UI_SCREEN_BOOK,     /* book now: ui_book.c */
};

/* defaults of the idle timers (seuil.conf [kiosk] may change them) */
#define UI_IDLE_MS 60000          /* a form or list left alone this long goes home, wiped */
#define UI_ATTRACT_MS 300000      /* home left alone this long at night turns to attract */
#define UI_NIGHT_FROM_MIN (21 * 60)
#define UI_NIGHT_TO_MIN (6 * 60)

struct ui_state {
	enum ui_screen screen;
	enum ui_lang lang;
	struct ui_badge badge;
	int64_t result_until; /* when the result screen goes home */
	int64_t notice_until; /* home shows the visitor notice until then, 0 = none */
	int64_t last_tap_ms;  /* for the debounce; INT64_MIN/2 at start */
	int last_tap_x, last_tap_y;
	int64_t last_input_ms;  /* the last tap, key, text or badge */
	int64_t idle_ms;        /* UI_IDLE_MS unless configured */
	int64_t attract_ms;     /* UI_ATTRACT_MS unless configured; 0: never */
	int night_from_min, night_to_min; /* local minutes of the day; equal: no night */
	int minute_of_day;      /* from the last tick, -1 unknown */
	struct ui_visitor visitor; /* check-in and check-out: ui_visitor.h */
	struct ui_staff staff;     /* staff mode: ui_staff.h */
	struct ui_book book;       /* the rooms board and book now: ui_book.h */
	const struct ui_visitor_services *visitor_svc; /* NULL: the flows say they are unavailable */
	const struct ui_staff_services *staff_svc;
	const struct ui_book_services *book_svc; /* NULL: neither board nor book now */
};


/* Home screen, French. */
void ui_state_init(struct ui_state *s);
/* Applies ev at now_ms; fills *act.  Pure: same inputs, same outputs. */
void ui_step(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* The badge screen's view of a decision (first name, organisation, refusal kind). */
void ui_badge_from_decision(const struct access_decision *d, struct ui_badge *out);
/* A badge that could not be decided at all. */
void ui_badge_fault(struct ui_badge *out);
/* Back home from any screen, every form wiped. */
void ui_go_home(struct ui_state *s, struct ui_actions *act);

#endif
