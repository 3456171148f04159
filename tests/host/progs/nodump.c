// SPDX-License-Identifier: GPL-2.0
/*
 * Tracees that are not dumpable (prctl(PR_SET_DUMPABLE, 0)), whose memory
 * and /proc/<tid>/syscall an unprivileged supervisor cannot read. Elapsed
 * time is read through libc (the preload: virtual without the supervisor).
 *   sleep S          a nanosleep of S s: ends after S s, returns 0;
 *   poll S           poll(NULL, 0, S s): its timeout is in a register;
 *   timer S          setitimer(ITIMER_REAL, S s), then pause() for SIGALRM;
 *   stopped_beside S a stopped non-dumpable child; the parent sleeps S s;
 *   poll_beside S    a non-dumpable child in poll(pipe, 1000000 s); the
 *                    parent sleeps S s, then wakes the child with a byte;
 *   read_beside S    a non-dumpable child in read(pipe) (no timeout); the
 *                    parent sleeps S s, then wakes the child with a byte;
 *   clock            sleeps 100 s, turns non-dumpable, reads the clocks:
 *                    prints libc's and the raw syscall's monotonic time.
 * usage: nodump KIND [S]. Last line "ok KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "prog.h"

static void nodump(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
		prog_fail("PR_SET_DUMPABLE 0: %s", strerror(errno));
}

static void check_elapsed(const char *kind, __int128 t0, __int128 want)
{
	__int128 elapsed = prog_now(CLOCK_MONOTONIC) - t0;

	if (!prog_elapsed_ok(kind, "monotonic", elapsed, want, 0, PROG_NSEC / 2))
		prog_fail("%s: %s s elapsed, want %s s", kind, prog_s(elapsed), prog_s(want));
}

static void sleep_ns(__int128 ns)
{
	struct timespec ts = prog_ns_ts(ns);
	long r = syscall(SYS_nanosleep, &ts, NULL);

	if (r)
		prog_fail("nanosleep returned %ld (%s)", r, strerror(errno));
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void timer(__int128 ns)
{
	struct itimerval it = { { 0, 0 }, { (time_t)(ns / PROG_NSEC), 0 } };

	signal(SIGALRM, on_alarm);
	if (setitimer(ITIMER_REAL, &it, NULL))
		prog_fail("setitimer: %s", strerror(errno));
	pause();
}

/* A non-dumpable child that waits in KIND on p[0]; the parent sleeps s. */
static void beside(const char *kind, __int128 ns)
{
	int p[2], status;
	char c;
	__int128 t0;
	pid_t pid;

	if (pipe(p))
		prog_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		prog_fail("fork: %s", strerror(errno));
	if (!pid) {
		struct pollfd pfd = { p[0], POLLIN, 0 };

		nodump();
		sleep_ns(1000000);	/* a stop after which it is known not dumpable */
		if (!strcmp(kind, "stopped_beside"))
			raise(SIGSTOP);
		else if (!strcmp(kind, "poll_beside") && poll(&pfd, 1, 1000000000) != 1)
			_exit(2);
		if (read(p[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	if (!strcmp(kind, "stopped_beside") &&
	    (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)))
		prog_fail("%s: the child did not stop", kind);
	usleep(100000);	/* let it block */
	t0 = prog_now(CLOCK_MONOTONIC);
	sleep_ns(ns);
	check_elapsed(kind, t0, ns);
	if (write(p[1], "x", 1) != 1)
		prog_fail("write: %s", strerror(errno));
	if (!strcmp(kind, "stopped_beside"))
		kill(pid, SIGCONT);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		prog_fail("%s: the child failed (status %#x)", kind, status);
}

static void clocks(void)
{
	__int128 libc, raw;

	sleep_ns(100 * PROG_NSEC);
	nodump();
	libc = prog_read(CLOCK_MONOTONIC, false);
	raw = prog_read(CLOCK_MONOTONIC, true);
	printf("libc %s\nraw %s\nraw_behind %s\n", prog_s(libc), prog_s(raw), prog_s(libc - raw));
}

int main(int argc, char *argv[])
{
	const char *kind = argc > 1 ? argv[1] : "";
	__int128 ns = argc > 2 ? prog_parse_sec_or_die("S", argv[2]) : 0, t0;

	if (argc < 2)
		prog_fail("usage: nodump KIND [S]");
	t0 = prog_now(CLOCK_MONOTONIC);
	if (!strcmp(kind, "sleep")) {
		nodump();
		sleep_ns(ns);
	} else if (!strcmp(kind, "poll")) {
		nodump();
		if (poll(NULL, 0, (int)(ns / 1000000)))
			prog_fail("poll did not time out: %s", strerror(errno));
	} else if (!strcmp(kind, "timer")) {
		nodump();
		timer(ns);
	} else if (!strcmp(kind, "clock")) {
		clocks();
		ns = -1;
	} else if (strstr(kind, "_beside")) {
		beside(kind, ns);
		ns = -1;
	} else {
		prog_fail("unknown kind '%s'", kind);
	}
	if (ns >= 0)
		check_elapsed(kind, t0, ns);
	printf("ok %s\n", kind);
	return 0;
}
