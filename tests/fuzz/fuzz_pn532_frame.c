/*
 * fuzz_pn532_frame.c - libFuzzer target for the PN532 emulator's parsers.
 *
 * By default the input is a byte stream from the host, cut into frames the
 * way pn532_sim.c does it (parse, drop `consumed`, repeat) and every
 * command payload run through the chip state machine with a card in the
 * field; each frame found is rebuilt and must parse back to itself.
 * Inputs starting with "CTL\n" are control lines, with "APDU\n" an APDU
 * script.  It checks invariants with abort(), never prints.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pn532_control.h"
#include "pn532_emu.h"
#include "pn532_frame.h"
#include "pn532_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STREAM_MAX 4096

static void check_roundtrip(const struct pn532_frame *f)
{
	uint8_t frame[PN532_FRAME_MAX];
	struct pn532_frame again;
	size_t n;

	n = pn532_frame_build(f->payload, f->payload_len, frame, sizeof(frame));
	if (n == 0)
		abort();
	if (pn532_frame_parse(frame, n, PN532_FRAME_PAYLOAD_MAX, &again) == PN532_FRAME_INCOMPLETE ||
	    again.consumed != n || again.payload_len != f->payload_len ||
	    memcmp(again.payload, f->payload, f->payload_len) != 0)
		abort();
}

static void fuzz_stream(const uint8_t *data, size_t size)
{
	static const uint8_t uid[] = { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6 };
	uint8_t buf[STREAM_MAX], payload[PN532_FRAME_PAYLOAD_MAX];
	struct pn532_emu_reply reply;
	struct pn532_frame f;
	struct pn532_card card;
	struct pn532_emu *emu;
	size_t len, commands = 0;
	uint8_t frame[PN532_FRAME_MAX];

	if (size > STREAM_MAX)
		size = STREAM_MAX;
	memcpy(buf, data, size);
	len = size;
	emu = pn532_emu_new();
	if (emu == NULL)
		return;
	if (pn532_card_init(&card, uid, sizeof(uid), NULL, 0) != SEUIL_OK)
		abort();
	/* the first byte picks the card: MIFARE-like or ISO14443-4 */
	if (size > 0 && (data[0] & 1)) {
		card.sak = 0x20;
		pn532_card_default_ats(&card);
	}
	pn532_emu_insert(emu, &card, &reply);

	while (len > 0) {
		enum pn532_frame_kind kind = pn532_frame_parse(buf, len, PN532_FRAME_PAYLOAD_MAX, &f);

		if (f.consumed > len)
			abort();
		if (kind == PN532_FRAME_NORMAL || kind == PN532_FRAME_EXTENDED) {
			if (f.payload < buf || f.payload + f.payload_len > buf + len || f.payload_len == 0)
				abort();
			check_roundtrip(&f);
			memcpy(payload, f.payload, f.payload_len);
			pn532_emu_command(emu, payload, f.payload_len, &reply);
			if (reply.len > sizeof(reply.payload))
				abort();
			if (reply.outcome == PN532_EMU_REPLY &&
			    (reply.len == 0 || pn532_frame_build(reply.payload, reply.len, frame, sizeof(frame)) == 0))
				abort();
			/* every few commands the card leaves or comes back, or the poll times out */
			switch (commands++ % 4) {
			case 1:
				pn532_emu_timeout(emu, &reply);
				break;
			case 2:
				pn532_emu_remove(emu);
				break;
			case 3:
				pn532_emu_insert(emu, &card, &reply);
				break;
			default:
				break;
			}
		} else if (kind == PN532_FRAME_ACK) {
			pn532_emu_cancel(emu);
		}
		if (kind == PN532_FRAME_INCOMPLETE) {
			if (f.consumed == 0)
				break;
		} else if (f.consumed == 0) {
			abort(); /* a frame or an error always moves forward */
		}
		memmove(buf, buf + f.consumed, len - f.consumed);
		len -= f.consumed;
	}
	pn532_emu_free(emu);
}

static void fuzz_control(const uint8_t *data, size_t size)
{
	struct pn532_control cmd;
	char err[256];
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		err[0] = '\0';
		if (pn532_control_parse((const char *)data + start, i - start, &cmd, err, sizeof(err)) == SEUIL_OK &&
		    cmd.verb == PN532_CONTROL_INSERT &&
		    (cmd.card.uid_len > PN532_UID_MAX || cmd.card.ats_len > PN532_ATS_MAX))
			abort();
		start = i + 1;
	}
}

static void fuzz_script(const uint8_t *data, size_t size)
{
	struct pn532_script *script = NULL;
	uint8_t resp[PN532_SCRIPT_DATA_MAX];
	size_t len;
	char err[256] = "";

	if (pn532_script_parse((const char *)data, size, &script, err, sizeof(err)) != SEUIL_OK)
		return;
	/* look every line of the input up as a request */
	pn532_script_match(script, data, size < 16 ? size : 16, resp, sizeof(resp), &len);
	pn532_script_free(script);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && memcmp(data, "CTL\n", 4) == 0)
		fuzz_control(data + 4, size - 4);
	else if (size >= 5 && memcmp(data, "APDU\n", 5) == 0)
		fuzz_script(data + 5, size - 5);
	else
		fuzz_stream(data, size);
	return 0;
}
