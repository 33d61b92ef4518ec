/*
 * uid.h - card identifiers as people and readers write them.
 *
 * A UID is 4, 7 or 10 bytes (ISO/IEC 14443-3 single, double, triple size).
 * It is accepted in either case, with or without ':' '-' or ' ' between
 * bytes, and stored as upper-case hex without separators.
 */
#ifndef SEUIL_UID_H
#define SEUIL_UID_H

#include <stddef.h>

#define UID_BYTES_MAX 10
#define UID_HEX_MAX (2 * UID_BYTES_MAX + 1)

/*
 * Normalizes text into out ("04A1B2C3D4E5F6").  Returns SEUIL_OK, or
 * SEUIL_ERR_INVALID with a message naming what is wrong.
 */
int uid_normalize(const char *text, char out[UID_HEX_MAX], char *err, size_t errlen);
/* Writes bytes as normalized hex; len must be 4, 7 or 10 (else SEUIL_ERR_INVALID). */
int uid_from_bytes(const unsigned char *bytes, size_t len, char out[UID_HEX_MAX]);
/*
 * Writes a shortened form safe for logs ("04A1…F6"), so that an operator
 * can tell badges apart without the log holding a full identifier.
 */
void uid_redact(const char *normalized, char *out, size_t len);

#endif
