// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of armed sleepers, keyed by timer address, each group's set
 * of them ordered by virtual deadline, and aiming their host timers at
 * those deadlines. See sleeper.h for the lifetime rule.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/percpu.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unistd.h>

#include "arch.h"
#include "compat.h"
#include "member.h"
#include "sleeper.h"
#include "sleeper_priv.h"
#include "timerfd.h"
#include "timerkind.h"
#include "vclock.h"

/*
 * Deadlines this far ahead (about 146 years of host CLOCK_MONOTONIC) mean
 * "no timeout": never a jump target, so virtual time stays far below
 * KTIME_MAX.
 */
#define FC_FAR_NS	(KTIME_MAX / 2)

struct fc_reg {
	struct hlist_node hnode;	/* in fc_regs, by timer */
	struct rcu_head rcu;
	struct fc_sleeper qnode;	/* in set->q, by virtual deadline */
	struct list_head tnode;		/* in set->timers: not a sleeper */
	struct hrtimer *timer;
	/* A sleeper's owner, with a reference; NULL for the others. */
	struct task_struct *task;
	pid_t pid;			/* who armed it, for events */
	enum fc_timer_kind kind;
	struct fc_sleepers *set;
	clockid_t base;			/* the timer's clock */
	u64 gen;			/* clock generation its expiry is right for */
	struct fc_time off;		/* the clock's offset at that generation */
	ktime_t tim;			/* a sleeper's expiry as its owner armed it */
	bool due;			/* aimed to fire now: not aimed again */
	struct fc_reg *moving;		/* fc_sleepers_clock_set()'s list */
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

/*
 * Set while this CPU re-aims a timer, so that the arm hook does not take
 * fc_lock again when the re-aim is done from a member's own context.
 */
static DEFINE_PER_CPU(bool, fc_aiming);

/* hrtimer_active() from under fc_lock: its probe must not take the lock. */
static bool fc_reg_timer_active(const struct hrtimer *timer)
{
	bool was = this_cpu_read(fc_aiming), active;

	this_cpu_write(fc_aiming, true);
	active = hrtimer_active(timer);
	this_cpu_write(fc_aiming, was);
	return active;
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

static void fc_reg_free_rcu(struct rcu_head *head)
{
	struct fc_reg *r = container_of(head, struct fc_reg, rcu);

	if (r->task)
		put_task_struct(r->task);
	kmem_cache_free(fc_reg_cache, r);
}

/*
 * Under fc_lock: r's owner is now t (a reference taken) or none. Return:
 * the reference r held before, for the caller to drop after the lock.
 */
static struct task_struct *fc_reg_set_task(struct fc_reg *r,
					   struct task_struct *t)
{
	struct task_struct *old = r->task;

	if (old == t)
		return NULL;
	r->task = t ? get_task_struct(t) : NULL;
	return old;
}

static void fc_sleepers_kick(struct fc_sleepers *s)
{
	if (s->kick)
		s->kick(s);
}

/* Under fc_lock: takes r out of its set (not out of the registry). */
static void fc_reg_unlink(struct fc_reg *r)
{
	fc_sleepq_remove(&r->set->q, &r->qnode);
	if (r->kind == FC_TIMER_SLEEPER)
		return;
	list_del_init(&r->tnode);
	/* The last hold gone: a quiet group may jump now. */
	if (r->kind == FC_TIMER_HOLD && !--r->set->holds)
		fc_sleepers_kick(r->set);
}

/* Under fc_lock: drops r (its timer stays as aimed). */
static void fc_reg_forget(struct fc_reg *r)
{
	hash_del_rcu(&r->hnode);
	fc_reg_unlink(r);
	atomic_dec(&fc_nr_regs);
	call_rcu(&r->rcu, fc_reg_free_rcu);
}

/*
 * Under fc_lock: r (timer's registration, or NULL) taken out of its set
 * for a new arm, or *fresh made timer's registration (then *fresh is
 * NULL). Return: the registration, or NULL when there is none to use.
 */
static struct fc_reg *fc_reg_take(struct fc_reg *r, struct hrtimer *timer,
				  struct fc_reg **fresh)
{
	if (r) {
		fc_reg_unlink(r);
		return r;
	}
	r = *fresh;
	if (!r)
		return NULL;
	*fresh = NULL;
	r->timer = timer;
	fc_sleeper_init(&r->qnode);
	INIT_LIST_HEAD(&r->tnode);
	hash_add_rcu(fc_regs, &r->hnode, (unsigned long)timer);
	atomic_inc(&fc_nr_regs);
	return r;
}

/*
 * The caller's wait repeats the one t buried: the same task arms the same
 * host expiry as that one was armed with (poll, select and epoll loops),
 * or, restarting, the one its owner read after the cancel (nanosleep's
 * restart block; a plain arm could hit that value a slack after a loop's).
 */
static bool fc_tomb_matches(const struct fc_tomb *t, ktime_t tim)
{
	if (t->task != current)
		return false;
	return t->tim == tim ||
	       (t->hard == tim &&
		fc_arch_syscall_nr(task_pt_regs(current)) == __NR_restart_syscall);
}

/*
 * Under fc_lock: the virtual deadline an earlier arm gave the same wait,
 * if this arm repeats it. poll, select and epoll sleep in a loop, each
 * time on a fresh on-stack sleeper at the same address with the host
 * deadline computed at entry; futex_wait re-arms its sleeper as it is.
 * After a jump that host time means a later virtual one, so a member woken
 * without an event every virtual second would never time out. A restart
 * (restart_syscall after a stop) arms it from another stack depth, so the
 * match is the task and the host expiry, a value in nanoseconds that no
 * other wait of the task computes.
 */
static bool fc_reg_repeat(struct fc_sleepers *s, struct fc_reg *r,
			  struct hrtimer *timer, ktime_t tim,
			  enum hrtimer_mode mode, struct fc_time *deadline)
{
	int i;

	if (mode & HRTIMER_MODE_REL)
		return false;
	if (r) {
		/* Re-armed as it stands (aimed, late or parked): same deadline. */
		if (r->kind != FC_TIMER_SLEEPER || !fc_sleeper_queued(&r->qnode) ||
		    tim != hrtimer_get_softexpires(timer))
			return false;
		*deadline = r->qnode.deadline;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(s->tombs); i++) {
		struct fc_tomb *t = &s->tombs[i];

		if (fc_tomb_matches(t, tim)) {
			*deadline = t->deadline;
			t->task = NULL;
			return true;
		}
	}
	return false;
}

bool fc_sleepers_tomb(const struct fc_sleepers *s, ktime_t tim,
		      struct fc_time *deadline)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(s->tombs); i++) {
		const struct fc_tomb *t = &s->tombs[i];

