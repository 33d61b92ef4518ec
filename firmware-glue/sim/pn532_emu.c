/*
 * pn532_emu.c - what a PN532 v1.6 answers to each command, with one
 * emulated ISO14443A card (see pn532_emu.h).
 *
 * It covers what libnfc's pn53x.c and a reader loop use: Diagnose,
 * GetFirmwareVersion, Read/WriteRegister (a 64 KiB register map that reads
 * back what was written), SetParameters, SAMConfiguration, PowerDown,
 * RFConfiguration, InListPassiveTarget, InAutoPoll, InDataExchange,
 * InCommunicateThru, InDeselect and InRelease; anything else gets the
 * syntax-error frame, like the real chip.  It deliberately does not emulate
 * RF timing, anticollision between several cards, target mode, FeliCa,
 * type B or Jewel cards (polls for those simply find nothing), and it never
 * touches a file descriptor or the clock.
 */
#include "pn532_emu.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pn532_script.h"

#define EMU_REG_COUNT 65536
#define REG_CIU_TX_MODE 0x6302
#define REG_CIU_RX_MODE 0x6303
#define REG_CIU_TX_AUTO 0x6305
#define REG_CIU_CONTROL 0x633C
#define FRAMING_MASK 0x03      /* TxMode/RxMode: 0 = ISO14443A/MIFARE, 3 = ISO14443B */
#define SPEED_FRAMING_MASK 0x73

#define PARAM_AUTO_RATS 0x10   /* SetParameters fAutomaticRATS */
#define EMU_TRY_MS 10          /* one passive activation attempt of InListPassiveTarget */
#define AUTOPOLL_PERIOD_MS 150 /* InAutoPoll's period unit */
#define AUTOPOLL_TYPES_MAX 15

/* InListPassiveTarget BrTy and InAutoPoll target types. */
#define BRTY_106A 0x00
#define BRTY_JEWEL 0x04
#define PTT_GENERIC_106 0x00
#define PTT_MIFARE 0x10
#define PTT_ISO14443_4A 0x20

enum emu_pending { PENDING_NONE, PENDING_LIST, PENDING_AUTOPOLL };

struct pn532_emu {
	uint8_t regs[EMU_REG_COUNT];
	uint8_t params;          /* SetParameters flags */
	uint8_t mx_rty_passive;  /* RFConfiguration item 5, MxRtyPassiveActivation */
	bool rf_on;

	bool has_card;
	struct pn532_card card;
	bool selected;           /* the card is target 1 */
	bool iso_dep;            /* RATS done: exchanges carry APDUs */

	enum emu_pending pending;
	uint8_t pending_args[PN532_FRAME_PAYLOAD_MAX];
	size_t pending_len;

	pn532_exchange_fn hook;
	void *hook_ctx;
	struct pn532_script *script;
};

/* ---- cards ---- */

int pn532_card_init(struct pn532_card *card, const uint8_t *uid, size_t uid_len, char *err, size_t errlen)
{
	if (uid_len != 4 && uid_len != 7 && uid_len != 10)
		return err_set(err, errlen, SEUIL_ERR_INVALID,
			       "a UID has 4, 7 or 10 bytes, not %zu", uid_len);
	memset(card, 0, sizeof(*card));
	memcpy(card->uid, uid, uid_len);
	card->uid_len = uid_len;
	card->atqa[0] = 0x00;
	switch (uid_len) {
	case 4:
		card->atqa[1] = 0x04;
		card->sak = 0x08;
		break;
	case 7:
		card->atqa[1] = 0x44;
		card->sak = 0x00;
		break;
	default:
		card->atqa[1] = 0x84;
		card->sak = 0x00;
		break;
	}
	return SEUIL_OK;
}

bool pn532_card_is_iso14443_4(const struct pn532_card *card)
{
	return (card->sak & 0x20) != 0;
}

void pn532_card_default_ats(struct pn532_card *card)
{
	static const uint8_t ats[] = { 0x75, 0x77, 0x81, 0x02, 0x80 };

	memcpy(card->ats, ats, sizeof(ats));
	card->ats_len = sizeof(ats);
}

/* ---- replies ---- */

