/*
 * door_driver.h - private to the door backends: the driver table that
 * door_backend.c dispatches through (like libnfc's struct nfc_driver), and
 * the common head every backend's handle starts with.
 *
 * Callers use door.h only.  A driver's open() validates the configuration
 * it needs, allocates its own handle with a struct door_backend first, and
 * leaves nothing behind on failure; door_backend.c sets `driver`.
 */
#ifndef SEUIL_DOOR_DRIVER_H
#define SEUIL_DOOR_DRIVER_H

#include <stddef.h>

#include "door.h"

struct door_driver {
	const char *name; /* the kind in the configuration */
	int (*open)(const struct door_backend_config *cfg, struct door_backend **out, char *err, size_t errlen);
	void (*close)(struct door_backend *b);
	int (*apply)(struct door_backend *b, const struct door_actions *a, char *err, size_t errlen);
	int (*fds)(struct door_backend *b, int *fds, int max);
	int (*read)(struct door_backend *b, struct door_event *ev, int max);
	int (*inputs)(struct door_backend *b, struct door_event *ev, int max);
	void (*safe)(struct door_backend *b);
};

/* The first member of every backend's handle. */
struct door_backend {
	const struct door_driver *driver;
};

extern const struct door_driver door_gpiod_driver;
extern const struct door_driver door_sim_driver;

#endif
