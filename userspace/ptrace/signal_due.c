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
#include "taskstat.h"

#define PEEK_BATCH 8
#define BIT(sig) (1ULL << ((sig) - 1))

/* Adds the signals of one queue (flags: 0 or PTRACE_PEEKSIGINFO_SHARED). */
static int queued(pid_t tid, unsigned int flags, uint64_t *sigs)
{
	struct __ptrace_peeksiginfo_args args = { .off = 0, .flags = flags, .nr = PEEK_BATCH };
	siginfo_t si[PEEK_BATCH];
	long n, i;

	do {
		n = ptrace(PTRACE_PEEKSIGINFO, tid, &args, si);
		if (n < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (si[i].si_signo >= 1 && si[i].si_signo <= 64)
				*sigs |= BIT(si[i].si_signo);
		args.off += (unsigned long long)n;
	} while (n == PEEK_BATCH);
	return 0;
}

/* The unblocked signals queued for tid: 0 if none; -1 if it cannot tell. */
static int unblocked(pid_t tid, uint64_t *sigs)
{
	uint64_t mask;

	*sigs = 0;
	if (queued(tid, 0, sigs) || queued(tid, PTRACE_PEEKSIGINFO_SHARED, sigs))
		return -1;
	if (!*sigs)
		return 0;
	if (ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(mask), &mask))
		return -1;
	*sigs &= ~mask;
	return 0;
}

bool fc_signal_due(pid_t tid)
{
	uint64_t sigs;

	return unblocked(tid, &sigs) || sigs;
}

bool fc_signal_only_ignored(pid_t tid, pid_t tgid)
{
	/* SIGCONT is left out: after a stop, its EINTR is the native one */
	const uint64_t dfl_ignore = BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH);
	unsigned long long ign, cgt;
	uint64_t sigs;

	if (unblocked(tid, &sigs) || !sigs ||
	    !fc_taskstat_status(tgid, 0, "SigIgn:", 16, &ign) ||
	    !fc_taskstat_status(tgid, 0, "SigCgt:", 16, &cgt))
		return false;
	return !(sigs & ~(ign | (dfl_ignore & ~cgt)));
}
