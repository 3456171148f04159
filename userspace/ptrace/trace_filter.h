/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp filter of ptrace mode: only the syscalls that wait with a
 * timeout or read the time stop the tracee; everything else runs at native
 * speed without a ptrace stop.
 */
#ifndef _FC_TRACE_FILTER_H
#define _FC_TRACE_FILTER_H

/*
 * Installs the filter on the calling thread (inherited across fork, clone
 * and exec). Call in the child after the tracer has seized it: without a
 * tracer, SECCOMP_RET_TRACE fails those syscalls with ENOSYS.
 * Return: 0 or -errno.
 */
int fc_trace_filter_install(void);

#endif /* _FC_TRACE_FILTER_H */