		if (fc_tomb_matches(t, tim)) {
			*deadline = t->deadline;
			return true;
		}
	}
	return false;
}

bool fc_sleepers_far(ktime_t host_mono)
{
	return host_mono >= FC_FAR_NS;
}

/*
 * Under fc_lock: r's owner cancels it; remember it for fc_reg_repeat().
 * hard: the expiry the owner reads once the cancel is done, which is what
 * nanosleep's restart re-arms (absolute, also after a relative sleep).
 */
static void fc_reg_bury(struct fc_reg *r, ktime_t hard)
{
	struct fc_sleepers *s = r->set;
	struct fc_tomb *t;

	if (r->kind != FC_TIMER_SLEEPER || r->task != current ||
	    !fc_sleeper_queued(&r->qnode))
		return;
	t = &s->tombs[s->tomb_next++ % ARRAY_SIZE(s->tombs)];
	t->task = current;
	t->tim = r->tim;
	t->hard = hard;
	t->deadline = r->qnode.deadline;
	t->base = r->base;
	t->alarm = fc_timer_alarm_sleep(r->timer);
}

/*
 * An alarm-clock sleep cut short by a signal computes what is left from
 * its host expiry (the one it armed, kept on its stack), which is too much
 * by the jumps made since. Its owner's newest tomb is that sleep: the one
 * cancelled a moment ago, with *ts computed from its expiry.
 */
