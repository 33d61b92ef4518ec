/*
 * ui_keyboard.h - the on-screen AZERTY keyboard and the text field it
 * edits: pure (no SDL, no clock, no gettext), so the state machine and unit
 * tests use it as is; screen_keyboard.c draws it.  Accented letters (é è ê
 * à ù ç œ ...) and their capitals are on a second layer ("éàç" key), é is
 * also on the letters layer; digits and signs on a third ("123").  Shift
 * is one-shot; with auto_caps on, shift turns itself on at the start of
 * the field and of each word (names).  Backspace removes one whole UTF-8
 * character.  Long press is not handled here: the kiosk reports presses,
 * not releases.
 *
 * The keyboard occupies UI_KB_AREA at the bottom of the canvas; every key
 * is at least 56 logical pixels (9 mm on a 10.1" 1280x800 panel).  Key
 * labels are UTF-8 as shown; the function keys' labels that are words
 * ("Space", "OK") are English msgids the drawing code translates.
 */
#ifndef SEUIL_UI_KEYBOARD_H
#define SEUIL_UI_KEYBOARD_H

#include "ui_types.h"

#include <stdbool.h>
#include <stddef.h>

static const struct ui_rect UI_KB_AREA = { 0, 440, UI_W, 360 };

#define UI_FIELD_MAX 160 /* bytes, NUL included */
#define UI_KB_KEYS_MAX 48 /* keys of the fullest layer, with room to spare */

/* a line of text being typed; text is always NUL-terminated UTF-8, len = strlen(text) */
struct ui_field {
	char text[UI_FIELD_MAX];
	size_t len;
};

enum ui_kb_layer { UI_KB_LETTERS, UI_KB_ACCENTS, UI_KB_DIGITS };

struct ui_keyboard {
	enum ui_kb_layer layer;
	bool shift;           /* one-shot capital */
	bool auto_caps;       /* shift on at the start of the field and after a space, - or ' */
	int64_t press_ms;     /* reserved for a long press (not reported yet), 0 = none */
	int press_key;
};

enum ui_kb_result {
	UI_KB_NONE,     /* the tap was not on a key, or nothing could change */
	UI_KB_CHANGED,  /* the field or the keyboard changed: redraw */
	UI_KB_ENTER,    /* the "OK" key */
};

enum ui_kb_kind { UI_KB_K_CHAR, UI_KB_K_SHIFT, UI_KB_K_BACK, UI_KB_K_LAYER, UI_KB_K_SPACE, UI_KB_K_ENTER };

/* one key as drawn and hit */
struct ui_kb_key {
	struct ui_rect r;
	const char *label;       /* UTF-8, as shown (already shifted); a msgid for SPACE and ENTER */
	const char *insert;      /* what it types, NULL for a function key */
	enum ui_kb_kind kind;
	enum ui_kb_layer target; /* UI_KB_K_LAYER: the layer it shows */
};

/* The letters layer, shift off; auto_caps off. */
void ui_keyboard_init(struct ui_keyboard *kb);
/* The keys of the current layer; returns how many (at most max). */
size_t ui_keyboard_keys(const struct ui_keyboard *kb, struct ui_kb_key *out, size_t max);
/* A tap at (x, y) edits f (NULL: layer and shift keys only); UI_KB_NONE when no key is there. */
enum ui_kb_result ui_keyboard_tap(struct ui_keyboard *kb, struct ui_field *f, int x, int y);
/* With auto_caps on, sets shift from what f ends with (call after editing f otherwise). */
void ui_keyboard_follow(struct ui_keyboard *kb, const struct ui_field *f);
/*
 * Typed text (a physical keyboard, a script): appended one whole UTF-8
 * character at a time while it fits; control characters and malformed
 * bytes are dropped.  UI_KB_CHANGED when anything was appended.
 */
enum ui_kb_result ui_field_type(struct ui_field *f, const char *utf8);
/* Removes the last UTF-8 character. */
enum ui_kb_result ui_field_backspace(struct ui_field *f);
void ui_field_clear(struct ui_field *f);
/* Replaces f's text with utf8 (cut at a whole character when too long). */
void ui_field_set(struct ui_field *f, const char *utf8);
/* True when f holds something other than spaces. */
bool ui_field_blank(const struct ui_field *f);

#endif
