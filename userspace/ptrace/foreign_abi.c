// SPDX-License-Identifier: GPL-2.0
/*
 * Telling ia32 and x32 from x86-64 (see foreign_abi.h): at exec, by the
 * register set the kernel keeps for the task and the program's ELF
 * header; at a seccomp stop, by the call's number, which the filter makes
 * unambiguous for all but a few numbers.
 */

#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "foreign_abi.h"
#include "trace_filter.h"

/* The ABI an ELF header of class 32 names: x32 is EM_X86_64. */
static const struct fc_abi_nrs *elf_abi(pid_t pid, bool *known)
{
	unsigned char h[EI_NIDENT + 4];
	char path[64];
	ssize_t n;
	int fd;

	*known = false;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;	/* e.g. an execute-only file */
	n = pread(fd, h, sizeof(h), 0);
	close(fd);
	if (n != (ssize_t)sizeof(h) || h[EI_MAG0] != ELFMAG0 || h[EI_MAG1] != ELFMAG1 ||
	    h[EI_MAG2] != ELFMAG2 || h[EI_MAG3] != ELFMAG3 || h[EI_DATA] != ELFDATA2LSB)
		return NULL;
	*known = true;
	if (h[EI_CLASS] != ELFCLASS32)
		return NULL;
	/* e_machine follows e_type, both 16-bit, little-endian */
	return (h[EI_NIDENT + 2] | h[EI_NIDENT + 3] << 8) == EM_X86_64 ? &fc_nr_x32 : &fc_nr_ia32;
}

const struct fc_abi_nrs *fc_foreign_exec_abi(pid_t pid)
{
	struct user_regs_struct regs;
	struct iovec iov = { &regs, sizeof(regs) };
	const struct fc_abi_nrs *abi;
	bool known;

	/* an ia32 task has the 68-byte register set of i386 */
	if (ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov))
		return NULL;	/* gone: its exit follows */
	if (iov.iov_len < sizeof(regs))
		return &fc_nr_ia32;
	abi = elf_abi(pid, &known);
	if (known)
		return abi;
	/* no header to read: an x32 task's stack is below 4 GiB, never a native one's */
	return regs.rsp < 0x100000000UL ? &fc_nr_x32 : NULL;
}

const struct fc_abi_nrs *fc_foreign_stop_abi(pid_t tid, const struct user_regs_struct *regs)
{
	struct __ptrace_syscall_info info;
	long nr = (long)regs->orig_rax;

	/*
	 * The kernel runs the call (int)orig_rax: a number with other high
	 * bits set would be misread by the native decoders, so it is held.
	 */
	if (nr != (long)(int)nr || (nr & FC_X32_SYSCALL_BIT))
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
