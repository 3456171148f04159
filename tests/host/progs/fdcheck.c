// SPDX-License-Identifier: GPL-2.0
/*
 * No file descriptor leaks into the child: lists /proc/self/fd and fails if
 * anything but 0, 1, 2 (and the fds named on the command line, which the
 * caller already had open before fluxctl) is open. Prints every fd with its
 * target, so a leak names what leaked (a memfd, a pidfd, a socket...).
 *
 * usage: fdcheck [ALLOWED_FD...]
 * Last line "ok fdcheck fds=0,1,2" and exit 0, or "FAIL ..." and exit 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>

#include "prog.h"

int main(int argc, char **argv)
{
	char path[64], target[PATH_MAX], list[1024] = "";
	int leaks = 0, self, fd, a;
	struct dirent *de;
	size_t len = 0;
	bool allowed;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		prog_fail("fdcheck: /proc/self/fd: %s", strerror(errno));
	self = dirfd(dir);
	while ((de = readdir(dir))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		allowed = fd <= 2;
		for (a = 1; a < argc; a++)
			allowed |= atoi(argv[a]) == fd;
		printf("# fd %d -> %s%s\n", fd, target, allowed ? "" : "  LEAKED");
		leaks += !allowed;
		if (len < sizeof(list) - 16)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d",
						len ? "," : "", fd);
	}
	closedir(dir);
	if (leaks)
		prog_fail("fdcheck: %d fd(s) leaked into the program: %s", leaks, list);
	printf("ok fdcheck fds=%s\n", list);
	return 0;
}
