/*
 * ui_keyboard.h - the on-screen AZERTY keyboard and the text field it
 * edits: pure (no SDL), so the state machine and unit tests use it as is;
 * screen_keyboard.c draws it.  Accented letters (é è ê à ù ç œ ...) are on
 * a second layer ("é" key) and by long press on their base letter; shift
 * is one-shot; backspace removes one whole UTF-8 character.
 *
 * The keyboard occupies UI_KB_AREA at the bottom of the canvas; every key
 * is at least 56 logical pixels (9 mm on a 10.1" 1280x800 panel).
 */
#ifndef SEUIL_UI_KEYBOARD_H
#define SEUIL_UI_KEYBOARD_H

#include "ui_types.h"

#include <stdbool.h>
#include <stddef.h>

static const struct ui_rect UI_KB_AREA = { 0, 440, UI_W, 360 };

#define UI_FIELD_MAX 160 /* bytes, NUL included */

struct ui_field {
	char text[UI_FIELD_MAX];
	size_t len;
};

enum ui_kb_layer { UI_KB_LETTERS, UI_KB_ACCENTS, UI_KB_DIGITS };

struct ui_keyboard {
	enum ui_kb_layer layer;
	bool shift;           /* one-shot capital */
	int64_t press_ms;     /* a key held (long press), 0 = none */
	int press_key;        /* its index */
};

enum ui_kb_result {
	UI_KB_NONE,     /* the tap was not on a key */
	UI_KB_CHANGED,  /* the field or the keyboard changed: redraw */
	UI_KB_ENTER,    /* the "OK" key */
};

/* one key as drawn and hit */
struct ui_kb_key {
	struct ui_rect r;
	const char *label;  /* UTF-8, as shown (already shifted) */
	const char *insert; /* what it types, NULL for a function key */
	enum { UI_KB_K_CHAR, UI_KB_K_SHIFT, UI_KB_K_BACK, UI_KB_K_LAYER, UI_KB_K_SPACE, UI_KB_K_ENTER } kind;
};

void ui_keyboard_init(struct ui_keyboard *kb);
/* The keys of the current layer; returns how many (at most max). */
size_t ui_keyboard_keys(const struct ui_keyboard *kb, struct ui_kb_key *out, size_t max);
/* A tap at (x, y) edits f. */
enum ui_kb_result ui_keyboard_tap(struct ui_keyboard *kb, struct ui_field *f, int x, int y);
/* Typed text (a physical keyboard, a script): appended if it fits, whole characters only. */
enum ui_kb_result ui_field_type(struct ui_field *f, const char *utf8);
/* Removes the last UTF-8 character. */
enum ui_kb_result ui_field_backspace(struct ui_field *f);
void ui_field_clear(struct ui_field *f);

#endif
