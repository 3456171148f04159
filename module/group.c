// SPDX-License-Identifier: GPL-2.0
/*
 * Groups: lifecycle and lookup, and the decision to jump. A group is a
 * cgroup subtree with a virtual clock (vclock.c), the sleepers armed on it
 * (sleeper.c) and a quiescence record (quiesce.c). When a member blocks,
 * a check looks whether every member is blocked; then the clock jumps to
 * the earliest deadline and the due sleepers are aimed again: they fire
 * at once, as real timeouts. The others keep their host timers, now late,
 * and are aimed when their virtual deadline comes, so a jump costs the
 * same with one sleeper or a thousand.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <uapi/linux/fluxcap.h>

#include "events.h"
#include "external.h"
#include "group.h"
#include "member.h"
#include "quiesce.h"
#include "quiesce_priv.h"
#include "sleeper.h"
#include "sleeper_priv.h"
#include "timerfd.h"
#include "vclock.h"
#include "vclock_priv.h"

struct fc_group {
	struct list_head node;		/* in fc_groups, RCU */
	struct rcu_head rcu;
	refcount_t ref;
	u32 id;
	char name[FLUXCAP_GROUP_NAME_MAX];
	struct cgroup *cgrp;		/* a reference, held until freed */
	bool owns_cgroup;		/* fluxctl made it, fluxctl removes it */
	/* Transient: deleted when this netlink socket (portid in net) closes. */
	bool transient;
	u32 owner_portid;
	const struct net *owner_net;	/* compared only, never dereferenced */
	/*
	 * The creator's network namespace, whose listeners get the group's
	 * events: not a reference (a group must not keep a dead namespace
	 * alive); fc_groups_forget_net() clears it before the namespace goes.
	 */
	struct net __rcu *event_net;

	/* Below: under the sleepers' lock, which also guards clock. */
	bool dead;			/* deleted: checks leave it alone */
	bool auto_jump;
	bool idle_reported;		/* idle-forever seen ... */
	u64 idle_arms;			/* ... with this many arms so far */
	u64 idle_forever;
	u64 held;			/* quiet, but a timer it cannot move */
	u32 external;			/* FLUXCAP_EXTERNAL_* */
	/*
	 * Under the hold policy, the look (gen) after which no member waited
	 * on a peer outside the group: instant sleeps and waits may jump
	 * while no other member has been woken since (others_unwoken).
	 */
	bool ext_clear;
	u32 ext_clear_gen;
	char held_by[FLUXCAP_HELD_BY_MAX];	/* what held it last ... */
	char last_check[FLUXCAP_HELD_BY_MAX];	/* ... the last check's verdict */
	raw_spinlock_t held_by_lock;		/* ... for readers without */
	/*
	 * Why jumps came late, for a user who asks (fluxctl show, run -v):
	 * each counts on its own path, some with no lock held.
	 */
	atomic64_t checks, checks_busy, checks_again;
	atomic64_t instant, instant_busy, instant_other;
	struct fc_vclock clock;
	struct fc_sleepers sleepers;

	struct fc_quiesce quiesce;	/* its own lock */

	/* Quiescence checks: irq_work from sched probes, then process context. */
	struct irq_work check_irq;
	struct work_struct check_work;
	/* While a peer outside holds it: look again now and then. */
	struct delayed_work recheck;
	/* The end of a delete, after a grace period (the reply does not wait). */
	struct rcu_work destroy_rwork;
};

/* How often a group held by a peer outside looks again. */
#define FC_EXTERNAL_RECHECK	HZ

/* Serialises changes to fc_groups (netlink, module exit). */
static DEFINE_MUTEX(fc_groups_mutex);
static LIST_HEAD(fc_groups);
/* Group ids are never reused while the module is loaded; under the mutex. */
static u32 fc_next_id = 1;
static struct workqueue_struct *fc_wq;
static void (*fc_event_sink)(struct fc_group *g, const struct fc_event *ev);

