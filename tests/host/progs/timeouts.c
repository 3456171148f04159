// SPDX-License-Identifier: GPL-2.0
/*
 * One timed wait that nothing ever ends early, checked against what a real
 * timeout does: the return value and errno, the remaining-time write-back
 * (nanosleep's rem untouched on success, select/ppoll/pselect6 set to zero),
 * and the time that passed on the wait's own clock (at least the timeout, not
 * absurdly more) and on the other clocks. Under fluxctl run the wait should
 * end at once in real time while the clocks show the full timeout.
 *
 * usage: timeouts [--raw] [--no-elapsed] [--slack=SEC] [--repeat=N] WAIT [SECONDS]
 *        timeouts --list
 * SECONDS defaults to 3600. --raw reads the clocks with the raw syscall
 * instead of libc (a static binary's vDSO reads are real, its syscalls are
 * not); --no-elapsed checks only the return values and write-backs.
 * Prints "ok WAIT virtual=<elapsed on the wait's clock> ..." and exits 0, or
 * "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "prog.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

/* The uapi's struct futex_waitv, spelled out for older headers. */
struct waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

#define WAITV_SIZE_U32 0x02
#define WAITV_PRIVATE 128

struct wait {
	const char *name;
	clockid_t clock; /* the clock the timeout is measured on */
	void (*fn)(const struct wait *w, __int128 timeout);
	const char *help;
};

static bool check_elapsed = true;

/* rem/timeout contents that no kernel would write. */
static const struct timespec sentinel = { .tv_sec = 777, .tv_nsec = 777 };

static bool ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* A syscall-style result: want ret, and errno == want_errno when ret is -1. */
static void expect(const struct wait *w, const char *call, long ret, int err, long want_ret,
		   int want_errno)
{
	if (ret == want_ret && (want_ret != -1 || err == want_errno))
		return;
	if (ret == -1)
		prog_fail("%s: %s returned -1 errno %d (%s), want %ld%s%s", w->name, call, err,
			  strerror(err), want_ret, want_ret == -1 ? " errno " : "",
			  want_ret == -1 ? strerror(want_errno) : "");
	prog_fail("%s: %s returned %ld, want %ld%s%s", w->name, call, ret, want_ret,
		  want_ret == -1 ? " errno " : "", want_ret == -1 ? strerror(want_errno) : "");
}

/* A pthread-style result: an error number, not errno. */
static void expect_err(const struct wait *w, const char *call, int ret, int want)
{
	if (ret != want)
		prog_fail("%s: %s returned %d (%s), want %d (%s)", w->name, call, ret,
			  strerror(ret), want, strerror(want));
}

static void expect_ts(const struct wait *w, const char *what, const struct timespec *got,
		      const struct timespec *want)
{
	if (!ts_eq(got, want))
		prog_fail("%s: %s is { %lld, %ld } after the wait, want { %lld, %ld }", w->name,
			  what, (long long)got->tv_sec, got->tv_nsec, (long long)want->tv_sec,
			  want->tv_nsec);
}

/* After an absolute wait: its clock must read at least the deadline. */
static void expect_past(const struct wait *w, clockid_t clk, __int128 deadline)
{
	__int128 now;

	if (!check_elapsed)
		return;
	now = prog_now(clk);
	if (now < deadline)
		prog_fail("%s: %s reads %s after the wait, before the deadline %s", w->name,
			  prog_clock_name(clk), prog_s(now), prog_s(deadline));
}

static int ms_of(const struct wait *w, __int128 t)
{
	__int128 ms = (t + 999999) / 1000000;

	if (ms > INT_MAX)
		prog_fail("%s: %s s does not fit an int of milliseconds", w->name, prog_s(t));
	return (int)ms;
}

/* The read end of a pipe nobody writes to, and the write end kept open. */
static int idle_fd(const struct wait *w)
{
	int fds[2];

	if (pipe(fds))
		prog_fail("%s: pipe: %s", w->name, strerror(errno));
	return fds[0];
}

