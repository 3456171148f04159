// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit (ia32, -m32) program that sleeps 3 s with nanosleep: ptrace
 * mode refuses it at its exec, since its time calls would not be virtual.
 * With "probe", it only exits 0 (can this kernel run ia32 programs?).
 * Built by its own rule (the -m32 programs are in this directory only).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(int argc, char *argv[])
{
	struct timespec ts = { 3, 0 };

	if (argc > 1 && !strcmp(argv[1], "probe"))
		return 0;
	if (nanosleep(&ts, NULL)) {
		perror("FAIL nanosleep");
		return 1;
	}
	printf("ok slept 3 s\n");
	return 0;
}
