/*
 * fuzz_import_json.c - libFuzzer target for the JSON directory importer.
 * Each input is imported into an in-memory store holding the sample
 * directory; whatever the input, the import must either succeed or leave
 * the store as it was, and the sample badge must still be decidable.
 */
#include "directory.h"
#include "err.h"
#include "rights.h"
#include "store.h"

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
	"\"credentials\":[{\"uid\":\"04A1B2C3\",\"person\":\"p\"}]}";

static struct store *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct access_request req = { "uid", "04a1b2c3", NULL, 1795766400000 };
	struct access_decision d;
	char err[256];

	if (st == NULL) {
		if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, base, strlen(base), 0, NULL, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	err[0] = '\0';
	if (directory_import_json(st, (const char *)data, size, size % 2 ? DIRECTORY_REPLACE : 0, NULL, err,
				  sizeof(err)) != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort(); /* every refusal explains itself on one line */
	}
	err[0] = '\0';
	if (access_decide(st, &req, &d, err, sizeof(err)) != SEUIL_OK && err[0] == '\0')
		abort();
	return 0;
}
