/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ia32 and x32 in ptrace mode: telling them from x86-64. The decoders of
 * trace_wait.c and the timer emulation know only x86-64 calls, so:
 *  - a 32-bit program (ELF class 32: ia32 or x32) is refused at its exec
 *    stop: nearly all its time calls would be foreign;
 *  - a 64-bit program's own ia32 (int $0x80) or x32 calls stop at the
 *    filter (trace_filter.h), and then a time read is made virtual at its
 *    exit, a timer armed there ends jumping for good (the kernel's timer
 *    runs on host time, unseen), and any other call holds virtual time
 *    while it runs, since its timeout, if any, is on host time too.
 */
#ifndef _FC_FOREIGN_ABI_H
#define _FC_FOREIGN_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

#include "abi_nr.h"

/* The ABI of a new program at its exec stop: NULL for x86-64. */
const struct fc_abi_nrs *fc_foreign_exec_abi(pid_t pid);

/*
 * The ABI of the call at a seccomp stop with registers regs: NULL for
 * x86-64. Asks the kernel only for the numbers both ABIs stop on.
 */
const struct fc_abi_nrs *fc_foreign_stop_abi(pid_t tid, const struct user_regs_struct *regs);

#endif /* _FC_FOREIGN_ABI_H */
