/*
 * sync.h - seuil-sync's work, for its daemon (seuil_sync_main.c) and for
 * `seuilctl sync`: one sync with the office (push the outbox, pull the
 * directory, run the office's commands), the delay after a failure, and
 * the local socket the kiosk pokes to ask for a sync now.
 *
 * Nothing here touches the reader or the door, and nothing prints: the
 * callers log or print what struct sync_report says.
 */
#ifndef SEUIL_SYNC_H
#define SEUIL_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "book_now.h"
#include "caldav.h"
#include "sync_store.h"

struct seuil_config;
struct store;

struct sync_run {
	bool insecure_loopback; /* --insecure-loopback: http:// to a loopback office */
	/* called during transfers (sync_http_options.tick); may be NULL */
	int (*tick)(void *ctx);
	void *tick_ctx;
};

struct sync_report {
	/* 0. the kiosk's book-now requests, first: a person waits at the screen */
	struct book_now_report book;
	/* 1. the outbox */
	bool push_done;
	int64_t pushed;          /* events sent (a batch sent again counts again) */
	int batches;
	int64_t acked_seq;       /* the acknowledgement now stored */
	int64_t outbox_left;     /* events still waiting */
	/* 2. the directory */
	bool pull_done;
	struct sync_pull_result pull;
	/* 3. the commands */
	bool commands_done;
	int commands_executed, commands_refused, commands_repeated;
	size_t commands_acked;   /* ids sent in POST /v1/commands/ack */
	bool sync_now;           /* a command asked for another sync at once */
	/* when a step failed */
	char failed_step[16];    /* "setup", "push", "pull", "commands" or "" */
	long http_status;        /* the failing reply's status; 0 when none */
	long retry_after_s;      /* the office's Retry-After; -1 when none */
	/* 4. the rooms' calendars, after the office whatever it said; a failed
	 * room does not fail the sync: calendars.first_error says why */
	bool calendars_done;
	struct caldav_report calendars;
};

/*
 * One sync with the office of cfg ([sync] keys): push the outbox batch
 * after batch ([sync] batch events each) until it is empty, a batch fails
 * or the office stops acknowledging further; pull the directory from the
 * stored cursor and apply it; fetch the commands, run them, acknowledge
 * them.  The first failed step ends the sync.  The device id sent is
 * [device] id, else the store's.  Then, whatever the office said (not
 * while stopping), every room's calendar (caldav_sync_rooms()): a room
 * that fails does not change the result, report->calendars says why.
 * *report says what was done, failure or not.  Returns SEUIL_OK or the first error, with one line in err (no card
 * UID, no visitor's name).  Does not write the status: the caller does
 * (sync_status_write()), knowing when it will try again.
 */
int sync_once(const struct seuil_config *cfg, struct store *st, const struct sync_run *run,
	      struct sync_report *report, char *err, size_t errlen);

/*
 * What *r says, one line per step that ran ("push: ...", "pull: ...",
 * "commands: ..."), each ending with a newline, into buf.  Returns buf.
 */
char *sync_report_format(const struct sync_report *r, char *buf, size_t len);

/*
 * The delay before the next attempt after `failures` failed attempts in a
 * row (>= 1): the office's Retry-After when it sent one (retry_after_s >
 * 0), else exponential backoff with full jitter, a random delay up to 1 s
 * doubled each failure; both capped at max_s and at least 1 s.  random is
 * a uniformly random 32-bit number.  Pure.
 */
int64_t sync_backoff_ms(unsigned failures, unsigned max_s, long retry_after_s, uint32_t random);

/*
 * The wake socket ([sync] wake): an AF_UNIX stream socket the kiosk
 * connects to (and closes) when something needs the office at once, e.g.
 * a visitor checked in.  sync_wake_open() removes a stale socket left by a
 * dead seuil-sync (never another kind of file, never a live socket),
 * binds with mode 0660 so that the group (seuil) may connect, and returns
 * a non-blocking listening descriptor in *fd.
 */
int sync_wake_open(const char *path, int *fd, char *err, size_t errlen);
/* Accepts and closes every pending connection; returns how many. */
int sync_wake_drain(int fd);
/* Closes fd and removes the socket file; fd < 0 does nothing. */
void sync_wake_close(int fd, const char *path);
/*
 * Pokes the socket at path (what the kiosk does): a non-blocking connect,
 * then close; a full backlog (EAGAIN) counts as done, since a wake-up is
 * pending.  Never waits.  SEUIL_ERR_NOT_FOUND when seuil-sync is not there.
 */
int sync_wake_poke(const char *path, char *err, size_t errlen);

#endif
