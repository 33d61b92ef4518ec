/*
 * ui_text.c - catalogs, the language switch and dates in words.  The
 * language is chosen through $LANGUAGE under a C.UTF-8 locale, so no
 * French locale needs to be installed on the appliance.
 */
#include "ui_text.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SEUIL_LOCALEDIR
#define SEUIL_LOCALEDIR "/usr/local/share/locale"
#endif

/* GNU gettext's catalog generation: bumping it drops translations cached for the old language */
extern int _nl_msg_cat_cntr;

static char used_dir[PATH_MAX];

static bool has_catalog(const char *dir)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/fr/LC_MESSAGES/seuil.mo", dir);
	return stat(path, &sb) == 0;
}

/* build/locale beside build/seuil (or build/asan/seuil) */
static bool beside_binary(char *out, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		if ((slash = strrchr(exe, '/')) == NULL)
			return false;
		*slash = '\0';
		snprintf(out, len, "%s/locale", exe);
		if (has_catalog(out))
			return true;
	}
	return false;
}

const char *ui_text_init(const char *localedir, enum ui_lang lang)
{
	const char *env = getenv("SEUIL_LOCALEDIR");

	if (localedir != NULL)
		snprintf(used_dir, sizeof(used_dir), "%s", localedir);
	else if (env != NULL && env[0] != '\0')
		snprintf(used_dir, sizeof(used_dir), "%s", env);
	else if (!beside_binary(used_dir, sizeof(used_dir)))
		snprintf(used_dir, sizeof(used_dir), "%s", SEUIL_LOCALEDIR);
	/* LANGUAGE is only honoured under a locale other than "C" */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("seuil", used_dir);
	bind_textdomain_codeset("seuil", "UTF-8");
	textdomain("seuil");
	ui_text_set_lang(lang);
	return used_dir;
}

void ui_text_set_lang(enum ui_lang lang)
{
	setenv("LANGUAGE", lang == UI_LANG_EN ? "en" : "fr", 1);
	++_nl_msg_cat_cntr;
}

void ui_text_date(const struct tm *tm, char *out, size_t len)
{
	static const char *const days[7] = { N_("Sunday"),   N_("Monday"), N_("Tuesday"), N_("Wednesday"),
					     N_("Thursday"), N_("Friday"), N_("Saturday") };
	static const char *const months[12] = { N_("January"), N_("February"), N_("March"),     N_("April"),
						N_("May"),     N_("June"),     N_("July"),      N_("August"),
						N_("September"), N_("October"), N_("November"), N_("December") };

	snprintf(out, len, _("%1$s %2$d %3$s %4$d"), _(days[tm->tm_wday % 7]), tm->tm_mday,
		 _(months[tm->tm_mon % 12]), tm->tm_year + 1900);
}

const char *ui_text_refusal(enum ui_refusal r)
{
	switch (r) {
	case UI_REFUSAL_NONE: return "";
	case UI_REFUSAL_UNKNOWN: return _("This badge is not known here.");
	case UI_REFUSAL_BLOCKED: return _("This badge is blocked.");
	case UI_REFUSAL_EXPIRED: return _("This badge has expired.");
	case UI_REFUSAL_NOT_YET: return _("This badge is not valid yet.");
	case UI_REFUSAL_NO_RIGHT: return _("This badge does not open this door.");
	case UI_REFUSAL_HOURS: return _("The building is closed at this hour.");
	case UI_REFUSAL_LOCKDOWN: return _("The building is locked down.");
	case UI_REFUSAL_SLOW_DOWN: return _("Too many attempts: wait a minute.");
	case UI_REFUSAL_FAULT: break;
	}
	return _("The door cannot check badges right now.");
}

const char *ui_text_refusal_advice(enum ui_refusal r)
{
	switch (r) {
	case UI_REFUSAL_LOCKDOWN: return _("Follow the instructions of the staff.");
	case UI_REFUSAL_SLOW_DOWN: return _("Try again in a minute.");
	default: return _("Please ask at the front desk.");
	}
}
