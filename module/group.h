/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Groups: a cgroup v2 subtree bound to one virtual clock. The list of
 * groups is RCU-protected for the hooks and changed under fc_groups_mutex;
 * each group's clock, sleeper queue and counters change under fc_lock.
 */
#ifndef _FC_GROUP_H
#define _FC_GROUP_H

#include <linux/cgroup.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <uapi/linux/fluxcap.h>

#include "fc_clock.h"
#include "fc_sleepq.h"

struct fc_group {
	struct list_head node;		/* in fc_groups, RCU */
	struct rcu_head rcu;
	refcount_t ref;
	u32 id;
	char name[FLUXCAP_GROUP_NAME_MAX];
	struct cgroup *cgrp;		/* a reference, held until freed */
	u64 cgrp_id;
	bool owns_cgroup;		/* fluxctl made it, fluxctl removes it */
	/* Transient: deleted when this netlink socket (portid in net) closes. */
	bool transient;
	u32 owner_portid;
	const struct net *owner_net;	/* compared only, never dereferenced */

	/* Below: under fc_lock. */
	bool dead;			/* deleted: hooks leave it alone */
	bool auto_jump;
	bool frozen;			/* virtual time stands ... */
	ktime_t frozen_mono;		/* ... since this host CLOCK_MONOTONIC */
	bool idle_reported;		/* idle-forever seen, not yet ended */
	struct fc_clock clock;
	seqcount_t clock_seq;		/* readers of clock outside fc_lock */
	struct fc_sleepq sleepq;	/* struct fc_reg, by virtual deadline */
	bool stale;			/* a sleeper was not aimed: retry */
	u64 idle_forever;
	struct page *page;		/* struct fluxcap_clock_page */

	/*
	 * Bumped whenever a member is woken or forked: a check that saw every
	 * member blocked jumps only if no wakeup happened since it began.
	 */
	atomic_t wakeups;

	/*
	 * Under qlock: what the last check learnt, so that the next one need
	 * not walk every member. With q_base set, every member but the ones
	 * in q_woken (each with a task reference: the ones the last walk saw
	 * running, and the ones woken since) is blocked: a blocked member can
	 * only run again through a wakeup, which the sched_waking probe
	 * records here (and sched_wakeup_new a fork's child). An exit, a
	 * cgroup migration (fc_migrations moved past q_epoch) or more tasks
	 * than q_woken holds clear q_base: the next check walks every thread.
	 * q_rec: wakeups are being recorded; a walk sets it at its start and
	 * q_base only at its end, once it has listed the members it saw run.
	 */
	raw_spinlock_t qlock;
	bool q_rec;
	bool q_base;
	u32 q_members;			/* members the last walk counted */
	int q_epoch;			/* fc_migrations when q_base was set */
	u32 q_nwoken;
	struct task_struct *q_woken[16];

	/* Offsets changed (jumps, advances, thaws): stamps fc_reg.gen. */
	u64 gen;
	/*
	 * After a jump only the due sleepers are aimed again; the others keep
	 * host expiries that are now late. This timer fires at the first of
	 * them's virtual deadline and aims the due ones, then the next.
	 */
	struct hrtimer due_timer;

	/* Quiescence checks: irq_work from sched probes, then process context. */
	struct irq_work check_irq;
	struct work_struct check_work;
};

extern raw_spinlock_t fc_lock;
/* Bumped by every cgroup migration of a task (any cgroup). */
extern atomic_t fc_migrations;
extern struct mutex fc_groups_mutex;
extern struct list_head fc_groups;

/* The group task t belongs to, or NULL. Caller holds rcu_read_lock(). */
struct fc_group *fc_group_of(struct task_struct *t);

/* Under fc_groups_mutex: by name, or by id when name is NULL. */
struct fc_group *fc_group_find(const char *name, u32 id);

struct fc_group_params {
	const char *name;
	struct cgroup *cgrp;		/* a reference the group takes over */
	bool auto_jump;
	bool owns_cgroup;
	bool transient;
	u32 owner_portid;
	const struct net *owner_net;
	bool has_start;
	s64 start_ns;			/* virtual REALTIME now, since the epoch */
};

/* Under fc_groups_mutex. Return: the group, or ERR_PTR (cgrp not taken). */
struct fc_group *fc_group_create(const struct fc_group_params *p,
				 struct netlink_ext_ack *extack);

/* Under fc_groups_mutex: unlinks, releases sleepers, drops the list's ref. */
void fc_group_destroy(struct fc_group *g);

void fc_group_put(struct fc_group *g);

/* A snapshot for GET_GROUP and events. */
struct fc_group_stats {
	s64 mono_ns, boot_ns, real_ns, offset_ns, real_shift_ns;
	u64 jumps, jumped_ns, idle_forever;
	u32 members, sleepers, flags;
};

/*
 * Fills st; with count_members, also st->members, which walks every thread
 * of the machine (events carry their own count or none: they skip it).
 */
void fc_group_stats(struct fc_group *g, struct fc_group_stats *st,
		    bool count_members);

/* SET_GROUP operations; all under fc_groups_mutex. */
void fc_group_set_auto(struct fc_group *g, bool on);
void fc_group_set_frozen(struct fc_group *g, bool on);
void fc_group_advance(struct fc_group *g, s64 delta_ns);
int fc_group_set_start(struct fc_group *g, s64 start_ns);

/* Virtual time of a host clock reading for a member (timeread.c). */
struct fc_clock_snapshot {
	struct fc_time mono_off, real_off;
	bool frozen;
	ktime_t frozen_mono;
};

/*
 * Virtual minus host time of a snapshot's clocks at host CLOCK_MONOTONIC
 * mono_now: a frozen clock falls behind the host as the host runs on.
 */
struct fc_time fc_snapshot_offset(const struct fc_clock_snapshot *snap,
				  bool real, ktime_t mono_now);

/* The same for g under fc_lock. */
struct fc_time fc_group_offset(struct fc_group *g, bool real,
			       ktime_t mono_now);

void fc_group_read_clock(struct fc_group *g, struct fc_clock_snapshot *snap);

/* Asks for a quiescence check of g (any context, even under rq locks). */
void fc_group_kick(struct fc_group *g);

struct fc_event;

/*
 * The calling member is about to sleep until host CLOCK_MONOTONIC
 * host_mono (on g's clock now). When every other member is blocked and no
 * sleeper is due earlier, the group would jump there as soon as the caller
 * blocked: jump now instead. Return: true if it did (ev is the jump's
 * event, to send once no lock is held); the caller then returns at once.
 */
bool fc_group_instant_sleep(struct fc_group *g, ktime_t host_mono,
			    struct fc_event *ev);

/* Probes: member p is being woken (fork: is_new) / some task migrated. */
void fc_group_note_wakeup(struct fc_group *g, struct task_struct *p,
			  bool is_new);
void fc_groups_note_migration(void);

int fc_groups_init(void);
void fc_groups_exit(void);

#endif /* _FC_GROUP_H */
