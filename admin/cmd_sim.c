/*
 * cmd_sim.c - seuilctl sim: drives the simulators of tests and the demo.
 * `sim tap` puts a card on the emulated reader (pn532-sim) for a moment;
 * `sim door` sends a line to the simulated door (contact, exit button,
 * fire alarm, tamper).  Real hardware is never touched from here.
 */
#include "cli.h"

#include "err.h"
#include "sim_client.h"
#include "uid.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIM_TIMEOUT_MS 3000

static const char sim_usage[] =
	"usage: seuilctl sim tap UID [--reader PATH] [--hold MS]\n"
	"       seuilctl sim door COMMAND... [--door PATH]\n"
	"tap:  puts the card UID on the emulated reader for MS milliseconds (default\n"
	"      500; 0 leaves it there).  PATH is pn532-sim's control socket (default\n"
	"      $SEUIL_READER_CONTROL, then /run/seuil/pn532.sock).\n"
	"door: sends COMMAND to the simulated door: contact open|closed, rex\n"
	"      press|release, fire on|off, tamper on|off, state.  PATH is the sim\n"
	"      door's control socket (default $SEUIL_DOOR_CONTROL, then\n"
	"      /run/seuil/door.sock).\n";

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : fallback;
}

static int send_or_fail(const char *path, const char *line, char *reply, size_t len)
{
	char err[256] = "";

	if (sim_send_line(path, line, SIM_TIMEOUT_MS, reply, len, err, sizeof(err)) != SEUIL_OK)
		return cli_fail("%s", err);
	if (strncmp(reply, "ok", 2) != 0)
		return cli_fail("%s answered: %s", path, reply);
	return CLI_OK;
}

int cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "reader", required_argument, NULL, 'r' }, { "door", required_argument, NULL, 'd' },
		{ "hold", required_argument, NULL, 'H' },   { NULL, 0, NULL, 0 },
	};
	const char *reader = env_or("SEUIL_READER_CONTROL", "/run/seuil/pn532.sock");
	const char *door = env_or("SEUIL_DOOR_CONTROL", "/run/seuil/door.sock");
	char line[256] = "", reply[512], uid[UID_HEX_MAX], err[256] = "", *end;
	long hold = 500;
	int opt, done = -1, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, sim_usage, &done)) != -1) {
		switch (opt) {
		case 'r': reader = optarg; break;
		case 'd': door = optarg; break;
		case 'H':
			hold = strtol(optarg, &end, 10);
			if (*end != '\0' || hold < 0 || hold > 600000)
				return cli_fail("--hold: milliseconds from 0 to 600000");
			break;
		}
	}
	if (done >= 0)
		return done;
	if (optind >= argc)
		return cli_fail("sim needs tap or door (see --help)");
	if (strcmp(argv[optind], "tap") == 0) {
		if (optind + 2 != argc)
			return cli_fail("sim tap takes one UID");
		if (uid_normalize(argv[optind + 1], uid, err, sizeof(err)) != SEUIL_OK)
			return cli_fail("%s", err);
		snprintf(line, sizeof(line), "insert %s", uid);
		if ((rc = send_or_fail(reader, line, reply, sizeof(reply))) != CLI_OK)
			return rc;
		if (hold > 0) {
			struct timespec ts = { hold / 1000, (hold % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			if ((rc = send_or_fail(reader, "remove", reply, sizeof(reply))) != CLI_OK)
				return rc;
		}
		printf("card %s tapped\n", uid);
		return CLI_OK;
	}
	if (strcmp(argv[optind], "door") == 0) {
		for (int i = optind + 1; i < argc; i++) {
			size_t used = strlen(line);
			if (used + strlen(argv[i]) + 2 > sizeof(line))
				return cli_fail("door command too long");
			snprintf(line + used, sizeof(line) - used, "%s%s", used ? " " : "", argv[i]);
		}
		if (line[0] == '\0')
			return cli_fail("sim door needs a command (see --help)");
		if ((rc = send_or_fail(door, line, reply, sizeof(reply))) != CLI_OK)
			return rc;
		puts(reply);
		return CLI_OK;
	}
	return cli_fail("sim: unknown \"%s\" (tap or door)", argv[optind]);
}
