/*
 * sim_tokens.c - cuts a control line into words (see sim_tokens.h).
 *
 * It knows no command: what the words mean is the control languages'
 * business (pn532_control.c, door_sim.c).
 */
#include "sim_tokens.h"

#include <string.h>

bool sim_token_is(const struct sim_token *t, const char *word)
{
	return t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

size_t sim_tokenize(const char *line, size_t len, struct sim_token *tok, size_t max)
{
	size_t n = 0, i = 0, start;

	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (n == max)
			return max + 1;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		tok[n].s = line + start;
		tok[n].len = i - start;
		n++;
	}
	return n;
}
