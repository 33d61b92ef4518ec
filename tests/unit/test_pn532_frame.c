/*
 * test_pn532_frame.c - unit tests of the PN532 emulator's pure parts: the
 * frame codec (pn532_frame.c), the chip state machine (pn532_emu.c), the
 * control-line parser (pn532_control.c) and the APDU script parser
 * (pn532_script.c).  No pty, no socket, no clock: the I/O loop is covered
 * by tests/integration/test_pn532_sim.sh with the real libnfc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "pn532_control.h"
#include "pn532_emu.h"
#include "pn532_frame.h"
#include "pn532_script.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static void assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

/* ---- frame codec ---- */

static enum pn532_frame_kind parse(const uint8_t *buf, size_t len, struct pn532_frame *f)
{
	return pn532_frame_parse(buf, len, PN532_FRAME_PAYLOAD_MAX, f);
}

static void test_pn532_frame__normal(void **state)
{
	/* libnfc's SAMConfiguration(normal mode) as seen on the wire */
	static const uint8_t wire[] = { 0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD4, 0x14, 0x01, 0x17, 0x00 };
	uint8_t built[PN532_FRAME_MAX];
	struct pn532_frame f;
	size_t n;

	(void)state;
	assert_int_equal(parse(wire, sizeof(wire), &f), PN532_FRAME_NORMAL);
	assert_int_equal(f.consumed, sizeof(wire));
	assert_bytes(f.payload, f.payload_len, BYTES(0xD4, 0x14, 0x01));

	n = pn532_frame_build(BYTES(0xD4, 0x14, 0x01), built, sizeof(built));
	assert_bytes(built, n, wire, sizeof(wire));
	/* and a response: GetFirmwareVersion of a PN532 v1.6 */
	n = pn532_frame_build(BYTES(0xD5, 0x03, 0x32, 0x01, 0x06, 0x07), built, sizeof(built));
	assert_bytes(built, n, BYTES(0x00, 0x00, 0xFF, 0x06, 0xFA, 0xD5, 0x03, 0x32, 0x01, 0x06, 0x07, 0xE8, 0x00));
}

static void test_pn532_frame__largest_normal(void **state)
{
	uint8_t payload[PN532_FRAME_NORMAL_MAX], frame[PN532_FRAME_MAX];
	struct pn532_frame f;
	size_t n;

	(void)state;
	memset(payload, 0xA5, sizeof(payload));
	n = pn532_frame_build(payload, sizeof(payload), frame, sizeof(frame));
	assert_int_equal(n, sizeof(payload) + 7);
	assert_int_equal(frame[3], 0xFF);
	assert_int_equal(frame[4], 0x01);
	assert_int_equal(parse(frame, n, &f), PN532_FRAME_NORMAL);
	assert_bytes(f.payload, f.payload_len, payload, sizeof(payload));
}

static void test_pn532_frame__extended(void **state)
{
	uint8_t payload[PN532_FRAME_PAYLOAD_MAX], frame[PN532_FRAME_MAX];
	struct pn532_frame f;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	payload[0] = PN532_TFI_HOST;
	n = pn532_frame_build(payload, sizeof(payload), frame, sizeof(frame));
	assert_int_equal(n, sizeof(payload) + 10);
	assert_int_equal(n, PN532_FRAME_MAX);
	assert_bytes(frame, 8, BYTES(0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x01, 0x09, 0xF6));
	assert_int_equal(parse(frame, n, &f), PN532_FRAME_EXTENDED);
	assert_int_equal(f.consumed, n);
	assert_bytes(f.payload, f.payload_len, payload, sizeof(payload));
	/* a small payload in an extended frame is legal too */
	assert_int_equal(parse(BYTES(0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0xFE, 0xD4, 0x02, 0x2A, 0x00), &f),
			 PN532_FRAME_EXTENDED);
	assert_bytes(f.payload, f.payload_len, BYTES(0xD4, 0x02));
}

