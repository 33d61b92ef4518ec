/*
 * office_serve.c - `seuil-office serve`: the options, the signals, and the
 * line that says where it listens.  The server itself is office_server.c.
 * SIGTERM and SIGINT are taken by sigwait() in this thread, never by a
 * handler: the other threads have them blocked.
 */
#include "office.h"

#include "log.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_THREADS 4
#define DEFAULT_TIMEOUT_S 30

static const char serve_usage[] =
	"usage: seuil-office serve [--port N] [--listen ADDRESS] [--threads N] [--syslog]\n"
	"                          [--insecure-loopback-http]\n"
	"                          [--fault NAME [--fault-path PREFIX] [--fault-count N]]\n"
	"Serves the office API (docs/office-api.md) over HTTPS with client certificates:\n"
	"[office] cert, key and ca of the configuration; e-mails hosts through\n"
	"[office] smtp_url.  Prints \"listening on https://ADDRESS:PORT\" once ready;\n"
	"--port 0 takes a free port.  Stops on SIGTERM or SIGINT.\n"
	"\n"
	"For tests only:\n"
	"  --insecure-loopback-http  plain HTTP on 127.0.0.1, no certificate; the device\n"
	"                            is ?device=, the X-Seuil-Device header or the body's\n"
	"  --fault NAME              misbehave: truncated-json, wrong-types, huge-body\n"
	"                            (100 MiB), slow (a byte a second), http-500,\n"
	"                            http-429 (Retry-After: 2), close-mid-batch (POST\n"
	"                            /v1/events stored, then the connection dropped)\n"
	"  --fault-path PREFIX       only for URLs starting with PREFIX (/v1/events)\n"
	"  --fault-count N           only the first N requests it applies to\n";

static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

int office_cmd_serve(struct office_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },        { "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },     { "syslog", no_argument, NULL, 's' },
		{ "insecure-loopback-http", no_argument, NULL, 'I' },
		{ "fault", required_argument, NULL, 'f' },       { "fault-path", required_argument, NULL, 'P' },
		{ "fault-count", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct office_serve_options o = {
		.db = cli->db, .listen = cli->cfg.office_listen, .port = cli->cfg.office_port,
		.cert = cli->cfg.office_cert, .key = cli->cfg.office_key, .ca = cli->cfg.office_ca,
		.threads = DEFAULT_THREADS, .timeout_s = DEFAULT_TIMEOUT_S, .fault = OFFICE_FAULT_NONE,
		.fault_count = -1, .mail = &cli->cfg,
	};
	struct office_server *srv = NULL;
	unsigned long v;
	sigset_t stop;
	char err[512] = "";
	int opt, sig = 0, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (!parse_uint(optarg, 65535, &v))
				return office_fail("--port: a port from 0 (any free port) to 65535");
			o.port = (unsigned)v;
			break;
		case 'l':
			o.listen = optarg;
			break;
		case 't':
			if (!parse_uint(optarg, 256, &v) || v == 0)
				return office_fail("--threads: 1 to 256");
			o.threads = (unsigned)v;
			break;
		case 's':
			log_to_syslog();
			break;
		case 'I':
			o.insecure_http = true;
			break;
		case 'f':
			if (!office_fault_parse(optarg, &o.fault))
				return office_fail("--fault: one of %s", office_fault_names);
			break;
		case 'P':
			o.fault_path = optarg;
			break;
		case 'c':
			if (!parse_uint(optarg, 1000000000, &v))
				return office_fail("--fault-count: a number of requests");
			o.fault_count = (long)v;
			break;
		case 'h':
			fputs(serve_usage, stdout);
			return OFFICE_EXIT_OK;
		default:
			fputs(serve_usage, stderr);
			return OFFICE_EXIT_ERROR;
		}
	}
	if (optind != argc)
		return office_fail("serve takes options only (see --help)");
	/* before any thread starts, so that every thread inherits the mask; a
	 * signal ignored by the parent (a shell's background job ignores SIGINT)
	 * would never reach sigwait() */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return office_fail("libcurl failed to initialise");
	if (office_server_start(&o, &srv, err, sizeof(err)) != 0) {
		curl_global_cleanup();
		return office_fail("%s", err);
	}
	if (o.fault != OFFICE_FAULT_NONE)
		log_warn("fault injection on (%s): for tests only", argv[0]);
	if (o.insecure_http)
		log_warn("plain HTTP without client certificates: for tests only");
	printf("listening on %s://%s%s%s:%u\n", o.insecure_http ? "http" : "https",
	       strchr(o.insecure_http ? "" : o.listen, ':') != NULL ? "[" : "", o.insecure_http ? "127.0.0.1" : o.listen,
	       strchr(o.insecure_http ? "" : o.listen, ':') != NULL ? "]" : "", office_server_port(srv));
	fflush(stdout);
	log_info("listening on port %u (%u threads)", office_server_port(srv), o.threads);
	do {
		rc = sigwait(&stop, &sig);
	} while (rc == EINTR);
	log_info("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	office_server_stop(srv);
	curl_global_cleanup();
	return OFFICE_EXIT_OK;
}