void fc_sleepers_alarm_left(struct fc_sleepers *s, struct timespec64 *ts)
{
	ktime_t mono_now = ktime_get();
	struct fc_tomb *t = NULL;
	unsigned long flags;
	s64 armed, left;
	int i;

	raw_spin_lock_irqsave(&fc_lock, flags);
	for (i = 1; i <= ARRAY_SIZE(s->tombs); i++) {
		t = &s->tombs[(u8)(s->tomb_next - i) % ARRAY_SIZE(s->tombs)];
		if (t->task == current)
			break;
		t = NULL;
	}
	if (!t || !t->alarm)
		goto out_unlock;
	/* The expiry *ts was computed from: what it says is left, from now. */
	armed = fc_host_base_at(t->base, mono_now) + timespec64_to_ns(ts);
	if (t->tim < armed - NSEC_PER_SEC || t->tim > armed)
		goto out_unlock;
	fc_time_to_ns(fc_time_sub(t->deadline,
				  fc_time_add_ns(fc_vclock_offset(s->clock, false,
								  mono_now),
						 mono_now)),
		      &left);
	*ts = ns_to_timespec64(max_t(s64, left, 0));
out_unlock:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
}

/*
 * Takes fc_lock, and returns timer's registration or NULL. A timer with
 * none gets *fresh, allocated before the lock is taken; a re-arm, the
 * common case, allocates nothing.
 */
static struct fc_reg *fc_reg_lock(const struct hrtimer *timer,
				  struct fc_reg **fresh, unsigned long *flags)
{
	struct fc_reg *r;

	*fresh = NULL;
	for (;;) {
		raw_spin_lock_irqsave(&fc_lock, *flags);
		r = fc_reg_lookup(timer);
		if (r || *fresh)
			return r;
		raw_spin_unlock_irqrestore(&fc_lock, *flags);
		*fresh = kmem_cache_zalloc(fc_reg_cache,
					   GFP_ATOMIC | __GFP_NOWARN);
		if (!*fresh) {	/* untracked: real time */
			raw_spin_lock_irqsave(&fc_lock, *flags);
			return fc_reg_lookup(timer);
		}
	}
}

bool fc_reg_arm(struct fc_sleepers *s, struct hrtimer *timer,
		enum fc_timer_kind kind, ktime_t tim, enum hrtimer_mode mode)
{
	struct task_struct *old = NULL;
	struct fc_time deadline;
	bool repeat;
	struct fc_reg *r, *fresh;
	unsigned long flags;
	ktime_t mono_now, host_mono;
	clockid_t base;
	bool park = false, far, keep;
	u64 gen;

	if (this_cpu_read(fc_aiming))
		return false;
	base = timer->base->clockid;
	mono_now = ktime_get();
	host_mono = mode & HRTIMER_MODE_REL ? fc_ns_add_sat(mono_now, tim) :
		    fc_host_mono(base, tim, mono_now);
	far = host_mono >= FC_FAR_NS;
	/* Never a deadline, but its clock may be set: known, not queued. */
	keep = far && kind == FC_TIMER_PROGRAM && fc_timerfd_cancel_on_set(timer);

	r = fc_reg_lock(timer, &fresh, &flags);
	repeat = kind == FC_TIMER_SLEEPER && !s->closed &&
		 fc_reg_repeat(s, r, timer, tim, mode, &deadline);
	if (s->closed || (far && !repeat && !keep)) {
		/* No timeout, or no group: the timer runs in real time. */
		if (r)
			fc_reg_forget(r);
		goto out_unlock;
	}
	r = fc_reg_take(r, timer, &fresh);
	if (!r)
		goto out_unlock;	/* untracked: real time */
	r->set = s;
	r->kind = kind;
	old = fc_reg_set_task(r, kind == FC_TIMER_SLEEPER ? current : NULL);
	r->pid = task_pid_nr(current);
	r->base = base;
	r->due = false;
	r->tim = tim;
	gen = fc_vclock_gen(s->clock);
	r->off = fc_vclock_offset(s->clock, false, mono_now);
	s->arms++;
	if (kind != FC_TIMER_SLEEPER)
		list_add_tail(&r->tnode, &s->timers);
	if (kind == FC_TIMER_HOLD) {
		/* Not a jump target: while it is armed the group holds. */
		s->holds++;
		r->gen = gen;
		goto out_unlock;
	}
	if (keep) {
		r->gen = gen;
		goto out_unlock;
	}
	if (repeat) {
		/* Its host expiry is from an older clock: late, aimed when due. */
		fc_sleepq_insert(&s->q, &r->qnode, deadline);
		r->gen = gen - 1;
		goto out_unlock;
	}
	fc_sleepq_insert(&s->q, &r->qnode, fc_time_add_ns(r->off, host_mono));
	park = fc_vclock_frozen(s->clock) && host_mono > mono_now;
	/* A parked arm's expiry is never right: a cancel while frozen mends it. */
	r->gen = park ? gen - 1 : gen;
out_unlock:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (fresh)
		kmem_cache_free(fc_reg_cache, fresh);
	if (old)
		put_task_struct(old);
	return park;
}

