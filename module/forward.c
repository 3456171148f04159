// SPDX-License-Identifier: GPL-2.0
/*
 * A kretprobe on hrtimer_forward(timer, now, interval). At entry a
 * member's program timer is brought up to date (sleeper.h). When that
 * would put its expiry below 0, the expiry stays, the forward counts from
 * now + shift instead (the same periods), and the return handler takes the
 * shift off the new expiry, which is then above host now.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "arch.h"
#include "forward.h"
#include "sleeper.h"
#include "timerkind.h"

struct fc_forward_call {
	struct hrtimer *timer;
	s64 shift;
};

static int fc_forward_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct fc_forward_call *call = (void *)ri->data;
	struct hrtimer *timer = (struct hrtimer *)fc_arch_arg(regs, 0);

	/* Every tick forwards a timer: leave the others at once. */
	if (fc_timer_kind(timer) != FC_TIMER_PROGRAM)
		return 1;
	call->shift = fc_reg_sync(timer, false);
	if (!call->shift)
		return 1;	/* 1: no return handler for this call */
	call->timer = timer;
	fc_arch_set_arg(regs, 1, fc_arch_arg(regs, 1) + call->shift);
	return 0;
}

static int fc_forward_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct fc_forward_call *call = (void *)ri->data;
	struct hrtimer *timer = call->timer;

	hrtimer_set_expires_range_ns(timer,
				     hrtimer_get_softexpires(timer) - call->shift,
				     ktime_sub(hrtimer_get_expires(timer),
					       hrtimer_get_softexpires(timer)));
	return 0;
}

static struct kretprobe fc_forward_probe;

int fc_forward_register(void)
{
	/* Registered afresh each time: only the settings carry over. */
	fc_forward_probe = (struct kretprobe){
		.kp.symbol_name = "hrtimer_forward",
		.entry_handler = fc_forward_entry,
		.handler = fc_forward_return,
		.data_size = sizeof(struct fc_forward_call),
		.maxactive = 64,
	};
	return register_kretprobe(&fc_forward_probe);
}

void fc_forward_unregister(void)
{
	unregister_kretprobe(&fc_forward_probe);
}
