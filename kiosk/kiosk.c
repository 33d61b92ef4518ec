/*
 * kiosk.c - the screen's event loop and the script player.  One loop: SDL
 * events wake it, and so do the door's descriptors through a small watcher
 * thread that only polls them and posts an SDL event (it reads nothing and
 * calls no door code); the loop then services the door itself, so every
 * door step runs on this thread, as in `seuil --headless`.  It sleeps in
 * SDL_WaitEventTimeout until an event, a door deadline, the result screen's
 * timeout or the next minute of the clock.
 */
#include "kiosk.h"

#include "appliance.h"
#include "clock.h"
#include "err.h"
#include "kiosk_services.h"
#include "log.h"
#include "screens.h"
#include "rooms.h"
#include "store.h"
#include "tz.h"
#include "ui_gfx.h"
#include "ui_state.h"
#include "ui_text.h"

#include <SDL.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define SCRIPT_LINE_MAX 1024
#define SCRIPT_WAIT_MAX 3600000L

struct kiosk {
	struct appliance *app;
	struct ui_gfx *g;
	struct ui_state ui;
	struct ui_home_info info;
	bool dirty;
	int64_t ui_deadline;
	int64_t virtual_ms; /* added to the monotonic clock: a script's waits */
	int shown_epoch_minute;
	struct tz *zone; /* the site's, for the clock; NULL: the system's */
	bool demo_keys; /* F1-F4 tap the sample badges */
	struct ui_visitor_services *visitor_svc;
	struct ui_staff_services *staff_svc;
	struct ui_book_services *book_svc;
	/* the watcher thread */
	SDL_Thread *thread;
	SDL_mutex *mu;
	int wake_fd;
	struct pollfd fds[APPLIANCE_FDS_MAX];
	int nfds;
	bool stop;
	Uint32 door_event;
};

static int64_t ui_now(const struct kiosk *k)
{
	return clock_mono_ms() + k->virtual_ms;
}

static const char *screen_name(enum ui_screen screen)
{
	static const char *const names[] = {
		[UI_SCREEN_HOME] = "home",	   [UI_SCREEN_RESULT] = "result", [UI_SCREEN_CHECKIN] = "checkin",
		[UI_SCREEN_CHECKOUT] = "checkout", [UI_SCREEN_STAFF] = "staff",	  [UI_SCREEN_ATTRACT] = "attract",
		[UI_SCREEN_ROOMS] = "rooms",	   [UI_SCREEN_BOOK] = "book",
	};
	return (size_t)screen < sizeof(names) / sizeof(names[0]) && names[screen] ? names[screen] : "?";
}

static void step(struct kiosk *k, const struct ui_event *ev)
{
	struct ui_actions act;
	enum ui_screen before = k->ui.screen;

	ui_step(&k->ui, ev, ui_now(k), &act);
	/* what tests and an installer follow with --verbose; never what was typed */
	if (k->ui.screen != before)
		log_debug("screen: %s -> %s", screen_name(before), screen_name(k->ui.screen));
	if (act.lang_changed)
		ui_text_set_lang(k->ui.lang);
	/* enrolment: the next card is the screen's, and the door does not move */
	appliance_capture(k->app, k->ui.screen == UI_SCREEN_STAFF && ui_staff_wants_card(&k->ui));
	if (act.redraw)
		k->dirty = true;
	k->ui_deadline = act.next_deadline;
}

static void on_decision(const struct access_decision *d, void *ctx)
{
	struct kiosk *k = ctx;
	struct ui_event ev = { .kind = UI_EV_BADGE };

	ui_badge_from_decision(d, &ev.badge);
	/* book now is offered only when a room can be booked now */
	if (d->granted && d->tenant[0] != '\0')
		ev.badge.can_book = kiosk_book_possible(k->app);
	step(k, &ev);
}

/* another process wrote to the store: a request answered, bookings synced */
static void on_store_change(void *ctx)
{
	struct kiosk *k = ctx;
	struct ui_event tick = { .kind = UI_EV_TICK, .minute_of_day = -1 };

	step(k, &tick);
	if (k->ui.screen == UI_SCREEN_HOME)
		k->dirty = true; /* today's bookings may have changed */
}