static void test_pn532_frame__ack(void **state)
{
	uint8_t frame[8];
	struct pn532_frame f;

	(void)state;
	assert_int_equal(pn532_frame_build_ack(frame, sizeof(frame)), 6);
	assert_bytes(frame, 6, BYTES(0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00));
	assert_int_equal(parse(frame, 6, &f), PN532_FRAME_ACK);
	assert_int_equal(f.consumed, 6);
	/* the postamble may still be on its way */
	assert_int_equal(parse(frame, 5, &f), PN532_FRAME_ACK);
	assert_int_equal(f.consumed, 5);
	assert_int_equal(pn532_frame_build_ack(frame, 5), 0);
}

static void test_pn532_frame__nack(void **state)
{
	uint8_t frame[8];
	struct pn532_frame f;

	(void)state;
	assert_int_equal(pn532_frame_build_nack(frame, sizeof(frame)), 6);
	assert_bytes(frame, 6, BYTES(0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00));
	assert_int_equal(parse(frame, 6, &f), PN532_FRAME_NACK);
	assert_int_equal(f.consumed, 6);
}

static void test_pn532_frame__syntax_error_frame(void **state)
{
	uint8_t frame[16];
	struct pn532_frame f;
	size_t n;

	(void)state;
	n = pn532_frame_build(BYTES(PN532_SYNTAX_ERROR), frame, sizeof(frame));
	assert_bytes(frame, n, BYTES(0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00));
	assert_int_equal(parse(frame, n, &f), PN532_FRAME_NORMAL);
	assert_true(pn532_frame_is_syntax_error(&f));
}

static void test_pn532_frame__bad_length_checksum(void **state)
{
	static const uint8_t wire[] = { 0x00, 0x00, 0xFF, 0x03, 0xFC, 0xD4, 0x14, 0x01, 0x17, 0x00,
					0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD4, 0x02, 0x2A, 0x00 };
	struct pn532_frame f;

	(void)state;
	assert_int_equal(parse(wire, sizeof(wire), &f), PN532_FRAME_ERROR);
	assert_non_null(f.error);
	/* only the start code is dropped: the length cannot be trusted */
	assert_int_equal(f.consumed, 3);
	/* resynchronises on the next frame */
	assert_int_equal(parse(wire + f.consumed, sizeof(wire) - f.consumed, &f),
			 PN532_FRAME_NORMAL);
	assert_bytes(f.payload, f.payload_len, BYTES(0xD4, 0x02));
	/* extended frame with a bad LCS */
	assert_int_equal(parse(BYTES(0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0xFF, 0xD4, 0x02, 0x2A, 0x00), &f),
			 PN532_FRAME_ERROR);
}

static void test_pn532_frame__bad_data_checksum(void **state)
{
	static const uint8_t wire[] = { 0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD4, 0x14, 0x01, 0x18, 0x00 };
	struct pn532_frame f;

	(void)state;
	assert_int_equal(parse(wire, sizeof(wire), &f), PN532_FRAME_ERROR);
	assert_int_equal(f.consumed, sizeof(wire)); /* the checksummed length is trusted */
	assert_null(f.payload);
	/* a wrong postamble is refused too */
	assert_int_equal(parse(BYTES(0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD4, 0x14, 0x01, 0x17, 0x42), &f),
			 PN532_FRAME_ERROR);
	/* and an empty frame (LEN 0, LCS 0) */
	assert_int_equal(parse(BYTES(0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00), &f),
			 PN532_FRAME_ERROR);
}

static void test_pn532_frame__truncated(void **state)
{
	static const uint8_t wire[] = { 0x00, 0x00, 0xFF, 0x09, 0xF7, 0xD4, 0x00, 0x00, 0x6C,
					0x69, 0x62, 0x6E, 0x66, 0x63, 0xBE, 0x00 };
	struct pn532_frame f;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(wire); len++) {
		assert_int_equal(parse(wire, len, &f), PN532_FRAME_INCOMPLETE);
		/* nothing of a frame that has started may be dropped */
		assert_true(f.consumed <= 1);
	}
	assert_int_equal(parse(wire, sizeof(wire), &f), PN532_FRAME_NORMAL);
	assert_int_equal(parse(wire, 0, &f), PN532_FRAME_INCOMPLETE);
	assert_int_equal(f.consumed, 0);
}

