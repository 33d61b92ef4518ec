/*
 * pn532_control.c - parses control lines (see pn532_control.h).
 *
 * It only turns text into a struct: executing a command (touching the
 * emulator, the pty or the socket) is pn532_sim.c's job.
 */
#include "pn532_control.h"

#include <string.h>

#include "err.h"
#include "pn532_hex.h"
#include "sim_tokens.h"

#define TOKENS_MAX 6

static const char *const fault_names[] = {
	[PN532_FAULT_NONE] = "none",
	[PN532_FAULT_BAD_CHECKSUM] = "bad-checksum",
	[PN532_FAULT_GARBAGE] = "garbage",
	[PN532_FAULT_MUTE] = "mute",
	[PN532_FAULT_VANISH] = "vanish",
	[PN532_FAULT_MUTE_POLL] = "mute-poll",
};

const char *pn532_fault_name(enum pn532_fault fault)
{
	if ((size_t)fault < sizeof(fault_names) / sizeof(fault_names[0]))
		return fault_names[fault];
	return "?";
}

/* Decodes exactly `want` bytes (or 1..cap when want is 0) of an option's hex value. */
static int option_hex(const struct sim_token *t, size_t name_len, uint8_t *out, size_t cap, size_t want,
		      size_t *got, char *err, size_t errlen)
{
	const char *v = t->s + name_len + 1;
	size_t vlen = t->len - name_len - 1;
	int rc;

	rc = pn532_hex_decode(v, vlen, out, cap, got);
	if (rc == SEUIL_OK && (*got == 0 || (want != 0 && *got != want)))
		rc = SEUIL_ERR_INVALID;
	if (rc == SEUIL_ERR_TOO_LARGE)
		return err_set(err, errlen, rc, "%.*s= is longer than %zu bytes", (int)name_len, t->s, cap);
	if (rc != SEUIL_OK) {
		if (want != 0)
			return err_set(err, errlen, rc, "%.*s= needs %zu hex bytes", (int)name_len, t->s,
				       want);
		return err_set(err, errlen, rc, "%.*s= needs hex bytes", (int)name_len, t->s);
	}
	return SEUIL_OK;
}

static int parse_insert(const struct sim_token *tok, size_t n, struct pn532_card *card, char *err, size_t errlen)
{
	uint8_t uid[PN532_UID_MAX + 1], buf[PN532_ATS_MAX];
	size_t uid_len, got, i;
	bool have_sak = false, have_ats = false;
	int rc;

	if (n < 2)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "usage: insert UIDHEX [atqa=HEX] [sak=HEX] [ats=HEX]");
	rc = pn532_hex_decode(tok[1].s, tok[1].len, uid, sizeof(uid), &uid_len);
	if (rc == SEUIL_ERR_TOO_LARGE)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "a UID has 4, 7 or 10 bytes");
	if (rc != SEUIL_OK)
		return err_set(err, errlen, rc, "the UID must be hex digits");
	rc = pn532_card_init(card, uid, uid_len, err, errlen);
	if (rc != SEUIL_OK)
		return rc;
	for (i = 2; i < n; i++) {
		const struct sim_token *t = &tok[i];

		if (t->len > 5 && memcmp(t->s, "atqa=", 5) == 0) {
			rc = option_hex(t, 4, buf, 2, 2, &got, err, errlen);
			if (rc != SEUIL_OK)
				return rc;
			memcpy(card->atqa, buf, 2);
		} else if (t->len > 4 && memcmp(t->s, "sak=", 4) == 0) {
			rc = option_hex(t, 3, buf, 1, 1, &got, err, errlen);
			if (rc != SEUIL_OK)
				return rc;
			card->sak = buf[0];
			have_sak = true;
		} else if (t->len > 4 && memcmp(t->s, "ats=", 4) == 0) {
			rc = option_hex(t, 3, buf, sizeof(buf), 0, &got, err, errlen);
			if (rc != SEUIL_OK)
				return rc;
			memcpy(card->ats, buf, got);
			card->ats_len = got;
			have_ats = true;
		} else {
			return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown insert option '%.*s'",
				       (int)(t->len > 40 ? 40 : t->len), t->s);
		}
	}
	/* A card with an ATS is ISO14443-4, and says so in its SAK. */
	if (have_ats && !have_sak)
		card->sak = 0x20;
	if (have_ats)
		card->sak |= 0x20;
	if (pn532_card_is_iso14443_4(card) && card->ats_len == 0)
		pn532_card_default_ats(card);
	return SEUIL_OK;
}

int pn532_control_parse(const char *line, size_t len, struct pn532_control *cmd, char *err, size_t errlen)
{
	struct sim_token tok[TOKENS_MAX];
	struct pn532_control parsed;
	size_t n, i;
	int rc;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > PN532_CONTROL_LINE_MAX)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "line longer than %d characters",
			       PN532_CONTROL_LINE_MAX);
	if (memchr(line, '\0', len) != NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "NUL byte in line");
	n = sim_tokenize(line, len, tok, TOKENS_MAX);
	if (n == 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "empty command");
	if (n > TOKENS_MAX)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "too many words");
	memset(&parsed, 0, sizeof(parsed));

	if (sim_token_is(&tok[0], "insert")) {
		parsed.verb = PN532_CONTROL_INSERT;
		rc = parse_insert(tok, n, &parsed.card, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
	} else if (sim_token_is(&tok[0], "fault")) {
		parsed.verb = PN532_CONTROL_FAULT;
		if (n != 2)
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "usage: fault bad-checksum|garbage|mute|mute-poll|vanish|none");
		for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
			if (sim_token_is(&tok[1], fault_names[i]))
				break;
		if (i == sizeof(fault_names) / sizeof(fault_names[0]))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown fault '%.*s'",
				       (int)(tok[1].len > 40 ? 40 : tok[1].len), tok[1].s);
		parsed.fault = (enum pn532_fault)i;
	} else if (sim_token_is(&tok[0], "remove") || sim_token_is(&tok[0], "reappear") ||
		   sim_token_is(&tok[0], "quit") || sim_token_is(&tok[0], "state")) {
		if (n != 1)
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%.*s takes no argument",
				       (int)tok[0].len, tok[0].s);
		parsed.verb = sim_token_is(&tok[0], "remove")     ? PN532_CONTROL_REMOVE
			      : sim_token_is(&tok[0], "reappear") ? PN532_CONTROL_REAPPEAR
			      : sim_token_is(&tok[0], "state")    ? PN532_CONTROL_STATE
								  : PN532_CONTROL_QUIT;
	} else {
		return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown command '%.*s'",
			       (int)(tok[0].len > 40 ? 40 : tok[0].len), tok[0].s);
	}
	*cmd = parsed;
	return SEUIL_OK;
}
