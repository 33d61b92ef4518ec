/*
 * pn532_script.h - APDU scripts for the emulated ISO14443-4 (and other)
 * cards: a text file of lines `REQUESTHEX RESPONSEHEX`.
 *
 *   # comment lines and blank lines are ignored
 *   00A4040007D2760000850101 9000     exact request
 *   00B0*                    6A82     request starting with 00B0
 *   *                        6D00     any request
 *
 * The first matching line wins, in file order.  Limits: a file of at most
 * PN532_SCRIPT_FILE_MAX bytes, PN532_SCRIPT_ENTRIES_MAX entries, lines of
 * at most PN532_SCRIPT_LINE_MAX characters, requests and responses of at
 * most PN532_SCRIPT_DATA_MAX bytes.
 *
 * A script is immutable once parsed; lookups may run from any thread.
 */
#ifndef SEUIL_PN532_SCRIPT_H
#define SEUIL_PN532_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN532_SCRIPT_FILE_MAX (256 * 1024)
#define PN532_SCRIPT_ENTRIES_MAX 1024
#define PN532_SCRIPT_LINE_MAX 1100
#define PN532_SCRIPT_DATA_MAX 262

struct pn532_script;

/*
 * Parses len bytes of script text.  On success stores a new script in *out
 * (the caller owns it: pn532_script_free) and returns SEUIL_OK; otherwise
 * returns SEUIL_ERR_INVALID / SEUIL_ERR_TOO_LARGE / SEUIL_ERR_NOMEM with a
 * message naming the line in err, and leaves *out alone.
 */
int pn532_script_parse(const char *text, size_t len, struct pn532_script **out, char *err, size_t errlen);

/* Reads the file at path (bounded by PN532_SCRIPT_FILE_MAX) and parses it like pn532_script_parse. */
int pn532_script_load(const char *path, struct pn532_script **out, char *err, size_t errlen);

/* Frees a script; NULL is a no-op. */
void pn532_script_free(struct pn532_script *script);

/* Number of entries. */
size_t pn532_script_count(const struct pn532_script *script);

/*
 * Looks up req.  When a line matches, copies its response (truncated to
 * cap) into resp, stores the length in *resp_len and returns true.
 */
bool pn532_script_match(const struct pn532_script *script, const uint8_t *req, size_t req_len,
			uint8_t *resp, size_t cap, size_t *resp_len);

#endif
