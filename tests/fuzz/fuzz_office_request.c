/*
 * fuzz_office_request.c - libFuzzer target for what a kiosk POSTs to the
 * office: each input is given, on an in-memory office store holding a
 * small directory, as a batch of events (POST /v1/events) and as a
 * command acknowledgement (POST /v1/commands/ack), and its first bytes as
 * the cursor of a directory pull (GET /v1/directory?cursor=).  Whatever the input:
 * a refusal explains itself on one line, the acknowledged sequence never
 * goes back, and any e-mail a check-in queued can be written as a message.
 */
#include "err.h"
#include "directory.h"
#include "office_store.h"
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1795766400000LL

static const char base[] =
	"{\"site\":{\"name\":\"P\",\"timezone\":\"Europe/Paris\"},"
	"\"doors\":[{\"id\":\"entree\",\"name\":\"Entrée\"}],"
	"\"schedules\":[{\"id\":\"s\",\"windows\":[{\"days\":\"mon-fri\",\"from\":\"07:00\",\"to\":\"20:00\"}]}],"
	"\"profiles\":[{\"id\":\"r\",\"doors\":[\"entree\"],\"schedule\":\"s\"}],"
	"\"tenants\":[{\"id\":\"t\",\"name\":\"T\",\"profiles\":[\"r\"]}],"
	"\"people\":[{\"id\":\"p\",\"name\":\"P\",\"tenant\":\"t\",\"email\":\"p@pole.example\"}],"
	"\"credentials\":[{\"uid\":\"04A1B2C3\",\"person\":\"p\"}]}";

static struct store *st;
static int64_t last_acked;
static long runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(int rc, const char *err)
{
	if (rc != SEUIL_OK && (err[0] == '\0' || strchr(err, '\n') != NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct office_mail m;
	char err[512], *msg, cursor[128];
	size_t len;
	int64_t acked = -1, id;
	int rc;

	/* a fresh store now and then, so that the log of stored events stays small */
	if (st == NULL || ++runs % 2000 == 0) {
		store_free(st);
		st = NULL;
		last_acked = 0;
		if (office_store_open(":memory:", STORE_CREATE, &st, err, sizeof(err)) != SEUIL_OK ||
		    directory_import_json(st, base, strlen(base), 0, NULL, err, sizeof(err)) != SEUIL_OK ||
		    office_command_add(st, "k1", "lockdown", "on", NOW, &id, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	err[0] = '\0';
	rc = office_store_events(st, "k1", (const char *)data, size, NOW, &acked, err, sizeof(err));
	one_line(rc, err);
	if (rc == SEUIL_OK) {
		if (acked < last_acked)
			abort(); /* the acknowledgement never goes back */
		last_acked = acked;
	}
	err[0] = '\0';
	rc = office_commands_ack(st, "k1", (const char *)data, size, NOW, &acked, err, sizeof(err));
	one_line(rc, err);
	/* any cursor is answered, in full when the office did not issue it */
	len = size < sizeof(cursor) - 1 ? size : sizeof(cursor) - 1;
	memcpy(cursor, data, len);
	cursor[len] = '\0';
	err[0] = '\0';
	msg = NULL;
	rc = office_directory_reply(st, "k1", cursor, NOW, &msg, &len, err, sizeof(err));
	one_line(rc, err);
	if (rc == SEUIL_OK && (msg == NULL || strlen(msg) != len))
		abort();
	free(msg);
	while (office_mail_next(st, NOW, &m, err, sizeof(err)) == SEUIL_OK) {
		msg = NULL;
		if (office_mail_message(&m, "seuil@pole.example", &msg, &len, err, sizeof(err)) != SEUIL_OK ||
		    strlen(msg) != len)
			abort();
		free(msg);
		if (office_mail_done(st, m.id, 1, NULL, NOW, err, sizeof(err)) != SEUIL_OK)
			abort();
	}
	return 0;
}
