// SPDX-License-Identifier: GPL-2.0
/*
 * Groups: creation and deletion, membership, the quiescence check and the
 * jump. A group is idle when every member is blocked: not on a CPU, not
 * runnable, and either sleeping interruptibly or stopped (uninterruptible
 * sleep means I/O in flight, so no jump). Then the clock jumps to the
 * earliest deadline and the due sleepers are aimed again: they fire at
 * once, as real timeouts. The others keep their host timers, now late, and
 * g->due_timer aims each when its virtual deadline comes, so a jump costs
 * the same with one sleeper or a thousand.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "clockdev.h"
#include "compat.h"
#include "events.h"
#include "group.h"
#include "hooks.h"
#include "sleeper.h"

/* Sleepers, clocks and counters of every group; taken in the hooks. */
DEFINE_RAW_SPINLOCK(fc_lock);
/* Serialises changes to fc_groups (netlink, module exit). */
DEFINE_MUTEX(fc_groups_mutex);
LIST_HEAD(fc_groups);
atomic_t fc_migrations = ATOMIC_INIT(0);

/* Group ids are never reused while the module is loaded; under the mutex. */
static u32 fc_next_id = 1;
static struct workqueue_struct *fc_wq;

struct fc_group *fc_group_of(struct task_struct *t)
{
	struct fc_group *g;
	struct cgroup *cg;

	if (list_empty(&fc_groups))
		return NULL;
	cg = task_dfl_cgroup(t);
	list_for_each_entry_rcu(g, &fc_groups, node)
		if (cgroup_is_descendant(cg, g->cgrp))
			return g;
	return NULL;
}

struct fc_group *fc_group_find(const char *name, u32 id)
{
	struct fc_group *g;

	lockdep_assert_held(&fc_groups_mutex);
	list_for_each_entry(g, &fc_groups, node)
		if (name ? !strcmp(g->name, name) : g->id == id)
			return g;
	return NULL;
}

/*
 * Whether t is blocked. A waker holds t->pi_lock from the sched_waking
 * probe until t's state shows the wakeup, so a task seen with that lock
 * held may be half woken: it counts as running, and *unsure asks for the
 * check to come again (the lock may have been held for something else).
 */
static bool fc_task_quiet(struct task_struct *t, bool *unsure)
{
	unsigned int state;
	int spins = 100;

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

/*
 * Counts g's members and whether all are quiet; up to max of the members
 * that are not go into busy, with a reference each (*nbusy > max: more).
 * Walks every thread of the machine, so checks do it only when the record
 * of the last one (q_base) does not hold: after forks, exits, migrations
 * and crowds of wakeups.
 */
static u32 fc_group_members(struct fc_group *g, bool *quiet, bool *unsure,
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
		if (fc_group_of(t) != g)
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

#define FC_WOKEN_MAX	ARRAY_SIZE(((struct fc_group *)NULL)->q_woken)

/* Under g->qlock: empties the record of woken members into refs. */
static u32 fc_group_q_take(struct fc_group *g, struct task_struct **refs)
{
	u32 n = g->q_nwoken;

	memcpy(refs, g->q_woken, n * sizeof(*refs));
	g->q_nwoken = 0;
	return n;
}

static void fc_put_tasks(struct task_struct **t, u32 n)
{
	while (n--)
		put_task_struct(t[n]);
}

/* Under g->qlock: lists p, which holds a reference; false when full. */
static bool fc_group_q_add(struct fc_group *g, struct task_struct *p)
{
	u32 i;

	for (i = 0; i < g->q_nwoken; i++)
		if (g->q_woken[i] == p)
			return true;
	if (i == FC_WOKEN_MAX)
		return false;
	get_task_struct(p);
	g->q_woken[g->q_nwoken++] = p;
	return true;
}

void fc_group_note_wakeup(struct fc_group *g, struct task_struct *p,
			  bool is_new)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&g->qlock, flags);
	atomic_inc(&g->wakeups);
	if (g->q_rec) {
		if (!fc_group_q_add(g, p)) {	/* too many: walk */
			g->q_rec = false;
			g->q_base = false;
		} else if (is_new) {
			g->q_members++;		/* a fork: one member more */
		}
	}
	raw_spin_unlock_irqrestore(&g->qlock, flags);
}

