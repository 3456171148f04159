// SPDX-License-Identifier: GPL-2.0
/* The clock page's janitor (janitor.h). */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "janitor.h"

/* Waits for end of file on its stdin, then removes $1. */
static const char janitor_script[] = "while read -r _; do :; done; exec rm -f -- \"$1\"";

/*
 * In the forked child: a grandchild of the supervisor (so never one of the
 * children its tracing loop waits for), in its own session (a ^C to the
 * terminal's group does not end it first), with no descriptor of ours but
 * the pipe: it must not keep a caller's pipe open.
 */
static void janitor_child(int rfd, const char *path)
{
	int null;

	if (fork() != 0)
		_exit(0);
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (dup2(rfd, 0) < 0 || null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(1);
	close_range(3, ~0U, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	execl("/bin/sh", "sh", "-c", janitor_script, "fluxcap-clock-janitor", path, (char *)NULL);
	_exit(127);
}

int fc_janitor_start(const char *path)
{
	int fds[2], status, err;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0)
		janitor_child(fds[0], path);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fds[1];
}

void fc_janitor_stop(int fd)
{
	if (fd >= 0)
		close(fd);
}
