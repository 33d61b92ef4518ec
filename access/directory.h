/*
 * directory.h - importing the directory (site, doors, schedules, profiles,
 * tenants, people, credentials, closures, rooms) into the store, from the
 * JSON format or the CSV form of docs/formats.md.
 *
 * An import is all or nothing: it runs in one transaction and a single
 * error leaves the store exactly as it was.  By default entries are
 * inserted or updated by id (a JSON entry is the whole record: its omitted
 * optional fields return to their defaults; a CSV column the header lacks
 * leaves the stored field alone); with DIRECTORY_REPLACE the stored
 * directory is made equal to the file.  Doors keep their order unless the
 * file lists them all.  Errors name the JSON path ("$.people[2].tenant") or
 * the CSV line, and what is wrong.
 */
#ifndef SEUIL_DIRECTORY_H
#define SEUIL_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define DIRECTORY_MAX_BYTES (64u << 20) /* largest file accepted */

enum directory_flags {
	DIRECTORY_REPLACE = 1 << 0, /* make the stored directory equal to the file */
	/* a badge stored for one holder may be given to another; without it that
	 * is refused, naming both (a spreadsheet's typo must not move a badge) */
	DIRECTORY_MOVE_BADGES = 1 << 1,
};

enum directory_format { DIRECTORY_AUTO, DIRECTORY_JSON, DIRECTORY_CSV };

struct directory_counts {
	long doors, schedules, profiles, tenants, people, credentials, closures, rooms;
	long removed; /* entries deleted by DIRECTORY_REPLACE */
};

/*
 * Imports len bytes of buf (not necessarily NUL-terminated).  On success
 * *counts (if not NULL) says what the file held.  Errors: SEUIL_ERR_INVALID
 * with the path or line in err, SEUIL_ERR_TOO_LARGE, SEUIL_ERR_DB/BUSY.
 */
int directory_import_json(struct store *st, const char *buf, size_t len, unsigned flags,
			  struct directory_counts *counts, char *err, size_t errlen);
/*
 * The CSV form: people and their badges, one badge per line (see
 * docs/formats.md); tenants and profiles it names must already be stored.
 * With DIRECTORY_REPLACE, people and credentials become equal to the file.
 */
int directory_import_csv(struct store *st, const char *buf, size_t len, unsigned flags,
			 struct directory_counts *counts, char *err, size_t errlen);
/*
 * Reads path (at most DIRECTORY_MAX_BYTES; "-" standard input) and imports
 * it; DIRECTORY_AUTO picks JSON when the first byte after byte-order marks
 * and blanks is '{' or '[' or starts null, true or false, CSV otherwise.
 */
int directory_import_file(struct store *st, const char *path, enum directory_format format,
			  unsigned flags, struct directory_counts *counts, char *err, size_t errlen);

/*
 * Exporting: the stored directory as JSON, in the format of
 * docs/formats.md plus the `invites` section of docs/office-api.md, so that
 * importing the export into an empty store (with DIRECTORY_REPLACE)
 * reproduces it.  Sections without entries are left out.
 */
enum directory_section {
	DIRECTORY_SITE,
	DIRECTORY_DOORS,
	DIRECTORY_SCHEDULES,
	DIRECTORY_PROFILES,
	DIRECTORY_TENANTS,
	DIRECTORY_PEOPLE,
	DIRECTORY_CREDENTIALS,
	DIRECTORY_CLOSURES,
	DIRECTORY_ROOMS,
	DIRECTORY_INVITES,
	DIRECTORY_SECTION_COUNT
};

/* The JSON name of a section ("site", "doors", ...); NULL when out of range. */
const char *directory_section_name(enum directory_section section);
/* The section named name, or -1. */
int directory_section_from_name(const char *name);

/*
 * What to export: every entry of the sections whose bit (1u << section) is
 * set in `all`, and of the others the entries whose ids (credentials: the
 * normalized UID, closures: the date; the site: any id) are listed.  An id
 * that is not stored is skipped.  The arrays stay owned by the caller.
 */
struct directory_selection {
	unsigned all;
	const char *const *ids[DIRECTORY_SECTION_COUNT];
	size_t count[DIRECTORY_SECTION_COUNT];
};

/*
 * Writes the directory (everything when sel is NULL) as one compact JSON
 * object into *out (NUL-terminated, *len bytes without the NUL), which the
 * caller frees with free().  Reads one consistent snapshot.  Errors:
 * SEUIL_ERR_DB/BUSY, SEUIL_ERR_NOMEM.  Not thread-safe (the store's rule).
 */
int directory_export_json(struct store *st, const struct directory_selection *sel, char **out,
			  size_t *len, char *err, size_t errlen);

#endif
