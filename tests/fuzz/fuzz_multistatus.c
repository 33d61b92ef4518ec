/*
 * fuzz_multistatus.c - libFuzzer target for the CalDAV replies seuil-sync
 * reads (sync/caldav_xml.c): a DAV:multistatus (PROPFIND, sync-collection,
 * calendar-multiget) and a DAV:error precondition.  Whatever the input, the
 * parser either returns a well-formed result (every response with a
 * non-empty href, fields within their caps, no control character in a
 * one-line field) or refuses with one line, leaking nothing.
 */
#include "caldav_xml.h"
#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *s, size_t max)
{
	if (s == NULL)
		return;
	if (strlen(s) > max)
		abort();
	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caldav_multistatus ms;
	char err[256] = "";
	int rc;

	caldav_xml_init();
	rc = caldav_parse_multistatus((const char *)data, size, &ms, err, sizeof(err));
	if (rc != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort(); /* every refusal explains itself on one line */
		if (ms.items != NULL || ms.count != 0 || ms.sync_token != NULL)
			abort(); /* and hands nothing back */
	} else {
		one_line(ms.sync_token, CALDAV_TOKEN_MAX);
		for (size_t i = 0; i < ms.count; i++) {
			const struct caldav_response *r = &ms.items[i];
			if (r->href == NULL || r->href[0] == '\0')
				abort();
			one_line(r->href, CALDAV_HREF_MAX);
			one_line(r->etag, CALDAV_ETAG_MAX);
			one_line(r->sync_token, CALDAV_TOKEN_MAX);
			one_line(r->principal, CALDAV_HREF_MAX);
			one_line(r->home, CALDAV_HREF_MAX);
			if (r->status < 0 || r->status > 599)
				abort();
		}
	}
	caldav_multistatus_release(&ms);
	caldav_multistatus_release(&ms); /* a released one is a no-op */
	(void)caldav_error_has((const char *)data, size, "DAV:", "valid-sync-token");
	return 0;
}