static void reply_silent(struct pn532_emu_reply *out)
{
	out->outcome = PN532_EMU_SILENT;
	out->wait_ms = 0;
	out->len = 0;
}

static void reply_syntax_error(struct pn532_emu_reply *out)
{
	out->outcome = PN532_EMU_REPLY;
	out->wait_ms = 0;
	out->payload[0] = PN532_SYNTAX_ERROR;
	out->len = 1;
}

static void reply_begin(struct pn532_emu_reply *out, uint8_t cmd)
{
	out->outcome = PN532_EMU_REPLY;
	out->wait_ms = 0;
	out->payload[0] = PN532_TFI_CHIP;
	out->payload[1] = (uint8_t)(cmd + 1);
	out->len = 2;
}

static void reply_put(struct pn532_emu_reply *out, uint8_t byte)
{
	if (out->len < sizeof(out->payload))
		out->payload[out->len++] = byte;
}

static void reply_append(struct pn532_emu_reply *out, const uint8_t *bytes, size_t n)
{
	size_t room = sizeof(out->payload) - out->len;

	if (n > room)
		n = room;
	memcpy(out->payload + out->len, bytes, n);
	out->len += n;
}

/* ---- life cycle ---- */

struct pn532_emu *pn532_emu_new(void)
{
	struct pn532_emu *emu = calloc(1, sizeof(*emu));

	if (emu != NULL)
		pn532_emu_reset(emu);
	return emu;
}

void pn532_emu_free(struct pn532_emu *emu)
{
	if (emu == NULL)
		return;
	pn532_script_free(emu->script);
	free(emu);
}

void pn532_emu_reset(struct pn532_emu *emu)
{
	memset(emu->regs, 0, sizeof(emu->regs));
	emu->regs[REG_CIU_TX_MODE] = 0x80; /* CRC on, 106 kbit/s, ISO14443A */
	emu->regs[REG_CIU_RX_MODE] = 0x80;
	emu->regs[REG_CIU_TX_AUTO] = 0x40; /* force 100% ASK */
	emu->regs[REG_CIU_CONTROL] = 0x10; /* initiator */
	emu->params = 0x14;                /* fAutomaticATR_RES | fAutomaticRATS */
	emu->mx_rty_passive = 0xFF;
	emu->rf_on = false;
	emu->selected = false;
	emu->iso_dep = false;
	emu->pending = PENDING_NONE;
	emu->pending_len = 0;
}

void pn532_emu_set_exchange_hook(struct pn532_emu *emu, pn532_exchange_fn fn, void *ctx)
{
	emu->hook = fn;
	emu->hook_ctx = ctx;
}

void pn532_emu_set_script(struct pn532_emu *emu, struct pn532_script *script)
{
	if (emu->script != script)
		pn532_script_free(emu->script);
	emu->script = script;
}

const struct pn532_card *pn532_emu_card(const struct pn532_emu *emu)
{
	return emu->has_card ? &emu->card : NULL;
}

uint8_t pn532_emu_register(const struct pn532_emu *emu, uint16_t address)
{
	return emu->regs[address];
}

bool pn532_emu_pending(const struct pn532_emu *emu)
{
	return emu->pending != PENDING_NONE;
}

/* ---- target selection ---- */

/* The UID as sent on air, with cascade tags: 88+3+4 for 7 bytes, 88+2+88+3+4... for 10. */
static size_t card_cascaded_uid(const struct pn532_card *card, uint8_t out[12])
{
	const uint8_t *u = card->uid;

	switch (card->uid_len) {
	case 7:
		out[0] = 0x88;
		memcpy(out + 1, u, 7);
		return 8;
	case 10:
		out[0] = 0x88;
		memcpy(out + 1, u, 3);
		out[4] = 0x88;
		memcpy(out + 5, u + 3, 7);
		return 12;
	default:
		memcpy(out, u, card->uid_len);
		return card->uid_len;
	}
}

/* InListPassiveTarget may name the UID to select, with or without cascade tags. */
static bool card_matches_initiator_data(const struct pn532_card *card, const uint8_t *data, size_t len)
{
	uint8_t cascaded[12];
	size_t clen;

	if (len == 0)
		return true;
	if (len == card->uid_len && memcmp(data, card->uid, len) == 0)
		return true;
	clen = card_cascaded_uid(card, cascaded);
	return len == clen && memcmp(data, cascaded, len) == 0;
}

