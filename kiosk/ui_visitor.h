/*
 * ui_visitor.h - the visitor flows of the state machine: check-in (name,
 * organisation, whom they visit, purpose, privacy notice, confirmation)
 * and check-out.  Pure like ui_state.c: the store is reached only through
 * the services the kiosk hands in (kiosk_visitors.c), so unit tests pass
 * fakes.  Drawing: screen_checkin.c, screen_checkout.c.
 */
#ifndef SEUIL_UI_VISITOR_H
#define SEUIL_UI_VISITOR_H

#include "ui_types.h"

struct ui_state;

/* what the kiosk offers the visitor flows (filled by kiosk_visitors.c) */
struct ui_visitor_services {
	void *ctx;
};

/* the flows' own state, inside struct ui_state */
struct ui_visitor {
	int step;
};

/* Enters check-in (from home's visitor button). */
void ui_visitor_checkin(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* Enters check-out (from home's "leaving" button). */
void ui_visitor_checkout(struct ui_state *s, int64_t now_ms, struct ui_actions *act);
/* A tap, key or text on the check-in or check-out screen. */
void ui_visitor_event(struct ui_state *s, const struct ui_event *ev, int64_t now_ms, struct ui_actions *act);
/* Wipes everything typed (going home, idle). */
void ui_visitor_reset(struct ui_state *s);
/* The flows' next deadline (a confirmation going home), 0 = none. */
int64_t ui_visitor_deadline(const struct ui_state *s);

#endif
