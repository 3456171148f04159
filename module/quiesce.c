// SPDX-License-Identifier: GPL-2.0
/*
 * Quiescence (see quiesce.h): whether a task is blocked, the walk over
 * every thread that counts a group's members, and the record that lets a
 * look skip the walk: a blocked member can only run again through a
 * wakeup, which the probes note here.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "compat.h"
#include "member.h"
#include "quiesce.h"
#include "quiesce_priv.h"

/* Bumped by every cgroup migration of a task (any cgroup). */
static atomic_t fc_migrations = ATOMIC_INIT(0);

/*
 * Whether t is blocked. A waker holds t->pi_lock from the sched_waking
 * probe until t's state shows the wakeup, so a task seen with that lock
 * held may be half woken: it counts as running, and *unsure asks for the
 * check to come again (the lock may have been held for something else).
 * A task on a CPU or queued for one runs, whoever holds its lock: it is
 * not unsure.
 */
static bool fc_task_quiet(struct task_struct *t, bool *unsure)
{
	unsigned int state;
	int spins = 100;

	if (READ_ONCE(t->on_cpu) || fc_task_runnable(t))
		return false;
	while (raw_spin_is_locked(&t->pi_lock)) {
		if (!spins--) {
			*unsure = true;
			return false;
		}
		cpu_relax();
	}
	smp_rmb();	/* the lock seen free, then what it guarded */
	if (READ_ONCE(t->on_cpu) || fc_task_runnable(t))
		return false;
	state = READ_ONCE(t->__state);
	return state & (TASK_INTERRUPTIBLE | __TASK_STOPPED | __TASK_TRACED);
}

/* v names t as the member that kept the look from finding all blocked. */
static void fc_quiet_note_busy(struct fc_quiet *v, struct task_struct *t)
{
	if (!v || v->busy_pid)
		return;
	v->busy_pid = task_pid_nr(t);
	/* Racy against a rename, as /proc reads it; always NUL-ended. */
	memcpy(v->busy_comm, t->comm, sizeof(v->busy_comm));
	v->busy_comm[sizeof(v->busy_comm) - 1] = '\0';
}

static bool fc_task_exiting(struct task_struct *t)
{
	return READ_ONCE(t->exit_state) || (READ_ONCE(t->flags) & PF_EXITING);
}

/*
 * Counts the members and whether all are quiet; up to max of the members
 * that are not go into busy, with a reference each (*nbusy > max: more).
 * Walks every thread of the machine, so looks do it only when the record
 * does not hold: after forks, exits, migrations and crowds of wakeups.
 */
static u32 fc_quiesce_members(struct fc_quiesce *q, bool *quiet, bool *unsure,
			      struct task_struct **busy, u32 *nbusy, u32 max)
{
	struct task_struct *p, *t;
	u32 n = 0;

	*quiet = true;
	*nbusy = 0;
	rcu_read_lock();
	for_each_process_thread(p, t) {
		/* Exited (zombie) threads wait for nothing and hold no time. */
		if ((t->flags & PF_KTHREAD) || READ_ONCE(t->exit_state))
			continue;
		if (!fc_task_in(t, q->cgrp))
			continue;
		n++;
		if (fc_task_quiet(t, unsure))
			continue;
		*quiet = false;
		if (*nbusy < max) {
			get_task_struct(t);
			busy[*nbusy] = t;
		}
		if (*nbusy <= max)
			(*nbusy)++;
	}
	rcu_read_unlock();
	return n;
}

/* Under q->lock: empties the list of woken members into refs. */
static u32 fc_quiesce_take(struct fc_quiesce *q, struct task_struct **refs)
{
	u32 n = q->nwoken;

	memcpy(refs, q->woken, n * sizeof(*refs));
	q->nwoken = 0;
	q->gen++;
	return n;
}

static void fc_put_tasks(struct task_struct **t, u32 n)
{
	while (n--)
		put_task_struct(t[n]);
}

/* Under q->lock: lists p, which holds a reference; false when full. */
static bool fc_quiesce_add(struct fc_quiesce *q, struct task_struct *p)
{
	u32 i;

	for (i = 0; i < q->nwoken; i++)
		if (q->woken[i] == p)
			return true;
	if (i == FC_WOKEN_MAX)
		return false;
	get_task_struct(p);
	q->woken[q->nwoken++] = p;
	return true;
}

/*
 * Under q->lock: whether every listed member but skip is blocked, and so
 * every member but skip. Return: 1 yes, 0 no, -1 the record does not hold
 * (no record, a migration since, or a listed member exiting: the member
 * count changes). With skip (an instant sleep, interrupts off), the first
 * member not blocked ends the scan: 0 and -1 mean the same there.
 */
static int fc_quiesce_scan(struct fc_quiesce *q, struct task_struct *skip,
			   bool *unsure, struct fc_quiet *v)
{
	int quiet = 1;
	u32 i;

	if (!q->base || q->epoch != atomic_read(&fc_migrations))
		return -1;
	for (i = 0; i < q->nwoken; i++) {
		struct task_struct *t = q->woken[i];

		if (t == skip)
			continue;
		if (fc_task_exiting(t))
			return -1;
		if (!fc_task_quiet(t, unsure)) {
			quiet = 0;
			fc_quiet_note_busy(v, t);
			if (skip)
				break;
		}
	}
	return quiet;
}

