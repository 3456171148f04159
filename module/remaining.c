// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobes on do_select() and do_sys_poll(), both (..., struct timespec64
 * *end_time) with end_time the third argument: when a member's call comes
 * back with 0 (timed out, nothing ready), its end_time is moved into the
 * past, so that poll_select_finish() writes back 0 left, as after a real
 * timeout. {0, 1} and not {0, 0}: a zero end_time means "no timeout" there.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/time64.h>

#include "arch.h"
#include "group.h"
#include "remaining.h"

struct fc_remaining_call {
	struct timespec64 *end_time;
};

static int fc_remaining_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct fc_remaining_call *call = (void *)ri->data;
	bool member;

	call->end_time = (struct timespec64 *)fc_arch_arg(regs, 2);
	if (!call->end_time || (current->flags & PF_KTHREAD))
		return 1;
	rcu_read_lock();
	member = fc_group_of(current);
	rcu_read_unlock();
	return member ? 0 : 1;	/* 1: no return handler for this call */
}

static int fc_remaining_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct fc_remaining_call *call = (void *)ri->data;

	if (regs_return_value(regs) == 0)
		*call->end_time = (struct timespec64){ .tv_sec = 0, .tv_nsec = 1 };
	return 0;
}

#define FC_REMAINING_PROBE(sym) {					\
	.kp.symbol_name = sym,						\
	.entry_handler = fc_remaining_entry,				\
	.handler = fc_remaining_return,					\
	.data_size = sizeof(struct fc_remaining_call),			\
	.maxactive = 1024,						\
}

static struct kretprobe fc_remaining_probes[] = {
	FC_REMAINING_PROBE("do_select"),
	FC_REMAINING_PROBE("do_sys_poll"),
};

int fc_remaining_register(void)
{
	struct kretprobe *rps[ARRAY_SIZE(fc_remaining_probes)];
	int i;

	for (i = 0; i < ARRAY_SIZE(rps); i++) {
		struct kretprobe *rp = &fc_remaining_probes[i];

		/* Registered afresh each time: only the settings carry over. */
		*rp = (struct kretprobe)FC_REMAINING_PROBE(rp->kp.symbol_name);
		rps[i] = rp;
	}
	return register_kretprobes(rps, ARRAY_SIZE(rps));
}

void fc_remaining_unregister(void)
{
	struct kretprobe *rps[ARRAY_SIZE(fc_remaining_probes)];
	int i;

	for (i = 0; i < ARRAY_SIZE(rps); i++)
		rps[i] = &fc_remaining_probes[i];
	unregister_kretprobes(rps, ARRAY_SIZE(rps));
}
