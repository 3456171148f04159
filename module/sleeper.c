// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of armed sleepers, keyed by timer address, each group's set
 * of them ordered by virtual deadline, and aiming their host timers at
 * those deadlines. See sleeper.h for the lifetime rule.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "member.h"
#include "sleeper.h"
#include "sleeper_priv.h"
#include "vclock.h"

struct fc_reg {
	struct hlist_node hnode;	/* in fc_regs, by timer */
	struct rcu_head rcu;
	struct fc_sleeper qnode;	/* in set->q, by virtual deadline */
	struct hrtimer *timer;
	struct task_struct *task;	/* the owner; alive while registered */
	struct fc_sleepers *set;
	clockid_t base;			/* the timer's clock */
	u64 gen;			/* clock generation its expiry is right for */
	bool due;			/* aimed to fire now: not aimed again */
};

/*
 * One lock for the registry and every set: the registry is keyed by timer
 * address, so that the cancel hook finds a registration whatever became of
 * its owner's cgroup since, and one lock keeps arm and cancel at a single
 * lock each. Raw: taken in hrtimer paths and from the due timer.
 */
static DEFINE_RAW_SPINLOCK(fc_lock);

/*
 * Changed under fc_lock; also read under RCU alone by the cancel hook, which
 * runs for every sleeper of the machine and should take fc_lock only for
 * the registered ones. Registrations are freed after a grace period.
 */
static DEFINE_HASHTABLE(fc_regs, 10);
static atomic_t fc_nr_regs = ATOMIC_INIT(0);
static struct kmem_cache *fc_reg_cache;
static enum hrtimer_restart (*fc_wakeup_fn)(struct hrtimer *timer);

/*
 * Set while this CPU re-aims a timer, so that the arm hook does not take
 * fc_lock again when the re-aim is done from a member's own context.
 */
static DEFINE_PER_CPU(bool, fc_aiming);

bool fc_is_sleeper(const struct hrtimer *timer)
{
	return READ_ONCE(timer->function) == fc_wakeup_fn;
}

unsigned long fc_sleepers_lock(struct fc_sleepers *s)
	__acquires(fc_lock)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&fc_lock, flags);
	return flags;
}

void fc_sleepers_unlock(struct fc_sleepers *s, unsigned long flags)
	__releases(fc_lock)
{
	raw_spin_unlock_irqrestore(&fc_lock, flags);
}

static struct fc_reg *fc_reg_of(struct fc_sleeper *s)
{
	return container_of(s, struct fc_reg, qnode);
}

static struct fc_reg *fc_reg_lookup(const struct hrtimer *timer)
{
	struct fc_reg *r;

	hash_for_each_possible_rcu(fc_regs, r, hnode, (unsigned long)timer)
		if (READ_ONCE(r->timer) == timer)
			return r;
	return NULL;
}

bool fc_reg_arm(struct fc_sleepers *s, struct hrtimer *timer, ktime_t tim,
		enum hrtimer_mode mode)
{
	struct fc_reg *r, *fresh;
	unsigned long flags;
	ktime_t mono_now, host_mono;
	clockid_t base;
	bool park = false;
	u64 gen;

	if (this_cpu_read(fc_aiming))
		return false;
	fresh = kmem_cache_zalloc(fc_reg_cache, GFP_ATOMIC | __GFP_NOWARN);

	base = timer->base->clockid;
	mono_now = ktime_get();
	host_mono = mode & HRTIMER_MODE_REL ? fc_ns_add_sat(mono_now, tim) :
		    fc_host_mono(base, tim, mono_now);

	raw_spin_lock_irqsave(&fc_lock, flags);
	if (s->closed)
		goto out_unlock;
	r = fc_reg_lookup(timer);
	if (!r) {
		if (!fresh)
			goto out_unlock;	/* untracked: real time */
		r = fresh;
		fresh = NULL;
		r->timer = timer;
		r->task = current;
		fc_sleeper_init(&r->qnode);
		hash_add_rcu(fc_regs, &r->hnode, (unsigned long)timer);
		atomic_inc(&fc_nr_regs);
	} else if (r->set != s) {
		fc_sleepq_remove(&r->set->q, &r->qnode);
	}
	r->set = s;
	r->base = base;
	r->due = false;
	fc_sleepq_insert(&s->q, &r->qnode,
			 fc_time_add_ns(fc_vclock_offset(s->clock, false,
							 mono_now),
					host_mono));
	park = fc_vclock_frozen(s->clock) && host_mono > mono_now;
	/* A parked arm's expiry is never right: a cancel while frozen mends it. */
	gen = fc_vclock_gen(s->clock);
	r->gen = park ? gen - 1 : gen;
	s->arms++;
out_unlock:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (fresh)
		kmem_cache_free(fc_reg_cache, fresh);
	return park;
}