/* Tg, SENS_RES, SEL_RES, NFCID length, NFCID1 [, ATS with its length byte]. */
static void reply_target_data(struct pn532_emu *emu, struct pn532_emu_reply *out, bool with_ats)
{
	const struct pn532_card *c = &emu->card;

	reply_put(out, 0x01);
	reply_append(out, c->atqa, 2);
	reply_put(out, c->sak);
	reply_put(out, (uint8_t)c->uid_len);
	reply_append(out, c->uid, c->uid_len);
	if (with_ats) {
		reply_put(out, (uint8_t)(c->ats_len + 1));
		reply_append(out, c->ats, c->ats_len);
	}
}

static void select_card(struct pn532_emu *emu, bool iso_dep)
{
	emu->selected = true;
	emu->iso_dep = iso_dep;
	emu->rf_on = true;
	/* The chip itself switches the CIU to 106 kbit/s ISO14443A framing. */
	emu->regs[REG_CIU_TX_MODE] &= (uint8_t)~SPEED_FRAMING_MASK;
	emu->regs[REG_CIU_RX_MODE] &= (uint8_t)~SPEED_FRAMING_MASK;
}

/* Tries to complete the pending poll with the card in the field. */
static bool try_pending(struct pn532_emu *emu, struct pn532_emu_reply *out)
{
	const uint8_t *a = emu->pending_args;
	size_t i;

	if (!emu->has_card)
		return false;
	if (emu->pending == PENDING_LIST) {
		bool rats;

		/* MaxTg BrTy [InitiatorData] */
		if (a[1] != BRTY_106A || !card_matches_initiator_data(&emu->card, a + 2, emu->pending_len - 2))
			return false;
		rats = pn532_card_is_iso14443_4(&emu->card) && (emu->params & PARAM_AUTO_RATS) != 0;
		reply_begin(out, PN532_CMD_IN_LIST_PASSIVE_TARGET);
		reply_put(out, 1);
		reply_target_data(emu, out, rats);
		select_card(emu, rats);
		emu->pending = PENDING_NONE;
		return true;
	}
	if (emu->pending == PENDING_AUTOPOLL) {
		/* PollNr Period Type1..TypeN: the first type the card answers to wins. */
		for (i = 2; i < emu->pending_len; i++) {
			uint8_t type = a[i];
			bool iso4 = pn532_card_is_iso14443_4(&emu->card);
			size_t mark;

			if (type != PTT_GENERIC_106 && type != PTT_MIFARE && !(type == PTT_ISO14443_4A && iso4))
				continue;
			if (type == PTT_GENERIC_106)
				type = iso4 ? PTT_ISO14443_4A : PTT_MIFARE;
			reply_begin(out, PN532_CMD_IN_AUTO_POLL);
			reply_put(out, 1);
			reply_put(out, type);
			mark = out->len;
			reply_put(out, 0); /* AutoPollTargetData length, set below */
			reply_target_data(emu, out, type == PTT_ISO14443_4A);
			out->payload[mark] = (uint8_t)(out->len - mark - 1);
			select_card(emu, type == PTT_ISO14443_4A);
			emu->pending = PENDING_NONE;
			return true;
		}
	}
	return false;
}

static void start_poll(struct pn532_emu *emu, enum emu_pending kind, const uint8_t *args, size_t n,
		       int wait_ms, struct pn532_emu_reply *out)
{
	emu->pending = kind;
	memcpy(emu->pending_args, args, n);
	emu->pending_len = n;
	emu->selected = false;
	emu->iso_dep = false;
	if (try_pending(emu, out))
		return;
	if (wait_ms == 0) {
		pn532_emu_timeout(emu, out);
		return;
	}
	out->outcome = PN532_EMU_WAIT;
	out->wait_ms = wait_ms;
	out->len = 0;
}

void pn532_emu_timeout(struct pn532_emu *emu, struct pn532_emu_reply *out)
{
	switch (emu->pending) {
	case PENDING_LIST:
		reply_begin(out, PN532_CMD_IN_LIST_PASSIVE_TARGET);
		reply_put(out, 0);
		break;
	case PENDING_AUTOPOLL:
		reply_begin(out, PN532_CMD_IN_AUTO_POLL);
		reply_put(out, 0);
		break;
	default:
		reply_silent(out);
		break;
	}
	emu->pending = PENDING_NONE;
}

