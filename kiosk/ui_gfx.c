/*
 * ui_gfx.c - window, renderer, fonts and the text texture cache.  Fonts
 * come from the system (fonts-dejavu-core first, then Noto, then
 * Liberation), never from the repository.  It draws what it is told and
 * keeps no screen state beyond the cache.
 */
#include "ui_gfx.h"

#include "err.h"
#include "log.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 128
#define CACHE_TEXT_MAX 512

struct cached_text {
	SDL_Texture *tex;
	int w, h;
	enum ui_font font;
	uint32_t rgba;
	int wrap;
	uint64_t used; /* the draw count when last used, for eviction */
	char text[CACHE_TEXT_MAX];
};

struct ui_gfx {
	SDL_Window *win;
	SDL_Renderer *ren;
	TTF_Font *font[UI_FONT_COUNT];
	struct cached_text cache[CACHE_SIZE];
	uint64_t draws;
	bool text_error_logged;
	bool ttf_up, img_up;
};

static const char *const regular_paths[] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
};
static const char *const bold_paths[] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
};

static const struct {
	int px;
	bool bold;
} font_spec[UI_FONT_COUNT] = {
	[UI_FONT_SMALL] = { 22, false }, [UI_FONT_BODY] = { 32, false }, [UI_FONT_BODY_B] = { 32, true },
	[UI_FONT_TITLE] = { 56, true },  [UI_FONT_HUGE] = { 132, true }, [UI_FONT_ICON] = { 120, true },
};

static TTF_Font *open_font(int px, bool bold)
{
	const char *const *paths = bold ? bold_paths : regular_paths;
	size_t n = bold ? sizeof(bold_paths) / sizeof(bold_paths[0]) : sizeof(regular_paths) / sizeof(regular_paths[0]);

	for (size_t i = 0; i < n; i++) {
		TTF_Font *f = TTF_OpenFont(paths[i], px);
		if (f != NULL)
			return f;
	}
	return NULL;
}

int ui_gfx_open(bool windowed, bool software, struct ui_gfx **out, char *err, size_t errlen)
{
	struct ui_gfx *g = calloc(1, sizeof(*g));
	Uint32 flags = SDL_WINDOW_SHOWN | (windowed ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS);
	SDL_DisplayMode dm;
	int w = UI_W, h = UI_H;

	*out = NULL;
	if (g == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
	/* the software renderer's frame goes to X directly (XShm), not through a GL
	 * texture: Mesa stays out of the process (RSS 22 MB instead of 110 MB) */
	if (software)
		SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		err_set(err, errlen, SEUIL_ERR_IO, "SDL: %s", SDL_GetError());
		goto fail;
	}
	if (TTF_Init() != 0) {
		err_set(err, errlen, SEUIL_ERR_IO, "SDL_ttf: %s", TTF_GetError());
		goto fail;
	}
	g->ttf_up = true;
	if ((IMG_Init(IMG_INIT_PNG) & IMG_INIT_PNG) == 0) {
		err_set(err, errlen, SEUIL_ERR_IO, "SDL_image: %s", IMG_GetError());
		goto fail;
	}
	g->img_up = true;
	for (int i = 0; i < UI_FONT_COUNT; i++) {
		g->font[i] = open_font(font_spec[i].px, font_spec[i].bold);
		if (g->font[i] == NULL) {
			err_set(err, errlen, SEUIL_ERR_NOT_FOUND,
				"no font found (install fonts-dejavu-core): %s", TTF_GetError());
			goto fail;
		}
	}
	/* full screen at the panel's size: on a bare X server (no window manager) nobody resizes it */
	if (!windowed && SDL_GetDesktopDisplayMode(0, &dm) == 0 && dm.w > 0 && dm.h > 0) {
		w = dm.w;
		h = dm.h;
	}
	g->win = SDL_CreateWindow("Seuil", windowed ? SDL_WINDOWPOS_CENTERED : 0, windowed ? SDL_WINDOWPOS_CENTERED : 0,
				  w, h, flags);
	if (g->win == NULL) {
		err_set(err, errlen, SEUIL_ERR_IO, "SDL window: %s", SDL_GetError());
		goto fail;
	}
	g->ren = SDL_CreateRenderer(g->win, -1, software ? SDL_RENDERER_SOFTWARE : 0);
	if (g->ren == NULL && !software)
		g->ren = SDL_CreateRenderer(g->win, -1, SDL_RENDERER_SOFTWARE);
	if (g->ren == NULL) {
		err_set(err, errlen, SEUIL_ERR_IO, "SDL renderer: %s", SDL_GetError());
		goto fail;
	}
	SDL_RenderSetLogicalSize(g->ren, UI_W, UI_H);
	SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
	if (!windowed)
		SDL_ShowCursor(SDL_DISABLE);
	*out = g;
	return SEUIL_OK;
fail:
	ui_gfx_close(g);
	return SEUIL_ERR_IO;
}

