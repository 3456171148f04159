// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads of bench/run.sh, one per argument:
 *   sleeps N US      N nanosleeps of US microseconds each
 *   clock N          N clock_gettime(CLOCK_MONOTONIC) calls (vDSO)
 *   clock-sys N      N raw clock_gettime syscalls
 *   walk DIR         stat every file under DIR and read its first 4 KiB
 * Prints nothing but a checksum, so the work cannot be optimised away.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned long long sum;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char buf[4096];
	ssize_t n;
	int fd;

	(void)ftw;
	sum += (unsigned long long)st->st_size;
	if (type != FTW_F)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		sum += (unsigned char)buf[0];
	close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	struct timespec ts;
	long i, n;

	if (argc < 3)
		goto usage;
	n = atol(argv[2]);
	if (!strcmp(argv[1], "sleeps") && argc == 4) {
		long us = atol(argv[3]);
		struct timespec req = { us / 1000000, (us % 1000000) * 1000 };

		for (i = 0; i < n; i++)
			nanosleep(&req, NULL);
	} else if (!strcmp(argv[1], "clock")) {
		for (i = 0; i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sum += (unsigned long long)ts.tv_nsec;
		}
	} else if (!strcmp(argv[1], "clock-sys")) {
		for (i = 0; i < n; i++) {
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
			sum += (unsigned long long)ts.tv_nsec;
		}
	} else if (!strcmp(argv[1], "walk")) {
		nftw(argv[2], visit, 64, FTW_PHYS | FTW_MOUNT);
	} else {
		goto usage;
	}
	printf("%llu\n", sum);
	return 0;
usage:
	fprintf(stderr, "usage: workload sleeps N US | clock N | clock-sys N | walk DIR\n");
	return 1;
}