static void on_card(const char *uid_hex, void *ctx)
{
	struct kiosk *k = ctx;
	struct ui_event ev = { .kind = UI_EV_CARD, .card = uid_hex };

	step(k, &ev);
}

/* today's bookings per room, until the building's next midnight */
static void refresh_rooms(struct kiosk *k, int64_t now_s)
{
	int64_t start_ms, end_ms;
	char err[256] = "";

	k->info.rooms_count = 0;
	if (k->ui.screen != UI_SCREEN_HOME)
		return;
	if (store_site_day_start(appliance_store(k->app), now_s * 1000, &start_ms, err, sizeof(err)) != SEUIL_OK ||
	    store_site_day_start(appliance_store(k->app), start_ms + 30 * 3600 * 1000LL, &end_ms, err,
				 sizeof(err)) != SEUIL_OK ||
	    rooms_today(appliance_store(k->app), now_s, end_ms / 1000, k->info.rooms, UI_ROOMS_MAX,
			&k->info.rooms_count, err, sizeof(err)) != SEUIL_OK) {
		if (err[0] != '\0')
			log_debug("rooms: %s", err);
		k->info.rooms_count = 0;
	}
}

/*
 * The last sync as the building reads it: "14:27" today, "25/11 18:02"
 * another day; the store keeps UTC ("2026-11-26T13:27:03Z").
 */
static void local_when(const struct kiosk *k, const char *iso, time_t now, char *out, size_t len)
{
	struct tm tm = { 0 };
	struct tz_local then, today;
	int y, mo, d, h, mi, s;

	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s) != 6 || k->zone == NULL) {
		snprintf(out, len, "%s", iso);
		return;
	}
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s };
	tz_localtime(k->zone, (int64_t)timegm(&tm), &then);
	tz_localtime(k->zone, (int64_t)now, &today);
	if (then.days == today.days)
		snprintf(out, len, "%02d:%02d", then.minute / 60, then.minute % 60);
	else
		snprintf(out, len, "%02d/%02d %02d:%02d", then.day, then.month, then.minute / 60, then.minute % 60);
}

static void refresh_info(struct kiosk *k)
{
	struct store_summary sum = { 0 };
	char err[256] = "";
	time_t t = (time_t)(clock_wall_ms() / 1000);

	k->info.door_released = appliance_door_released(k->app);
	if (store_summarize(appliance_store(k->app), &sum, err, sizeof(err)) == SEUIL_OK) {
		snprintf(k->info.site, sizeof(k->info.site), "%s", sum.site);
		k->info.lockdown = sum.lockdown > 0;
		/* the clock shows the building's time, whatever the box's zone */
		if (sum.timezone[0] != '\0' && (k->zone == NULL || strcmp(tz_name(k->zone), sum.timezone) != 0)) {
			tz_free(k->zone);
			k->zone = NULL;
			if (tz_load(sum.timezone, &k->zone, err, sizeof(err)) != SEUIL_OK)
				log_warn("clock: %s", err);
		}
	}
	k->info.zone = k->zone;
	k->info.last_sync[0] = '\0';
	if (sum.last_sync[0] != '\0')
		local_when(k, sum.last_sync, t, k->info.last_sync, sizeof(k->info.last_sync));
	refresh_rooms(k, (int64_t)t);
	localtime_r(&t, &k->info.now);
	if (k->zone != NULL) {
		struct tz_local l;
		tz_localtime(k->zone, (int64_t)t, &l);
		k->info.now = (struct tm){ .tm_year = l.year - 1900, .tm_mon = l.month - 1, .tm_mday = l.day,
					   .tm_wday = (l.weekday + 1) % 7, .tm_hour = l.minute / 60,
					   .tm_min = l.minute % 60, .tm_sec = l.second };
	}
	k->shown_epoch_minute = (int)(t / 60);
}

