/*
 * fuzz_reader_target.c - libFuzzer target for reader_track_poll(): what
 * libnfc might hand back after a corrupted exchange, fed as a sequence of
 * polls.
 *
 * Input: a series of 16-byte steps, each
 *   [0]     poll return code (int8: > 0 target, 0 none, < 0 error)
 *   [1]     modulation type (nfc_modulation_type, any value)
 *   [2]     szUidLen (0..255)
 *   [3]     SAK
 *   [4..5]  ATQA
 *   [6..15] abtUid
 * followed by a time step (ms since the previous poll) taken from the
 * next step's byte 0 high bits; a step of fewer than 16 bytes reuses the
 * previous one's bytes.  Invariants, checked with abort(): a tap carries 4,
 * 7 or 10 bytes copied from abtUid; it only comes from a positive return
 * code and an ISO14443A target; the same UID is not tapped twice without a
 * poll that found no card or a pause longer than forget_ms in between.
 * The bytes of the target after abtUid are poisoned, so that a read past
 * it (szUidLen up to 255) is a crash.  Never prints.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "reader_track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEP 16
#define STEPS_MAX 512
#define FORGET_MS 2000

struct model {
	bool tapped;            /* a tap happened and no card-less poll since */
	unsigned char uid[10];
	size_t uid_len;
	int64_t last_seen_ms;   /* when that UID was last returned, valid or held */
};

static void poison_after_uid(nfc_target *t, bool on)
{
	char *from = (char *)&t->nti.nai.abtUid[sizeof(t->nti.nai.abtUid)];
	char *to = (char *)&t->nm;

	if (on)
		ASAN_POISON_MEMORY_REGION(from, (size_t)(to - from));
	else
		ASAN_UNPOISON_MEMORY_REGION(from, (size_t)(to - from));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nfc_target target; /* static: poisoning needs a stable, aligned home */
	uint8_t step[STEP];
	struct reader_track t;
	struct reader_event ev;
	struct model m;
	int64_t now = 0;
	size_t i, n;

	memset(step, 0, sizeof(step));
	memset(&m, 0, sizeof(m));
	reader_track_init(&t, FORGET_MS);
	for (i = 0; i < STEPS_MAX && i * STEP < size; i++) {
		enum reader_track_result res;
		int rc;
		bool valid;

		n = size - i * STEP < STEP ? size - i * STEP : STEP;
		memcpy(step, data + i * STEP, n);
		rc = (int8_t)step[0];
		now += (int64_t)(step[0] >> 4) * 150; /* 0 .. 2250 ms later */

		poison_after_uid(&target, false);
		memset(&target, 0, sizeof(target));
		target.nm.nmt = (nfc_modulation_type)step[1];
		target.nm.nbr = NBR_106;
		target.nti.nai.szUidLen = step[2];
		target.nti.nai.btSak = step[3];
		target.nti.nai.abtAtqa[0] = step[4];
		target.nti.nai.abtAtqa[1] = step[5];
		memcpy(target.nti.nai.abtUid, step + 6, sizeof(target.nti.nai.abtUid));
		poison_after_uid(&target, true);

		valid = reader_track_uid_valid(&target);
		memset(&ev, 0xA5, sizeof(ev));
		res = reader_track_poll(&t, rc, (step[1] & 0x80) ? NULL : &target, now, &ev);

		switch (res) {
		case READER_TRACK_TAP:
			if (rc <= 0 || !valid || (step[1] & 0x80) || target.nm.nmt != NMT_ISO14443A)
				abort();
			if (ev.kind != READER_TAP || (ev.uid_len != 4 && ev.uid_len != 7 && ev.uid_len != 10) ||
			    ev.uid_len != target.nti.nai.szUidLen ||
			    memcmp(ev.uid, target.nti.nai.abtUid, ev.uid_len) != 0 || ev.at_ms != now)
				abort();
			/* no repeat while held */
			if (m.tapped && m.uid_len == ev.uid_len && memcmp(m.uid, ev.uid, ev.uid_len) == 0 &&
			    now - m.last_seen_ms <= FORGET_MS)
				abort();
			m.tapped = true;
			m.uid_len = ev.uid_len;
			memcpy(m.uid, ev.uid, ev.uid_len);
			m.last_seen_ms = now;
			break;
		case READER_TRACK_HELD:
			if (rc <= 0 || !valid || !m.tapped || m.uid_len != target.nti.nai.szUidLen ||
			    memcmp(m.uid, target.nti.nai.abtUid, m.uid_len) != 0)
				abort();
			m.last_seen_ms = now;
			break;
		case READER_TRACK_IDLE:
			if (rc != 0 && rc != NFC_ETIMEOUT)
				abort();
			m.tapped = false;
			break;
		case READER_TRACK_IGNORED:
		case READER_TRACK_FAILED:
			if (rc > 0 && valid && !(step[1] & 0x80))
				abort();
			break;
		default:
			abort();
		}
		if (res != READER_TRACK_TAP) {
			const unsigned char *b = (const unsigned char *)&ev;

			for (n = 0; n < sizeof(ev); n++)
				if (b[n] != 0xA5)
					abort(); /* *out untouched */
		}
	}
	poison_after_uid(&target, false);
	return 0;
}
