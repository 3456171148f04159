// SPDX-License-Identifier: GPL-2.0
/*
 * A crowd of idle threads: N threads each sleep a very long time, then the
 * main thread sleeps SECONDS and prints how long that took on the
 * (virtual) CLOCK_MONOTONIC, read with the raw syscall. Under fluxctl the
 * sleep must jump however many threads there are.
 *
 * usage: crowd N SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *doze(void *arg)
{
	struct timespec t = { 100000000, 0 };

	(void)arg;
	for (;;)
		nanosleep(&t, NULL);
	return NULL;
}

static double mono(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	struct timespec t = { 0, 0 };
	pthread_attr_t attr;
	pthread_t th;
	double t0;
	int i, n;

	if (argc != 3 || (n = atoi(argv[1])) < 0 || (t.tv_sec = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: crowd N SECONDS\n");
		return 2;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (pthread_create(&th, &attr, doze, NULL)) {
			perror("crowd: pthread_create");
			return 1;
		}
	}
	t0 = mono();
	nanosleep(&t, NULL);
	printf("slept %.3f\n", mono() - t0);
	return 0;
}