static void fc_reg_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(fc_reg_cache, container_of(head, struct fc_reg, rcu));
}

/* Under fc_lock: drops r (its timer stays as aimed). */
static void fc_reg_forget(struct fc_reg *r)
{
	hash_del_rcu(&r->hnode);
	fc_sleepq_remove(&r->set->q, &r->qnode);
	atomic_dec(&fc_nr_regs);
	call_rcu(&r->rcu, fc_reg_free_rcu);
}

/*
 * Under fc_lock: r's host expiry on its own clock for the clock now, or
 * "now" when the deadline has passed (*due): never in the past, as
 * hrtimer_reprogram() warns about negative expiries.
 */
static ktime_t fc_reg_expiry(struct fc_reg *r, ktime_t mono_now, bool *due)
{
	ktime_t base_now;
	s64 host_mono;

	fc_time_to_ns(fc_time_sub(r->qnode.deadline,
				  fc_vclock_offset(r->set->clock, false,
						   mono_now)),
		      &host_mono);
	*due = host_mono <= mono_now;
	base_now = fc_host_base_at(r->base, mono_now);
	return *due ? base_now :
		fc_ns_add_sat(host_mono, fc_ns_sub_sat(base_now, mono_now));
}

/*
 * The owner cancels its own timer, which still has a host expiry from
 * before a jump: take it off its queue and give it the right expiry. Runs
 * inside the cancel kprobes (the nested hrtimer_try_to_cancel is not
 * probed again); a timer whose callback runs now needs nothing.
 */
static void fc_reg_fix_expiry(struct hrtimer *timer, ktime_t expires)
{
	s64 slack = ktime_sub(hrtimer_get_expires(timer),
			      hrtimer_get_softexpires(timer));

	if (hrtimer_try_to_cancel(timer) == 1)
		hrtimer_set_expires_range_ns(timer, expires, slack);
}

void fc_reg_cancel(struct hrtimer *timer)
{
	unsigned long flags;
	struct fc_reg *r;
	ktime_t expires = 0;
	bool known, stale = false, due;

	if (!atomic_read(&fc_nr_regs))
		return;
	/*
	 * The owner itself registered the timer, earlier in its own context,
	 * so a lockless miss is a true miss: most sleepers are not members'.
	 */
	rcu_read_lock();
	known = fc_reg_lookup(timer);
	rcu_read_unlock();
	if (!known)
		return;
	raw_spin_lock_irqsave(&fc_lock, flags);
	r = fc_reg_lookup(timer);
	if (r) {
		stale = r->task == current && !r->due &&
			r->gen != fc_vclock_gen(r->set->clock);
		if (stale)
			expires = fc_reg_expiry(r, ktime_get(), &due);
		fc_reg_forget(r);
	}
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (stale)
		fc_reg_fix_expiry(timer, expires);
}

/*
 * An owner that is on a CPU or runnable may be inside its own arm of the
 * timer; one that is blocked has finished arming and can only go on to
 * cancel, which waits for fc_lock.
 */
static bool fc_owner_blocked(struct task_struct *t)
{
	return !READ_ONCE(t->on_cpu) && !fc_task_runnable(t);
}

/*
 * Under fc_lock: points r's host timer at its virtual deadline, if its
 * owner is blocked; with park, a deadline not yet reached gets KTIME_MAX (a
 * frozen clock). Return: true if the deadline has passed (the timer fires
 * now), false otherwise or when the owner was running (then the set turns
 * stale and a later check aims it).
 */
static bool fc_reg_aim(struct fc_reg *r, ktime_t mono_now, bool park)
{
	struct hrtimer *timer = r->timer;
	ktime_t expires, soft;
	u64 gen;
	s64 slack;
	bool due;

	if (!fc_owner_blocked(r->task)) {
		r->set->stale = true;
		return false;
	}
	expires = fc_reg_expiry(r, mono_now, &due);
	if (!due && park)
		expires = KTIME_MAX;
	gen = fc_vclock_gen(r->set->clock);
	r->gen = !due && park ? gen - 1 : gen;
	r->due = due;
	soft = hrtimer_get_softexpires(timer);
	slack = due ? 0 : ktime_sub(hrtimer_get_expires(timer), soft);
	if (!due && soft == expires && hrtimer_active(timer))
		return false;

	this_cpu_write(fc_aiming, true);
	hrtimer_start_range_ns(timer, expires, slack, HRTIMER_MODE_ABS |
			       (timer->is_soft ? HRTIMER_MODE_SOFT : 0));
	this_cpu_write(fc_aiming, false);
	return due;
}