static void test_pn532_frame__garbage_before_preamble(void **state)
{
	/* libnfc's HSU wake-up, then SAMConfiguration, as pn532_uart sends them */
	static const uint8_t wire[] = { 0x55, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD4, 0x14, 0x01,
					0x17, 0x00 };
	static const uint8_t noise[] = { 0x13, 0x37, 0xFF, 0xFF, 0x55, 0x01 };
	struct pn532_frame f;

	(void)state;
	assert_int_equal(parse(wire, sizeof(wire), &f), PN532_FRAME_NORMAL);
	assert_int_equal(f.consumed, sizeof(wire));
	assert_bytes(f.payload, f.payload_len, BYTES(0xD4, 0x14, 0x01));
	/* pure garbage: all of it can go */
	assert_int_equal(parse(noise, sizeof(noise), &f), PN532_FRAME_INCOMPLETE);
	assert_int_equal(f.consumed, sizeof(noise));
	/* but a trailing 00 may start a frame */
	assert_int_equal(parse(BYTES(0x13, 0x37, 0x00), &f), PN532_FRAME_INCOMPLETE);
	assert_int_equal(f.consumed, 2);
	/* the wake-up alone */
	assert_int_equal(parse(wire, 17, &f), PN532_FRAME_INCOMPLETE);
	assert_int_equal(f.consumed, 16);
}

static void test_pn532_frame__oversized_length(void **state)
{
	uint8_t frame[PN532_FRAME_MAX];
	struct pn532_frame f;
	size_t n;

	(void)state;
	/* extended LEN 0x1000 announces more than any PN532 frame: refused before waiting for it */
	assert_int_equal(parse(BYTES(0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x10, 0x00, 0xF0, 0xD4), &f), PN532_FRAME_ERROR);
	assert_int_equal(f.consumed, 3);
	/* a caller's smaller limit applies to normal frames too */
	n = pn532_frame_build(BYTES(0xD4, 0x02, 0x03, 0x04), frame, sizeof(frame));
	assert_int_equal(pn532_frame_parse(frame, n, 3, &f), PN532_FRAME_ERROR);
	assert_int_equal(pn532_frame_parse(frame, n, 4, &f), PN532_FRAME_NORMAL);
	/* the builder refuses what it cannot frame */
	assert_int_equal(pn532_frame_build(frame, 0, frame, sizeof(frame)), 0);
	assert_int_equal(pn532_frame_build(frame, PN532_FRAME_PAYLOAD_MAX + 1, frame, sizeof(frame)), 0);
	assert_int_equal(pn532_frame_build(BYTES(0xD4, 0x02), frame, 8), 0);
}

/* ---- emulator ---- */

struct emu_fixture {
	struct pn532_emu *emu;
	struct pn532_emu_reply r;
};

