/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Quiescence: whether every member of a group is blocked. A member is
 * blocked when it is not on a CPU, not runnable, and either sleeping
 * interruptibly or stopped (uninterruptible sleep means I/O in flight).
 * A record of the last look (struct fc_quiesce) lets the next one examine
 * only the members woken since, instead of every thread of the machine.
 */
#ifndef _FC_QUIESCE_H
#define _FC_QUIESCE_H

#include <linux/sched.h>
#include <linux/types.h>

struct cgroup;
struct fc_quiesce;
struct task_struct;

/*
 * What a look found. quiet: every member blocked; unsure: a member may have
 * been half woken, look again; walked: every thread was walked (members may
 * have come or gone). wakeups and epoch stamp the look: fc_quiesce_still()
 * tells later whether a member may have run since. gen numbers the looks
 * that found every member blocked; fc_quiesce_others_blocked() sets
 * others_unwoken when no member but the caller was woken since look gen.
 * busy_pid and busy_comm name the first member found not blocked (pid 0:
 * none), for a user who asks why the group did not jump.
 */
struct fc_quiet {
	u32 members, gen;
	int wakeups, epoch;
	bool quiet, unsure, walked, others_unwoken;
	pid_t busy_pid;
	char busy_comm[TASK_COMM_LEN];
};

/* An empty record for the members of cgrp. */
void fc_quiesce_init(struct fc_quiesce *q, struct cgroup *cgrp);

/* The group goes: drops the record's task references. */
void fc_quiesce_release(struct fc_quiesce *q);

/* Looks at every member, from the record when it holds, else by a walk. */
void fc_quiesce_look(struct fc_quiesce *q, struct fc_quiet *v);

/*
 * Whether every member but the current task is blocked, from the record
 * alone (false when it does not hold). Fills v's stamp.
 */
bool fc_quiesce_others_blocked(struct fc_quiesce *q, struct fc_quiet *v);

/* True when no member was woken and no task migrated since v's look. */
bool fc_quiesce_still(struct fc_quiesce *q, const struct fc_quiet *v);

/* Counts the members: walks every thread of the machine. */
u32 fc_quiesce_count(struct fc_quiesce *q);

/*
 * The members the last walk counted, plus forks since while the record
 * held; O(1), no lock. Exits and moves show at the next check.
 */
u32 fc_quiesce_members_seen(struct fc_quiesce *q);

/* Probes: member p is being woken (fork: is_new) / some task migrated. */
void fc_quiesce_note_wakeup(struct fc_quiesce *q, struct task_struct *p,
			    bool is_new);
void fc_quiesce_note_migration(void);

#endif /* _FC_QUIESCE_H */