void pn532_emu_cancel(struct pn532_emu *emu)
{
	emu->pending = PENDING_NONE;
}

void pn532_emu_insert(struct pn532_emu *emu, const struct pn532_card *card, struct pn532_emu_reply *out)
{
	emu->card = *card;
	emu->has_card = true;
	emu->selected = false;
	emu->iso_dep = false;
	if (emu->pending == PENDING_NONE) {
		reply_silent(out);
		return;
	}
	if (try_pending(emu, out))
		return;
	out->outcome = PN532_EMU_WAIT;
	out->wait_ms = -1; /* meaningless here: the caller keeps its deadline */
	out->len = 0;
}

void pn532_emu_remove(struct pn532_emu *emu)
{
	emu->has_card = false;
	emu->selected = false;
	emu->iso_dep = false;
}

/* ---- exchanges with the card ---- */

/* MIFARE Ultralight / NTAG memory as far as the UID goes: pages 0-2, the rest zero. */
static void ultralight_read(const struct pn532_card *c, uint8_t page, uint8_t out[16])
{
	uint8_t mem[64];
	size_t i;

	memset(mem, 0, sizeof(mem));
	mem[0] = c->uid[0];
	mem[1] = c->uid[1];
	mem[2] = c->uid[2];
	mem[3] = (uint8_t)(0x88 ^ c->uid[0] ^ c->uid[1] ^ c->uid[2]);
	memcpy(mem + 4, c->uid + 3, 4);
	mem[8] = (uint8_t)(c->uid[3] ^ c->uid[4] ^ c->uid[5] ^ c->uid[6]);
	mem[9] = 0x48;
	for (i = 0; i < 16; i++)
		out[i] = mem[(page * 4u + i) % sizeof(mem)];
}

/*
 * Answers req from the hook, the script, then the built-in behaviour.
 * Returns the PN532 status byte; the answer goes into resp.
 */
static uint8_t card_answer(struct pn532_emu *emu, bool iso_dep, const uint8_t *req, size_t n,
			   uint8_t *resp, size_t cap, size_t *resp_len)
{
	const struct pn532_card *c = &emu->card;
	int rc;

	*resp_len = 0;
	if (emu->hook != NULL) {
		rc = emu->hook(emu->hook_ctx, c, iso_dep, req, n, resp, cap, resp_len);
		if (rc > 0) {
			if (*resp_len > cap)
				*resp_len = cap;
			return PN532_STATUS_OK;
		}
		if (rc < 0) {
			*resp_len = 0;
			return PN532_STATUS_TIMEOUT;
		}
		*resp_len = 0;
	}
	if (pn532_script_match(emu->script, req, n, resp, cap, resp_len))
		return PN532_STATUS_OK;
	if (iso_dep) {
		/* 6A82: file or application not found */
		resp[0] = 0x6A;
		resp[1] = 0x82;
		*resp_len = 2;
		return PN532_STATUS_OK;
	}
	if (n == 2 && req[0] == 0x30 && c->uid_len == 7 && !pn532_card_is_iso14443_4(c) && cap >= 16) {
		ultralight_read(c, req[1], resp);
		*resp_len = 16;
		return PN532_STATUS_OK;
	}
	if (n >= 1 && (req[0] == 0x60 || req[0] == 0x61) && (c->sak & 0x08))
		return PN532_STATUS_MIFARE_AUTH; /* we know no keys */
	return PN532_STATUS_TIMEOUT;
}

static bool is_rats(const struct pn532_emu *emu, const uint8_t *req, size_t n)
{
	return n == 2 && req[0] == 0xE0 && pn532_card_is_iso14443_4(&emu->card);
}

static void answer_rats(struct pn532_emu *emu, struct pn532_emu_reply *out)
{
	emu->iso_dep = true;
	reply_put(out, PN532_STATUS_OK);
	reply_put(out, (uint8_t)(emu->card.ats_len + 1));
	reply_append(out, emu->card.ats, emu->card.ats_len);
}