static int emu_setup(void **state)
{
	static struct emu_fixture fx;

	fx.emu = pn532_emu_new();
	if (fx.emu == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int emu_teardown(void **state)
{
	struct emu_fixture *fx = *state;

	pn532_emu_free(fx->emu);
	fx->emu = NULL;
	return 0;
}

static void run(struct emu_fixture *fx, const uint8_t *payload, size_t len)
{
	pn532_emu_command(fx->emu, payload, len, &fx->r);
}

static void expect_reply(struct emu_fixture *fx, const uint8_t *want, size_t want_len)
{
	assert_int_equal(fx->r.outcome, PN532_EMU_REPLY);
	assert_bytes(fx->r.payload, fx->r.len, want, want_len);
}

static void insert_uid(struct emu_fixture *fx, const uint8_t *uid, size_t len)
{
	struct pn532_card card;

	assert_int_equal(pn532_card_init(&card, uid, len, NULL, 0), SEUIL_OK);
	pn532_emu_insert(fx->emu, &card, &fx->r);
}

static void test_pn532_frame__emu_get_firmware_version(void **state)
{
	struct emu_fixture *fx = *state;

	run(fx, BYTES(0xD4, 0x02));
	expect_reply(fx, BYTES(0xD5, 0x03, 0x32, 0x01, 0x06, 0x07));
	/* libnfc's communication test */
	run(fx, BYTES(0xD4, 0x00, 0x00, 'l', 'i', 'b', 'n', 'f', 'c'));
	expect_reply(fx, BYTES(0xD5, 0x01, 0x00, 'l', 'i', 'b', 'n', 'f', 'c'));
	run(fx, BYTES(0xD4, 0x14, 0x01));
	expect_reply(fx, BYTES(0xD5, 0x15));
	run(fx, BYTES(0xD4, 0x12, 0x14));
	expect_reply(fx, BYTES(0xD5, 0x13));
	run(fx, BYTES(0xD4, 0x16, 0xF0));
	expect_reply(fx, BYTES(0xD5, 0x17, 0x00));
	run(fx, BYTES(0xD4, 0x32, 0x01, 0x01));
	expect_reply(fx, BYTES(0xD5, 0x33));
}

static void test_pn532_frame__emu_registers_multi(void **state)
{
	struct emu_fixture *fx = *state;

	/* libnfc writes several registers in one WriteRegister */
	run(fx, BYTES(0xD4, 0x08, 0x63, 0x02, 0x83, 0x63, 0x03, 0x8B, 0x63, 0x0D, 0x10, 0xFF, 0xB0, 0x5A));
	expect_reply(fx, BYTES(0xD5, 0x09));
	run(fx, BYTES(0xD4, 0x06, 0x63, 0x03, 0x63, 0x02, 0xFF, 0xB0, 0x63, 0x0D, 0x63, 0x3C));
	expect_reply(fx, BYTES(0xD5, 0x07, 0x8B, 0x83, 0x5A, 0x10, 0x10));
	assert_int_equal(pn532_emu_register(fx->emu, 0xFFB0), 0x5A);
	/* malformed: odd address list, incomplete triple */
	run(fx, BYTES(0xD4, 0x06, 0x63));
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x08, 0x63, 0x02));
	expect_reply(fx, BYTES(0x7F));
}

static void test_pn532_frame__emu_list_without_card(void **state)
{
	struct emu_fixture *fx = *state;

	/* MxRtyPassiveActivation 0xFF (power-on default): waits for ever */
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	assert_int_equal(fx->r.wait_ms, -1);
	assert_true(pn532_emu_pending(fx->emu));
	/* the host's ACK aborts it: nothing to answer, even at the deadline */
	pn532_emu_cancel(fx->emu);
	assert_false(pn532_emu_pending(fx->emu));
	pn532_emu_timeout(fx->emu, &fx->r);
	assert_int_equal(fx->r.outcome, PN532_EMU_SILENT);

	/* libnfc's nfc_initiator_list_passive_targets: MaxRetries 00 01 02 -> three tries */
	run(fx, BYTES(0xD4, 0x32, 0x05, 0x00, 0x01, 0x02));
	expect_reply(fx, BYTES(0xD5, 0x33));
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	assert_int_equal(fx->r.wait_ms, 30);
	pn532_emu_timeout(fx->emu, &fx->r);
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x00));
	/* FeliCa and type B polls never see our type A card */
	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3));
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x01, 0x00, 0xFF, 0xFF, 0x01, 0x00));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x03, 0x00));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	pn532_emu_timeout(fx->emu, &fx->r);
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x00));
	/* bad MaxTg / BrTy */
	run(fx, BYTES(0xD4, 0x4A, 0x03, 0x00));
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x09));
	expect_reply(fx, BYTES(0x7F));
}

