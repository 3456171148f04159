// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of armed sleepers, keyed by timer address, and aiming their
 * host timers at virtual deadlines. See sleeper.h for the lifetime rule.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "group.h"
#include "sleeper.h"

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

/*
 * Clock id's reading at the instant CLOCK_MONOTONIC read mono. Through the
 * timekeeper's offsets, not a second clock read: one that came a little
 * later (an interrupt between the two reads, 0.4 ms under TCG) would put
 * absolute deadlines early by that much.
 */
static ktime_t fc_base_at(clockid_t id, ktime_t mono)
{
	switch (id) {
	case CLOCK_REALTIME:
		return ktime_mono_to_any(mono, TK_OFFS_REAL);
	case CLOCK_BOOTTIME:
		return ktime_mono_to_any(mono, TK_OFFS_BOOT);
	case CLOCK_TAI:
		return ktime_mono_to_any(mono, TK_OFFS_TAI);
	default:
		return mono;
	}
}

static struct fc_reg *fc_reg_lookup(const struct hrtimer *timer)
{
	struct fc_reg *r;

	hash_for_each_possible_rcu(fc_regs, r, hnode, (unsigned long)timer)
		if (READ_ONCE(r->timer) == timer)
			return r;
	return NULL;
}

ktime_t fc_host_mono(clockid_t base, ktime_t expires, ktime_t mono_now)
{
	if (base == CLOCK_MONOTONIC)
		return expires;
	return fc_ns_sub_sat(expires,
			     fc_ns_sub_sat(fc_base_at(base, mono_now), mono_now));
}

bool fc_reg_arm(struct hrtimer *timer, ktime_t tim, enum hrtimer_mode mode)
{
	struct fc_reg *r, *fresh;
	struct fc_group *g;
	unsigned long flags;
	ktime_t mono_now, host_mono;
	clockid_t base;
	bool park = false;

	if (this_cpu_read(fc_aiming))
		return false;
	fresh = kmem_cache_zalloc(fc_reg_cache, GFP_ATOMIC | __GFP_NOWARN);

	rcu_read_lock();
	g = fc_group_of(current);
	if (!g)
		goto out_rcu;

	base = timer->base->clockid;
	mono_now = ktime_get();
	host_mono = mode & HRTIMER_MODE_REL ? fc_ns_add_sat(mono_now, tim) :
		    fc_host_mono(base, tim, mono_now);

	raw_spin_lock_irqsave(&fc_lock, flags);
	if (g->dead)
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
	} else if (r->g != g) {
		fc_sleepq_remove(&r->g->sleepq, &r->qnode);
	}
	r->g = g;
	r->base = base;
	r->due = false;
	fc_sleepq_insert(&g->sleepq, &r->qnode,
			 fc_time_add_ns(fc_group_offset(g, false, mono_now),
					host_mono));
	park = g->frozen && host_mono > mono_now;
	/* A parked arm's expiry is never right: a cancel while frozen mends it. */
	r->gen = park ? g->gen - 1 : g->gen;
	g->idle_reported = false;
out_unlock:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
out_rcu:
	rcu_read_unlock();
	if (fresh)
		kmem_cache_free(fc_reg_cache, fresh);
	return park;
}

static void fc_reg_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(fc_reg_cache, container_of(head, struct fc_reg, rcu));
}

void fc_reg_forget(struct fc_reg *r)
{
	hash_del_rcu(&r->hnode);
	fc_sleepq_remove(&r->g->sleepq, &r->qnode);
	atomic_dec(&fc_nr_regs);
	call_rcu(&r->rcu, fc_reg_free_rcu);
}

/*
 * Under fc_lock: r's host expiry on its own clock for g's clock now, or
 * "now" when the deadline has passed (*due): never in the past, as
 * hrtimer_reprogram() warns about negative expiries.
 */
static ktime_t fc_reg_expiry(struct fc_reg *r, ktime_t mono_now, bool *due)
{
	ktime_t base_now;
	s64 host_mono;

	fc_time_to_ns(fc_time_sub(r->qnode.deadline,
				  fc_group_offset(r->g, false, mono_now)),
		      &host_mono);
	*due = host_mono <= mono_now;
	base_now = fc_base_at(r->base, mono_now);
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
		stale = r->task == current && !r->due && r->gen != r->g->gen;
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

bool fc_reg_aim(struct fc_reg *r, ktime_t mono_now, bool park)
{
	struct hrtimer *timer = r->timer;
	ktime_t expires, soft;
	s64 slack;
	bool due;

	if (!fc_owner_blocked(r->task)) {
		r->g->stale = true;
		return false;
	}
	expires = fc_reg_expiry(r, mono_now, &due);
	if (!due && park)
		expires = KTIME_MAX;
	r->gen = !due && park ? r->g->gen - 1 : r->g->gen;
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

void fc_reg_drop_group(struct fc_group *g)
{
	struct fc_sleeper *s;

	while ((s = fc_sleepq_first(&g->sleepq)))
		fc_reg_forget(fc_reg_of(s));
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
