/*
 * config.h - the appliance's configuration file (INI, parsed with inih),
 * shared by seuil and seuil-sync: every key with its default, range-checked,
 * documented in docs/configuration.md and dist/seuil.conf.example.
 *
 * config_load() fills a plain struct the caller owns; it keeps no state.
 * An unknown section or key, or a value out of range, is an error naming the
 * file and line, so that a typo never silently changes how a door behaves.
 */
#ifndef SEUIL_CONFIG_H
#define SEUIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_DEFAULT_PATH "/etc/seuil/seuil.conf"
#define CONFIG_PATH_MAX 512

struct seuil_config {
	/* [device] */
	char device_id[64];            /* reported to the office; "" = keep the store's */
	char door[64];                 /* door of the directory this box controls; "" = the first */
	/* [store] */
	char db[CONFIG_PATH_MAX];      /* "" = --db, $SEUIL_DB, then the default path */
	/* [reader] */
	bool reader_enabled;
	char connstring[256];          /* libnfc connstring; "" = libnfc's default device */
	unsigned poll_period_ms;
	unsigned present_check_ms;
	unsigned backoff_max_ms;
	/* [door] */
	char door_backend[16];         /* "gpiod" or "sim" */
	bool maglock;                  /* lock = maglock: fail-safe, relay energized = locked */
	unsigned held_open_s;
	unsigned rex_unlock_ms;
	unsigned beep_grant_ms, beep_deny_ms, led_ms;
	/* [gpio] */
	char gpio_chip[64];
	int gpio_relay, gpio_contact, gpio_rex, gpio_fire, gpio_tamper;
	int gpio_led_green, gpio_led_red, gpio_buzzer;
	bool gpio_inputs_active_low;
	/* [sim] */
	char sim_log[CONFIG_PATH_MAX];
	char sim_control[CONFIG_PATH_MAX];
	/* [log] */
	char log_level[16];            /* error, warning, info, debug */
	/* [kiosk]: the screen */
	unsigned kiosk_idle_s;         /* a form left alone this long goes home, wiped */
	unsigned kiosk_attract_s;      /* home left alone this long at night dims; 0 = never */
	unsigned kiosk_night_from_h;   /* night: from this hour ... */
	unsigned kiosk_night_to_h;     /* ... to this one (local time) */
	bool kiosk_demo_keys;          /* F1-F4 tap the sample directory's badges (demo only) */
	/* [retention] */
	unsigned visitor_days;
	/* [sync]: seuil-sync, the kiosk's side of the office API */
	char sync_url[512];            /* https://office.example:8443; "" = no office */
	char sync_ca[CONFIG_PATH_MAX]; /* site CA the office's certificate must chain to */
	char sync_cert[CONFIG_PATH_MAX];
	char sync_key[CONFIG_PATH_MAX];
	char sync_pin[256];            /* "sha256//BASE64[;sha256//...]", "" = no pin */
	unsigned sync_interval_s;
	unsigned sync_connect_timeout_s;
	unsigned sync_transfer_timeout_s;
	unsigned sync_backoff_max_s;
	unsigned sync_batch;           /* events per push */
	char sync_wake[CONFIG_PATH_MAX]; /* AF_UNIX socket the kiosk pokes to sync now */
	/* [sync]: the rooms' calendars (sync/caldav.h) */
	char sync_calendar_user[128];  /* HTTP Basic user, over TLS only; "" = none */
	char sync_calendar_password_file[CONFIG_PATH_MAX]; /* its password, mode 0600 */
	char sync_calendar_ca[CONFIG_PATH_MAX]; /* CAs for the calendar servers; "" = the system's store */
	/* [office]: seuil-office, the reference office server */
	char office_listen[64];        /* address to bind */
	unsigned office_port;
	char office_cert[CONFIG_PATH_MAX];
	char office_key[CONFIG_PATH_MAX];
	char office_ca[CONFIG_PATH_MAX]; /* client certificates must chain to it */
	char office_db[CONFIG_PATH_MAX];
	char office_smtp_url[512];     /* smtp://relay:25 or smtps://...; "" = no e-mail */
	char office_smtp_from[256];
	char office_smtp_user[128];
	char office_smtp_password_file[CONFIG_PATH_MAX];
	bool office_smtp_starttls;     /* require STARTTLS on smtp:// */
};

/* Fills cfg with every default (sim door, reader on libnfc's default device). */
void config_defaults(struct seuil_config *cfg);
/*
 * Reads path over the values already in cfg.  Returns SEUIL_OK,
 * SEUIL_ERR_NOT_FOUND when the file does not exist, SEUIL_ERR_IO, or
 * SEUIL_ERR_INVALID with "path:line: what" in err.
 */
int config_load(const char *path, struct seuil_config *cfg, char *err, size_t errlen);
/* Parses a log level name; returns -1 when unknown. */
int config_log_level(const char *name);

#endif
