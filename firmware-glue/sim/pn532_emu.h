/*
 * pn532_emu.h - the PN532 chip as a state machine: one command payload in,
 * one response payload out (or "wait"), with at most one emulated
 * ISO14443A card in its field.
 *
 * No I/O, no clock, no randomness: the caller (pn532_sim.c, or a unit test)
 * feeds it frames' payloads and card events, and turns "wait N ms" into a
 * timer.  The same inputs always give the same outputs.
 *
 * Ownership: pn532_emu_new() returns an emulator the caller frees with
 * pn532_emu_free().  Cards are copied in.  A script given to
 * pn532_emu_set_script() is owned by the emulator from then on.  The
 * exchange hook's ctx stays the caller's.  Not thread-safe: use one
 * emulator from one thread.
 */
#ifndef SEUIL_PN532_EMU_H
#define SEUIL_PN532_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pn532_frame.h"

struct pn532_script;

#define PN532_UID_MAX 10
#define PN532_ATS_MAX 48 /* ATS bytes after TL */

/* PN532 command codes (User Manual, table 7.1). */
enum pn532_cmd {
	PN532_CMD_DIAGNOSE = 0x00,
	PN532_CMD_GET_FIRMWARE_VERSION = 0x02,
	PN532_CMD_READ_REGISTER = 0x06,
	PN532_CMD_WRITE_REGISTER = 0x08,
	PN532_CMD_SET_PARAMETERS = 0x12,
	PN532_CMD_SAM_CONFIGURATION = 0x14,
	PN532_CMD_POWER_DOWN = 0x16,
	PN532_CMD_RF_CONFIGURATION = 0x32,
	PN532_CMD_IN_DATA_EXCHANGE = 0x40,
	PN532_CMD_IN_COMMUNICATE_THRU = 0x42,
	PN532_CMD_IN_DESELECT = 0x44,
	PN532_CMD_IN_LIST_PASSIVE_TARGET = 0x4A,
	PN532_CMD_IN_RELEASE = 0x52,
	PN532_CMD_IN_AUTO_POLL = 0x60
};

/* Status byte values the emulator answers with (User Manual, table 7.2). */
#define PN532_STATUS_OK 0x00
#define PN532_STATUS_TIMEOUT 0x01
#define PN532_STATUS_MIFARE_AUTH 0x14
#define PN532_STATUS_NOT_ACCEPTABLE 0x27

/* An ISO14443A card as the PN532 reports it. */
struct pn532_card {
	uint8_t uid[PN532_UID_MAX]; /* NFCID1 without cascade tags */
	size_t uid_len;             /* 4, 7 or 10 */
	uint8_t atqa[2];            /* SENS_RES in the order the PN532 prints it: 00 44 */
	uint8_t sak;                /* SEL_RES */
	uint8_t ats[PN532_ATS_MAX]; /* ATS after its length byte TL; ats_len 0 = none */
	size_t ats_len;
};

/*
 * Fills *card for a UID of 4, 7 or 10 bytes with the default ATQA/SAK for
 * that length (4: 0004/08 MIFARE Classic 1K, 7: 0044/00 Ultralight/NTAG,
 * 10: 0084/00) and no ATS.  Returns SEUIL_OK, or SEUIL_ERR_INVALID with a
 * message in err for another length (card untouched).
 */
int pn532_card_init(struct pn532_card *card, const uint8_t *uid, size_t uid_len, char *err, size_t errlen);

/* True for an ISO14443-4 card: SAK bit 0x20. */
bool pn532_card_is_iso14443_4(const struct pn532_card *card);

/* The ATS a card with SAK bit 0x20 gets when none was given (DESFire-like 75 77 81 02 80). */
void pn532_card_default_ats(struct pn532_card *card);

/*
 * Exchange hook, for tests that plug card logic in (DESFire, NTAG...).
 * Called for each InDataExchange / InCommunicateThru sent to the selected
 * card, before the APDU script and the built-in answers.  iso_dep is true
 * when req is an APDU (the ISO-DEP block layer already handled), false for
 * a raw card command (MIFARE/Type 2).  Returns 1 with the answer in resp
 * (at most cap bytes, *resp_len set), 0 to decline, -1 to make the card
 * stay silent (the PN532 then reports a timeout).
 */
typedef int (*pn532_exchange_fn)(void *ctx, const struct pn532_card *card, bool iso_dep,
				 const uint8_t *req, size_t req_len, uint8_t *resp, size_t cap,
				 size_t *resp_len);

enum pn532_emu_outcome {
	PN532_EMU_REPLY,  /* send payload now */
	PN532_EMU_WAIT,   /* a poll is pending: wait for a card or wait_ms */
	PN532_EMU_SILENT  /* nothing to send */
};

struct pn532_emu_reply {
	enum pn532_emu_outcome outcome;
	/* WAIT: after this many ms call pn532_emu_timeout(); -1 = no limit (PollNr 0xFF, MxRty 0xFF) */
	int wait_ms;
	size_t len; /* REPLY: payload bytes: D5, command+1, data; or the single byte 7F */
	uint8_t payload[PN532_FRAME_PAYLOAD_MAX];
};

struct pn532_emu;

/* Returns a powered-up PN532 (no card, no script, no hook), or NULL when out of memory. */
struct pn532_emu *pn532_emu_new(void);
/* Frees emu and its script; NULL is a no-op. */
void pn532_emu_free(struct pn532_emu *emu);

/* Back to power-on state (registers, parameters, nothing pending); keeps the card, script and hook. */
void pn532_emu_reset(struct pn532_emu *emu);

/* Installs (or, with NULL, removes) the exchange hook. */
void pn532_emu_set_exchange_hook(struct pn532_emu *emu, pn532_exchange_fn fn, void *ctx);
/* Installs an APDU script, taking ownership of it (and freeing any previous one). */
void pn532_emu_set_script(struct pn532_emu *emu, struct pn532_script *script);

/*
 * Runs one command.  payload is a host frame's payload: D4, command code,
 * parameters.  A command the emulator does not implement, or malformed
 * parameters, get the syntax-error payload 7F.  A new command replaces a
 * pending poll.  Fills *out.
 */
void pn532_emu_command(struct pn532_emu *emu, const uint8_t *payload, size_t len,
		       struct pn532_emu_reply *out);

/*
 * Puts card in the field (replacing any card there).  If a pending poll
 * can now see it, *out is its REPLY; otherwise out->outcome is WAIT (still
 * pending; wait_ms is then meaningless, the poll keeps its deadline) or
 * SILENT (nothing pending).
 */
void pn532_emu_insert(struct pn532_emu *emu, const struct pn532_card *card, struct pn532_emu_reply *out);
/* Takes the card out of the field. */
void pn532_emu_remove(struct pn532_emu *emu);

/* The pending poll's time ran out: *out is its "no target" REPLY (SILENT when nothing was pending). */
void pn532_emu_timeout(struct pn532_emu *emu, struct pn532_emu_reply *out);
/* The host aborted the pending command (it sent an ACK); nothing will be answered. */
void pn532_emu_cancel(struct pn532_emu *emu);
/* True while a poll waits for a card. */
bool pn532_emu_pending(const struct pn532_emu *emu);

/* The card in the field, or NULL; valid until the next insert/remove. */
const struct pn532_card *pn532_emu_card(const struct pn532_emu *emu);

/* A register's current value (for tests and the debug log). */
uint8_t pn532_emu_register(const struct pn532_emu *emu, uint16_t address);

#endif
