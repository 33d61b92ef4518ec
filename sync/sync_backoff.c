/*
 * sync_backoff.c - how long seuil-sync waits after a failed sync: the
 * office's Retry-After when it gave one, else exponential backoff with full
 * jitter.  Pure arithmetic; the daemon draws the random number and keeps
 * the count of failures.
 */
#include "sync.h"

#define BACKOFF_BASE_MS 1000
#define BACKOFF_MIN_MS 1000

int64_t sync_backoff_ms(unsigned failures, unsigned max_s, long retry_after_s, uint32_t random)
{
	int64_t max_ms = (int64_t)(max_s > 0 ? max_s : 1) * 1000, cap, delay;

	if (retry_after_s > 0) {
		delay = (int64_t)retry_after_s * 1000;
		return delay < max_ms ? delay : max_ms;
	}
	/* 1 s, 2 s, 4 s ... up to max_s: the window the random delay falls in */
	cap = BACKOFF_BASE_MS;
	for (unsigned i = 1; i < failures && cap < max_ms; i++)
		cap *= 2;
	if (cap > max_ms)
		cap = max_ms;
	delay = (int64_t)(random % (uint64_t)(cap + 1));
	return delay < BACKOFF_MIN_MS ? BACKOFF_MIN_MS : delay;
}