static int idle_epoll(const struct wait *w)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	ev.data.fd = idle_fd(w);
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		prog_fail("%s: epoll setup: %s", w->name, strerror(errno));
	return epfd;
}

static void do_nanosleep(const struct wait *w, __int128 t)
{
	struct timespec req = prog_ns_ts(t), rem = sentinel;
	int r = nanosleep(&req, &rem);

	expect(w, "nanosleep", r, errno, 0, 0);
	expect_ts(w, "rem", &rem, &sentinel);
}

/* glibc's nanosleep() is clock_nanosleep(CLOCK_REALTIME); this is SYS_nanosleep. */
static void do_nanosleep_sys(const struct wait *w, __int128 t)
{
	struct timespec req = prog_ns_ts(t), rem = sentinel;
	long r = syscall(SYS_nanosleep, &req, &rem);

	expect(w, "syscall(SYS_nanosleep)", r, errno, 0, 0);
	expect_ts(w, "rem", &rem, &sentinel);
}

static void do_clock_nanosleep(const struct wait *w, __int128 t)
{
	struct timespec req = prog_ns_ts(t), rem = sentinel;
	int r = clock_nanosleep(w->clock, 0, &req, &rem);

	expect_err(w, "clock_nanosleep", r, 0);
	expect_ts(w, "rem", &rem, &sentinel);
}

static void do_clock_nanosleep_abs(const struct wait *w, __int128 t)
{
	__int128 deadline = prog_now(w->clock) + t;
	struct timespec req = prog_ns_ts(deadline), rem = sentinel;
	int r = clock_nanosleep(w->clock, TIMER_ABSTIME, &req, &rem);

	expect_err(w, "clock_nanosleep(TIMER_ABSTIME)", r, 0);
	expect_ts(w, "rem", &rem, &sentinel);
	expect_past(w, w->clock, deadline);
}

static void do_poll(const struct wait *w, __int128 t)
{
	struct pollfd pfd = { .fd = idle_fd(w), .events = POLLIN };
	int r = poll(&pfd, 1, ms_of(w, t));

	expect(w, "poll", r, errno, 0, 0);
	if (pfd.revents)
		prog_fail("%s: revents 0x%x after a timeout", w->name, pfd.revents);
}

/* Raw: glibc's ppoll() hides the kernel's write-back of the remaining time. */
static void do_ppoll(const struct wait *w, __int128 t)
{
	struct pollfd pfd = { .fd = idle_fd(w), .events = POLLIN };
	struct timespec ts = prog_ns_ts(t), zero = { 0, 0 };
	sigset_t mask;
	long r;

	sigemptyset(&mask);
	r = syscall(SYS_ppoll, &pfd, 1, &ts, &mask, _NSIG / 8);
	expect(w, "syscall(SYS_ppoll)", r, errno, 0, 0);
	expect_ts(w, "timeout", &ts, &zero);
	if (pfd.revents)
		prog_fail("%s: revents 0x%x after a timeout", w->name, pfd.revents);
}

static void do_ppoll_libc(const struct wait *w, __int128 t)
{
	struct pollfd pfd = { .fd = idle_fd(w), .events = POLLIN };
	struct timespec ts = prog_ns_ts(t);
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	r = ppoll(&pfd, 1, &ts, &mask);
	expect(w, "ppoll", r, errno, 0, 0);
}

static void do_select(const struct wait *w, __int128 t)
{
	struct timespec ts = prog_ns_ts(t);
	struct timeval tv = { .tv_sec = ts.tv_sec, .tv_usec = (ts.tv_nsec + 999) / 1000 };
	int fd = idle_fd(w), r;
	fd_set rs;

	if (tv.tv_usec == 1000000) {
		tv.tv_sec++;
		tv.tv_usec = 0;
	}
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	r = select(fd + 1, &rs, NULL, NULL, &tv);
	expect(w, "select", r, errno, 0, 0);
	if (FD_ISSET(fd, &rs))
		prog_fail("%s: the fd is still set in readfds after a timeout", w->name);
	if (tv.tv_sec || tv.tv_usec)
		prog_fail("%s: timeval is { %lld, %ld } after the timeout, Linux writes { 0, 0 }",
			  w->name, (long long)tv.tv_sec, (long)tv.tv_usec);
}