static void draw(struct kiosk *k)
{
	refresh_info(k);
	switch (k->ui.screen) {
	case UI_SCREEN_HOME:
		screen_home_draw(k->g, &k->ui, &k->info);
		break;
	case UI_SCREEN_RESULT:
		screen_result_draw(k->g, &k->ui);
		break;
	case UI_SCREEN_CHECKIN:
		screen_checkin_draw(k->g, &k->ui);
		break;
	case UI_SCREEN_CHECKOUT:
		screen_checkout_draw(k->g, &k->ui);
		break;
	case UI_SCREEN_STAFF:
		screen_staff_draw(k->g, &k->ui);
		break;
	case UI_SCREEN_ATTRACT:
		screen_attract_draw(k->g, &k->ui, &k->info);
		break;
	case UI_SCREEN_ROOMS:
		screen_rooms_draw(k->g, &k->ui);
		break;
	case UI_SCREEN_BOOK:
		screen_book_draw(k->g, &k->ui);
		break;
	}
	k->dirty = false;
}

/* draws the current screen and shows it; the debug line marks the frame for tests and benchmarks */
static void show(struct kiosk *k)
{
	draw(k);
	ui_present(k->g);
	log_debug("frame presented: %s, %s", screen_name(k->ui.screen), k->ui.lang == UI_LANG_EN ? "en" : "fr");
}

/* one turn of the door without waiting */
static bool service_door(struct kiosk *k)
{
	struct pollfd fds[APPLIANCE_FDS_MAX];
	int nfds = appliance_fds(k->app, fds, APPLIANCE_FDS_MAX);
	bool released = appliance_door_released(k->app), running;

	if (poll(fds, (nfds_t)nfds, 0) < 0)
		nfds = 0;
	running = appliance_service(k->app, fds, nfds);
	if (appliance_door_released(k->app) != released && k->ui.screen == UI_SCREEN_HOME)
		k->dirty = true; /* the status line tells the door */
	return running;
}

/* ---- the watcher: the door's descriptors as SDL events ---- */

static int watcher(void *arg)
{
	struct kiosk *k = arg;
	struct pollfd p[APPLIANCE_FDS_MAX + 1];
	uint64_t v;

	for (;;) {
		int n;
		SDL_LockMutex(k->mu);
		if (k->stop) {
			SDL_UnlockMutex(k->mu);
			return 0;
		}
		n = k->nfds;
		memcpy(p + 1, k->fds, sizeof(k->fds[0]) * (size_t)n);
		SDL_UnlockMutex(k->mu);
		p[0] = (struct pollfd){ .fd = k->wake_fd, .events = POLLIN };
		if (poll(p, (nfds_t)n + 1, -1) < 0 && errno != EINTR)
			return 0;
		if (p[0].revents & POLLIN) {
			/* a new set, or the stop */
			if (read(k->wake_fd, &v, sizeof(v)) < 0)
				continue;
			continue;
		}
		SDL_Event ev = { .type = k->door_event };
		SDL_PushEvent(&ev);
		/* wait until the loop has serviced the door and hands over the set again */
		p[0].revents = 0;
		if (poll(p, 1, -1) > 0 && read(k->wake_fd, &v, sizeof(v)) < 0)
			continue;
	}
}

static void rearm_watcher(struct kiosk *k)
{
	uint64_t one = 1;

	SDL_LockMutex(k->mu);
	k->nfds = appliance_fds(k->app, k->fds, APPLIANCE_FDS_MAX);
	SDL_UnlockMutex(k->mu);
	if (write(k->wake_fd, &one, sizeof(one)) < 0)
		log_warn("waking the door watcher: %s", strerror(errno));
}

static int start_watcher(struct kiosk *k)
{
	k->door_event = SDL_RegisterEvents(1);
	k->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	k->mu = SDL_CreateMutex();
	if (k->door_event == (Uint32)-1 || k->wake_fd < 0 || k->mu == NULL)
		return SEUIL_ERR_IO;
	k->nfds = appliance_fds(k->app, k->fds, APPLIANCE_FDS_MAX);
	k->thread = SDL_CreateThread(watcher, "door-watch", k);
	return k->thread != NULL ? SEUIL_OK : SEUIL_ERR_IO;
}

