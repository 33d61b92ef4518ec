/*
 * caldav_prefetch.h - the first REPORT of the next CalDAV room, sent ahead
 * on a thread of its own while caldav.c parses, expands and stores the
 * room before it: a sync of many rooms then costs about the longer of the
 * two (the server's time, ours) rather than their sum.  Inside sync/ only.
 *
 * The thread walks the rooms in order.  For each room that
 * caldav_prefetch_wanted() names it sends the request caldav_sync_room()
 * sends first (a sync-collection REPORT of the room's URL, Depth 0, from
 * its stored token, "" for a full listing) with a client of its own, and
 * leaves the outcome, whatever it is, in a single slot; it sends the next
 * one only once the caller has taken it.  So at most one reply waits, and
 * one is on its way while the caller works on another.  Everything after
 * that first request (507 rounds, calendar-multiget, discovery, a resync,
 * PUT) is the caller's, on its own client.
 *
 * The thread never touches the store, never logs and never calls the
 * caller's tick: it stops when told (caldav_prefetch_take() passes the
 * caller's stop on, caldav_prefetch_free() stops it), its transfer cut
 * off by its progress callback within about a second.
 */
#ifndef SEUIL_CALDAV_PREFETCH_H
#define SEUIL_CALDAV_PREFETCH_H

#include "caldav.h"
#include "caldav_http.h"
#include "caldav_xml.h"

#include <stdbool.h>
#include <stddef.h>

struct room_calendar;

/* the first request of a room and its outcome, as caldav_http_send() gave them */
struct caldav_first {
	char url[512];                    /* the room's URL, as room_calendar.url */
	char token[CALDAV_TOKEN_MAX + 1]; /* the token sent, "" for a full listing */
	int rc;                           /* caldav_http_send()'s, or SEUIL_ERR_NOMEM without a body to send */
	char err[CALDAV_ERROR_MAX];       /* its message when rc is not SEUIL_OK */
	struct caldav_http_reply reply;   /* owned: caldav_http_reply_release() */
};

struct caldav_prefetch;

/* True for a room whose first request is sent ahead: a CalDAV feed whose URL caldav_url_check() accepts. */
bool caldav_prefetch_wanted(const struct room_calendar *room, bool insecure_loopback);

/*
 * Starts the thread over rooms[0..count) with a new client made from o
 * (copied; its tick is replaced by the thread's own stop).  rooms is
 * borrowed: it must stay unchanged until caldav_prefetch_free().  libcurl
 * and libxml2 must have been set up (sync_http_global_init(),
 * caldav_xml_init()).  Returns SEUIL_OK and *out, or an error with err
 * (the caller then sends every request itself).
 */
int caldav_prefetch_start(const struct caldav_http_options *o, const struct room_calendar *rooms, size_t count,
			  struct caldav_prefetch **out, char *err, size_t errlen);

/*
 * Waits for the first request of room i (its index in rooms) and hands it
 * over: true with *first filled (the caller releases first->reply), or
 * false when there is none to take (p NULL, the room not wanted, the
 * thread ended or stopped): the caller sends the request itself.  While
 * it waits it calls tick(tick_ctx) (may be NULL) every 50 ms; a non-zero
 * return stops the thread, whose transfer then ends as "interrupted",
 * which is what is handed over.  Rooms before i not taken are dropped.
 * From the thread that started p only.
 */
bool caldav_prefetch_take(struct caldav_prefetch *p, size_t i, int (*tick)(void *ctx), void *tick_ctx,
			  struct caldav_first *first);

/* Stops the thread, waits for it (a transfer is cut off within about a second), frees the rest.  NULL is a no-op. */
void caldav_prefetch_free(struct caldav_prefetch *p);

#endif