/* Raw: glibc's pselect() passes a copy, hiding the kernel's write-back. */
static void do_pselect(const struct wait *w, __int128 t)
{
	struct timespec ts = prog_ns_ts(t), zero = { 0, 0 };
	int fd = idle_fd(w);
	sigset_t mask;
	struct {
		const sigset_t *ss;
		size_t len;
	} sig = { &mask, _NSIG / 8 };
	fd_set rs;
	long r;

	sigemptyset(&mask);
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	r = syscall(SYS_pselect6, fd + 1, &rs, NULL, NULL, &ts, &sig);
	expect(w, "syscall(SYS_pselect6)", r, errno, 0, 0);
	expect_ts(w, "timeout", &ts, &zero);
	if (FD_ISSET(fd, &rs))
		prog_fail("%s: the fd is still set in readfds after a timeout", w->name);
}

static void do_pselect_libc(const struct wait *w, __int128 t)
{
	struct timespec ts = prog_ns_ts(t);
	int fd = idle_fd(w), r;
	sigset_t mask;
	fd_set rs;

	sigemptyset(&mask);
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	r = pselect(fd + 1, &rs, NULL, NULL, &ts, &mask);
	expect(w, "pselect", r, errno, 0, 0);
	if (FD_ISSET(fd, &rs))
		prog_fail("%s: the fd is still set in readfds after a timeout", w->name);
}

static void do_epoll_wait(const struct wait *w, __int128 t)
{
	struct epoll_event ev[4];
	int r = epoll_wait(idle_epoll(w), ev, 4, ms_of(w, t));

	expect(w, "epoll_wait", r, errno, 0, 0);
}

static void do_epoll_pwait(const struct wait *w, __int128 t)
{
	struct epoll_event ev[4];
	int epfd = idle_epoll(w), r;
	sigset_t mask;

	sigemptyset(&mask);
	r = epoll_pwait(epfd, ev, 4, ms_of(w, t), &mask);
	expect(w, "epoll_pwait", r, errno, 0, 0);
}

static void do_epoll_pwait2(const struct wait *w, __int128 t)
{
	struct timespec ts = prog_ns_ts(t), before = ts;
	struct epoll_event ev[4];
	int epfd = idle_epoll(w);
	long r = syscall(SYS_epoll_pwait2, epfd, ev, 4, &ts, NULL, 0);

	expect(w, "syscall(SYS_epoll_pwait2)", r, errno, 0, 0);
	expect_ts(w, "timeout (const)", &ts, &before);
}

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

/* FUTEX_WAIT: a relative timeout on CLOCK_MONOTONIC. */
static void do_futex_wait(const struct wait *w, __int128 t)
{
	static uint32_t word;
	struct timespec ts = prog_ns_ts(t), before = ts;
	long r = futex(&word, FUTEX_WAIT, 0, &ts, 0);

	expect(w, "futex(FUTEX_WAIT)", r, errno, -1, ETIMEDOUT);
	expect_ts(w, "timeout (const)", &ts, &before);
}

static void do_futex_wait_private(const struct wait *w, __int128 t)
{
	static uint32_t word;
	struct timespec ts = prog_ns_ts(t);
	long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, 0);

	expect(w, "futex(FUTEX_WAIT_PRIVATE)", r, errno, -1, ETIMEDOUT);
}

/* FUTEX_WAIT_BITSET: an absolute deadline, on MONOTONIC or (flag) REALTIME. */
static void do_futex_wait_bitset(const struct wait *w, __int128 t)
{
	static uint32_t word;
	__int128 deadline = prog_now(w->clock) + t;
	struct timespec ts = prog_ns_ts(deadline);
	int op = FUTEX_WAIT_BITSET_PRIVATE;
	long r;

	if (w->clock == CLOCK_REALTIME)
		op |= FUTEX_CLOCK_REALTIME;
	r = futex(&word, op, 0, &ts, FUTEX_BITSET_MATCH_ANY);
	expect(w, "futex(FUTEX_WAIT_BITSET)", r, errno, -1, ETIMEDOUT);
	expect_past(w, w->clock, deadline);
}