static void stop_watcher(struct kiosk *k)
{
	uint64_t one = 1;

	if (k->thread != NULL) {
		SDL_LockMutex(k->mu);
		k->stop = true;
		SDL_UnlockMutex(k->mu);
		if (write(k->wake_fd, &one, sizeof(one)) < 0)
			log_warn("stopping the door watcher: %s", strerror(errno));
		SDL_WaitThread(k->thread, NULL);
	}
	if (k->mu != NULL)
		SDL_DestroyMutex(k->mu);
	if (k->wake_fd >= 0)
		close(k->wake_fd);
}

/* ---- the interactive loop ---- */

/*
 * The sample directory's badges (dist/examples/directory.json) on F1-F4, for
 * the demo: a welcome, a lost badge, the staff member, an unknown card.
 */
static void demo_tap(struct kiosk *k, int i)
{
	static const char *const uids[] = { "04A1B2C3D4E5F6", "04C0FFEE123456", "04DEADBEEF0042", "DEADBEEF" };
	int rc = appliance_tap(k->app, uids[i], NULL);

	if (rc != SEUIL_OK && rc != SEUIL_ERR_BUSY) {
		struct ui_event ev = { .kind = UI_EV_BADGE };
		ui_badge_fault(&ev.badge);
		step(k, &ev);
	}
}

/* the keys the screens understand, by the names scripts use */
static const char *key_name(SDL_Keycode sym)
{
	switch (sym) {
	case SDLK_ESCAPE: return "escape";
	case SDLK_BACKSPACE: return "backspace";
	case SDLK_RETURN:
	case SDLK_KP_ENTER: return "enter";
	case SDLK_TAB: return "tab";
	default: return NULL;
	}
}

static bool handle_sdl(struct kiosk *k, const SDL_Event *e)
{
	struct ui_event ev = { .kind = UI_EV_TAP };

	switch (e->type) {
	case SDL_QUIT:
		return false;
	case SDL_FINGERDOWN:
		/* normalized over the logical canvas by the renderer */
		ev.x = (int)(e->tfinger.x * UI_W);
		ev.y = (int)(e->tfinger.y * UI_H);
		step(k, &ev);
		break;
	case SDL_MOUSEBUTTONDOWN:
		if (e->button.which == SDL_TOUCH_MOUSEID)
			break; /* the same tap as its SDL_FINGERDOWN */
		ev.x = e->button.x;
		ev.y = e->button.y;
		step(k, &ev);
		break;
	case SDL_KEYDOWN: {
		const char *name = key_name(e->key.keysym.sym);
		if (k->demo_keys && e->key.keysym.sym >= SDLK_F1 && e->key.keysym.sym <= SDLK_F4) {
			demo_tap(k, (int)(e->key.keysym.sym - SDLK_F1));
			break;
		}
		if (name != NULL) {
			ev = (struct ui_event){ .kind = UI_EV_KEY, .key = name };
			step(k, &ev);
		}
		break;
	}
	case SDL_TEXTINPUT:
		ev = (struct ui_event){ .kind = UI_EV_TEXT, .text = e->text.text };
		step(k, &ev);
		break;
	case SDL_WINDOWEVENT:
		k->dirty = true;
		break;
	default:
		break;
	}
	return true;
}

static int wait_ms(struct kiosk *k)
{
	int64_t now = clock_mono_ms(), timeout = appliance_next_timeout(k->app, now);
	time_t t = (time_t)(clock_wall_ms() / 1000);

	if (k->ui_deadline > 0 && k->ui_deadline - ui_now(k) < timeout)
		timeout = k->ui_deadline - ui_now(k);
	if ((60 - t % 60) * 1000 < timeout)
		timeout = (60 - t % 60) * 1000;
	return timeout < 0 ? 0 : (int)timeout;
}

