/*
 * sim_pty.c - the simulated serial port (see sim_pty.h): a raw pty and the
 * symbolic link the host opens.
 *
 * It only makes and removes the device: reading and writing the master
 * side, and what the bytes mean, are the simulator's (pn532_sim.c).
 */
#include "sim_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

void sim_pty_init(struct sim_pty *pty, const char *link_path)
{
	memset(pty, 0, sizeof(*pty));
	pty->master_fd = -1;
	pty->slave_fd = -1;
	snprintf(pty->link_path, sizeof(pty->link_path), "%s", link_path);
}

static int link_make(const char *target, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (!S_ISLNK(st.st_mode))
			return err_set(err, errlen, SEUIL_ERR_INVALID,
				       "%s exists and is not a symbolic link; refusing to replace it", path);
		if (unlink(path) != 0)
			return err_set(err, errlen, SEUIL_ERR_IO, "cannot replace %s: %s", path, strerror(errno));
	} else if (errno != ENOENT) {
		return err_set(err, errlen, SEUIL_ERR_IO, "%s: %s", path, strerror(errno));
	}
	if (symlink(target, path) != 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot create link %s: %s", path, strerror(errno));
	return SEUIL_OK;
}

/* Removes the link only if it still points to our pty (another simulator may have taken the path). */
static void link_remove(struct sim_pty *pty)
{
	char target[sizeof(pty->name)];
	ssize_t n;

	if (!pty->link_made)
		return;
	pty->link_made = false;
	n = readlink(pty->link_path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	if (strcmp(target, pty->name) == 0 && unlink(pty->link_path) != 0)
		log_warn("cannot remove %s: %s", pty->link_path, strerror(errno));
}

void sim_pty_close(struct sim_pty *pty)
{
	link_remove(pty);
	if (pty->master_fd >= 0)
		close(pty->master_fd);
	if (pty->slave_fd >= 0)
		close(pty->slave_fd);
	pty->master_fd = -1;
	pty->slave_fd = -1;
	pty->name[0] = '\0';
}

int sim_pty_open(struct sim_pty *pty, char *err, size_t errlen)
{
	struct termios tio;
	int master, slave = -1, flags, rc;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_set(err, errlen, SEUIL_ERR_IO, "posix_openpt: %s", strerror(errno));
	if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, pty->name, sizeof(pty->name)) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "cannot set up the pty: %s", strerror(errno));
		goto fail;
	}
	/* Our own slave descriptor: the host closing its one must not hang the pty up. */
	slave = open(pty->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "%s: %s", pty->name, strerror(errno));
		goto fail;
	}
	/* Raw, 115200 8N1 like a PN532's HSU: no echo, no CR/LF translation, no line editing. */
	if (tcgetattr(slave, &tio) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "tcgetattr: %s", strerror(errno));
		goto fail;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, B115200);
	cfsetospeed(&tio, B115200);
	if (tcsetattr(slave, TCSANOW, &tio) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "tcsetattr: %s", strerror(errno));
		goto fail;
	}
	flags = fcntl(master, F_GETFL);
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) != 0) {
		rc = err_set(err, errlen, SEUIL_ERR_IO, "fcntl: %s", strerror(errno));
		goto fail;
	}
	rc = link_make(pty->name, pty->link_path, err, errlen);
	if (rc != SEUIL_OK)
		goto fail;
	pty->master_fd = master;
	pty->slave_fd = slave;
	pty->link_made = true;
	return SEUIL_OK;
fail:
	if (slave >= 0)
		close(slave);
	close(master);
	pty->name[0] = '\0';
	return rc;
}
