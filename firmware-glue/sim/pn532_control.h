/*
 * pn532_control.h - the emulator's control language: one command per
 * line, as sent to the control socket.
 *
 *   insert UIDHEX [atqa=HEX4] [sak=HEX2] [ats=HEX]   put a card in the field
 *   remove                                           take it out
 *   fault bad-checksum|garbage|mute|vanish|none      inject a fault
 *   reappear                                         re-create a vanished device
 *   quit                                             stop the emulator
 *
 * Every line is answered with one line: `ok` or `error <reason>`.
 *
 * insert: the UID has 4, 7 or 10 bytes (anything else is an error); ATQA
 * and SAK default by UID length (see pn532_card_init()).  ats= is the ATS
 * without its length byte TL and makes the card ISO14443-4: its SAK gets
 * bit 0x20 (SAK 20 when sak= is not given).  A SAK with bit 0x20 and no
 * ats= gets the ATS 75 77 81 02 80.  A new insert replaces the card in the
 * field; a pending poll sees the new card at once.
 *
 * vanish closes the pty and removes the link; neither `fault none` nor
 * `insert` brings it back: `reappear` makes a new pty behind the same link
 * path, with the chip back to its power-on state and the card kept.
 * Pure parsing: no I/O, no allocation; safe from any thread.
 */
#ifndef SEUIL_PN532_CONTROL_H
#define SEUIL_PN532_CONTROL_H

#include <stddef.h>

#include "pn532_emu.h"

/* Longest control line accepted, without its newline. */
#define PN532_CONTROL_LINE_MAX 512

enum pn532_control_verb {
	PN532_CONTROL_INSERT,
	PN532_CONTROL_REMOVE,
	PN532_CONTROL_FAULT,
	PN532_CONTROL_REAPPEAR,
	PN532_CONTROL_QUIT,
	PN532_CONTROL_STATE   /* answers "ok card=present|none poll=pending|idle device=open|vanished" */
};

enum pn532_fault {
	PN532_FAULT_NONE,         /* clears every fault */
	PN532_FAULT_BAD_CHECKSUM, /* one-shot: next response frame has a wrong data checksum */
	PN532_FAULT_GARBAGE,      /* one-shot: next response frame preceded by random bytes */
	PN532_FAULT_MUTE,         /* until `fault none`: read everything, answer nothing */
	PN532_FAULT_VANISH,       /* close the pty and remove the link, like an unplugged reader */
	PN532_FAULT_MUTE_POLL     /* until `fault none`: InAutoPoll gets no ACK (libnfc waits for it unbounded) */
};

struct pn532_control {
	enum pn532_control_verb verb;
	struct pn532_card card;  /* INSERT */
	enum pn532_fault fault;  /* FAULT */
};

/*
 * Parses one line (len characters, without the newline; a trailing CR is
 * ignored).  Returns SEUIL_OK and fills *cmd, or SEUIL_ERR_INVALID /
 * SEUIL_ERR_TOO_LARGE with the reason in err (cmd untouched).
 */
int pn532_control_parse(const char *line, size_t len, struct pn532_control *cmd, char *err, size_t errlen);

/* The name of a fault as written in `fault NAME`. */
const char *pn532_fault_name(enum pn532_fault fault);

#endif
