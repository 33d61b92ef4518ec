/*
 * office_fault.c - test-only misbehaviour of `seuil-office serve --fault
 * NAME`, so that the kiosk's tests meet hostile replies from a real
 * server: wrong JSON types, a 100 MiB body, a reply that trickles for ten
 * minutes, 500 and 429.  (truncated-json and close-mid-batch handle the
 * request first: office_server.c applies them.)  Never for production.
 */
#include "office.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HUGE_BYTES (100ull << 20)
#define SLOW_BYTES 600 /* one a second: ten minutes */

const char office_fault_names[] =
	"truncated-json, wrong-types, huge-body, slow, http-500, http-429, close-mid-batch";

static const struct {
	const char *name;
	enum office_fault fault;
} faults[] = {
	{ "truncated-json", OFFICE_FAULT_TRUNCATED_JSON }, { "wrong-types", OFFICE_FAULT_WRONG_TYPES },
	{ "huge-body", OFFICE_FAULT_HUGE_BODY },           { "slow", OFFICE_FAULT_SLOW },
	{ "http-500", OFFICE_FAULT_HTTP_500 },             { "http-429", OFFICE_FAULT_HTTP_429 },
	{ "close-mid-batch", OFFICE_FAULT_CLOSE_MID_BATCH },
};

/* set when the server stops: a trickling reply ends at once */
static atomic_int stopping;

bool office_fault_parse(const char *name, enum office_fault *out)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (strcmp(name, faults[i].name) == 0) {
			*out = faults[i].fault;
			return true;
		}
	}
	return false;
}

/* the office's answers with every field of the wrong type */
static const char *wrong_types(const char *url)
{
	if (strcmp(url, "/v1/directory") == 0)
		return "{\"cursor\":1857,\"full\":\"yes\",\"directory\":[],\"deleted\":\"none\"}";
	if (strcmp(url, "/v1/events") == 0)
		return "{\"acked_seq\":\"1202\"}";
	if (strcmp(url, "/v1/commands") == 0)
		return "{\"commands\":{\"id\":\"88\",\"command\":7,\"arg\":null}}";
	if (strcmp(url, "/v1/commands/ack") == 0)
		return "{\"acked\":\"3\"}";
	return "{\"error\":7}";
}

/* a directory that never ends: 100 MiB of blanks inside its list of doors */
static ssize_t huge_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	static const char head[] = "{\"cursor\":\"1\",\"full\":true,\"directory\":{\"doors\":[";
	static const char tail[] = "]},\"deleted\":{}}";
	size_t n = 0;

	(void)cls;
	if (pos >= HUGE_BYTES || atomic_load(&stopping))
		return MHD_CONTENT_READER_END_OF_STREAM;
	for (; n < max && pos + n < HUGE_BYTES; n++) {
		uint64_t at = pos + n;
		if (at < sizeof(head) - 1)
			buf[n] = head[at];
		else if (at >= HUGE_BYTES - (sizeof(tail) - 1))
			buf[n] = tail[at - (HUGE_BYTES - (sizeof(tail) - 1))];
		else
			buf[n] = ' ';
	}
	return (ssize_t)n;
}

/* one byte a second, longer than any sane timeout (this worker thread waits meanwhile) */
static ssize_t slow_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	const struct timespec tick = { 0, 100000000 };

	(void)cls;
	if (pos >= SLOW_BYTES || max == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	for (int i = 0; i < 10; i++) {
		if (atomic_load(&stopping))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		nanosleep(&tick, NULL);
	}
	buf[0] = pos == 0 ? '{' : pos == SLOW_BYTES - 1 ? '}' : ' ';
	return 1;
}

struct MHD_Response *office_fault_response(enum office_fault fault, const char *url, unsigned *status)
{
	static const char e500[] = "{\"error\":\"fault injected: http-500\"}";
	static const char e429[] = "{\"error\":\"fault injected: http-429, slow down\"}";
	const char *text;

	*status = MHD_HTTP_OK;
	switch (fault) {
	case OFFICE_FAULT_HUGE_BODY:
		return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, huge_body, NULL, NULL);
	case OFFICE_FAULT_SLOW:
		return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16, slow_body, NULL, NULL);
	case OFFICE_FAULT_HTTP_500:
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		text = e500;
		break;
	case OFFICE_FAULT_HTTP_429:
		*status = MHD_HTTP_TOO_MANY_REQUESTS;
		text = e429;
		break;
	default:
		text = wrong_types(url);
		break;
	}
	return MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
}

void office_fault_stop(void)
{
	atomic_store(&stopping, 1);
}
