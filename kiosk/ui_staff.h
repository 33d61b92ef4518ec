/*
 * ui_staff.h - staff mode in the state machine: after a staff badge, a PIN,
 * then door status and unlock for N minutes, lockdown on/off, enrolling a
 * badge, who is in the building (the evacuation list) and the sync status.
 * Pure like ui_state.c: the store and the door are reached only through
 * the services the kiosk hands in (kiosk_staff.c; unit tests pass fakes),
 * and what a screen shows is copied into the state, so screen_staff.c
 * draws from the state alone.
 *
 * The PIN typed lives only in struct ui_staff, is wiped as soon as it was
 * checked, and is wiped with everything else when staff mode ends (the
 * leave button, escape, a badge, the idle timer: ui_staff_reset()).
 */
#ifndef SEUIL_UI_STAFF_H
#define SEUIL_UI_STAFF_H

#include "ui_keyboard.h"
#include "ui_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_state;

#define UI_STAFF_PIN_MIN 4
#define UI_STAFF_PIN_MAX 8
#define UI_STAFF_ROWS 6    /* rows of the evacuation list per page */
#define UI_STAFF_FOUND 3   /* people shown by the enrolment search */
#define UI_STAFF_TEXT 160  /* an error message shown */
#define UI_STAFF_REFRESH_MS 2000 /* the door's status is read again this often */

/* on every staff screen */
static const struct ui_rect UI_STAFF_LEAVE = { 784, 12, 472, 80 };
static const struct ui_rect UI_STAFF_BACK = { 24, 12, 208, 80 };
/* PIN pad: 1..9, then clear, 0, OK (ui_staff_pin_key()) */
#define UI_STAFF_PAD_X 384
#define UI_STAFF_PAD_Y 312
#define UI_STAFF_KEY_W 160
#define UI_STAFF_KEY_H 96
#define UI_STAFF_KEY_GAP 16
/* locked, unset: try again */
static const struct ui_rect UI_STAFF_RETRY = { 440, 560, 400, 96 };
/* menu: two columns of three (ui_staff_menu_button()) */
enum ui_staff_menu_item {
	UI_STAFF_M_UNLOCK,
	UI_STAFF_M_LOCKDOWN,
	UI_STAFF_M_ENROLL,
	UI_STAFF_M_INSIDE,
	UI_STAFF_M_SYNC,
	UI_STAFF_M_LOCK_NOW, /* only while the door is held released */
	UI_STAFF_M_COUNT
};
/* unlock for 5 / 15 / 60 minutes, or lock now */
static const int UI_STAFF_UNLOCK_MIN[3] = { 5, 15, 60 };
static const struct ui_rect UI_STAFF_UNLOCK_BTN[3] = {
	{ 32, 232, 368, 152 }, { 456, 232, 368, 152 }, { 880, 232, 368, 152 } };
static const struct ui_rect UI_STAFF_LOCK_NOW = { 32, 456, 600, 96 };
/* lockdown: confirm, cancel */
static const struct ui_rect UI_STAFF_CONFIRM = { 32, 600, 600, 104 };
static const struct ui_rect UI_STAFF_CANCEL = { 648, 600, 600, 104 };
/* enrolment: the search field and its results above the keyboard (UI_KB_AREA) */
static const struct ui_rect UI_STAFF_FIELD = { 32, 108, 1216, 72 };
#define UI_STAFF_FOUND_Y 192
#define UI_STAFF_FOUND_H 76
#define UI_STAFF_FOUND_GAP 4
/* the card wait's cancel; the enrolment result's two ways on */
static const struct ui_rect UI_STAFF_CARD_CANCEL = { 440, 640, 400, 96 };
static const struct ui_rect UI_STAFF_AGAIN = { 32, 640, 600, 104 };
static const struct ui_rect UI_STAFF_TO_MENU = { 648, 640, 600, 104 };
/* evacuation list paging */
#define UI_STAFF_ROW_Y 224
#define UI_STAFF_ROW_H 78
static const struct ui_rect UI_STAFF_PREV = { 32, 700, 300, 88 };
static const struct ui_rect UI_STAFF_NEXT = { 948, 700, 300, 88 };
/* sync: read again */
static const struct ui_rect UI_STAFF_REFRESH = { 32, 640, 400, 96 };

