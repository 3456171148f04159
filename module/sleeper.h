/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeper registrations: a member's hrtimer sleeper (the on-stack struct
 * hrtimer_sleeper of nanosleep, poll, select, epoll, futex, sigtimedwait)
 * recorded with its virtual deadline while it is armed.
 *
 * The lifetime rule: a sleeper lives on its owner's stack. Every owner
 * cancels it (hrtimer_try_to_cancel or hrtimer_cancel) before its frame
 * goes, and the cancel hook removes the registration under fc_lock. The
 * module touches a sleeper's timer only under fc_lock and only while it is
 * registered, so never after its owner has started to leave.
 */
#ifndef _FC_SLEEPER_H
#define _FC_SLEEPER_H

#include <linux/hrtimer.h>
#include <linux/sched.h>

#include "fc_sleepq.h"

struct fc_group;

struct fc_reg {
	struct hlist_node hnode;	/* in the registry, by timer */
	struct rcu_head rcu;
	struct fc_sleeper qnode;	/* in g->sleepq, by virtual deadline */
	struct hrtimer *timer;
	struct task_struct *task;	/* the owner; alive while registered */
	struct fc_group *g;
	clockid_t base;			/* the timer's clock */
	u64 gen;			/* g->gen its host expiry is right for */
	bool due;			/* aimed to fire now: not aimed again */
};

/* Host time on clock base (absolute) to host CLOCK_MONOTONIC. */
ktime_t fc_host_mono(clockid_t base, ktime_t expires, ktime_t mono_now);

/* True when timer belongs to an hrtimer sleeper (a task's timed wait). */
bool fc_is_sleeper(const struct hrtimer *timer);

/*
 * Arm hook: current is arming timer with (tim, mode). Return: true when the
 * arm must be parked (its group is frozen): the caller then arms the timer
 * at KTIME_MAX instead, and a thaw or an advance aims it.
 */
bool fc_reg_arm(struct hrtimer *timer, ktime_t tim, enum hrtimer_mode mode);

/*
 * Cancel hook: the owner is cancelling timer; forget it. A timer left with
 * a host expiry from before a jump gets the right one first, as nanosleep
 * reads it for the time left and for a restart.
 */
void fc_reg_cancel(struct hrtimer *timer);

/*
 * Under fc_lock: points r's host timer at its virtual deadline on g's
 * clock, if its owner is blocked; with park, a deadline not yet reached
 * gets KTIME_MAX (a frozen clock). Return: true if the deadline has passed
 * (the timer fires now), false otherwise or when the owner was running
 * (then g->stale is set and a later check aims it).
 */
bool fc_reg_aim(struct fc_reg *r, ktime_t mono_now, bool park);

/* Under fc_lock: true when r's deadline is at or before virtual vnow. */
static inline bool fc_reg_is_due(const struct fc_reg *r, struct fc_time vnow)
{
	return fc_time_cmp(r->qnode.deadline, vnow) <= 0;
}

/* Under fc_lock: drops r (its timer stays as aimed). */
void fc_reg_forget(struct fc_reg *r);

/* Under fc_lock: drops every registration of g (its timers stay as aimed). */
void fc_reg_drop_group(struct fc_group *g);

static inline struct fc_reg *fc_reg_of(struct fc_sleeper *s)
{
	return container_of(s, struct fc_reg, qnode);
}

int fc_regs_init(void);
void fc_regs_exit(void);

#endif /* _FC_SLEEPER_H */