void fc_groups_note_migration(void)
{
	struct fc_group *g;

	atomic_inc(&fc_migrations);
	/* A member gone or come may be what held time back, or may hold it. */
	rcu_read_lock();
	list_for_each_entry_rcu(g, &fc_groups, node)
		fc_group_kick(g);
	rcu_read_unlock();
}

/*
 * Whether every member is blocked, from the last check's record: only the
 * listed members need a look. Return: 1 yes, 0 no, -1 the record does not
 * hold (see struct fc_group): walk. On 1 the record starts afresh.
 */
static int fc_group_quick_quiet(struct fc_group *g, u32 *members,
				int *wakeups, int *epoch, bool *unsure)
{
	struct task_struct *refs[FC_WOKEN_MAX];
	unsigned long flags;
	int quiet = 1;
	u32 i, n = 0;

	raw_spin_lock_irqsave(&g->qlock, flags);
	if (!g->q_base || g->q_epoch != atomic_read(&fc_migrations)) {
		quiet = -1;
		goto out;
	}
	for (i = 0; i < g->q_nwoken; i++) {
		struct task_struct *t = g->q_woken[i];

		if (READ_ONCE(t->exit_state) || (READ_ONCE(t->flags) & PF_EXITING)) {
			quiet = -1;	/* the member count changes */
			goto out;
		}
		if (!fc_task_quiet(t, unsure))
			quiet = 0;
	}
	if (quiet)
		n = fc_group_q_take(g, refs);
	*members = g->q_members;
	*wakeups = atomic_read(&g->wakeups);
	*epoch = g->q_epoch;
out:
	raw_spin_unlock_irqrestore(&g->qlock, flags);
	fc_put_tasks(refs, n);
	return quiet;
}

/*
 * Walks every thread for g's members. A record starts with the members
 * found not quiet listed, unless there are too many of them.
 */
static bool fc_group_walk(struct fc_group *g, u32 *members, int *wakeups,
			  int *epoch, bool *unsure)
{
	struct task_struct *refs[FC_WOKEN_MAX], *busy[FC_WOKEN_MAX];
	unsigned long flags;
	u32 n, nbusy, i;
	bool quiet;

	raw_spin_lock_irqsave(&g->qlock, flags);
	n = fc_group_q_take(g, refs);
	/*
	 * Wakeups from now on are recorded; the record holds only once the
	 * walk has listed the members it finds running (instant sleeps read
	 * it meanwhile).
	 */
	g->q_rec = true;
	g->q_base = false;
	g->q_epoch = atomic_read(&fc_migrations);
	*epoch = g->q_epoch;
	*wakeups = atomic_read(&g->wakeups);
	raw_spin_unlock_irqrestore(&g->qlock, flags);
	fc_put_tasks(refs, n);
	smp_mb();	/* read the counters before any member's state */

	*members = fc_group_members(g, &quiet, unsure, busy, &nbusy,
				    FC_WOKEN_MAX);

	raw_spin_lock_irqsave(&g->qlock, flags);
	if (!*members || nbusy > FC_WOKEN_MAX)
		g->q_rec = false;
	for (i = 0; i < nbusy && i < FC_WOKEN_MAX && g->q_rec; i++)
		if (!fc_group_q_add(g, busy[i]))
			g->q_rec = false;
	g->q_base = g->q_rec;
	g->q_members = *members;
	raw_spin_unlock_irqrestore(&g->qlock, flags);
	fc_put_tasks(busy, min_t(u32, nbusy, FC_WOKEN_MAX));
	return quiet;
}

/*
 * Under fc_lock, around every change of g->clock: lock-free readers (the
 * clock syscalls) retry, then the clock page gets the new offsets.
 */
static void fc_clock_write_begin(struct fc_group *g)
{
	write_seqcount_begin(&g->clock_seq);
}

static void fc_clock_write_end(struct fc_group *g)
{
	write_seqcount_end(&g->clock_seq);
	fc_clockdev_update(g);
}

struct fc_time fc_snapshot_offset(const struct fc_clock_snapshot *snap,
				  bool real, ktime_t mono_now)
{
	struct fc_time off = real ? snap->real_off : snap->mono_off;

	if (snap->frozen)
		off = fc_time_sub(off, fc_time_from_ns(mono_now -
						       snap->frozen_mono));
	return off;
}

