/*
 * config.c - the configuration file's keys, their defaults and checks,
 * over inih.  It does not open the store or any device.
 */
#include "config.h"

#include "err.h"
#include "log.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum key_type { KEY_STRING, KEY_UINT, KEY_LINE, KEY_BOOL, KEY_CHOICE };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t offset, size;   /* where in struct seuil_config */
	long min, max;         /* KEY_UINT range */
	const char *choices;   /* KEY_CHOICE: space-separated */
};

#define STR(sec, key, field) { sec, key, KEY_STRING, offsetof(struct seuil_config, field), sizeof(((struct seuil_config *)0)->field), 0, 0, NULL }
#define UINT(sec, key, field, lo, hi) { sec, key, KEY_UINT, offsetof(struct seuil_config, field), sizeof(unsigned), lo, hi, NULL }
#define LINE(sec, key, field) { sec, key, KEY_LINE, offsetof(struct seuil_config, field), sizeof(int), -1, 511, NULL }
#define BOOL(sec, key, field) { sec, key, KEY_BOOL, offsetof(struct seuil_config, field), sizeof(bool), 0, 1, NULL }
#define CHOICE(sec, key, field, list) { sec, key, KEY_CHOICE, offsetof(struct seuil_config, field), sizeof(((struct seuil_config *)0)->field), 0, 0, list }

static const struct key keys[] = {
	STR("device", "id", device_id),
	STR("device", "door", door),
	STR("store", "path", db),
	BOOL("reader", "enabled", reader_enabled),
	STR("reader", "connstring", connstring),
	/* the PN532 polls 1 to 15 periods of 150 ms (reader.c) */
	UINT("reader", "poll_period_ms", poll_period_ms, 150, 2250),
	UINT("reader", "present_check_ms", present_check_ms, 20, 2000),
	UINT("reader", "backoff_max_ms", backoff_max_ms, 100, 60000),
	CHOICE("door", "backend", door_backend, "gpiod sim"),
	BOOL("door", "maglock", maglock),
	UINT("door", "held_open_s", held_open_s, 1, 3600),
	UINT("door", "rex_unlock_ms", rex_unlock_ms, 100, 60000),
	UINT("door", "beep_grant_ms", beep_grant_ms, 0, 5000),
	UINT("door", "beep_deny_ms", beep_deny_ms, 0, 5000),
	UINT("door", "led_ms", led_ms, 100, 60000),
	STR("gpio", "chip", gpio_chip),
	LINE("gpio", "relay", gpio_relay),
	LINE("gpio", "contact", gpio_contact),
	LINE("gpio", "rex", gpio_rex),
	LINE("gpio", "fire", gpio_fire),
	LINE("gpio", "tamper", gpio_tamper),
	LINE("gpio", "led_green", gpio_led_green),
	LINE("gpio", "led_red", gpio_led_red),
	LINE("gpio", "buzzer", gpio_buzzer),
	BOOL("gpio", "inputs_active_low", gpio_inputs_active_low),
	STR("sim", "log", sim_log),
	STR("sim", "control", sim_control),
	CHOICE("log", "level", log_level, "error warning info debug"),
	UINT("kiosk", "idle_s", kiosk_idle_s, 10, 3600),
	UINT("kiosk", "attract_s", kiosk_attract_s, 0, 86400),
	UINT("kiosk", "night_from_h", kiosk_night_from_h, 0, 23),
	UINT("kiosk", "night_to_h", kiosk_night_to_h, 0, 23),
	BOOL("kiosk", "demo_keys", kiosk_demo_keys),
	UINT("retention", "visitor_days", visitor_days, 1, 3650),
	STR("sync", "url", sync_url),
	STR("sync", "ca", sync_ca),
	STR("sync", "cert", sync_cert),
	STR("sync", "key", sync_key),
	STR("sync", "pin", sync_pin),
	UINT("sync", "interval_s", sync_interval_s, 5, 86400),
	UINT("sync", "connect_timeout_s", sync_connect_timeout_s, 1, 300),
	UINT("sync", "transfer_timeout_s", sync_transfer_timeout_s, 1, 3600),
	UINT("sync", "backoff_max_s", sync_backoff_max_s, 1, 86400),
	UINT("sync", "batch", sync_batch, 1, 5000),
	STR("sync", "wake", sync_wake),
	STR("sync", "calendar_user", sync_calendar_user),
	STR("sync", "calendar_password_file", sync_calendar_password_file),
	STR("sync", "calendar_ca", sync_calendar_ca),
	STR("office", "listen", office_listen),
	UINT("office", "port", office_port, 1, 65535),
	STR("office", "cert", office_cert),
	STR("office", "key", office_key),
	STR("office", "ca", office_ca),
	STR("office", "db", office_db),
	STR("office", "smtp_url", office_smtp_url),
	STR("office", "smtp_from", office_smtp_from),
	STR("office", "smtp_user", office_smtp_user),
	STR("office", "smtp_password_file", office_smtp_password_file),
	BOOL("office", "smtp_starttls", office_smtp_starttls),
};

