// SPDX-License-Identifier: GPL-2.0
/*
 * Timed waits with arguments the kernel refuses: each fails at once with
 * the kernel's errno, never after its 100 s timeout.
 *   futex_misaligned     FUTEX_WAIT on a word not 4-byte aligned: EINVAL
 *   futex_empty_bitset   FUTEX_WAIT_BITSET with bitset 0: EINVAL
 *   futex_wait_realtime  FUTEX_WAIT | FUTEX_CLOCK_REALTIME: ENOSYS
 * usage: badargs KIND. Last line "ok KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "prog.h"

static uint32_t words[4] __attribute__((aligned(16)));

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
	} else {
		prog_fail("usage: badargs futex_misaligned|futex_empty_bitset|futex_wait_realtime");
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
