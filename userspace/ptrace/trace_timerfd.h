/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timerfds on the virtual clock in ptrace mode: timerfd_settime and
 * timerfd_gettime answered by the supervisor (the kernel's timer of the
 * file stays unarmed), and expirations fed to the file, which readers see
 * as the kernel's own. The file is known however it was shared (fork,
 * dup, SCM_RIGHTS within the tree); one no process of the tree holds any
 * more is dropped at its next expiry.
 */
#ifndef _FC_TRACE_TIMERFD_H
#define _FC_TRACE_TIMERFD_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

#include "timer_arm.h"

/* At the seccomp stops of timerfd_settime and timerfd_gettime. */
enum fc_timer_action fc_timerfd_settime(struct fc_timers *ts, pid_t tid, pid_t tgid,
					struct user_regs_struct *regs, char *desc, size_t len);
enum fc_timer_action fc_timerfd_gettime(struct fc_timers *ts, pid_t tid, pid_t tgid,
					struct user_regs_struct *regs);

/*
 * At the seccomp stop of an 8-byte read: a cancelled timerfd's read fails
 * with ECANCELED (skipped); one that may be cancelled while the read
 * blocks is watched to its exit (*sets: the clock sets seen so far).
 */
enum fc_timer_action fc_timerfd_read(struct fc_timers *ts, pid_t tgid,
				     struct user_regs_struct *regs, unsigned long *sets);
/* At that read's exit: ECANCELED when the clock was set meanwhile. */
void fc_timerfd_read_exit(struct fc_timers *ts, pid_t tgid, unsigned long sets,
			  struct user_regs_struct *regs);

/* The virtual clock was set: a TFD_TIMER_CANCEL_ON_SET v wakes its readers. */
void fc_timerfd_cancel(struct fc_vtimer *v);

/*
 * The supervisor's copies of timerfds the tree has closed stay open until
 * swept (a fired one-shot, a disarmed one are never looked at again): due
 * once the records have doubled since the last sweep, which frees every
 * unarmed one no process of the tree (tgids) holds (an armed one is
 * dropped at its expiry). Without it the supervisor
 * runs out of descriptors and cannot emulate the next timerfd.
 */
bool fc_timerfd_sweep_due(const struct fc_timers *ts);
void fc_timerfd_sweep(struct fc_timers *ts, const pid_t *tgids, int n);

/*
 * v is due at virtual now: adds the expirations due to what a read
 * returns and rearms a periodic v. tgids are the processes of the tree.
 * Return: 0, or -ESRCH when no process holds the file (v is freed).
 */
int fc_timerfd_fire(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time now,
		    const pid_t *tgids, int n);

#endif /* _FC_TRACE_TIMERFD_H */