/* Room left for a card's answer after the status byte. */
static size_t answer_room(const struct pn532_emu_reply *out)
{
	return sizeof(out->payload) - out->len - 1;
}

/* InDataExchange: the chip runs the ISO-DEP layer itself once RATS is done. */
static void data_exchange(struct pn532_emu *emu, const uint8_t *req, size_t n, struct pn532_emu_reply *out)
{
	uint8_t resp[PN532_FRAME_PAYLOAD_MAX];
	size_t resp_len;
	uint8_t status;

	if (!emu->iso_dep && is_rats(emu, req, n)) {
		answer_rats(emu, out);
		return;
	}
	status = card_answer(emu, emu->iso_dep, req, n, resp, answer_room(out), &resp_len);
	reply_put(out, status);
	reply_append(out, resp, resp_len);
}

/* InCommunicateThru: the bytes go to the card as they are; we play its ISO-DEP side. */
static void communicate_thru(struct pn532_emu *emu, const uint8_t *req, size_t n, struct pn532_emu_reply *out)
{
	uint8_t resp[PN532_FRAME_PAYLOAD_MAX];
	size_t resp_len, hdr;
	uint8_t pcb, status;

	if (n == 2 && req[0] == 0x50 && req[1] == 0x00) {
		/* HLTA: the card halts and, by definition, does not answer */
		emu->selected = false;
		emu->iso_dep = false;
		reply_put(out, PN532_STATUS_TIMEOUT);
		return;
	}
	if (is_rats(emu, req, n)) {
		answer_rats(emu, out);
		return;
	}
	if (!emu->iso_dep) {
		status = card_answer(emu, false, req, n, resp, answer_room(out), &resp_len);
		reply_put(out, status);
		reply_append(out, resp, resp_len);
		return;
	}
	pcb = req[0];
	if ((pcb & 0xF7) == 0xC2) {
		/* S(DESELECT): acknowledged with the same block */
		emu->selected = false;
		emu->iso_dep = false;
		reply_put(out, PN532_STATUS_OK);
		reply_put(out, pcb);
		return;
	}
	if ((pcb & 0xE2) != 0x02) {
		/* R- and other S-blocks: not emulated, the card keeps quiet */
		reply_put(out, PN532_STATUS_TIMEOUT);
		return;
	}
	/* I-block: PCB [CID] [NAD] INF */
	hdr = 1 + ((pcb & 0x08) ? 1 : 0) + ((pcb & 0x04) ? 1 : 0);
	if (n < hdr) {
		reply_put(out, PN532_STATUS_TIMEOUT);
		return;
	}
	status = card_answer(emu, true, req + hdr, n - hdr, resp, answer_room(out) - hdr, &resp_len);
	reply_put(out, status);
	if (status != PN532_STATUS_OK)
		return;
	reply_put(out, (uint8_t)(pcb & ~0x10)); /* same block number, no chaining */
	reply_append(out, req + 1, hdr - 1);
	reply_append(out, resp, resp_len);
}

/* ---- commands ---- */

static void cmd_diagnose(struct pn532_emu *emu, const uint8_t *a, size_t n, struct pn532_emu_reply *out)
{
	if (n < 1) {
		reply_syntax_error(out);
		return;
	}
	reply_begin(out, PN532_CMD_DIAGNOSE);
	switch (a[0]) {
	case 0x00: /* communication line test: NumTst and InParam echoed */
		reply_append(out, a, n);
		break;
	case 0x01: /* ROM test */
	case 0x02: /* RAM test */
	case 0x07: /* antenna test */
		reply_put(out, PN532_STATUS_OK);
		break;
	case 0x04: /* polling test: number of failures out of 128 */
		reply_put(out, emu->has_card ? 0 : 128);
		break;
	case 0x06: /* card presence detection */
		reply_put(out, emu->has_card && emu->selected ? PN532_STATUS_OK : PN532_STATUS_TIMEOUT);
		break;
	default:
		reply_syntax_error(out);
		break;
	}
}

