// SPDX-License-Identifier: GPL-2.0
/* A tracee's memory, see tracemem.h. */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "hiddenmem.h"
#include "tracemem.h"

/* The syscall stop being handled, where hidden memory can be reached. */
static struct fc_hidden_stop stop;
static bool at_stop;

/* A short transfer is a bad address; EPERM means the tracee is hidden. */
static int result(ssize_t n, size_t len)
{
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == EPERM || errno == EACCES || errno == ESRCH))
		return -errno;
	return -EFAULT;
}

int fc_mem_read(pid_t tid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	int err = result(process_vm_readv(tid, &local, 1, &remote, 1, 0), len);

	if (fc_mem_denied(err) && at_stop && stop.tid == tid)
		err = fc_hidden_read(&stop, addr, buf, len);
	return err;
}

int fc_mem_write(pid_t tid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len }, remote = { (void *)addr, len };

	int err = result(process_vm_writev(tid, &local, 1, &remote, 1, 0), len);

	if (fc_mem_denied(err) && at_stop && stop.tid == tid)
		err = fc_hidden_write(&stop, addr, buf, len);
	return err;
}

void fc_mem_stop_begin(pid_t tid, const struct user_regs_struct *regs, bool at_exit)
{
	memset(&stop, 0, sizeof(stop));
	stop.tid = tid;
	stop.regs = *regs;
	stop.at_exit = at_exit;
	at_stop = true;
}

bool fc_mem_stop_end(bool *hidden)
{
	if (hidden)
		*hidden = stop.used;
	at_stop = false;
	return fc_hidden_end(&stop);
}

bool fc_mem_hidden(pid_t tid, unsigned long addr)
{
	char c;

	return fc_mem_denied(fc_mem_read(tid, addr, &c, 1));
}
