/*
 * err.c - error messages: the code-to-text table and the first-error-wins
 * buffer.  It never prints; callers decide where a message goes.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *seuil_strerror(int code)
{
	switch (code) {
	case SEUIL_OK: return "success";
	case SEUIL_ERR_NOMEM: return "out of memory";
	case SEUIL_ERR_IO: return "input/output error";
	case SEUIL_ERR_INVALID: return "invalid input";
	case SEUIL_ERR_NOT_FOUND: return "not found";
	case SEUIL_ERR_DB: return "database error";
	case SEUIL_ERR_SCHEMA: return "database schema from a newer version";
	case SEUIL_ERR_TOO_LARGE: return "input too large";
	case SEUIL_ERR_BUSY: return "resource busy";
	case SEUIL_ERR_TIMEOUT: return "timed out";
	case SEUIL_ERR_DEVICE: return "device error";
	case SEUIL_ERR_NETWORK: return "network error";
	case SEUIL_ERR_DENIED: return "permission denied";
	case SEUIL_ERR_CONFLICT: return "conflicts with what is stored";
	}
	return "unknown error";
}

int err_set(char *buf, size_t len, int code, const char *fmt, ...)
{
	va_list ap;
	char *nl;

	if (buf == NULL || len == 0 || buf[0] != '\0')
		return code;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	/* one line: a message is shown in a terminal, a log or a screen */
	while ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = ' ';
	return code;
}

void err_clear(char *buf, size_t len)
{
	if (buf != NULL && len > 0)
		buf[0] = '\0';
}
