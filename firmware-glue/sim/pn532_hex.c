/*
 * pn532_hex.c - hex codec for the PN532 emulator (see pn532_hex.h).
 * It knows nothing of frames or cards, and accepts no separators.
 */
#include "pn532_hex.h"

#include "err.h"

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pn532_hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t i;

	if (len % 2 != 0)
		return SEUIL_ERR_INVALID;
	for (i = 0; i < len; i++)
		if (hex_nibble(text[i]) < 0)
			return SEUIL_ERR_INVALID;
	if (len / 2 > cap)
		return SEUIL_ERR_TOO_LARGE;
	for (i = 0; i < len / 2; i++)
		out[i] = (uint8_t)(hex_nibble(text[2 * i]) << 4 | hex_nibble(text[2 * i + 1]));
	*out_len = len / 2;
	return SEUIL_OK;
}

void pn532_hex_encode(const uint8_t *bytes, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	if (cap == 0)
		return;
	for (i = 0; i < len && 2 * i + 2 < cap; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0x0f];
	}
	out[2 * i] = '\0';
}
