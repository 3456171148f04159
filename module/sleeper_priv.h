/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a group's set of sleepers, for group.c to embed. Every
 * other file goes through sleeper.h.
 */
#ifndef _FC_SLEEPER_PRIV_H
#define _FC_SLEEPER_PRIV_H

#include <linux/hrtimer.h>

#include "fc_sleepq.h"

struct cgroup;
struct fc_vclock;

/* A sleeper its owner cancelled, in case the same wait arms it again. */
struct fc_tomb {
	struct task_struct *task;	/* compared only, never dereferenced */
	ktime_t tim;			/* as armed: poll, select, epoll loops */
	ktime_t hard;			/* as read after: nanosleep's restart */
	struct fc_time deadline;
	clockid_t base;			/* tim's clock */
	bool alarm;			/* an alarm-clock sleep */
};

struct fc_sleepers {
	struct fc_sleepq q;		/* struct fc_reg, by virtual deadline */
	struct list_head timers;	/* the registrations of non-sleepers */
	u32 holds;			/* armed timers the module cannot move */
	atomic_t waits;			/* members in waits it cannot see */
	void (*kick)(struct fc_sleepers *s);	/* asks for a check */
	struct fc_tomb tombs[4];
	u8 tomb_next;
	struct fc_vclock *clock;	/* the deadlines' timebase */
	struct cgroup *cgrp;		/* owners outside it are forgotten */
	bool closed;			/* the group is gone: no new arms */
	bool stale;			/* a sleeper was not aimed: retry */
	bool instant;			/* fires ask for no check (instant) */
	u64 arms;			/* arms registered so far */
	/*
	 * After a jump only the due sleepers are aimed again; the others keep
	 * host expiries that are now late. This timer fires at the first of
	 * them's virtual deadline and aims the due ones, then the next.
	 */
	struct hrtimer due_timer;
};

#endif /* _FC_SLEEPER_PRIV_H */
