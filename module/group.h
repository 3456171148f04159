/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Groups: a cgroup v2 subtree bound to one virtual clock, with its
 * sleepers and its quiescence record, and the decision to jump. The list
 * of groups is RCU-protected for the hooks and changed under the groups'
 * mutex (fc_groups_lock()).
 */
#ifndef _FC_GROUP_H
#define _FC_GROUP_H

#include <linux/ktime.h>
#include <linux/types.h>

#include <uapi/linux/fluxcap.h>

#include "vclock.h"

struct cgroup;
struct fc_event;
struct fc_group;
struct fc_sleepers;
struct fc_vvar;
struct net;
struct netlink_ext_ack;
struct page;
struct task_struct;

/* The mutex that serialises changes to the list of groups. */
void fc_groups_lock(void);
void fc_groups_unlock(void);

/* The group task t belongs to, or NULL. Caller holds rcu_read_lock(). */
struct fc_group *fc_group_of(struct task_struct *t);

/* By id, under rcu_read_lock(). */
struct fc_group *fc_group_lookup_rcu(u32 id);

/* Under the mutex: by name, or by id when name is NULL. */
struct fc_group *fc_group_find(const char *name, u32 id);

/*
 * Under the mutex: the group after prev in the list (the first for NULL).
 * The list is in id order: ids are given, and groups added, in one hold.
 */
struct fc_group *fc_group_next(struct fc_group *prev);

struct fc_group_params {
	const char *name;
	struct cgroup *cgrp;		/* a reference the group takes over */
	bool auto_jump;
	u32 external;			/* FLUXCAP_EXTERNAL_* */
	bool owns_cgroup;
	bool transient;
	u32 owner_portid;
	const struct net *owner_net;
	struct net *net;		/* the creator's, for events */
	bool has_start;
	s64 start_ns;			/* virtual REALTIME now, since the epoch */
};

/*
 * Under the mutex: a new group, not yet listed (fc_group_add() lists it,
 * fc_group_free() frees it instead). Return: the group, or ERR_PTR with a
 * message in extack (cgrp not taken).
 */
struct fc_group *fc_group_create(const struct fc_group_params *p,
				 struct netlink_ext_ack *extack);
void fc_group_add(struct fc_group *g);
void fc_group_free(struct fc_group *g);

/* Under the mutex: unlinks, releases sleepers, drops the list's ref. */
void fc_group_destroy(struct fc_group *g);

/* References: fc_group_get() only on a group found listed under RCU. */
void fc_group_get(struct fc_group *g);
void fc_group_put(struct fc_group *g);

u32 fc_group_id(const struct fc_group *g);
const char *fc_group_name(const struct fc_group *g);
struct cgroup *fc_group_cgroup(const struct fc_group *g);

/* True for a transient group the socket portid in net made. */
bool fc_group_owned_by(const struct fc_group *g, u32 portid,
		       const struct net *net);

/*
 * Whether some transient group was made by socket portid in net; under
 * RCU, no mutex (every netlink socket closed on the machine asks).
 */
bool fc_groups_owned_any(u32 portid, const struct net *net);
/*
 * SIGKILL to every process with a thread in g's cgroup subtree (its creator
 * is gone), when g owns its cgroup.
 */
void fc_group_kill_members(struct fc_group *g);

/*
 * The network namespace of g's creator, with a reference (put_net()), or
 * NULL once it is dying. g is valid (listed, or a reference held).
 */
struct net *fc_group_event_net(struct fc_group *g);

/* net is going: no group names it for events any more (sleeps). */
void fc_groups_forget_net(struct net *net);

/* A snapshot for GET_GROUP and events. */
struct fc_group_stats {
	struct fc_vclock_stats clock;
	u64 idle_forever;
	u64 held;		/* checks that found it quiet but held */
	u32 holds;		/* timers and waits it cannot move, now */
	u32 members, sleepers, flags;
	u32 external;		/* FLUXCAP_EXTERNAL_* */
	char held_by[FLUXCAP_HELD_BY_MAX];	/* what held it last, or "" */
	char last_check[FLUXCAP_HELD_BY_MAX];	/* the last check's verdict */
	u64 checks, checks_busy;	/* checks, and those a member ran through */
	u64 checks_again;		/* ... and those that asked for another */
	/* sleeps and waits ended at once, and refused: a member ran, or else */
	u64 instant, instant_busy, instant_other;
};

/*
 * Fills st, in O(1) under g's own lock: st->members is the count of the
 * last quiescence check (forks since included). With exact (privileged
 * callers only), st->members walks every thread of the machine and the
 * sleepers whose owners left are pruned first.
 */
void fc_group_stats(struct fc_group *g, struct fc_group_stats *st, bool exact);

/* SET_GROUP operations; all under the mutex. */
void fc_group_set_auto(struct fc_group *g, bool on);
void fc_group_set_frozen(struct fc_group *g, bool on);
void fc_group_advance(struct fc_group *g, s64 delta_ns);
void fc_group_set_external(struct fc_group *g, u32 policy);
int fc_group_set_start(struct fc_group *g, s64 start_ns);

/* g's clock, read without a lock (the time syscalls, absolute deadlines). */
void fc_group_read_clock(struct fc_group *g, struct fc_clock_snapshot *snap);

/* g's clock page, for /dev/fluxcap; valid while g is (RCU). */
struct page *fc_group_page(struct fc_group *g);

/* The group's vDSO page (vvar.h), or NULL; freed with the group. */
struct fc_vvar *fc_group_vvar(struct fc_group *g);

/* g's sleepers, for the arm hook. */
struct fc_sleepers *fc_group_sleepers(struct fc_group *g);

/* Asks for a quiescence check of g (any context, even under rq locks). */
void fc_group_kick(struct fc_group *g);

/* What fc_group_instant() did. */
enum fc_instant {
	FC_INSTANT_NONE,	/* nothing: the caller blocks as usual */
	FC_INSTANT_OWN,		/* jumped to the caller's deadline */
	FC_INSTANT_OTHER,	/* jumped to an earlier deadline, which fires */
};

/*
 * The calling member is about to block, until host CLOCK_MONOTONIC
 * *host_mono (on g's clock now), or with no timeout (host_mono NULL, or a
 * far one). When every
 * other member is blocked, the group would jump as soon as the caller
 * blocked: jump now instead. To the caller's own deadline when no other is
 * earlier (FC_INSTANT_OWN: the caller returns at once, timed out); with
 * others, to an earlier one (FC_INSTANT_OTHER: its timer fires now, and
 * its fire asks for no check until fc_group_instant_end(), as the caller
 * checks when it blocks). wait: the caller has set its state to wait (a
 * wake-up since then means it will not block). ev is the jump's event,
 * for fc_group_send_event() once no lock is held.
 */
enum fc_instant fc_group_instant(struct fc_group *g, const ktime_t *host_mono,
				 bool wait, bool others, struct fc_event *ev);
void fc_group_instant_end(struct fc_group *g);

/* Probes: member p is being woken (fork: is_new) / some task migrated. */
void fc_group_note_wakeup(struct fc_group *g, struct task_struct *p,
			  bool is_new);
void fc_groups_note_migration(void);

/*
 * Events leave through one sink (netlink.c's), called in process context
 * with no lock held; none is sent before it is set.
 */
void fc_groups_set_event_sink(void (*sink)(struct fc_group *g,
					   const struct fc_event *ev));
void fc_group_send_event(struct fc_group *g, const struct fc_event *ev);

int fc_groups_init(void);
void fc_groups_exit(void);

#endif /* _FC_GROUP_H */