static void fc_group_snapshot(struct fc_group *g, struct fc_clock_snapshot *s)
{
	s->mono_off = fc_clock_offset(&g->clock, FC_CLOCK_MONOTONIC);
	s->real_off = fc_clock_offset(&g->clock, FC_CLOCK_REALTIME);
	s->frozen = g->frozen;
	s->frozen_mono = g->frozen_mono;
}

struct fc_time fc_group_offset(struct fc_group *g, bool real,
			       ktime_t mono_now)
{
	struct fc_clock_snapshot snap;

	fc_group_snapshot(g, &snap);
	return fc_snapshot_offset(&snap, real, mono_now);
}

/*
 * Under fc_lock: forgets the sleepers whose owner has left g's cgroup
 * since it armed: from then on it waits in real time, as a non-member.
 */
static void fc_group_prune(struct fc_group *g)
{
	struct fc_sleeper *s, *next;

	rcu_read_lock();
	for (s = fc_sleepq_first(&g->sleepq); s; s = next) {
		struct fc_reg *r = fc_reg_of(s);

		next = fc_sleepq_next(s);
		if (fc_group_of(r->task) == g)
			continue;
		/* Parked or late: give it its host expiry for the clock now. */
		if (!r->due && r->gen != g->gen)
			fc_reg_aim(r, ktime_get(), false);
		fc_reg_forget(r);
	}
	rcu_read_unlock();
}

/* Under fc_lock: aims every sleeper; returns the pid of the first due one. */
static pid_t fc_group_aim_all(struct fc_group *g, ktime_t mono_now)
{
	struct fc_sleeper *s, *next;
	pid_t woken = 0;

	g->stale = false;
	for (s = fc_sleepq_first(&g->sleepq); s; s = next) {
		struct fc_reg *r = fc_reg_of(s);

		next = fc_sleepq_next(s);
		if (fc_reg_aim(r, mono_now, g->frozen) && !woken)
			woken = task_pid_nr(r->task);
	}
	return woken;
}

/*
 * Under fc_lock, after the clock moved on: aims the due sleepers (a prefix
 * of the queue; the ones aimed already are skipped), then points
 * g->due_timer at the first one not due. Return: the first woken's pid.
 */
static pid_t fc_group_aim_due(struct fc_group *g, ktime_t mono_now)
{
	struct fc_time off = fc_group_offset(g, false, mono_now);
	struct fc_time vnow = fc_time_add_ns(off, mono_now);
	struct fc_sleeper *s, *next;
	pid_t woken = 0;
	s64 host;

	for (s = fc_sleepq_first(&g->sleepq); s; s = next) {
		struct fc_reg *r = fc_reg_of(s);

		next = fc_sleepq_next(s);
		if (!fc_reg_is_due(r, vnow)) {
			fc_time_to_ns(fc_time_sub(s->deadline, off), &host);
			hrtimer_start(&g->due_timer, host, HRTIMER_MODE_ABS);
			break;
		}
		if (!r->due && fc_reg_aim(r, mono_now, false) && !woken)
			woken = task_pid_nr(r->task);
	}
	return woken;
}

bool fc_group_instant_sleep(struct fc_group *g, ktime_t host_mono,
			    struct fc_event *ev)
{
	struct fc_sleeper *first;
	struct fc_time deadline;
	int wakeups, epoch;
	unsigned long flags;
	ktime_t mono_now;
	bool ok = false, unsure = false;
	u32 i;

	/* Every listed member but the caller blocked: so is everyone else. */
	raw_spin_lock_irqsave(&g->qlock, flags);
	if (!g->q_base || g->q_epoch != atomic_read(&fc_migrations))
		goto out_q;
	for (i = 0; i < g->q_nwoken; i++) {
		struct task_struct *t = g->q_woken[i];

		if (t != current && (READ_ONCE(t->exit_state) ||
				     (READ_ONCE(t->flags) & PF_EXITING) ||
				     !fc_task_quiet(t, &unsure)))
			goto out_q;
	}
	wakeups = atomic_read(&g->wakeups);
	epoch = g->q_epoch;
	ok = true;
out_q:
	raw_spin_unlock_irqrestore(&g->qlock, flags);
	if (!ok)
		return false;

