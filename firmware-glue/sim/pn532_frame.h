/*
 * pn532_frame.h - the PN532 host-link frame codec (PN532 User Manual,
 * section 6.2: normal and extended information frames, ACK, NACK, the
 * application-level error frame).
 *
 * A frame on the wire:
 *   normal    [00] 00 FF LEN LCS TFI PD0..PDn DCS 00     LEN+LCS = 0 (mod 256)
 *   extended  [00] 00 FF FF FF LENM LENL LCS TFI PD.. DCS 00
 *   ACK       00 00 FF 00 FF 00        NACK  00 00 FF FF 00 00
 *   error     00 00 FF 01 FF 7F 81 00  (a normal frame whose payload is 7F)
 * TFI+PD0..PDn+DCS = 0 (mod 256).  The "payload" in this API is what LEN
 * counts: the TFI (D4 host to PN532, D5 back) followed by the data, or the
 * single byte 7F of the error frame.
 *
 * Pure code: no allocation, no I/O, no logging, no global state.  Payload
 * pointers returned by the parser point into the caller's buffer and live
 * as long as it does.  Safe from any thread.
 */
#ifndef SEUIL_PN532_FRAME_H
#define SEUIL_PN532_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN532_TFI_HOST 0xD4          /* host to PN532 */
#define PN532_TFI_CHIP 0xD5          /* PN532 to host */
#define PN532_SYNTAX_ERROR 0x7F      /* payload of the application-level error frame */

/* Largest payload of a normal frame (LEN is one byte). */
#define PN532_FRAME_NORMAL_MAX 255
/* Largest payload we accept or build: TFI + 264 data bytes (libnfc's limit). */
#define PN532_FRAME_PAYLOAD_MAX 265
/* Largest frame on the wire: preamble, start code, FF FF, LENM LENL LCS, DCS, postamble. */
#define PN532_FRAME_MAX (PN532_FRAME_PAYLOAD_MAX + 10)
#define PN532_FRAME_ACK_LEN 6

enum pn532_frame_kind {
	PN532_FRAME_INCOMPLETE, /* no whole frame yet: keep the bytes, read more */
	PN532_FRAME_ACK,
	PN532_FRAME_NACK,
	PN532_FRAME_NORMAL,
	PN532_FRAME_EXTENDED,
	PN532_FRAME_ERROR /* malformed: drop `consumed` bytes and parse again */
};

struct pn532_frame {
	enum pn532_frame_kind kind;
	/*
	 * Bytes the caller may drop from the front of its buffer: garbage
	 * before the start code plus the frame itself.  Also set for
	 * INCOMPLETE (leading garbage that can never start a frame) and
	 * ERROR (enough to resynchronise on the next start code).
	 */
	size_t consumed;
	const uint8_t *payload; /* NORMAL/EXTENDED: TFI + data, inside the parsed buffer */
	size_t payload_len;
	const char *error; /* ERROR: a static one-line reason */
};

/*
 * Finds the first frame in buf[0..len).  max_payload caps the LEN a frame
 * may announce (clamped to PN532_FRAME_PAYLOAD_MAX); a larger one is an
 * ERROR, so a hostile length never makes the caller wait for or buffer
 * more than PN532_FRAME_MAX bytes.  Fills *out and returns out->kind.
 */
enum pn532_frame_kind pn532_frame_parse(const uint8_t *buf, size_t len, size_t max_payload,
					struct pn532_frame *out);

/*
 * Builds the frame carrying payload (1..PN532_FRAME_PAYLOAD_MAX bytes,
 * TFI included): a normal frame up to PN532_FRAME_NORMAL_MAX bytes, an
 * extended one above.  Returns the frame length written into out (cap
 * bytes), or 0 when the payload is empty, too long, or out is too small.
 */
size_t pn532_frame_build(const uint8_t *payload, size_t payload_len, uint8_t *out, size_t cap);

/* Copies the 6-byte ACK (or NACK) frame into out; returns 6, or 0 if cap < 6. */
size_t pn532_frame_build_ack(uint8_t *out, size_t cap);
size_t pn532_frame_build_nack(uint8_t *out, size_t cap);

/* The data checksum byte that makes payload + DCS sum to 0 (mod 256). */
uint8_t pn532_frame_dcs(const uint8_t *payload, size_t len);

/* True for the application-level error frame's payload (the byte 7F alone). */
bool pn532_frame_is_syntax_error(const struct pn532_frame *frame);

#endif
