/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Membership: a task belongs to a group when its cgroup on the default
 * (v2) hierarchy lies in the group's subtree. Groups' subtrees never
 * overlap, so a task belongs to one group at most.
 */
#ifndef _FC_MEMBER_H
#define _FC_MEMBER_H

#include <linux/cgroup.h>
#include <linux/sched.h>

/* Whether t is in cgrp's subtree. Caller holds rcu_read_lock(). */
static inline bool fc_task_in(struct task_struct *t, struct cgroup *cgrp)
{
	return cgroup_is_descendant(task_dfl_cgroup(t), cgrp);
}

/* The same for a task's cgroup read once, to test it against each group. */
static inline bool fc_cgroup_in(struct cgroup *cg, struct cgroup *cgrp)
{
	return cgroup_is_descendant(cg, cgrp);
}

#endif /* _FC_MEMBER_H */