void fc_groups_lock(void)
{
	mutex_lock(&fc_groups_mutex);
}

void fc_groups_unlock(void)
{
	mutex_unlock(&fc_groups_mutex);
}

struct fc_group *fc_group_of(struct task_struct *t)
{
	struct fc_group *g;
	struct cgroup *cg;

	if (list_empty(&fc_groups))
		return NULL;
	cg = task_dfl_cgroup(t);
	list_for_each_entry_rcu(g, &fc_groups, node)
		if (fc_cgroup_in(cg, g->cgrp))
			return g;
	return NULL;
}

/*
 * A transient group's creator went without deleting it (fluxctl run was
 * SIGKILLed): its commands die too, as a tracer's tracees do in ptrace
 * mode, rather than live on outside virtual time. Only in a cgroup the
 * creator made for the group (never a bound one, such as the root), and
 * never init. Membership is per thread: a live thread in the subtree
 * takes its process down. New tasks go to the tail of the task list, so a
 * walk sees most children forked while it runs; the second walk is for a
 * fork whose child was listed before it got its cgroup. Best effort for
 * a fork under way even so (cgroup.kill closes that at fork time).
 */
void fc_group_kill_members(struct fc_group *g)
{
	struct task_struct *p, *t;
	int pass;

	if (!g->owns_cgroup)
		return;
	for (pass = 0; pass < 2; pass++) {
		rcu_read_lock();
		for_each_process_thread(p, t) {
			if ((t->flags & (PF_KTHREAD | PF_EXITING)) ||
			    is_global_init(p) || !fc_task_in(t, g->cgrp))
				continue;
			send_sig(SIGKILL, p, 1);
		}
		rcu_read_unlock();
	}
}

struct fc_group *fc_group_lookup_rcu(u32 id)
{
	struct fc_group *g;

	list_for_each_entry_rcu(g, &fc_groups, node)
		if (g->id == id)
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

struct fc_group *fc_group_next(struct fc_group *prev)
{
	lockdep_assert_held(&fc_groups_mutex);
	if (!prev)
		return list_first_entry_or_null(&fc_groups, struct fc_group,
						node);
	if (list_is_last(&prev->node, &fc_groups))
		return NULL;
	return list_next_entry(prev, node);
}

u32 fc_group_id(const struct fc_group *g)
{
	return g->id;
}

const char *fc_group_name(const struct fc_group *g)
{
	return g->name;
}

struct cgroup *fc_group_cgroup(const struct fc_group *g)
{
	return g->cgrp;
}

bool fc_group_owned_by(const struct fc_group *g, u32 portid,
		       const struct net *net)
{
	return g->transient && g->owner_portid == portid &&
	       g->owner_net == net;
}

bool fc_groups_owned_any(u32 portid, const struct net *net)
{
	struct fc_group *g;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(g, &fc_groups, node)
		if (fc_group_owned_by(g, portid, net)) {
			found = true;
			break;
		}
	rcu_read_unlock();
	return found;
}

struct net *fc_group_event_net(struct fc_group *g)
{
	struct net *net;

