/*
 * pn532_sim_main.c - `pn532-sim`: command line of the PN532 emulator.
 *
 * Server mode opens the pty and the control socket and runs the loop;
 * client mode (--send) sends one control line to a running emulator and
 * prints its answer.  Argument parsing only: everything else is in
 * pn532_sim.c and the files it uses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "pn532_sim.h"
#include "sim_client.h"

#define SEND_TIMEOUT_MS 10000

static void usage(FILE *f)
{
	fputs("usage: pn532-sim --link PATH [--control PATH] [--apdu-script FILE] [--verbose]\n"
	      "       pn532-sim --control PATH --send 'COMMAND'\n"
	      "\n"
	      "Emulates a PN532 NFC reader on a pseudo-terminal, for libnfc's pn532_uart driver:\n"
	      "  LIBNFC_DEFAULT_DEVICE=pn532_uart:PATH nfc-list\n"
	      "\n"
	      "  --link PATH         symlink to the pty (no ':' allowed: libnfc splits connstrings on it)\n"
	      "  --control PATH      AF_UNIX control socket, one command per line, answered `ok` or\n"
	      "                      `error REASON`:\n"
	      "                        insert UIDHEX [atqa=HEX] [sak=HEX] [ats=HEX]\n"
	      "                                     4, 7 or 10-byte UID; defaults 4: ATQA 0004 SAK 08,\n"
	      "                                     7: 0044/00, 10: 0084/00; ats= (without its length\n"
	      "                                     byte) or SAK bit 0x20 makes an ISO14443-4 card\n"
	      "                        remove\n"
	      "                        fault bad-checksum|garbage|mute|mute-poll|vanish|none\n"
	      "                                     bad-checksum, garbage: next response only;\n"
	      "                                     mute: until `fault none`; mute-poll: InAutoPoll\n"
	      "                                     unanswered, even its ACK, until `fault none`;\n"
	      "                                     vanish: pty closed and\n"
	      "                                     link removed until `reappear`\n"
	      "                        reappear     re-create a vanished pty and its link\n"
	      "                        state        answers `ok card=present|none poll=pending|idle\n"
	      "                                     device=open|vanished`\n"
	      "                        quit         stop (exit status 0)\n"
	      "  --apdu-script FILE  lines `REQUESTHEX RESPONSEHEX` answering card exchanges;\n"
	      "                      `*` matches any request, `HEX*` a prefix; default answer 6A82\n"
	      "  --send COMMAND      client mode: send COMMAND to --control, print the answer,\n"
	      "                      exit 0 on `ok`, 1 otherwise\n"
	      "  --verbose           log every frame at debug level (UIDs masked)\n"
	      "  --help              this text\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "control", required_argument, NULL, 'c' },
		{ "apdu-script", required_argument, NULL, 'a' },
		{ "send", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pn532_sim_options opt;
	struct pn532_sim *sim = NULL;
	const char *send_line = NULL;
	char err[512] = "", reply[1024];
	int c, rc;

	memset(&opt, 0, sizeof(opt));
	while ((c = getopt_long(argc, argv, "l:c:a:s:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			opt.link_path = optarg;
			break;
		case 'c':
			opt.control_path = optarg;
			break;
		case 'a':
			opt.apdu_script = optarg;
			break;
		case 's':
			send_line = optarg;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("pn532-sim", opt.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);

	if (send_line != NULL) {
		if (opt.control_path == NULL) {
			log_error("--send needs --control PATH");
			return 2;
		}
		if (sim_send_line(opt.control_path, send_line, SEND_TIMEOUT_MS, reply, sizeof(reply), err,
				  sizeof(err)) != SEUIL_OK) {
			log_error("%s", err);
			return 1;
		}
		printf("%s\n", reply);
		return strncmp(reply, "ok", 2) == 0 && (reply[2] == '\0' || reply[2] == ' ') ? 0 : 1;
	}

	if (opt.link_path == NULL) {
		usage(stderr);
		return 2;
	}
	if (pn532_sim_new(&opt, &sim, err, sizeof(err)) != SEUIL_OK) {
		log_error("%s", err);
		return 2;
	}
	log_info("PN532 emulator ready: pn532_uart:%s (pty %s)%s%s", opt.link_path, pn532_sim_pty_name(sim),
		 opt.control_path != NULL ? ", control " : "", opt.control_path != NULL ? opt.control_path : "");
	rc = pn532_sim_run(sim);
	pn532_sim_free(sim);
	return rc == SEUIL_OK ? 0 : 1;
}
