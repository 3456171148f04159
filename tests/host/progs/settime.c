// SPDX-License-Identifier: GPL-2.0
/*
 * Setting the time from inside a group (issue 13): run as root under
 * fluxctl (either mode), never natively, since it sets CLOCK_REALTIME.
 *   settime        clock_settime, settimeofday (with and without tz, both
 *                  NULL), adjtimex read, ADJ_SETOFFSET (+3600 s, with and
 *                  without ADJ_NANO, and through clock_adjtime), their
 *                  EINVAL, EFAULT and (after dropping CAP_SYS_TIME) EPERM,
 *                  other adjtimex writes refused with EPERM, a
 *                  TFD_TIMER_CANCEL_ON_SET timerfd read (non-blocking and
 *                  blocked) failing with ECANCELED after a set, and an
 *                  absolute REALTIME sleep ended by a set past it;
 *                  MONOTONIC never moves with REALTIME
 *   settime ia32   the ia32 stime, settimeofday, clock_settime and
 *                  clock_settime64 (int $0x80): each fails with EPERM or
 *                  sets the group's time; adjtimex fails with EPERM
 * Syscalls are raw (no libc wrapper in the way). One "ok WHAT" or
 * "FAIL WHAT: why" line per check, then "# N checks, M failed"; exit 1 on
 * any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ia32.h"

#define NSEC 1000000000LL
#define BAD_PTR ((void *)16)	/* never mapped */

static int checks, failed;