	rcu_read_lock();
	net = rcu_dereference(g->event_net);
	/* Dying: its listeners are going too. */
	if (net && !maybe_get_net(net))
		net = NULL;
	rcu_read_unlock();
	return net;
}

void fc_groups_forget_net(struct net *net)
{
	struct fc_group *g;
	bool found = false;

	mutex_lock(&fc_groups_mutex);
	list_for_each_entry(g, &fc_groups, node)
		if (rcu_access_pointer(g->event_net) == net) {
			RCU_INIT_POINTER(g->event_net, NULL);
			found = true;
		}
	mutex_unlock(&fc_groups_mutex);
	/* A sender that read the pointer is done with it after this. */
	if (found)
		synchronize_rcu();
}

void fc_group_read_clock(struct fc_group *g, struct fc_clock_snapshot *snap)
{
	fc_vclock_read(&g->clock, snap);
}

struct page *fc_group_page(struct fc_group *g)
{
	return fc_vclock_page(&g->clock);
}

struct fc_vvar *fc_group_vvar(struct fc_group *g)
{
	return fc_vclock_vvar(&g->clock);
}

struct fc_sleepers *fc_group_sleepers(struct fc_group *g)
{
	return &g->sleepers;
}

void fc_groups_set_event_sink(void (*sink)(struct fc_group *g,
					   const struct fc_event *ev))
{
	WRITE_ONCE(fc_event_sink, sink);
}

void fc_group_send_event(struct fc_group *g, const struct fc_event *ev)
{
	void (*sink)(struct fc_group *g, const struct fc_event *ev);

	sink = READ_ONCE(fc_event_sink);
	if (sink)
		sink(g, ev);
}

void fc_group_note_wakeup(struct fc_group *g, struct task_struct *p,
			  bool is_new)
{
	fc_quiesce_note_wakeup(&g->quiesce, p, is_new);
}

void fc_groups_note_migration(void)
{
	struct fc_group *g;

	fc_quiesce_note_migration();
	/* A member gone or come may be what held time back, or may hold it. */
	rcu_read_lock();
	list_for_each_entry_rcu(g, &fc_groups, node)
		fc_group_kick(g);
	rcu_read_unlock();
}

/*
 * A waiter found blocked by its stamp may have been woken just before it:
 * its state shows it, or its pi_lock is held from sched_waking until then.
 */
static bool fc_caller_still_waits(void)
{
	return (READ_ONCE(current->__state) & TASK_INTERRUPTIBLE) &&
	       !raw_spin_is_locked(&current->pi_lock);
}

enum fc_instant fc_group_instant(struct fc_group *g, const ktime_t *host_mono,
				 bool wait, bool others, struct fc_event *ev)
{
	struct fc_time deadline, first;
	enum fc_instant ret = FC_INSTANT_NONE;
	bool own = host_mono && !fc_sleepers_far(*host_mono);
	bool has_first;
	struct fc_sleepers *s = &g->sleepers;
	struct fc_quiet v;
	unsigned long flags;
	ktime_t mono_now;
	pid_t pid;

	/* Every listed member but the caller blocked: so is everyone else. */
	if (!fc_quiesce_others_blocked(&g->quiesce, &v)) {
		atomic64_inc(&g->instant_busy);
		return FC_INSTANT_NONE;
	}

	flags = fc_sleepers_lock(s);
	if (g->dead || !g->auto_jump || fc_vclock_frozen(&g->clock) ||
	    fc_sleepers_holds(s) || !fc_quiesce_still(&g->quiesce, &v))
		goto out;
	/*
	 * Sockets cannot be looked at here (interrupts off): only a wait on
	 * no fd (a sleep, sigtimedwait, semtimedop), and only when the last
	 * check looked and no other member has run since. A poll, select or
	 * epoll wait may be on such a socket itself: it blocks, and its
	 * check looks.
	 */
	if (g->external == FLUXCAP_EXTERNAL_HOLD &&
	    ((wait && fc_external_may_wait(current)) || !g->ext_clear ||
	     g->ext_clear_gen != v.gen || !v.others_unwoken))
		goto out;
	/* Woken or signalled since it decided to wait: it will not block. */
	if (signal_pending(current) || (wait && !fc_caller_still_waits()))
		goto out;
	mono_now = ktime_get();
	has_first = fc_sleepers_first(s, &first);
	/* A restarted wait (tombs) keeps the deadline it had. */
	if (own && !fc_sleepers_tomb(s, *host_mono, &deadline))
		deadline = fc_time_add_ns(fc_vclock_offset(&g->clock, false,
							   mono_now),
					  *host_mono);
	if (own && (!has_first || fc_time_cmp(deadline, first) <= 0)) {
		ret = FC_INSTANT_OWN;
	} else if (others && has_first) {
		/* Another deadline first: it fires now, and may wake the caller. */
		deadline = first;
		ret = FC_INSTANT_OTHER;
		fc_sleepers_instant_begin(s);
	} else {
		goto out;	/* another deadline first, or none at all */
	}
	ev->jump_ns = fc_vclock_jump_to(&g->clock, mono_now, deadline);
	/* What is due at that instant: the caller's own deadline aside. */
	pid = fc_sleepers_aim_due(s, mono_now);
	g->idle_reported = false;
	ev->type = FLUXCAP_CMD_EVENT_JUMP;
	ev->pid = ret == FC_INSTANT_OWN || !pid ? task_pid_nr(current) : pid;
out:
	fc_sleepers_unlock(s, flags);
	atomic64_inc(ret == FC_INSTANT_NONE ? &g->instant_other : &g->instant);
	return ret;
}

void fc_group_instant_end(struct fc_group *g)
{
	unsigned long flags;

	flags = fc_sleepers_lock(&g->sleepers);
	fc_sleepers_instant_end(&g->sleepers);
	fc_sleepers_unlock(&g->sleepers, flags);
}

/* Under the lock. */
static void fc_group_thaw(struct fc_group *g, ktime_t mono_now)
{
	fc_vclock_thaw(&g->clock, mono_now);
	fc_sleepers_aim_all(&g->sleepers, mono_now);
}

/* Under the lock: a quiet group with no sleeper; reported once a stretch. */
static void fc_group_idle_forever(struct fc_group *g, u32 members,
				  struct fc_event *ev)
{
	u64 arms = fc_sleepers_arms(&g->sleepers);

