/*
 * rooms.h - the meeting rooms as the kiosk shows them: for each room, the
 * booking going on now and the next one of the day, read from the
 * occurrences that seuil-sync expanded from the rooms' calendars.  A private
 * booking gives its organiser's organisation, never its title.
 */
#ifndef SEUIL_ROOMS_H
#define SEUIL_ROOMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define ROOM_TEXT_MAX 128

struct room_slot {
	int64_t start_s, end_s;      /* UTC */
	bool all_day;
	bool private_;               /* title hidden: show "booked" and the organisation */
	char title[ROOM_TEXT_MAX];   /* "" when private or untitled */
	char organisation[ROOM_TEXT_MAX]; /* the organiser's tenant's name, "" when unknown */
};

struct room_day {
	char id[64];
	char name[ROOM_TEXT_MAX];
	int capacity;                /* 0 when unknown */
	bool busy;                   /* a booking is going on at now */
	struct room_slot now;        /* when busy */
	bool has_next;               /* another booking starts later before the day ends */
	struct room_slot next;
	int later;                   /* bookings after next, before the day ends */
};

/*
 * Fills out[0..max) with the rooms by name, as of now_s, counting the day
 * until day_end_s; *count is the number of rooms (may exceed max).
 */
int rooms_today(struct store *st, int64_t now_s, int64_t day_end_s, struct room_day *out, size_t max,
		size_t *count, char *err, size_t errlen);

/* a room that can be booked now (book now): a CalDAV calendar, not busy */
struct room_free {
	char id[64];
	char name[ROOM_TEXT_MAX];
	int capacity;
	int64_t free_s;              /* free from now for this long (capped at the horizon) */
};

/*
 * Fills out[0..max) with the rooms whose calendar is CalDAV (an iCalendar
 * feed cannot be written to) and that are free at now_s, by name, each with
 * how long it stays free, at most horizon_s; *count is how many there are
 * (may exceed max).  From one read snapshot.
 */
int rooms_free_now(struct store *st, int64_t now_s, int64_t horizon_s, struct room_free *out, size_t max,
		   size_t *count, char *err, size_t errlen);

/*
 * The bookings of room overlapping [from_s, to_s), by start: out[0..max),
 * *count how many there are (may exceed max).  For the rooms board.
 */
int rooms_slots(struct store *st, const char *room, int64_t from_s, int64_t to_s, struct room_slot *out,
		size_t max, size_t *count, char *err, size_t errlen);

#endif
