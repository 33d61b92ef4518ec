/*
 * reader_track.c - turns poll results into taps: validates what libnfc
 * returned and de-duplicates a card held on the reader.
 *
 * Pure functions over struct reader_track (see reader_track.h); the thread,
 * the device and the clock are reader.c's business.
 */
#include <string.h>

#include "reader_track.h"

#define CASCADE_TAG 0x88
#define SAK_UID_NOT_COMPLETE 0x04

void reader_track_init(struct reader_track *t, int64_t forget_ms)
{
	memset(t, 0, sizeof(*t));
	t->forget_ms = forget_ms < 1 ? 1 : forget_ms;
}

bool reader_track_uid_valid(const nfc_target *target)
{
	const nfc_iso14443a_info *nai;
	size_t len, i, last_level;
	bool all_zero = true, all_ff = true;

	if (target == NULL || target->nm.nmt != NMT_ISO14443A)
		return false;
	nai = &target->nti.nai;
	len = nai->szUidLen;
	/* checked before any byte of abtUid is read */
	if (len != 4 && len != 7 && len != 10)
		return false;
	if (len > sizeof(nai->abtUid))
		return false;
	/* single size: uid0; double: uid3; triple: uid6 open the last cascade level */
	last_level = len == 4 ? 0 : len == 7 ? 3 : 6;
	if (nai->abtUid[last_level] == CASCADE_TAG)
		return false;
	for (i = 0; i < len; i++) {
		all_zero = all_zero && nai->abtUid[i] == 0x00;
		all_ff = all_ff && nai->abtUid[i] == 0xFF;
	}
	if (all_zero || all_ff)
		return false;
	return (nai->btSak & SAK_UID_NOT_COMPLETE) == 0;
}

static bool same_uid(const struct reader_track *t, const nfc_iso14443a_info *nai)
{
	return t->uid_len == nai->szUidLen && memcmp(t->uid, nai->abtUid, t->uid_len) == 0;
}

enum reader_track_result reader_track_poll(struct reader_track *t, int poll_rc, const nfc_target *target,
					   int64_t now_ms, struct reader_event *out)
{
	const nfc_iso14443a_info *nai;

	if (poll_rc == 0 || poll_rc == NFC_ETIMEOUT) {
		t->held = false;
		return READER_TRACK_IDLE;
	}
	if (poll_rc == NFC_ERFTRANS || poll_rc == NFC_ETGRELEASED || poll_rc == NFC_EMFCAUTHFAIL)
		return READER_TRACK_IGNORED;
	if (poll_rc < 0)
		return READER_TRACK_FAILED;
	if (!reader_track_uid_valid(target))
		return READER_TRACK_IGNORED;

	nai = &target->nti.nai;
	if (t->held && same_uid(t, nai) && now_ms - t->last_seen_ms <= t->forget_ms) {
		t->last_seen_ms = now_ms;
		return READER_TRACK_HELD;
	}
	t->held = true;
	t->uid_len = nai->szUidLen;
	memcpy(t->uid, nai->abtUid, t->uid_len);
	t->last_seen_ms = now_ms;

	memset(out, 0, sizeof(*out));
	out->kind = READER_TAP;
	memcpy(out->uid, t->uid, t->uid_len);
	out->uid_len = t->uid_len;
	out->at_ms = now_ms;
	return READER_TRACK_TAP;
}
