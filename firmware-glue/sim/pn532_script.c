/*
 * pn532_script.c - parses and looks up APDU scripts (see pn532_script.h).
 *
 * It only maps request bytes to response bytes: it does not know ISO-DEP
 * blocks, status words or cards (pn532_emu.c does), and keeps no state
 * between lookups.
 */
#include "pn532_script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "pn532_hex.h"

struct script_entry {
	enum { MATCH_EXACT, MATCH_PREFIX, MATCH_ANY } how;
	uint8_t req[PN532_SCRIPT_DATA_MAX];
	size_t req_len;
	uint8_t resp[PN532_SCRIPT_DATA_MAX];
	size_t resp_len;
};

struct pn532_script {
	struct script_entry *entries;
	size_t count;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Splits line into whitespace-separated tokens and stores the first two;
 * returns their count, or 3 when there are more than two.
 */
static size_t split_tokens(const char *line, size_t len, const char *tok[2], size_t tok_len[2])
{
	size_t n = 0, i = 0, start;

	while (i < len) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			break;
		if (n == 2)
			return 3;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		tok[n] = line + start;
		tok_len[n] = i - start;
		n++;
	}
	return n;
}

static int parse_line(const char *line, size_t len, size_t lineno, struct script_entry *e, char *err,
		      size_t errlen)
{
	const char *tok[2];
	size_t tok_len[2], n, req_len;
	int rc;

	n = split_tokens(line, len, tok, tok_len);
	if (n != 2)
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "apdu script line %zu: expected `REQUESTHEX RESPONSEHEX`", lineno);
	memset(e, 0, sizeof(*e));
	req_len = tok_len[0];
	if (req_len == 1 && tok[0][0] == '*') {
		e->how = MATCH_ANY;
	} else {
		e->how = MATCH_EXACT;
		if (tok[0][req_len - 1] == '*') {
			e->how = MATCH_PREFIX;
			req_len--;
		}
		rc = pn532_hex_decode(tok[0], req_len, e->req, sizeof(e->req), &e->req_len);
		if (rc == SEUIL_OK && e->req_len == 0)
			rc = SEUIL_ERR_INVALID;
		if (rc != SEUIL_OK)
			return err_set(err, errlen, rc, "apdu script line %zu: bad request hex", lineno);
	}
	rc = pn532_hex_decode(tok[1], tok_len[1], e->resp, sizeof(e->resp), &e->resp_len);
	if (rc == SEUIL_OK && e->resp_len == 0)
		rc = SEUIL_ERR_INVALID;
	if (rc != SEUIL_OK)
		return err_set(err, errlen, rc, "apdu script line %zu: bad response hex", lineno);
	return SEUIL_OK;
}

int pn532_script_parse(const char *text, size_t len, struct pn532_script **out, char *err, size_t errlen)
{
	struct pn532_script *script = NULL;
	struct script_entry entry;
	size_t pos = 0, lineno = 0, cap = 0;
	int rc = SEUIL_OK;

	if (len > PN532_SCRIPT_FILE_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "apdu script larger than %d bytes",
			       PN532_SCRIPT_FILE_MAX);
	script = calloc(1, sizeof(*script));
	if (script == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");

	while (pos < len) {
		const char *line = text + pos, *nl;
		size_t line_len, start = 0;

		nl = memchr(line, '\n', len - pos);
		line_len = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += line_len + (nl != NULL ? 1 : 0);
		lineno++;
		if (line_len > PN532_SCRIPT_LINE_MAX) {
			rc = err_set(err, errlen, SEUIL_ERR_TOO_LARGE,
				     "apdu script line %zu longer than %d characters", lineno,
				     PN532_SCRIPT_LINE_MAX);
			goto out;
		}
		if (memchr(line, '\0', line_len) != NULL) {
			rc = err_set(err, errlen, SEUIL_ERR_INVALID, "apdu script line %zu: NUL byte",
				     lineno);
			goto out;
		}
		while (start < line_len && is_blank(line[start]))
			start++;
		if (start == line_len || line[start] == '#')
			continue;
		rc = parse_line(line, line_len, lineno, &entry, err, errlen);
		if (rc != SEUIL_OK)
			goto out;
		if (script->count == PN532_SCRIPT_ENTRIES_MAX) {
			rc = err_set(err, errlen, SEUIL_ERR_TOO_LARGE,
				     "apdu script has more than %d entries", PN532_SCRIPT_ENTRIES_MAX);
			goto out;
		}
		if (script->count == cap) {
			size_t ncap = cap == 0 ? 8 : cap * 2;
			struct script_entry *grown;

			if (ncap > PN532_SCRIPT_ENTRIES_MAX)
				ncap = PN532_SCRIPT_ENTRIES_MAX;
			grown = realloc(script->entries, ncap * sizeof(*grown));
			if (grown == NULL) {
				rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
				goto out;
			}
			script->entries = grown;
			cap = ncap;
		}
		script->entries[script->count++] = entry;
	}
out:
	if (rc != SEUIL_OK) {
		pn532_script_free(script);
		return rc;
	}
	*out = script;
	return SEUIL_OK;
}

int pn532_script_load(const char *path, struct pn532_script **out, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errlen, errno == ENOENT ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_IO,
			       "cannot open apdu script %s: %s", path, strerror(errno));
	/* one byte more than the limit, to tell "exactly the limit" from "too large" */
	text = malloc(PN532_SCRIPT_FILE_MAX + 1);
	if (text == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, text + len, PN532_SCRIPT_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(err, errlen, SEUIL_ERR_IO, "cannot read apdu script %s: %s", path,
				     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > PN532_SCRIPT_FILE_MAX) {
			rc = err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "apdu script %s larger than %d bytes",
				     path, PN532_SCRIPT_FILE_MAX);
			goto out;
		}
	}
	rc = pn532_script_parse(text, len, out, err, errlen);
out:
	free(text);
	close(fd);
	return rc;
}

void pn532_script_free(struct pn532_script *script)
{
	if (script == NULL)
		return;
	free(script->entries);
	free(script);
}

size_t pn532_script_count(const struct pn532_script *script)
{
	return script != NULL ? script->count : 0;
}

bool pn532_script_match(const struct pn532_script *script, const uint8_t *req, size_t req_len,
			uint8_t *resp, size_t cap, size_t *resp_len)
{
	size_t i;

	if (script == NULL)
		return false;
	for (i = 0; i < script->count; i++) {
		const struct script_entry *e = &script->entries[i];
		bool hit;

		switch (e->how) {
		case MATCH_ANY:
			hit = true;
			break;
		case MATCH_PREFIX:
			hit = req_len >= e->req_len && memcmp(req, e->req, e->req_len) == 0;
			break;
		default:
			hit = req_len == e->req_len && memcmp(req, e->req, e->req_len) == 0;
			break;
		}
		if (hit) {
			*resp_len = e->resp_len < cap ? e->resp_len : cap;
			memcpy(resp, e->resp, *resp_len);
			return true;
		}
	}
	return false;
}