static void test_pn532_frame__emu_list_with_card(void **state)
{
	struct emu_fixture *fx = *state;

	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3));
	assert_int_equal(fx->r.outcome, PN532_EMU_SILENT);
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xA1, 0xB2, 0xC3));

	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x44, 0x00, 0x07, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5,
			       0xF6));

	insert_uid(fx, BYTES(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A));
	run(fx, BYTES(0xD4, 0x4A, 0x02, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x84, 0x00, 0x0A, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
			       0x07, 0x08, 0x09, 0x0A));
	/* present and selected: Diagnose card presence says so, until removal */
	run(fx, BYTES(0xD4, 0x00, 0x06));
	expect_reply(fx, BYTES(0xD5, 0x01, 0x00));
	pn532_emu_remove(fx->emu);
	run(fx, BYTES(0xD4, 0x00, 0x06));
	expect_reply(fx, BYTES(0xD5, 0x01, 0x01));
}

static void test_pn532_frame__emu_list_by_uid(void **state)
{
	struct emu_fixture *fx = *state;

	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	run(fx, BYTES(0xD4, 0x32, 0x05, 0x00, 0x01, 0x02));
	/* libnfc names a 7-byte UID with its cascade tag */
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00, 0x88, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	assert_int_equal(fx->r.outcome, PN532_EMU_REPLY);
	assert_int_equal(fx->r.payload[2], 1);
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	assert_int_equal(fx->r.payload[2], 1);
	/* another UID is not selected */
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	pn532_emu_timeout(fx->emu, &fx->r);
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x00));
}

static void test_pn532_frame__emu_card_arrives_during_poll(void **state)
{
	struct emu_fixture *fx = *state;

	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3));
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xA1, 0xB2, 0xC3));
	assert_false(pn532_emu_pending(fx->emu));
}

static void test_pn532_frame__emu_auto_poll(void **state)
{
	struct emu_fixture *fx = *state;
	struct pn532_card card;

	/* nfc-poll: 20 polls of 2 x 150 ms, types 20 10 03 11 12 04 */
	run(fx, BYTES(0xD4, 0x60, 0x14, 0x02, 0x20, 0x10, 0x03, 0x11, 0x12, 0x04));
	assert_int_equal(fx->r.outcome, PN532_EMU_WAIT);
	assert_int_equal(fx->r.wait_ms, 20 * 2 * 150);
	pn532_emu_timeout(fx->emu, &fx->r);
	expect_reply(fx, BYTES(0xD5, 0x61, 0x00));
	run(fx, BYTES(0xD4, 0x60, 0xFF, 0x01, 0x10));
	assert_int_equal(fx->r.wait_ms, -1);

	/* a MIFARE card answers as type 0x10, an ISO14443-4 one as 0x20 with its ATS */
	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	expect_reply(fx, BYTES(0xD5, 0x61, 0x01, 0x10, 0x0C, 0x01, 0x00, 0x44, 0x00, 0x07, 0x04, 0xA1, 0xB2, 0xC3,
			       0xD4, 0xE5, 0xF6));
	assert_int_equal(pn532_card_init(&card, BYTES(0x04, 0xA1, 0xB2, 0xC3), NULL, 0), SEUIL_OK);
	card.sak = 0x20;
	pn532_card_default_ats(&card);
	pn532_emu_insert(fx->emu, &card, &fx->r);
	run(fx, BYTES(0xD4, 0x60, 0x14, 0x02, 0x20, 0x10));
	expect_reply(fx, BYTES(0xD5, 0x61, 0x01, 0x20, 0x0F, 0x01, 0x00, 0x04, 0x20, 0x04, 0x04, 0xA1, 0xB2, 0xC3,
			       0x06, 0x75, 0x77, 0x81, 0x02, 0x80));
	/* no types, too many types */
	run(fx, BYTES(0xD4, 0x60, 0x14, 0x02));
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x60, 0x14, 0x02, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
		      0x10, 0x10, 0x10, 0x10));
	expect_reply(fx, BYTES(0x7F));
}

