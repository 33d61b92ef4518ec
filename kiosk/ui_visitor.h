/*
 * ui_visitor.h - the visitor flows of the state machine: check-in (name,
 * organisation, whom they visit, purpose, privacy notice, confirmation;
 * or an invitation that fills the form) and check-out (today's visitors,
 * confirm, goodbye).  Pure like ui_state.c: no SDL, no store, no clock,
 * no gettext.  The store is reached only through the services the kiosk
 * hands in (kiosk_visitors.c), so unit tests pass fakes; the words the
 * screens show are English msgids the drawing code translates.  Drawing:
 * screen_checkin.c, screen_checkout.c.
 *
 * What it keeps of other people is what the screen shows: hosts found by
 * the search, today's invitations and visitors as first name + initial.
 * ui_visitor_reset() wipes all of it (home, idle).
 */
#ifndef SEUIL_UI_VISITOR_H
#define SEUIL_UI_VISITOR_H

#include "ui_keyboard.h"
#include "ui_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_state;

/* how long the confirmation and the goodbye stay before home comes back by itself */
#define UI_VISITOR_DONE_MS 8000
/* hosts and invitations shown under the field (the keyboard takes the rest) */
#define UI_VISITOR_FOUND_MAX 3
/* visitors shown per page of the check-out list, and at most listed */
#define UI_VISITOR_PAGE 6
#define UI_VISITOR_INSIDE_MAX 120
#define UI_VISITOR_ID_MAX 64

/* whom a visitor comes to see: a person (with their organisation) or an organisation */
struct ui_visitor_host {
	bool person;                     /* false: a tenant */
	char id[UI_VISITOR_ID_MAX];      /* people.id or tenants.id */
	char name[UI_NAME_MAX];          /* "Léa Moreau", "Épicerie solidaire" */
	char organisation[UI_NAME_MAX];  /* a person's tenant, "" otherwise */
};

/* one of today's invitations not used yet */
struct ui_visitor_invite {
	char id[UI_VISITOR_ID_MAX];
	char name[UI_NAME_MAX];          /* full name: the service's; the state keeps it only once picked */
	char organisation[UI_NAME_MAX];
	struct ui_visitor_host host;
};

/* one visitor checked in today and not out yet */
struct ui_visitor_inside {
	int64_t id;
	char name[UI_NAME_MAX];          /* from the service: full; kept as "Camille M." */
	char organisation[UI_NAME_MAX];  /* the host's organisation */
};

enum ui_purpose { UI_PURPOSE_NONE, UI_PURPOSE_MEETING, UI_PURPOSE_DELIVERY, UI_PURPOSE_APPOINTMENT, UI_PURPOSE_OTHER };
#define UI_PURPOSE_COUNT 4 /* the choices offered, MEETING .. OTHER */

/* what a check-in hands to the store */
struct ui_visitor_checkin_form {
	const char *name;
	const char *organisation;  /* "" when not given */
	const struct ui_visitor_host *host;
	enum ui_purpose purpose;   /* NONE: not given */
	const char *purpose_text;  /* what was typed, "" when nothing */
	const char *invite;        /* the invitation's id, "" when none */
};

/*
 * What the kiosk offers the visitor flows (filled by kiosk_visitors.c).
 * Every function runs on the screen's thread, reads the time itself where
 * it needs the date, never blocks on the network and returns at once.
 * What they write into out stays the caller's.
 */
struct ui_visitor_services {
	void *ctx;
	/* how long visitor records are kept, in days: the privacy notice says it */
	unsigned retention_days;
	/* Hosts whose name matches query (accents and case ignored, word starts); up to max, returns how many. */
	size_t (*search_hosts)(void *ctx, const char *query, struct ui_visitor_host *out, size_t max);
	/*
	 * Today's unused invitations whose code is query (case ignored) or
	 * whose name matches it as hosts do; "" lists them all.  Up to max.
	 */
	size_t (*search_invites)(void *ctx, const char *query, struct ui_visitor_invite *out, size_t max);
	/* Checks the visitor in (store, journal, outbox) and wakes the sync; 0 on success. */
	int (*checkin)(void *ctx, const struct ui_visitor_checkin_form *form);
	/* Visitors checked in today and not out, oldest first; up to max. */
	size_t (*list_inside)(void *ctx, struct ui_visitor_inside *out, size_t max);
	/* Checks visitor id out; 0 on success. */
	int (*checkout)(void *ctx, int64_t id);
};

enum ui_visitor_step {
	UI_VISITOR_NAME,      /* check-in 1/5 */
	UI_VISITOR_INVITE,    /* a code or a name among today's invitations */
	UI_VISITOR_ORG,       /* 2/5, optional */
	UI_VISITOR_HOST,      /* 3/5, type-ahead */
	UI_VISITOR_PURPOSE,   /* 4/5, optional: choices or text */
	UI_VISITOR_PRIVACY,   /* 5/5: accept or decline */
	UI_VISITOR_DONE,      /* welcome; home by itself */
	UI_VISITOR_LIST,      /* check-out: today's visitors, paged */
	UI_VISITOR_LEAVING,   /* check-out: confirm */
	UI_VISITOR_BYE,       /* goodbye; home by itself */
};

