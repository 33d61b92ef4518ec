/*
 * kiosk_visitors.c - the visitor flows' services (ui_visitor.h) over the
 * appliance's store: host search and today's invitations (hosts.h),
 * check-in and check-out (visitors.h, which journal them and so fill the
 * outbox), today's visitors.  It reads the wall clock for "today" and
 * "now"; it decides nothing the state machine decides.  After a check-in
 * it asks for a sync now (appliance_sync_now(): a poke on seuil-sync's
 * local wake socket, never the network), so that the host is told without
 * waiting for the sync's interval.
 */
#include "kiosk_services.h"

#include "clock.h"
#include "err.h"
#include "hosts.h"
#include "log.h"
#include "store.h"
#include "ui_text.h"
#include "visitors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETENTION_DEFAULT_DAYS 30

static struct store *store_of(void *ctx)
{
	return appliance_store(ctx);
}

static void host_to_ui(const struct host *h, struct ui_visitor_host *out)
{
	memset(out, 0, sizeof(*out));
	out->person = h->person;
	snprintf(out->id, sizeof(out->id), "%s", h->id);
	snprintf(out->name, sizeof(out->name), "%s", h->name);
	snprintf(out->organisation, sizeof(out->organisation), "%s", h->organisation);
}

static size_t search_hosts(void *ctx, const char *query, struct ui_visitor_host *out, size_t max)
{
	struct host found[8];
	size_t n = 0;
	char err[256] = "";

	if (max > sizeof(found) / sizeof(found[0]))
		max = sizeof(found) / sizeof(found[0]);
	if (hosts_search(store_of(ctx), query, found, max, &n, NULL, err, sizeof(err)) != SEUIL_OK) {
		log_warn("host search: %s", err);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		host_to_ui(&found[i], &out[i]);
	return n;
}

static size_t search_invites(void *ctx, const char *query, struct ui_visitor_invite *out, size_t max)
{
	struct host_invite found[8];
	size_t n = 0;
	char err[256] = "";
	int rc;

	if (max > sizeof(found) / sizeof(found[0]))
		max = sizeof(found) / sizeof(found[0]);
	rc = hosts_invites_today(store_of(ctx), clock_wall_ms(), query, found, max, &n, err, sizeof(err));
	if (rc != SEUIL_OK) {
		if (rc != SEUIL_ERR_NOT_FOUND)
			log_warn("invitations: %s", err);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].id, sizeof(out[i].id), "%s", found[i].id);
		snprintf(out[i].name, sizeof(out[i].name), "%s", found[i].name);
		snprintf(out[i].organisation, sizeof(out[i].organisation), "%s", found[i].organisation);
		host_to_ui(&found[i].host, &out[i].host);
	}
	return n;
}

static int checkin(void *ctx, const struct ui_visitor_checkin_form *form)
{
	struct visitor_checkin v = { 0 };
	char err[256] = "";
	const char *purpose = "";
	int64_t id;
	int rc;

	/* a chosen purpose is written in the words the visitor read */
	if (form->purpose == UI_PURPOSE_OTHER && form->purpose_text[0] != '\0')
		purpose = form->purpose_text;
	else if (form->purpose != UI_PURPOSE_NONE)
		purpose = _(ui_visitor_purpose_label(form->purpose));
	v.name = form->name;
	v.organisation = form->organisation;
	v.host_person = form->host->person ? form->host->id : NULL;
	v.host_tenant = form->host->person ? NULL : form->host->id;
	v.purpose = purpose;
	v.invite = form->invite[0] != '\0' ? form->invite : NULL;
	v.consent = true; /* the state machine calls this only from the notice's "accept" */
	rc = visitor_checkin(store_of(ctx), &v, clock_wall_ms(), &id, err, sizeof(err));
	if (rc != SEUIL_OK)
		log_warn("visitor check-in: %s", err);
	else {
		log_info("visitor %lld checked in", (long long)id);
		/* the host is told by the office: ask for a sync now rather than at the next period */
		appliance_sync_now(ctx);
	}
	return rc;
}

struct inside_walk {
	struct store *st;
	struct ui_visitor_inside *out;
	size_t max, n;
};

static int inside_one(const struct visitor *v, void *ctx)
{
	struct inside_walk *w = ctx;
	struct ui_visitor_inside *o;
	char err[256] = "";

	if (w->n >= w->max)
		return 1;
	o = &w->out[w->n++];
	memset(o, 0, sizeof(*o));
	o->id = v->id;
	snprintf(o->name, sizeof(o->name), "%s", v->name);
	if (v->host_tenant[0] != '\0' &&
	    hosts_tenant_name(w->st, v->host_tenant, o->organisation, sizeof(o->organisation), err, sizeof(err)) !=
		    SEUIL_OK)
		log_warn("visitors: %s", err);
	return 0;
}

static size_t list_inside(void *ctx, struct ui_visitor_inside *out, size_t max)
{
	struct inside_walk w = { .st = store_of(ctx), .out = out, .max = max };
	char err[256] = "";
	int64_t since;
	int rc;

	if (store_site_day_start(w.st, clock_wall_ms(), &since, err, sizeof(err)) != SEUIL_OK) {
		log_warn("visitors today: %s", err);
		return 0;
	}
	rc = visitor_list_inside(w.st, since, inside_one, &w, err, sizeof(err));
	if (rc != SEUIL_OK && rc != 1)
		log_warn("visitors today: %s", err);
	return w.n;
}

static int checkout(void *ctx, int64_t id)
{
	char err[256] = "";
	int rc = visitor_checkout(store_of(ctx), id, clock_wall_ms(), err, sizeof(err));

	if (rc != SEUIL_OK)
		log_warn("visitor check-out: %s", err);
	else
		log_info("visitor %lld checked out", (long long)id);
	return rc;
}

struct ui_visitor_services *kiosk_visitor_services(struct appliance *app)
{
	struct ui_visitor_services *svc = calloc(1, sizeof(*svc));
	int64_t days;

	if (svc == NULL)
		return NULL;
	svc->ctx = app;
	/* what purge enforces (seuilctl purge, the daily purge): the notice says the same */
	days = store_setting_int(appliance_store(app), "visitor_retention_days", RETENTION_DEFAULT_DAYS);
	svc->retention_days = days > 0 && days <= 3650 ? (unsigned)days : RETENTION_DEFAULT_DAYS;
	svc->search_hosts = search_hosts;
	svc->search_invites = search_invites;
	svc->checkin = checkin;
	svc->list_inside = list_inside;
	svc->checkout = checkout;
	return svc;
}

void kiosk_visitor_services_free(struct ui_visitor_services *svc)
{
	free(svc);
}