static void test_pn532_frame__emu_apdu_script(void **state)
{
	static const char text[] = "# test script\n"
				   "00A4040007D2760000850101 9000\n"
				   "00B0* 6B00\n";
	struct emu_fixture *fx = *state;
	struct pn532_script *script = NULL;
	struct pn532_card card;

	assert_int_equal(pn532_script_parse(text, sizeof(text) - 1, &script, NULL, 0), SEUIL_OK);
	pn532_emu_set_script(fx->emu, script);
	assert_int_equal(pn532_card_init(&card, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6), NULL, 0), SEUIL_OK);
	card.sak = 0x20;
	pn532_card_default_ats(&card);
	pn532_emu_insert(fx->emu, &card, &fx->r);
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	/* fAutomaticRATS is on by default: the ATS comes with the target */
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x44, 0x20, 0x07, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5,
			       0xF6, 0x06, 0x75, 0x77, 0x81, 0x02, 0x80));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xA4, 0x04, 0x00, 0x07, 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x90, 0x00));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xB0, 0x00, 0x00, 0x0F));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x6B, 0x00));
	/* no entry: 6A82 */
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x90, 0x60, 0x00, 0x00, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x6A, 0x82));
	/* the same over InCommunicateThru, as an ISO-DEP I-block */
	run(fx, BYTES(0xD4, 0x42, 0x02, 0x00, 0xB0, 0x00, 0x00, 0x0F));
	expect_reply(fx, BYTES(0xD5, 0x43, 0x00, 0x02, 0x6B, 0x00));
	/* wrong target number */
	run(fx, BYTES(0xD4, 0x40, 0x02, 0x00, 0xB0));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x27));
	/* after removal the card is silent */
	pn532_emu_remove(fx->emu);
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xB0, 0x00, 0x00, 0x0F));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x01));
}

static void test_pn532_frame__emu_rats_by_hand(void **state)
{
	struct emu_fixture *fx = *state;
	struct pn532_card card;

	assert_int_equal(pn532_card_init(&card, BYTES(0x04, 0xA1, 0xB2, 0xC3), NULL, 0), SEUIL_OK);
	card.sak = 0x20;
	pn532_card_default_ats(&card);
	pn532_emu_insert(fx->emu, &card, &fx->r);
	run(fx, BYTES(0xD4, 0x12, 0x04)); /* fAutomaticRATS off */
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x4B, 0x01, 0x01, 0x00, 0x04, 0x20, 0x04, 0x04, 0xA1, 0xB2, 0xC3));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0xE0, 0x50));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x06, 0x75, 0x77, 0x81, 0x02, 0x80));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xA4, 0x04, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x6A, 0x82));
	/* S(DESELECT) then the card is gone from the protocol */
	run(fx, BYTES(0xD4, 0x42, 0xC2));
	expect_reply(fx, BYTES(0xD5, 0x43, 0x00, 0xC2));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xA4, 0x04, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x27));
}

static int hook_calls;

static int test_hook(void *ctx, const struct pn532_card *card, bool iso_dep, const uint8_t *req,
		     size_t req_len, uint8_t *resp, size_t cap, size_t *resp_len)
{
	(void)ctx;
	(void)card;
	hook_calls++;
	if (!iso_dep || req_len < 2 || req[1] != 0xCA || cap < 3)
		return req_len == 1 && req[0] == 0xEE ? -1 : 0;
	resp[0] = 0x42;
	resp[1] = 0x90;
	resp[2] = 0x00;
	*resp_len = 3;
	return 1;
}

static void test_pn532_frame__emu_exchange_hook(void **state)
{
	struct emu_fixture *fx = *state;
	struct pn532_card card;

	assert_int_equal(pn532_card_init(&card, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6), NULL, 0), SEUIL_OK);
	card.sak = 0x20;
	pn532_card_default_ats(&card);
	pn532_emu_set_exchange_hook(fx->emu, test_hook, NULL);
	pn532_emu_insert(fx->emu, &card, &fx->r);
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	hook_calls = 0;
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xCA, 0x00, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x42, 0x90, 0x00));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x00, 0xA4, 0x00, 0x00)); /* declined: default */
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x6A, 0x82));
	run(fx, BYTES(0xD4, 0x40, 0x01, 0xEE)); /* silent card */
	expect_reply(fx, BYTES(0xD5, 0x41, 0x01));
	assert_int_equal(hook_calls, 3);
}

