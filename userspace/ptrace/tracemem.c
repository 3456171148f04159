// SPDX-License-Identifier: GPL-2.0
/* A tracee's memory, see tracemem.h. */

#define _GNU_SOURCE
#include <errno.h>
#include <sys/uio.h>

#include "tracemem.h"

int fc_mem_read(pid_t tid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return -EFAULT;
	return 0;
}

int fc_mem_write(pid_t tid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len }, remote = { (void *)addr, len };

	if (process_vm_writev(tid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return -EFAULT;
	return 0;
}
