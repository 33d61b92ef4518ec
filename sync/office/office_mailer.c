/*
 * office_mailer.c - the thread that sends the office's queued e-mails
 * (a host told their visitor has arrived) with libcurl's SMTP to the relay
 * of [office] smtp_url, and, once an hour, forgets what the retention says
 * (office_store_purge()).  What a mail says, and when it is tried again,
 * is access/office_mail.c's; this file only carries it.
 */
#include "office.h"

#include "clock.h"
#include "err.h"
#include "log.h"
#include "office_store.h"
#include "store.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PURGE_EVERY_MS (3600 * 1000)
#define IDLE_WAIT_MS 1000
#define SMTP_CONNECT_TIMEOUT_S 10L
#define SMTP_TIMEOUT_S 60L

struct office_mailer {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop, woken;    /* under lock */
	atomic_bool halting; /* stop, for libcurl's progress callback: ends a transfer in progress */
	struct store *st;
	char url[512], from[256], user[128], password[256];
	bool starttls;
};

struct upload {
	const char *data;
	size_t left;
};

static size_t read_message(char *buf, size_t size, size_t n, void *ctx)
{
	struct upload *up = ctx;
	size_t len = size * n < up->left ? size * n : up->left;

	memcpy(buf, up->data, len);
	up->data += len;
	up->left -= len;
	return len;
}

/* a stop ends the transfer in progress: the mail stays queued, to be sent at the next start */
static int transfer_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct office_mailer *ml = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&ml->halting) ? 1 : 0;
}

/* one attempt at one mail; err gets curl's one-line reason */
static int send_mail(struct office_mailer *ml, const struct office_mail *m, char *err, size_t errlen)
{
	char from[260], rcpt[260], curl_err[CURL_ERROR_SIZE] = "", *msg = NULL;
	struct curl_slist *rcpts = NULL;
	struct upload up;
	size_t len = 0;
	CURL *c;
	CURLcode res;
	int rc = office_mail_message(m, ml->from, &msg, &len, err, errlen);

	if (rc != SEUIL_OK)
		return rc;
	snprintf(from, sizeof(from), "<%s>", ml->from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", m->rcpt);
	up.data = msg;
	up.left = len;
	if ((c = curl_easy_init()) == NULL || (rcpts = curl_slist_append(NULL, rcpt)) == NULL) {
		curl_easy_cleanup(c);
		free(msg);
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	}
	curl_easy_setopt(c, CURLOPT_URL, ml->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_USE_SSL, ml->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SMTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, transfer_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, ml);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (ml->user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, ml->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, ml->password);
	}
	res = curl_easy_perform(c);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	free(msg);
	if (res != CURLE_OK)
		return err_set(err, errlen, SEUIL_ERR_NETWORK, "%s", curl_err[0] ? curl_err : curl_easy_strerror(res));
	return SEUIL_OK;
}

static void send_due(struct office_mailer *ml)
{
	struct office_mail m;
	char err[512];
	int rc;

	for (;;) {
		err[0] = '\0';
		if (atomic_load(&ml->halting))
			return;
		rc = office_mail_next(ml->st, clock_wall_ms(), &m, err, sizeof(err));
		if (rc == SEUIL_ERR_NOT_FOUND)
			return;
		if (rc != SEUIL_OK) {
			log_warn("reading the e-mail queue: %s", err);
			return;
		}
		rc = send_mail(ml, &m, err, sizeof(err));
		if (atomic_load(&ml->halting) && rc != SEUIL_OK)
			return; /* cut short by the stop: not an attempt that failed */
		if (rc == SEUIL_OK)
			log_info("e-mail %lld sent", (long long)m.id);
		else
			log_warn("e-mail %lld, attempt %d: %s", (long long)m.id, m.attempts + 1, err);
		if (office_mail_done(ml->st, m.id, rc == SEUIL_OK, err, clock_wall_ms(), err, sizeof(err)) != SEUIL_OK) {
			log_warn("recording e-mail %lld: %s", (long long)m.id, err);
			return;
		}
	}
}

