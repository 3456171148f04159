// SPDX-License-Identifier: GPL-2.0
/*
 * Reads a stopped tracee's queued signals with PTRACE_PEEKSIGINFO (see
 * signal_due.h): two ptrace calls, a quarter of what its /proc status
 * costs. Every signal but SIGKILL is queued with its siginfo; a SIGKILL
 * ends the stop itself. The mask is read only when something is queued.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/ptrace.h>

#include "signal_due.h"

#define PEEK_BATCH 8

/* Is a queue (flags: 0, the thread's; PTRACE_PEEKSIGINFO_SHARED) due? */
static bool queue_due(pid_t tid, unsigned int flags, uint64_t *mask, bool *have_mask)
{
	struct __ptrace_peeksiginfo_args args = { .off = 0, .flags = flags, .nr = PEEK_BATCH };
	siginfo_t si[PEEK_BATCH];
	long n, i;

	do {
		n = ptrace(PTRACE_PEEKSIGINFO, tid, &args, si);
		if (n < 0)
			return true;
		if (n && !*have_mask) {
			if (ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(*mask), mask))
				return true;
			*have_mask = true;
		}
		for (i = 0; i < n; i++)
			if (si[i].si_signo < 1 || si[i].si_signo > 64 ||
			    !((*mask >> (si[i].si_signo - 1)) & 1))
				return true;
		args.off += (unsigned long long)n;
	} while (n == PEEK_BATCH);
	return false;
}

bool fc_signal_due(pid_t tid)
{
	bool have_mask = false;
	uint64_t mask = 0;

	return queue_due(tid, 0, &mask, &have_mask) ||
	       queue_due(tid, PTRACE_PEEKSIGINFO_SHARED, &mask, &have_mask);
}