enum ui_staff_step {
	UI_STAFF_PIN,      /* the PIN pad (or why there is none) */
	UI_STAFF_MENU,     /* door status and the actions */
	UI_STAFF_UNLOCK,   /* how long */
	UI_STAFF_LOCKDOWN, /* confirm on or off */
	UI_STAFF_FIND,     /* enrolment: whose badge, by type-ahead */
	UI_STAFF_CARD,     /* enrolment: waiting for the new card */
	UI_STAFF_ENROLLED, /* enrolment: the outcome */
	UI_STAFF_INSIDE,   /* the evacuation list */
	UI_STAFF_SYNC,     /* sync status */
};

/* the PIN's state, as the services report it */
enum ui_staff_pin_kind {
	UI_STAFF_PIN_READY,  /* type it */
	UI_STAFF_PIN_UNSET,  /* none set: ask the office */
	UI_STAFF_PIN_LOCKED, /* too many wrong PINs */
	UI_STAFF_PIN_FAULT,  /* the store could not tell */
};

struct ui_staff_pin {
	enum ui_staff_pin_kind kind;
	int tries_left;     /* READY: wrong PINs left before a lockout */
	int64_t locked_ms;  /* LOCKED: how long still, from now */
	char until[8];      /* LOCKED: local "HH:MM" it ends, "" unknown */
};

/* door alarms, as door.h's bits */
#define UI_STAFF_ALARM_FORCED 1u
#define UI_STAFF_ALARM_HELD 2u
#define UI_STAFF_ALARM_TAMPER 4u
#define UI_STAFF_ALARM_FIRE 8u

struct ui_staff_door {
	bool released;      /* the strike is released now */
	bool held;          /* by staff or the office for a while (unlock for N minutes) */
	char until[8];      /* local "HH:MM" the release ends, "" unknown */
	bool has_contact;   /* a door contact is wired */
	bool contact_open;
	unsigned alarms;    /* UI_STAFF_ALARM_* */
	bool lockdown;
};

struct ui_staff_person {
	char id[64];
	char name[UI_NAME_MAX];
	char organisation[UI_NAME_MAX];
};

struct ui_staff_row {
	bool visitor;               /* else a person badged today */
	char name[UI_NAME_MAX];     /* first name and initial */
	char organisation[UI_NAME_MAX];
	char since[8];              /* local "HH:MM" */
};

struct ui_staff_inside {
	long people, visitors;      /* totals */
	int offset;                 /* the first row's index in the whole list */
	int n;                      /* rows on this page */
	struct ui_staff_row rows[UI_STAFF_ROWS];
};

struct ui_staff_sync {
	bool never;                 /* never synced */
	char last_success[24];      /* local "HH:MM" today, else "DD/MM HH:MM" */
	int64_t since_ms;           /* how long ago (when not never) */
	char last_error[UI_STAFF_TEXT]; /* "" when the last attempt succeeded */
	long outbox;                /* events not yet acknowledged by the office */
	int64_t data_age_ms;        /* since the directory was last pulled, -1 never */
};

enum ui_staff_enroll_kind {
	UI_STAFF_ENROLL_OK,
	UI_STAFF_ENROLL_ALREADY, /* it already was that person's badge */
	UI_STAFF_ENROLL_HELD,    /* someone else's: refused */
	UI_STAFF_ENROLL_FAULT,
};

/* a line the menu shows after an action */
enum ui_staff_notice {
	UI_STAFF_N_NONE,
	UI_STAFF_N_UNLOCKED,     /* notice_minutes */
	UI_STAFF_N_LOCKED,
	UI_STAFF_N_LOCKDOWN_ON,
	UI_STAFF_N_LOCKDOWN_OFF,
	UI_STAFF_N_FAILED,       /* the action could not be done */
};

