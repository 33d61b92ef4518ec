/*
 * kiosk_visitors.c - the visitor flows' services over the appliance's store.
 */
#include "kiosk_services.h"

#include <stdlib.h>

struct ui_visitor_services *kiosk_visitor_services(struct appliance *app)
{
	struct ui_visitor_services *svc = calloc(1, sizeof(*svc));

	if (svc != NULL)
		svc->ctx = app;
	return svc;
}

void kiosk_visitor_services_free(struct ui_visitor_services *svc)
{
	free(svc);
}
