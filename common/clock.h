/*
 * clock.h - the clocks every Seuil process reads, in milliseconds.
 *
 * Monotonic time measures intervals and deadlines (it never jumps); wall
 * time (UTC since 1970) stamps what a person or the journal will read.
 * State machines never call these: their callers pass the time in.
 *
 * Plain reads of the kernel clocks: no state, no allocation, no lock; safe
 * from any thread and from a signal handler.
 */
#ifndef SEUIL_CLOCK_H
#define SEUIL_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds (since an unspecified start, typically boot). */
int64_t clock_mono_ms(void);

/* CLOCK_REALTIME in milliseconds since 1970-01-01T00:00:00Z. */
int64_t clock_wall_ms(void);

#endif
