/*
 * fuzz_office_reply.c - libFuzzer target for the office's small replies:
 * the events acknowledgement and conflict, the commands list, the commands
 * acknowledgement and error messages, all pure parsers (sync_reply.c).
 * Each input goes through every parser: a refusal explains itself on one
 * line, an acceptance gives sane values, nothing leaks.
 */
#include "err.h"
#include "sync_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct sync_command_list list;
	char err[256], msg[64];
	int64_t v;

	err[0] = '\0';
	v = -1;
	if (sync_parse_events_ack(body, size, &v, err, sizeof(err)) == SEUIL_OK) {
		if (v < 0)
			abort();
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();
	}
	err[0] = '\0';
	v = -1;
	if (sync_parse_events_conflict(body, size, &v, err, sizeof(err)) == SEUIL_OK) {
		if (v < 0)
			abort();
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();
	}
	err[0] = '\0';
	v = -1;
	if (sync_parse_commands_ack(body, size, &v, err, sizeof(err)) == SEUIL_OK) {
		if (v < 0)
			abort();
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();
	}
	err[0] = '\0';
	if (sync_parse_commands(body, size, &list, err, sizeof(err)) == SEUIL_OK) {
		if (list.count > SYNC_COMMANDS_MAX)
			abort();
		for (size_t i = 0; i < list.count; i++) {
			if (list.items[i].id < 0 || strlen(list.items[i].command) >= sizeof(list.items[i].command) ||
			    strlen(list.items[i].arg) >= sizeof(list.items[i].arg))
				abort();
		}
		sync_command_list_release(&list);
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();
	}
	if (sync_parse_error(body, size, msg, sizeof(msg))) {
		if (msg[0] == '\0' || strlen(msg) >= sizeof(msg))
			abort();
		for (const char *p = msg; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20)
				abort();
		}
	}
	return 0;
}
