/*
 * office.h - what the files of seuil-office share: the server (HTTPS with
 * libmicrohttpd, office_server.c), the faults it can inject for tests
 * (office_fault.c), the e-mail sender and housekeeping thread
 * (office_mailer.c), and the commands of the command line (office_cli.c).
 *
 * The database is access/office_store.h's: nothing here includes sqlite3.h.
 * No libmicrohttpd, GnuTLS or libcurl type crosses this header.
 */
#ifndef SEUIL_OFFICE_H
#define SEUIL_OFFICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* ---- faults: test-only misbehaviour of `serve --fault NAME` ------------- */

enum office_fault {
	OFFICE_FAULT_NONE,
	OFFICE_FAULT_TRUNCATED_JSON, /* the real answer, cut in the middle (the request is handled) */
	OFFICE_FAULT_WRONG_TYPES,    /* 200 with JSON of the wrong types (nothing handled) */
	OFFICE_FAULT_HUGE_BODY,      /* 200 streaming 100 MiB, chunked (nothing handled) */
	OFFICE_FAULT_SLOW,           /* 200 trickling one byte a second for ten minutes */
	OFFICE_FAULT_HTTP_500,       /* 500 with a JSON error */
	OFFICE_FAULT_HTTP_429,       /* 429 with Retry-After: 2 */
	OFFICE_FAULT_CLOSE_MID_BATCH /* POST /v1/events: stores the batch, closes without answering */
};

/* The fault named name ("truncated-json", ...); false when unknown. */
bool office_fault_parse(const char *name, enum office_fault *out);
/* The list of names, for --help and error messages. */
extern const char office_fault_names[];

struct MHD_Response;
/*
 * The reply of a fault that answers instead of the office (wrong-types,
 * huge-body, slow, http-500, http-429) to a request for url; *status gets
 * its HTTP status.  NULL when out of memory.
 */
struct MHD_Response *office_fault_response(enum office_fault fault, const char *url, unsigned *status);
/* Ends the replies still trickling: the server is stopping.  Any thread. */
void office_fault_stop(void);

/* ---- the server ------------------------------------------------------- */

struct office_serve_options {
	const char *db;              /* the office database */
	const char *listen;          /* address to bind (IPv4 or IPv6 literal) */
	unsigned port;               /* 0: a free port (see office_server_port()) */
	const char *cert, *key, *ca; /* PEM files: server certificate, its key, the site CA */
	bool insecure_http;          /* plain HTTP on 127.0.0.1, no client certificate (tests) */
	unsigned threads;            /* worker threads, each with its own store handle */
	unsigned timeout_s;          /* idle connection timeout */
	enum office_fault fault;
	const char *fault_path;      /* only URLs starting with this; NULL: every endpoint */
	long fault_count;            /* only the first N requests it applies to; < 0: all */
	const struct seuil_config *mail; /* [office] smtp_*; smtp_url "" = no e-mail */
};

struct office_server;

/*
 * Opens the database (one handle per worker), reads the certificates and
 * starts listening, with the mailer thread.  The caller stops it with
 * office_server_stop().  Errors: SEUIL_ERR_IO (a certificate, the port),
 * the store's errors; err says which.
 */
int office_server_start(const struct office_serve_options *opt, struct office_server **out, char *err,
			size_t errlen);
/* The port it listens on (the one picked when opt->port was 0). */
unsigned office_server_port(const struct office_server *srv);
/* Stops listening, waits for the requests in progress and the mailer; frees srv. */
void office_server_stop(struct office_server *srv);

/* ---- e-mail and housekeeping ------------------------------------------ */

struct office_mailer;

/*
 * Starts the thread that sends the queued e-mails (SMTP through libcurl,
 * to cfg->office_smtp_url; none when it is "") and purges the office's
 * tables hourly.  It opens its own handle on db.  Stop with
 * office_mailer_stop().
 */
int office_mailer_start(const char *db, const struct seuil_config *cfg, struct office_mailer **out, char *err,
			size_t errlen);
/* Tells the thread a mail may be waiting (after a check-in); any thread. */
void office_mailer_wake(struct office_mailer *m);
/* Ends the thread after the mail in progress and frees m; NULL does nothing. */
void office_mailer_stop(struct office_mailer *m);

/* ---- the command line ------------------------------------------------- */

enum office_exit { OFFICE_EXIT_OK = 0, OFFICE_EXIT_ERROR = 2 };

/* what main() found before the command: the configuration and the database */
struct office_cli {
	struct seuil_config cfg;
	const char *db;
};

/* each command: argv[0] is its name; returns an enum office_exit */
int office_cmd_import(struct office_cli *cli, int argc, char **argv);
int office_cmd_serve(struct office_cli *cli, int argc, char **argv);
int office_cmd_events(struct office_cli *cli, int argc, char **argv);
int office_cmd_devices(struct office_cli *cli, int argc, char **argv);
int office_cmd_command(struct office_cli *cli, int argc, char **argv);
int office_cmd_invite(struct office_cli *cli, int argc, char **argv);
int office_cmd_export(struct office_cli *cli, int argc, char **argv);

/* Prints "seuil-office: <msg>" on stderr and returns OFFICE_EXIT_ERROR. */
int office_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
