// SPDX-License-Identifier: GPL-2.0
/* The clock page's janitor (janitor.h). */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "janitor.h"

/* Waits for end of file on its stdin, then removes $1; any PATH the caller had. */
static const char janitor_script[] =
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin; while read -r _; do :; done; exec rm -f -- \"$1\"";

/* Every descriptor from 3 up, also where close_range() is missing or refused. */
static void close_from_3(void)
{
	struct rlimit lim;
	int fd, max = 1024;

	if (!close_range(3, ~0U, 0))
		return;
	if (!getrlimit(RLIMIT_NOFILE, &lim) && lim.rlim_cur != RLIM_INFINITY &&
	    lim.rlim_cur < 65536)
		max = (int)lim.rlim_cur;
	for (fd = 3; fd < max; fd++)
		close(fd);
}

/*
 * In the forked child: a grandchild of the supervisor (so never one of the
 * children its tracing loop waits for), in its own session (a ^C to the
 * terminal's group does not end it first), in /, with no descriptor of
 * ours but the pipe: it must not keep a caller's pipe open.
 */
static void janitor_child(int rfd, const char *path)
{
	int null;

	if (fork() != 0)
		_exit(0);
	setsid();
	if (chdir("/"))
		_exit(1);
	if (dup2(rfd, 0) < 0)
		_exit(1);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) {
		close(1);
		close(2);
	}
	close_from_3();
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	execl("/bin/sh", "sh", "-c", janitor_script, "fluxcap-clock-janitor", path, (char *)NULL);
	_exit(127);
}

/* fd moved to 3 or above (close-on-exec): 0 to 2 are the child's stdio. */
static int above_stdio(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

int fc_janitor_start(const char *path)
{
	int fds[2], status, err;
	pid_t pid;

	/* A caller with stdin or stdout closed would get the pipe there. */
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fds[0] = above_stdio(fds[0]);
	fds[1] = above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		err = -EMFILE;
		goto err_close;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto err_close;
	}
	if (pid == 0)
		janitor_child(fds[0], path);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fds[1];

err_close:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return err;
}

void fc_janitor_stop(int fd)
{
	if (fd >= 0)
		close(fd);
}
