/*
 * cmd_pin.c - seuilctl pin: sets or clears a staff member's kiosk PIN on
 * this kiosk.  The PIN is read from the terminal without echo (typed
 * twice), or as one line of standard input when that is not a terminal; it
 * is never taken from the command line, where `ps` and the shell history
 * would keep it.  Hashing and the journal entry are access/staff.c's.
 */
#include "cli.h"

#include "clock.h"
#include "err.h"
#include "staff.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PIN_LINE_MAX 64

static const char pin_usage[] =
	"usage: seuilctl pin PERSON_ID [--clear]\n"
	"Sets the PIN that PERSON_ID (a person of the staff role) types at the kiosk\n"
	"after badging to open staff mode: 4 to 8 digits, asked twice without echo\n"
	"on a terminal, else read as one line from standard input.  Setting or\n"
	"clearing a PIN also ends a lockout after wrong PINs.  --clear removes the\n"
	"PIN (staff mode then tells the person to ask the office).  Journaled.\n";

/* one line of at most PIN_LINE_MAX bytes from f, without its newline */
static int read_line(FILE *f, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, f) == NULL)
		return cli_fail("no PIN given on standard input");
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == len - 1)
		return cli_fail("the PIN line is too long (4 to 8 digits)");
	buf[n] = '\0';
	return CLI_OK;
}

/* asks on the terminal with echo off; the terminal is restored whatever happens */
static int ask(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return cli_fail("cannot read the terminal: %s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
		return cli_fail("cannot turn the terminal's echo off: %s", strerror(errno));
	rc = read_line(stdin, buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

static int read_pin(const char *person, char *pin, size_t len)
{
	char again[PIN_LINE_MAX + 2], prompt[128];
	int rc;

	if (!isatty(STDIN_FILENO))
		return read_line(stdin, pin, len);
	snprintf(prompt, sizeof(prompt), "PIN for %.64s (4 to 8 digits): ", person);
	if ((rc = ask(prompt, pin, len)) != CLI_OK)
		return rc;
	if (!staff_pin_valid(pin))
		return cli_fail("a PIN is %d to %d digits", STAFF_PIN_MIN, STAFF_PIN_MAX);
	if ((rc = ask("Again: ", again, sizeof(again))) != CLI_OK)
		return rc;
	rc = strcmp(pin, again) == 0 ? CLI_OK : cli_fail("the two PINs differ; nothing was changed");
	explicit_bzero(again, sizeof(again));
	return rc;
}

int cmd_pin(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "clear", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	char pin[PIN_LINE_MAX + 2] = "", err[512] = "";
	const char *person;
	struct staff_pin_status state;
	struct store *st;
	int opt, done = -1, clear = 0, rc;

	while ((opt = cli_getopt(argc, argv, "h", opts, pin_usage, &done)) != -1) {
		if (opt == 'c')
			clear = 1;
	}
	if (done >= 0)
		return done;
	if (optind + 1 != argc)
		return cli_fail("pin needs one PERSON_ID (see --help)");
	person = argv[optind];
	if ((rc = cli_open(0, &st)) != CLI_OK)
		return rc;
	/* a person who cannot have a PIN is told so before typing one */
	if (staff_pin_status(st, person, clock_wall_ms(), &state, err, sizeof(err)) != SEUIL_OK) {
		rc = cli_fail("%s", err);
		goto out;
	}
	if (state.state == STAFF_PIN_NOT_STAFF) {
		/* says which: no such person, or not staff (and changes nothing) */
		staff_pin_set(st, person, NULL, "seuilctl", clock_wall_ms(), err, sizeof(err));
		rc = cli_fail("%s", err);
		goto out;
	}
	if (!clear && (rc = read_pin(person, pin, sizeof(pin))) != CLI_OK)
		goto out;
	if (staff_pin_set(st, person, clear ? NULL : pin, "seuilctl", clock_wall_ms(), err, sizeof(err)) != SEUIL_OK)
		rc = cli_fail("%s", err);
	else
		printf(clear ? "PIN of %s cleared\n" : "PIN of %s set\n", person);
out:
	explicit_bzero(pin, sizeof(pin));
	store_free(st);
	return rc;
}
