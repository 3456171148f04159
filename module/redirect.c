// SPDX-License-Identifier: GPL-2.0
/*
 * The count of redirected calls still running (see redirect.h), which
 * module exit waits for.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>

#include "redirect.h"

static atomic_t fc_redirected = ATOMIC_INIT(0);

int fc_redirect(struct pt_regs *regs, void *target)
{
	atomic_inc(&fc_redirected);
	instruction_pointer_set(regs, (unsigned long)target);
	return 1;
}

void fc_redirect_end(void)
{
	atomic_dec(&fc_redirected);
}

bool fc_redirect_hold(void)
{
	/* Fails once rmmod has begun: exit then waits for this call anyway. */
	return try_module_get(THIS_MODULE);
}

void fc_redirect_unhold(bool held)
{
	if (held)
		module_put(THIS_MODULE);
}

void fc_redirect_exit(void)
{
	while (atomic_read(&fc_redirected))
		usleep_range(1000, 2000);
	/* The last instructions after the decrement: every task has left them. */
	synchronize_rcu_tasks();
}
