/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory of a tracee that is not dumpable, reached through its own
 * signal mask: registers and the mask (PTRACE_GETSIGMASK/SETSIGMASK) stay
 * open to its tracer when process_vm_readv/writev and PEEKDATA do not.
 * At one of its syscall stops, the tracee is made to run
 * rt_sigprocmask(SIG_SETMASK, addr, NULL, 8) (the kernel reads 8 bytes at
 * addr into the mask, which the tracer then reads) or, after a
 * SETSIGMASK, rt_sigprocmask(SIG_BLOCK, NULL, addr, 8) (the kernel
 * writes the mask at addr), then the stop is put back as it was.
 *
 * The kernel keeps SIGKILL and SIGSTOP out of any mask: bit 0 of the
 * second byte and bit 2 of the third byte of each 8-byte transfer are
 * lost. Reads overlap windows to recover them; writes order windows so
 * that the last one to cover each byte keeps it whole, and fail when no
 * order does. Every other signal stays blocked throughout, and the
 * program's own mask comes back at the end; no syscall of the program is
 * run twice or skipped.
 */
#ifndef _FC_HIDDENMEM_H
#define _FC_HIDDENMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

/*
 * The syscall stop the supervisor is handling: a seccomp stop (the call
 * not yet run: it is run again from its start afterwards) or a syscall-
 * exit stop (its result kept). regs: the tracee's registers there.
 */
struct fc_hidden_stop {
	pid_t tid;
	struct user_regs_struct regs;
	bool at_exit;
	bool used;		/* the mask was saved and all signals blocked */
	bool lost;		/* the tracee left this stop (SIGSTOP, SIGKILL) */
	unsigned long mask;	/* the program's own signal mask */
	unsigned long got;	/* the mask as the last injected call left it */
};

/* Return: 0, -EFAULT (a bad address), -EPERM (no way), -ESTALE (lost). */
int fc_hidden_read(struct fc_hidden_stop *s, unsigned long addr, void *buf, size_t len);
int fc_hidden_write(struct fc_hidden_stop *s, unsigned long addr, const void *buf, size_t len);

/* Gives the program its mask back. Return: false if the stop was lost. */
bool fc_hidden_end(struct fc_hidden_stop *s);

#endif /* _FC_HIDDENMEM_H */
