/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ptrace mode does with an ia32 or x32 call of a 64-bit program
 * (foreign_abi.h tells them apart): a time read is made virtual at its
 * exit, in the ABI's own layouts; a call that may arm a kernel timer ends
 * jumping for good once it succeeded; any other call holds virtual time
 * while it runs.
 */
#ifndef _FC_FOREIGN_CALL_H
#define _FC_FOREIGN_CALL_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>

#include "abi_nr.h"
#include "fc_clock.h"

enum fc_foreign_kind {
	FC_FOREIGN_HOLD,	/* anything else: time holds until its exit */
	FC_FOREIGN_READ,	/* a time read: virtual at its exit */
	FC_FOREIGN_ARM,		/* may arm a kernel timer: no jumps once it did */
};

/* One foreign call, from its seccomp stop to its exit. */
struct fc_foreign_call {
	const struct fc_abi_nrs *abi;
	enum fc_foreign_kind kind;
	int nr;
	unsigned long args[3];	/* ia32: ebx, ecx, edx; x32: rdi, rsi, rdx */
	char desc[64];		/* "ia32 syscall 162", for messages */
};

/* At the seccomp stop: fills *c for a call of abi. */
void fc_foreign_enter(struct fc_foreign_call *c, const struct fc_abi_nrs *abi,
		      const struct user_regs_struct *regs);

/*
 * At its exit stop (regs as read there): patches a time read with the
 * clock's offsets, in the ABI's layouts (may change regs->rax: then
 * returns true and the caller sets the registers). *armed tells that a
 * timer call succeeded and may have armed a kernel timer.
 */
bool fc_foreign_exit(pid_t tid, const struct fc_foreign_call *c,
		     struct user_regs_struct *regs, const struct fc_clock *clk, bool *armed);

#endif /* _FC_FOREIGN_CALL_H */
