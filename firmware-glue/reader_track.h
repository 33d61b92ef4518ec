/*
 * reader_track.h - what one poll of the NFC reader means: a new tap, the
 * same card still held, no card, a reading to ignore, or a failed reader.
 *
 * Pure: no I/O, no clock, no allocation, no libnfc call (only its types).
 * The reader thread (reader.c) feeds it every poll result with the time;
 * unit tests and the fuzzer feed it made-up ones.  The caller owns the
 * struct reader_track; use one per reader, from one thread.
 *
 * A tap is reported once: while polls keep returning the same UID the card
 * is "held" and nothing is reported; a poll that finds no card ends the
 * hold (the next sighting is a new tap), and a different UID is a new tap
 * at once.  A reader error does not end the hold, so a card left on a
 * reader that hiccups is not reported twice; but a held card not seen for
 * longer than forget_ms (an outage) is reported again when it reappears.
 * A target that is not a plausible ISO/IEC 14443-A card (see
 * reader_track_uid_valid()) is ignored and changes nothing.
 */
#ifndef SEUIL_READER_TRACK_H
#define SEUIL_READER_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfc/nfc.h>

#include "reader.h"

#define READER_TRACK_UID_MAX 10

/* What a poll result means, and so what the reader thread does next. */
enum reader_track_result {
	READER_TRACK_FAILED = -1, /* the reader failed: close it and reopen with backoff */
	READER_TRACK_IDLE = 0,    /* no card: poll again at once */
	READER_TRACK_TAP = 1,     /* a new tap, written to *out: report it */
	READER_TRACK_HELD = 2,    /* the held card is still there: check again later */
	READER_TRACK_IGNORED = 3  /* an RF glitch or an implausible target: nothing changes */
};

struct reader_track {
	bool held;                                 /* a reported card may still be on the reader */
	unsigned char uid[READER_TRACK_UID_MAX];   /* its UID (uid_len bytes) */
	size_t uid_len;
	int64_t last_seen_ms;                      /* when a poll last returned it */
	int64_t forget_ms;                         /* a hold unseen for longer ends */
};

/* Starts with no card held; forget_ms below 1 is taken as 1. */
void reader_track_init(struct reader_track *t, int64_t forget_ms);

/*
 * True when target is an ISO/IEC 14443-A card whose UID the reader can
 * trust: 4, 7 or 10 bytes, the first byte of its last cascade level is not
 * the cascade tag 0x88, not all 0x00 or all 0xFF, and a final SAK without
 * the "UID not complete" bit 0x04.  Reads at most szUidLen bytes of abtUid
 * and never past it.  NULL is not valid.
 */
bool reader_track_uid_valid(const nfc_target *target);

/*
 * Interprets one nfc_initiator_poll_target() result: poll_rc (> 0: target
 * is filled; 0: no card; < 0: a libnfc error code) seen at now_ms.
 * NFC_ETIMEOUT counts as no card; NFC_ERFTRANS, NFC_ETGRELEASED and
 * NFC_EMFCAUTHFAIL (the card, not the reader, misbehaved) are IGNORED;
 * every other error is FAILED.  On READER_TRACK_TAP, *out holds kind
 * READER_TAP, the UID and at_ms = now_ms (its detail is left empty);
 * otherwise *out is untouched.  target may be NULL when poll_rc <= 0.
 */
enum reader_track_result reader_track_poll(struct reader_track *t, int poll_rc, const nfc_target *target,
					   int64_t now_ms, struct reader_event *out);

#endif
