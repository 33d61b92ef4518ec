/*
 * sim_tokens.h - the word splitter of the simulators' control languages
 * (the PN532 emulator's, pn532_control.c; the simulated door's,
 * door_sim.c): a line cut at blanks (spaces and tabs) into words.
 *
 * Tokens point into the caller's line: no copy, no allocation, nothing to
 * free; they are valid as long as the line is.  Pure; safe from any thread.
 */
#ifndef SEUIL_SIM_TOKENS_H
#define SEUIL_SIM_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

struct sim_token {
	const char *s; /* into the line given to sim_tokenize(); not NUL-terminated */
	size_t len;
};

/* True when the token is exactly word (a NUL-terminated string). */
bool sim_token_is(const struct sim_token *t, const char *word);

/*
 * Splits line (len bytes) at blanks into tok (room for max tokens).
 * Returns the number of words, or max + 1 when there are more than max
 * (tok then holds the first max).
 */
size_t sim_tokenize(const char *line, size_t len, struct sim_token *tok, size_t max);

#endif
