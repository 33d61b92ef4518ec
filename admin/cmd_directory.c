/*
 * cmd_directory.c - seuilctl init, import, enroll and revoke: the commands
 * that change who may enter.  The work is done in access/; this file reads
 * options and prints results.
 */
#include "cli.h"

#include "clock.h"
#include "credentials.h"
#include "directory.h"
#include "err.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p, mode 0750 */
static int make_folders(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

static const char init_usage[] =
	"usage: seuilctl init [--db PATH] [--device ID]\n"
	"Creates the database (and its folder) or migrates an older one to the\n"
	"current schema.  --device sets the id this kiosk reports to the office.\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { "device", required_argument, NULL, 'd' },
					      { NULL, 0, NULL, 0 } };
	const char *device = NULL;
	struct store *st;
	char err[512] = "", dir[4096];
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, init_usage, &done)) != -1) {
		if (opt == 'd')
			device = optarg;
	}
	if (done >= 0)
		return done;
	if (optind < argc)
		return cli_fail("init takes no arguments (see --help)");
	/* checked before anything is created: a refused init leaves no trace */
	if (device != NULL && (device[0] == '\0' || strlen(device) > 63 || strpbrk(device, " \t\n/") != NULL))
		return cli_fail("--device: an id of 1 to 63 characters without spaces or '/'");
	snprintf(dir, sizeof(dir), "%s", cli_db_path());
	/* create the parent folders, as an installer expects of a first run */
	if (make_folders(dirname(dir)) != 0)
		return cli_fail("cannot create the folder of %s: %s", cli_db_path(), strerror(errno));
	if ((rc = cli_open(STORE_CREATE, &st)) != CLI_OK)
		return rc;
	if (device != NULL) {
		if (store_setting_set(st, "device_id", device, err, sizeof(err)) != SEUIL_OK) {
			store_free(st);
			return cli_fail("%s", err);
		}
	}
	printf("database %s ready (schema version %d)\n", store_path(st), store_schema_version(st));
	store_free(st);
	return CLI_OK;
}

static const char import_usage[] =
	"usage: seuilctl import [--db PATH] [--replace] [--move-badges] [--format json|csv] FILE\n"
	"Imports the directory from FILE ('-' for standard input): JSON or CSV as in\n"
	"docs/formats.md, all or nothing.  Entries are inserted or updated by id;\n"
	"with --replace the stored directory becomes equal to the file (for CSV:\n"
	"people and badges).  The format is guessed from the content unless given.\n"
	"A badge stored for one person is not given to another unless --move-badges\n"
	"(the refusal names both).\n";

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { "replace", no_argument, NULL, 'r' },
					      { "format", required_argument, NULL, 'f' },
					      { "move-badges", no_argument, NULL, 'm' },
					      { NULL, 0, NULL, 0 } };
	enum directory_format format = DIRECTORY_AUTO;
	struct directory_counts c;
	unsigned flags = 0;
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, import_usage, &done)) != -1) {
		if (opt == 'r') {
			flags |= DIRECTORY_REPLACE;
		} else if (opt == 'm') {
			flags |= DIRECTORY_MOVE_BADGES;
		} else if (opt == 'f') {
			if (strcmp(optarg, "json") == 0)
				format = DIRECTORY_JSON;
			else if (strcmp(optarg, "csv") == 0)
				format = DIRECTORY_CSV;
			else
				return cli_fail("--format: json or csv");
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc - 1)
		return cli_fail("import takes one FILE (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	rc = directory_import_file(st, argv[optind], format, flags, &c, err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s: %s (nothing was imported)", argv[optind], err);
	printf("imported %ld doors, %ld schedules, %ld profiles, %ld tenants, %ld people, "
	       "%ld badges, %ld closures, %ld rooms",
	       c.doors, c.schedules, c.profiles, c.tenants, c.people, c.credentials, c.closures, c.rooms);
	if (flags & DIRECTORY_REPLACE)
		printf("; removed %ld entries absent from the file", c.removed);
	putchar('\n');
	return CLI_OK;
}

static const char enroll_usage[] =
	"usage: seuilctl enroll [--db PATH] --uid HEX --person ID [--from DATE] [--until DATE] [--force]\n"
	"Gives the badge HEX (4, 7 or 10 bytes, any case, ':' allowed) to person ID,\n"
	"active from DATE until DATE inclusive (YYYY-MM-DD).  A badge held by someone\n"
	"else (even revoked) is refused unless --force, which gives it to ID.  A badge\n"
	"of ID's that is revoked, lost or blocked is refused too: 'seuilctl revoke\n"
	"--uid HEX --restore' makes it active again, or --force enrolls it anew.\n";

int cmd_enroll(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "uid", required_argument, NULL, 'u' },   { "person", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },  { "until", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },       { NULL, 0, NULL, 0 },
	};
	const char *uid = NULL, *person = NULL, *from = NULL, *until = NULL;
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc, force = 0;

	while ((opt = cli_getopt(argc, argv, "h", opts, enroll_usage, &done)) != -1) {
		switch (opt) {
		case 'u': uid = optarg; break;
		case 'p': person = optarg; break;
		case 'f': from = optarg; break;
		case 't': until = optarg; break;
		case 'F': force = 1; break;
		}
	}
	if (done >= 0)
		return done;
	if (uid == NULL || person == NULL || optind != argc)
		return cli_fail("enroll needs --uid and --person (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	rc = credential_enroll(st, uid, person, from, until,
			       CREDENTIAL_REFUSE_INACTIVE | (force ? CREDENTIAL_FORCE : 0u), clock_wall_ms(), err,
			       sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err);
	printf("badge enrolled for %s\n", person);
	return CLI_OK;
}

static const char revoke_usage[] =
	"usage: seuilctl revoke [--db PATH] --uid HEX [--lost | --blocked | --restore]\n"
	"Revokes the badge HEX at once (the next tap is refused).  --lost marks it\n"
	"lost, --blocked blocks it, --restore makes it active again.\n";

int cmd_revoke(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "uid", required_argument, NULL, 'u' }, { "lost", no_argument, NULL, 'l' },
		{ "blocked", no_argument, NULL, 'b' },   { "restore", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *uid = NULL, *status = "revoked";
	struct store *st;
	char err[512] = "";
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, revoke_usage, &done)) != -1) {
		const char *chosen = NULL;
		switch (opt) {
		case 'u': uid = optarg; break;
		case 'l': chosen = "lost"; break;
		case 'b': chosen = "blocked"; break;
		case 'r': chosen = "active"; break;
		}
		if (chosen != NULL) {
			if (strcmp(status, "revoked") != 0 && strcmp(status, chosen) != 0)
				return cli_fail("--lost, --blocked and --restore exclude each other");
			status = chosen;
		}
	}
	if (done >= 0)
		return done;
	if (uid == NULL && optind == argc - 1)
		uid = argv[optind++];
	if (uid == NULL || optind != argc)
		return cli_fail("revoke needs --uid HEX (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	rc = credential_set_status(st, uid, status, clock_wall_ms(), err, sizeof(err));
	store_free(st);
	if (rc != SEUIL_OK)
		return cli_fail("%s", err);
	printf("badge is now %s\n", status);
	return CLI_OK;
}
