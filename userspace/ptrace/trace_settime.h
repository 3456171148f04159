/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Setting the time inside the tree in ptrace mode: clock_settime and
 * settimeofday of CLOCK_REALTIME, and the offset modes of adjtimex and
 * clock_adjtime, set the tree's virtual REALTIME (and TAI), with the
 * kernel's checks and errors (EFAULT, EINVAL, EPERM without CAP_SYS_TIME),
 * and never reach the host clock: the real syscall is skipped. Reads of
 * adjtimex report virtual REALTIME; any other adjtimex write fails with
 * EPERM. The ia32 and x32 entry points fail with EPERM.
 */
#ifndef _FC_TRACE_SETTIME_H
#define _FC_TRACE_SETTIME_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>

#include "abi_nr.h"
#include "fc_clock.h"
#include "timer_arm.h"

/* What a time-setting call needs between its entry and exit stops. */
struct fc_settime_call {
	unsigned long txc;	/* adjtimex: the timex whose time is rewritten */
	unsigned int modes;	/* ... and its modes, put back at the exit */
	bool set;		/* the virtual clock was set at the entry */
	struct fc_time shift;	/* ... and virtual REALTIME moved by this */
	char desc[96];		/* for -v; empty when nothing to say */
};

/* Does the supervisor handle native syscall nr here? */
bool fc_settime_traps(long nr);

/*
 * At the seccomp stop of such a call by thread tid: sets c's virtual
 * REALTIME (call->set, call->shift) and skips the call with its result,
 * lets a read run to its exit (FC_TA_EXIT), or leaves it to the kernel.
 */
enum fc_timer_action fc_settime_entry(struct fc_clock *c, pid_t tid,
				      struct user_regs_struct *regs,
				      struct fc_settime_call *call);

/* At its exit stop (after FC_TA_EXIT): the read's time made virtual. */
void fc_settime_exit(const struct fc_clock *c, pid_t tid,
		     const struct fc_settime_call *call, struct user_regs_struct *regs);

/* Is nr of abi (ia32, x32) a call that sets or steers the clock? */
bool fc_settime_foreign(const struct fc_abi_nrs *abi, int nr);

/*
 * At the seccomp stop of such a call: the setters abi emulates (ia32's
 * stime, settimeofday, clock_settime and clock_settime64 on REALTIME) as
 * fc_settime_entry() does; anything else is skipped with EPERM. Always
 * FC_TA_SKIP, with the result in regs.
 */
enum fc_timer_action fc_settime_foreign_entry(struct fc_clock *c, pid_t tid,
					      const struct fc_abi_nrs *abi,
					      struct user_regs_struct *regs,
					      struct fc_settime_call *call);

#endif /* _FC_TRACE_SETTIME_H */
