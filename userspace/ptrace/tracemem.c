// SPDX-License-Identifier: GPL-2.0
/* A tracee's memory, see tracemem.h. */

#define _GNU_SOURCE
#include <errno.h>
#include <sys/uio.h>

#include "tracemem.h"

/* A short transfer is a bad address; EPERM a memory closed to us. */
static int result(ssize_t n, size_t len)
{
	if (n == (ssize_t)len)
		return 0;
	return n < 0 && (errno == EPERM || errno == EACCES) ? -EPERM : -EFAULT;
}

int fc_mem_read(pid_t tid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	return result(process_vm_readv(tid, &local, 1, &remote, 1, 0), len);
}

int fc_mem_write(pid_t tid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len }, remote = { (void *)addr, len };

	return result(process_vm_writev(tid, &local, 1, &remote, 1, 0), len);
}
