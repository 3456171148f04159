// SPDX-License-Identifier: GPL-2.0
/*
 * Timed waits with arguments the kernel refuses: each fails at once with
 * the kernel's errno, never after its 100 s timeout.
 *   futex_misaligned     FUTEX_WAIT on a word not 4-byte aligned: EINVAL
 *   futex_empty_bitset   FUTEX_WAIT_BITSET with bitset 0: EINVAL
 *   futex_wait_realtime  FUTEX_WAIT | FUTEX_CLOCK_REALTIME: ENOSYS
 *   select_negative      select(-1, no sets): EINVAL
 *   select_bad_usec      select(0, no sets) with tv_usec -1: EINVAL
 *   nanosleep_bad_nsec   nanosleep with tv_nsec 10^9: EINVAL
 *   nanosleep_negative   nanosleep of -1 s: EINVAL
 *   clock_nanosleep_raw  on CLOCK_MONOTONIC_RAW: EOPNOTSUPP
 *   clock_nanosleep_bad  on clock id 99: EINVAL
 * And one the kernel takes in its own way:
 *   select_usec_carry    select(0, no sets) of 100 s + 2000000 us: 0 after
 *                        102 s, and 0 s left in the timeval
 * And numbers with bits above the low 32 set, which the kernel drops:
 *   highbit_read         clock_gettime as (1 << 32 | nr): reads the same
 *                        clock as the plain call
 *   highbit_alarm        alarm(2) as (1 << 32 | nr), then a 100 s
 *                        nanosleep: SIGALRM ends it at 2 s, 98 s left
 * usage: badargs KIND. Last line "ok KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "prog.h"

static uint32_t words[4] __attribute__((aligned(16)));

#define HIGH_BIT (1L << 32)

static void on_alarm(int sig)
{
	(void)sig;
}

int main(int argc, char *argv[])
{
	struct timespec rel = { 100, 0 }, abs;
	const char *kind = argc == 2 ? argv[1] : "";
	__int128 t0 = prog_now(CLOCK_MONOTONIC), elapsed;
	int want, err;
	long ret;

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_sec += 100;
	if (!strcmp(kind, "futex_misaligned")) {
		want = EINVAL;
		ret = syscall(SYS_futex, (char *)words + 1, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
	} else if (!strcmp(kind, "futex_empty_bitset")) {
		want = EINVAL;
		ret = syscall(SYS_futex, words, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, 0);
	} else if (!strcmp(kind, "futex_wait_realtime")) {
		want = ENOSYS;
		ret = syscall(SYS_futex, words, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0,
			      &rel, NULL, 0);
	} else if (!strcmp(kind, "select_negative")) {
		struct timeval tv = { 100, 0 };

		want = EINVAL;
		ret = syscall(SYS_select, -1, NULL, NULL, NULL, &tv);
	} else if (!strcmp(kind, "select_bad_usec")) {
		struct timeval tv = { 100, -1 };

		want = EINVAL;
		ret = syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
	} else if (!strcmp(kind, "select_usec_carry")) {
		struct timeval tv = { 100, 2000000 };

		ret = syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
		elapsed = prog_now(CLOCK_MONOTONIC) - t0;
		if (ret || elapsed < 102 * PROG_NSEC || elapsed > 103 * PROG_NSEC)
			prog_fail("%s: returned %ld (%s) after %s s, want 0 after 102 s", kind,
				  ret, strerror(errno), prog_s(elapsed));
		/* a timed-out select reports no time left */
		if (tv.tv_sec || tv.tv_usec)
			prog_fail("%s: time left %ld.%06ld s, want 0", kind, (long)tv.tv_sec,
				  (long)tv.tv_usec);
		printf("ok %s\n", kind);
		return 0;
	} else if (!strcmp(kind, "highbit_read")) {
		struct timespec a, b;

		if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &a) ||
		    syscall(HIGH_BIT | SYS_clock_gettime, CLOCK_REALTIME, &b))
			prog_fail("%s: clock_gettime: %s", kind, strerror(errno));
		if (b.tv_sec - a.tv_sec < 0 || b.tv_sec - a.tv_sec > 1)
			prog_fail("%s: the two reads are %ld s apart", kind,
				  (long)(b.tv_sec - a.tv_sec));
		printf("ok %s\n", kind);
		return 0;
	} else if (!strcmp(kind, "highbit_alarm")) {
		struct timespec left = { 0, 0 };

		signal(SIGALRM, on_alarm);
		syscall(HIGH_BIT | SYS_alarm, 2);
		ret = syscall(SYS_nanosleep, &rel, &left);
		elapsed = prog_now(CLOCK_MONOTONIC) - t0;
		if (ret != -1 || errno != EINTR || left.tv_sec < 97 || left.tv_sec > 98 ||
		    elapsed < 2 * PROG_NSEC || elapsed > 3 * PROG_NSEC)
			prog_fail("%s: nanosleep returned %ld (%s), %ld s left, after %s s; want EINTR, 98 s left, after 2 s",
				  kind, ret, strerror(errno), (long)left.tv_sec, prog_s(elapsed));
		printf("ok %s\n", kind);
		return 0;
	} else if (!strcmp(kind, "nanosleep_bad_nsec")) {
		struct timespec ts = { 100, 1000000000L };

		want = EINVAL;
		ret = syscall(SYS_nanosleep, &ts, NULL);
	} else if (!strcmp(kind, "nanosleep_negative")) {
		struct timespec ts = { -1, 0 };

		want = EINVAL;
		ret = syscall(SYS_nanosleep, &ts, NULL);
	} else if (!strcmp(kind, "clock_nanosleep_raw")) {
		want = EOPNOTSUPP;
		ret = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &rel, NULL);
	} else if (!strcmp(kind, "clock_nanosleep_bad")) {
		want = EINVAL;
		ret = syscall(SYS_clock_nanosleep, 99, 0, &rel, NULL);
	} else {
		prog_fail("usage: badargs KIND (see the comment at the top)");
	}
	err = errno;
	elapsed = prog_now(CLOCK_MONOTONIC) - t0;
	if (ret != -1 || err != want)
		prog_fail("%s: returned %ld (%s), want %s", kind, ret, strerror(err), strerror(want));
	if (elapsed > PROG_NSEC)
		prog_fail("%s: failed after %s s, not at once", kind, prog_s(elapsed));
	printf("ok %s\n", kind);
	return 0;
}