/* The shared (not private) variant: keyed on the page, not the mm. */
static void do_futex_wait_bitset_shared(const struct wait *w, __int128 t)
{
	static uint32_t word;
	__int128 deadline = prog_now(w->clock) + t;
	struct timespec ts = prog_ns_ts(deadline);
	long r = futex(&word, FUTEX_WAIT_BITSET, 0, &ts, FUTEX_BITSET_MATCH_ANY);

	expect(w, "futex(FUTEX_WAIT_BITSET)", r, errno, -1, ETIMEDOUT);
	expect_past(w, w->clock, deadline);
}

/* futex_waitv(2): always an absolute deadline, on the clock passed. */
static void do_futex_waitv(const struct wait *w, __int128 t)
{
	static uint32_t words[2];
	struct waitv wv[2];
	__int128 deadline = prog_now(w->clock) + t;
	struct timespec ts = prog_ns_ts(deadline);
	long r;
	int i;

	for (i = 0; i < 2; i++) {
		wv[i] = (struct waitv){ .val = 0,
					.uaddr = (uintptr_t)&words[i],
					.flags = WAITV_SIZE_U32 | WAITV_PRIVATE };
	}
	r = syscall(SYS_futex_waitv, wv, 2, 0, &ts, w->clock);
	expect(w, "syscall(SYS_futex_waitv)", r, errno, -1, ETIMEDOUT);
	expect_past(w, w->clock, deadline);
}

static void do_cond_timedwait(const struct wait *w, __int128 t)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t attr;
	pthread_cond_t cond;
	__int128 deadline;
	struct timespec ts;
	int r;

	pthread_condattr_init(&attr);
	if (w->clock != CLOCK_REALTIME)
		pthread_condattr_setclock(&attr, w->clock);
	pthread_cond_init(&cond, &attr);
	pthread_mutex_lock(&mu);
	deadline = prog_now(w->clock) + t;
	ts = prog_ns_ts(deadline);
	do
		r = pthread_cond_timedwait(&cond, &mu, &ts);
	while (r == 0); /* a spurious wakeup is allowed, and not a timeout */
	pthread_mutex_unlock(&mu);
	expect_err(w, "pthread_cond_timedwait", r, ETIMEDOUT);
	expect_past(w, w->clock, deadline);
}

static void do_sem_timedwait(const struct wait *w, __int128 t)
{
	__int128 deadline;
	struct timespec ts;
	sem_t sem;
	int r;

	if (sem_init(&sem, 0, 0))
		prog_fail("%s: sem_init: %s", w->name, strerror(errno));
	deadline = prog_now(CLOCK_REALTIME) + t;
	ts = prog_ns_ts(deadline);
	r = sem_timedwait(&sem, &ts);
	expect(w, "sem_timedwait", r, errno, -1, ETIMEDOUT);
	expect_past(w, CLOCK_REALTIME, deadline);
}

struct timedlock_arg {
	pthread_mutex_t *mu;
	struct timespec deadline;
	int ret;
};

static void *timedlock_thread(void *p)
{
	struct timedlock_arg *a = p;

	a->ret = pthread_mutex_timedlock(a->mu, &a->deadline);
	return NULL;
}

/* A mutex held by main; a second thread gives up on it at the deadline. */
static void do_mutex_timedlock(const struct wait *w, __int128 t)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct timedlock_arg a = { .mu = &mu };
	__int128 deadline;
	pthread_t th;
	int r;

	pthread_mutex_lock(&mu);
	deadline = prog_now(CLOCK_REALTIME) + t;
	a.deadline = prog_ns_ts(deadline);
	r = pthread_create(&th, NULL, timedlock_thread, &a);
	if (r)
		prog_fail("%s: pthread_create: %s", w->name, strerror(r));
	pthread_join(th, NULL);
	pthread_mutex_unlock(&mu);
	expect_err(w, "pthread_mutex_timedlock", a.ret, ETIMEDOUT);
	expect_past(w, CLOCK_REALTIME, deadline);
}

