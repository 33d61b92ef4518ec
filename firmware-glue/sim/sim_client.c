/*
 * sim_client.c - the client side of the simulators' control sockets (the
 * PN532 emulator, the simulated door): send one line, read one answer line,
 * within a deadline.  It knows no command; callers do.
 */
#include "sim_client.h"

#include "clock.h"
#include "err.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sim_send_line(const char *control_path, const char *line, int timeout_ms, char *reply, size_t cap,
		  char *err, size_t errlen)
{
	struct sockaddr_un sa;
	char buf[SIM_LINE_MAX + 16];
	size_t len = 0, off = 0, want;
	int64_t deadline = clock_mono_ms() + timeout_ms;
	struct pollfd pfd;
	ssize_t n;
	char *nl;
	int fd, rc;

	if (strlen(control_path) >= sizeof(sa.sun_path))
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "control socket path too long");
	if (strlen(line) > SIM_LINE_MAX || strchr(line, '\n') != NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "a command is one line of at most %d characters",
			       SIM_LINE_MAX);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, control_path, strlen(control_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "cannot reach the simulator at %s: %s", control_path,
			     strerror(errno));
		goto out;
	}
	want = (size_t)snprintf(buf, sizeof(buf), "%s\n", line);
	while (off < want) {
		n = send(fd, buf + off, want - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(err, errlen, SEUIL_ERR_IO, "send: %s", strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	for (;;) {
		int64_t left = deadline - clock_mono_ms();

		if (left <= 0) {
			rc = err_set(err, errlen, SEUIL_ERR_TIMEOUT, "no answer from the simulator");
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(err, errlen, SEUIL_ERR_IO, "poll: %s", strerror(errno));
			goto out;
		}
		if (pfd.revents == 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_set(err, errlen, SEUIL_ERR_IO, "the simulator closed the connection");
			goto out;
		}
		len += (size_t)n;
		buf[len] = '\0';
		nl = strchr(buf, '\n');
		if (nl != NULL || len == sizeof(buf) - 1) {
			if (nl != NULL)
				*nl = '\0';
			snprintf(reply, cap, "%s", buf);
			rc = SEUIL_OK;
			goto out;
		}
	}
out:
	close(fd);
	return rc;
}
