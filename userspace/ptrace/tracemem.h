/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing a tracee's memory (process_vm_readv/writev): one
 * call per access, no ptrace stop needed, short transfers are failures.
 *
 * A tracee that is not dumpable (prctl(PR_SET_DUMPABLE, 0), or the exec
 * of a file it cannot read) refuses a supervisor without CAP_SYS_PTRACE:
 * process_vm_readv/writev fail with EPERM, and so do PTRACE_PEEKDATA/
 * POKEDATA and /proc/<tid>/syscall. Its registers and signal mask stay
 * open: at a syscall stop announced with fc_mem_stop_begin(), reads and
 * writes go through the mask instead (hiddenmem.h), slowly.
 */
#ifndef _FC_TRACEMEM_H
#define _FC_TRACEMEM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

/*
 * Return: 0; -EPERM (or -EACCES) when the tracee's memory is closed to
 * us; -ESRCH when it is gone; -EFAULT when not all len bytes could be
 * transferred (a bad address); -ESTALE when the tracee left the stop
 * while its hidden memory was reached (see fc_mem_stop_end()).
 */
int fc_mem_read(pid_t tid, unsigned long addr, void *buf, size_t len);
int fc_mem_write(pid_t tid, unsigned long addr, const void *buf, size_t len);

/*
 * Thread tid is at a syscall stop, with regs: its seccomp stop (at_exit
 * false: the call not yet run) or its syscall-exit stop. Until
 * fc_mem_stop_end(), memory closed to process_vm_readv is reached there.
 */
void fc_mem_stop_begin(pid_t tid, const struct user_regs_struct *regs, bool at_exit);

/*
 * The end of that stop's memory accesses; *hidden (if not NULL): they
 * went through the signal mask. Return: false when the tracee left the
 * stop (a SIGSTOP or SIGKILL came meanwhile): its next report is pending
 * in waitpid, and it must not be resumed nor its registers relied on.
 */
bool fc_mem_stop_end(bool *hidden);

/* Is err the refusal of a tracee that is not dumpable? */
static inline bool fc_mem_denied(int err)
{
	return err == -EPERM || err == -EACCES;
}

/* Is tid's memory closed to us? addr: any mapped address (its stack). */
bool fc_mem_hidden(pid_t tid, unsigned long addr);

#endif /* _FC_TRACEMEM_H */
