/*
 * cmd_sync.c - `seuilctl sync`: one sync with the office in the foreground
 * (what seuil-sync does each interval), printing one line per step.  It
 * records the attempt in the sync status like the daemon; it does not wait
 * or retry.
 */
#include "cli.h"

#include "clock.h"
#include "config.h"
#include "err.h"
#include "store.h"
#include "sync.h"
#include "sync_http.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char sync_usage[] =
	"usage: seuilctl sync [--db PATH] [--config PATH] [--insecure-loopback]\n"
	"Syncs once with the office of the configuration's [sync] section: pushes\n"
	"the outbox, pulls the directory, runs the office's commands; then syncs the\n"
	"rooms' calendars.  Prints one line per step (push:, pull:, commands:,\n"
	"calendars:) and `sync: ok`, or the failed step and why (exit status 2).  A\n"
	"room's calendar that fails is printed and recorded as the last error, but\n"
	"does not fail the sync.\n"
	"  --config PATH        configuration file (default " CONFIG_DEFAULT_PATH ")\n"
	"  --insecure-loopback  allow plain http:// to an office on this machine (tests)\n"
	"The database is --db, else $SEUIL_DB, else [store] path, else the default.\n";

int cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "config", required_argument, NULL, 'c' },
		{ "insecure-loopback", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct seuil_config cfg;
	struct sync_run run = { false, NULL, NULL };
	struct sync_report r;
	struct store *st;
	const char *config_path = NULL, *env = getenv("SEUIL_DB");
	char err[600] = "", werr[256] = "", lines[1024];
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, sync_usage, &done)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'L': run.insecure_loopback = true; break;
		}
	}
	if (done >= 0)
		return done;
	if (optind != argc)
		return cli_fail("sync takes no arguments (see --help)");
	config_defaults(&cfg);
	rc = config_load(config_path != NULL ? config_path : CONFIG_DEFAULT_PATH, &cfg, err, sizeof(err));
	if (rc != SEUIL_OK && !(rc == SEUIL_ERR_NOT_FOUND && config_path == NULL))
		return cli_fail("%s", err);
	err[0] = '\0';
	if (cli_db_option == NULL && (env == NULL || env[0] == '\0') && cfg.db[0] != '\0')
		cli_db_option = cfg.db;
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	if (sync_http_global_init(err, sizeof(err)) != SEUIL_OK) {
		store_free(st);
		return cli_fail("%s", err);
	}
	rc = sync_once(&cfg, st, &run, &r, err, sizeof(err));
	if (sync_status_write(st, clock_wall_ms(), rc == SEUIL_OK ? NULL : err, 0, werr, sizeof(werr)) !=
	    SEUIL_OK)
		fprintf(stderr, "seuilctl: cannot record the sync status: %s\n", werr);
	/* a room's calendar that failed does not fail the sync, but the status says so */
	if (rc == SEUIL_OK && r.calendars.first_error[0] != '\0' &&
	    sync_status_write(st, clock_wall_ms(), r.calendars.first_error, 0, werr, sizeof(werr)) != SEUIL_OK)
		fprintf(stderr, "seuilctl: cannot record the sync status: %s\n", werr);
	sync_http_global_cleanup();
	store_free(st);
	fputs(sync_report_format(&r, lines, sizeof(lines)), stdout);
	if (rc != SEUIL_OK) {
		printf("%s: failed\n", r.failed_step[0] ? r.failed_step : "sync");
		return cli_fail("sync failed: %s", err);
	}
	puts("sync: ok");
	return CLI_OK;
}
