/*
 * cli.c - helpers shared by seuilctl's commands: the database path, opening
 * it with a readable error, instants typed by people.
 */
#include "cli.h"

#include "civil.h"
#include "err.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cli_db_option;

const char *cli_db_path(void)
{
	const char *env = getenv("SEUIL_DB");

	if (cli_db_option != NULL && cli_db_option[0] != '\0')
		return cli_db_option;
	if (env != NULL && env[0] != '\0')
		return env;
	return STORE_DEFAULT_PATH;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("seuilctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERROR;
}

int cli_open(unsigned flags, struct store **st)
{
	char err[512] = "";

	if (store_open(cli_db_path(), flags, st, err, sizeof(err)) != SEUIL_OK)
		return cli_fail("%s", err);
	return CLI_OK;
}

int cli_parse_at(struct store *st, const char *text, int64_t *ms)
{
	char err[256] = "";
	int64_t s;
	bool has_offset;

	if (!civil_parse_instant(text, &s, &has_offset))
		return cli_fail("\"%s\" is not an ISO 8601 instant (e.g. 2026-11-27T08:00:00Z)", text);
	if (!has_offset && store_site_local_to_utc(st, s, &s, err, sizeof(err)) != SEUIL_OK)
		return cli_fail("%s", err);
	/* local dates must stay four-digit years whatever the zone */
	if (s < 86400 || s > 253402128000)
		return cli_fail("\"%s\" is out of range (1970-01-02 to 9999-12-30)", text);
	*ms = s * 1000;
	return CLI_OK;
}

/* the long name of the option whose value is val, or NULL */
static const char *long_name(const struct option *opts, int val)
{
	for (; opts != NULL && opts->name != NULL; opts++) {
		if (opts->val == val && opts->has_arg == required_argument)
			return opts->name;
	}
	return NULL;
}

/* one line for a bad option, as every error is (docs/seuilctl.md) */
static void bad_option(int argc, char **argv, const struct option *opts)
{
	const char *cmd = argv[0], *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const char *name = optopt != 0 ? long_name(opts, optopt) : NULL;

	if (name != NULL)
		fprintf(stderr, "seuilctl %s: --%s needs a value (see seuilctl %s --help)\n", cmd, name, cmd);
	else if (optopt != 0)
		fprintf(stderr, "seuilctl %s: unknown option -%c (see seuilctl %s --help)\n", cmd, optopt, cmd);
	else
		fprintf(stderr, "seuilctl %s: unknown option %.*s (see seuilctl %s --help)\n", cmd,
			(int)strcspn(arg, "="), arg, cmd);
}

int cli_getopt(int argc, char **argv, const char *shortopts, const void *longopts,
	       const char *usage, int *done)
{
	int opt;

	opterr = 0; /* getopt's own message would come before ours */
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	switch (opt) {
	case 'D':
		cli_db_option = optarg;
		return cli_getopt(argc, argv, shortopts, longopts, usage, done);
	case 'h':
		fputs(usage, stdout);
		*done = CLI_OK;
		return -1;
	case '?':
		bad_option(argc, argv, longopts);
		*done = CLI_ERROR;
		return -1;
	}
	return opt;
}
