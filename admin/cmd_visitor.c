/*
 * cmd_visitor.c - seuilctl visitor: check a visitor in or out from the
 * command line (the reception desk, tests), and list who is inside.  The
 * touchscreen's check-in goes through the same access/visitors.c, and like
 * the kiosk a check-in wakes seuil-sync through its local socket (best
 * effort: the next periodic sync carries it otherwise).
 */
#include "cli.h"

#include "civil.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "store.h"
#include "sync.h"
#include "visitors.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char visitor_usage[] =
	"usage: seuilctl visitor checkin --name NAME (--host PERSON | --host-tenant TENANT)\n"
	"                                [--organisation ORG] [--purpose TEXT] [--invite ID] --consent\n"
	"                                [--config PATH]\n"
	"       seuilctl visitor checkout ID\n"
	"       seuilctl visitor list [--all]\n"
	"checkin records a visitor (the office then tells the host) and prints its id;\n"
	"--consent says the visitor accepted the privacy notice (required).  With an\n"
	"office configured ([sync] url of --config, default " CONFIG_DEFAULT_PATH "),\n"
	"checkin then wakes seuil-sync ([sync] wake) so that the host is told now.  list shows\n"
	"the visitors checked in today and not checked out (--all: any day): with the\n"
	"people badged today, the evacuation list.\n";

/*
 * Asks seuil-sync for a sync now, as the kiosk does after a check-in
 * (kiosk/appliance.c appliance_sync_now()): silent when no office is
 * configured or nothing listens; another failure is one line on stderr, the
 * check-in stands.
 */
static void wake_sync(const char *config_path)
{
	struct seuil_config cfg;
	char err[512] = "";
	int rc;

	config_defaults(&cfg);
	rc = config_load(config_path != NULL ? config_path : CONFIG_DEFAULT_PATH, &cfg, err, sizeof(err));
	if (rc != SEUIL_OK) {
		if (!(rc == SEUIL_ERR_NOT_FOUND && config_path == NULL))
			fprintf(stderr, "seuilctl: seuil-sync not woken: %s\n", err);
		return;
	}
	if (cfg.sync_url[0] == '\0' || cfg.sync_wake[0] == '\0')
		return;
	err[0] = '\0';
	rc = sync_wake_poke(cfg.sync_wake, err, sizeof(err));
	if (rc != SEUIL_OK && rc != SEUIL_ERR_NOT_FOUND)
		fprintf(stderr, "seuilctl: %s; the next periodic sync will carry the check-in\n", err);
}

static int print_visitor(const struct visitor *v, void *ctx)
{
	char when[21];

	(void)ctx;
	civil_format_instant(v->checked_in_ms / 1000, when);
	printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)v->id, when, v->name, v->organisation,
	       v->host_person[0] ? v->host_person : v->host_tenant, v->purpose);
	return 0;
}

int cmd_visitor(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "name", required_argument, NULL, 'n' },    { "host", required_argument, NULL, 'p' },
		{ "host-tenant", required_argument, NULL, 't' }, { "organisation", required_argument, NULL, 'o' },
		{ "purpose", required_argument, NULL, 'u' }, { "invite", required_argument, NULL, 'i' },
		{ "consent", no_argument, NULL, 'c' },       { "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'C' },  { NULL, 0, NULL, 0 },
	};
	struct visitor_checkin v = { 0 };
	struct store *st;
	const char *config_path = NULL;
	char err[512] = "", *end;
	int opt, done = -1, rc, all = 0;
	int64_t id;

	while ((opt = cli_getopt(argc, argv, "h", opts, visitor_usage, &done)) != -1) {
		switch (opt) {
		case 'n': v.name = optarg; break;
		case 'p': v.host_person = optarg; break;
		case 't': v.host_tenant = optarg; break;
		case 'o': v.organisation = optarg; break;
		case 'u': v.purpose = optarg; break;
		case 'i': v.invite = optarg; break;
		case 'c': v.consent = true; break;
		case 'a': all = 1; break;
		case 'C': config_path = optarg; break;
		}
	}
	if (done >= 0)
		return done;
	if (optind >= argc)
		return cli_fail("visitor needs checkin, checkout or list (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	if (strcmp(argv[optind], "checkin") == 0 && optind + 1 == argc) {
		rc = visitor_checkin(st, &v, clock_wall_ms(), &id, err, sizeof(err));
		if (rc == SEUIL_OK)
			printf("%lld\n", (long long)id);
	} else if (strcmp(argv[optind], "checkout") == 0 && optind + 2 == argc) {
		id = strtoll(argv[optind + 1], &end, 10);
		rc = *end != '\0' || id <= 0 ? err_set(err, sizeof(err), SEUIL_ERR_INVALID, "a visitor id")
					     : visitor_checkout(st, id, clock_wall_ms(), err, sizeof(err));
	} else if (strcmp(argv[optind], "list") == 0 && optind + 1 == argc) {
		/* today: from midnight in the site's time zone */
		int64_t since = 0;
		rc = all ? SEUIL_OK : store_site_day_start(st, clock_wall_ms(), &since, err, sizeof(err));
		if (rc == SEUIL_OK)
			rc = visitor_list_inside(st, since, print_visitor, NULL, err, sizeof(err));
	} else {
		rc = err_set(err, sizeof(err), SEUIL_ERR_INVALID, "visitor: checkin, checkout ID or list (see --help)");
	}
	store_free(st);
	if (rc == SEUIL_OK && strcmp(argv[optind], "checkin") == 0)
		wake_sync(config_path);
	return rc == SEUIL_OK ? CLI_OK : cli_fail("%s", err);
}
