/*
 * uid.c - parsing and normalizing card UIDs.  It does not look them up;
 * the rights engine does.
 */
#include "uid.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int uid_normalize(const char *text, char out[UID_HEX_MAX], char *err, size_t errlen)
{
	char hex[UID_HEX_MAX];
	size_t n = 0, nbytes;
	int in_byte = 0; /* digits seen in the current separated group */
	int separated = 0;

	if (text == NULL || text[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "empty card UID");
	if (strlen(text) > 64)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "card UID too long");
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == ':' || *p == '-' || *p == ' ') {
			/* separators stand between whole bytes only */
			if (in_byte != 2 || p[1] == '\0')
				return err_set(err, errlen, SEUIL_ERR_INVALID,
					       "card UID \"%.32s\": separators must stand between bytes", text);
			separated = 1;
			in_byte = 0;
			continue;
		}
		if (hexval(*p) < 0)
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "card UID \"%.32s\": '%c' is not a hex digit", text, *p);
		if (n + 1 >= sizeof(hex))
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "card UID \"%.32s\" is longer than 10 bytes", text);
		in_byte++;
		if (separated && in_byte > 2)
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "card UID \"%.32s\": separators must stand between bytes", text);
		hex[n++] = (*p >= 'a' && *p <= 'f') ? (char)(*p - 'a' + 'A') : *p;
	}
	hex[n] = '\0';
	nbytes = n / 2;
	if (n % 2 != 0 || (nbytes != 4 && nbytes != 7 && nbytes != 10))
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "card UID \"%.32s\" must be 4, 7 or 10 bytes (8, 14 or 20 hex digits)", text);
	memcpy(out, hex, n + 1);
	return SEUIL_OK;
}

int uid_from_bytes(const unsigned char *bytes, size_t len, char out[UID_HEX_MAX])
{
	if (len != 4 && len != 7 && len != 10)
		return SEUIL_ERR_INVALID;
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02X", bytes[i]);
	return SEUIL_OK;
}

void uid_redact(const char *normalized, char *out, size_t len)
{
	size_t n = strlen(normalized);

	/* enough for an operator to find the line, not enough to clone the card:
	 * a 4-byte UID shows 2 of its bytes, a longer one its maker (the first
	 * byte, 04 for NXP) and 2 more */
	if (n < 8)
		snprintf(out, len, "…");
	else
		snprintf(out, len, "%.*s…%s", n == 8 ? 2 : 4, normalized, normalized + n - 2);
}