/* rt_sigtimedwait: EAGAIN at the timeout, SIGUSR1 blocked and never sent. */
static void do_rt_sigtimedwait(const struct wait *w, __int128 t)
{
	struct timespec ts = prog_ns_ts(t), before = ts;
	siginfo_t info;
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		prog_fail("%s: sigprocmask: %s", w->name, strerror(errno));
	r = sigtimedwait(&set, &info, &ts);
	expect(w, "sigtimedwait", r, errno, -1, EAGAIN);
	expect_ts(w, "timeout (const)", &ts, &before);
}

static const struct wait waits[] = {
	{ "nanosleep", CLOCK_MONOTONIC, do_nanosleep, "libc nanosleep, rem untouched" },
	{ "nanosleep_sys", CLOCK_MONOTONIC, do_nanosleep_sys, "syscall(SYS_nanosleep)" },
	{ "clock_nanosleep_monotonic", CLOCK_MONOTONIC, do_clock_nanosleep, "relative" },
	{ "clock_nanosleep_realtime", CLOCK_REALTIME, do_clock_nanosleep, "relative" },
	{ "clock_nanosleep_boottime", CLOCK_BOOTTIME, do_clock_nanosleep, "relative" },
	{ "clock_nanosleep_monotonic_abs", CLOCK_MONOTONIC, do_clock_nanosleep_abs,
	  "TIMER_ABSTIME" },
	{ "clock_nanosleep_realtime_abs", CLOCK_REALTIME, do_clock_nanosleep_abs,
	  "TIMER_ABSTIME" },
	{ "clock_nanosleep_boottime_abs", CLOCK_BOOTTIME, do_clock_nanosleep_abs,
	  "TIMER_ABSTIME" },
	{ "poll", CLOCK_MONOTONIC, do_poll, "an idle pipe, timeout in ms" },
	{ "ppoll", CLOCK_MONOTONIC, do_ppoll, "raw syscall, timespec written back as 0" },
	{ "ppoll_libc", CLOCK_MONOTONIC, do_ppoll_libc, "glibc ppoll" },
	{ "select", CLOCK_MONOTONIC, do_select, "timeval written back as 0, fd cleared" },
	{ "pselect", CLOCK_MONOTONIC, do_pselect, "raw pselect6, timespec written back as 0" },
	{ "pselect_libc", CLOCK_MONOTONIC, do_pselect_libc, "glibc pselect" },
	{ "epoll_wait", CLOCK_MONOTONIC, do_epoll_wait, "timeout in ms" },
	{ "epoll_pwait", CLOCK_MONOTONIC, do_epoll_pwait, "timeout in ms, sigmask" },
	{ "epoll_pwait2", CLOCK_MONOTONIC, do_epoll_pwait2, "raw syscall, timespec" },
	{ "futex_wait", CLOCK_MONOTONIC, do_futex_wait, "FUTEX_WAIT, relative" },
	{ "futex_wait_private", CLOCK_MONOTONIC, do_futex_wait_private,
	  "FUTEX_WAIT_PRIVATE, relative" },
	{ "futex_wait_bitset", CLOCK_MONOTONIC, do_futex_wait_bitset,
	  "FUTEX_WAIT_BITSET_PRIVATE, absolute MONOTONIC" },
	{ "futex_wait_bitset_shared", CLOCK_MONOTONIC, do_futex_wait_bitset_shared,
	  "FUTEX_WAIT_BITSET, absolute MONOTONIC" },
	{ "futex_wait_bitset_realtime", CLOCK_REALTIME, do_futex_wait_bitset,
	  "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, absolute" },
	{ "futex_waitv", CLOCK_MONOTONIC, do_futex_waitv, "syscall 449, absolute MONOTONIC" },
	{ "futex_waitv_realtime", CLOCK_REALTIME, do_futex_waitv,
	  "syscall 449, absolute REALTIME" },
	{ "cond_timedwait", CLOCK_REALTIME, do_cond_timedwait,
	  "pthread_cond_timedwait, REALTIME deadline" },
	{ "cond_timedwait_monotonic", CLOCK_MONOTONIC, do_cond_timedwait,
	  "pthread_cond_timedwait, condattr MONOTONIC" },
	{ "sem_timedwait", CLOCK_REALTIME, do_sem_timedwait, "REALTIME deadline" },
	{ "mutex_timedlock", CLOCK_REALTIME, do_mutex_timedlock,
	  "pthread_mutex_timedlock from a second thread" },
	{ "rt_sigtimedwait", CLOCK_MONOTONIC, do_rt_sigtimedwait, "-1 EAGAIN" },
};

