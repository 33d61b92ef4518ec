/*
 * ui_keyboard.c - the on-screen keyboard's layout and the field it edits
 * (see ui_keyboard.h).
 */
#include "ui_keyboard.h"

#include <string.h>

void ui_keyboard_init(struct ui_keyboard *kb)
{
	memset(kb, 0, sizeof(*kb));
}

size_t ui_keyboard_keys(const struct ui_keyboard *kb, struct ui_kb_key *out, size_t max)
{
	(void)kb;
	(void)out;
	(void)max;
	return 0;
}

enum ui_kb_result ui_keyboard_tap(struct ui_keyboard *kb, struct ui_field *f, int x, int y)
{
	(void)kb;
	(void)f;
	(void)x;
	(void)y;
	return UI_KB_NONE;
}

enum ui_kb_result ui_field_type(struct ui_field *f, const char *utf8)
{
	size_t n = strlen(utf8);

	if (f->len + n >= sizeof(f->text))
		return UI_KB_NONE;
	memcpy(f->text + f->len, utf8, n + 1);
	f->len += n;
	return UI_KB_CHANGED;
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