	ok = false;
	raw_spin_lock_irqsave(&fc_lock, flags);
	if (g->dead || !g->auto_jump || g->frozen ||
	    atomic_read(&g->wakeups) != wakeups ||
	    atomic_read(&fc_migrations) != epoch)
		goto out;
	mono_now = ktime_get();
	deadline = fc_time_add_ns(fc_group_offset(g, false, mono_now),
				  host_mono);
	first = fc_sleepq_first(&g->sleepq);
	if (first && fc_time_cmp(first->deadline, deadline) < 0)
		goto out;	/* another sleeper is due first */
	fc_clock_write_begin(g);
	ev->jump_ns = fc_clock_jump_to(&g->clock, fc_time_from_ns(mono_now),
				       deadline);
	g->gen++;
	fc_clock_write_end(g);
	fc_group_aim_due(g, mono_now);	/* sleepers due at the same instant */
	g->idle_reported = false;
	ev->type = FLUXCAP_CMD_EVENT_JUMP;
	ev->pid = task_pid_nr(current);
	ok = true;
out:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	return ok;
}

static enum hrtimer_restart fc_group_due_fire(struct hrtimer *timer)
{
	struct fc_group *g = container_of(timer, struct fc_group, due_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&fc_lock, flags);
	if (!g->dead && !g->frozen)
		fc_group_aim_due(g, ktime_get());
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	return HRTIMER_NORESTART;
}

/* Under fc_lock. */
static void fc_group_thaw(struct fc_group *g, ktime_t mono_now)
{
	fc_clock_write_begin(g);
	fc_clock_hold(&g->clock, mono_now - g->frozen_mono);
	g->frozen = false;
	g->gen++;
	fc_clock_write_end(g);
	fc_group_aim_all(g, mono_now);
}

static void fc_group_check(struct work_struct *work)
{
	struct fc_group *g = container_of(work, struct fc_group, check_work);
	struct fc_event ev = { .type = 0 };
	struct fc_sleeper *first;
	unsigned long flags;
	int wakeups, epoch;
	bool quiet, walked, unsure = false;
	ktime_t mono_now;
	u32 members;

	quiet = true;
	switch (fc_group_quick_quiet(g, &members, &wakeups, &epoch, &unsure)) {
	case 0:
		quiet = false;
		fallthrough;
	case 1:
		walked = false;
		break;
	default:
		quiet = fc_group_walk(g, &members, &wakeups, &epoch, &unsure);
		walked = true;
	}

	raw_spin_lock_irqsave(&fc_lock, flags);
	if (g->dead)
		goto out;
	if (unsure)	/* a member maybe half woken: look again */
		queue_work(fc_wq, &g->check_work);
	/* Someone seen blocked may have been woken since: not idle after all. */
	if (atomic_read(&g->wakeups) != wakeups ||
	    atomic_read(&fc_migrations) != epoch)
		quiet = false;
	mono_now = ktime_get();
	if (walked)	/* migrations make walks: only then can owners have left */
		fc_group_prune(g);
	if (g->stale)
		fc_group_aim_all(g, mono_now);
	if (!g->auto_jump || g->frozen || !quiet || !members)
		goto out;
	first = fc_sleepq_first(&g->sleepq);
	if (!first) {
		if (!g->idle_reported) {
			g->idle_reported = true;
			g->idle_forever++;
			ev.type = FLUXCAP_CMD_EVENT_IDLE_FOREVER;
			ev.members = members;
		}
		goto out;
	}
	fc_clock_write_begin(g);
	ev.jump_ns = fc_clock_jump_to(&g->clock, fc_time_from_ns(mono_now),
				      first->deadline);
	g->gen++;
	fc_clock_write_end(g);
	ev.pid = fc_group_aim_due(g, mono_now);
	ev.type = FLUXCAP_CMD_EVENT_JUMP;
out:
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (ev.type)
		fc_event_send(g, &ev);
}

static void fc_group_check_irq(struct irq_work *work)
{
	struct fc_group *g = container_of(work, struct fc_group, check_irq);

	queue_work(fc_wq, &g->check_work);
}

void fc_group_kick(struct fc_group *g)
{
	irq_work_queue(&g->check_irq);
}

static bool fc_cgroup_overlaps(struct cgroup *cg)
{
	struct fc_group *g;

	list_for_each_entry(g, &fc_groups, node)
		if (cgroup_is_descendant(cg, g->cgrp) ||
		    cgroup_is_descendant(g->cgrp, cg))
			return true;
	return false;
}

struct fc_group *fc_group_create(const struct fc_group_params *p,
				 struct netlink_ext_ack *extack)
{
	struct fc_group *g;
	int ret;