/*
 * What the kiosk offers staff mode (filled by kiosk_staff.c).  Every
 * function runs on the screen's thread, returns at once (no network), and
 * journals what it does; by is the staff member's person id.  Strings
 * passed in are the caller's; what is written out is the callee's copy.
 */
struct ui_staff_services {
	void *ctx;
	/* person's PIN state; false when the store failed */
	bool (*pin_status)(void *ctx, const char *person, struct ui_staff_pin *out);
	/* checks pin (journaled, never the PIN); true when right; *out the state after */
	bool (*pin_check)(void *ctx, const char *person, const char *pin, struct ui_staff_pin *out);
	void (*door_status)(void *ctx, struct ui_staff_door *out);
	/* holds the door released for minutes (0: locks it now); false on failure */
	bool (*unlock_for)(void *ctx, const char *by, int minutes);
	bool (*set_lockdown)(void *ctx, const char *by, bool on);
	/* active people whose name holds query (accents ignored): up to max in out, returns how
	 * many; *total counts every match */
	size_t (*find_people)(void *ctx, const char *query, struct ui_staff_person *out, size_t max, size_t *total);
	/* gives card (normalized hex) to person; holder gets the holder's short name when HELD */
	enum ui_staff_enroll_kind (*enroll)(void *ctx, const char *by, const char *person, const char *card,
					    char *holder, size_t holder_len);
	/* the page of the evacuation list from row offset; false when the store failed */
	bool (*inside)(void *ctx, int offset, struct ui_staff_inside *out);
	bool (*sync_status)(void *ctx, struct ui_staff_sync *out);
};

/* staff mode's own state, inside struct ui_state */
struct ui_staff {
	enum ui_staff_step step;
	char person[64];                 /* the staff member (from the badge) */
	char first_name[UI_NAME_MAX];
	char pin[UI_STAFF_PIN_MAX + 1];  /* typed, wiped once checked */
	size_t pin_len;
	struct ui_staff_pin pin_state;
	bool pin_wrong;                  /* the last PIN was wrong */
	bool pin_short;                  /* OK with fewer than UI_STAFF_PIN_MIN digits */
	struct ui_staff_door door;
	enum ui_staff_notice notice;
	int notice_minutes;
	/* enrolment */
	struct ui_keyboard kb;
	struct ui_field query;
	struct ui_staff_person found[UI_STAFF_FOUND];
	size_t nfound, total_found;
	struct ui_staff_person target;
	enum ui_staff_enroll_kind enrolled;
	char holder[UI_NAME_MAX];
	/* lists */
	struct ui_staff_inside inside;
	bool inside_ok;
	struct ui_staff_sync sync;
	bool sync_ok;
	/* time */
	bool ticked;                     /* ticks reach staff mode: deadlines can be kept */
	int64_t refresh_at;              /* read the door (or the lockout) again */
};

/* Enters staff mode for the person who just badged (s->badge): the PIN pad. */
void ui_staff_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* A tap, key, text, captured card or tick on a staff screen. */
void ui_staff_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* Leaves staff mode, wiping the PIN typed and any list shown. */
void ui_staff_reset(struct ui_state *s);
/* True while staff mode waits for a new card: the next card comes as UI_EV_CARD, undecided. */
bool ui_staff_wants_card(const struct ui_state *s);
/* Staff mode's next deadline, 0 = none. */
int64_t ui_staff_deadline(const struct ui_state *s);

/* The PIN pad's key i (0..11: "1".."9", clear, "0", OK) as drawn and hit. */
struct ui_rect ui_staff_pin_key(int i);
/* The menu's button for item, as drawn and hit. */
struct ui_rect ui_staff_menu_button(enum ui_staff_menu_item item);
/* The enrolment search's result row i (0..UI_STAFF_FOUND-1). */
struct ui_rect ui_staff_found_row(int i);

#endif
