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

#endif
