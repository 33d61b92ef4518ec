/*
 * caldav_prefetch.c - the thread that sends each CalDAV room's first REPORT
 * ahead, and its one-slot hand-over (caldav_prefetch.h).  It knows which
 * request comes first and nothing else of WebDAV: caldav.c judges the reply.
 */
#include "caldav_prefetch.h"

#include "bookings.h"
#include "err.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_SLICE_MS 50 /* the caller's tick is called this often while it waits */

struct caldav_prefetch {
	struct caldav_http *http; /* the thread's own client */
	const struct room_calendar *rooms;
	size_t count;
	bool insecure_loopback;
	atomic_bool stop; /* read by the thread's progress callback */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* the slot filled or emptied, the thread ended, a stop */
	/* under lock */
	bool full;  /* slot holds the first request of room index */
	bool ended; /* the thread will post nothing more */
	size_t index;
	struct caldav_first slot;
};

bool caldav_prefetch_wanted(const struct room_calendar *room, bool insecure_loopback)
{
	char why[CALDAV_ERROR_MAX] = "";
	bool plain;

	return strcmp(room->feed, "ics") != 0 && caldav_url_check(room->url, insecure_loopback, &plain, why,
								  sizeof(why)) == SEUIL_OK;
}

/* the thread client's tick: non-zero aborts its transfer */
static int stopped(void *ctx)
{
	struct caldav_prefetch *p = ctx;

	return atomic_load(&p->stop) ? 1 : 0;
}

/* sends room's first request (as caldav.c's collect() would) into *f */
static void fetch(struct caldav_prefetch *p, const struct room_calendar *room, struct caldav_first *f)
{
	struct caldav_http_request req = { "REPORT", f->url, "0", NULL, NULL, NULL, 0 };
	char *body;

	memset(f, 0, sizeof(*f));
	snprintf(f->url, sizeof(f->url), "%s", room->url);
	snprintf(f->token, sizeof(f->token), "%s", room->sync_token);
	if ((body = caldav_body_sync(f->token, &req.len)) == NULL) {
		f->rc = err_set(f->err, sizeof(f->err), SEUIL_ERR_NOMEM, "out of memory");
		return;
	}
	req.body = body;
	f->rc = caldav_http_send(p->http, &req, &f->reply, f->err, sizeof(f->err));
	free(body);
}

static void *fetch_ahead(void *ctx)
{
	struct caldav_prefetch *p = ctx;

	for (size_t i = 0; i < p->count; i++) {
		struct caldav_first f;

		if (!caldav_prefetch_wanted(&p->rooms[i], p->insecure_loopback))
			continue;
		pthread_mutex_lock(&p->lock);
		while (p->full && !atomic_load(&p->stop))
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
		if (atomic_load(&p->stop))
			break;
		fetch(p, &p->rooms[i], &f);
		pthread_mutex_lock(&p->lock);
		p->slot = f;
		p->index = i;
		p->full = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->ended = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int caldav_prefetch_start(const struct caldav_http_options *o, const struct room_calendar *rooms, size_t count,
			  struct caldav_prefetch **out, char *err, size_t errlen)
{
	struct caldav_http_options mine = *o;
	struct caldav_prefetch *p = calloc(1, sizeof(*p));
	pthread_condattr_t attr;
	sigset_t all, old;
	int rc, made = 0; /* 1: the lock, 2: and the condition */

	if (p == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	p->rooms = rooms;
	p->count = count;
	p->insecure_loopback = o->insecure_loopback;
	atomic_init(&p->stop, false);
	mine.tick = stopped;
	mine.tick_ctx = p;
	if ((rc = caldav_http_new(&mine, &p->http, err, errlen)) != SEUIL_OK)
		goto fail;
	rc = SEUIL_ERR_NOMEM;
	if (pthread_mutex_init(&p->lock, NULL) != 0)
		goto fail;
	made = 1;
	if (pthread_condattr_init(&attr) != 0)
		goto fail;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&p->changed, &attr) != 0) {
		pthread_condattr_destroy(&attr);
		goto fail;
	}
	pthread_condattr_destroy(&attr);
	made = 2;
	/* signals are the main thread's (a daemon reads them from a signalfd) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, fetch_ahead, p) == 0 ? SEUIL_OK : SEUIL_ERR_NOMEM;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != SEUIL_OK)
		goto fail;
	*out = p;
	return SEUIL_OK;
fail:
	if (made == 2)
		pthread_cond_destroy(&p->changed);
	if (made >= 1)
		pthread_mutex_destroy(&p->lock);
	caldav_http_free(p->http);
	free(p);
	return err_set(err, errlen, rc, "cannot start the thread that fetches ahead");
}

/* now + ms on the monotonic clock */
static struct timespec after_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

bool caldav_prefetch_take(struct caldav_prefetch *p, size_t i, int (*tick)(void *ctx), void *tick_ctx,
			  struct caldav_first *first)
{
	bool got = false, ticked = false;
	struct timespec ts;

	if (p == NULL)
		return false;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->full && p->index < i) { /* a room the caller passed over */
			caldav_http_reply_release(&p->slot.reply);
			p->full = false;
			pthread_cond_broadcast(&p->changed);
			continue;
		}
		if (p->full || p->ended)
			break;
		if (!ticked) { /* keep the caller's watchdog fed, and hear its stop */
			pthread_mutex_unlock(&p->lock);
			if (tick != NULL && tick(tick_ctx) != 0)
				atomic_store(&p->stop, true);
			pthread_mutex_lock(&p->lock);
			ticked = true;
			continue;
		}
		ts = after_ms(WAIT_SLICE_MS);
		pthread_cond_timedwait(&p->changed, &p->lock, &ts);
		ticked = false;
	}
	if (p->full && p->index == i) {
		*first = p->slot;
		memset(&p->slot, 0, sizeof(p->slot));
		p->full = false;
		pthread_cond_broadcast(&p->changed);
		got = true;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

void caldav_prefetch_free(struct caldav_prefetch *p)
{
	if (p == NULL)
		return;
	atomic_store(&p->stop, true);
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	if (p->full)
		caldav_http_reply_release(&p->slot.reply);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	caldav_http_free(p->http);
	free(p);
}
