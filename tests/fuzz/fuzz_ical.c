/*
 * fuzz_ical.c - libFuzzer target for reading calendar objects: the input
 * is expanded with ical_expand() over a quarter around the 2026 daylight-
 * saving change, then stored as a room's only calendar object through
 * bookings_replace().  Whatever the input: no crash, no hang (the limits of
 * ical_expand.h), a refusal explains itself on one line and yields nothing,
 * an expansion is sorted with every occurrence inside the window and no
 * private title, and the store holds exactly what the expansion gave.
 */
#include "bookings.h"
#include "directory.h"
#include "err.h"
#include "ical_expand.h"
#include "store.h"
#include "tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FROM_S 1767225600 /* 2026-01-01T00:00:00Z */
#define TO_S 1775001600   /* 2026-04-01T00:00:00Z */

static const char dir[] = "{\"site\":{\"name\":\"P\",\"timezone\":\"Europe/Paris\"},"
			  "\"tenants\":[{\"id\":\"t\",\"name\":\"T\"}],"
			  "\"people\":[{\"id\":\"p\",\"name\":\"P\",\"tenant\":\"t\",\"email\":\"a@b.c\"}],"
			  "\"rooms\":[{\"id\":\"r\",\"name\":\"R\",\"calendar\":\"https://x/r/\"}]}";

static struct tz *paris;
static struct store *st;

static int count_occ(const struct booking_occurrence *o, void *ctx)
{
	if (o->private_ && o->summary[0] != '\0')
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_expansion x;
	struct booking_item item = { "f.ics", NULL, NULL };
	char err[256] = "", *text;
	size_t stored = 0, skipped = 0;
	int rc;

	if (paris == NULL) {
		if (tz_load("Europe/Paris", &paris, err, sizeof(err)) != SEUIL_OK ||
		    store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, dir, strlen(dir), 0, NULL, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	rc = ical_expand((const char *)data, size, paris, FROM_S, TO_S, &x, err, sizeof(err));
	if (rc != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL || x.nocc != 0 || x.occ != NULL || x.events != NULL)
			abort();
	} else {
		for (size_t i = 0; i < x.nocc; i++) {
			const struct ical_occurrence *o = &x.occ[i];
			if (o->event >= x.nevents || o->end_s < o->start_s || o->start_s >= TO_S ||
			    (o->end_s <= FROM_S && !(o->end_s == o->start_s && o->start_s >= FROM_S)))
				abort();
			if (i > 0 && o->start_s < x.occ[i - 1].start_s)
				abort();
			if (x.events[o->event].private_ && x.events[o->event].summary[0] != '\0')
				abort();
		}
	}
	/* the same object stored as a room's calendar (NUL-terminated, as seuil-sync hands it over) */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	item.ical = text;
	err[0] = '\0';
	/* 2026-02-15: the store's window (7 days back, 90 ahead) differs from the one above */
	if (bookings_replace(st, "r", &item, 1, NULL, 1771156800, &skipped, err, sizeof(err)) != SEUIL_OK)
		abort();
	err[0] = '\0';
	if (bookings_list(st, NULL, INT64_MIN / 2, INT64_MAX / 2, count_occ, &stored, err, sizeof(err)) != SEUIL_OK)
		abort();
	if (skipped > 1 || (skipped == 1 && stored != 0))
		abort();
	free(text);
	ical_expansion_release(&x);
	return 0;
}
