/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a group's quiescence record, for group.c to embed. Every
 * other file goes through quiesce.h.
 */
#ifndef _FC_QUIESCE_PRIV_H
#define _FC_QUIESCE_PRIV_H

#include <linux/atomic.h>
#include <linux/spinlock.h>

struct cgroup;
struct task_struct;

#define FC_WOKEN_MAX	16

struct fc_quiesce {
	struct cgroup *cgrp;		/* the members' subtree */
	/*
	 * Bumped whenever a member is woken or forked: a check that saw every
	 * member blocked jumps only if no wakeup happened since it began.
	 */
	atomic_t wakeups;

	/*
	 * Under lock: what the last check learnt, so that the next one need
	 * not walk every member. With base set, every member but the ones in
	 * woken (each with a task reference: the ones the last walk saw
	 * running, and the ones woken since) is blocked: a blocked member can
	 * only run again through a wakeup, which the sched_waking probe
	 * records here (and sched_wakeup_new a fork's child). An exit, a
	 * cgroup migration (the migration count moved past epoch) or more
	 * tasks than woken holds clear base: the next check walks every
	 * thread. rec: wakeups are being recorded; a walk sets it at its start
	 * and base only at its end, once it has listed the members it saw run.
	 */
	raw_spinlock_t lock;
	bool rec;
	bool base;
	u32 members;			/* members the last walk counted */
	int epoch;			/* migrations when base was set */
	u32 gen;			/* bumped when woken is emptied */
	u32 nwoken;
	struct task_struct *woken[FC_WOKEN_MAX];
};

#endif /* _FC_QUIESCE_PRIV_H */
