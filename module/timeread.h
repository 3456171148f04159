/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual time for the explicit time-reading syscalls of members
 * (clock_gettime, gettimeofday, time; their ia32 entries too). The vDSO,
 * the 32-bit one too, reads the group's own data page (vvar.h), or, on
 * kernels without one, the preload's clock page.
 */
#ifndef _FC_TIMEREAD_H
#define _FC_TIMEREAD_H

#include <linux/kprobes.h>
#include <linux/time64.h>

/* Clock id's virtual time now for current. Return: false if not a clock of ours. */
bool fc_timeread_now(clockid_t id, struct timespec64 *ts);

/*
 * kprobe pre-handlers on the entries of clock_gettime, gettimeofday and
 * time: for a member they redirect the call to the module's own version
 * of the syscall and return 1; otherwise they return 0.
 */
int fc_timeread_clock_gettime(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_gettimeofday(struct kprobe *kp, struct pt_regs *regs);
int fc_timeread_time(struct kprobe *kp, struct pt_regs *regs);

/*
 * The kprobes, n of them, on the ia32 entries of the same calls
 * (clock_gettime, clock_gettime64, gettimeofday, time): registered with the
 * other hooks where the kernel has them (hooks.c).
 */
struct kprobe *fc_timeread_ia32_probes(unsigned int *n);

#endif /* _FC_TIMEREAD_H */
