/*
 * door_backend.c - the door backends' front: the driver table, the choice
 * of a driver by name, and the dispatch of every call to it.
 *
 * It holds no hardware logic: door_gpiod.c and door_sim.c do the work.
 */
#include "door.h"

#include <string.h>

#include "door_driver.h"
#include "err.h"

static const struct door_driver *const drivers[] = {
	&door_gpiod_driver,
	&door_sim_driver,
};

void door_backend_config_defaults(struct door_backend_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = "sim";
	cfg->relay = cfg->contact = cfg->rex = cfg->fire = cfg->tamper = -1;
	cfg->led_green = cfg->led_red = cfg->buzzer = -1;
}

int door_backend_open(const struct door_backend_config *cfg, struct door_backend **out, char *err,
		      size_t errlen)
{
	struct door_backend *b = NULL;
	size_t i;
	int rc;

	if (cfg->kind == NULL || cfg->kind[0] == '\0')
		return err_set(err, errlen, SEUIL_ERR_INVALID, "no door backend configured (gpiod or sim)");
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (strcmp(drivers[i]->name, cfg->kind) != 0)
			continue;
		rc = drivers[i]->open(cfg, &b, err, errlen);
		if (rc != SEUIL_OK)
			return rc;
		b->driver = drivers[i];
		*out = b;
		return SEUIL_OK;
	}
	return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown door backend \"%.32s\" (gpiod or sim)",
		       cfg->kind);
}

void door_backend_close(struct door_backend *b)
{
	if (b != NULL)
		b->driver->close(b);
}

int door_backend_apply(struct door_backend *b, const struct door_actions *a, char *err, size_t errlen)
{
	return b->driver->apply(b, a, err, errlen);
}

int door_backend_fds(struct door_backend *b, int *fds, int max)
{
	if (max <= 0)
		return 0;
	return b->driver->fds(b, fds, max);
}

int door_backend_read(struct door_backend *b, struct door_event *ev, int max)
{
	if (max <= 0)
		return 0;
	return b->driver->read(b, ev, max);
}

int door_backend_inputs(struct door_backend *b, struct door_event *ev, int max)
{
	if (max <= 0)
		return 0;
	return b->driver->inputs(b, ev, max);
}

void door_backend_safe(struct door_backend *b)
{
	if (b != NULL)
		b->driver->safe(b);
}