void ui_gfx_close(struct ui_gfx *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < CACHE_SIZE; i++)
		if (g->cache[i].tex != NULL)
			SDL_DestroyTexture(g->cache[i].tex);
	for (int i = 0; i < UI_FONT_COUNT; i++)
		if (g->font[i] != NULL)
			TTF_CloseFont(g->font[i]);
	if (g->ren != NULL)
		SDL_DestroyRenderer(g->ren);
	if (g->win != NULL)
		SDL_DestroyWindow(g->win);
	if (g->img_up)
		IMG_Quit();
	if (g->ttf_up)
		TTF_Quit();
	SDL_Quit();
	free(g);
}

SDL_Renderer *ui_gfx_renderer(struct ui_gfx *g)
{
	return g->ren;
}

void ui_gfx_to_logical(struct ui_gfx *g, float wx, float wy, int *x, int *y)
{
	float lx, ly;

	SDL_RenderWindowToLogical(g->ren, (int)wx, (int)wy, &lx, &ly);
	*x = (int)lx;
	*y = (int)ly;
}

void ui_clear(struct ui_gfx *g, SDL_Color c)
{
	SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, 255);
	SDL_RenderClear(g->ren);
	g->draws++;
}

void ui_fill(struct ui_gfx *g, const struct ui_rect *r, SDL_Color c)
{
	SDL_Rect sr = { r->x, r->y, r->w, r->h };

	SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(g->ren, &sr);
}

void ui_frame(struct ui_gfx *g, const struct ui_rect *r, int thickness, SDL_Color c)
{
	SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, c.a);
	for (int i = 0; i < thickness; i++) {
		SDL_Rect sr = { r->x + i, r->y + i, r->w - 2 * i, r->h - 2 * i };
		SDL_RenderDrawRect(g->ren, &sr);
	}
}

