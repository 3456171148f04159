// SPDX-License-Identifier: GPL-2.0
/*
 * What a debugger's child does first: PTRACE_TRACEME. Under ptrace mode it
 * fails with EPERM (the process is traced already). usage: traceme.
 * Prints "ok traceme EPERM" and exits 0 when it fails so, else "FAIL ...".
 */
#define _GNU_SOURCE
#include <sys/ptrace.h>

#include "prog.h"

int main(void)
{
	long ret = ptrace(PTRACE_TRACEME, 0, NULL, NULL);

	if (ret != -1 || errno != EPERM)
		prog_fail("traceme: ptrace(PTRACE_TRACEME) gave %ld (%s), not EPERM", ret,
			  ret ? strerror(errno) : "traced");
	printf("ok traceme EPERM\n");
	return 0;
}
