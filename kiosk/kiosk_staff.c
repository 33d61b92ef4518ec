/*
 * kiosk_staff.c - staff mode's services over the appliance's store and door.
 */
#include "kiosk_services.h"

#include <stdlib.h>

struct ui_staff_services *kiosk_staff_services(struct appliance *app)
{
	struct ui_staff_services *svc = calloc(1, sizeof(*svc));

	if (svc != NULL)
		svc->ctx = app;
	return svc;
}

void kiosk_staff_services_free(struct ui_staff_services *svc)
{
	free(svc);
}
