/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing a tracee's memory (process_vm_readv/writev): one
 * call per access, no ptrace stop needed, short transfers are failures.
 */
#ifndef _FC_TRACEMEM_H
#define _FC_TRACEMEM_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Return: 0; -EPERM when the tracee's memory is closed to us (it is not
 * dumpable and we lack CAP_SYS_PTRACE over it); else -EFAULT when not
 * all len bytes could be transferred.
 */
int fc_mem_read(pid_t tid, unsigned long addr, void *buf, size_t len);
int fc_mem_write(pid_t tid, unsigned long addr, const void *buf, size_t len);

#endif /* _FC_TRACEMEM_H */
