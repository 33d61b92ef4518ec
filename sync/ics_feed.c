/*
 * ics_feed.c - a room whose calendar is a plain iCalendar feed: a
 * conditional GET (If-None-Match with the stored ETag, If-Modified-Since
 * with the stored Last-Modified), not sent before the feed's
 * REFRESH-INTERVAL has passed; a 304 only records the sync, a 200 replaces
 * the room's items with the feed cut by UID (ics_feed_split.c).  It does
 * not parse iCalendar itself.
 */
#include "bookings.h"
#include "caldav_http.h"
#include "caldav_int.h"
#include "err.h"
#include "ics_feed_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ics_feed_sync_room(struct caldav_http *http, struct store *st, const struct room_calendar *room, int64_t now_ms,
		       struct caldav_outcome *o, char *err, size_t errlen)
{
	struct caldav_http_request req = { "GET", room->url, NULL, NULL, NULL, NULL, 0 };
	struct caldav_http_reply reply;
	struct ics_objects objs;
	struct booking_item *items = NULL;
	struct room_calendar state = *room;
	char what[200];
	size_t skipped = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	if (room->refresh_s > 0 && room->synced_ms > 0 && now_ms >= room->synced_ms &&
	    now_ms - room->synced_ms < room->refresh_s * 1000) {
		o->kind = CALDAV_NOT_DUE;
		return SEUIL_OK;
	}
	snprintf(what, sizeof(what), "GET %.160s", room->url);
	/* validators only with data stored from them: a feed never fetched is fetched whole */
	if (room->synced_ms > 0) {
		req.if_none_match = room->etag[0] ? room->etag : NULL;
		req.if_modified_since = room->last_modified[0] ? room->last_modified : NULL;
	}
	if ((rc = caldav_http_send(http, &req, &reply, err, errlen)) != SEUIL_OK)
		goto done;
	if (reply.status == 304 && room->synced_ms > 0) {
		rc = bookings_touch(st, room->id, now_ms, err, errlen);
		o->kind = CALDAV_SYNCED_UNCHANGED;
		goto done;
	}
	if (reply.status != 200) {
		rc = caldav_status_error(what, &reply, err, errlen);
		goto done;
	}
	if ((rc = ics_feed_split(reply.body, reply.len, &objs, err, errlen)) != SEUIL_OK) {
		char inner[200];
		snprintf(inner, sizeof(inner), "%s", err);
		err[0] = '\0';
		rc = err_set(err, errlen, rc, "%s: %s", what, inner);
		goto done;
	}
	if ((items = calloc(objs.count + 1, sizeof(*items))) == NULL) {
		ics_objects_release(&objs);
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < objs.count; i++)
		items[i] = (struct booking_item){ objs.items[i].uid, NULL, objs.items[i].ical };
	snprintf(state.etag, sizeof(state.etag), "%s", reply.etag);
	snprintf(state.last_modified, sizeof(state.last_modified), "%s", reply.last_modified);
	state.sync_token[0] = '\0';
	state.refresh_s = objs.refresh_s;
	rc = bookings_replace(st, room->id, items, objs.count, &state, now_ms / 1000, &skipped, err, errlen);
	if (rc == SEUIL_OK) {
		o->kind = CALDAV_SYNCED_FULL;
		o->changed = objs.count;
		o->skipped = skipped + objs.skipped;
	}
	free(items);
	ics_objects_release(&objs);
done:
	caldav_http_reply_release(&reply);
	return rc;
}
