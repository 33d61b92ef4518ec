/*
 * caldav_int.h - what caldav.c and ics_feed.c share inside sync/: the
 * outcome of one room's sync and the functions that sync one room.  Not
 * for other modules (caldav.h is the public face).
 */
#ifndef SEUIL_CALDAV_INT_H
#define SEUIL_CALDAV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct caldav_http;
struct caldav_http_reply;
struct room_calendar;
struct store;

enum caldav_kind {
	CALDAV_SYNCED_UNCHANGED, /* nothing new (a delta without change, a 304) */
	CALDAV_SYNCED_DELTA,     /* changes applied from the token */
	CALDAV_SYNCED_FULL,      /* the room's items replaced */
	CALDAV_NOT_DUE,          /* a feed not fetched: its REFRESH-INTERVAL has not passed */
};

struct caldav_outcome {
	enum caldav_kind kind;
	bool resynced;                   /* full because the server rejected the token */
	size_t changed, deleted, skipped;
};

/*
 * One room, CalDAV (caldav.c) or an iCalendar feed (ics_feed.c), with the
 * client http.  On success *o says what was done; on failure nothing of
 * the room was written and err says why (one line).
 */
int caldav_sync_room(struct caldav_http *http, struct store *st, const struct room_calendar *room, int64_t now_ms,
		     struct caldav_outcome *o, char *err, size_t errlen);
int ics_feed_sync_room(struct caldav_http *http, struct store *st, const struct room_calendar *room, int64_t now_ms,
		       struct caldav_outcome *o, char *err, size_t errlen);

/* The error of a reply with an unexpected HTTP status, for a person (401: the credentials). */
int caldav_status_error(const char *what, const struct caldav_http_reply *r, char *err, size_t errlen);

#endif