static __attribute__((format(printf, 2, 3))) void check(int good, const char *fmt, ...)
{
	va_list ap;

	checks++;
	failed += !good;
	printf(good ? "ok " : "FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static long long now_ns(clockid_t id)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* -errno or the result, as the kernel returns it */
static long sys(long nr, long a, long b)
{
	long r = syscall(nr, a, b);

	return r < 0 ? -errno : r;
}

static long set_real(long long sec, long nsec)
{
	struct timespec ts = { sec, nsec };

	return sys(SYS_clock_settime, CLOCK_REALTIME, (long)&ts);
}

/* Is REALTIME near want (s)? */
static int real_near(long long want, long long slack)
{
	long long d = now_ns(CLOCK_REALTIME) / NSEC - want;

	return d >= -slack && d <= slack;
}

static void settime_cases(void)
{
	struct timespec ts = { 2000000000, 1000000000 };
	long long m0 = now_ns(CLOCK_MONOTONIC);
	long r;

	r = set_real(2000000000, 0);
	check(r == 0 && real_near(2000000000, 5),
	      "clock_settime(REALTIME, 2000000000): %ld, reads %lld", r,
	      now_ns(CLOCK_REALTIME) / NSEC);
	check(now_ns(CLOCK_TAI) / NSEC - 2000000000 < 60 && now_ns(CLOCK_TAI) / NSEC >= 2000000000,
	      "TAI follows: %lld", now_ns(CLOCK_TAI) / NSEC);
	check(now_ns(CLOCK_MONOTONIC) - m0 < 5 * NSEC, "MONOTONIC did not move with it");
	r = sys(SYS_clock_settime, CLOCK_REALTIME, (long)&ts);
	check(r == -EINVAL, "clock_settime tv_nsec 1e9: EINVAL (%ld)", r);
	ts = (struct timespec){ -1, 0 };
	r = sys(SYS_clock_settime, CLOCK_REALTIME, (long)&ts);
	check(r == -EINVAL, "clock_settime tv_sec -1: EINVAL (%ld)", r);
	ts = (struct timespec){ 9223372036LL, 0 };
	r = sys(SYS_clock_settime, CLOCK_REALTIME, (long)&ts);
	check(r == -EINVAL, "clock_settime past TIME_SETTOD_SEC_MAX: EINVAL (%ld)", r);
	r = sys(SYS_clock_settime, CLOCK_REALTIME, (long)BAD_PTR);
	check(r == -EFAULT, "clock_settime bad pointer: EFAULT (%ld)", r);
	check(real_near(2000000000, 5), "REALTIME kept after the failures");
	ts = (struct timespec){ 100, 0 };
	r = sys(SYS_clock_settime, CLOCK_MONOTONIC, (long)&ts);
	check(r == -EINVAL, "clock_settime(MONOTONIC): EINVAL, the kernel's (%ld)", r);

	{
		struct timeval tv = { 2100000000, 500000 };
		struct timezone tz = { 0, 0 }, badtz = { 16 * 60, 0 };

		r = sys(SYS_settimeofday, (long)&tv, 0);
		check(r == 0 && real_near(2100000000, 5), "settimeofday(2100000000.5, NULL): %ld",
		      r);
		tv.tv_sec = 2200000000;
		r = sys(SYS_settimeofday, (long)&tv, (long)&tz);
		check(r == 0 && real_near(2200000000, 5), "settimeofday with tz {0, 0}: %ld", r);
		r = sys(SYS_settimeofday, (long)&tv, (long)&badtz);
		check(r == -EINVAL, "settimeofday tz_minuteswest 960: EINVAL (%ld)", r);
		r = sys(SYS_settimeofday, 0, 0);
		check(r == 0, "settimeofday(NULL, NULL): 0 (%ld)", r);
		tv.tv_usec = 1000001;
		r = sys(SYS_settimeofday, (long)&tv, 0);
		check(r == -EINVAL, "settimeofday tv_usec 1000001: EINVAL (%ld)", r);
		tv.tv_usec = -1;
		r = sys(SYS_settimeofday, (long)&tv, 0);
		check(r == -EINVAL, "settimeofday tv_usec -1: EINVAL (%ld)", r);
		r = sys(SYS_settimeofday, (long)BAD_PTR, 0);
		check(r == -EFAULT, "settimeofday bad tv: EFAULT (%ld)", r);
		tv.tv_usec = 0;
		r = sys(SYS_settimeofday, (long)&tv, (long)BAD_PTR);
		check(r == -EFAULT, "settimeofday bad tz: EFAULT (%ld)", r);
		check(real_near(2200000000, 5), "REALTIME kept after the failures");
	}
}

/* The time adjtimex reports, in ns (STA_NANO tells the unit). */
static long long tx_ns(const struct timex *tx)
{
	return tx->time.tv_sec * NSEC +
	       (tx->status & STA_NANO ? tx->time.tv_usec : tx->time.tv_usec * 1000LL);
}

static void adjtime_cases(void)
{
	struct timex tx = { 0 };
	long long before, after;
	long r;

	r = sys(SYS_adjtimex, (long)&tx, 0);
	before = now_ns(CLOCK_REALTIME);
	check(r >= 0 && llabs(tx_ns(&tx) - before) < 5 * NSEC,
	      "adjtimex read: %ld, time %lld reads REALTIME %lld", r, tx_ns(&tx) / NSEC,
	      before / NSEC);
	tx = (struct timex){ .modes = ADJ_OFFSET_SS_READ };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r >= 0 && llabs(tx_ns(&tx) - now_ns(CLOCK_REALTIME)) < 5 * NSEC,
	      "adjtimex ADJ_OFFSET_SS_READ: %ld, time %lld", r, tx_ns(&tx) / NSEC);

	before = now_ns(CLOCK_REALTIME);
	tx = (struct timex){ .modes = ADJ_SETOFFSET, .time = { 3600, 0 } };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	after = now_ns(CLOCK_REALTIME);
	check(r >= 0 && llabs(after - before - 3600 * NSEC) < 5 * NSEC &&
	      tx.modes == ADJ_SETOFFSET && llabs(tx_ns(&tx) - after) < 5 * NSEC,
	      "adjtimex ADJ_SETOFFSET +3600 s: %ld, moved %lld s, time %lld", r,
	      (after - before) / NSEC, tx_ns(&tx) / NSEC);
	before = after;
	tx = (struct timex){ .modes = ADJ_SETOFFSET | ADJ_NANO, .time = { 3600, 500000000 } };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	after = now_ns(CLOCK_REALTIME);
	check(r >= 0 && llabs(after - before - 3600 * NSEC - NSEC / 2) < 5 * NSEC,
	      "adjtimex ADJ_SETOFFSET|ADJ_NANO +3600.5 s: %ld, moved %lld ms", r,
	      (after - before) / 1000000);
	before = after;
	tx = (struct timex){ .modes = ADJ_SETOFFSET, .time = { -3600, 0 } };
	r = sys(SYS_clock_adjtime, CLOCK_REALTIME, (long)&tx);
	after = now_ns(CLOCK_REALTIME);
	check(r >= 0 && llabs(after - before + 3600 * NSEC) < 5 * NSEC,
	      "clock_adjtime(REALTIME, ADJ_SETOFFSET -3600 s): %ld, moved %lld s", r,
	      (after - before) / NSEC);
	tx = (struct timex){ .modes = ADJ_SETOFFSET, .time = { 1, -1 } };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r == -EINVAL, "ADJ_SETOFFSET tv_usec -1: EINVAL (%ld)", r);
	tx = (struct timex){ .modes = ADJ_SETOFFSET, .time = { 1, 1000000 } };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r == -EINVAL, "ADJ_SETOFFSET tv_usec 1000000: EINVAL (%ld)", r);
	tx = (struct timex){ .modes = ADJ_SETOFFSET | ADJ_NANO, .time = { 1, 1000000000 } };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r == -EINVAL, "ADJ_SETOFFSET|ADJ_NANO tv_usec 1e9: EINVAL (%ld)", r);
	r = sys(SYS_adjtimex, (long)BAD_PTR, 0);
	check(r == -EFAULT, "adjtimex bad pointer: EFAULT (%ld)", r);
	tx = (struct timex){ .modes = ADJ_FREQUENCY, .freq = 0 };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r == -EPERM, "adjtimex ADJ_FREQUENCY (steers the host): EPERM (%ld)", r);
	tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT, .offset = 0 };
	r = sys(SYS_adjtimex, (long)&tx, 0);
	check(r == -EPERM, "adjtimex ADJ_OFFSET_SINGLESHOT (adjtime): EPERM (%ld)", r);
}