void fc_reg_note(struct fc_sleepers *s, struct hrtimer *timer)
{
	struct task_struct *old = NULL;
	struct fc_reg *r, *fresh;
	unsigned long flags;

	r = fc_reg_lock(timer, &fresh, &flags);
	if (s->closed)
		goto out_unlock;
	r = fc_reg_take(r, timer, &fresh);
	if (!r)
		goto out_unlock;	/* untracked: real time */
	r->set = s;
	r->kind = FC_TIMER_PROGRAM;
	old = fc_reg_set_task(r, NULL);
	r->pid = task_pid_nr(current);
	r->base = CLOCK_MONOTONIC;	/* never aimed: not queued */
	r->due = false;
	r->gen = fc_vclock_gen(s->clock);
	r->off = fc_vclock_offset(s->clock, false, ktime_get());
	list_add_tail(&r->tnode, &s->timers);
out_unlock:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (fresh)
		kmem_cache_free(fc_reg_cache, fresh);
	if (old)
		put_task_struct(old);
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

/*
 * Under fc_lock: a program timer that is neither queued nor running (it
 * fired, or is SIGEV_NONE) keeps the host expiry it had when it was last
 * right; before its owner reads it, or forwards it by host time, move it
 * by the jumps made since. The caller is the owner, under its own lock.
 *
 * The expiry may then fall below 0 (the clock jumped further than the
 * host's uptime), which hrtimer code does not take: hrtimer_forward()
 * saturates it to KTIME_MAX. With clamp, it becomes 0 (a fired one-shot
 * timer reads the same); without, it is left and the shift is returned,
 * for the caller to forward from host now + shift and move the result.
 */
static s64 fc_reg_bring_up_to_date(struct fc_reg *r, ktime_t mono_now,
				   bool clamp)
{
	struct hrtimer *timer = r->timer;
	struct fc_time off;
	s64 shift, slack, soft;

	if (r->kind != FC_TIMER_PROGRAM || fc_reg_timer_active(timer))
		return 0;
	/* Negative after a thaw or while frozen: the expiry moves later. */
	off = fc_vclock_offset(r->set->clock, false, mono_now);
	if (fc_time_to_ns(fc_time_sub(off, r->off), &shift) || !shift)
		return 0;
	r->gen = fc_vclock_gen(r->set->clock);
	r->off = off;
	soft = fc_ns_sub_sat(hrtimer_get_softexpires(timer), shift);
	if (soft < 0 && !clamp)
		return shift;
	slack = ktime_sub(hrtimer_get_expires(timer),
			  hrtimer_get_softexpires(timer));
	hrtimer_set_expires_range_ns(timer, max_t(s64, soft, 0), slack);
	return 0;
}

/* Looks timer up without fc_lock first: most timers are not members'. */
static bool fc_reg_known(const struct hrtimer *timer)
{
	bool known;

	if (!atomic_read(&fc_nr_regs))
		return false;
	rcu_read_lock();
	known = fc_reg_lookup(timer);
	rcu_read_unlock();
	return known;
}

static void fc_reg_end(struct hrtimer *timer, bool owner_only)
{
	unsigned long flags;
	struct fc_reg *r;
	ktime_t expires = 0, hard;
	bool stale = false, due;

	/*
	 * The owner itself registered the timer, earlier in its own context,
	 * so a lockless miss is a true miss. The module's own cancels (aiming
	 * a program timer) are not the owner's.
	 */
	if (this_cpu_read(fc_aiming) || !fc_reg_known(timer))
		return;
	raw_spin_lock_irqsave(&fc_lock, flags);
	r = fc_reg_lookup(timer);
	if (r && owner_only && r->task != current)
		r = NULL;
	if (r) {
		stale = r->task == current && !r->due &&
			r->gen != fc_vclock_gen(r->set->clock);
		hard = hrtimer_get_expires(timer);
		if (stale) {
			expires = fc_reg_expiry(r, ktime_get(), &due);
			/* What fc_reg_fix_expiry() makes of it, slack kept. */
			hard = ktime_add_safe(expires,
					      ktime_sub(hard, hrtimer_get_softexpires(timer)));
		}
		/* timerfd_settime reads the old value after its cancel. */
		fc_reg_bring_up_to_date(r, ktime_get(), true);
		fc_reg_bury(r, hard);
		fc_reg_forget(r);
	}
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (stale)
		fc_reg_fix_expiry(timer, expires);
}

void fc_reg_cancel(struct hrtimer *timer)
{
	fc_reg_end(timer, false);
}

void fc_reg_sleep_end(struct hrtimer *timer)
{
	fc_reg_end(timer, true);
}

s64 fc_reg_sync(struct hrtimer *timer, bool clamp)
{
	unsigned long flags;
	struct fc_reg *r;
	s64 shift = 0;

	if (!fc_reg_known(timer))
		return 0;
	raw_spin_lock_irqsave(&fc_lock, flags);
	r = fc_reg_lookup(timer);
	if (r)
		shift = fc_reg_bring_up_to_date(r, ktime_get(), clamp);
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	return shift;
}

void fc_reg_expired(struct hrtimer *timer)
{
	unsigned long flags;
	struct fc_reg *r;

	if (!fc_reg_known(timer))
		return;
	raw_spin_lock_irqsave(&fc_lock, flags);
	r = fc_reg_lookup(timer);
	if (r && r->kind == FC_TIMER_PROGRAM) {
		/* No longer a deadline; the owner re-arms it if periodic. */
		fc_sleepq_remove(&r->set->q, &r->qnode);
		/*
		 * A fire may wake no one (a blocked signal, an unread timerfd),
		 * so no member blocks again to ask for the next jump: ask;
		 * unless a member that runs made it fire (instant): it asks
		 * when it blocks.
		 */
		if (!r->set->instant)
			fc_sleepers_kick(r->set);
	} else if (r && r->kind == FC_TIMER_HOLD) {
		/* io_uring frees its timer after firing, with no cancel. */
		fc_reg_forget(r);
	}
	raw_spin_unlock_irqrestore(&fc_lock, flags);
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
/*
 * Under fc_lock: a due program timer fires at once, but with the expiry of
 * its own deadline, so that the periods a jump or an advance passed are
 * counted when its owner forwards it (timerfd reads, overruns). Below the
 * clock's 0 it is 0; *off is then the offset that makes that expiry its
 * deadline, and fc_reg_bring_up_to_date() moves it by the rest later.
 */
static ktime_t fc_reg_due_expiry(struct fc_reg *r, ktime_t mono_now,
				 struct fc_time *off)
{
	s64 host_mono, expires, base_shift;

	fc_time_to_ns(fc_time_sub(r->qnode.deadline, *off), &host_mono);
	base_shift = fc_ns_sub_sat(fc_host_base_at(r->base, mono_now), mono_now);
	expires = fc_ns_add_sat(host_mono, base_shift);
	if (expires < 0) {
		expires = 0;
		*off = fc_time_sub(r->qnode.deadline,
				   fc_time_from_ns(-base_shift));
	}
	return expires;
}

/*
 * Under fc_lock: a sleeper's registration whose timer no longer wakes its
 * owner is forgotten and never touched again. The owner left that wait
 * with no cancel a probe saw (a missed kprobe, an inlined cancel), so the
 * timer may be a dead stack frame, or on no stack at all: r's reference
 * keeps the task, not its stack, which goes once the task has exited. An
 * owner not yet exited has its stack (freed after a grace period at the
 * earliest, and interrupts are off here), so the timer can be read.
 * Return: whether r was forgotten.
 */
static bool fc_reg_drop_lost(struct fc_reg *r)
{
	if (!READ_ONCE(r->task->exit_state) &&
	    fc_sleeper_task(r->timer) == r->task)
		return false;
	fc_reg_forget(r);
	return true;
}

static bool fc_reg_aim(struct fc_reg *r, ktime_t mono_now, bool park)
{
	struct fc_time off;
	struct hrtimer *timer = r->timer;
	enum hrtimer_mode mode;
	ktime_t expires, soft;
	u64 gen;
	s64 slack;
	bool due;

	if (r->kind == FC_TIMER_SLEEPER) {
		if (!fc_owner_blocked(r->task)) {
			r->set->stale = true;
			return false;
		}
		if (fc_reg_drop_lost(r))
			return false;
	}
	expires = fc_reg_expiry(r, mono_now, &due);
	if (!due && park)
		expires = KTIME_MAX;
	gen = fc_vclock_gen(r->set->clock);
	soft = hrtimer_get_softexpires(timer);
	slack = due ? 0 : ktime_sub(hrtimer_get_expires(timer), soft);
	mode = HRTIMER_MODE_ABS | (timer->is_soft ? HRTIMER_MODE_SOFT : 0) |
	       (timer->is_hard ? HRTIMER_MODE_HARD : 0);
	if (!due && soft == expires && fc_reg_timer_active(timer)) {
		r->gen = park ? gen - 1 : gen;
		r->off = fc_vclock_offset(r->set->clock, false, mono_now);
		return false;
	}
	off = fc_vclock_offset(r->set->clock, false, mono_now);
	if (due && r->kind == FC_TIMER_PROGRAM)
		expires = fc_reg_due_expiry(r, mono_now, &off);

	this_cpu_write(fc_aiming, true);
	/*
	 * A program timer's owner may run (it is not on a stack): move it
	 * only while it is queued, so that neither a callback under way nor
	 * an arm under way is undone. One that fired is brought up to date
	 * when its owner next touches it (fc_reg_sync()).
	 */
	if (r->kind == FC_TIMER_PROGRAM && hrtimer_try_to_cancel(timer) != 1) {
		this_cpu_write(fc_aiming, false);
		return false;
	}
	hrtimer_start_range_ns(timer, expires, slack, mode);
	this_cpu_write(fc_aiming, false);
	r->gen = !due && park ? gen - 1 : gen;
	r->off = off;
	r->due = due;
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
			woken = r->pid;
	}
	return woken;
}

/*
 * Program timers are aimed at every jump, not lazily as sleepers are:
 * their owners read the expiry (timer_gettime, timerfd_gettime,
 * getitimer) while they are armed.
 */
static void fc_sleepers_aim_timers(struct fc_sleepers *s, ktime_t mono_now)
{
	u64 gen = fc_vclock_gen(s->clock);
	struct fc_reg *r, *tmp;

	list_for_each_entry_safe(r, tmp, &s->timers, tnode)
		if (r->kind == FC_TIMER_PROGRAM && r->gen != gen && !r->due &&
		    fc_sleeper_queued(&r->qnode))
			fc_reg_aim(r, mono_now, false);
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
			woken = r->pid;
	}
	fc_sleepers_aim_timers(s, mono_now);
	return woken;
}