	lockdep_assert_held(&fc_groups_mutex);
	if (fc_group_find(p->name, 0)) {
		NL_SET_ERR_MSG(extack, "a group with this name exists");
		return ERR_PTR(-EEXIST);
	}
	if (fc_cgroup_overlaps(p->cgrp)) {
		NL_SET_ERR_MSG(extack,
			       "the cgroup is inside, or holds, another group's cgroup");
		return ERR_PTR(-EBUSY);
	}

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	if (!fc_next_id) {	/* 2^32 - 1 groups made: ids ran out */
		NL_SET_ERR_MSG(extack, "group ids exhausted: reload the module");
		ret = -ENOSPC;
		goto err_free;
	}
	g->id = fc_next_id++;
	strscpy(g->name, p->name, sizeof(g->name));
	refcount_set(&g->ref, 1);
	g->cgrp = p->cgrp;
	g->cgrp_id = cgroup_id(p->cgrp);
	g->owns_cgroup = p->owns_cgroup;
	g->transient = p->transient;
	g->owner_portid = p->owner_portid;
	g->owner_net = p->owner_net;
	g->auto_jump = p->auto_jump;
	fc_clock_init(&g->clock);
	seqcount_init(&g->clock_seq);
	fc_sleepq_init(&g->sleepq);
	raw_spin_lock_init(&g->qlock);
	hrtimer_init(&g->due_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	g->due_timer.function = fc_group_due_fire;
	init_irq_work(&g->check_irq, fc_group_check_irq);
	INIT_WORK(&g->check_work, fc_group_check);
	ret = fc_clockdev_page_alloc(g);
	if (ret)
		goto err_free;
	if (p->has_start) {
		ret = fc_group_set_start(g, p->start_ns);
		if (ret) {
			NL_SET_ERR_MSG(extack, "start date out of range");
			goto err_page;
		}
	}

	ret = fc_hooks_get();
	if (ret) {
		NL_SET_ERR_MSG(extack, "could not install the timer hooks (see dmesg)");
		goto err_page;
	}
	list_add_tail_rcu(&g->node, &fc_groups);
	return g;

err_page:
	fc_clockdev_page_free(g);
err_free:
	kfree(g);
	return ERR_PTR(ret);
}

static void fc_group_free_rcu(struct rcu_head *head)
{
	struct fc_group *g = container_of(head, struct fc_group, rcu);

	cgroup_put(g->cgrp);
	fc_clockdev_page_free(g);
	kfree(g);
}

void fc_group_put(struct fc_group *g)
{
	if (refcount_dec_and_test(&g->ref))
		call_rcu(&g->rcu, fc_group_free_rcu);
}

void fc_group_destroy(struct fc_group *g)
{
	struct task_struct *refs[FC_WOKEN_MAX];
	unsigned long flags;
	u32 n;

	lockdep_assert_held(&fc_groups_mutex);
	raw_spin_lock_irqsave(&fc_lock, flags);
	/* Parked or late host expiries get the right ones: real time from now. */
	if (g->frozen)
		fc_group_thaw(g, ktime_get());
	else
		fc_group_aim_all(g, ktime_get());
	g->dead = true;
	fc_reg_drop_group(g);
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	hrtimer_cancel(&g->due_timer);

	list_del_rcu(&g->node);
	/* No probe can find g after this; then let pending checks finish. */
	synchronize_rcu();
	irq_work_sync(&g->check_irq);
	cancel_work_sync(&g->check_work);
	raw_spin_lock_irqsave(&g->qlock, flags);
	n = fc_group_q_take(g, refs);
	raw_spin_unlock_irqrestore(&g->qlock, flags);
	fc_put_tasks(refs, n);
	fc_hooks_put();
	fc_group_put(g);
}

void fc_group_stats(struct fc_group *g, struct fc_group_stats *st,
		    bool count_members)
{
	struct fc_time off, real_off;
	ktime_t mono, boot, real;
	unsigned long flags;
	bool quiet, unsure;
	u32 nbusy;
	s64 ns;

	st->members = count_members ?
		fc_group_members(g, &quiet, &unsure, NULL, &nbusy, 0) : 0;

	raw_spin_lock_irqsave(&fc_lock, flags);
	fc_group_prune(g);
	/* Frozen: the host's clocks at the instant the group froze. */
	mono = g->frozen ? g->frozen_mono : ktime_get();
	boot = ktime_mono_to_any(mono, TK_OFFS_BOOT);
	real = ktime_mono_to_any(mono, TK_OFFS_REAL);
	off = fc_clock_offset(&g->clock, FC_CLOCK_MONOTONIC);
	real_off = fc_clock_offset(&g->clock, FC_CLOCK_REALTIME);
	fc_time_to_ns(fc_time_add(off, fc_time_from_ns(mono)), &st->mono_ns);
	fc_time_to_ns(fc_time_add(off, fc_time_from_ns(boot)), &st->boot_ns);
	fc_time_to_ns(fc_time_add(real_off, fc_time_from_ns(real)),
		      &st->real_ns);
	/* What virtual minus host reads now: a frozen clock falls behind. */
	fc_time_to_ns(fc_group_offset(g, false, ktime_get()), &st->offset_ns);
	fc_time_to_ns(g->clock.real_shift, &st->real_shift_ns);
	fc_time_to_ns(g->clock.jumped, &ns);
	st->jumped_ns = ns;
	st->jumps = g->clock.jumps;
	st->idle_forever = g->idle_forever;
	st->sleepers = g->sleepq.count;
	st->flags = (g->auto_jump ? FLUXCAP_GROUP_F_AUTO : 0) |
		    (g->frozen ? FLUXCAP_GROUP_F_FROZEN : 0) |
		    (g->owns_cgroup ? FLUXCAP_GROUP_F_OWNS_CGROUP : 0) |
		    (g->transient ? FLUXCAP_GROUP_F_TRANSIENT : 0);
	raw_spin_unlock_irqrestore(&fc_lock, flags);
}

void fc_group_set_frozen(struct fc_group *g, bool on)
{
	unsigned long flags;
	ktime_t mono_now;

	raw_spin_lock_irqsave(&fc_lock, flags);
	mono_now = ktime_get();
	if (on && !g->frozen) {
		fc_clock_write_begin(g);
		g->frozen = true;
		g->frozen_mono = mono_now;
		fc_clock_write_end(g);
		fc_group_aim_all(g, mono_now);	/* parks every sleeper */
	} else if (!on && g->frozen) {
		fc_group_thaw(g, mono_now);
	}
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (!on)
		fc_group_kick(g);
}

void fc_group_set_auto(struct fc_group *g, bool on)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&fc_lock, flags);
	g->auto_jump = on;
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	if (on)
		fc_group_kick(g);
}

