/*
 * cmd_decide.c - seuilctl decide: asks the rights engine, prints the
 * decision as one JSON object and, with --record, journals it as the door
 * would.  It never actuates a door.
 */
#include "cli.h"

#include "clock.h"
#include "err.h"
#include "journal.h"
#include "rights.h"
#include "store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char decide_usage[] =
	"usage: seuilctl decide [--db PATH] --uid HEX [--door ID] [--at ISO8601] [--record]\n"
	"Prints {\"granted\":bool,\"reason\":\"...\",\"person\":\"...\",\"tenant\":\"...\",\"unlock_ms\":N}.\n"
	"--door defaults to the site's first door; --at to now (an instant without an\n"
	"offset is read in the site's time zone).  Without --record nothing is written.\n"
	"Exit status: 0 granted, 1 denied, 2 error.\n";

int cmd_decide(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "uid", required_argument, NULL, 'u' }, { "door", required_argument, NULL, 'd' },
		{ "at", required_argument, NULL, 'a' },  { "record", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct access_request req = { .kind = "uid" };
	struct access_decision d;
	const char *at = NULL;
	struct store *st;
	json_t *obj;
	char err[512] = "", *text;
	int opt, done = -1, rc, record = 0;

	while ((opt = cli_getopt(argc, argv, "h", opts, decide_usage, &done)) != -1) {
		switch (opt) {
		case 'u': req.identifier = optarg; break;
		case 'd': req.door = optarg; break;
		case 'a': at = optarg; break;
		case 'r': record = 1; break;
		}
	}
	if (done >= 0)
		return done;
	if (req.identifier == NULL || optind != argc)
		return cli_fail("decide needs --uid HEX (see --help)");
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	req.now_ms = clock_wall_ms();
	if (at != NULL && (rc = cli_parse_at(st, at, &req.now_ms)) != CLI_OK)
		goto out;
	if (access_decide(st, &req, &d, err, sizeof(err)) != SEUIL_OK) {
		rc = cli_fail("%s", err);
		goto out;
	}
	if (record && journal_record_decision(st, &d, NULL, err, sizeof(err)) != SEUIL_OK) {
		rc = cli_fail("the decision could not be recorded: %s", err);
		goto out;
	}
	obj = json_pack("{s:b, s:s, s:s?, s:s?, s:i}", "granted", d.granted, "reason",
			access_reason_code(d.reason), "person", d.person[0] ? d.person : NULL, "tenant",
			d.tenant[0] ? d.tenant : NULL, "unlock_ms", (json_int_t)d.unlock_ms);
	text = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(obj);
	if (text == NULL) {
		rc = cli_fail("out of memory");
		goto out;
	}
	puts(text);
	free(text);
	rc = d.granted ? CLI_OK : CLI_DENIED;
out:
	store_free(st);
	return rc;
}
