/*
 * pn532_hex.h - hexadecimal text to bytes and back, for the PN532
 * emulator's control lines, APDU scripts and debug log.
 *
 * Pure functions: no allocation, no I/O.  The caller owns every buffer and
 * gives its size; nothing is written past it.  Safe from any thread.
 */
#ifndef SEUIL_PN532_HEX_H
#define SEUIL_PN532_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the len characters at text (an even number of hex digits, either
 * case, no separators) into out (cap bytes) and stores the byte count in
 * *out_len.  Returns SEUIL_OK, SEUIL_ERR_INVALID for an odd count or a
 * non-hex character, or SEUIL_ERR_TOO_LARGE when more than cap bytes would
 * be written; out and *out_len are written only on success.
 */
int pn532_hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Writes len bytes as upper-case hex into out (cap characters, always
 * NUL-terminated when cap > 0), truncating when out is too small.
 */
void pn532_hex_encode(const uint8_t *bytes, size_t len, char *out, size_t cap);

#endif
