/*
 * ics_feed_split.c - cuts an iCalendar feed into one calendar object per
 * UID with libical (ics_feed_split.h).  It does not fetch the feed
 * (ics_feed.c does) and does not read the events' times (bookings.c does).
 */
#include "ics_feed_split.h"

#include "err.h"

#include <libical/ical.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH_MAX_S (7 * 86400) /* a feed asking for longer is refetched weekly anyway */

struct event {
	const char *uid;
	icalcomponent *ev, *cal;
	size_t index; /* order in the feed: overrides keep theirs */
};

static int by_uid(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* REFRESH-INTERVAL (RFC 7986), else the X-PUBLISHED-TTL many servers write; 0 when none */
static int64_t refresh_of(icalcomponent *cal)
{
	icalproperty *p = icalcomponent_get_first_property(cal, ICAL_REFRESHINTERVAL_PROPERTY);
	struct icaldurationtype d;
	int64_t s = 0;

	if (p != NULL) {
		d = icalproperty_get_refreshinterval(p);
		if (!icaldurationtype_is_bad_duration(d) && !d.is_neg)
			s = icaldurationtype_as_int(d);
	} else {
		for (p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p != NULL;
		     p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY)) {
			const char *name = icalproperty_get_x_name(p), *value = icalproperty_get_x(p);
			if (name != NULL && value != NULL && strcmp(name, "X-PUBLISHED-TTL") == 0) {
				d = icaldurationtype_from_string(value);
				if (!icaldurationtype_is_bad_duration(d) && !d.is_neg)
					s = icaldurationtype_as_int(d);
				break;
			}
		}
	}
	return s < 0 ? 0 : s > REFRESH_MAX_S ? REFRESH_MAX_S : s;
}

/* a VCALENDAR of the events ev[0..n) of one UID, with the time zones of their feed; NULL when out of memory */
static char *object_text(const struct event *ev, size_t n)
{
	icalcomponent *cal = icalcomponent_new_vcalendar(), *c;
	icalproperty *prodid = icalcomponent_get_first_property(ev[0].cal, ICAL_PRODID_PROPERTY);
	char *text, *copy = NULL;

	if (cal == NULL)
		return NULL;
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(prodid != NULL && icalproperty_get_prodid(prodid)
									 ? icalproperty_get_prodid(prodid)
									 : "-//Seuil//feed//FR"));
	for (c = icalcomponent_get_first_component(ev[0].cal, ICAL_VTIMEZONE_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component(ev[0].cal, ICAL_VTIMEZONE_COMPONENT))
		icalcomponent_add_component(cal, icalcomponent_new_clone(c));
	for (size_t i = 0; i < n; i++)
		icalcomponent_add_component(cal, icalcomponent_new_clone(ev[i].ev));
	if ((text = icalcomponent_as_ical_string_r(cal)) != NULL) {
		copy = strdup(text);
		icalmemory_free_buffer(text);
	}
	icalcomponent_free(cal);
	return copy;
}

void ics_objects_release(struct ics_objects *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->count; i++) {
		free(o->items[i].uid);
		free(o->items[i].ical);
	}
	free(o->items);
	memset(o, 0, sizeof(*o));
}

int ics_feed_split(const char *text, size_t len, struct ics_objects *out, char *err, size_t errlen)
{
	struct ics_objects res;
	struct event *events = NULL;
	icalcomponent *root, *cals[64];
	size_t ncals = 0, nev = 0;
	int rc = SEUIL_OK;

	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	if (text == NULL || strlen(text) != len)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the feed holds a NUL byte: not iCalendar");
	if ((root = icalparser_parse_string(text)) == NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the feed is not iCalendar (no VCALENDAR)");
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		cals[ncals++] = root;
	} else if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
		for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
		     c != NULL && ncals < sizeof(cals) / sizeof(cals[0]);
		     c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			cals[ncals++] = c;
	}
	if (ncals == 0) {
		icalcomponent_free(root);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the feed is not iCalendar (no VCALENDAR)");
	}
	res.refresh_s = refresh_of(cals[0]);
	for (size_t k = 0; k < ncals && rc == SEUIL_OK; k++) {
		for (icalcomponent *ev = icalcomponent_get_first_component(cals[k], ICAL_VEVENT_COMPONENT); ev != NULL;
		     ev = icalcomponent_get_next_component(cals[k], ICAL_VEVENT_COMPONENT)) {
			const char *uid = icalcomponent_get_uid(ev);
			if (uid == NULL || uid[0] == '\0' || strlen(uid) > ICS_UID_MAX) {
				res.skipped++;
				continue;
			}
			if (nev == ICS_OBJECTS_MAX) {
				rc = err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "the feed holds more than %d events",
					     ICS_OBJECTS_MAX);
				break;
			}
			if (nev % 256 == 0) {
				struct event *grown = realloc(events, (nev + 256) * sizeof(*grown));
				if (grown == NULL) {
					rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
					break;
				}
				events = grown;
			}
			events[nev] = (struct event){ uid, ev, cals[k], nev };
			nev++;
		}
	}
	if (rc == SEUIL_OK && nev > 0) {
		qsort(events, nev, sizeof(*events), by_uid);
		if ((res.items = calloc(nev, sizeof(*res.items))) == NULL)
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0, j; rc == SEUIL_OK && i < nev; i = j) {
		struct ics_object *o = &res.items[res.count];
		for (j = i + 1; j < nev && strcmp(events[j].uid, events[i].uid) == 0; j++)
			;
		if ((o->uid = strdup(events[i].uid)) == NULL || (o->ical = object_text(events + i, j - i)) == NULL)
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		res.count++;
	}
	free(events);
	icalcomponent_free(root);
	if (rc != SEUIL_OK) {
		ics_objects_release(&res);
		return rc;
	}
	*out = res;
	return SEUIL_OK;
}