static void test_pn532_frame__emu_ultralight_read(void **state)
{
	struct emu_fixture *fx = *state;

	insert_uid(fx, BYTES(0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6));
	run(fx, BYTES(0xD4, 0x4A, 0x01, 0x00));
	/* libnfc's presence check of an Ultralight: READ page 0 */
	run(fx, BYTES(0xD4, 0x40, 0x01, 0x30, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x00, 0x04, 0xA1, 0xB2, 0x88 ^ 0x04 ^ 0xA1 ^ 0xB2, 0xC3, 0xD4, 0xE5, 0xF6,
			       0xC3 ^ 0xD4 ^ 0xE5 ^ 0xF6, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
	/* an unknown raw command gets no answer */
	run(fx, BYTES(0xD4, 0x40, 0x01, 0xA2, 0x04, 0x01, 0x02, 0x03, 0x04));
	expect_reply(fx, BYTES(0xD5, 0x41, 0x01));
}

static void test_pn532_frame__emu_unknown_command(void **state)
{
	struct emu_fixture *fx = *state;

	run(fx, BYTES(0xD4, 0x04)); /* GetGeneralStatus: not emulated */
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x8C, 0x00)); /* TgInitAsTarget */
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD5, 0x02)); /* wrong direction */
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4));
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x32, 0x05, 0x00)); /* RFConfiguration item too short */
	expect_reply(fx, BYTES(0x7F));
	run(fx, BYTES(0xD4, 0x14, 0x07)); /* SAM mode out of range */
	expect_reply(fx, BYTES(0x7F));
	/* InDeselect / InRelease */
	run(fx, BYTES(0xD4, 0x44, 0x00));
	expect_reply(fx, BYTES(0xD5, 0x45, 0x00));
	run(fx, BYTES(0xD4, 0x52, 0x01));
	expect_reply(fx, BYTES(0xD5, 0x53, 0x00));
	run(fx, BYTES(0xD4, 0x52, 0x05));
	expect_reply(fx, BYTES(0xD5, 0x53, 0x27));
}

/* ---- control lines and scripts ---- */

/* Parses a control line with a fresh error buffer (err holds 128 bytes). */
static int ctl(const char *line, struct pn532_control *cmd, char *err)
{
	err[0] = '\0';
	return pn532_control_parse(line, strlen(line), cmd, err, 128);
}