	if (g->idle_reported && g->idle_arms == arms)
		return;
	g->idle_reported = true;
	g->idle_arms = arms;
	g->idle_forever++;
	ev->type = FLUXCAP_CMD_EVENT_IDLE_FOREVER;
	ev->members = members;
}

#define FC_HELD_UNMOVABLE \
	"a timer or wait it cannot move (alarm clock, io_uring, schedule_timeout)"

/* Under the lock: what held g last ("" for nothing). */
static void fc_group_say_held(struct fc_group *g, const char *why)
{
	raw_spin_lock(&g->held_by_lock);
	strscpy(g->held_by, why, sizeof(g->held_by));
	raw_spin_unlock(&g->held_by_lock);
}

/* Under the lock: the last check's verdict, in words. */
static __printf(2, 3) void fc_group_say_verdict(struct fc_group *g, const char *fmt, ...)
{
	va_list ap;

	raw_spin_lock(&g->held_by_lock);
	va_start(ap, fmt);
	vscnprintf(g->last_check, sizeof(g->last_check), fmt, ap);
	va_end(ap);
	raw_spin_unlock(&g->held_by_lock);
}

/* Under the lock: why a check that found a member not blocked held. */
static void fc_group_say_busy(struct fc_group *g, const struct fc_quiet *v)
{
	/* (busy_pid is the first member not blocked, maybe not this one) */
	if (v->unsure)
		fc_group_say_verdict(g, "a member may have been waking up: looking again");
	else if (v->busy_pid)
		fc_group_say_verdict(g, "pid %d (%s) was running", v->busy_pid,
				     v->busy_comm);
	else
		fc_group_say_verdict(g, "a member was woken during the check");
}

static void fc_group_check(struct work_struct *work)
{
	struct fc_group *g = container_of(work, struct fc_group, check_work);
	struct fc_sleepers *s = &g->sleepers;
	struct fc_event ev = { .type = 0 };
	char held_by[FLUXCAP_HELD_BY_MAX];
	bool hold, looked = false, ext = false;
	struct fc_time deadline;
	struct fc_quiet v;
	unsigned long flags;
	ktime_t mono_now;

	fc_quiesce_look(&g->quiesce, &v);
	/* Sockets are looked at before the lock: their locks may not nest in it. */
	hold = READ_ONCE(g->external) == FLUXCAP_EXTERNAL_HOLD;
	if (hold && v.quiet && v.members && READ_ONCE(g->auto_jump)) {
		ext = fc_external_held(g->cgrp, held_by, sizeof(held_by));
		looked = true;
	}

	flags = fc_sleepers_lock(s);
	if (g->dead)
		goto out;
	atomic64_inc(&g->checks);
	/*
	 * A member maybe half woken: look again a tick later. Woken, it runs
	 * and its next block asks anyway; the lock may have been held for
	 * something else, though. Not at once: a waker's vCPU preempted on an
	 * overcommitted host holds the lock for milliseconds, and looking
	 * again at once made storms of checks (20,000 in a 0.9 s run, 7.3).
	 */
	if (v.unsure) {
		atomic64_inc(&g->checks_again);
		mod_delayed_work(fc_wq, &g->recheck, 1);
	}
	/* Someone seen blocked may have been woken since: not idle after all. */
	if (!fc_quiesce_still(&g->quiesce, &v))
		v.quiet = false;
	mono_now = ktime_get();
	if (v.walked)	/* migrations make walks: only then can owners have left */
		fc_sleepers_prune(s);
	if (fc_sleepers_stale(s))
		fc_sleepers_aim_all(s, mono_now);
	if (!g->auto_jump) {
		fc_group_say_verdict(g, "automatic jumps are off");
		goto out;
	}
	if (fc_vclock_frozen(&g->clock)) {
		fc_group_say_verdict(g, "frozen");
		goto out;
	}
	if (!v.members) {
		fc_group_say_verdict(g, "no member");
		goto out;
	}
	if (!v.quiet) {
		atomic64_inc(&g->checks_busy);
		fc_group_say_busy(g, &v);
		goto out;
	}
	/* A member waits on a timer the module cannot move: hold. */
	if (fc_sleepers_holds(s)) {
		g->held++;
		fc_group_say_held(g, FC_HELD_UNMOVABLE);
		fc_group_say_verdict(g, "held: %s", FC_HELD_UNMOVABLE);
		goto out;
	}
	if (g->external == FLUXCAP_EXTERNAL_HOLD) {
		if (!looked) {	/* the policy changed meanwhile */
			queue_work(fc_wq, &g->check_work);
			goto out;
		}
		g->ext_clear = !ext;
		g->ext_clear_gen = v.gen;
		if (ext) {	/* a member waits on a peer outside */
			g->held++;
			fc_group_say_held(g, held_by);
			fc_group_say_verdict(g, "held: %s", held_by);
			queue_delayed_work(fc_wq, &g->recheck,
					   FC_EXTERNAL_RECHECK);
			goto out;
		}
	}
	fc_group_say_held(g, "");
	if (!fc_sleepers_first(s, &deadline)) {
		fc_group_idle_forever(g, v.members, &ev);
		fc_group_say_verdict(g, "every member waits with no timeout");
		goto out;
	}
	ev.jump_ns = fc_vclock_jump_to(&g->clock, mono_now, deadline);
	fc_group_say_verdict(g, "jumped %llu ns", ev.jump_ns);
	ev.pid = fc_sleepers_aim_due(s, mono_now);
	/* A deadline already passed (nanosleep(0)) fires with no jump to tell. */
	if (ev.jump_ns)
		ev.type = FLUXCAP_CMD_EVENT_JUMP;
out:
	fc_sleepers_unlock(s, flags);
	if (ev.type)
		fc_group_send_event(g, &ev);
}

static void fc_group_check_irq(struct irq_work *work)
{
	struct fc_group *g = container_of(work, struct fc_group, check_irq);

	queue_work(fc_wq, &g->check_work);
}

static void fc_group_recheck(struct work_struct *work)
{
	struct fc_group *g = container_of(to_delayed_work(work),
					  struct fc_group, recheck);

	queue_work(fc_wq, &g->check_work);
}

void fc_group_kick(struct fc_group *g)
{
	irq_work_queue(&g->check_irq);
}

static void fc_group_kick_set(struct fc_sleepers *s)
{
	fc_group_kick(container_of(s, struct fc_group, sleepers));
}

/*
 * After a grace period no probe can find g, so no check can be kicked:
 * the pending ones finish, then g goes with its last reference.
 */
static void fc_group_destroy_late(struct work_struct *work)
{
	struct fc_group *g = container_of(to_rcu_work(work), struct fc_group,
					  destroy_rwork);

	cancel_delayed_work_sync(&g->recheck);	/* a check may have armed it */
	irq_work_sync(&g->check_irq);
	cancel_work_sync(&g->check_work);
	fc_quiesce_release(&g->quiesce);
	fc_group_put(g);
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

/* The clock's writers run under the sleepers' lock (a seqcount). */
static int fc_group_new_start(struct fc_group *g, s64 start_ns)
{
	struct fc_time moved;
	unsigned long flags;
	int ret;

	flags = fc_sleepers_lock(&g->sleepers);
	ret = fc_vclock_set_start(&g->clock, start_ns, &moved);
	fc_sleepers_unlock(&g->sleepers, flags);
	return ret;
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
	g->owns_cgroup = p->owns_cgroup;
	g->transient = p->transient;
	g->owner_portid = p->owner_portid;
	g->owner_net = p->owner_net;
	RCU_INIT_POINTER(g->event_net, p->net);
	g->auto_jump = p->auto_jump;
	g->external = p->external;
	fc_quiesce_init(&g->quiesce, p->cgrp);
	raw_spin_lock_init(&g->held_by_lock);
	fc_sleepers_init(&g->sleepers, &g->clock, p->cgrp, fc_group_kick_set);
	init_irq_work(&g->check_irq, fc_group_check_irq);
	INIT_WORK(&g->check_work, fc_group_check);
	INIT_DELAYED_WORK(&g->recheck, fc_group_recheck);
	INIT_RCU_WORK(&g->destroy_rwork, fc_group_destroy_late);
	ret = fc_vclock_init(&g->clock);
	if (ret)
		goto err_clock;
	/* Not listed yet: no timers to move or tell. */
	if (p->has_start && fc_group_new_start(g, p->start_ns)) {
		NL_SET_ERR_MSG(extack, "start date out of range");
		ret = -EINVAL;
		goto err_clock;
	}
	g->cgrp = p->cgrp;
	return g;

err_clock:
	fc_vclock_free(&g->clock);
err_free:
	kfree(g);
	return ERR_PTR(ret);
}

void fc_group_add(struct fc_group *g)
{
	lockdep_assert_held(&fc_groups_mutex);
	list_add_tail_rcu(&g->node, &fc_groups);
}

void fc_group_free(struct fc_group *g)
{
	cgroup_put(g->cgrp);
	fc_vclock_free(&g->clock);
	kfree(g);
}

static void fc_group_free_rcu(struct rcu_head *head)
{
	fc_group_free(container_of(head, struct fc_group, rcu));
}

void fc_group_get(struct fc_group *g)
{
	refcount_inc(&g->ref);
}

void fc_group_put(struct fc_group *g)
{
	if (refcount_dec_and_test(&g->ref))
		call_rcu(&g->rcu, fc_group_free_rcu);
}

/* How many times a delete waits (0.5 to 1 ms each) for owners to block. */
#define FC_DESTROY_TRIES	200

void fc_group_destroy(struct fc_group *g)
{
	unsigned long flags;
	int tries;

	lockdep_assert_held(&fc_groups_mutex);
	/*
	 * Parked or late host expiries get the right ones: real time from
	 * now. A sleeper whose owner is on a CPU cannot be aimed (it may be
	 * in its own arm) and nothing would aim it after the group: wait for
	 * it to block, which comes within microseconds of its arm.
	 */
	for (tries = 0;; tries++) {
		flags = fc_sleepers_lock(&g->sleepers);
		if (fc_vclock_frozen(&g->clock))
			fc_group_thaw(g, ktime_get());
		else
			fc_sleepers_aim_all(&g->sleepers, ktime_get());
		if (!fc_sleepers_stale(&g->sleepers) || tries == FC_DESTROY_TRIES)
			break;
		fc_sleepers_unlock(&g->sleepers, flags);
		usleep_range(500, 1000);
	}
	if (tries == FC_DESTROY_TRIES)
		pr_warn_ratelimited("group %s: a sleeper's owner never blocked; its sleep may end late\n",
				    g->name);
	g->dead = true;
	fc_sleepers_close(&g->sleepers);
	fc_sleepers_unlock(&g->sleepers, flags);
	fc_sleepers_stop(&g->sleepers);

	list_del_rcu(&g->node);
	/*
	 * Its re-check's timer now, while fc_wq takes any work: a dead group's
	 * check never arms it again, and a timer firing into a draining
	 * workqueue (module exit) would be refused and left pending.
	 */
	cancel_delayed_work_sync(&g->recheck);
	/*
	 * Dead and unlisted, g is done with as a group; the rest waits for a
	 * grace period (~20 ms in an emulated guest), not the caller.
	 */
	queue_rcu_work(fc_wq, &g->destroy_rwork);
}

/*
 * exact (privileged): under the sleepers' lock, pruned first, members
 * counted by a walk. Otherwise no lock the members' paths take, so that a
 * reader anyone may loop never stalls them: each field as it stands (the
 * clock under its seqcount, held_by under its own lock).
 */
void fc_group_stats(struct fc_group *g, struct fc_group_stats *st, bool exact)
{
	unsigned long flags = 0, hflags;

	st->members = exact ? fc_quiesce_count(&g->quiesce) :
			      fc_quiesce_members_seen(&g->quiesce);
	if (exact) {
		/* O(sleepers) with interrupts off: only for the privileged. */
		flags = fc_sleepers_lock(&g->sleepers);
		fc_sleepers_prune(&g->sleepers);
	}
	fc_vclock_stats(&g->clock, &st->clock);
	st->idle_forever = READ_ONCE(g->idle_forever);
	st->held = READ_ONCE(g->held);
	st->holds = fc_sleepers_holds(&g->sleepers);
	st->external = READ_ONCE(g->external);
	raw_spin_lock_irqsave(&g->held_by_lock, hflags);
	strscpy(st->held_by, g->held_by, sizeof(st->held_by));
	strscpy(st->last_check, g->last_check, sizeof(st->last_check));
	raw_spin_unlock_irqrestore(&g->held_by_lock, hflags);
	st->checks = atomic64_read(&g->checks);
	st->checks_busy = atomic64_read(&g->checks_busy);
	st->checks_again = atomic64_read(&g->checks_again);
	st->instant = atomic64_read(&g->instant);
	st->instant_busy = atomic64_read(&g->instant_busy);
	st->instant_other = atomic64_read(&g->instant_other);
	st->sleepers = fc_sleepers_count(&g->sleepers);
	st->flags = (READ_ONCE(g->auto_jump) ? FLUXCAP_GROUP_F_AUTO : 0) |
		    (fc_vclock_frozen(&g->clock) ? FLUXCAP_GROUP_F_FROZEN : 0) |
		    (g->owns_cgroup ? FLUXCAP_GROUP_F_OWNS_CGROUP : 0) |
		    (g->transient ? FLUXCAP_GROUP_F_TRANSIENT : 0);
	if (exact)
		fc_sleepers_unlock(&g->sleepers, flags);
}

void fc_group_set_frozen(struct fc_group *g, bool on)
{
	unsigned long flags;
	ktime_t mono_now;
	bool frozen;

	flags = fc_sleepers_lock(&g->sleepers);
	mono_now = ktime_get();
	frozen = fc_vclock_frozen(&g->clock);
	if (on && !frozen) {
		fc_vclock_freeze(&g->clock, mono_now);
		fc_sleepers_aim_all(&g->sleepers, mono_now);	/* parks */
	} else if (!on && frozen) {
		fc_group_thaw(g, mono_now);
	}
	fc_sleepers_unlock(&g->sleepers, flags);
	if (!on)
		fc_group_kick(g);
}

void fc_group_set_auto(struct fc_group *g, bool on)
{
	unsigned long flags;

	flags = fc_sleepers_lock(&g->sleepers);
	g->auto_jump = on;
	fc_sleepers_unlock(&g->sleepers, flags);
	if (on)
		fc_group_kick(g);
}

void fc_group_set_external(struct fc_group *g, u32 policy)
{
	unsigned long flags;

	flags = fc_sleepers_lock(&g->sleepers);
	g->external = policy;
	g->ext_clear = false;
	fc_group_say_held(g, "");
	fc_sleepers_unlock(&g->sleepers, flags);
	fc_group_kick(g);
}

void fc_group_advance(struct fc_group *g, s64 delta_ns)
{
	struct fc_event ev = { .type = FLUXCAP_CMD_EVENT_JUMP };
	unsigned long flags;

	flags = fc_sleepers_lock(&g->sleepers);
	fc_sleepers_prune(&g->sleepers);
	fc_vclock_advance(&g->clock, delta_ns);
	ev.jump_ns = delta_ns;
	/* Frozen: sleepers stay parked unless due. */
	ev.pid = fc_vclock_frozen(&g->clock) ?
		 fc_sleepers_aim_all(&g->sleepers, ktime_get()) :
		 fc_sleepers_aim_due(&g->sleepers, ktime_get());
	fc_sleepers_unlock(&g->sleepers, flags);
	fc_group_send_event(g, &ev);
}

/*
 * Room for the cancel-on-set timerfds is made before the lock is taken,
 * and made again if more were armed meanwhile.
 */
int fc_group_set_start(struct fc_group *g, s64 start_ns)
{
	struct hrtimer **timers = NULL;
	unsigned long flags;
	struct fc_time moved;
	u32 max = 0, need, n = 0, i;
	int ret;

	rcu_read_lock();
	flags = fc_sleepers_lock(&g->sleepers);
	while ((need = fc_sleepers_set_timers(&g->sleepers)) > max) {
		max = need;
		fc_sleepers_unlock(&g->sleepers, flags);
		rcu_read_unlock();
		kfree(timers);
		timers = kcalloc(max, sizeof(*timers), GFP_KERNEL);
		if (!timers)
			return -ENOMEM;
		rcu_read_lock();
		flags = fc_sleepers_lock(&g->sleepers);
	}
	ret = fc_vclock_set_start(&g->clock, start_ns, &moved);
	if (!ret)
		n = fc_sleepers_clock_set(&g->sleepers, moved, ktime_get(),
					  timers, max);
	fc_sleepers_unlock(&g->sleepers, flags);
	for (i = 0; i < n; i++)
		fc_timerfd_clock_was_set(timers[i]);
	rcu_read_unlock();
	kfree(timers);
	if (!ret)
		fc_group_kick(g);
	return ret;
}

int fc_groups_init(void)
{
	fc_wq = alloc_workqueue("fluxcap", WQ_UNBOUND | WQ_HIGHPRI, 0);
	return fc_wq ? 0 : -ENOMEM;
}

/*
 * Module exit: every group goes, sleepers keep their host timers. Their
 * holds on the hooks are not given back: fc_hooks_exit() removes the hooks
 * next, whoever holds them.
 */
void fc_groups_exit(void)
{
	struct fc_group *g, *tmp;

	mutex_lock(&fc_groups_mutex);
	list_for_each_entry_safe(g, tmp, &fc_groups, node)
		fc_group_destroy(g);
	mutex_unlock(&fc_groups_mutex);
	/*
	 * Every delete's grace period, then its late part, which drops the
	 * last reference: then the frees that queues (module code, all).
	 */
	rcu_barrier();
	drain_workqueue(fc_wq);
	rcu_barrier();
	destroy_workqueue(fc_wq);
}
