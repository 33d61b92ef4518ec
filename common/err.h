/*
 * err.h - the one error type of Seuil, shared by every module.
 *
 * A function that can fail returns an enum seuil_err (SEUIL_OK is 0) and,
 * where a person will read the message, fills a caller-provided buffer with
 * one line (no newline).  The first error written wins: later err_set() calls
 * on a buffer that already holds a message leave it alone, so the innermost,
 * most precise message reaches the person.  A refused badge is a decision,
 * not an error.
 *
 * This file does not log and does not allocate.
 */
#ifndef SEUIL_ERR_H
#define SEUIL_ERR_H

#include <stddef.h>

enum seuil_err {
	SEUIL_OK = 0,
	SEUIL_ERR_NOMEM = -1,       /* an allocation failed */
	SEUIL_ERR_IO = -2,          /* a file or device could not be read or written */
	SEUIL_ERR_INVALID = -3,     /* malformed input: a file, an argument, a frame */
	SEUIL_ERR_NOT_FOUND = -4,   /* what was named does not exist */
	SEUIL_ERR_DB = -5,          /* the database refused an operation */
	SEUIL_ERR_SCHEMA = -6,      /* the database was written by a newer Seuil */
	SEUIL_ERR_TOO_LARGE = -7,   /* an input exceeds its documented size limit */
	SEUIL_ERR_BUSY = -8,        /* the resource is locked by another process */
	SEUIL_ERR_TIMEOUT = -9,     /* a bounded wait ran out */
	SEUIL_ERR_DEVICE = -10,     /* a reader or a GPIO line misbehaved */
	SEUIL_ERR_NETWORK = -11,    /* a remote peer could not be reached or lied */
	SEUIL_ERR_DENIED = -12,     /* the caller may not do this */
	SEUIL_ERR_CONFLICT = -13    /* the input contradicts what is stored */
};

/* Returns a static, constant English description of code; never NULL. */
const char *seuil_strerror(int code);

/*
 * Writes a formatted one-line message into buf (of size len) unless buf is
 * NULL, len is 0 or buf already holds a message (first error wins).
 * Returns code, so that callers can write `return err_set(...)`.
 * Thread-safe as long as buf is not shared.
 */
int err_set(char *buf, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Empties buf so that the next err_set() writes into it. */
void err_clear(char *buf, size_t len);

#endif
