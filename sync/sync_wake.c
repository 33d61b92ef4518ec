/*
 * sync_wake.c - the local socket through which the kiosk asks seuil-sync
 * for a sync now (a visitor waiting for their host).  A connection is the
 * whole message: nothing is read or written on it.  It does not decide what
 * a wake-up does; the daemon's loop does.
 */
#include "sync.h"

#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_addr(const char *path, struct sockaddr_un *addr, char *err, size_t errlen)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(addr->sun_path))
		return err_set(err, errlen, SEUIL_ERR_INVALID, "wake socket path \"%.100s\" is empty or too long",
			       path != NULL ? path : "");
	memcpy(addr->sun_path, path, strlen(path) + 1);
	return SEUIL_OK;
}

/* true when something accepts connections at addr */
static bool alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool up;

	if (fd < 0)
		return false;
	up = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 || errno == EAGAIN;
	close(fd);
	return up;
}

int sync_wake_open(const char *path, int *out, char *err, size_t errlen)
{
	struct sockaddr_un addr;
	struct stat sb;
	mode_t old;
	int fd, rc;

	if ((rc = fill_addr(path, &addr, err, errlen)) != SEUIL_OK)
		return rc;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return err_set(err, errlen, SEUIL_ERR_INVALID, "%s exists and is not a socket", path);
		if (alive(&addr))
			return err_set(err, errlen, SEUIL_ERR_BUSY, "%s is in use: is another seuil-sync running?",
				       path);
		unlink(path); /* left by a seuil-sync that died */
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "wake socket: %s", strerror(errno));
	old = umask(0117); /* born 0660: the kiosk's group may connect, nobody else */
	rc = bind(fd, (const struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc != 0 || chmod(path, 0660) != 0 || listen(fd, 16) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "wake socket %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	*out = fd;
	return SEUIL_OK;
}

int sync_wake_drain(int fd)
{
	int n = 0, c;

	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		close(c);
		n++;
	}
	return n;
}

void sync_wake_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	close(fd);
	if (path != NULL)
		unlink(path);
}

int sync_wake_poke(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr;
	int fd, rc;

	if ((rc = fill_addr(path, &addr, err, errlen)) != SEUIL_OK)
		return rc;
	/* never blocks: with seuil-sync busy and its backlog full, a wake-up is already pending */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "wake socket: %s", strerror(errno));
	rc = connect(fd, (const struct sockaddr *)&addr, sizeof(addr));
	if (rc != 0 && errno == EAGAIN)
		rc = 0;
	if (rc != 0)
		rc = err_set(err, errlen, errno == ENOENT || errno == ECONNREFUSED ? SEUIL_ERR_NOT_FOUND : SEUIL_ERR_IO,
			     "cannot wake seuil-sync at %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}