/* A look from the record: as fc_quiesce_scan(); on 1 it starts afresh. */
static int fc_quiesce_quick(struct fc_quiesce *q, struct fc_quiet *v)
{
	struct task_struct *refs[FC_WOKEN_MAX];
	unsigned long flags;
	u32 n = 0;
	int quiet;

	raw_spin_lock_irqsave(&q->lock, flags);
	quiet = fc_quiesce_scan(q, NULL, &v->unsure, v);
	if (quiet < 0)
		goto out;
	if (quiet)
		n = fc_quiesce_take(q, refs);
	v->members = q->members;
	v->wakeups = atomic_read(&q->wakeups);
	v->epoch = q->epoch;
	v->gen = q->gen;
out:
	raw_spin_unlock_irqrestore(&q->lock, flags);
	fc_put_tasks(refs, n);
	return quiet;
}

/*
 * A look by walking every thread. A record starts with the members found
 * not quiet listed, unless there are too many of them.
 */
static bool fc_quiesce_walk(struct fc_quiesce *q, struct fc_quiet *v)
{
	struct task_struct *refs[FC_WOKEN_MAX], *busy[FC_WOKEN_MAX];
	unsigned long flags;
	u32 n, nbusy, i;
	bool quiet;

	raw_spin_lock_irqsave(&q->lock, flags);
	n = fc_quiesce_take(q, refs);
	/*
	 * Wakeups from now on are recorded; the record holds only once the
	 * walk has listed the members it finds running (instant sleeps read
	 * it meanwhile).
	 */
	q->rec = true;
	q->base = false;
	q->epoch = atomic_read(&fc_migrations);
	v->epoch = q->epoch;
	v->wakeups = atomic_read(&q->wakeups);
	v->gen = q->gen;
	raw_spin_unlock_irqrestore(&q->lock, flags);
	fc_put_tasks(refs, n);
	smp_mb();	/* read the counters before any member's state */

	v->members = fc_quiesce_members(q, &quiet, &v->unsure, busy, &nbusy,
					FC_WOKEN_MAX);

	if (nbusy)
		fc_quiet_note_busy(v, busy[0]);
	raw_spin_lock_irqsave(&q->lock, flags);
	if (!v->members || nbusy > FC_WOKEN_MAX)
		q->rec = false;
	for (i = 0; i < nbusy && i < FC_WOKEN_MAX && q->rec; i++)
		if (!fc_quiesce_add(q, busy[i]))
			q->rec = false;
	q->base = q->rec;
	WRITE_ONCE(q->members, v->members);
	raw_spin_unlock_irqrestore(&q->lock, flags);
	fc_put_tasks(busy, min_t(u32, nbusy, FC_WOKEN_MAX));
	return quiet;
}

void fc_quiesce_look(struct fc_quiesce *q, struct fc_quiet *v)
{
	v->unsure = false;
	v->quiet = true;
	v->walked = false;
	v->busy_pid = 0;
	switch (fc_quiesce_quick(q, v)) {
	case 0:
		v->quiet = false;
		break;
	case 1:
		break;
	default:
		v->quiet = fc_quiesce_walk(q, v);
		v->walked = true;
	}
}

bool fc_quiesce_others_blocked(struct fc_quiesce *q, struct fc_quiet *v)
{
	unsigned long flags;
	bool unsure = false, ok;

	raw_spin_lock_irqsave(&q->lock, flags);
	ok = fc_quiesce_scan(q, current, &unsure, NULL) == 1;
	if (ok) {
		v->wakeups = atomic_read(&q->wakeups);
		v->epoch = q->epoch;
		v->gen = q->gen;
		v->others_unwoken = !q->nwoken ||
				    (q->nwoken == 1 && q->woken[0] == current);
	}
	raw_spin_unlock_irqrestore(&q->lock, flags);
	return ok;
}

bool fc_quiesce_still(struct fc_quiesce *q, const struct fc_quiet *v)
{
	return atomic_read(&q->wakeups) == v->wakeups &&
	       atomic_read(&fc_migrations) == v->epoch;
}

u32 fc_quiesce_count(struct fc_quiesce *q)
{
	bool quiet, unsure;
	u32 nbusy;

	return fc_quiesce_members(q, &quiet, &unsure, NULL, &nbusy, 0);
}

u32 fc_quiesce_members_seen(struct fc_quiesce *q)
{
	return READ_ONCE(q->members);
}

void fc_quiesce_note_wakeup(struct fc_quiesce *q, struct task_struct *p,
			    bool is_new)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&q->lock, flags);
	atomic_inc(&q->wakeups);
	if (q->rec) {
		if (!fc_quiesce_add(q, p)) {	/* too many: walk */
			q->rec = false;
			q->base = false;
		} else if (is_new) {
			/* a fork: one member more */
			WRITE_ONCE(q->members, q->members + 1);
		}
	}
	raw_spin_unlock_irqrestore(&q->lock, flags);
}

void fc_quiesce_note_migration(void)
{
	atomic_inc(&fc_migrations);
}

void fc_quiesce_init(struct fc_quiesce *q, struct cgroup *cgrp)
{
	q->cgrp = cgrp;
	raw_spin_lock_init(&q->lock);
}

void fc_quiesce_release(struct fc_quiesce *q)
{
	struct task_struct *refs[FC_WOKEN_MAX];
	unsigned long flags;
	u32 n;

	raw_spin_lock_irqsave(&q->lock, flags);
	n = fc_quiesce_take(q, refs);
	raw_spin_unlock_irqrestore(&q->lock, flags);
	fc_put_tasks(refs, n);
}
