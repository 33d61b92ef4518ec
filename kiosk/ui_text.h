/*
 * ui_text.h - the kiosk's words: gettext over the catalogs compiled from
 * assets/po/ (build/locale, or the installed share/locale), switched at run
 * time between French and English, and the date written out in words.
 * Not thread-safe: the screen's thread only.
 */
#ifndef SEUIL_UI_TEXT_H
#define SEUIL_UI_TEXT_H

#include "ui_state.h"

#include <libintl.h>
#include <stddef.h>
#include <time.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Binds the "seuil" domain to localedir (NULL: $SEUIL_LOCALEDIR, then
 * build/locale next to the binary's build, then the installed one) and
 * selects lang.  Returns the directory used (static storage).
 */
const char *ui_text_init(const char *localedir, enum ui_lang lang);
/* Switches every later _() to lang. */
void ui_text_set_lang(enum ui_lang lang);
/* "jeudi 26 novembre 2026" / "Thursday, November 26, 2026" for tm. */
void ui_text_date(const struct tm *tm, char *out, size_t len);
/* The refusal in plain words and what to do about it; never NULL. */
const char *ui_text_refusal(enum ui_refusal r);
const char *ui_text_refusal_advice(enum ui_refusal r);

#endif
