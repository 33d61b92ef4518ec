/*
 * fuzz_book_request.c - libFuzzer target for book_request_decode(), the
 * body of a book-now request row that seuil-sync reads from the store
 * (another process wrote it).  Whatever the input: a refusal explained on
 * one line, or a request whose fields are terminated, whose end follows its
 * start, and that encodes and decodes back to itself.
 */
#include "book_request.h"
#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct book_request r, again;
	char err[256] = "", out[1024];
	char *body = malloc(size + 1);

	if (body == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	if (book_request_decode(body, &r, err, sizeof(err)) != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
	} else {
		if (memchr(r.room, '\0', sizeof(r.room)) == NULL || memchr(r.tenant, '\0', sizeof(r.tenant)) == NULL ||
		    memchr(r.person, '\0', sizeof(r.person)) == NULL || memchr(r.uid, '\0', sizeof(r.uid)) == NULL)
			abort();
		if (r.end_s <= r.start_s)
			abort();
		if (!book_request_encode(&r, out, sizeof(out)) || book_request_decode(out, &again, err, sizeof(err)) != SEUIL_OK ||
		    memcmp(&r, &again, sizeof(r)) != 0)
			abort();
	}
	free(body);
	return 0;
}
