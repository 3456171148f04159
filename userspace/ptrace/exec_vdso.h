/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A time read answered by the vDSO never enters the kernel, so ptrace mode
 * cannot see it; only the preload makes such reads virtual. At each exec
 * stop, a program the preload will not reach (static, LD_PRELOAD unset or
 * without it, `env -i`, a secure-execution program) has its vDSO hidden:
 * the AT_SYSINFO_EHDR entry of its auxiliary vector becomes AT_IGNORE
 * before its first instruction, so its libc (glibc, musl, Go's runtime)
 * falls back to the system calls, which the filter stops.
 */
#ifndef _FC_EXEC_VDSO_H
#define _FC_EXEC_VDSO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum fc_exec_vdso {
	FC_VDSO_KEPT,		/* the preload will read the clock page */
	FC_VDSO_HIDDEN,		/* reads now trap */
	FC_VDSO_NONE,		/* no vDSO in the vector: reads trap anyway */
	FC_VDSO_UNREADABLE,	/* the stack could not be read or written */
};

/*
 * At tid's exec stop, with its stack pointer sp (argc there): hides the
 * vDSO unless preload (NULL: none) is in the last LD_PRELOAD, and page
 * (NULL: none) in the last FLUXCAP_CLOCK_PAGE, of a dynamic program that
 * is not in secure-execution mode and can reach the preload's file. Any
 * case this misjudges reads by system call: the preload does so itself
 * when it finds no vDSO or no page. why (len bytes) tells which.
 */
enum fc_exec_vdso fc_exec_vdso(pid_t tid, unsigned long sp, const char *preload,
			       const char *page, char *why, size_t len);

#endif /* _FC_EXEC_VDSO_H */
