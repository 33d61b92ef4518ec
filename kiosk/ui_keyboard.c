/*
 * ui_keyboard.c - the on-screen keyboard's layout and the field it edits
 * (see ui_keyboard.h).  The layout is data: four rows per layer, each key
 * with its lower and upper case and its width; positions are computed, so
 * drawing and hitting can never disagree.  It does not draw.
 */
#include "ui_keyboard.h"

#include <string.h>

#define KEY_W 104  /* a letter key */
#define KEY_H 72
#define GAP 8
#define ROW_GAP 12
#define TOP (UI_KB_AREA.y + 16)
#define WIDE 128   /* backspace, OK */
#define SHIFT_W 160
#define SPACE_W 520

struct spec {
	enum ui_kb_kind kind;
	const char *lo, *up; /* label and text; for function keys, the label */
	int w;
	enum ui_kb_layer target;
};

#define C(l, u) { UI_KB_K_CHAR, l, u, KEY_W, UI_KB_LETTERS }
#define BACK { UI_KB_K_BACK, "⌫", "⌫", WIDE, UI_KB_LETTERS }
#define ENTER { UI_KB_K_ENTER, "OK", "OK", WIDE, UI_KB_LETTERS }
#define SHIFT { UI_KB_K_SHIFT, "⇧", "⇧", SHIFT_W, UI_KB_LETTERS }
#define SPACE { UI_KB_K_SPACE, "Space", "Space", SPACE_W, UI_KB_LETTERS }
#define LAYER(l, t) { UI_KB_K_LAYER, l, l, SHIFT_W, t }
#define END { UI_KB_K_CHAR, NULL, NULL, 0, UI_KB_LETTERS }

#define ROWS 4
#define ROW_KEYS 12 /* END included */

static const struct spec layouts[3][ROWS][ROW_KEYS] = {
	[UI_KB_LETTERS] = {
		{ C("a", "A"), C("z", "Z"), C("e", "E"), C("r", "R"), C("t", "T"), C("y", "Y"), C("u", "U"),
		  C("i", "I"), C("o", "O"), C("p", "P"), BACK, END },
		{ C("q", "Q"), C("s", "S"), C("d", "D"), C("f", "F"), C("g", "G"), C("h", "H"), C("j", "J"),
		  C("k", "K"), C("l", "L"), C("m", "M"), ENTER, END },
		{ SHIFT, C("w", "W"), C("x", "X"), C("c", "C"), C("v", "V"), C("b", "B"), C("n", "N"),
		  C("é", "É"), C("'", "'"), C("-", "-"), END },
		{ LAYER("123", UI_KB_DIGITS), LAYER("éàç", UI_KB_ACCENTS), SPACE, C(".", "."), END },
	},
	[UI_KB_ACCENTS] = {
		{ C("é", "É"), C("è", "È"), C("ê", "Ê"), C("ë", "Ë"), C("à", "À"), C("â", "Â"), C("ù", "Ù"),
		  C("û", "Û"), C("ü", "Ü"), C("ç", "Ç"), BACK, END },
		{ C("œ", "Œ"), C("æ", "Æ"), C("î", "Î"), C("ï", "Ï"), C("ô", "Ô"), C("ö", "Ö"), C("ä", "Ä"),
		  C("ÿ", "Ÿ"), C("ñ", "Ñ"), C("ß", "ß"), ENTER, END },
		{ SHIFT, C("'", "'"), C("-", "-"), C(",", ","), C("&", "&"), C("(", "("), C(")", ")"), END },
		{ LAYER("123", UI_KB_DIGITS), LAYER("abc", UI_KB_LETTERS), SPACE, C(".", "."), END },
	},
	[UI_KB_DIGITS] = {
		{ C("1", "1"), C("2", "2"), C("3", "3"), C("4", "4"), C("5", "5"), C("6", "6"), C("7", "7"),
		  C("8", "8"), C("9", "9"), C("0", "0"), BACK, END },
		{ C("@", "@"), C("#", "#"), C("&", "&"), C("(", "("), C(")", ")"), C("/", "/"), C("+", "+"),
		  C(":", ":"), C(";", ";"), C("_", "_"), ENTER, END },
		{ C("'", "'"), C("-", "-"), C(",", ","), C("?", "?"), C("!", "!"), C("\"", "\""), C("*", "*"),
		  C("%", "%"), END },
		{ LAYER("abc", UI_KB_LETTERS), LAYER("éàç", UI_KB_ACCENTS), SPACE, C(".", "."), END },
	},
};

