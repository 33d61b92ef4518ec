/*
 * cmd_journal.c - seuilctl events, purge, lockdown and status: reading the
 * journal and the state of the store, and the two actions staff take on the
 * building as a whole.
 */
#include "cli.h"

#include "civil.h"
#include "clock.h"
#include "err.h"
#include "journal.h"
#include "store.h"
#include "sync_store.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char events_usage[] =
	"usage: seuilctl events [--db PATH] [--since SEQ] [--format jsonl|csv]\n"
	"Prints the journal events after sequence SEQ (default: all), one JSON object\n"
	"per line (the outbox format) or CSV with a header line.\n";

static int print_jsonl(const struct journal_event *ev, void *ctx)
{
	char *line = journal_event_json(ev);

	(void)ctx;
	if (line == NULL)
		return SEUIL_ERR_NOMEM;
	puts(line);
	free(line);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

static void csv_cell(const char *text, int last)
{
	csv_fwrite(stdout, text, strlen(text));
	fputc(last ? '\n' : ',', stdout);
}

static int print_csv(const struct journal_event *ev, void *ctx)
{
	char seq[24], iso[21], at[32], granted[8] = "", visitor[24] = "";
	int64_t s = ev->at_ms >= 0 ? ev->at_ms / 1000 : -((-ev->at_ms + 999) / 1000);

	(void)ctx;
	snprintf(seq, sizeof(seq), "%" PRId64, ev->seq);
	/* UTC with milliseconds, as in the JSON lines */
	civil_format_instant(s, iso);
	snprintf(at, sizeof(at), "%.19s.%03dZ", iso, (int)(ev->at_ms - s * 1000));
	if (ev->granted >= 0)
		snprintf(granted, sizeof(granted), "%s", ev->granted ? "true" : "false");
	if (ev->visitor != 0)
		snprintf(visitor, sizeof(visitor), "%" PRId64, ev->visitor);
	csv_cell(seq, 0);
	csv_cell(at, 0);
	csv_cell(ev->device, 0);
	csv_cell(ev->kind, 0);
	csv_cell(ev->door, 0);
	csv_cell(granted, 0);
	csv_cell(ev->reason, 0);
	csv_cell(ev->person, 0);
	csv_cell(ev->tenant, 0);
	csv_cell(visitor, 0);
	csv_cell(ev->credential_hash, 0);
	csv_cell(ev->detail, 1);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "since", required_argument, NULL, 's' }, { "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	journal_visit_fn fn = print_jsonl;
	long long since = 0;
	struct store *st;
	char err[512] = "", *end;
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, events_usage, &done)) != -1) {
		if (opt == 's') {
			errno = 0;
			since = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || since < 0)
				return cli_fail("--since: a sequence number");
		} else if (opt == 'f') {
			if (strcmp(optarg, "csv") == 0)
				fn = print_csv;
			else if (strcmp(optarg, "jsonl") != 0)
				return cli_fail("--format: jsonl or csv");
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return cli_fail("events takes no arguments (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	if (fn == print_csv)
		fputs("seq,at,device,kind,door,granted,reason,person,tenant,visitor,credential_hash,detail\n",
		      stdout);
	rc = journal_list(st, since, fn, NULL, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err[0] ? err : seuil_strerror(rc));
	return fflush(stdout) == 0 ? CLI_OK : cli_fail("cannot write the output");
}

static const char purge_usage[] =
	"usage: seuilctl purge [--db PATH] [--at ISO8601]\n"
	"Deletes journal events older than three months and visitor records older\n"
	"than the visitor_retention_days setting (default 30), as of --at (default\n"
	"now).  Where an office syncs, events it has not acknowledged are kept.\n";

int cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { "at", required_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	struct journal_purge_counts c;
	const char *at = NULL;
	struct store *st;
	int64_t now;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, purge_usage, &done)) != -1) {
		if (opt == 'a')
			at = optarg;
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return cli_fail("purge takes no arguments (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	now = clock_wall_ms();
	if (at != NULL && (rc = cli_parse_at(st, at, &now)) != CLI_OK) {
		store_free(st);
		return rc;
	}
	rc = journal_purge(st, now, clock_wall_ms(), &c, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err);
	printf("purged %lld events, %lld visitors, %lld invites\n", (long long)c.events,
	       (long long)c.visitors, (long long)c.invites);
	return CLI_OK;
}

static const char lockdown_usage[] =
	"usage: seuilctl lockdown [--db PATH] on|off\n"
	"Lockdown refuses every badge except staff's, until turned off.\n";

int cmd_lockdown(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc, on;

	while ((opt = cli_getopt(argc, argv, "h", opts, lockdown_usage, &done)) != -1)
		;
	if (done >= 0)
		return done;
	if (optind != argc - 1 || (strcmp(argv[optind], "on") != 0 && strcmp(argv[optind], "off") != 0))
		return cli_fail("lockdown takes on or off (see --help)");
	on = strcmp(argv[optind], "on") == 0;
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	rc = journal_set_lockdown(st, on, "seuilctl", clock_wall_ms(), err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err);
	printf("lockdown %s\n", on ? "on" : "off");
	return CLI_OK;
}

static const char status_usage[] =
	"usage: seuilctl status [--db PATH]\n"
	"Prints the database, the site, what the directory holds, the journal and\n"
	"outbox sizes, lockdown and the last sync.\n";

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct store_summary s;
	struct sync_status sync;
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, status_usage, &done)) != -1)
		;
	if (done >= 0)
		return done;
	if (optind != argc)
		return cli_fail("status takes no arguments (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	rc = store_summarize(st, &s, err, sizeof(err));
	if (rc == SEUIL_OK) {
		printf("database:     %s (schema %d)\n", store_path(st), store_schema_version(st));
		printf("device:       %s\n", s.device);
		printf("site:         %s (%s)\n", s.site[0] ? s.site : "none yet: seuilctl import",
		       s.timezone[0] ? s.timezone : "-");
		printf("directory:    %ld doors, %ld tenants, %ld people, %ld badges (%ld active)\n",
		       s.doors, s.tenants, s.people, s.credentials, s.active_credentials);
		printf("visitors in:  %ld\n", s.visitors_inside);
		printf("journal:      %lld events, last sequence %lld\n", s.events, s.last_seq);
		printf("outbox:       %lld waiting for the office\n", s.outbox);
		printf("lockdown:     %s\n", s.lockdown ? "ON" : "off");
		if (sync_status_read(st, clock_wall_ms(), &sync, err, sizeof(err)) == SEUIL_OK) {
			char when[21];
			if (sync.last_success_ms > 0) {
				civil_format_instant(sync.last_success_ms / 1000, when);
				printf("last sync:    %s\n", when);
			} else {
				printf("last sync:    never\n");
			}
			if (sync.data_age_ms >= 0)
				printf("data age:     %lld s since the last directory pull\n",
				       (long long)(sync.data_age_ms / 1000));
			if (sync.last_error[0])
				printf("sync error:   %s\n", sync.last_error);
			if (sync.next_attempt_ms > 0) {
				civil_format_instant(sync.next_attempt_ms / 1000, when);
				printf("next sync:    %s\n", when);
			}
		}
	}
	store_free(st);
	return rc == SEUIL_OK ? CLI_OK : cli_fail("%s", err);
}
