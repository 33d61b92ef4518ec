/*
 * screens.h - one drawing function per screen, the palette they share and
 * what home shows besides the state (site, status, the local time).  The
 * drawing functions only draw: they read the state, never change it.
 *
 * Palette: every text colour has at least 4.5:1 contrast on the background
 * it is drawn on (white on navy 15:1, navy on amber 10:1, white on the
 * result greens and reds above 7:1); a result is also told by its mark
 * (check or cross) and its words, never by colour alone.
 */
#ifndef SEUIL_SCREENS_H
#define SEUIL_SCREENS_H

#include "rooms.h"
#include "tz.h"
#include "ui_gfx.h"
#include "ui_state.h"

#include <stdbool.h>
#include <time.h>

static const SDL_Color UI_NAVY = { 0x10, 0x24, 0x3e, 0xff };
static const SDL_Color UI_NAVY_LIGHT = { 0x1c, 0x36, 0x59, 0xff };
static const SDL_Color UI_WHITE = { 0xff, 0xff, 0xff, 0xff };
static const SDL_Color UI_MUTED = { 0xc9, 0xd3, 0xe0, 0xff };
static const SDL_Color UI_AMBER = { 0xff, 0xc8, 0x45, 0xff };
static const SDL_Color UI_GREEN = { 0x0e, 0x5a, 0x2b, 0xff };
static const SDL_Color UI_RED = { 0x8a, 0x1c, 0x1c, 0xff };

#define UI_ROOMS_MAX 5 /* rooms home has room for */

struct ui_home_info {
	char site[160];        /* the building's name, "" when no directory yet */
	bool lockdown;
	bool door_released;
	char last_sync[64];    /* "" when never */
	struct tm now;         /* local time to show */
	const struct tz *zone; /* the building's, for booking times; NULL: UTC */
	struct room_day rooms[UI_ROOMS_MAX]; /* today's bookings per room, by name */
	size_t rooms_count;    /* may exceed UI_ROOMS_MAX: the rest is counted */
};

void screen_home_draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info);
void screen_result_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_checkin_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_checkout_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_staff_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_attract_draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info);
void screen_rooms_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_book_draw(struct ui_gfx *g, const struct ui_state *s);
void screen_keyboard_draw(struct ui_gfx *g, const struct ui_keyboard *kb);

#endif
