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
static const struct ui_rect UI_HOME_VISITOR = { 340, 440, 600, 150 };
static const struct ui_rect UI_HOME_LANG_FR = { 1064, 24, 88, 64 };
static const struct ui_rect UI_HOME_LANG_EN = { 1160, 24, 88, 64 };
/* badge result: back home now */
static const struct ui_rect UI_RESULT_OK = { 490, 620, 300, 88 };

enum ui_screen { UI_SCREEN_HOME, UI_SCREEN_RESULT };
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
};

enum ui_event_kind {
	UI_EV_TICK,     /* time passed */
	UI_EV_TAP,      /* x, y */
	UI_EV_BADGE,    /* badge */
	UI_EV_LANG,     /* lang */
	UI_EV_KEY,      /* key: a key name ("escape", ...) */
};

struct ui_event {
	enum ui_event_kind kind;
	int x, y;
	enum ui_lang lang;
	struct ui_badge badge;
	const char *key;
};

struct ui_state {
	enum ui_screen screen;
	enum ui_lang lang;
	struct ui_badge badge;
	int64_t result_until; /* when the result screen goes home */
	int64_t notice_until; /* home shows the visitor notice until then, 0 = none */
	int64_t last_tap_ms;  /* for the debounce; INT64_MIN/2 at start */
	int last_tap_x, last_tap_y;
};

struct ui_actions {
	bool redraw;            /* the state changed what is on screen */
	bool lang_changed;      /* switch the catalogs to state->lang */
	bool visitor_requested; /* "Visiteur ? Touchez ici" was tapped */
	int64_t next_deadline;  /* now_ms-based instant to step again with a tick, 0 = none */
};

/* Home screen, French. */
void ui_state_init(struct ui_state *s);
/* Applies ev at now_ms; fills *act.  Pure: same inputs, same outputs. */
void ui_step(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* The badge screen's view of a decision (first name, organisation, refusal kind). */
void ui_badge_from_decision(const struct access_decision *d, struct ui_badge *out);
/* A badge that could not be decided at all. */
void ui_badge_fault(struct ui_badge *out);
/* True when (x, y) falls inside r. */
bool ui_rect_hit(const struct ui_rect *r, int x, int y);

#endif
