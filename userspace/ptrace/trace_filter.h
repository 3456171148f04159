/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp filter of ptrace mode: only the syscalls that wait with a
 * timeout or read the time stop the tracee; everything else runs at native
 * speed without a ptrace stop.
 */
#ifndef _FC_TRACE_FILTER_H
#define _FC_TRACE_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>

#define FC_FILTER_MAX_INSNS 256

/*
 * Installs the filter on the calling thread (inherited across fork, clone
 * and exec). Call in the child after the tracer has seized it: without a
 * tracer, SECCOMP_RET_TRACE fails those syscalls with ENOSYS.
 * Return: 0 or -errno.
 */
int fc_trace_filter_install(void);

/*
 * The program itself, for tests: copies it into insn (max entries).
 * Return: its length, or -E2BIG.
 */
int fc_trace_filter_build(struct sock_filter *insn, unsigned int max);

/* Can a native (x86-64) call with this number stop? */
bool fc_filter_native_stops(long nr);

/*
 * Can both a native and an ia32 call with this number stop? Only then
 * must the tracer ask the kernel which one it has (foreign_abi.h).
 */
bool fc_filter_both_stop(long nr);

#endif /* _FC_TRACE_FILTER_H */
