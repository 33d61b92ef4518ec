/*
 * kiosk_staff.c - staff mode's services (ui_staff.h) over the appliance's
 * store and door: access/staff.c for the PIN, the evacuation list, the
 * person search and enrolment; journal.h for lockdown; the appliance for
 * the door.  It turns UTC instants into the site's local "HH:MM" the
 * screens show; it decides nothing the state machine does not ask for, and
 * never logs a PIN.
 */
#include "kiosk_services.h"

#include "clock.h"
#include "err.h"
#include "journal.h"
#include "log.h"
#include "staff.h"
#include "store.h"
#include "sync_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* copies src into dst, cut (if it must be) between whole UTF-8 characters */
static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct store *store_of(void *ctx)
{
	return appliance_store(ctx);
}

/* "HH:MM" in the site's time (the box's UTC when there is no site yet) */
static void hhmm(struct store *st, int64_t utc_ms, char *out, size_t len)
{
	struct tz_local l;

	if (staff_local_time(st, utc_ms, &l) != SEUIL_OK)
		l.minute = (int)((utc_ms / 60000) % 1440);
	snprintf(out, len, "%02d:%02d", l.minute / 60, l.minute % 60);
}

static void pin_view(struct store *st, const struct staff_pin_status *p, int64_t now, struct ui_staff_pin *out)
{
	memset(out, 0, sizeof(*out));
	switch (p->state) {
	case STAFF_PIN_READY:
		out->kind = UI_STAFF_PIN_READY;
		out->tries_left = p->tries_left;
		break;
	case STAFF_PIN_UNSET:
		out->kind = UI_STAFF_PIN_UNSET;
		break;
	case STAFF_PIN_LOCKED:
		out->kind = UI_STAFF_PIN_LOCKED;
		out->locked_ms = p->locked_until_ms - now;
		/* the minute it ends, rounded up: "try again at" must not be too early */
		hhmm(st, p->locked_until_ms + 59999, out->until, sizeof(out->until));
		break;
	case STAFF_PIN_NOT_STAFF:
		out->kind = UI_STAFF_PIN_FAULT;
		break;
	}
}

static bool pin_status(void *ctx, const char *person, struct ui_staff_pin *out)
{
	struct store *st = store_of(ctx);
	struct staff_pin_status p;
	int64_t now = clock_wall_ms();
	char err[256] = "";

	if (staff_pin_status(st, person, now, &p, err, sizeof(err)) != SEUIL_OK) {
		log_warn("staff mode: %s", err);
		return false;
	}
	pin_view(st, &p, now, out);
	return true;
}

static bool pin_check(void *ctx, const char *person, const char *pin, struct ui_staff_pin *out)
{
	struct store *st = store_of(ctx);
	struct staff_pin_status p;
	int64_t now = clock_wall_ms();
	char err[256] = "";
	bool right = false;

	if (staff_pin_check(st, person, pin, now, &right, &p, err, sizeof(err)) != SEUIL_OK) {
		log_warn("staff mode: %s", err);
		memset(out, 0, sizeof(*out));
		out->kind = UI_STAFF_PIN_FAULT;
		return false;
	}
	if (right)
		log_info("staff mode opened by %s", person);
	else if (p.state == STAFF_PIN_LOCKED)
		log_warn("staff mode locked for %s after %d wrong PINs", person, STAFF_PIN_TRIES);
	else
		log_info("wrong staff PIN for %s", person);
	pin_view(st, &p, now, out);
	return right;
}

static void door_status(void *ctx, struct ui_staff_door *out)
{
	struct appliance *app = ctx;
	struct appliance_door_view v;
	int64_t now = clock_wall_ms();

	memset(out, 0, sizeof(*out));
	appliance_door_view(app, &v);
	out->released = v.released;
	out->held = v.hold_left_ms > 0;
	if (v.released && v.release_left_ms > 0)
		hhmm(store_of(ctx), now + v.release_left_ms, out->until, sizeof(out->until));
	out->has_contact = v.has_contact;
	out->contact_open = v.contact_open;
	out->alarms = v.alarms;
	out->lockdown = store_setting_int(store_of(ctx), "lockdown", 0) != 0;
}

static bool unlock_for(void *ctx, const char *by, int minutes)
{
	char err[256] = "", detail[48];

	if (minutes < 0 || minutes > 720)
		return false;
	/* the door first, the journal right after, as for a badge */
	appliance_unlock_for(ctx, (unsigned)minutes * 60);
	snprintf(detail, sizeof(detail), "{\"minutes\":%d}", minutes);
	if (staff_journal(store_of(ctx), by, minutes > 0 ? "unlock" : "lock", NULL, detail, clock_wall_ms(), err,
			  sizeof(err)) != SEUIL_OK)
		log_error("cannot journal the staff unlock: %s", err);
	return true;
}

static bool set_lockdown(void *ctx, const char *by, bool on)
{
	char err[256] = "";

	if (journal_set_lockdown(store_of(ctx), on, by, clock_wall_ms(), err, sizeof(err)) != SEUIL_OK) {
		log_error("lockdown: %s", err);
		return false;
	}
	log_info("lockdown %s by %s", on ? "on" : "off", by);
	return true;
}

