/*
 * sim_server.c - the simulators' control-socket server (see sim_server.h):
 * listening with stale-socket handling, a fixed array of clients, one line
 * buffer each, one-line answers.
 *
 * It knows no command: lines go to the caller's callback, whose answer it
 * sends back.  Each client's buffer holds one line and its newline; a line
 * that does not fit is dropped up to its newline and reported as too long.
 */
#include "sim_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

/* recv() calls per client and sim_server_read(): bounded work, every descriptor gets its turn */
#define READS_PER_CLIENT 8

struct client {
	int fd;        /* -1 once closed, until the array is compacted */
	size_t len;    /* bytes in `in` */
	bool overflow; /* the current line went past line_max: dropped up to its newline */
	char *in;      /* line_max + 1 bytes: a line and its newline */
};

struct sim_server {
	int listen_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t clients_max;
	size_t line_max;
	size_t nclients;         /* the first nclients of clients are connected */
	struct client *clients;  /* clients_max, each with its own buffer */
};

/* ---- listening ---- */

static int socket_bind(const char *path, int backlog, int *out, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, probe, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%s exists and is not a socket", path);
		/* a socket file is there: refuse if someone listens, remove it if stale */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		rc = probe >= 0 ? connect(probe, (struct sockaddr *)&sa, sizeof(sa)) : -1;
		if (probe >= 0)
			close(probe);
		if (rc == 0)
			return err_set(err, errlen, SEUIL_ERR_BUSY, "another process listens on %s", path);
		if (unlink(path) != 0 && errno != ENOENT)
			return err_set(err, errlen, SEUIL_ERR_IO, "remove stale %s: %s", path, strerror(errno));
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "bind %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (listen(fd, backlog) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "listen %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return rc;
	}
	*out = fd;
	return SEUIL_OK;
}

int sim_server_listen(const char *path, size_t clients_max, size_t line_max, struct sim_server **out, char *err,
		      size_t errlen)
{
	struct sim_server *s;
	size_t i;
	int rc;

	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(s->path))
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "control socket path empty or longer than %zu bytes",
			       sizeof(s->path) - 1);
	if (clients_max == 0 || clients_max > 1024 || line_max == 0 || line_max > 65536)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "control socket: bad limits");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	s->listen_fd = -1;
	s->clients_max = clients_max;
	s->line_max = line_max;
	memcpy(s->path, path, strlen(path) + 1);
	s->clients = calloc(clients_max, sizeof(*s->clients));
	if (s->clients == NULL) {
		rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < clients_max; i++) {
		s->clients[i].fd = -1;
		s->clients[i].in = malloc(line_max + 1);
		if (s->clients[i].in == NULL) {
			rc = err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	rc = socket_bind(path, (int)clients_max, &s->listen_fd, err, errlen);
	if (rc != SEUIL_OK)
		goto fail;
	*out = s;
	return SEUIL_OK;
fail:
	sim_server_close(s);
	return rc;
}

void sim_server_close(struct sim_server *server)
{
	size_t i;

	if (server == NULL)
		return;
	for (i = 0; server->clients != NULL && i < server->clients_max; i++) {
		if (server->clients[i].fd >= 0)
			close(server->clients[i].fd);
		free(server->clients[i].in);
	}
	if (server->listen_fd >= 0) {
		close(server->listen_fd);
		unlink(server->path);
	}
	free(server->clients);
	free(server);
}

int sim_server_fds(const struct sim_server *server, int *fds, int max)
{
	size_t i;
	int n = 0;

	if (max <= 0)
		return 0;
	fds[n++] = server->listen_fd;
	for (i = 0; i < server->nclients && n < max; i++)
		fds[n++] = server->clients[i].fd;
	return n;
}

/* ---- clients ---- */

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

static void clients_accept(struct sim_server *s)
{
	struct client *c;
	size_t i;
	int fd;

	for (i = 0; i < s->clients_max; i++) {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		if (s->nclients == s->clients_max) {
			static const char busy[] = "error too many control clients\n";

			(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		c = &s->clients[s->nclients++];
		c->fd = fd;
		c->len = 0;
		c->overflow = false;
	}
}

/* Drops closed clients from the front of the array; their buffers go to the back. */
static void clients_compact(struct sim_server *s)
{
	struct client closed;
	size_t i, j = 0;

	for (i = 0; i < s->nclients; i++) {
		if (s->clients[i].fd < 0)
			continue;
		if (i != j) {
			closed = s->clients[j];
			s->clients[j] = s->clients[i];
			s->clients[i] = closed;
		}
		j++;
	}
	s->nclients = j;
}

/* Hands one line to the callback and sends its answer; returns what the callback returned. */
static bool client_line(struct client *c, const char *line, size_t len, sim_server_line_fn *on_line, void *ctx)
{
	char reply[SIM_SERVER_REPLY_MAX + 2];
	bool go_on;
	size_t n;

	reply[0] = '\0';
	go_on = on_line(ctx, c->overflow ? "" : line, c->overflow ? 0 : len, c->overflow, reply,
			SIM_SERVER_REPLY_MAX + 1);
	c->overflow = false;
	reply[SIM_SERVER_REPLY_MAX] = '\0';
	n = strlen(reply);
	reply[n++] = '\n';
	/* a client that does not read its answers loses them; it cannot block the caller */
	if (send(c->fd, reply, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n)
		log_debug("control client did not take its answer");
	return go_on;
}

/*
 * Runs the client's complete lines, reading more (a bounded number of
 * times) while the callback goes on; closes it on end of stream or error.
 * Returns false when the callback asked to stop.
 */
static bool client_serve(struct sim_server *s, struct client *c, sim_server_line_fn *on_line, void *ctx)
{
	size_t cap = s->line_max + 1, used;
	bool go_on = true;
	int reads = 0;
	ssize_t got;
	char *nl;

	for (;;) {
		nl = memchr(c->in, '\n', c->len);
		if (nl != NULL) {
			used = (size_t)(nl - c->in);
			go_on = client_line(c, c->in, used, on_line, ctx);
			c->len -= used + 1;
			memmove(c->in, nl + 1, c->len);
			if (!go_on)
				return false;
			continue;
		}
		if (c->len == cap) {
			/* no newline within the limit: drop the line up to its end */
			c->overflow = true;
			c->len = 0;
		}
		if (reads++ == READS_PER_CLIENT)
			return true;
		got = recv(c->fd, c->in + c->len, cap - c->len, MSG_DONTWAIT);
		if (got > 0) {
			c->len += (size_t)got;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		/* end of stream (or a reset): a last line without newline still counts */
		if (got == 0 && (c->len > 0 || c->overflow))
			go_on = client_line(c, c->in, c->len, on_line, ctx);
		client_close(c);
		return go_on;
	}
}

void sim_server_read(struct sim_server *server, sim_server_line_fn *on_line, void *ctx)
{
	size_t i;

	clients_accept(server);
	for (i = 0; i < server->nclients; i++)
		if (!client_serve(server, &server->clients[i], on_line, ctx))
			break;
	clients_compact(server);
}