pid_t fc_sleepers_aim_all(struct fc_sleepers *s, ktime_t mono_now)
{
	bool park = fc_vclock_frozen(s->clock);
	struct fc_sleeper *q, *next;
	pid_t woken = 0;

	s->stale = false;
	for (q = fc_sleepq_first(&s->q); q; q = next) {
		struct fc_reg *r = fc_reg_of(q);

		next = fc_sleepq_next(q);
		if (fc_reg_aim(r, mono_now, park) && !woken)
			woken = task_pid_nr(r->task);
	}
	return woken;
}

pid_t fc_sleepers_aim_due(struct fc_sleepers *s, ktime_t mono_now)
{
	struct fc_time off = fc_vclock_offset(s->clock, false, mono_now);
	struct fc_time vnow = fc_time_add_ns(off, mono_now);
	struct fc_sleeper *q, *next;
	pid_t woken = 0;
	s64 host;

	for (q = fc_sleepq_first(&s->q); q; q = next) {
		struct fc_reg *r = fc_reg_of(q);

		next = fc_sleepq_next(q);
		if (fc_time_cmp(q->deadline, vnow) > 0) {
			fc_time_to_ns(fc_time_sub(q->deadline, off), &host);
			hrtimer_start(&s->due_timer, host, HRTIMER_MODE_ABS);
			break;
		}
		if (!r->due && fc_reg_aim(r, mono_now, false) && !woken)
			woken = task_pid_nr(r->task);
	}
	return woken;
}

void fc_sleepers_prune(struct fc_sleepers *s)
{
	struct fc_sleeper *q, *next;

	rcu_read_lock();
	for (q = fc_sleepq_first(&s->q); q; q = next) {
		struct fc_reg *r = fc_reg_of(q);

		next = fc_sleepq_next(q);
		if (fc_task_in(r->task, s->cgrp))
			continue;
		/* Parked or late: give it its host expiry for the clock now. */
		if (!r->due && r->gen != fc_vclock_gen(s->clock))
			fc_reg_aim(r, ktime_get(), false);
		fc_reg_forget(r);
	}
	rcu_read_unlock();
}

bool fc_sleepers_first(const struct fc_sleepers *s, struct fc_time *deadline)
{
	struct fc_sleeper *q = fc_sleepq_first(&s->q);

	if (q)
		*deadline = q->deadline;
	return q;
}

u32 fc_sleepers_count(const struct fc_sleepers *s)
{
	return s->q.count;
}

bool fc_sleepers_stale(const struct fc_sleepers *s)
{
	return s->stale;
}

u64 fc_sleepers_arms(const struct fc_sleepers *s)
{
	return s->arms;
}

static enum hrtimer_restart fc_sleepers_due_fire(struct hrtimer *timer)
{
	struct fc_sleepers *s = container_of(timer, struct fc_sleepers,
					     due_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&fc_lock, flags);
	if (!s->closed && !fc_vclock_frozen(s->clock))
		fc_sleepers_aim_due(s, ktime_get());
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	return HRTIMER_NORESTART;
}

void fc_sleepers_init(struct fc_sleepers *s, struct fc_vclock *clock,
		      struct cgroup *cgrp)
{
	fc_sleepq_init(&s->q);
	s->clock = clock;
	s->cgrp = cgrp;
	hrtimer_init(&s->due_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	s->due_timer.function = fc_sleepers_due_fire;
}

void fc_sleepers_close(struct fc_sleepers *s)
{
	struct fc_sleeper *q;

	s->closed = true;
	while ((q = fc_sleepq_first(&s->q)))
		fc_reg_forget(fc_reg_of(q));
}

void fc_sleepers_stop(struct fc_sleepers *s)
{
	/* Its callback takes fc_lock: never cancelled under it. */
	hrtimer_cancel(&s->due_timer);
}

int fc_regs_init(void)
{
	struct hrtimer_sleeper probe;

	fc_reg_cache = KMEM_CACHE(fc_reg, 0);
	if (!fc_reg_cache)
		return -ENOMEM;
	/* hrtimer_wakeup is static; a sleeper initialised here names it. */
	hrtimer_init_sleeper(&probe, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	fc_wakeup_fn = probe.timer.function;
	return 0;
}

void fc_regs_exit(void)
{
	WARN_ON(atomic_read(&fc_nr_regs));
	rcu_barrier();	/* registrations still on their way to the cache */
	kmem_cache_destroy(fc_reg_cache);
}