static uint32_t rgba_of(SDL_Color c)
{
	return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* the cached texture of text, made on a miss; NULL when it cannot be */
static struct cached_text *text_texture(struct ui_gfx *g, enum ui_font f, SDL_Color c, int wrap, const char *text)
{
	uint32_t rgba = rgba_of(c);
	struct cached_text *slot = &g->cache[0];
	SDL_Surface *surf;

	for (int i = 0; i < CACHE_SIZE; i++) {
		struct cached_text *e = &g->cache[i];
		if (e->tex != NULL && e->font == f && e->rgba == rgba && e->wrap == wrap && strcmp(e->text, text) == 0) {
			e->used = g->draws;
			return e;
		}
		if (e->tex == NULL || (slot->tex != NULL && e->used < slot->used))
			slot = e;
	}
	if (strlen(text) >= CACHE_TEXT_MAX)
		return NULL;
	surf = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(g->font[f], text, c, (Uint32)wrap)
			: TTF_RenderUTF8_Blended(g->font[f], text, c);
	if (surf == NULL) {
		if (!g->text_error_logged)
			log_warn("text: %s", TTF_GetError());
		g->text_error_logged = true;
		return NULL;
	}
	if (slot->tex != NULL)
		SDL_DestroyTexture(slot->tex);
	slot->tex = SDL_CreateTextureFromSurface(g->ren, surf);
	slot->w = surf->w;
	slot->h = surf->h;
	SDL_FreeSurface(surf);
	if (slot->tex == NULL)
		return NULL;
	slot->font = f;
	slot->rgba = rgba;
	slot->wrap = wrap;
	slot->used = g->draws;
	snprintf(slot->text, sizeof(slot->text), "%s", text);
	return slot;
}

int ui_text(struct ui_gfx *g, enum ui_font f, SDL_Color c, int x, int y, enum ui_align align, int wrap,
	    const char *text)
{
	struct cached_text *e;
	SDL_Rect dst;

	if (text == NULL || text[0] == '\0')
		return 0;
	if (wrap > 0 && align == UI_CENTER)
		TTF_SetFontWrappedAlign(g->font[f], TTF_WRAPPED_ALIGN_CENTER);
	else if (wrap > 0)
		TTF_SetFontWrappedAlign(g->font[f], TTF_WRAPPED_ALIGN_LEFT);
	e = text_texture(g, f, c, wrap, text);
	if (e == NULL)
		return 0;
	dst = (SDL_Rect){ x, y, e->w, e->h };
	if (align == UI_CENTER)
		dst.x = x - e->w / 2;
	else if (align == UI_RIGHT)
		dst.x = x - e->w;
	SDL_RenderCopy(g->ren, e->tex, NULL, &dst);
	return e->h;
}

void ui_button(struct ui_gfx *g, const struct ui_rect *r, SDL_Color bg, SDL_Color fg, SDL_Color frame,
	       enum ui_font f, const char *label)
{
	int h;

	ui_fill(g, r, bg);
	ui_frame(g, r, 3, frame);
	if (label == NULL)
		return;
	h = TTF_FontHeight(g->font[f]);
	ui_text(g, f, fg, r->x + r->w / 2, r->y + (r->h - h) / 2, UI_CENTER, 0, label);
}

void ui_present(struct ui_gfx *g)
{
	SDL_RenderPresent(g->ren);
}

int ui_gfx_screenshot(struct ui_gfx *g, const char *path, char *err, size_t errlen)
{
	int w, h, rc = SEUIL_OK;
	SDL_Surface *s;

	if (SDL_GetRendererOutputSize(g->ren, &w, &h) != 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "screenshot: %s", SDL_GetError());
	s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	if (s == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "screenshot: %s", SDL_GetError());
	/* read the whole output, not the logical viewport */
	SDL_RenderSetViewport(g->ren, NULL);
	if (SDL_RenderReadPixels(g->ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0)
		rc = err_set(err, errlen, SEUIL_ERR_IO, "screenshot: %s", SDL_GetError());
	else if (IMG_SavePNG(s, path) != 0)
		rc = err_set(err, errlen, SEUIL_ERR_IO, "%s: %s", path, IMG_GetError());
	SDL_FreeSurface(s);
	return rc;
}

void ui_text_fit(struct ui_gfx *g, enum ui_font f, int width, const char *text, char *out, size_t outlen)
{
	size_t n;
	int w = 0;

	snprintf(out, outlen, "%s", text);
	if (TTF_SizeUTF8(g->font[f], out, &w, NULL) != 0 || w <= width)
		return;
	n = strlen(out);
	while (n > 0) {
		/* back one whole UTF-8 character, then try with the ellipsis */
		do
			n--;
		while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80);
		if (n + sizeof("…") > outlen)
			continue;
		memcpy(out + n, "…", sizeof("…"));
		if (TTF_SizeUTF8(g->font[f], out, &w, NULL) == 0 && w <= width)
			return;
	}
	snprintf(out, outlen, "…");
}
