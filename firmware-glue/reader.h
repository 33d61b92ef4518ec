/*
 * reader.h - the NFC reader thread: opens a libnfc connstring, polls for
 * ISO/IEC 14443-A cards, and reports each tap once to the main loop through
 * a pipe.  A card held on the reader is reported once; it is reported again
 * only after it has been lifted.  Every libnfc call has a finite timeout,
 * the thread never spins, and when the reader disappears it is reopened
 * with backoff, without ever blocking the caller.
 *
 * The main loop polls reader_fd() and calls reader_next(); only the reader
 * thread touches libnfc.
 */
#ifndef SEUIL_READER_H
#define SEUIL_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reader;

struct reader_config {
	const char *connstring;   /* e.g. "pn532_uart:/dev/ttyS0"; NULL: libnfc's default device */
	unsigned poll_period_ms;  /* longest wait of one poll with no card (default 150) */
	unsigned present_check_ms;/* pace of checks while a card stays (default 100) */
	unsigned backoff_max_ms;  /* longest wait between reopen attempts (default 2000) */
};

enum reader_event_kind {
	READER_TAP,          /* a card arrived: uid / uid_len */
	READER_CONNECTED,    /* the reader was opened (again) */
	READER_DISCONNECTED, /* the reader failed; reopening with backoff */
};

struct reader_event {
	enum reader_event_kind kind;
	unsigned char uid[10];
	size_t uid_len;
	int64_t at_ms;       /* CLOCK_MONOTONIC ms when seen */
	char detail[96];     /* device name or the error, for the log */
};

/* Fills cfg with the defaults above and a NULL connstring. */
void reader_config_defaults(struct reader_config *cfg);
/*
 * Starts the thread (the connstring is copied).  It returns at once; the
 * reader is opened in the thread.  *out is owned by the caller.
 */
int reader_start(const struct reader_config *cfg, struct reader **out, char *err, size_t errlen);
/* Stops the thread (within one poll period), closes the device, frees. */
void reader_stop(struct reader *r);
/* The fd that becomes readable when events are waiting. */
int reader_fd(const struct reader *r);
/* Takes the next event; returns 1, or 0 when none is waiting. Main thread only. */
int reader_next(struct reader *r, struct reader_event *ev);
/*
 * CLOCK_MONOTONIC ms of the thread's last loop iteration: the watchdog
 * is fed only while this stays recent.  Any thread.
 */
int64_t reader_heartbeat(const struct reader *r);
/* True while the device is open. Any thread. */
bool reader_connected(const struct reader *r);

#endif
