/*
 * ui_gfx.h - the kiosk's drawing kit over SDL2: the window and renderer at
 * a UI_W x UI_H logical size (any panel scales), the fonts loaded by path
 * from Debian packages, a cache of text textures, filled and outlined
 * boxes, buttons, screenshots.  It knows no screen and no state.
 *
 * SDL types stay inside kiosk/; every function here runs on the thread
 * that called ui_gfx_open() only.
 */
#ifndef SEUIL_UI_GFX_H
#define SEUIL_UI_GFX_H

#include "ui_state.h"

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

enum ui_font {
	UI_FONT_SMALL,   /* 22 px: status line */
	UI_FONT_BODY,    /* 32 px */
	UI_FONT_BODY_B,  /* 32 px bold: buttons */
	UI_FONT_TITLE,   /* 56 px bold */
	UI_FONT_HUGE,    /* 132 px bold: the clock */
	UI_FONT_ICON,    /* 120 px bold: the result's mark */
	UI_FONT_COUNT
};

enum ui_align { UI_LEFT, UI_CENTER, UI_RIGHT };

struct ui_gfx;

/*
 * Opens the window (full screen unless windowed: then exactly UI_W x UI_H)
 * and the renderer (software when software is true), loads the fonts.
 * Returns SEUIL_OK with a handle ui_gfx_close() frees, or an error with
 * a one-line message in err.
 */
int ui_gfx_open(bool windowed, bool software, struct ui_gfx **out, char *err, size_t errlen);
void ui_gfx_close(struct ui_gfx *g);
SDL_Renderer *ui_gfx_renderer(struct ui_gfx *g);
/* Window coordinates of a mouse or finger to logical ones. */
void ui_gfx_to_logical(struct ui_gfx *g, float wx, float wy, int *x, int *y);

void ui_clear(struct ui_gfx *g, SDL_Color c);
void ui_fill(struct ui_gfx *g, const struct ui_rect *r, SDL_Color c);
void ui_frame(struct ui_gfx *g, const struct ui_rect *r, int thickness, SDL_Color c);
/*
 * Draws UTF-8 text with its top at y, aligned on x; wrap > 0 wraps it at
 * that width (lines centred when align is UI_CENTER).  Returns the height
 * drawn, 0 for empty text or when rendering failed (logged once).
 */
int ui_text(struct ui_gfx *g, enum ui_font f, SDL_Color c, int x, int y, enum ui_align align, int wrap,
	    const char *text);
/*
 * Copies text into out, cut at a whole character and ended with "…" when it
 * is wider than width pixels in font f.
 */
void ui_text_fit(struct ui_gfx *g, enum ui_font f, int width, const char *text, char *out, size_t outlen);
/* A filled box with a frame and its label centred (label may be NULL). */
void ui_button(struct ui_gfx *g, const struct ui_rect *r, SDL_Color bg, SDL_Color fg, SDL_Color frame,
	       enum ui_font f, const char *label);
/* Presents the frame. */
void ui_present(struct ui_gfx *g);
/* Writes what was drawn last (before ui_present) to path as PNG; SEUIL_OK or an error. */
int ui_gfx_screenshot(struct ui_gfx *g, const char *path, char *err, size_t errlen);

#endif
