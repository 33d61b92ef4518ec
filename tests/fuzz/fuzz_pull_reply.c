/*
 * fuzz_pull_reply.c - libFuzzer target for applying a directory pull
 * (sync_apply_pull(), the reply of GET /v1/directory) to an in-memory store
 * holding a small directory.  Whatever the input, the pull either applies
 * or changes nothing (the cursor included), explains a refusal on one line,
 * and the store still decides.
 */
#include "directory.h"
#include "err.h"
#include "rights.h"
#include "store.h"
#include "sync_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char base[] =
	"{\"site\":{\"name\":\"P\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\"}],"
	"\"schedules\":[{\"id\":\"s\",\"windows\":[{\"days\":\"mon-fri\",\"from\":\"07:00\",\"to\":\"20:00\"}]}],"
	"\"profiles\":[{\"id\":\"r\",\"doors\":[\"entree\"],\"schedule\":\"s\"}],"
	"\"tenants\":[{\"id\":\"t\",\"name\":\"T\",\"profiles\":[\"r\"]}],"
	"\"people\":[{\"id\":\"p\",\"name\":\"P\",\"tenant\":\"t\"}],"
	"\"credentials\":[{\"uid\":\"04A1B2C3\",\"person\":\"p\"}],"
	"\"invites\":[{\"id\":\"i\",\"name\":\"V\",\"host\":\"p\",\"day\":\"2026-11-27\",\"code\":\"K7P2QX\"}]}";

static struct store *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct access_request req = { "uid", "04a1b2c3", NULL, 1795766400000 };
	struct access_decision d;
	struct store_summary before, after;
	char err[256], cursor_before[80], cursor_after[80];

	if (st == NULL) {
		if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, base, strlen(base), 0, NULL, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	if (store_summarize(st, &before, err, sizeof(err)) != SEUIL_OK ||
	    sync_cursor(st, cursor_before, sizeof(cursor_before), err, sizeof(err)) != SEUIL_OK)
		abort();
	err[0] = '\0';
	if (sync_apply_pull(st, (const char *)data, size, 1795766400000, NULL, err, sizeof(err)) != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort(); /* every refusal explains itself on one line */
		if (store_summarize(st, &after, err, sizeof(err)) != SEUIL_OK ||
		    sync_cursor(st, cursor_after, sizeof(cursor_after), err, sizeof(err)) != SEUIL_OK)
			abort();
		if (memcmp(&before, &after, sizeof(before)) != 0 || strcmp(cursor_before, cursor_after) != 0)
			abort(); /* a refused reply changes nothing */
	}
	err[0] = '\0';
	if (access_decide(st, &req, &d, err, sizeof(err)) != SEUIL_OK && err[0] == '\0')
		abort();
	return 0;
}