static int run_interactive(struct kiosk *k)
{
	bool running = true;

	if (start_watcher(k) != SEUIL_OK) {
		log_error("cannot start the door watcher");
		return 2;
	}
	show(k);
	while (running) {
		SDL_Event e;
		struct ui_event tick = { .kind = UI_EV_TICK, .minute_of_day = -1 };
		time_t t;

		if (SDL_WaitEventTimeout(&e, wait_ms(k))) {
			running = handle_sdl(k, &e);
			while (running && SDL_PollEvent(&e))
				running = handle_sdl(k, &e);
		}
		if (!service_door(k))
			running = false;
		rearm_watcher(k);
		tick.minute_of_day = k->info.now.tm_hour * 60 + k->info.now.tm_min;
		step(k, &tick);
		t = (time_t)(clock_wall_ms() / 1000);
		/* every zone's minutes turn together */
		if ((int)(t / 60) != k->shown_epoch_minute)
			k->dirty = true;
		if (k->dirty && running)
			show(k);
	}
	stop_watcher(k);
	log_info("stopping: door locked");
	return 0;
}

/* ---- the script player ---- */

static bool shot_name_ok(const char *name)
{
	if (name[0] == '\0' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* one line of a script; returns false with a message in err */
static bool play_line(struct kiosk *k, char *line, const char *dir, char *err, size_t errlen)
{
	char *verb = strtok(line, " \t"), *arg = strtok(NULL, ""), *a2;
	struct ui_event ev = { .kind = UI_EV_TICK, .minute_of_day = k->info.now.tm_hour * 60 + k->info.now.tm_min };
	long x, y;

	if (arg != NULL)
		arg += strspn(arg, " \t");
	if (strcmp(verb, "tap") == 0) {
		a2 = arg != NULL ? strtok(arg, " \t") : NULL;
		arg = a2 != NULL ? strtok(NULL, " \t") : NULL;
		if (a2 == NULL || arg == NULL || !parse_int(a2, 0, UI_W - 1, &x) || !parse_int(arg, 0, UI_H - 1, &y))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "tap wants X Y inside %dx%d", UI_W, UI_H), false;
		ev = (struct ui_event){ .kind = UI_EV_TAP, .x = (int)x, .y = (int)y };
		step(k, &ev);
	} else if (strcmp(verb, "badge") == 0) {
		if (arg == NULL || arg[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_INVALID, "badge wants a UID in hex"), false;
		int rc = appliance_tap(k->app, arg, NULL);
		if (rc != SEUIL_OK && rc != SEUIL_ERR_BUSY) {
			/* no decision: the door stayed shut; the person is told so */
			ev.kind = UI_EV_BADGE;
			ui_badge_fault(&ev.badge);
			step(k, &ev);
		}
	} else if (strcmp(verb, "type") == 0) {
		if (arg == NULL || arg[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_INVALID, "type wants some text"), false;
		ev = (struct ui_event){ .kind = UI_EV_TEXT, .text = arg };
		step(k, &ev);
	} else if (strcmp(verb, "key") == 0) {
		if (arg == NULL || arg[0] == '\0')
			return err_set(err, errlen, SEUIL_ERR_INVALID, "key wants a name"), false;
		ev = (struct ui_event){ .kind = UI_EV_KEY, .key = arg };
		step(k, &ev);
	} else if (strcmp(verb, "wait") == 0) {
		if (arg == NULL || !parse_int(arg, 0, SCRIPT_WAIT_MAX, &x))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "wait wants 0 to %ld ms", SCRIPT_WAIT_MAX), false;
		k->virtual_ms += x;
		step(k, &ev);
	} else if (strcmp(verb, "lang") == 0) {
		if (arg == NULL || (strcmp(arg, "fr") != 0 && strcmp(arg, "en") != 0))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "lang wants fr or en"), false;
		ev = (struct ui_event){ .kind = UI_EV_LANG, .lang = strcmp(arg, "en") == 0 ? UI_LANG_EN : UI_LANG_FR };
		step(k, &ev);
	} else if (strcmp(verb, "shot") == 0) {
		char path[PATH_MAX];
		if (arg == NULL || !shot_name_ok(arg))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "shot wants a name of letters, digits, - and _"),
			       false;
		snprintf(path, sizeof(path), "%s/%s.png", dir, arg);
		draw(k);
		if (ui_gfx_screenshot(k->g, path, err, errlen) != SEUIL_OK)
			return false;
		ui_present(k->g);
	} else {
		return err_set(err, errlen, SEUIL_ERR_INVALID, "unknown command \"%.32s\"", verb), false;
	}
	return true;
}