/*
 * Timers and waits on these bases move when the clock is set (the kernel
 * arms relative REALTIME ones on the MONOTONIC base; TAI has no such
 * exception).
 */
static bool fc_base_is_set(clockid_t base)
{
	return base == CLOCK_REALTIME || base == CLOCK_TAI;
}

/*
 * Under fc_lock: a REALTIME timerfd. Its callback stays while registered:
 * a re-arm first cancels, which waits for fc_lock.
 */
static bool fc_reg_cancel_on_set(const struct fc_reg *r)
{
	return r->kind == FC_TIMER_PROGRAM && r->base == CLOCK_REALTIME &&
	       fc_timer_timerfd(r->timer);
}

u32 fc_sleepers_set_timers(const struct fc_sleepers *s)
{
	const struct fc_reg *r;
	u32 n = 0;

	list_for_each_entry(r, &s->timers, tnode)
		n += fc_reg_cancel_on_set(r);
	return n;
}

u32 fc_sleepers_clock_set(struct fc_sleepers *s, struct fc_time moved,
			  ktime_t mono_now, struct hrtimer **timers, u32 max)
{
	struct fc_reg *r, *moving = NULL;
	struct fc_sleeper *q, *next;
	u64 gen = fc_vclock_gen(s->clock);
	u32 n = 0;
	int i;

	if (!moved.sec && !moved.nsec)
		return 0;
	/* Taken out first: moved back in, they could be met again. */
	for (q = fc_sleepq_first(&s->q); q; q = next) {
		r = fc_reg_of(q);
		next = fc_sleepq_next(q);
		if (!fc_base_is_set(r->base) || r->due)
			continue;
		fc_sleepq_remove(&s->q, q);
		r->moving = moving;
		moving = r;
	}
	for (r = moving; r; r = r->moving) {
		fc_sleepq_insert(&s->q, &r->qnode,
				 fc_time_sub(r->qnode.deadline, moved));
		r->gen = gen - 1;	/* its host expiry is wrong now */
	}
	list_for_each_entry(r, &s->timers, tnode) {
		if (r->kind != FC_TIMER_PROGRAM || !fc_base_is_set(r->base))
			continue;
		/*
		 * Fired or far: its host expiry moves when next brought up to
		 * date. Queued: aimed below, which sets off anew, unless its
		 * owner is arming it or it fires now.
		 */
		r->off = fc_time_sub(r->off, moved);
		if (fc_reg_cancel_on_set(r) && n < max)
			timers[n++] = r->timer;
	}
	for (i = 0; i < ARRAY_SIZE(s->tombs); i++)
		if (fc_base_is_set(s->tombs[i].base))
			s->tombs[i].deadline = fc_time_sub(s->tombs[i].deadline,
							   moved);
	fc_sleepers_aim_all(s, mono_now);
	return n;
}