void ui_keyboard_init(struct ui_keyboard *kb)
{
	memset(kb, 0, sizeof(*kb));
	kb->layer = UI_KB_LETTERS;
}

size_t ui_keyboard_keys(const struct ui_keyboard *kb, struct ui_kb_key *out, size_t max)
{
	size_t n = 0;

	for (int row = 0; row < ROWS; row++) {
		const struct spec *s = layouts[kb->layer][row];
		int width = -GAP, x;
		for (int i = 0; s[i].lo != NULL; i++)
			width += s[i].w + GAP;
		/* rows centred: the first two rows fill the width, the others sit in the middle */
		x = (UI_W - width) / 2;
		for (int i = 0; s[i].lo != NULL && n < max; i++) {
			struct ui_kb_key *k = &out[n++];
			k->r = (struct ui_rect){ x, TOP + row * (KEY_H + ROW_GAP), s[i].w, KEY_H };
			k->kind = s[i].kind;
			k->target = s[i].target;
			k->label = kb->shift ? s[i].up : s[i].lo;
			k->insert = s[i].kind == UI_KB_K_CHAR ? k->label : s[i].kind == UI_KB_K_SPACE ? " " : NULL;
			x += s[i].w + GAP;
		}
	}
	return n;
}

void ui_keyboard_follow(struct ui_keyboard *kb, const struct ui_field *f)
{
	char last;

	if (!kb->auto_caps || f == NULL)
		return;
	last = f->len > 0 ? f->text[f->len - 1] : ' ';
	kb->shift = last == ' ' || last == '-' || last == '\'';
}

enum ui_kb_result ui_keyboard_tap(struct ui_keyboard *kb, struct ui_field *f, int x, int y)
{
	struct ui_kb_key keys[UI_KB_KEYS_MAX];
	size_t n = ui_keyboard_keys(kb, keys, UI_KB_KEYS_MAX);
	enum ui_kb_result res = UI_KB_CHANGED;

	for (size_t i = 0; i < n; i++) {
		const struct ui_kb_key *k = &keys[i];
		if (!ui_rect_hit(&k->r, x, y))
			continue;
		switch (k->kind) {
		case UI_KB_K_SHIFT:
			kb->shift = !kb->shift;
			return UI_KB_CHANGED;
		case UI_KB_K_LAYER:
			kb->layer = k->target;
			return UI_KB_CHANGED;
		case UI_KB_K_ENTER:
			return UI_KB_ENTER;
		case UI_KB_K_BACK:
			if (f != NULL)
				ui_field_backspace(f);
			break;
		case UI_KB_K_CHAR:
		case UI_KB_K_SPACE:
			if (f != NULL)
				ui_field_type(f, k->insert);
			kb->shift = false;
			break;
		}
		ui_keyboard_follow(kb, f);
		return res;
	}
	return UI_KB_NONE;
}

/* the length of the UTF-8 character at p (1..4), or 0 when malformed or a control character */
static size_t char_len(const unsigned char *p)
{
	size_t n;

	if (p[0] < 0x20 || p[0] == 0x7f)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0 && p[0] >= 0xC2)
		n = 2;
	else if ((p[0] & 0xF0) == 0xE0)
		n = 3;
	else if ((p[0] & 0xF8) == 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	/* the C1 controls (U+0080..U+009F) are controls too */
	if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)
		return 0;
	return n;
}

enum ui_kb_result ui_field_type(struct ui_field *f, const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	enum ui_kb_result res = UI_KB_NONE;

	while (*p != '\0') {
		size_t n = char_len(p);
		if (n == 0) {
			p++; /* dropped: a control, or a byte that starts no character */
			continue;
		}
		if (f->len + n >= sizeof(f->text))
			break;
		memcpy(f->text + f->len, p, n);
		f->len += n;
		f->text[f->len] = '\0';
		p += n;
		res = UI_KB_CHANGED;
	}
	return res;
}

enum ui_kb_result ui_field_backspace(struct ui_field *f)
{
	if (f->len == 0)
		return UI_KB_NONE;
	do
		f->len--;
	while (f->len > 0 && ((unsigned char)f->text[f->len] & 0xC0) == 0x80);
	f->text[f->len] = '\0';
	return UI_KB_CHANGED;
}

void ui_field_clear(struct ui_field *f)
{
	memset(f, 0, sizeof(*f));
}

void ui_field_set(struct ui_field *f, const char *utf8)
{
	ui_field_clear(f);
	if (utf8 != NULL)
		ui_field_type(f, utf8);
}

bool ui_field_blank(const struct ui_field *f)
{
	return f->text[strspn(f->text, " ")] == '\0';
}