/* Drops CAP_SYS_TIME from this thread's effective set. */
static int drop_sys_time(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_SYS_TIME / 32].effective &= ~(1U << (CAP_SYS_TIME % 32));
	return (int)syscall(SYS_capset, &h, d);
}

static void eperm_cases(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct timeval tv = { 2000000000, 0 };
		struct timex tx = { .modes = ADJ_SETOFFSET, .time = { 3600, 0 } };
		long long r0 = now_ns(CLOCK_REALTIME) / NSEC;
		long r;

		checks = failed = 0;
		check(drop_sys_time() == 0, "capset: CAP_SYS_TIME dropped");
		r = set_real(2000000000, 0);
		check(r == -EPERM, "without CAP_SYS_TIME: clock_settime EPERM (%ld)", r);
		r = sys(SYS_settimeofday, (long)&tv, 0);
		check(r == -EPERM, "without CAP_SYS_TIME: settimeofday EPERM (%ld)", r);
		r = sys(SYS_settimeofday, 0, 0);
		check(r == -EPERM, "without CAP_SYS_TIME: settimeofday(NULL, NULL) EPERM (%ld)", r);
		r = sys(SYS_adjtimex, (long)&tx, 0);
		check(r == -EPERM, "without CAP_SYS_TIME: ADJ_SETOFFSET EPERM (%ld)", r);
		tx = (struct timex){ 0 };
		r = sys(SYS_adjtimex, (long)&tx, 0);
		check(r >= 0, "without CAP_SYS_TIME: adjtimex read allowed (%ld)", r);
		check(real_near(r0, 5), "without CAP_SYS_TIME: REALTIME unchanged");
		_exit(failed ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the unprivileged child passed");
}

static int blocked_fd;
static long blocked_ret;

static void *blocked_read(void *arg)
{
	unsigned long long ticks;

	(void)arg;
	blocked_ret = read(blocked_fd, &ticks, sizeof(ticks)) < 0 ? -errno : 0;
	return NULL;
}

/* A TFD_TIMER_CANCEL_ON_SET timerfd at REALTIME now + 1000 s. */
static int cancel_fd(int flags)
{
	struct itimerspec its = { { 0, 0 }, { now_ns(CLOCK_REALTIME) / NSEC + 1000, 0 } };
	int fd = timerfd_create(CLOCK_REALTIME, flags);

	if (fd < 0 || timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL))
		return -1;
	return fd;
}

