/*
 * cli.h - what seuilctl's commands share: exit codes, finding and opening
 * the database, the clock, reading instants typed on the command line, and
 * the command table.  Commands print; the libraries below them never do.
 */
#ifndef SEUIL_CLI_H
#define SEUIL_CLI_H

#include <stdint.h>

struct store;

enum cli_exit { CLI_OK = 0, CLI_DENIED = 1, CLI_ERROR = 2 };

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* every command: seuilctl NAME [options]; argv[0] is the command name */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_lockdown(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_visitor(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_bookings(int argc, char **argv);
int cmd_bookings_import(int argc, char **argv);
int cmd_pin(int argc, char **argv);

/* the --db given on the command line (set by main) or NULL */
extern const char *cli_db_option;

/* --db, else $SEUIL_DB, else /var/lib/seuil/seuil.db; never NULL */
const char *cli_db_path(void);
/*
 * Opens the database for a command; on failure prints the reason to stderr
 * and returns CLI_ERROR, else CLI_OK with *st set (free with store_free()).
 */
int cli_open(unsigned flags, struct store **st);
/* Prints "seuilctl: <msg>" to stderr and returns CLI_ERROR. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Reads an ISO 8601 instant; one without an offset is site local time.
 * Returns CLI_OK or prints why and returns CLI_ERROR.
 */
int cli_parse_at(struct store *st, const char *text, int64_t *ms);
/*
 * Parses a command's options with getopt_long; --db PATH and --help are
 * added to longopts by every command.  Returns -1 when all options are read,
 * the option character otherwise; on --help prints usage and sets *done to
 * CLI_OK, on a bad option prints one line to stderr ("seuilctl CMD: unknown
 * option --x (see seuilctl CMD --help)") and sets *done to CLI_ERROR.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const void *longopts,
	       const char *usage, int *done);

#define CLI_COMMON_LONGOPTS { "db", required_argument, NULL, 'D' }, { "help", no_argument, NULL, 'h' }

#endif
