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
 * kprobe pre-handlers on __x64_sys_clock_gettime, __x64_sys_gettimeofday
 * and __x64_sys_time: for a member they send the call to the module's own
 * version of the syscall and return 1; otherwise they return 0.
 */
int fc_timeread_clock_gettime(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_gettimeofday(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_time(struct kprobe *kp, struct pt_regs *regs);

/*
 * Around every redirect (here and instant.c): a kprobe that sends a call
 * into module code counts it in; the target counts itself out last.
 */
void fc_redirect_begin(void);
void fc_redirect_end(void);

/* Module exit, hooks already gone: waits for redirected calls to return. */
void fc_timeread_exit(void);

#endif /* _FC_TIMEREAD_H */
