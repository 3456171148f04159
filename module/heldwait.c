// SPDX-License-Identifier: GPL-2.0
/*
 * A kretprobe on schedule_timeout(long timeout): a member's call with a
 * finite timeout counts in its group's holds until it returns. The return
 * handler finds the group again by id, so that a group deleted meanwhile
 * is never touched, and an instance dropped by unregistering (its handler
 * does not run then) leaks nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

#include "arch.h"
#include "compat.h"
#include "group.h"
#include "heldwait.h"
#include "sleeper.h"

struct fc_heldwait_call {
	u32 group_id;
};

static int fc_heldwait_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct fc_heldwait_call *call = (void *)ri->data;
	long timeout = fc_arch_arg(regs, 0);
	struct fc_group *g;

	/*
	 * io_uring's workers live in the member's cgroup and idle in
	 * schedule_timeout(5 s) until the ring goes: not the program's wait.
	 */
	if (timeout == MAX_SCHEDULE_TIMEOUT || timeout <= 0 ||
	    (current->flags & (PF_KTHREAD | PF_IO_WORKER | FC_PF_USER_WORKER)) ||
	    !in_task())
		return 1;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g) {
		call->group_id = fc_group_id(g);
		fc_sleepers_wait_begin(fc_group_sleepers(g));
	}
	rcu_read_unlock();
	return g ? 0 : 1;	/* 1: no return handler for this call */
}

static int fc_heldwait_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct fc_heldwait_call *call = (void *)ri->data;
	struct fc_group *g;

	rcu_read_lock();
	g = fc_group_lookup_rcu(call->group_id);
	if (g)
		fc_sleepers_wait_end(fc_group_sleepers(g));
	rcu_read_unlock();
	return 0;
}

#define FC_HELDWAIT_PROBE {						\
	.kp.symbol_name = "schedule_timeout",				\
	.entry_handler = fc_heldwait_entry,				\
	.handler = fc_heldwait_return,					\
	.data_size = sizeof(struct fc_heldwait_call),			\
	.maxactive = 4096,						\
}

static struct kretprobe fc_heldwait_probe;

int fc_heldwait_register(void)
{
	/* Registered afresh each time: only the settings carry over. */
	fc_heldwait_probe = (struct kretprobe)FC_HELDWAIT_PROBE;
	return register_kretprobe(&fc_heldwait_probe);
}

void fc_heldwait_unregister(void)
{
	unregister_kretprobe(&fc_heldwait_probe);
}
