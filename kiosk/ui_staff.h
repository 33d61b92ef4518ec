/*
 * ui_staff.h - staff mode in the state machine: after a staff badge, a PIN,
 * then door status and unlock for N minutes, lockdown on/off, enrolling a
 * badge, who is in the building (the evacuation list) and the sync status.
 * Pure like ui_state.c: the store and the door are reached only through
 * the services the kiosk hands in (kiosk_staff.c).  Drawing: screen_staff.c.
 */
#ifndef SEUIL_UI_STAFF_H
#define SEUIL_UI_STAFF_H

#include "ui_types.h"

struct ui_state;

/* what the kiosk offers staff mode (filled by kiosk_staff.c) */
struct ui_staff_services {
	void *ctx;
};

/* staff mode's own state, inside struct ui_state */
struct ui_staff {
	int step;
};

/* Enters staff mode for the person who just badged (s->badge): the PIN pad. */
void ui_staff_enter(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* A tap, key, text or captured card on a staff screen. */
void ui_staff_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* Leaves staff mode, wiping the PIN typed and any list shown. */
void ui_staff_reset(struct ui_state *s);
/* True while staff mode waits for a new card: the next card comes as UI_EV_CARD, undecided. */
bool ui_staff_wants_card(const struct ui_state *s);
/* Staff mode's next deadline, 0 = none. */
int64_t ui_staff_deadline(const struct ui_state *s);

#endif