static void cmd_read_register(struct pn532_emu *emu, const uint8_t *a, size_t n, struct pn532_emu_reply *out)
{
	size_t i;

	if (n == 0 || n % 2 != 0 || n / 2 > sizeof(out->payload) - 2) {
		reply_syntax_error(out);
		return;
	}
	reply_begin(out, PN532_CMD_READ_REGISTER);
	for (i = 0; i < n; i += 2)
		reply_put(out, emu->regs[(uint16_t)(a[i] << 8 | a[i + 1])]);
}

static void cmd_write_register(struct pn532_emu *emu, const uint8_t *a, size_t n, struct pn532_emu_reply *out)
{
	size_t i;

	if (n == 0 || n % 3 != 0) {
		reply_syntax_error(out);
		return;
	}
	for (i = 0; i < n; i += 3)
		emu->regs[(uint16_t)(a[i] << 8 | a[i + 1])] = a[i + 2];
	reply_begin(out, PN532_CMD_WRITE_REGISTER);
}

static void cmd_rf_configuration(struct pn532_emu *emu, const uint8_t *a, size_t n,
				 struct pn532_emu_reply *out)
{
	size_t want;

	if (n < 1) {
		reply_syntax_error(out);
		return;
	}
	switch (a[0]) {
	case 0x01: want = 1; break;  /* RF field */
	case 0x02: want = 3; break;  /* various timings */
	case 0x04: want = 1; break;  /* MaxRtyCOM */
	case 0x05: want = 3; break;  /* MaxRetries */
	case 0x0A: want = 11; break; /* analog settings 106 kbit/s type A */
	case 0x0B: want = 3; break;  /* analog settings 212/424 kbit/s */
	case 0x0C: want = 1; break;  /* analog settings type B */
	case 0x0D: want = 9; break;  /* analog settings 212/424/848 ISO/IEC14443-4 */
	default: want = 0; break;
	}
	if (want == 0 || n != want + 1) {
		reply_syntax_error(out);
		return;
	}
	if (a[0] == 0x01) {
		emu->rf_on = (a[1] & 0x01) != 0;
		if (!emu->rf_on) {
			/* no field, no powered card: it is back to idle */
			emu->selected = false;
			emu->iso_dep = false;
		}
	} else if (a[0] == 0x05) {
		emu->mx_rty_passive = a[3];
	}
	reply_begin(out, PN532_CMD_RF_CONFIGURATION);
}

static void cmd_in_list_passive_target(struct pn532_emu *emu, const uint8_t *a, size_t n,
				       struct pn532_emu_reply *out)
{
	int wait_ms;

	/* MaxTg (1 or 2), BrTy (0..4), optional InitiatorData */
	if (n < 2 || a[0] < 1 || a[0] > 2 || a[1] > BRTY_JEWEL) {
		reply_syntax_error(out);
		return;
	}
	wait_ms = emu->mx_rty_passive == 0xFF ? -1 : (emu->mx_rty_passive + 1) * EMU_TRY_MS;
	start_poll(emu, PENDING_LIST, a, n, wait_ms, out);
}

static void cmd_in_auto_poll(struct pn532_emu *emu, const uint8_t *a, size_t n, struct pn532_emu_reply *out)
{
	int wait_ms;

	/* PollNr, Period (x 150 ms), 1..15 target types */
	if (n < 3 || n - 2 > AUTOPOLL_TYPES_MAX) {
		reply_syntax_error(out);
		return;
	}
	wait_ms = a[0] == 0xFF ? -1 : a[0] * a[1] * AUTOPOLL_PERIOD_MS;
	start_poll(emu, PENDING_AUTOPOLL, a, n, wait_ms, out);
}

static void cmd_in_exchange(struct pn532_emu *emu, uint8_t cmd, const uint8_t *a, size_t n,
			    struct pn532_emu_reply *out)
{
	bool thru = cmd == PN532_CMD_IN_COMMUNICATE_THRU;
	const uint8_t *req = thru ? a : a + 1;
	size_t req_len = thru ? n : n - 1;

