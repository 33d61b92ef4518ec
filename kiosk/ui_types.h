/*
 * ui_types.h - what the kiosk's state machine and its screen modules share:
 * the logical canvas, hit boxes, events, actions, the badge as shown.
 * Pure data: no SDL, no store.
 */
#ifndef SEUIL_UI_TYPES_H
#define SEUIL_UI_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#define UI_W 1280
#define UI_H 800
/* how long a badge result stays before home comes back by itself */
#define UI_RESULT_MS 6000
/* a second tap within this window on the same target is the same tap */
#define UI_TAP_DEBOUNCE_MS 250
/* how long home shows a notice (visitor check-in not there yet) */
#define UI_NOTICE_MS 5000

struct ui_rect {
	int x, y, w, h;
};

/* home */
static const struct ui_rect UI_HOME_VISITOR = { 48, 392, 560, 150 };
static const struct ui_rect UI_HOME_LEAVING = { 48, 566, 560, 96 };
static const struct ui_rect UI_HOME_LANG_FR = { 1064, 24, 88, 64 };
static const struct ui_rect UI_HOME_LANG_EN = { 1160, 24, 88, 64 };
static const struct ui_rect UI_HOME_ROOMS = { 660, 120, 572, 542 };
/* the rooms board: the rooms panel's header is its button (the whole panel opens it too) */
static const struct ui_rect UI_HOME_BOARD = { 660, 108, 572, 60 };
/* badge result: back home now; a staff member also gets staff mode; a
 * tenant's member who may book gets "book a room" on a row of its own above */
static const struct ui_rect UI_RESULT_OK = { 490, 620, 300, 88 };
static const struct ui_rect UI_RESULT_BACK2 = { 270, 620, 350, 88 };
static const struct ui_rect UI_RESULT_STAFF = { 660, 620, 350, 88 };
static const struct ui_rect UI_RESULT_BOOK = { 270, 512, 740, 88 };

enum ui_lang { UI_LANG_FR, UI_LANG_EN };

/* what the person is told after a refusal: one per thing they can do */
enum ui_refusal {
	UI_REFUSAL_NONE,        /* granted */
	UI_REFUSAL_UNKNOWN,     /* card not known here */
	UI_REFUSAL_BLOCKED,     /* revoked, blocked, lost */
	UI_REFUSAL_EXPIRED,     /* card or person no longer valid */
	UI_REFUSAL_NOT_YET,     /* valid later */
	UI_REFUSAL_NO_RIGHT,    /* no right for this door */
	UI_REFUSAL_HOURS,       /* outside the schedule or a closed day */
	UI_REFUSAL_LOCKDOWN,
	UI_REFUSAL_SLOW_DOWN,   /* tapped too often */
	UI_REFUSAL_FAULT,       /* no decision could be made */
};

#define UI_NAME_MAX 96

/* what the badge result screen shows: first name and organisation only */
struct ui_badge {
	bool granted;
	enum ui_refusal refusal;
	char first_name[UI_NAME_MAX];
	char organisation[UI_NAME_MAX];
	char detail[UI_NAME_MAX]; /* closed day's name, or "" */
	bool staff;               /* the holder has the staff role: the result offers staff mode */
	char person[64];          /* the holder's person id, "" when none */
	char tenant[64];          /* the holder's tenant id, "" when none */
	bool can_book;            /* a room of this building can be booked from the kiosk */
};

enum ui_event_kind {
	UI_EV_TICK,     /* time passed */
	UI_EV_TAP,      /* x, y */
	UI_EV_BADGE,    /* badge */
	UI_EV_LANG,     /* lang */
	UI_EV_KEY,      /* key: a key name ("escape", "backspace", "enter", "tab") */
	UI_EV_TEXT,     /* text: UTF-8 typed on a physical keyboard or by a script */
	UI_EV_CARD,     /* card: a card's UID (hex) captured for enrolment, not decided */
};

struct ui_event {
	enum ui_event_kind kind;
	int x, y;
	enum ui_lang lang;
	struct ui_badge badge;
	const char *key;
	const char *text;
	const char *card;
	int minute_of_day; /* UI_EV_TICK: the building's local time, -1 when unknown */
};


struct ui_actions {
	bool redraw;            /* the state changed what is on screen */
	bool lang_changed;      /* switch the catalogs to state->lang */
	int64_t next_deadline;  /* now_ms-based instant to step again with a tick, 0 = none */
};

/* True when (x, y) falls inside r. */
bool ui_rect_hit(const struct ui_rect *r, int x, int y);
/* Keeps the earliest non-zero deadline in *deadline. */
void ui_deadline_min(int64_t *deadline, int64_t at);

#endif
