/*
 * fuzz_import_csv.c - libFuzzer target for the CSV people-and-badges
 * importer, over an in-memory store that holds a tenant and a profile.
 */
#include "directory.h"
#include "err.h"
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char base[] =
	"{\"site\":{\"name\":\"P\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\"}],"
	"\"schedules\":[{\"id\":\"s\",\"windows\":[{\"days\":\"all\",\"from\":\"00:00\",\"to\":\"24:00\"}]}],"
	"\"profiles\":[{\"id\":\"r\",\"doors\":[\"entree\"],\"schedule\":\"s\"}],"
	"\"tenants\":[{\"id\":\"t\",\"name\":\"T\",\"profiles\":[\"r\"]}]}";

static struct store *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (st == NULL) {
		if (store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, base, strlen(base), 0, NULL, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	err[0] = '\0';
	if (directory_import_csv(st, (const char *)data, size, size % 2 ? DIRECTORY_REPLACE : 0, NULL, err,
				 sizeof(err)) != SEUIL_OK) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
	}
	return 0;
}