static void timerfd_cases(void)
{
	unsigned long long ticks;
	struct timespec nap = { 1, 0 };
	pthread_t th;
	long r;
	int fd;

	fd = cancel_fd(TFD_NONBLOCK);
	r = read(fd, &ticks, sizeof(ticks)) < 0 ? -errno : 0;
	check(fd >= 0 && r == -EAGAIN, "CANCEL_ON_SET timerfd, before a set: EAGAIN (%ld)", r);
	set_real(now_ns(CLOCK_REALTIME) / NSEC + 10, 0);
	r = read(fd, &ticks, sizeof(ticks)) < 0 ? -errno : 0;
	check(r == -ECANCELED, "after clock_settime: read fails with ECANCELED (%ld)", r);
	r = read(fd, &ticks, sizeof(ticks)) < 0 ? -errno : 0;
	check(r == -EAGAIN, "read again: EAGAIN (%ld)", r);
	close(fd);

	blocked_fd = cancel_fd(0);
	blocked_ret = 1;
	pthread_create(&th, NULL, blocked_read, NULL);
	nanosleep(&nap, NULL);		/* the reader blocks meanwhile */
	set_real(now_ns(CLOCK_REALTIME) / NSEC + 10, 0);
	pthread_join(th, NULL);
	check(blocked_ret == -ECANCELED, "a read blocked across settimeofday: ECANCELED (%ld)",
	      blocked_ret);
	close(blocked_fd);
}

static long long sleep_took;

static void *abs_sleeper(void *arg)
{
	struct timespec until = { *(long long *)arg, 0 };
	long long m0 = now_ns(CLOCK_MONOTONIC);

	clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL);
	sleep_took = now_ns(CLOCK_MONOTONIC) - m0;
	return NULL;
}

/* An absolute REALTIME sleep 1 day ahead ends when the clock is set past it. */
static void abs_sleep_case(void)
{
	long long until = now_ns(CLOCK_REALTIME) / NSEC + 86400;
	struct timespec nap = { 2, 0 };
	pthread_t th;

	pthread_create(&th, NULL, abs_sleeper, &until);
	nanosleep(&nap, NULL);
	set_real(until + 1, 0);
	pthread_join(th, NULL);
	check(sleep_took < 600 * NSEC,
	      "absolute REALTIME sleep of a day ends at a set past it, after %lld s MONOTONIC",
	      sleep_took / NSEC);
}

/*
 * ia32 stime (25), settimeofday (79), clock_settime (264, 32-bit time) and
 * clock_settime64 (404): EPERM or a set; adjtimex (124): EPERM.
 */
static void ia32_cases(void)
{
	int *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			-1, 0);
	static const struct { const char *name; long nr; } calls[] = {
		{ "stime", 25 }, { "settimeofday", 79 }, { "clock_settime", 264 },
		{ "clock_settime64", 404 },
	};
	long r;
	size_t i;

	if (low == MAP_FAILED) {
		check(0, "mmap MAP_32BIT: %s", strerror(errno));
		return;
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		/* time_t, timeval, timespec; or (404) a 64-bit sec, then nsec */
		low[0] = 2000000000 + (int)i * 1000;
		low[1] = 0;
		low[2] = low[3] = 0;
		r = calls[i].nr == 264 || calls[i].nr == 404 ?
			ia32_call(calls[i].nr, CLOCK_REALTIME, (long)low) :
			ia32_call(calls[i].nr, (long)low, 0);
		r = (int)r;
		check(r == -EPERM || (r == 0 && real_near(low[0], 5)),
		      "ia32 %s: %s (%ld)", calls[i].name,
		      r == -EPERM ? "EPERM" : r == 0 ? "set the group's time" : "unexpected", r);
	}
	/* adjtimex steers the clock: refused (a zeroed timex would only read) */
	memset(low, 0, 4096);
	low[0] = 0x2000;	/* modes: ADJ_TICK */
	r = (int)ia32_call(124, (long)low, 0);
	check(r == -EPERM, "ia32 adjtimex(ADJ_TICK): %s (%ld)", r == -EPERM ? "EPERM" : "unexpected", r);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "ia32")) {
		ia32_cases();
	} else {
		settime_cases();
		adjtime_cases();
		eperm_cases();
		timerfd_cases();
		abs_sleep_case();
	}
	printf("# %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
