/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the emulated timer calls of ptrace mode share: the timer table with
 * its clock, which clocks run on virtual time, an arming's expiry on the
 * queue's base, the kernel's checks and conversions of timespec and
 * timeval values, and skipping a syscall with its result.
 */
#ifndef _FC_TIMER_ARM_H
#define _FC_TIMER_ARM_H

#include <stdbool.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include "fc_clock.h"
#include "vtimer.h"

struct fc_timers {
	struct fc_vtimers vt;
	const struct fc_clock *clk;
	pid_t self;
	unsigned long sets;	/* times the virtual clock was set */
	int timerfds;		/* timerfd records (each holds a copy of the file) */
	int timerfds_swept;	/* ... kept by the last fc_timerfd_sweep() */
};

enum fc_timer_action {
	FC_TA_RUN,	/* let the kernel do it; no exit stop needed */
	FC_TA_EXIT,	/* let the kernel do it; call fc_timers_exit() */
	FC_TA_SKIP,	/* done here: regs skip the syscall with its result */
};

/* The fc_clockid of a timer clock that runs on virtual time, else -1. */
int fc_tm_clock(long clockid);

/* Virtual CLOCK_MONOTONIC now. */
struct fc_time fc_tm_vnow(const struct fc_timers *ts);

/*
 * An arming's expiry on the queue's base for value ns of clock id,
 * relative or absolute (a virtual time of that clock). A value whose
 * kernel expiry would saturate at KTIME_MAX never fires: *forever.
 */
struct fc_time fc_tm_expiry(const struct fc_timers *ts, enum fc_clockid id, s64 value,
			    bool abs, bool *forever);

/* Arms v with value and interval (ns) of its clock; value 0 disarms. */
void fc_tm_arm(struct fc_timers *ts, struct fc_vtimer *v, s64 value, s64 interval, bool abs);

/* Closes v's file, if any, and frees it. */
void fc_tm_free(struct fc_timers *ts, struct fc_vtimer *v);

/* timespec64_valid(): what the kernel accepts in an itimerspec. */
bool fc_tm_ts_valid(const struct timespec *t);
struct timespec fc_tm_ns_ts(s64 ns);
/* Microseconds truncated, as put_itimerval() does. */
struct timeval fc_tm_ns_tv(s64 ns);
void fc_tm_put_itimerspec(struct itimerspec *its, s64 remain, s64 interval);
/* The overrun as an int (timer_overrun_to_int()). */
int fc_tm_overrun_int(s64 overrun);

/* Makes the seccomp stop in regs skip its syscall, which returns ret. */
enum fc_timer_action fc_tm_skip(struct user_regs_struct *regs, long ret);

#endif /* _FC_TIMER_ARM_H */