void fc_sleepers_prune(struct fc_sleepers *s)
{
	struct fc_sleeper *q, *next;

	rcu_read_lock();
	for (q = fc_sleepq_first(&s->q); q; q = next) {
		struct fc_reg *r = fc_reg_of(q);

		next = fc_sleepq_next(q);
		/* A program timer stays with its group until cancelled. */
		if (r->kind != FC_TIMER_SLEEPER || fc_task_in(r->task, s->cgrp))
			continue;
		/* Parked or late: give it its host expiry for the clock now. */
		if (!r->due && r->gen != fc_vclock_gen(s->clock)) {
			fc_reg_aim(r, ktime_get(), false);
			if (hlist_unhashed(&r->hnode))	/* lost: forgotten */
				continue;
		}
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

u32 fc_sleepers_holds(const struct fc_sleepers *s)
{
	return s->holds + atomic_read(&s->waits);
}

void fc_sleepers_instant_begin(struct fc_sleepers *s)
{
	s->instant = true;
}

void fc_sleepers_instant_end(struct fc_sleepers *s)
{
	s->instant = false;
}

void fc_sleepers_wait_begin(struct fc_sleepers *s)
{
	atomic_inc(&s->waits);
}

void fc_sleepers_wait_end(struct fc_sleepers *s)
{
	if (atomic_dec_and_test(&s->waits))
		fc_sleepers_kick(s);
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
		      struct cgroup *cgrp, void (*kick)(struct fc_sleepers *s))
{
	fc_sleepq_init(&s->q);
	INIT_LIST_HEAD(&s->timers);
	s->kick = kick;
	s->clock = clock;
	s->cgrp = cgrp;
	fc_hrtimer_setup(&s->due_timer, fc_sleepers_due_fire, CLOCK_MONOTONIC,
			 HRTIMER_MODE_ABS);
}

void fc_sleepers_close(struct fc_sleepers *s)
{
	struct fc_sleeper *q;

	s->closed = true;
	while ((q = fc_sleepq_first(&s->q)))
		fc_reg_forget(fc_reg_of(q));
	while (!list_empty(&s->timers))
		fc_reg_forget(list_first_entry(&s->timers, struct fc_reg,
					       tnode));
}

void fc_sleepers_stop(struct fc_sleepers *s)
{
	/* Its callback takes fc_lock: never cancelled under it. */
	hrtimer_cancel(&s->due_timer);
}

int fc_regs_init(void)
{
	int ret = fc_timerkind_init();

	if (ret)
		return ret;
	fc_reg_cache = KMEM_CACHE(fc_reg, 0);
	return fc_reg_cache ? 0 : -ENOMEM;
}

void fc_regs_exit(void)
{
	WARN_ON(atomic_read(&fc_nr_regs));
	rcu_barrier();	/* registrations still on their way to the cache */
	kmem_cache_destroy(fc_reg_cache);
}
