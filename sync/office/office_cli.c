/*
 * office_cli.c - the commands of seuil-office that work on the database
 * and end: import, export, events, devices, command, invite.  `serve` is
 * office_serve.c's.  Each checks its arguments, calls access/, prints.
 */
#include "office.h"

#include "civil.h"
#include "clock.h"
#include "directory.h"
#include "err.h"
#include "office_store.h"
#include "store.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int office_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("seuil-office: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return OFFICE_EXIT_ERROR;
}

static int open_db(struct office_cli *cli, unsigned flags, struct store **st)
{
	char err[512] = "";

	if (office_store_open(cli->db, flags, st, err, sizeof(err)) != SEUIL_OK)
		return office_fail("%s", err);
	return OFFICE_EXIT_OK;
}

/* getopt_long over a command's arguments; --help prints usage; returns -1 when done */
static int next_opt(int argc, char **argv, const struct option *opts, const char *usage, int *done)
{
	int opt = getopt_long(argc, argv, "h", opts, NULL);

	if (opt == 'h') {
		fputs(usage, stdout);
		*done = OFFICE_EXIT_OK;
		return -1;
	}
	if (opt == '?') {
		fputs(usage, stderr);
		*done = OFFICE_EXIT_ERROR;
		return -1;
	}
	return opt;
}

static bool parse_int(const char *text, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* ---- import, export ---------------------------------------------------- */

static const char import_usage[] =
	"usage: seuil-office import [--replace] [--move-badges] FILE\n"
	"Imports the directory (JSON or CSV, the formats of docs/formats.md, with\n"
	"`invites`) into the office's database; the kiosks receive what changed at\n"
	"their next pull.  --replace makes the stored directory equal to the file\n"
	"(what it does not name, invitations included, is removed).  All or nothing.\n"
	"A badge stored for one person is not given to another unless --move-badges.\n";

int office_cmd_import(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "replace", no_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' },
					      { "move-badges", no_argument, NULL, 'm' },
					      { NULL, 0, NULL, 0 } };
	struct directory_counts c;
	struct store *st;
	unsigned flags = 0;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = next_opt(argc, argv, opts, import_usage, &done)) != -1) {
		if (opt == 'r')
			flags |= DIRECTORY_REPLACE;
		else if (opt == 'm')
			flags |= DIRECTORY_MOVE_BADGES;
	}
	if (done >= 0)
		return done;
	if (optind + 1 != argc)
		return office_fail("import takes one FILE (see --help)");
	if ((rc = open_db(cli, STORE_CREATE, &st)) != OFFICE_EXIT_OK)
		return rc;
	rc = directory_import_file(st, argv[optind], DIRECTORY_AUTO, flags, &c, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s: %s", argv[optind], err[0] ? err : seuil_strerror(rc));
	printf("imported %ld doors, %ld schedules, %ld profiles, %ld tenants, %ld people, %ld badges, %ld closures,"
	       " %ld rooms",
	       c.doors, c.schedules, c.profiles, c.tenants, c.people, c.credentials, c.closures, c.rooms);
	if (flags & DIRECTORY_REPLACE)
		printf("; removed %ld", c.removed);
	printf("\n");
	return OFFICE_EXIT_OK;
}

static const char export_usage[] =
	"usage: seuil-office export\n"
	"Prints the stored directory as JSON, as a full pull sends it.\n";

