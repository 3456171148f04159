// SPDX-License-Identifier: GPL-2.0
/*
 * Telling ia32 and x32 from x86-64 (see foreign_abi.h): at exec, by the
 * register set the kernel keeps for the task and where its stack lies; at
 * a seccomp stop, by the call's number, which the filter makes
 * unambiguous for all but a few numbers.
 */

#define _GNU_SOURCE
#include <elf.h>
#include <linux/audit.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "foreign_abi.h"
#include "trace_filter.h"

const struct fc_abi_nrs *fc_foreign_exec_abi(pid_t pid)
{
	struct user_regs_struct regs;
	struct iovec iov = { &regs, sizeof(regs) };

	/* an ia32 task has the 68-byte register set of i386 */
	if (ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov))
		return NULL;	/* gone: its exit follows */
	if (iov.iov_len < sizeof(regs))
		return &fc_nr_ia32;
	/*
	 * An x32 task has the 64-bit set but a 32-bit address space: its
	 * stack lies below 4 GiB, never a native one's. No file is read:
	 * the program's may sit on a FUSE mount served by a tracee.
	 */
	return regs.rsp < 0x100000000UL ? &fc_nr_x32 : NULL;
}

const struct fc_abi_nrs *fc_foreign_stop_abi(pid_t tid, const struct user_regs_struct *regs)
{
	struct __ptrace_syscall_info info;
	long nr = (long)regs->orig_rax;

	/* (the caller has made orig_rax the number the kernel runs) */
	if (nr & FC_X32_SYSCALL_BIT)
		return &fc_nr_x32;
	if (!fc_filter_native_stops(nr))
		return &fc_nr_ia32;
	if (!fc_filter_both_stop(nr))
		return NULL;
	/* cannot tell: hold it as foreign, which is slow but never wrong */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return &fc_nr_ia32;
	return info.arch == AUDIT_ARCH_I386 ? &fc_nr_ia32 : NULL;
}
