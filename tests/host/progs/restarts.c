// SPDX-License-Identifier: GPL-2.0
/*
 * Waits interrupted by signals, and what comes after them: only the wait
 * the kernel restarts keeps its deadline.
 *   select_eintr_fresh  a 3 s select cut short at 1 s by a handled signal
 *                       (EINTR), then a fresh 3 s select from the same call
 *                       site: it takes 3 s (ends at 4 s), not what was left
 *   poll_after_eintr    a 3 s nanosleep cut short at 1 s by a handled signal,
 *                       then a poll with no timeout on a pipe, stopped and
 *                       continued at 2 s (the kernel restarts it), which a
 *                       child writes at 4 s: it returns 1 at 4 s (the
 *                       restart is the poll's, not the old sleep's)
 *   restart_kept        a 5 s nanosleep stopped and continued at 1 and 2 s:
 *                       it still ends at 5 s
 *   select_stop_fresh   a 10 s select stopped at 2 s and continued at 5 s:
 *                       the kernel restarts it with the 8 s it had left,
 *                       from 5 s: it ends at 13 s (where a kept deadline
 *                       would end it at 10 s)
 *   nanosleep_stop_rem  a 10 s nanosleep stopped at 2 s and continued at
 *                       3 s ends at 10 s, its rem holding the 8 s left at
 *                       the stop (written then, never after)
 *   ignored_no_eintr    a 3 s epoll_wait, then a 3 s sigtimedwait, each
 *                       with a SIGWINCH (ignored by default) at 1 s into
 *                       it, and the child's SIGCHLD in the second: both
 *                       time out (natively an ignored signal is never
 *                       sent; to a traced thread it is, and ended both
 *                       waits with EINTR)
 * A child process sends the signals at virtual times. usage: restarts KIND.
 * Last line "ok KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "prog.h"

static __int128 t0;
static const char *kind;

static void on_usr1(int sig)
{
	(void)sig;
}

static void sleep_s(int s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A child that sends each signal at its second (from t0), then exits. */
static pid_t signaller(const int *at, const int *sig, int n, int pipe_at, int wfd)
{
	pid_t parent = getpid(), pid;
	int i, now = 0;

	pid = fork();
	if (pid < 0)
		prog_fail("fork: %s", strerror(errno));
	if (pid)
		return pid;
	for (i = 0; i <= n; i++) {
		int when = i < n ? at[i] : pipe_at;

		if (when < 0)
			break;
		sleep_s(when - now);
		now = when;
		if (i < n)
			kill(parent, sig[i]);
		else if (write(wfd, "x", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void expect_at(const char *what, int sec)
{
	__int128 elapsed = prog_now(CLOCK_MONOTONIC) - t0;

	if (!prog_elapsed_ok(kind, what, elapsed, sec * PROG_NSEC, 0, PROG_NSEC / 2))
		prog_fail("%s: %s at %s s, want %d s", kind, what, prog_s(elapsed), sec);
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		prog_fail("%s: the signalling child failed", kind);
}

static void select_eintr_fresh(void)
{
	static const int at[] = { 1 }, sig[] = { SIGUSR1 };
	pid_t child = signaller(at, sig, 1, -1, -1);
	struct timeval tv;
	int i, ret;

	for (i = 0; i < 2; i++) {
		tv.tv_sec = 3;
		tv.tv_usec = 0;
		ret = select(0, NULL, NULL, NULL, &tv);
		if (i == 0 && (ret != -1 || errno != EINTR))
			prog_fail("%s: the first select gave %d, not EINTR", kind, ret);
		if (i == 0)
			expect_at("the first select's EINTR", 1);
		if (i == 1 && ret != 0)
			prog_fail("%s: the second select gave %d, not 0", kind, ret);
	}
	expect_at("the fresh select's timeout", 4);
	reap(child);
}

static void poll_after_eintr(void)
{
	static const int at[] = { 1, 2, 2 }, sig[] = { SIGUSR1, SIGSTOP, SIGCONT };
	struct timespec ts = { 3, 0 };
	struct pollfd pfd;
	int p[2], ret;
	pid_t child;

	if (pipe(p))
		prog_fail("pipe: %s", strerror(errno));
	child = signaller(at, sig, 3, 4, p[1]);
	if (nanosleep(&ts, NULL) != -1 || errno != EINTR)
		prog_fail("%s: the nanosleep was not cut short", kind);
	expect_at("the nanosleep's EINTR", 1);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, -1);
	if (ret != 1)
		prog_fail("%s: poll gave %d (%s), not 1", kind, ret, strerror(errno));
	expect_at("the poll's event", 4);
	reap(child);
}

static void restart_kept(void)
{
	static const int at[] = { 1, 2 }, sig[] = { SIGSTOP, SIGCONT };
	pid_t child = signaller(at, sig, 2, -1, -1);
	struct timespec ts = { 5, 0 };

	if (syscall(SYS_nanosleep, &ts, NULL))
		prog_fail("%s: nanosleep: %s", kind, strerror(errno));
	expect_at("the nanosleep's end", 5);
	reap(child);
}

static void select_stop_fresh(void)
{
	static const int at[] = { 2, 5 }, sig[] = { SIGSTOP, SIGCONT };
	pid_t child = signaller(at, sig, 2, -1, -1);
	struct timeval tv = { 10, 0 };
	int ret;

	ret = select(0, NULL, NULL, NULL, &tv);
	if (ret != 0)
		prog_fail("%s: select gave %d (%s), not 0", kind, ret, strerror(errno));
	expect_at("the select's timeout", 13);
	reap(child);
}

static void nanosleep_stop_rem(void)
{
	static const int at[] = { 2, 3 }, sig[] = { SIGSTOP, SIGCONT };
	pid_t child = signaller(at, sig, 2, -1, -1);
	struct timespec ts = { 10, 0 }, rem = { 77, 0 };
	__int128 left;

	if (syscall(SYS_nanosleep, &ts, &rem))
		prog_fail("%s: nanosleep: %s", kind, strerror(errno));
	expect_at("the nanosleep's end", 10);
	left = prog_ts_ns(&rem);
	if (left < 15 * PROG_NSEC / 2 || left > 8 * PROG_NSEC)
		prog_fail("%s: rem is %s s, want the 8 s left at the stop", kind, prog_s(left));
	reap(child);
}

static void ignored_no_eintr(void)
{
	static const int at[] = { 1, 4 }, sig[] = { SIGWINCH, SIGWINCH };
	pid_t child = signaller(at, sig, 2, -1, -1);
	struct timespec three = { 3, 0 };
	int ep = epoll_create1(EPOLL_CLOEXEC), ret;
	struct epoll_event ev;
	sigset_t usr2;

	ret = epoll_wait(ep, &ev, 1, 3000);
	if (ret != 0)
		prog_fail("%s: epoll_wait gave %d (%s), not 0", kind, ret, strerror(errno));
	expect_at("the epoll_wait's timeout", 3);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	ret = sigtimedwait(&usr2, NULL, &three);
	if (ret != -1 || errno != EAGAIN)
		prog_fail("%s: sigtimedwait gave %d (%s), not EAGAIN", kind, ret, strerror(errno));
	expect_at("the sigtimedwait's timeout", 6);
	close(ep);
	reap(child);
}

int main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */

	if (argc != 2)
		prog_fail("usage: restarts select_eintr_fresh|poll_after_eintr|restart_kept|select_stop_fresh|nanosleep_stop_rem|ignored_no_eintr");
	kind = argv[1];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	t0 = prog_now(CLOCK_MONOTONIC);
	if (!strcmp(kind, "select_eintr_fresh"))
		select_eintr_fresh();
	else if (!strcmp(kind, "poll_after_eintr"))
		poll_after_eintr();
	else if (!strcmp(kind, "restart_kept"))
		restart_kept();
	else if (!strcmp(kind, "select_stop_fresh"))
		select_stop_fresh();
	else if (!strcmp(kind, "nanosleep_stop_rem"))
		nanosleep_stop_rem();
	else if (!strcmp(kind, "ignored_no_eintr"))
		ignored_no_eintr();
	else
		prog_fail("unknown kind '%s'", kind);
	printf("ok %s\n", kind);
	return 0;
}
