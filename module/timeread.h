/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual time for the explicit time-reading syscalls of members
 * (clock_gettime, gettimeofday, time). The vDSO path is the preload's job,
 * through the clock page.
 */
#ifndef _FC_TIMEREAD_H
#define _FC_TIMEREAD_H

#include <linux/kprobes.h>

/*
 * kprobe pre-handlers on the entries of clock_gettime, gettimeofday and
 * time: for a member they redirect the call to the module's own version
 * of the syscall and return 1; otherwise they return 0.
 */
int fc_timeread_clock_gettime(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_gettimeofday(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_time(struct kprobe *kp, struct pt_regs *regs);

#endif /* _FC_TIMEREAD_H */
