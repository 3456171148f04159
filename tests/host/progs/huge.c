// SPDX-License-Identifier: GPL-2.0
/*
 * The far future: COUNT relative sleeps of SECONDS each (clock_nanosleep on
 * CLOCK_MONOTONIC; the kernel takes any valid timespec), each checked on the
 * monotonic and realtime clocks, then the virtual year, which must be past
 * MIN_YEAR. s64 nanoseconds since 1970 end in 2262, so the default run
 * (10 x 100 years) checks that virtual time is carried without overflow.
 *
 * usage: huge [--raw] [COUNT [SECONDS [MIN_YEAR]]]   (defaults: 10 3155760000 2500)
 * --raw reads the clocks with the raw syscall (for a static binary, whose
 * vDSO reads stay real under fluxctl) and skips the libc cross-check.
 * Last line "ok huge ... year=Y" and exit 0, or "FAIL ..." and exit 1.
 */
#define _GNU_SOURCE
#include "prog.h"

int main(int argc, char **argv)
{
	__int128 each = 3155760000LL * PROG_NSEC; /* 100 Julian years */
	__int128 slack = 5 * PROG_NSEC, m0, r0, m1, r1, start;
	long count = 10, min_year = 2500, i;
	struct timespec req, rem, now;
	struct timeval tv;
	struct tm tm;
	bool ok = true;
	time_t t;
	int r;

	if (argc > 1 && !strcmp(argv[1], "--raw")) {
		*prog_raw_clock() = true;
		argv++;
		argc--;
	}
	if (argc > 4 || (argc > 1 && argv[1][0] == '-'))
		prog_fail("usage: huge [--raw] [COUNT [SECONDS [MIN_YEAR]]]");
	if (argc > 1)
		count = strtol(argv[1], NULL, 10);
	if (argc > 2)
		each = prog_parse_sec_or_die("SECONDS", argv[2]);
	if (argc > 3)
		min_year = strtol(argv[3], NULL, 10);
	if (count < 1)
		prog_fail("huge: COUNT must be positive");

	start = prog_now(CLOCK_REALTIME);
	for (i = 0; i < count; i++) {
		m0 = prog_now(CLOCK_MONOTONIC);
		r0 = prog_now(CLOCK_REALTIME);
		req = prog_ns_ts(each);
		rem = (struct timespec){ 777, 777 };
		r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
		m1 = prog_now(CLOCK_MONOTONIC);
		r1 = prog_now(CLOCK_REALTIME);
		if (r)
			prog_fail("huge: sleep %ld: clock_nanosleep returned %d (%s)", i + 1, r,
				  strerror(r));
		if (rem.tv_sec != 777 || rem.tv_nsec != 777)
			prog_fail("huge: sleep %ld: rem written on success: { %lld, %ld }", i + 1,
				  (long long)rem.tv_sec, rem.tv_nsec);
		ok &= prog_elapsed_ok("huge", "monotonic", m1 - m0, each, 0, slack);
		ok &= prog_elapsed_ok("huge", "realtime", r1 - r0, each, 10000000 + each / 1000,
				      slack);
		if (!ok)
			prog_fail("huge: sleep %ld of %ld: elapsed out of bounds (monotonic %s)",
				  i + 1, count, prog_s(m1));
	}

	now = prog_ns_ts(prog_now(CLOCK_REALTIME));
	if (!gmtime_r(&now.tv_sec, &tm))
		prog_fail("huge: gmtime_r(%lld) failed", (long long)now.tv_sec);
	printf("# realtime %s, %04d-%02d-%02d %02d:%02d:%02d UTC\n", prog_s(prog_ts_ns(&now)),
	       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (tm.tm_year + 1900 <= min_year)
		prog_fail("huge: the year is %d, want after %ld", tm.tm_year + 1900, min_year);
	/* The other ways to read the wall clock must be in the same year. */
	if (*prog_raw_clock()) {
		if (syscall(SYS_gettimeofday, &tv, NULL))
			prog_fail("huge: raw gettimeofday: %s", strerror(errno));
#ifdef SYS_time
		t = (time_t)syscall(SYS_time, NULL);
#else
		t = tv.tv_sec;
#endif
	} else {
		if (gettimeofday(&tv, NULL))
			prog_fail("huge: gettimeofday: %s", strerror(errno));
		t = time(NULL);
	}
	if (llabs((long long)(t - now.tv_sec)) > 2 ||
	    llabs((long long)(tv.tv_sec - now.tv_sec)) > 2)
		prog_fail("huge: time() %lld, gettimeofday() %lld, CLOCK_REALTIME %lld disagree",
			  (long long)t, (long long)tv.tv_sec, (long long)now.tv_sec);
	printf("ok huge count=%ld each=%s realtime_moved=%s year=%d\n", count, prog_s(each),
	       prog_s(prog_ts_ns(&now) - start), tm.tm_year + 1900);
	return 0;
}