void config_defaults(struct seuil_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->reader_enabled = true;
	cfg->poll_period_ms = 150;
	cfg->present_check_ms = 100;
	cfg->backoff_max_ms = 2000;
	snprintf(cfg->door_backend, sizeof(cfg->door_backend), "sim");
	cfg->held_open_s = 30;
	cfg->rex_unlock_ms = 5000;
	cfg->beep_grant_ms = 100;
	cfg->beep_deny_ms = 800;
	cfg->led_ms = 2000;
	snprintf(cfg->gpio_chip, sizeof(cfg->gpio_chip), "gpiochip0");
	cfg->gpio_relay = cfg->gpio_contact = cfg->gpio_rex = cfg->gpio_fire = -1;
	cfg->gpio_tamper = cfg->gpio_led_green = cfg->gpio_led_red = cfg->gpio_buzzer = -1;
	snprintf(cfg->sim_log, sizeof(cfg->sim_log), "/run/seuil/door.log");
	snprintf(cfg->sim_control, sizeof(cfg->sim_control), "/run/seuil/door.sock");
	snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
	cfg->visitor_days = 30;
	cfg->kiosk_idle_s = 60;
	cfg->kiosk_attract_s = 300;
	cfg->kiosk_night_from_h = 21;
	cfg->kiosk_night_to_h = 6;
	snprintf(cfg->sync_ca, sizeof(cfg->sync_ca), "/etc/seuil/site-ca.pem");
	snprintf(cfg->sync_cert, sizeof(cfg->sync_cert), "/etc/seuil/device.pem");
	snprintf(cfg->sync_key, sizeof(cfg->sync_key), "/etc/seuil/device.key");
	cfg->sync_interval_s = 60;
	cfg->sync_connect_timeout_s = 10;
	cfg->sync_transfer_timeout_s = 60;
	cfg->sync_backoff_max_s = 600;
	cfg->sync_batch = 500;
	snprintf(cfg->sync_wake, sizeof(cfg->sync_wake), "/run/seuil-sync/sync.sock");
	snprintf(cfg->office_listen, sizeof(cfg->office_listen), "0.0.0.0");
	cfg->office_port = 8443;
	snprintf(cfg->office_cert, sizeof(cfg->office_cert), "/etc/seuil-office/server.pem");
	snprintf(cfg->office_key, sizeof(cfg->office_key), "/etc/seuil-office/server.key");
	snprintf(cfg->office_ca, sizeof(cfg->office_ca), "/etc/seuil-office/site-ca.pem");
	snprintf(cfg->office_db, sizeof(cfg->office_db), "/var/lib/seuil-office/office.db");
	snprintf(cfg->office_smtp_from, sizeof(cfg->office_smtp_from), "seuil@localhost");
	cfg->office_smtp_starttls = true;
}

int config_log_level(const char *name)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(name, names[i]) == 0)
			return i;
	}
	return -1;
}

struct parse {
	bool seen[sizeof(keys) / sizeof(keys[0])]; /* a key given twice is refused */
	struct seuil_config *cfg;
	char msg[256];  /* why the first refused line was refused */
	int msg_line;
	int line;
};

static int set_value(const struct key *k, struct seuil_config *cfg, const char *value, char *why, size_t len)
{
	char *field = (char *)cfg + k->offset, *end;
	long v;

	switch (k->type) {
	case KEY_STRING:
		if (strlen(value) >= k->size) {
			snprintf(why, len, "value longer than %zu characters", k->size - 1);
			return 0;
		}
		memcpy(field, value, strlen(value) + 1);
		return 1;
	case KEY_CHOICE: {
		size_t n = strlen(value);
		const char *p = k->choices;
		while ((p = strstr(p, value)) != NULL) {
			if ((p == k->choices || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0') && n > 0) {
				memcpy(field, value, n + 1);
				return 1;
			}
			p++;
		}
		snprintf(why, len, "\"%s\" is not one of: %s", value, k->choices);
		return 0;
	}
	case KEY_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "on") == 0 ||
		    strcmp(value, "1") == 0) {
			*(bool *)field = true;
			return 1;
		}
		if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(value, "0") == 0) {
			*(bool *)field = false;
			return 1;
		}
		snprintf(why, len, "\"%s\" is not yes or no", value);
		return 0;
	case KEY_UINT:
	case KEY_LINE:
		if (k->type == KEY_LINE && (strcmp(value, "none") == 0 || value[0] == '\0')) {
			*(int *)field = -1;
			return 1;
		}
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
			snprintf(why, len, "\"%s\" is not a whole number from %ld to %ld", value, k->min, k->max);
			return 0;
		}
		if (k->type == KEY_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(int *)field = (int)v;
		return 1;
	}
	return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	bool known_section = false;
	char why[200] = "";

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = true;
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (p->seen[i]) {
			if (p->msg[0] == '\0')
				snprintf(p->msg, sizeof(p->msg), "[%s] %s is given twice", section, name);
			return 0;
		}
		p->seen[i] = true;
		if (set_value(&keys[i], p->cfg, value, why, sizeof(why)))
			return 1;
		if (p->msg[0] == '\0')
			snprintf(p->msg, sizeof(p->msg), "[%s] %s: %s", section, name, why);
		return 0;
	}
	if (p->msg[0] == '\0') {
		if (known_section)
			snprintf(p->msg, sizeof(p->msg), "unknown key \"%s\" in section [%s]", name, section);
		else
			snprintf(p->msg, sizeof(p->msg), "unknown section [%s]", section);
	}
	return 0;
}

int config_load(const char *path, struct seuil_config *cfg, char *err, size_t errlen)
{
	struct parse p = { .cfg = cfg };
	struct seuil_config work = *cfg;
	struct stat sb;
	int line;

	if (stat(path, &sb) != 0)
		return err_set(err, errlen, errno == ENOENT ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_IO,
			       "cannot read configuration %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode) || sb.st_size > 256 * 1024)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s is not a configuration file", path);
	p.cfg = &work;
	line = ini_parse(path, on_value, &p);
	if (line < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read configuration %s", path);
	if (line > 0)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "%s:%d: %s", path, line,
			       p.msg[0] ? p.msg : "not a line of the form key = value");
	*cfg = work;
	return SEUIL_OK;
}