static int run_script(struct kiosk *k, const char *path, const char *dir)
{
	FILE *f = fopen(path, "r");
	char line[SCRIPT_LINE_MAX + 2], err[512] = "";
	int lineno = 0, rc = 0;

	if (f == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return 2;
	}
	draw(k);
	ui_present(k->g);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		char *p = line;
		lineno++;
		if (n > SCRIPT_LINE_MAX) {
			log_error("%s:%d: line longer than %d bytes", path, lineno, SCRIPT_LINE_MAX);
			rc = 1;
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (!play_line(k, p, dir, err, sizeof(err))) {
			log_error("%s:%d: %s", path, lineno, err);
			rc = 1;
			break;
		}
		SDL_PumpEvents();
		service_door(k);
		if (k->dirty) {
			draw(k);
			ui_present(k->g);
		}
	}
	fclose(f);
	return rc;
}

int kiosk_run(const struct seuil_config *cfg, const char *db_path, const struct kiosk_options *opt)
{
	struct seuil_config own = *cfg;
	struct kiosk k = { .wake_fd = -1 };
	char tmp[] = "/tmp/seuil-script.XXXXXX", err[512] = "";
	bool scripted = opt->script != NULL;
	int rc;

	if (scripted) {
		/* no reader, a simulated door nobody else sees */
		if (mkdtemp(tmp) == NULL) {
			log_error("mkdtemp: %s", strerror(errno));
			return 2;
		}
		own.reader_enabled = false;
		snprintf(own.door_backend, sizeof(own.door_backend), "sim");
		snprintf(own.sim_log, sizeof(own.sim_log), "%s/door.log", tmp);
		snprintf(own.sim_control, sizeof(own.sim_control), "%s/door.sock", tmp);
	}
	rc = appliance_open(&own, db_path, &k.app);
	if (rc != 0)
		goto out;
	appliance_on_decision(k.app, on_decision, &k);
	appliance_on_capture(k.app, on_card, &k);
	appliance_on_store_change(k.app, on_store_change, &k);
	ui_state_init(&k.ui);
	k.ui.idle_ms = (int64_t)own.kiosk_idle_s * 1000;
	k.ui.attract_ms = (int64_t)own.kiosk_attract_s * 1000;
	k.ui.night_from_min = (int)own.kiosk_night_from_h * 60;
	k.ui.night_to_min = (int)own.kiosk_night_to_h * 60;
	k.demo_keys = own.kiosk_demo_keys;
	k.visitor_svc = kiosk_visitor_services(k.app);
	k.staff_svc = kiosk_staff_services(k.app);
	k.book_svc = kiosk_book_services(k.app);
	if (k.visitor_svc == NULL || k.staff_svc == NULL || k.book_svc == NULL) {
		log_error("out of memory");
		rc = 2;
		goto out;
	}
	k.ui.visitor_svc = k.visitor_svc;
	k.ui.staff_svc = k.staff_svc;
	k.ui.book_svc = k.book_svc;
	ui_text_init(NULL, k.ui.lang);
	/* the software renderer: a full redraw takes 1-2 ms (tests/bench/kiosk_draw) and no GL stack is loaded */
	if (ui_gfx_open(opt->windowed || scripted, true, &k.g, err, sizeof(err)) != SEUIL_OK) {
		log_error("%s", err);
		rc = 2;
		goto out;
	}
	log_info("screen ready");
	rc = scripted ? run_script(&k, opt->script, opt->screenshots != NULL ? opt->screenshots : ".")
		      : run_interactive(&k);
out:
	kiosk_visitor_services_free(k.visitor_svc);
	kiosk_staff_services_free(k.staff_svc);
	kiosk_book_services_free(k.book_svc);
	ui_gfx_close(k.g);
	appliance_close(k.app);
	tz_free(k.zone);
	if (scripted) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/door.log", tmp);
		unlink(p);
		snprintf(p, sizeof(p), "%s/door.sock", tmp);
		unlink(p);
		rmdir(tmp);
	}
	return rc;
}
