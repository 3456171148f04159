// SPDX-License-Identifier: GPL-2.0
/*
 * A process that ends while its threads sleep must not be jumped over.
 * ROUNDS times: a child starts N threads that sleep for good (nanosleep),
 * sleeps 1 ms three times (each a jump, after looks that found every
 * thread asleep), then returns from main: exit_group() kills each thread
 * with a SIGKILL of its own, which no seccomp filter sees and no stop
 * reports. The parent waits for the child's end with poll() on a pidfd,
 * 30 s at most. Natively that takes milliseconds; a supervisor that took
 * the dying child's threads for still asleep would jump the parent's 30 s
 * and fail the round. Run it on one CPU beside a busy loop, where the
 * killed threads wait long for their turn.
 *
 * usage: groupexit ROUNDS N
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>

#include "prog.h"

static void *sleep_for_good(void *arg)
{
	struct timespec long_sleep = { 1000000, 0 };

	(void)arg;
	for (;;)
		nanosleep(&long_sleep, NULL);
	return NULL;
}

static void child(int nthreads)
{
	struct timespec ms = { 0, 1000000 };
	pthread_t th;
	int i;

	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th, NULL, sleep_for_good, NULL))
			_exit(2);
	for (i = 0; i < 3; i++)
		nanosleep(&ms, NULL);
	exit(0);	/* exit_group(), from the leader */
}

int main(int argc, char **argv)
{
	int rounds, nthreads, r, bad = 0;

	if (argc != 3)
		prog_fail("usage: groupexit ROUNDS N");
	rounds = atoi(argv[1]);
	nthreads = atoi(argv[2]);
	for (r = 0; r < rounds; r++) {
		struct pollfd p = { .events = POLLIN };
		__int128 t0, dt;
		int n, status;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid < 0)
			prog_fail("fork: %s", strerror(errno));
		if (!pid)
			child(nthreads);
		p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (p.fd < 0)
			prog_fail("pidfd_open: %s", strerror(errno));
		t0 = prog_now(CLOCK_MONOTONIC);
		n = poll(&p, 1, 30000);
		dt = prog_now(CLOCK_MONOTONIC) - t0;
		waitpid(pid, &status, 0);
		close(p.fd);
		if (n != 1 || dt > 5 * PROG_NSEC) {
			printf("round %d: poll returned %d after %.3f virtual s (natively: ms)\n",
			       r, n, (double)dt / 1e9);
			bad++;
		}
	}
	if (bad)
		prog_fail("%d of %d rounds jumped over a dying process", bad, rounds);
	printf("ok %d rounds: every child's end was seen in time\n", rounds);
	return 0;
}
