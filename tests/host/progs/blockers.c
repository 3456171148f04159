// SPDX-License-Identifier: GPL-2.0
/*
 * Threads blocked in ways that are not a timed wait, beside a 100 s sleep
 * that must still be virtual:
 *   zombie_leader  the main thread has called pthread_exit (a zombie that
 *                  cannot run again) while another thread sleeps;
 *   vfork_parent   a parent waits in vfork for its child, which sleeps
 *                  before it exits.
 * usage: blockers KIND. Last line "ok KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "prog.h"

#define SLEEP_S 100

static __int128 t0;

static void sleep_100(void)
{
	struct timespec ts = { SLEEP_S, 0 };

	while (syscall(SYS_nanosleep, &ts, &ts) && errno == EINTR)
		;
}

static void check_elapsed(const char *kind)
{
	__int128 elapsed = prog_now(CLOCK_MONOTONIC) - t0;

	if (!prog_elapsed_ok(kind, "the sleep", elapsed, SLEEP_S * PROG_NSEC, 0,
			     PROG_NSEC / 2))
		prog_fail("%s: the sleep took %s s, want %d s", kind, prog_s(elapsed), SLEEP_S);
	printf("ok %s\n", kind);
}

static void *sleeper(void *arg)
{
	sleep_100();
	check_elapsed(arg);
	exit(0);
}

static void zombie_leader(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, sleeper, "zombie_leader"))
		prog_fail("pthread_create failed");
	pthread_exit(NULL);
}

static void vfork_parent(void)
{
	int status;
	pid_t pid;

	pid = vfork();
	if (pid < 0)
		prog_fail("vfork: %s", strerror(errno));
	if (!pid) {
		sleep_100();	/* only syscalls here: the parent's memory */
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		prog_fail("vfork_parent: the child did not exit");
	check_elapsed("vfork_parent");
}

int main(int argc, char *argv[])
{
	if (argc != 2)
		prog_fail("usage: blockers zombie_leader|vfork_parent");
	t0 = prog_now(CLOCK_MONOTONIC);
	if (!strcmp(argv[1], "zombie_leader"))
		zombie_leader();
	else if (!strcmp(argv[1], "vfork_parent"))
		vfork_parent();
	else
		prog_fail("unknown kind '%s'", argv[1]);
	return 0;
}
