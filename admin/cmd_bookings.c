/*
 * cmd_bookings.c - seuilctl bookings and bookings-import: the rooms'
 * occurrences as JSON lines, and a local .ics file stored as a room's
 * calendar (tests, the demo, a site without a calendar server).  Talking to
 * calendar servers is seuil-sync's; these only read and write the store.
 */
#include "cli.h"

#include "bookings.h"
#include "civil.h"
#include "clock.h"
#include "err.h"
#include "ical_expand.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bookings_usage[] =
	"usage: seuilctl bookings [--db PATH] [--room ID] [--from ISO8601] [--to ISO8601]\n"
	"Prints the rooms' bookings overlapping [--from, --to) (default: all that are\n"
	"stored, 7 days back to 90 days ahead of the last sync), one JSON object per\n"
	"occurrence, by start:\n"
	"{\"room\",\"start\",\"end\",\"all_day\",\"summary\",\"uid\",\"recurrence_id\"}; times in UTC.\n"
	"A private booking prints \"summary\":\"\" and \"private\":true.  An instant without\n"
	"an offset is read in the site's time zone; a date (YYYY-MM-DD) is its local midnight.\n";

static int print_occurrence(const struct booking_occurrence *o, void *ctx)
{
	char start[21], end[21], *line;
	json_t *obj;

	(void)ctx;
	civil_format_instant(o->start_s, start);
	civil_format_instant(o->end_s, end);
	obj = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s?}", "room", o->room, "start", start, "end", end,
			"all_day", o->all_day, "summary", o->private_ ? "" : o->summary, "uid", o->uid,
			"recurrence_id", o->recurrence_id[0] ? o->recurrence_id : NULL);
	if (obj != NULL && o->private_ && json_object_set_new(obj, "private", json_true()) != 0) {
		json_decref(obj);
		obj = NULL;
	}
	line = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(obj);
	if (line == NULL)
		return SEUIL_ERR_NOMEM;
	puts(line);
	free(line);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

/* an instant, or a date read as the site's local midnight */
static int parse_bound(struct store *st, const char *text, int64_t *ms)
{
	struct civil_date d;
	char midnight[32];

	if (civil_parse_date(text, &d)) {
		snprintf(midnight, sizeof(midnight), "%sT00:00", text);
		return cli_parse_at(st, midnight, ms);
	}
	return cli_parse_at(st, text, ms);
}

int cmd_bookings(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "room", required_argument, NULL, 'r' }, { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },   { NULL, 0, NULL, 0 },
	};
	const char *room = NULL, *from = NULL, *to = NULL;
	int64_t from_ms = INT64_MIN / 2, to_ms = INT64_MAX / 2;
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, bookings_usage, &done)) != -1) {
		switch (opt) {
		case 'r': room = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return cli_fail("bookings takes no arguments (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	if ((from != NULL && (rc = parse_bound(st, from, &from_ms)) != CLI_OK) ||
	    (to != NULL && (rc = parse_bound(st, to, &to_ms)) != CLI_OK)) {
		store_free(st);
		return rc;
	}
	rc = bookings_list(st, room, from_ms / 1000, to_ms / 1000, print_occurrence, NULL, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err[0] ? err : seuil_strerror(rc));
	return fflush(stdout) == 0 ? CLI_OK : cli_fail("cannot write the output");
}

static const char import_usage[] =
	"usage: seuilctl bookings-import [--db PATH] --room ID [--at ISO8601] FILE.ics...\n"
	"Makes the room's calendar exactly these iCalendar files (\"-\" reads standard\n"
	"input), each stored as one calendar object, and expands them over the window\n"
	"around --at (default now): 7 days back, 90 days ahead.  The room's sync token\n"
	"is cleared, so a room that also has a calendar server is read again in full\n"
	"at its next sync.  Prints how many occurrences the room now has.\n";

/* Reads a whole file (or stdin for "-") of at most ICAL_EXPAND_MAX_BYTES into *out. */
static int read_ics(const char *path, char **out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = ICAL_EXPAND_MAX_BYTES + 1, n;
	char *buf;

	if (f == NULL)
		return cli_fail("cannot read %s: %s", path, strerror(errno));
	if ((buf = malloc(cap + 1)) == NULL) {
		if (f != stdin)
			fclose(f);
		return cli_fail("out of memory");
	}
	n = fread(buf, 1, cap, f);
	if (ferror(f) || n == cap) {
		int rc = ferror(f) ? cli_fail("cannot read %s", path)
				   : cli_fail("%s: larger than %d bytes", path, ICAL_EXPAND_MAX_BYTES);
		if (f != stdin)
			fclose(f);
		free(buf);
		return rc;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	if (strlen(buf) != n) {
		free(buf);
		return cli_fail("%s: not an iCalendar file (binary data)", path);
	}
	*out = buf;
	return CLI_OK;
}

static int count_room(const struct booking_occurrence *o, void *ctx)
{
	(void)o;
	(*(long *)ctx)++;
	return 0;
}

int cmd_bookings_import(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "room", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct booking_item *items = NULL;
	const char *room = NULL, *at = NULL;
	struct store *st = NULL;
	size_t n = 0, skipped = 0;
	int64_t now_ms;
	long occurrences = 0;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, import_usage, &done)) != -1) {
		switch (opt) {
		case 'r': room = optarg; break;
		case 'a': at = optarg; break;
		}
	}
	if (done >= 0)
		return done;
	if (room == NULL || optind == argc)
		return cli_fail("bookings-import needs --room ID and at least one FILE.ics (see --help)");
	if ((items = calloc((size_t)(argc - optind), sizeof(*items))) == NULL)
		return cli_fail("out of memory");
	for (int i = optind; i < argc; i++) {
		char *text = NULL;
		const char *base = strrchr(argv[i], '/');
		if ((rc = read_ics(argv[i], &text)) != CLI_OK)
			goto out;
		items[n].href = base != NULL ? base + 1 : argv[i]; /* "-" for standard input */
		items[n].ical = text;
		n++;
	}
	if ((rc = cli_open(0, &st)) != CLI_OK)
		goto out;
	now_ms = clock_wall_ms();
	if (at != NULL && (rc = cli_parse_at(st, at, &now_ms)) != CLI_OK)
		goto out;
	rc = bookings_replace(st, room, items, n, NULL, now_ms / 1000, &skipped, err, sizeof(err));
	if (rc != SEUIL_OK) {
		rc = cli_fail("%s", err[0] ? err : seuil_strerror(rc));
		goto out;
	}
	if (skipped > 0 || err[0] != '\0')
		fprintf(stderr, "seuilctl: warning: %s\n", err);
	err[0] = '\0';
	rc = bookings_list(st, room, INT64_MIN / 2, INT64_MAX / 2, count_room, &occurrences, err, sizeof(err));
	if (rc != SEUIL_OK) {
		rc = cli_fail("%s", err);
		goto out;
	}
	printf("room %s: %zu file(s), %zu unreadable, %ld occurrence(s)\n", room, n, skipped, occurrences);
	rc = skipped > 0 ? CLI_ERROR : CLI_OK;
out:
	for (size_t i = 0; i < n; i++)
		free((char *)items[i].ical);
	free(items);
	store_free(st);
	return rc;
}