	if (!thru && n < 1) {
		reply_syntax_error(out);
		return;
	}
	reply_begin(out, cmd);
	if (thru && n == 0) {
		/* nothing transmitted (libnfc's barcode probe): nothing heard */
		reply_put(out, PN532_STATUS_TIMEOUT);
		return;
	}
	if (!thru && (a[0] & 0x3F) != 0x01) {
		reply_put(out, PN532_STATUS_NOT_ACCEPTABLE); /* no such target number */
		return;
	}
	if (!emu->has_card) {
		reply_put(out, PN532_STATUS_TIMEOUT); /* the card left the field */
		return;
	}
	if (!emu->selected) {
		/* InCommunicateThru reaches an idle card, which ignores it; InDataExchange needs a target */
		reply_put(out, thru ? PN532_STATUS_TIMEOUT : PN532_STATUS_NOT_ACCEPTABLE);
		return;
	}
	if (thru && (emu->regs[REG_CIU_TX_MODE] & FRAMING_MASK) != 0) {
		reply_put(out, PN532_STATUS_TIMEOUT); /* a type A card ignores type B framing */
		return;
	}
	if (thru)
		communicate_thru(emu, req, req_len, out);
	else
		data_exchange(emu, req, req_len, out);
}

static void cmd_in_release(struct pn532_emu *emu, uint8_t cmd, const uint8_t *a, size_t n,
			   struct pn532_emu_reply *out)
{
	if (n < 1) {
		reply_syntax_error(out);
		return;
	}
	reply_begin(out, cmd);
	if (a[0] != 0x00 && a[0] != 0x01) {
		reply_put(out, PN532_STATUS_NOT_ACCEPTABLE);
		return;
	}
	emu->selected = false;
	emu->iso_dep = false;
	reply_put(out, PN532_STATUS_OK);
}

void pn532_emu_command(struct pn532_emu *emu, const uint8_t *payload, size_t len,
		       struct pn532_emu_reply *out)
{
	const uint8_t *a;
	uint8_t cmd;
	size_t n;

	emu->pending = PENDING_NONE;
	if (len < 2 || payload[0] != PN532_TFI_HOST) {
		reply_syntax_error(out);
		return;
	}
	cmd = payload[1];
	a = payload + 2;
	n = len - 2;
	switch (cmd) {
	case PN532_CMD_DIAGNOSE:
		cmd_diagnose(emu, a, n, out);
		break;
	case PN532_CMD_GET_FIRMWARE_VERSION:
		/* IC 0x32 (PN532), version 1, revision 6, supports ISO14443A, B and 18092 */
		reply_begin(out, cmd);
		reply_put(out, 0x32);
		reply_put(out, 0x01);
		reply_put(out, 0x06);
		reply_put(out, 0x07);
		break;
	case PN532_CMD_READ_REGISTER:
		cmd_read_register(emu, a, n, out);
		break;
	case PN532_CMD_WRITE_REGISTER:
		cmd_write_register(emu, a, n, out);
		break;
	case PN532_CMD_SET_PARAMETERS:
		if (n != 1) {
			reply_syntax_error(out);
			break;
		}
		emu->params = a[0];
		reply_begin(out, cmd);
		break;
	case PN532_CMD_SAM_CONFIGURATION:
		/* Mode 1..4 [Timeout [IRQ]] */
		if (n < 1 || n > 3 || a[0] < 1 || a[0] > 4) {
			reply_syntax_error(out);
			break;
		}
		reply_begin(out, cmd);
		break;
	case PN532_CMD_POWER_DOWN:
		if (n < 1 || n > 2) {
			reply_syntax_error(out);
			break;
		}
		emu->selected = false;
		emu->iso_dep = false;
		emu->rf_on = false;
		reply_begin(out, cmd);
		reply_put(out, PN532_STATUS_OK);
		break;
	case PN532_CMD_RF_CONFIGURATION:
		cmd_rf_configuration(emu, a, n, out);
		break;
	case PN532_CMD_IN_LIST_PASSIVE_TARGET:
		cmd_in_list_passive_target(emu, a, n, out);
		break;
	case PN532_CMD_IN_AUTO_POLL:
		cmd_in_auto_poll(emu, a, n, out);
		break;
	case PN532_CMD_IN_DATA_EXCHANGE:
	case PN532_CMD_IN_COMMUNICATE_THRU:
		cmd_in_exchange(emu, cmd, a, n, out);
		break;
	case PN532_CMD_IN_DESELECT:
	case PN532_CMD_IN_RELEASE:
		cmd_in_release(emu, cmd, a, n, out);
		break;
	default:
		reply_syntax_error(out);
		break;
	}
}