static size_t find_people(void *ctx, const char *query, struct ui_staff_person *out, size_t max, size_t *total)
{
	struct staff_person found[UI_STAFF_FOUND];
	size_t n = 0;
	char err[256] = "";

	*total = 0;
	if (max > UI_STAFF_FOUND)
		max = UI_STAFF_FOUND;
	if (staff_find_people(store_of(ctx), query, found, max, &n, total, err, sizeof(err)) != SEUIL_OK) {
		log_warn("staff mode: %s", err);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		copy_text(out[i].id, sizeof(out[i].id), found[i].id);
		copy_text(out[i].name, sizeof(out[i].name), found[i].name);
		copy_text(out[i].organisation, sizeof(out[i].organisation), found[i].tenant_name);
	}
	return n;
}

static enum ui_staff_enroll_kind enroll(void *ctx, const char *by, const char *person, const char *card,
					char *holder, size_t holder_len)
{
	enum staff_enroll_result res;
	char err[256] = "";

	if (staff_enroll(store_of(ctx), by, person, card, clock_wall_ms(), &res, holder, holder_len, err,
			 sizeof(err)) != SEUIL_OK) {
		log_warn("enrolment: %s", err);
		return UI_STAFF_ENROLL_FAULT;
	}
	switch (res) {
	case STAFF_ENROLLED:
		log_info("badge enrolled for %s by %s", person, by);
		return UI_STAFF_ENROLL_OK;
	case STAFF_ENROLL_ALREADY:
		return UI_STAFF_ENROLL_ALREADY;
	case STAFF_ENROLL_HELD:
		log_info("enrolment for %s refused: the badge is someone else's", person);
		return UI_STAFF_ENROLL_HELD;
	}
	return UI_STAFF_ENROLL_FAULT;
}

struct page {
	struct store *st;
	int skip;
	struct ui_staff_inside *out;
};

static int add_row(const struct staff_inside_entry *e, void *ctx)
{
	struct page *p = ctx;
	struct ui_staff_row *r;

	if (p->skip > 0) {
		p->skip--;
		return 0;
	}
	if (p->out->n >= UI_STAFF_ROWS)
		return 1; /* the page is full */
	r = &p->out->rows[p->out->n++];
	r->visitor = e->visitor;
	copy_text(r->name, sizeof(r->name), e->name);
	copy_text(r->organisation, sizeof(r->organisation), e->organisation);
	hhmm(p->st, e->since_ms, r->since, sizeof(r->since));
	return 0;
}

static bool inside(void *ctx, int offset, struct ui_staff_inside *out)
{
	struct page p = { store_of(ctx), offset, out };
	struct staff_inside_counts c = { 0, 0 };
	char err[256] = "";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = staff_inside_list(p.st, clock_wall_ms(), add_row, &p, &c, err, sizeof(err));
	if (rc != SEUIL_OK && rc != 1) {
		log_warn("evacuation list: %s", err);
		return false;
	}
	out->people = c.people;
	out->visitors = c.visitors;
	out->offset = offset;
	return true;
}

static bool sync_status(void *ctx, struct ui_staff_sync *out)
{
	struct store *st = store_of(ctx);
	struct sync_status s;
	struct tz_local then, today;
	int64_t now = clock_wall_ms();
	char err[256] = "", t[8];

	memset(out, 0, sizeof(*out));
	if (sync_status_read(st, now, &s, err, sizeof(err)) != SEUIL_OK) {
		log_warn("sync status: %s", err);
		return false;
	}
	out->never = s.last_success_ms == 0;
	if (!out->never) {
		out->since_ms = now - s.last_success_ms;
		hhmm(st, s.last_success_ms, t, sizeof(t));
		if (staff_local_time(st, s.last_success_ms, &then) == SEUIL_OK &&
		    staff_local_time(st, now, &today) == SEUIL_OK && then.days != today.days)
			snprintf(out->last_success, sizeof(out->last_success), "%02d/%02d %s", then.day, then.month, t);
		else
			snprintf(out->last_success, sizeof(out->last_success), "%s", t);
	}
	copy_text(out->last_error, sizeof(out->last_error), s.last_error);
	out->outbox = (long)s.outbox;
	out->data_age_ms = s.data_age_ms;
	return true;
}

struct ui_staff_services *kiosk_staff_services(struct appliance *app)
{
	struct ui_staff_services *svc = calloc(1, sizeof(*svc));

	if (svc == NULL)
		return NULL;
	svc->ctx = app;
	svc->pin_status = pin_status;
	svc->pin_check = pin_check;
	svc->door_status = door_status;
	svc->unlock_for = unlock_for;
	svc->set_lockdown = set_lockdown;
	svc->find_people = find_people;
	svc->enroll = enroll;
	svc->inside = inside;
	svc->sync_status = sync_status;
	return svc;
}

void kiosk_staff_services_free(struct ui_staff_services *svc)
{
	free(svc);
}
