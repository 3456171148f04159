/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the programs that tests/host/ptrace_mode.sh runs under
 * virtual time: clock reads through libc (the vDSO, or the preload when one is
 * loaded) or through the raw syscall, exact nanosecond arithmetic in __int128
 * (virtual clocks may be carried past 2262, where s64 nanoseconds end),
 * "SEC[.FRAC]" parsing and printing, and one failure exit.
 * Every program prints "ok ..." and exits 0, or prints "FAIL ..." and exits 1.
 */
#ifndef _FC_PROG_H
#define _FC_PROG_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PROG_NSEC 1000000000LL
#define PROG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __prog_printf(a, b) __attribute__((format(printf, a, b)))

/* Set by --raw: read clocks with syscall(SYS_clock_gettime) instead of libc. */
static inline bool *prog_raw_clock(void)
{
	static bool raw;

	return &raw;
}

/* Print "FAIL <what>: ..." (to stdout, next to the "ok" lines) and exit 1. */
static inline __prog_printf(1, 2) __attribute__((noreturn)) void prog_fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static inline __int128 prog_ts_ns(const struct timespec *ts)
{
	return (__int128)ts->tv_sec * PROG_NSEC + ts->tv_nsec;
}

static inline struct timespec prog_ns_ts(__int128 ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / PROG_NSEC);
	ts.tv_nsec = (long)(ns % PROG_NSEC);
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += PROG_NSEC;
	}
	return ts;
}

/* "-12.000345678" into buf (at least 48 bytes); returns buf. */
static inline char *prog_fmt(char *buf, size_t len, __int128 ns)
{
	const char *sign = "";

	if (ns < 0) {
		sign = "-";
		ns = -ns;
	}
	snprintf(buf, len, "%s%lld.%09lld", sign, (long long)(ns / PROG_NSEC),
		 (long long)(ns % PROG_NSEC));
	return buf;
}

/* Up to 4 formatted values per printf: a small ring of buffers. */
static inline const char *prog_s(__int128 ns)
{
	static char bufs[8][48];
	static unsigned int next;

	return prog_fmt(bufs[next++ % 8], sizeof(bufs[0]), ns);
}

static inline const char *prog_clock_name(clockid_t clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
		return "realtime";
	case CLOCK_MONOTONIC:
		return "monotonic";
	case CLOCK_BOOTTIME:
		return "boottime";
	case CLOCK_TAI:
		return "tai";
	case CLOCK_REALTIME_COARSE:
		return "realtime_coarse";
	case CLOCK_MONOTONIC_COARSE:
		return "monotonic_coarse";
	default:
		return "clock?";
	}
}

/* One clock read, through libc or (with raw) the syscall itself. */
static inline __int128 prog_read(clockid_t clk, bool raw)
{
	struct timespec ts;
	int r;

	if (raw)
		r = (int)syscall(SYS_clock_gettime, clk, &ts);
	else
		r = clock_gettime(clk, &ts);
	if (r)
		prog_fail("clock_gettime(%s%s): %s", prog_clock_name(clk),
			  raw ? ", raw syscall" : "", strerror(errno));
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= PROG_NSEC)
		prog_fail("clock_gettime(%s) returned { %lld, %ld }", prog_clock_name(clk),
			  (long long)ts.tv_sec, ts.tv_nsec);
	return prog_ts_ns(&ts);
}

/* The clock the program measures with (see prog_raw_clock()). */
static inline __int128 prog_now(clockid_t clk)
{
	return prog_read(clk, *prog_raw_clock());
}

/* "3600", "0.2", "1.000000001" into nanoseconds; -1 if malformed. */
static inline __int128 prog_parse_sec(const char *s)
{
	__int128 sec = 0, frac = 0, scale = PROG_NSEC;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > (__int128)1 << 62)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p)
		return -1;
	return sec * PROG_NSEC + frac;
}

static inline __int128 prog_parse_sec_or_die(const char *what, const char *s)
{
	__int128 ns = prog_parse_sec(s);

	if (ns < 0)
		prog_fail("%s: '%s' is not a number of seconds", what, s);
	return ns;
}

/*
 * True if elapsed lies in [want - early, want + slack]; otherwise prints why.
 * A real timeout never returns early on the clock it is measured against, so
 * callers pass early = 0 for that clock and a small tolerance for the others.
 */
static inline bool prog_elapsed_ok(const char *what, const char *clock, __int128 elapsed,
				   __int128 want, __int128 early, __int128 slack)
{
	if (elapsed < want - early) {
		printf("# %s: %s elapsed %s s, less than the timeout %s s\n", what, clock,
		       prog_s(elapsed), prog_s(want));
		return false;
	}
	if (elapsed > want + slack) {
		printf("# %s: %s elapsed %s s, more than the timeout %s s + slack %s s\n",
		       what, clock, prog_s(elapsed), prog_s(want), prog_s(slack));
		return false;
	}
	return true;
}

#endif /* _FC_PROG_H */
