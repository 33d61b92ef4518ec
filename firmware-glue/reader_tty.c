/*
 * reader_tty.c - finds and cuts libnfc's serial descriptor; see reader_tty.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_tty.h"

/* Drivers whose connstring names a serial line ("driver:/dev/...:speed"). */
static const char *const serial_drivers[] = { "pn532_uart", "arygon", "acr122s", "pn532_i2c", "pn532_spi" };

static bool serial_path(const char *connstring, char *path, size_t pathlen)
{
	const char *colon = connstring != NULL ? strchr(connstring, ':') : NULL, *end;
	size_t i, n;

	if (colon == NULL)
		return false;
	for (i = 0; i < sizeof(serial_drivers) / sizeof(serial_drivers[0]); i++)
		if ((size_t)(colon - connstring) == strlen(serial_drivers[i]) &&
		    strncmp(connstring, serial_drivers[i], (size_t)(colon - connstring)) == 0)
			break;
	if (i == sizeof(serial_drivers) / sizeof(serial_drivers[0]))
		return false;
	end = strchr(colon + 1, ':');
	n = end != NULL ? (size_t)(end - colon - 1) : strlen(colon + 1);
	if (n == 0 || n >= pathlen)
		return false;
	memcpy(path, colon + 1, n);
	path[n] = '\0';
	return true;
}

int reader_tty_find(const char *connstring)
{
	char path[PATH_MAX];
	struct stat want, got;
	struct dirent *de;
	DIR *d;
	int found = -1, fd;

	if (!serial_path(connstring, path, sizeof(path)) || stat(path, &want) != 0 || !S_ISCHR(want.st_mode))
		return -1;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *endp;
		long v = strtol(de->d_name, &endp, 10);

		if (*endp != '\0' || endp == de->d_name || v < 0 || v > INT_MAX)
			continue;
		fd = (int)v;
		if (fd == dirfd(d) || fstat(fd, &got) != 0)
			continue;
		if (S_ISCHR(got.st_mode) && got.st_rdev == want.st_rdev) {
			found = fd;
			break;
		}
	}
	closedir(d);
	return found;
}

static void on_wake(int sig)
{
	(void)sig;
}

int reader_tty_signal(void)
{
	int sig = SIGRTMIN + 4;
	struct sigaction old, sa;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO)) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_wake;
		sigemptyset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
	}
	return sig;
}

bool reader_tty_cut(int fd, pthread_t thread)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	bool ok;

	if (null < 0)
		return false;
	ok = dup2(null, fd) == fd;
	close(null);
	if (ok)
		pthread_kill(thread, reader_tty_signal());
	return ok;
}
