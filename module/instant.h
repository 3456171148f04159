/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instant sleeps: a member's nanosleep or clock_nanosleep that would make
 * its group idle with this sleep's deadline the earliest jumps the clock
 * and returns at once, without blocking, arming a timer or a check; and
 * instant waits, the same for poll, select and epoll.
 */
#ifndef _FC_INSTANT_H
#define _FC_INSTANT_H

#include <linux/kprobes.h>

struct fc_group;

/*
 * From the hrtimer_nanosleep kprobe, under rcu_read_lock(), for member
 * group g, once an absolute deadline is host time: returns 1 when the call
 * was sent to the module's own ending (return value 0), else 0.
 */
int fc_instant_nanosleep(struct fc_group *g, struct pt_regs *regs);

/*
 * From the schedule_hrtimeout_range kprobe (poll, select, epoll; also
 * sigtimedwait), under rcu_read_lock(), for member group g: a wait that
 * would make its group idle returns at once, timed out, when its own
 * deadline is the first; when another deadline is first (a program timer:
 * a timerfd it polls, a POSIX timer's signal), the group jumps there, and
 * the call returns as if woken once that fire woke it or 0.2 ms passed
 * (waits without a timeout only: poll, select and epoll then look again).
 * Returns 1 when the call was redirected, else 0.
 */
int fc_instant_wait(struct fc_group *g, struct pt_regs *regs);

#endif /* _FC_INSTANT_H */
