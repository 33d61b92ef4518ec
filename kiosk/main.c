/*
 * main.c - `seuil`: reads the options and the configuration, sets up
 * logging and hands over to the screen's loop (kiosk.c), the headless door
 * loop (appliance.c) or a script of taps and screenshots (kiosk.c).
 */
#include "appliance.h"
#include "config.h"
#include "err.h"
#include "kiosk.h"
#include "log.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: seuil [--windowed] [--config PATH] [--db PATH] [--verbose]\n"
	"       seuil --headless [--config PATH] [--db PATH] [--verbose]\n"
	"       seuil --script FILE [--screenshots DIR] [--db PATH]\n"
	"       seuil --relay-off [--config PATH]\n"
	"\n"
	"  --headless     run reader, rights and door without a screen\n"
	"  --windowed     a 1280x800 window instead of full screen\n"
	"  --script FILE  play FILE (tap X Y, badge UID, type TEXT, key NAME,\n"
	"                 wait MS, lang fr|en, shot NAME) without a reader, with\n"
	"                 a simulated door, then exit\n"
	"  --screenshots DIR  where `shot NAME` writes NAME.png (default .)\n"
	"  --config PATH  configuration file (default " CONFIG_DEFAULT_PATH ");\n"
	"                 without it the built-in defaults are used\n"
	"  --db PATH      database (default: $SEUIL_DB, then [store] path, then\n"
	"                 " STORE_DEFAULT_PATH ")\n"
	"  --relay-off    drive the door relay to its locked level and exit\n"
	"                 (systemd runs it after the service stops, crash included)\n"
	"  --verbose      log at debug level\n"
	"  --syslog       log to syslog even in a terminal\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "headless", no_argument, NULL, 'H' }, { "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' }, { "relay-off", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },  { "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },     { "windowed", no_argument, NULL, 'W' },
		{ "script", required_argument, NULL, 'S' }, { "screenshots", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct seuil_config cfg;
	struct kiosk_options kopt = { 0 };
	const char *config_path = NULL, *db = NULL, *env;
	bool headless = false, relay_off = false, verbose = false, to_syslog = false;
	char err[600] = "";
	int opt, rc, level;

	while ((opt = getopt_long(argc, argv, "c:d:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'H': headless = true; break;
		case 'c': config_path = optarg; break;
		case 'd': db = optarg; break;
		case 'R': relay_off = true; break;
		case 'v': verbose = true; break;
		case 's': to_syslog = true; break;
		case 'W': kopt.windowed = true; break;
		case 'S': kopt.script = optarg; break;
		case 'P': kopt.screenshots = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	/* under systemd (journal or notify socket): syslog, which journald keeps with levels */
	to_syslog = to_syslog || getenv("NOTIFY_SOCKET") != NULL ||
		    (getenv("JOURNAL_STREAM") != NULL && !isatty(STDERR_FILENO));
	log_init("seuil", LOG_LEVEL_INFO);
	if (to_syslog)
		log_to_syslog();

	config_defaults(&cfg);
	rc = config_load(config_path != NULL ? config_path : CONFIG_DEFAULT_PATH, &cfg, err, sizeof(err));
	if (rc == SEUIL_ERR_NOT_FOUND && config_path == NULL)
		log_info("no %s: using the built-in defaults", CONFIG_DEFAULT_PATH);
	else if (rc != SEUIL_OK)
		fatal("%s", err);
	level = verbose ? LOG_LEVEL_DEBUG : config_log_level(cfg.log_level);
	log_init("seuil", level < 0 ? LOG_LEVEL_INFO : (enum log_level)level);

	if (relay_off)
		return appliance_relay_off(&cfg);
	if (headless && kopt.script != NULL) {
		fputs("seuil: --script needs the screen; it cannot go with --headless\n", stderr);
		return 2;
	}
	env = getenv("SEUIL_DB");
	if (db == NULL)
		db = env != NULL && env[0] != '\0' ? env : cfg.db[0] != '\0' ? cfg.db : STORE_DEFAULT_PATH;
	return headless ? appliance_run(&cfg, db) : kiosk_run(&cfg, db, &kopt);
}
