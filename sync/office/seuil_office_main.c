/*
 * seuil_office_main.c - seuil-office, the reference central-office server:
 * reads the configuration, finds the database, hands the command its
 * arguments.  Exit status: 0 success, 2 error.
 */
#include "office.h"

#include "err.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

#define OFFICE_CONFIG_PATH "/etc/seuil-office/office.conf"

static const struct {
	const char *name;
	int (*run)(struct office_cli *cli, int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "serve", office_cmd_serve, "serve the office API to the kiosks (HTTPS, client certificates)" },
	{ "import", office_cmd_import, "import the directory (JSON or CSV) the kiosks receive" },
	{ "export", office_cmd_export, "print the stored directory as JSON" },
	{ "events", office_cmd_events, "print the events the kiosks pushed" },
	{ "devices", office_cmd_devices, "list the kiosks: last seen, acknowledged sequence, data age" },
	{ "command", office_cmd_command, "queue a command for a kiosk (sync_now, lockdown, unlock_for)" },
	{ "invite", office_cmd_invite, "write an invitation and print its code" },
};

static void usage(FILE *out)
{
	fputs("usage: seuil-office [--config PATH] [--db PATH] COMMAND [OPTIONS]\n"
	      "       seuil-office COMMAND --help\n\n"
	      "The configuration is --config PATH, else " OFFICE_CONFIG_PATH " when it\n"
	      "exists ([office] and [log] sections, see dist/office.conf.example); the\n"
	      "database is --db PATH, else [office] db.  Exit status: 0 success, 2 error.\n\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	struct office_cli cli;
	const char *config = NULL;
	char err[512] = "";
	int i = 1, rc, level;

	log_init("seuil-office", LOG_LEVEL_INFO);
	config_defaults(&cli.cfg);
	cli.db = NULL;
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return OFFICE_EXIT_OK;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			cli.db = argv[i + 1];
			i += 2;
		} else {
			fprintf(stderr, "seuil-office: unknown option %s\n", argv[i]);
			usage(stderr);
			return OFFICE_EXIT_ERROR;
		}
	}
	rc = config_load(config != NULL ? config : OFFICE_CONFIG_PATH, &cli.cfg, err, sizeof(err));
	if (rc != SEUIL_OK && !(rc == SEUIL_ERR_NOT_FOUND && config == NULL))
		return office_fail("%s", err);
	if ((level = config_log_level(cli.cfg.log_level)) >= 0)
		log_init("seuil-office", (enum log_level)level);
	if (cli.db == NULL)
		cli.db = cli.cfg.office_db;
	if (i >= argc) {
		usage(stderr);
		return OFFICE_EXIT_ERROR;
	}
	if (strcmp(argv[i], "help") == 0) {
		usage(stdout);
		return OFFICE_EXIT_OK;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(&cli, argc - i, argv + i);
	}
	fprintf(stderr, "seuil-office: unknown command \"%s\"\n", argv[i]);
	usage(stderr);
	return OFFICE_EXIT_ERROR;
}