/* the flows' own state, inside struct ui_state */
struct ui_visitor {
	enum ui_visitor_step step;
	struct ui_keyboard kb;
	struct ui_field name, organisation, query, purpose, code;
	struct ui_visitor_host host;   /* chosen; id "" when none */
	bool has_host;
	enum ui_purpose purpose_kind;
	char invite[UI_VISITOR_ID_MAX]; /* the invitation that filled the form, "" when none */
	/* what the search under the field found */
	struct ui_visitor_host found[UI_VISITOR_FOUND_MAX];
	size_t nfound;
	bool more;                      /* more matched than shown */
	struct ui_visitor_invite invites[UI_VISITOR_FOUND_MAX]; /* names cut to "Camille M." */
	size_t ninvites;
	int highlight;                  /* the row enter picks (tab moves it) */
	/* check-out */
	struct ui_visitor_inside inside[UI_VISITOR_INSIDE_MAX]; /* names cut to "Camille M." */
	size_t ninside;
	int page;
	int leaving;                    /* index in inside[] being confirmed, -1 none */
	char first_name[UI_NAME_MAX];   /* the confirmation's and the goodbye's */
	char host_name[UI_NAME_MAX];
	const char *error;              /* a msgid shown on the step, NULL none */
	int64_t done_until;             /* DONE, BYE: when home comes back */
};

/* ---- hit boxes, shared with the drawing code ---- */
static const struct ui_rect UI_VISITOR_BACK = { 24, 16, 220, 72 };
static const struct ui_rect UI_VISITOR_CANCEL = { 1036, 16, 220, 72 };
static const struct ui_rect UI_VISITOR_FIELD = { 48, 172, 904, 76 };
static const struct ui_rect UI_VISITOR_NEXT = { 968, 172, 264, 76 };
/* the name step's way to an invitation */
static const struct ui_rect UI_VISITOR_HAVE_INVITE = { 48, 268, 560, 72 };
/* rows under the field (hosts, invitations): i = 0 .. UI_VISITOR_FOUND_MAX-1 */
#define UI_VISITOR_ROW_Y 262
#define UI_VISITOR_ROW_H 56
#define UI_VISITOR_ROW_GAP 4
/* purpose: the choices, i = 0 .. UI_PURPOSE_COUNT-1, then the field below them */
#define UI_VISITOR_CHOICE_Y 172
static const struct ui_rect UI_VISITOR_PURPOSE_FIELD = { 48, 280, 904, 76 };
static const struct ui_rect UI_VISITOR_PURPOSE_NEXT = { 968, 280, 264, 76 };
/* privacy */
static const struct ui_rect UI_VISITOR_ACCEPT = { 660, 640, 540, 96 };
static const struct ui_rect UI_VISITOR_DECLINE = { 80, 640, 540, 96 };
/* confirmation, goodbye */
static const struct ui_rect UI_VISITOR_DONE_OK = { 490, 620, 300, 88 };
/* check-out: rows i = 0 .. UI_VISITOR_PAGE-1, paging, confirm */
#define UI_VISITOR_LIST_Y 176
#define UI_VISITOR_LIST_H 72
#define UI_VISITOR_LIST_GAP 8
static const struct ui_rect UI_VISITOR_PREV = { 48, 672, 300, 88 };
static const struct ui_rect UI_VISITOR_MORE = { 932, 672, 300, 88 };
static const struct ui_rect UI_VISITOR_LEAVE_YES = { 660, 560, 540, 96 };
static const struct ui_rect UI_VISITOR_LEAVE_NO = { 80, 560, 540, 96 };

/* Row i under the field (hosts, invitations). */
struct ui_rect ui_visitor_row(int i);
/* Purpose choice i (0 = MEETING). */
struct ui_rect ui_visitor_choice(int i);
/* Check-out row i of the page. */
struct ui_rect ui_visitor_list_row(int i);
/* The msgid of a purpose choice ("Meeting", ...); "" for NONE. */
const char *ui_visitor_purpose_label(enum ui_purpose p);
/* "Camille Martin" -> "Camille M.", "Léa" -> "Léa"; out always terminated. */
void ui_visitor_short_name(const char *full, char *out, size_t len);
/* The step number of a check-in step (1..5), 0 for the others. */
int ui_visitor_step_number(enum ui_visitor_step step);

/* Enters check-in (from home's visitor button). */
void ui_visitor_checkin(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* Enters check-out (from home's "leaving" button): today's list is read now. */
void ui_visitor_checkout(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* A tap, key or text on the check-in or check-out screen. */
void ui_visitor_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* Wipes everything typed and shown (going home, idle). */
void ui_visitor_reset(struct ui_state *s);
/* The flows' next deadline (a confirmation going home), 0 = none. */
int64_t ui_visitor_deadline(const struct ui_state *s);

#endif
