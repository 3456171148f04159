// SPDX-License-Identifier: GPL-2.0
/*
 * A busy member for tests/vm/unload_stress.sh: reads the time with the raw
 * system calls (clock_gettime on every clock a program reads, gettimeofday,
 * time) in a tight loop, never sleeping, so the group it runs in never goes
 * quiescent and the module's redirected time reads are hot while fluxcap.ko
 * is unloaded and loaded again. Raw syscalls, no vDSO and no preload: it
 * holds no reference to /dev/fluxcap, so rmmod may proceed.
 *
 * usage: timeloop [SECONDS]
 * Loops for SECONDS of CLOCK_MONOTONIC_RAW (which fluxcap never offsets), or
 * until killed when SECONDS is absent. Prints "ok timeloop reads=N" and
 * exits 0, or "FAIL ..." and exits 1 when a read fails.
 */
#define _GNU_SOURCE
#include "prog.h"

static const clockid_t loop_clocks[] = {
	CLOCK_REALTIME,	      CLOCK_MONOTONIC,	CLOCK_BOOTTIME,	   CLOCK_TAI,
	CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW,
};

static __int128 raw_now(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC_RAW, &ts))
		prog_fail("clock_gettime(CLOCK_MONOTONIC_RAW): %s", strerror(errno));
	return prog_ts_ns(&ts);
}

int main(int argc, char **argv)
{
	__int128 limit = -1, start;
	unsigned long long reads = 0;
	struct timespec ts;
	struct timeval tv;
	size_t i;

	if (argc > 2)
		prog_fail("usage: timeloop [SECONDS]");
	if (argc == 2)
		limit = prog_parse_sec_or_die("SECONDS", argv[1]);
	start = raw_now();
	for (;;) {
		for (i = 0; i < PROG_ARRAY_SIZE(loop_clocks); i++) {
			if (syscall(SYS_clock_gettime, loop_clocks[i], &ts))
				prog_fail("clock_gettime(%d): %s", (int)loop_clocks[i],
					  strerror(errno));
			reads++;
		}
		if (syscall(SYS_gettimeofday, &tv, NULL))
			prog_fail("gettimeofday: %s", strerror(errno));
		if (syscall(SYS_time, NULL) == -1)
			prog_fail("time: %s", strerror(errno));
		reads += 2;
		if (limit >= 0 && raw_now() - start >= limit)
			break;
	}
	printf("ok timeloop reads=%llu\n", reads);
	return 0;
}
