/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A member that sets the time sets its group's virtual REALTIME, never the
 * host's: clock_settime(CLOCK_REALTIME), settimeofday, and the offset step
 * of adjtimex and clock_adjtime(CLOCK_REALTIME) (ADJ_SETOFFSET), with the
 * kernel's checks (CAP_SYS_TIME, EINVAL, EFAULT). adjtimex reads report
 * the virtual time. A member may not steer the host's clock (frequency,
 * PLL offset, status): such adjtimex modes fail with EPERM. The timezone
 * settimeofday takes is checked and dropped: it is the host's. The 32-bit
 * entries are refused (EPERM) rather than emulated.
 */
#ifndef _FC_SETTIME_H
#define _FC_SETTIME_H

#include <linux/kprobes.h>

/* Finds do_adjtimex (private). */
void fc_settime_init(void);

/*
 * The kprobes, n of them, on the 32-bit entries that set the clock: for
 * members they fail with EPERM, rather than set the host's. Registered
 * with the other hooks where the kernel has them (hooks.c).
 */
struct kprobe *fc_settime_ia32_probes(unsigned int *n);

/* kprobe pre-handlers on the syscalls' entries: redirect a member's call. */
int fc_settime_clock_settime(struct kprobe *kp, struct pt_regs *regs);
int fc_settime_settimeofday(struct kprobe *kp, struct pt_regs *regs);
int fc_settime_adjtimex(struct kprobe *kp, struct pt_regs *regs);
int fc_settime_clock_adjtime(struct kprobe *kp, struct pt_regs *regs);

#endif /* _FC_SETTIME_H */
