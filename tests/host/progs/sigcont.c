// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped child continued by its parent, which then sleeps 10 s: the
 * child runs from the SIGCONT on, so its first clock read comes before the
 * parent's sleep can end (well under 1 s after the SIGCONT), however the
 * reports of the stop and the continue interleave.
 * usage: sigcont [ROUNDS] (default 200). Last line "ok sigcont ROUNDS".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "prog.h"

static void round_once(int r)
{
	__int128 t_cont, t_child;
	struct timespec ts = { 10, 0 };
	int p[2], status;
	pid_t pid;

	if (pipe(p))
		prog_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		prog_fail("fork: %s", strerror(errno));
	if (!pid) {
		raise(SIGSTOP);
		t_child = prog_now(CLOCK_MONOTONIC);
		if (write(p[1], &t_child, sizeof(t_child)) != sizeof(t_child))
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		prog_fail("round %d: the child did not stop", r);
	t_cont = prog_now(CLOCK_MONOTONIC);
	kill(pid, SIGCONT);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	if (read(p[0], &t_child, sizeof(t_child)) != sizeof(t_child))
		prog_fail("round %d: no time from the child", r);
	if (t_child - t_cont > PROG_NSEC)
		prog_fail("round %d: the child first ran %s s after the SIGCONT", r,
			  prog_s(t_child - t_cont));
	if (waitpid(pid, &status, 0) != pid)
		prog_fail("round %d: waitpid: %s", r, strerror(errno));
	close(p[0]);
	close(p[1]);
}

int main(int argc, char *argv[])
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200, r;

	for (r = 0; r < rounds; r++)
		round_once(r);
	printf("ok sigcont %d\n", rounds);
	return 0;
}