int office_cmd_export(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct store *st;
	char err[512] = "", *text = NULL;
	size_t len;
	int done = -1, rc;

	while (next_opt(argc, argv, opts, export_usage, &done) != -1)
		;
	if (done >= 0)
		return done;
	if (optind != argc)
		return office_fail("export takes no argument");
	if ((rc = open_db(cli, 0, &st)) != OFFICE_EXIT_OK)
		return rc;
	rc = directory_export_json(st, NULL, &text, &len, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s", err);
	fwrite(text, 1, len, stdout);
	fputc('\n', stdout);
	free(text);
	return fflush(stdout) == 0 ? OFFICE_EXIT_OK : office_fail("cannot write the output");
}

/* ---- events ------------------------------------------------------------ */

static const char events_usage[] =
	"usage: seuil-office events [--device ID] [--since SEQ] [--format jsonl|csv]\n"
	"Prints the events the kiosks pushed, by device then sequence: each as the\n"
	"kiosk sent it (one JSON object per line), or as CSV with a header line.\n"
	"--since SEQ keeps those after SEQ (a device's sequence: use with --device).\n";

static void csv_cell(const char *text, int last)
{
	csv_fwrite(stdout, text, strlen(text));
	fputc(last ? '\n' : ',', stdout);
}

static int print_jsonl(const struct office_event *ev, void *ctx)
{
	(void)ctx;
	puts(ev->json);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

static int print_csv(const struct office_event *ev, void *ctx)
{
	char seq[24], granted[8] = "", visitor[24] = "", received[21];

	(void)ctx;
	snprintf(seq, sizeof(seq), "%" PRId64, ev->seq);
	if (ev->ev.granted >= 0)
		snprintf(granted, sizeof(granted), "%s", ev->ev.granted ? "true" : "false");
	if (ev->ev.visitor != 0)
		snprintf(visitor, sizeof(visitor), "%" PRId64, ev->ev.visitor);
	civil_format_instant(ev->received_ms / 1000, received);
	csv_cell(ev->device, 0);
	csv_cell(seq, 0);
	csv_cell(ev->at, 0);
	csv_cell(ev->ev.kind, 0);
	csv_cell(ev->ev.door, 0);
	csv_cell(granted, 0);
	csv_cell(ev->ev.reason, 0);
	csv_cell(ev->ev.person, 0);
	csv_cell(ev->ev.tenant, 0);
	csv_cell(visitor, 0);
	csv_cell(ev->ev.credential_hash, 0);
	csv_cell(ev->ev.detail, 0);
	csv_cell(received, 1);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

int office_cmd_events(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' }, { "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	office_event_fn fn = print_jsonl;
	const char *device = NULL;
	long long since = 0;
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = next_opt(argc, argv, opts, events_usage, &done)) != -1) {
		if (opt == 'd') {
			device = optarg;
		} else if (opt == 's') {
			if (!parse_int(optarg, 0, INT64_MAX, &since))
				return office_fail("--since: a sequence number");
		} else if (opt == 'f') {
			if (strcmp(optarg, "csv") == 0)
				fn = print_csv;
			else if (strcmp(optarg, "jsonl") != 0)
				return office_fail("--format: jsonl or csv");
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return office_fail("events takes no argument (see --help)");
	if ((rc = open_db(cli, 0, &st)) != OFFICE_EXIT_OK)
		return rc;
	if (fn == print_csv)
		fputs("device,seq,at,kind,door,granted,reason,person,tenant,visitor,credential_hash,detail,received\n",
		      stdout);
	rc = office_events_list(st, device, since, fn, NULL, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s", err[0] ? err : seuil_strerror(rc));
	return fflush(stdout) == 0 ? OFFICE_EXIT_OK : office_fail("cannot write the output");
}

/* ---- devices ----------------------------------------------------------- */

static const char devices_usage[] =
	"usage: seuil-office devices [--format text|csv]\n"
	"Lists the kiosks the office has heard from: when it last heard from each,\n"
	"the sequence up to which it holds all its events, and the age of the\n"
	"kiosk's directory (time since its last pull), events stored and commands\n"
	"not yet acknowledged.\n";

struct devices_out {
	bool csv;
	int64_t now_ms;
};

static void age_text(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 120)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else if (s < 2 * 86400)
		snprintf(buf, len, "%lld h", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lld d", (long long)(s / 86400));
}

static int print_device(const struct office_device *d, void *ctx)
{
	const struct devices_out *out = ctx;
	char seen[21], age[32], age_s[24] = "";

	civil_format_instant(d->last_seen_ms / 1000, seen);
	if (d->pull_ms > 0) {
		age_text(out->now_ms - d->pull_ms, age, sizeof(age));
		snprintf(age_s, sizeof(age_s), "%lld", (long long)((out->now_ms - d->pull_ms) / 1000));
	} else {
		snprintf(age, sizeof(age), "never pulled");
	}
	if (out->csv)
		printf("%s,%s,%lld,%s,%lld,%lld\n", d->id, seen, (long long)d->acked_seq, age_s, (long long)d->events,
		       (long long)d->commands_pending);
	else
		printf("%-24s %-20s %10lld  %-13s %8lld %8lld\n", d->id, seen, (long long)d->acked_seq, age,
		       (long long)d->events, (long long)d->commands_pending);
	return ferror(stdout) ? SEUIL_ERR_IO : SEUIL_OK;
}

int office_cmd_devices(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct devices_out out = { false, clock_wall_ms() };
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = next_opt(argc, argv, opts, devices_usage, &done)) != -1) {
		if (opt == 'f') {
			if (strcmp(optarg, "csv") == 0)
				out.csv = true;
			else if (strcmp(optarg, "text") != 0)
				return office_fail("--format: text or csv");
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return office_fail("devices takes no argument (see --help)");
	if ((rc = open_db(cli, 0, &st)) != OFFICE_EXIT_OK)
		return rc;
	if (out.csv)
		puts("device,last_seen,acked_seq,data_age_s,events,commands_pending");
	else
		printf("%-24s %-20s %10s  %-13s %8s %8s\n", "device", "last seen (UTC)", "acked seq", "data age",
		       "events", "commands");
	rc = office_devices_list(st, print_device, &out, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s", err[0] ? err : seuil_strerror(rc));
	return fflush(stdout) == 0 ? OFFICE_EXIT_OK : office_fail("cannot write the output");
}

/* ---- command, invite --------------------------------------------------- */

static const char command_usage[] =
	"usage: seuil-office command [--force] DEVICE sync_now\n"
	"       seuil-office command [--force] DEVICE lockdown on|off\n"
	"       seuil-office command [--force] DEVICE unlock_for SECONDS\n"
	"Queues a command for the kiosk DEVICE, which fetches it at its next sync,\n"
	"runs it once and acknowledges it.  unlock_for holds the door released for\n"
	"SECONDS (1 to 43200; 0 ends it).  Prints the command's id.  A DEVICE that\n"
	"never synced (see `devices`) is refused unless --force: a typo must not\n"
	"leave a lockdown waiting for a kiosk that does not exist.\n";

struct known_device {
	const char *id;
	bool found;
};

static int find_device(const struct office_device *dev, void *ctx)
{
	struct known_device *k = ctx;

	if (strcmp(dev->id, k->id) == 0)
		k->found = true;
	return 0;
}

int office_cmd_command(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { "force", no_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	struct store *st;
	char err[512] = "";
	int64_t id = 0;
	int done = -1, rc, opt;
	bool force = false;

	while ((opt = next_opt(argc, argv, opts, command_usage, &done)) != -1) {
		if (opt == 'f')
			force = true;
	}
	if (done >= 0)
		return done;
	if (argc - optind < 2 || argc - optind > 3)
		return office_fail("command takes DEVICE COMMAND [ARGUMENT] (see --help)");
	if ((rc = open_db(cli, 0, &st)) != OFFICE_EXIT_OK)
		return rc;
	/* a mistyped kiosk would wait for a lockdown that never comes */
	struct known_device k = { argv[optind], false };
	if (office_devices_list(st, find_device, &k, err, sizeof(err)) != SEUIL_OK || (!k.found && !force)) {
		store_free(st);
		return office_fail("%s", err[0] ? err : "no kiosk has synced as this device yet: check the name "
							"with `seuil-office devices`, or queue it anyway with --force");
	}
	rc = office_command_add(st, argv[optind], argv[optind + 1], argc - optind == 3 ? argv[optind + 2] : NULL,
				clock_wall_ms(), &id, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s", err);
	printf("%lld\n", (long long)id);
	return OFFICE_EXIT_OK;
}

static const char invite_usage[] =
	"usage: seuil-office invite --name NAME [--organisation ORG]\n"
	"                           (--host PERSON | --host-tenant TENANT) --day YYYY-MM-DD [--id ID]\n"
	"Writes an invitation for a visitor expected on that day and prints its code\n"
	"(8 characters from A-Z and 2-9), which the visitor types at the kiosk.\n";

int office_cmd_invite(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },        { "organisation", required_argument, NULL, 'o' },
		{ "host", required_argument, NULL, 'p' },        { "host-tenant", required_argument, NULL, 't' },
		{ "day", required_argument, NULL, 'd' },         { "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },              { NULL, 0, NULL, 0 },
	};
	struct office_invite inv = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct store *st;
	char err[512] = "", code[16], id[64];
	int opt, done = -1, rc;

	while ((opt = next_opt(argc, argv, opts, invite_usage, &done)) != -1) {
		switch (opt) {
		case 'n': inv.name = optarg; break;
		case 'o': inv.organisation = optarg; break;
		case 'p': inv.host = optarg; break;
		case 't': inv.host_tenant = optarg; break;
		case 'd': inv.day = optarg; break;
		case 'i': inv.id = optarg; break;
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return office_fail("invite takes options only (see --help)");
	if (inv.name == NULL || inv.day == NULL || (inv.host == NULL && inv.host_tenant == NULL))
		return office_fail("invite needs --name, --day and --host or --host-tenant (see --help)");
	if ((rc = open_db(cli, 0, &st)) != OFFICE_EXIT_OK)
		return rc;
	rc = office_invite_add(st, &inv, code, id, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return office_fail("%s", err);
	printf("%s\n", code);
	return OFFICE_EXIT_OK;
}
