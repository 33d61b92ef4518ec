/*
 * seuilctl.c - the installer's and staff's command line: finds the command
 * and hands it its arguments.  Exit status: 0 success, 1 a denial, 2 an
 * error.  Each command lives in a cmd_*.c file.
 */
#include "cli.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

static const struct cli_command commands[] = {
	{ "init", cmd_init, "create the database (or bring it to the current schema)" },
	{ "import", cmd_import, "import the directory from a JSON or CSV file" },
	{ "decide", cmd_decide, "decide whether a badge opens a door, optionally recording it" },
	{ "enroll", cmd_enroll, "give a badge to a person" },
	{ "revoke", cmd_revoke, "revoke a badge, or mark it lost or blocked" },
	{ "lockdown", cmd_lockdown, "turn building lockdown on or off" },
	{ "pin", cmd_pin, "set or clear a staff member's kiosk PIN" },
	{ "events", cmd_events, "print the event journal" },
	{ "purge", cmd_purge, "delete what is older than the retention periods" },
	{ "status", cmd_status, "print the state of the database" },
	{ "visitor", cmd_visitor, "check a visitor in or out, list who is inside" },
	{ "sim", cmd_sim, "tap a card on the emulated reader, drive the simulated door" },
	{ "sync", cmd_sync, "sync once with the office in the foreground" },
	{ "bookings", cmd_bookings, "print the rooms' bookings, one JSON object per occurrence" },
	{ "bookings-import", cmd_bookings_import, "store local .ics files as a room's calendar" },
};

static void usage(FILE *out)
{
	fputs("usage: seuilctl [--db PATH] COMMAND [OPTIONS]\n"
	      "       seuilctl COMMAND --help\n\n"
	      "The database is --db PATH, else $SEUIL_DB, else /var/lib/seuil/seuil.db.\n"
	      "Exit status: 0 success, 1 access denied, 2 error.\n\ncommands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	int i = 1;

	log_init("seuilctl", LOG_LEVEL_WARN);
	/* global options before the command */
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			cli_db_option = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			cli_db_option = argv[i] + 5;
			i++;
		} else {
			fprintf(stderr, "seuilctl: unknown option %s (see seuilctl --help)\n", argv[i]);
			return CLI_ERROR;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_ERROR;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	}
	if (strcmp(argv[i], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	fprintf(stderr, "seuilctl: unknown command \"%s\" (see seuilctl --help)\n", argv[i]);
	return CLI_ERROR;
}
