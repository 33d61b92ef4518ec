/*
 * pn532_frame.c - finds, checks and builds PN532 host-link frames (see
 * pn532_frame.h for the wire format).
 *
 * It only deals in bytes: it does not interpret commands (pn532_emu.c
 * does), does not read or write any file descriptor (pn532_sim.c does) and
 * keeps no state between calls, so it can be fuzzed on its own.
 */
#include "pn532_frame.h"

#include <string.h>

static const uint8_t frame_ack[PN532_FRAME_ACK_LEN] = { 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00 };
static const uint8_t frame_nack[PN532_FRAME_ACK_LEN] = { 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00 };

uint8_t pn532_frame_dcs(const uint8_t *payload, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + payload[i]);
	return (uint8_t)(0x100 - sum);
}

static enum pn532_frame_kind frame_error(struct pn532_frame *out, size_t consumed, const char *why)
{
	out->kind = PN532_FRAME_ERROR;
	out->consumed = consumed;
	out->error = why;
	return out->kind;
}

static enum pn532_frame_kind frame_incomplete(struct pn532_frame *out, size_t droppable)
{
	out->kind = PN532_FRAME_INCOMPLETE;
	out->consumed = droppable;
	return out->kind;
}

/* ACK and NACK: the two code bytes, then the postamble if it has arrived. */
static enum pn532_frame_kind frame_short(struct pn532_frame *out, enum pn532_frame_kind kind,
					 const uint8_t *buf, size_t len, size_t after_code)
{
	out->kind = kind;
	out->consumed = after_code;
	if (after_code < len && buf[after_code] == 0x00)
		out->consumed++;
	return kind;
}

enum pn532_frame_kind pn532_frame_parse(const uint8_t *buf, size_t len, size_t max_payload,
					struct pn532_frame *out)
{
	size_t start, p, hdr, plen, end;
	uint8_t sum;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (max_payload > PN532_FRAME_PAYLOAD_MAX)
		max_payload = PN532_FRAME_PAYLOAD_MAX;

	/* The start code 00 FF; the optional 00 preamble before it is skipped like garbage. */
	for (start = 0; start + 1 < len; start++)
		if (buf[start] == 0x00 && buf[start + 1] == 0xFF)
			break;
	if (start + 1 >= len) {
		/* A trailing 00 may be the first half of a start code: keep it. */
		return frame_incomplete(out, (len > 0 && buf[len - 1] == 0x00) ? len - 1 : len);
	}
	p = start + 2;
	if (len < p + 2)
		return frame_incomplete(out, start);

	if (buf[p] == 0x00 && buf[p + 1] == 0xFF)
		return frame_short(out, PN532_FRAME_ACK, buf, len, p + 2);
	if (buf[p] == 0xFF && buf[p + 1] == 0x00)
		return frame_short(out, PN532_FRAME_NACK, buf, len, p + 2);

	if (buf[p] == 0xFF && buf[p + 1] == 0xFF) {
		if (len < p + 5)
			return frame_incomplete(out, start);
		if ((uint8_t)(buf[p + 2] + buf[p + 3] + buf[p + 4]) != 0)
			return frame_error(out, p, "extended frame length checksum mismatch");
		plen = (size_t)buf[p + 2] << 8 | buf[p + 3];
		hdr = p + 5;
		out->kind = PN532_FRAME_EXTENDED;
	} else {
		if ((uint8_t)(buf[p] + buf[p + 1]) != 0)
			return frame_error(out, p, "length checksum mismatch");
		plen = buf[p];
		hdr = p + 2;
		out->kind = PN532_FRAME_NORMAL;
	}
	if (plen == 0)
		return frame_error(out, p, "empty frame");
	if (plen > max_payload)
		return frame_error(out, p, "frame longer than the size limit");

	end = hdr + plen + 2;
	if (len < end)
		return frame_incomplete(out, start);

	sum = 0;
	for (i = 0; i <= plen; i++)
		sum = (uint8_t)(sum + buf[hdr + i]);
	/* The length was checksummed, so the whole frame can be dropped. */
	if (sum != 0)
		return frame_error(out, end, "data checksum mismatch");
	if (buf[end - 1] != 0x00)
		return frame_error(out, end, "postamble missing");

	out->consumed = end;
	out->payload = buf + hdr;
	out->payload_len = plen;
	return out->kind;
}

size_t pn532_frame_build(const uint8_t *payload, size_t payload_len, uint8_t *out, size_t cap)
{
	size_t hdr, total;

	if (payload_len == 0 || payload_len > PN532_FRAME_PAYLOAD_MAX)
		return 0;
	hdr = payload_len <= PN532_FRAME_NORMAL_MAX ? 5 : 8;
	total = hdr + payload_len + 2;
	if (cap < total)
		return 0;
	out[0] = 0x00;
	out[1] = 0x00;
	out[2] = 0xFF;
	if (hdr == 5) {
		out[3] = (uint8_t)payload_len;
		out[4] = (uint8_t)(0x100 - payload_len);
	} else {
		out[3] = 0xFF;
		out[4] = 0xFF;
		out[5] = (uint8_t)(payload_len >> 8);
		out[6] = (uint8_t)(payload_len & 0xFF);
		out[7] = (uint8_t)(0x100 - ((out[5] + out[6]) & 0xFF));
	}
	memcpy(out + hdr, payload, payload_len);
	out[hdr + payload_len] = pn532_frame_dcs(payload, payload_len);
	out[hdr + payload_len + 1] = 0x00;
	return total;
}

size_t pn532_frame_build_ack(uint8_t *out, size_t cap)
{
	if (cap < sizeof(frame_ack))
		return 0;
	memcpy(out, frame_ack, sizeof(frame_ack));
	return sizeof(frame_ack);
}

size_t pn532_frame_build_nack(uint8_t *out, size_t cap)
{
	if (cap < sizeof(frame_nack))
		return 0;
	memcpy(out, frame_nack, sizeof(frame_nack));
	return sizeof(frame_nack);
}

bool pn532_frame_is_syntax_error(const struct pn532_frame *frame)
{
	return frame->kind == PN532_FRAME_NORMAL && frame->payload_len == 1 &&
	       frame->payload[0] == PN532_SYNTAX_ERROR;
}
