/*
 * test_util.h - small helpers the unit tests share: a temporary directory
 * made and removed, JSON written with ' for " so that it reads in C.
 *
 * Header-only, every function static and marked unused, since each test
 * file is its own program and uses only some of them.  Nothing here knows a
 * Seuil module; fixtures that do (rights_fixture.h) build on it.
 */
#ifndef SEUIL_TEST_UTIL_H
#define SEUIL_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Makes a new, empty directory /tmp/seuil-<name>-XXXXXX and writes its path
 * into dir (cap bytes).  Returns 0, or -1 with errno set.
 */
__attribute__((unused)) static int test_tmpdir_make(char *dir, size_t cap, const char *name)
{
	int n = snprintf(dir, cap, "/tmp/seuil-%s-XXXXXX", name);

	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* Removes the files in dir, then dir itself; the tests make no subdirectories. */
__attribute__((unused)) static void test_tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* A copy of quoted with every ' turned into "; the caller frees it.  Fails the test when out of memory. */
__attribute__((unused)) static char *test_unquote(const char *quoted)
{
	char *json = strdup(quoted);

	assert_non_null(json);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return json;
}

#endif
