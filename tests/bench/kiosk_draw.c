/*
 * kiosk_draw.c - benchmark of a full redraw of each kiosk screen at
 * 1280x800 with SDL's software renderer (issue: the kiosk).
 *
 * Links the kiosk's own drawing code (ui_gfx.c, screen_*.c, ui_state.c,
 * ui_text.c) and, for each screen, draws it and presents it
 * SEUIL_BENCH_FRAMES times (default 300), timing draw + present.  The
 * video driver is SDL's "dummy" unless SDL_VIDEODRIVER says otherwise (run
 * it with SDL_VIDEODRIVER=x11 under Xvfb to count the copy to a real
 * window too).  Besides the steady redraw (every text texture cached) it
 * times the two cases that render text: home with a new clock each frame,
 * and the first frame of each screen (cache cold, the fonts' glyphs too).
 * It does not start seuil: tests/bench/kiosk.c measures the process.
 *
 * usage: kiosk_draw [DIR]   (DIR unused: the benchmarks' common signature)
 */
#include "bench_util.h"

#include "err.h"
#include "screens.h"
#include "ui_gfx.h"
#include "ui_state.h"
#include "ui_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TARGET_P99_MS 5.0

enum bench_screen {
	B_HOME_FR,
	B_HOME_EN,
	B_RESULT_GRANTED,
	B_RESULT_REFUSED,
	B_CHECKIN,
	B_CHECKOUT,
	B_STAFF,
	B_ATTRACT,
	B_COUNT
};

static const char *const names[B_COUNT] = {
	[B_HOME_FR] = "home (fr)",
	[B_HOME_EN] = "home (en)",
	[B_RESULT_GRANTED] = "badge result, granted",
	[B_RESULT_REFUSED] = "badge result, refused",
	[B_CHECKIN] = "visitor check-in",
	[B_CHECKOUT] = "visitor check-out",
	[B_STAFF] = "staff mode",
	[B_ATTRACT] = "attract (night)",
};

/* puts the state machine on screen b the way a person would get there */
static void enter(struct ui_state *s, enum bench_screen b)
{
	struct ui_actions act;
	struct ui_event ev = { .kind = UI_EV_BADGE };

	ui_state_init(s);
	s->lang = b == B_HOME_EN ? UI_LANG_EN : UI_LANG_FR;
	ui_text_set_lang(s->lang);
	switch (b) {
	case B_RESULT_GRANTED:
	case B_STAFF:
		ev.badge.granted = true;
		ev.badge.staff = b == B_STAFF;
		snprintf(ev.badge.first_name, sizeof(ev.badge.first_name), "Camille");
		snprintf(ev.badge.organisation, sizeof(ev.badge.organisation), "Scop BTP");
		snprintf(ev.badge.person, sizeof(ev.badge.person), "p-camille");
		ui_step(s, &ev, 1000, &act);
		if (b == B_STAFF)
			ui_staff_enter(s, 1000, &act);
		break;
	case B_RESULT_REFUSED:
		ev.badge.refusal = UI_REFUSAL_BLOCKED;
		ui_step(s, &ev, 1000, &act);
		break;
	case B_CHECKIN:
		ui_visitor_checkin(s, 1000, &act);
		break;
	case B_CHECKOUT:
		ui_visitor_checkout(s, 1000, &act);
		break;
	case B_ATTRACT:
		s->screen = UI_SCREEN_ATTRACT;
		break;
	default:
		break;
	}
}

static void draw(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info)
{
	switch (s->screen) {
	case UI_SCREEN_HOME: screen_home_draw(g, s, info); break;
	case UI_SCREEN_RESULT: screen_result_draw(g, s); break;
	case UI_SCREEN_CHECKIN: screen_checkin_draw(g, s); break;
	case UI_SCREEN_CHECKOUT: screen_checkout_draw(g, s); break;
	case UI_SCREEN_STAFF: screen_staff_draw(g, s); break;
	case UI_SCREEN_ATTRACT: screen_attract_draw(g, s, info); break;
	default: break; /* screens this benchmark does not enter */
	}
}

static int64_t frame(struct ui_gfx *g, const struct ui_state *s, const struct ui_home_info *info)
{
	int64_t t0 = bench_now_ns();

	draw(g, s, info);
	ui_present(g);
	return bench_now_ns() - t0;
}

static void print_stats(const char *what, int64_t *v, int n, bool target)
{
	int64_t p50 = bench_quantile(v, (size_t)n, 0.50), p99 = bench_quantile(v, (size_t)n, 0.99);

	printf("  %-34s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)", what, p50 / 1e6, p99 / 1e6,
	       v[n - 1] / 1e6, n);
	if (target)
		printf("  %s", p99 / 1e6 <= TARGET_P99_MS ? "ok" : "OVER");
	putchar('\n');
}

int main(int argc, char **argv)
{
	const char *env = getenv("SEUIL_BENCH_FRAMES");
	int n = env != NULL ? atoi(env) : 300;
	struct ui_home_info info = { .door_released = false };
	struct ui_gfx *g;
	struct ui_state s;
	char err[512] = "";
	int64_t *v, *all, cold[B_COUNT];
	int nall = 0;
	time_t now = time(NULL);

	(void)argc;
	(void)argv;
	if (n < 10)
		n = 10;
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	snprintf(info.site, sizeof(info.site), "Pôle de coopération");
	localtime_r(&now, &info.now);
	ui_text_init(NULL, UI_LANG_FR);
	/* windowed: exactly 1280x800; software renderer, as the issue asks */
	if (ui_gfx_open(true, true, &g, err, sizeof(err)) != SEUIL_OK) {
		fprintf(stderr, "bench kiosk_draw: %s\n", err);
		return 2;
	}
	v = calloc((size_t)n, sizeof(*v));
	all = calloc((size_t)n * B_COUNT, sizeof(*all));
	if (v == NULL || all == NULL)
		return 2;

	printf("full redraw at %dx%d, software renderer, video driver %s, %d frames per screen\n", UI_W, UI_H,
	       getenv("SDL_VIDEODRIVER"), n);
	printf("(draw + present; target p99 <= %.0f ms)\n", TARGET_P99_MS);
	for (int b = 0; b < B_COUNT; b++) {
		enter(&s, (enum bench_screen)b);
		cold[b] = frame(g, &s, &info);
		for (int i = 0; i < n; i++)
			v[i] = all[nall++] = frame(g, &s, &info);
		print_stats(names[b], v, n, true);
	}
	print_stats("every screen together", all, nall, true);

	/* home when the minute turns: the clock's text is rendered again */
	enter(&s, B_HOME_FR);
	for (int i = 0; i < n; i++) {
		info.now.tm_hour = (i / 60) % 24;
		info.now.tm_min = i % 60;
		v[i] = frame(g, &s, &info);
	}
	print_stats("home, a new minute each frame", v, n, true);

	printf("  first frame of each screen (text not cached yet):");
	for (int b = 0; b < B_COUNT; b++)
		printf("%s %.1f", b == 0 ? "" : ",", cold[b] / 1e6);
	printf(" ms\n");
	free(v);
	free(all);
	ui_gfx_close(g);
	return 0;
}