static const clockid_t measured[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME };

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: timeouts [--raw] [--no-elapsed] [--slack=SEC] [--repeat=N] WAIT [SECONDS]\n"
	      "       timeouts --list\n"
	      "WAIT is one of:\n",
	      f);
	for (i = 0; i < PROG_ARRAY_SIZE(waits); i++)
		fprintf(f, "  %-30s %s\n", waits[i].name, waits[i].help);
}

int main(int argc, char **argv)
{
	__int128 timeout = 3600 * PROG_NSEC, slack = 5 * PROG_NSEC;
	__int128 before[3], after[3], total[3] = { 0 };
	const struct wait *w = NULL;
	long repeat = 1, n;
	size_t i;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--raw")) {
			*prog_raw_clock() = true;
		} else if (!strcmp(argv[a], "--no-elapsed")) {
			check_elapsed = false;
		} else if (!strncmp(argv[a], "--slack=", 8)) {
			slack = prog_parse_sec_or_die("--slack", argv[a] + 8);
		} else if (!strncmp(argv[a], "--repeat=", 9)) {
			repeat = strtol(argv[a] + 9, NULL, 10);
			if (repeat < 1)
				prog_fail("--repeat: '%s' is not a positive count", argv[a] + 9);
		} else if (!strcmp(argv[a], "--list")) {
			for (i = 0; i < PROG_ARRAY_SIZE(waits); i++)
				printf("%s\n", waits[i].name);
			return 0;
		} else if (!strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (a >= argc || argc - a > 2) {
		usage(stderr);
		return 1;
	}
	for (i = 0; i < PROG_ARRAY_SIZE(waits); i++)
		if (!strcmp(argv[a], waits[i].name))
			w = &waits[i];
	if (!w) {
		fprintf(stderr, "timeouts: unknown wait '%s'\n", argv[a]);
		usage(stderr);
		return 1;
	}
	if (a + 1 < argc)
		timeout = prog_parse_sec_or_die("SECONDS", argv[a + 1]);

	for (n = 0; n < repeat; n++) {
		bool ok = true;

		for (i = 0; i < 3; i++)
			before[i] = prog_now(measured[i]);
		w->fn(w, timeout);
		for (i = 0; i < 3; i++)
			after[i] = prog_now(measured[i]);
		for (i = 0; i < 3; i++) {
			/*
			 * Other clocks than the wait's own may differ by NTP's
			 * slew (at most 500 ppm) and by the gaps between reads.
			 */
			__int128 early = measured[i] == w->clock ? 0 : 10000000 + timeout / 1000;

			total[i] += after[i] - before[i];
			if (check_elapsed)
				ok &= prog_elapsed_ok(w->name, prog_clock_name(measured[i]),
						      after[i] - before[i], timeout, early,
						      slack);
		}
		if (!ok)
			prog_fail("%s: wait %ld of %ld: elapsed time out of bounds", w->name,
				  n + 1, repeat);
	}
	for (i = 0; i < 3; i++)
		if (measured[i] == w->clock)
			break;
	printf("ok %s virtual=%s timeout=%s", w->name, prog_s(total[i]), prog_s(timeout));
	if (repeat > 1)
		printf(" repeat=%ld", repeat);
	printf(" monotonic=%s realtime=%s boottime=%s%s%s\n", prog_s(total[0]), prog_s(total[1]),
	       prog_s(total[2]), *prog_raw_clock() ? " clocks=raw" : "",
	       check_elapsed ? "" : " elapsed=unchecked");
	return 0;
}