void fc_group_advance(struct fc_group *g, s64 delta_ns)
{
	struct fc_event ev = { .type = FLUXCAP_CMD_EVENT_JUMP };
	unsigned long flags;

	raw_spin_lock_irqsave(&fc_lock, flags);
	fc_group_prune(g);
	fc_clock_write_begin(g);
	fc_clock_advance(&g->clock, delta_ns);
	g->gen++;
	fc_clock_write_end(g);
	ev.jump_ns = delta_ns;
	/* Frozen: sleepers stay parked unless due. */
	ev.pid = g->frozen ? fc_group_aim_all(g, ktime_get()) :
			     fc_group_aim_due(g, ktime_get());
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	fc_event_send(g, &ev);
}

int fc_group_set_start(struct fc_group *g, s64 start_ns)
{
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&fc_lock, flags);
	fc_clock_write_begin(g);
	ret = fc_clock_set_start(&g->clock, fc_time_from_ns(ktime_get_real()),
				 fc_time_from_ns(start_ns));
	fc_clock_write_end(g);
	raw_spin_unlock_irqrestore(&fc_lock, flags);
	return ret;
}

void fc_group_read_clock(struct fc_group *g, struct fc_clock_snapshot *snap)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&g->clock_seq);
		fc_group_snapshot(g, snap);
	} while (read_seqcount_retry(&g->clock_seq, seq));
}

int fc_groups_init(void)
{
	fc_wq = alloc_workqueue("fluxcap", WQ_UNBOUND | WQ_HIGHPRI, 0);
	return fc_wq ? 0 : -ENOMEM;
}

/* Module exit: every group goes, sleepers keep their host timers. */
void fc_groups_exit(void)
{
	struct fc_group *g, *tmp;

	mutex_lock(&fc_groups_mutex);
	list_for_each_entry_safe(g, tmp, &fc_groups, node)
		fc_group_destroy(g);
	mutex_unlock(&fc_groups_mutex);
	rcu_barrier();
	destroy_workqueue(fc_wq);
}
