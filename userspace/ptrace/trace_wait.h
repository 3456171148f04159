/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ptrace mode knows about one syscall that waits with a timeout:
 * decoding it at the seccomp stop (virtual deadline, what a timeout
 * returns, where the kernel writes remaining time back), the register
 * changes that keep the kernel's own timer from ever firing before the
 * virtual deadline, and, at the syscall-exit stop, the results a real
 * timeout would have produced. Also the patching of explicit time reads.
 */
#ifndef _FC_TRACE_WAIT_H
#define _FC_TRACE_WAIT_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include "fc_clock.h"

enum fc_remain {
	FC_REMAIN_NONE,
	FC_REMAIN_TIMESPEC,	/* struct timespec at remain_addr */
	FC_REMAIN_TIMEVAL,	/* struct timeval at remain_addr */
};

struct fc_wait {
	long nr;			/* the syscall that waits */
	bool pure_sleep;		/* only time can end it: may be skipped */
	unsigned long futex_addr;	/* a futex wait: only time or a wake */
	unsigned int futex_val;		/* ... ends it while *futex_addr == val */
	enum fc_clockid clock;		/* of the caller's timeout */
	bool absolute;
	struct fc_time deadline;	/* virtual CLOCK_MONOTONIC */
	long timeout_ret;		/* 0, -ETIMEDOUT or -EAGAIN */
	enum fc_remain remain;		/* remaining time written back ... */
	bool remain_on_eintr_only;	/* ... always, or only when interrupted */
	unsigned long remain_addr;
	struct timespec remain_before;	/* nanosleep's rem as the caller left it */
	bool remain_saved;
	unsigned long fdsets[3];	/* select: cleared on a timeout */
	unsigned long nfds;
	bool forever;			/* past KTIME_MAX: the kernel never ends it */
	char desc[192];			/* decoded call, for -v */
};

/* The host's clocks, read together. */
struct fc_host_now {
	struct fc_time mono, boot, real, tai;
};

void fc_host_now(struct fc_host_now *now);

/* Is nr one of the explicit time reads (clock_gettime, gettimeofday, time)? */
bool fc_wait_is_timeread(long nr);
const char *fc_syscall_name(long nr);

/* The virtual clock a clockid_t reads (enum fc_clockid), or -1: real. */
int fc_wait_clockid(long id);

/*
 * At a seccomp stop: decodes the wait in regs for the tracee tid.
 * Return: 1 and fills *w (and may change regs, setting *regs_changed) for
 * a wait to virtualise; 0 for a call to let run untouched (no timeout, a
 * zero timeout, invalid arguments the kernel will reject); -errno when
 * the tracee's memory cannot be read.
 */
int fc_wait_decode(pid_t tid, struct user_regs_struct *regs,
		   const struct fc_clock *clk, const struct fc_host_now *now,
		   struct fc_wait *w, bool *regs_changed);

/*
 * A wait a signal interrupted and the kernel will restart, not for a
 * signal its process ignores (a stop, say). fc_wait_rerun_fresh(): does
 * the re-run read the time left, which the kernel wrote into its timeout
 * (select, pselect6, ppoll), and so wait afresh from when it runs?
 * fc_wait_keep_remaining(): the remaining time written into a nanosleep's
 * rem at the interruption is what it holds after the restarted sleep
 * ends (the kernel writes it once, then never again).
 */
bool fc_wait_rerun_fresh(const struct fc_wait *w);
void fc_wait_keep_remaining(pid_t tid, struct fc_wait *w);

/*
 * What a real timeout leaves in the caller's memory (select's time left
 * and fd sets), for a wait that timed out or was skipped.
 */
void fc_wait_timed_out(pid_t tid, const struct fc_wait *w);

/*
 * At the syscall-exit stop of a wait: makes the result and the memory
 * write-backs those of a real timeout when timed_out, else rewrites the
 * remaining time the kernel wrote (host time) in virtual time.
 * vnow is virtual CLOCK_MONOTONIC now. Changes regs->rax only.
 */
void fc_wait_finish(pid_t tid, struct user_regs_struct *regs,
		    const struct fc_wait *w, bool timed_out, struct fc_time vnow);

/*
 * Adds clock id's offset to the {seconds, fraction} pair at addr (0:
 * none), each field size bytes (4 or 8), the fraction in units of
 * unit_ns: a timespec (1) or timeval (1000) of any ABI.
 * Return: 0, or the fc_mem_read/write error.
 */
int fc_wait_patch_pair(pid_t tid, unsigned long addr, size_t size, long unit_ns,
		       enum fc_clockid id, const struct fc_clock *clk);

/*
 * time()'s answer: virtual REALTIME seconds in regs->rax, in size bytes
 * (4 wraps as natively), also stored at addr if not 0.
 */
int fc_wait_patch_time(pid_t tid, unsigned long addr, size_t size,
		       struct user_regs_struct *regs, const struct fc_clock *clk);

/*
 * At the syscall-exit stop of a time read: adds the clock's offset to
 * what the kernel returned. saved holds the registers of the entry.
 * Return: 0, or the fc_mem_read/write error that left it unpatched.
 */
int fc_wait_patch_timeread(pid_t tid, struct user_regs_struct *regs,
			   const struct user_regs_struct *saved,
			   const struct fc_clock *clk);

/*
 * For a futex wait: does the futex still hold the expected value, so that
 * the wait would block? (Asked while every other thread is blocked, so
 * nothing can change it before the wait would start.)
 */
bool fc_wait_futex_would_block(pid_t tid, const struct fc_wait *w);

/* Do a and b hold the same six syscall argument registers? */
bool fc_regs_args_equal(const struct user_regs_struct *a,
			const struct user_regs_struct *b);

/* Restores the argument registers of saved into regs (the ABI keeps them). */
void fc_regs_restore_args(struct user_regs_struct *regs,
			  const struct user_regs_struct *saved);

#endif /* _FC_TRACE_WAIT_H */