static void test_pn532_frame__control_insert(void **state)
{
	struct pn532_control cmd;
	char err[128] = "";

	(void)state;
	assert_int_equal(ctl("insert 04A1B2C3D4E5F6", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.verb, PN532_CONTROL_INSERT);
	assert_int_equal(cmd.card.uid_len, 7);
	assert_int_equal(cmd.card.atqa[1], 0x44);
	assert_int_equal(cmd.card.sak, 0x00);
	assert_int_equal(cmd.card.ats_len, 0);

	assert_int_equal(ctl("insert 04a1b2c3 atqa=0344 sak=28\r", &cmd, err),
			 SEUIL_OK);
	assert_int_equal(cmd.card.atqa[0], 0x03);
	assert_int_equal(cmd.card.sak, 0x28);
	assert_int_equal(cmd.card.ats_len, 5); /* SAK bit 0x20: default ATS */

	assert_int_equal(ctl("insert 0102030405060708090A ats=7880", &cmd, err),
			 SEUIL_OK);
	assert_int_equal(cmd.card.uid_len, 10);
	assert_int_equal(cmd.card.sak, 0x20);
	assert_int_equal(cmd.card.ats_len, 2);

	assert_int_equal(ctl("insert 0102030405", &cmd, err), SEUIL_ERR_INVALID);
	assert_non_null(strstr(err, "4, 7 or 10"));
	assert_int_equal(ctl("insert 0102030405060708090A0B0C", &cmd, err),
			 SEUIL_ERR_INVALID);
	assert_int_equal(ctl("insert 04A1B2C", &cmd, err), SEUIL_ERR_INVALID);
	assert_int_equal(ctl("insert 04A1B2C3 sak=123", &cmd, err),
			 SEUIL_ERR_INVALID);
	assert_int_equal(ctl("insert 04A1B2C3 foo=1", &cmd, err), SEUIL_ERR_INVALID);
	assert_int_equal(ctl("insert", &cmd, err), SEUIL_ERR_INVALID);
}

static void test_pn532_frame__control_other(void **state)
{
	struct pn532_control cmd;
	char err[128] = "";

	(void)state;
	assert_int_equal(ctl("fault bad-checksum", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.verb, PN532_CONTROL_FAULT);
	assert_int_equal(cmd.fault, PN532_FAULT_BAD_CHECKSUM);
	assert_int_equal(ctl("  fault   vanish ", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.fault, PN532_FAULT_VANISH);
	assert_string_equal(pn532_fault_name(PN532_FAULT_MUTE), "mute");
	assert_int_equal(ctl("remove", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.verb, PN532_CONTROL_REMOVE);
	assert_int_equal(ctl("reappear", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.verb, PN532_CONTROL_REAPPEAR);
	assert_int_equal(ctl("quit", &cmd, err), SEUIL_OK);
	assert_int_equal(cmd.verb, PN532_CONTROL_QUIT);
	assert_int_equal(ctl("fault fire", &cmd, err), SEUIL_ERR_INVALID);
	assert_int_equal(ctl("quit now", &cmd, err), SEUIL_ERR_INVALID);
	assert_int_equal(ctl("", &cmd, err), SEUIL_ERR_INVALID);
	assert_int_equal(ctl("dance", &cmd, err), SEUIL_ERR_INVALID);
}

static void test_pn532_frame__script_errors(void **state)
{
	struct pn532_script *script = NULL;
	char err[128] = "";
	uint8_t resp[8];
	size_t len;

	(void)state;
	assert_int_equal(pn532_script_parse("00A4 9000\nbad\n", 14, &script, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_null(script);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(pn532_script_parse("00A4 90X0\n", 10, &script, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(pn532_script_parse("00A4 9000 11\n", 13, &script, err, sizeof(err)), SEUIL_ERR_INVALID);
	assert_int_equal(pn532_script_parse("\n  # only comments\n\n", 20, &script, err, sizeof(err)), SEUIL_OK);
	assert_int_equal(pn532_script_count(script), 0);
	pn532_script_free(script);
	assert_int_equal(pn532_script_parse("* 6D00", 6, &script, err, sizeof(err)), SEUIL_OK);
	assert_true(pn532_script_match(script, BYTES(0x01, 0x02), resp, sizeof(resp), &len));
	assert_bytes(resp, len, BYTES(0x6D, 0x00));
	pn532_script_free(script);
	pn532_script_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pn532_frame__normal),
		cmocka_unit_test(test_pn532_frame__largest_normal),
		cmocka_unit_test(test_pn532_frame__extended),
		cmocka_unit_test(test_pn532_frame__ack),
		cmocka_unit_test(test_pn532_frame__nack),
		cmocka_unit_test(test_pn532_frame__syntax_error_frame),
		cmocka_unit_test(test_pn532_frame__bad_length_checksum),
		cmocka_unit_test(test_pn532_frame__bad_data_checksum),
		cmocka_unit_test(test_pn532_frame__truncated),
		cmocka_unit_test(test_pn532_frame__garbage_before_preamble),
		cmocka_unit_test(test_pn532_frame__oversized_length),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_get_firmware_version, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_registers_multi, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_list_without_card, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_list_with_card, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_list_by_uid, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_card_arrives_during_poll, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_auto_poll, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_apdu_script, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_rats_by_hand, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_exchange_hook, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_ultralight_read, emu_setup, emu_teardown),
		cmocka_unit_test_setup_teardown(test_pn532_frame__emu_unknown_command, emu_setup, emu_teardown),
		cmocka_unit_test(test_pn532_frame__control_insert),
		cmocka_unit_test(test_pn532_frame__control_other),
		cmocka_unit_test(test_pn532_frame__script_errors),
	};

	return cmocka_run_group_tests_name("pn532_frame", tests, NULL, NULL);
}