static void purge(struct office_mailer *ml)
{
	struct office_purge_counts c;
	char err[512] = "";

	if (office_store_purge(ml->st, clock_wall_ms(), &c, err, sizeof(err)) != SEUIL_OK)
		log_warn("purge: %s", err);
	else if (c.changes + c.events + c.commands + c.mails > 0)
		log_info("purge: %lld changes, %lld events, %lld commands, %lld e-mails forgotten", (long long)c.changes,
			 (long long)c.events, (long long)c.commands, (long long)c.mails);
}

static void *run(void *arg)
{
	struct office_mailer *ml = arg;
	int64_t last_purge = clock_mono_ms() - PURGE_EVERY_MS;
	struct timespec until;

	for (;;) {
		if (clock_mono_ms() - last_purge >= PURGE_EVERY_MS) {
			purge(ml);
			last_purge = clock_mono_ms();
		}
		if (ml->url[0] != '\0')
			send_due(ml);
		pthread_mutex_lock(&ml->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += IDLE_WAIT_MS / 1000;
		while (!ml->stop && !ml->woken) {
			if (pthread_cond_timedwait(&ml->cond, &ml->lock, &until) == ETIMEDOUT)
				break;
		}
		ml->woken = false;
		if (ml->stop) {
			pthread_mutex_unlock(&ml->lock);
			break;
		}
		pthread_mutex_unlock(&ml->lock);
	}
	return NULL;
}

/* the first line of the password file, without its line end */
static int read_password(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot read the SMTP password file %s: %s", path,
			       strerror(errno));
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return SEUIL_OK;
}

int office_mailer_start(const char *db, const struct seuil_config *cfg, struct office_mailer **out, char *err,
			size_t errlen)
{
	struct office_mailer *ml = calloc(1, sizeof(*ml));
	pthread_condattr_t attr;
	int rc;

	if (ml == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&ml->lock, NULL);
	atomic_init(&ml->halting, false);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ml->cond, &attr);
	pthread_condattr_destroy(&attr);
	snprintf(ml->url, sizeof(ml->url), "%s", cfg->office_smtp_url);
	snprintf(ml->from, sizeof(ml->from), "%s", cfg->office_smtp_from);
	snprintf(ml->user, sizeof(ml->user), "%s", cfg->office_smtp_user);
	ml->starttls = cfg->office_smtp_starttls;
	if (ml->url[0] != '\0' && strncmp(ml->url, "smtp://", 7) != 0 && strncmp(ml->url, "smtps://", 8) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_INVALID, "[office] smtp_url must start with smtp:// or smtps://");
		goto fail;
	}
	if (cfg->office_smtp_password_file[0] != '\0' &&
	    (rc = read_password(cfg->office_smtp_password_file, ml->password, sizeof(ml->password), err, errlen)) !=
		    SEUIL_OK)
		goto fail;
	if ((rc = office_store_open(db, 0, &ml->st, err, errlen)) != SEUIL_OK)
		goto fail;
	if (pthread_create(&ml->thread, NULL, run, ml) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "cannot start the mail thread");
		goto fail;
	}
	ml->started = true;
	if (ml->url[0] == '\0')
		log_info("no [office] smtp_url: hosts are not told of their visitors by e-mail");
	*out = ml;
	return SEUIL_OK;
fail:
	office_mailer_stop(ml);
	return rc;
}

void office_mailer_wake(struct office_mailer *ml)
{
	if (ml == NULL)
		return;
	pthread_mutex_lock(&ml->lock);
	ml->woken = true;
	pthread_cond_signal(&ml->cond);
	pthread_mutex_unlock(&ml->lock);
}

void office_mailer_stop(struct office_mailer *ml)
{
	if (ml == NULL)
		return;
	if (ml->started) {
		atomic_store(&ml->halting, true);
		pthread_mutex_lock(&ml->lock);
		ml->stop = true;
		pthread_cond_signal(&ml->cond);
		pthread_mutex_unlock(&ml->lock);
		pthread_join(ml->thread, NULL);
	}
	store_free(ml->st);
	explicit_bzero(ml->password, sizeof(ml->password));
	pthread_mutex_destroy(&ml->lock);
	pthread_cond_destroy(&ml->cond);
	free(ml);
}
