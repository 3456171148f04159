// SPDX-License-Identifier: GPL-2.0
/*
 * Instant sleeps (see instant.h). The kprobe at hrtimer_nanosleep's entry
 * decides with interrupts and preemption off, so the jump's event is sent
 * by the redirect target, which runs in the syscall's own context.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <uapi/linux/fluxcap.h>

#include "arch.h"
#include "events.h"
#include "group.h"
#include "instant.h"
#include "redirect.h"
#include "vclock.h"

/* Runs as hrtimer_nanosleep(), with the arguments the kprobe put there. */
static noinline long fc_instant_done(struct fc_group *g, u64 jump_ns,
				     pid_t pid)
{
	struct fc_event ev = {
		.type = FLUXCAP_CMD_EVENT_JUMP,
		.jump_ns = jump_ns,
		.pid = pid,
	};

	fc_group_send_event(g, &ev);
	fc_group_put(g);
	fc_redirect_end();
	return 0;
}

/* hrtimer_nanosleep(ktime_t rqtp, enum hrtimer_mode mode, clockid_t id) */
int fc_instant_nanosleep(struct fc_group *g, struct pt_regs *regs)
{
	struct fc_event ev = { .type = 0 };
	ktime_t t = (ktime_t)fc_arch_arg(regs, 0);
	enum hrtimer_mode mode = fc_arch_arg(regs, 1);
	clockid_t id = (clockid_t)fc_arch_arg(regs, 2);
	ktime_t mono_now, host_mono;

	/* A pending signal ends a real sleep with EINTR at once: let it. */
	if (signal_pending(current))
		return 0;
	mono_now = ktime_get();
	if (mode == HRTIMER_MODE_REL)
		host_mono = ktime_add_safe(mono_now, t);
	else
		host_mono = fc_host_mono(id, t, mono_now);
	if (!fc_group_instant_sleep(g, host_mono, &ev))
		return 0;

	/* g is listed and alive (RCU, not dead): the target drops this ref. */
	fc_group_get(g);
	fc_arch_set_arg(regs, 0, (unsigned long)g);
	fc_arch_set_arg(regs, 1, ev.jump_ns);
	fc_arch_set_arg(regs, 2, ev.pid);
	return fc_redirect(regs, fc_instant_done);
}
