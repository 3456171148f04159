// SPDX-License-Identifier: GPL-2.0
/*
 * Instant sleeps and waits (see instant.h). The kprobes decide with
 * preemption off, so the jump's event is sent by the redirect target,
 * which runs in the syscall's own context.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/sched.h>
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

	/* A deadline already passed (nanosleep(0)) moved nothing: no event. */
	if (jump_ns)
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
	if (fc_group_instant(g, &host_mono, false, false, &ev) != FC_INSTANT_OWN)
		return 0;

	/* g is listed and alive (RCU, not dead): the target drops this ref. */
	fc_group_get(g);
	fc_arch_set_arg(regs, 0, (unsigned long)g);
	fc_arch_set_arg(regs, 1, ev.jump_ns);
	fc_arch_set_arg(regs, 2, ev.pid);
	return fc_redirect(regs, fc_instant_done);
}

/*
 * How long a wait that made an earlier deadline fire spins for that fire
 * to wake it: a timer aimed at now fires within an interrupt's latency,
 * and a wake-up that comes in time saves the block, the check and the
 * switches back.
 */
#define FC_INSTANT_SPIN_NS	(200 * NSEC_PER_USEC)

/* Runs as schedule_hrtimeout_range(): the caller's own deadline was reached. */
static noinline int fc_instant_wait_done(struct fc_group *g, u64 jump_ns,
					 pid_t pid)
{
	__set_current_state(TASK_RUNNING);
	fc_instant_done(g, jump_ns, pid);
	return 0;	/* timed out */
}

/*
 * Runs as schedule_hrtimeout_range(): an earlier deadline fires now. Waits
 * a moment for it to wake the caller, and returns as after a wake-up
 * (-EINTR) either way: poll, select and epoll look for events again and
 * wait again if there are none, the next time through the usual path or
 * another instant one. Never blocks here: module exit waits for this
 * function to return.
 */
static noinline int fc_instant_wait_fired(struct fc_group *g, u64 jump_ns,
					  pid_t pid)
{
	ktime_t end = ktime_add_ns(ktime_get(), FC_INSTANT_SPIN_NS);

	while (READ_ONCE(current->__state) != TASK_RUNNING &&
	       !signal_pending(current) && ktime_before(ktime_get(), end))
		cpu_relax();
	fc_group_instant_end(g);
	__set_current_state(TASK_RUNNING);
	fc_instant_done(g, jump_ns, pid);
	return -EINTR;
}

/* schedule_hrtimeout_range(ktime_t *expires, u64 delta, mode) */
int fc_instant_wait(struct fc_group *g, struct pt_regs *regs)
{
	ktime_t *expires = (ktime_t *)fc_arch_arg(regs, 0);
	enum hrtimer_mode mode = fc_arch_arg(regs, 2);
	struct fc_event ev = { .type = 0 };
	bool rel = mode & HRTIMER_MODE_REL;
	enum fc_instant done;
	ktime_t host_mono;
	void *target;

	/*
	 * Only an interruptible wait makes its task blocked (quiesce.h); one
	 * in iowait (io_uring on 6.1) has block I/O in flight.
	 */
	if (!(READ_ONCE(current->__state) & TASK_INTERRUPTIBLE) ||
	    current->in_iowait || signal_pending(current))
		return 0;
	if (expires)
		host_mono = rel ? ktime_add_safe(ktime_get(), *expires) :
			    *expires;
	/*
	 * Only a wait without a timeout jumps to another deadline: one with
	 * its own would arm that host expiry after the jump, for a later
	 * virtual deadline; and a relative wait (sigtimedwait) would report
	 * the wake-up it did not get as EINTR.
	 */
	done = fc_group_instant(g, expires ? &host_mono : NULL, true,
				!expires && !rel, &ev);
	if (done == FC_INSTANT_NONE)
		return 0;
	target = done == FC_INSTANT_OWN ? (void *)fc_instant_wait_done :
					  (void *)fc_instant_wait_fired;
	fc_group_get(g);
	fc_arch_set_arg(regs, 0, (unsigned long)g);
	fc_arch_set_arg(regs, 1, ev.jump_ns);
	fc_arch_set_arg(regs, 2, ev.pid);
	return fc_redirect(regs, target);
}
