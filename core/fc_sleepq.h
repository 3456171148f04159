/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sleeper queue: tasks blocked with a timeout, ordered by virtual
 * deadline (earliest first; equal deadlines in insertion order). Intrusive
 * and allocation-free: callers embed a struct fc_sleeper in their own
 * record and own its storage and locking. Insert, remove and first are
 * O(log n) worst case (a red-black tree without recursion).
 */
#ifndef _FC_SLEEPQ_H
#define _FC_SLEEPQ_H

#include "fc_time.h"

struct fc_sleeper {
	struct fc_time deadline;	/* virtual CLOCK_MONOTONIC */
	u64 seq;			/* insertion order, breaks ties */
	struct fc_sleeper *parent, *left, *right;
	u32 red;
	u32 queued;
};

struct fc_sleepq {
	struct fc_sleeper *root;
	struct fc_sleeper *first;	/* cached minimum */
	u64 next_seq;
	u32 count;
};

void fc_sleepq_init(struct fc_sleepq *q);
/* Queues s (not already queued) with the given deadline. */
void fc_sleepq_insert(struct fc_sleepq *q, struct fc_sleeper *s,
		      struct fc_time deadline);
/* Unqueues s; a no-op when s is not queued. */
void fc_sleepq_remove(struct fc_sleepq *q, struct fc_sleeper *s);
/* The sleeper with the earliest deadline, or NULL when empty. */
struct fc_sleeper *fc_sleepq_first(const struct fc_sleepq *q);
/* The next sleeper after s in deadline order, or NULL. */
struct fc_sleeper *fc_sleepq_next(const struct fc_sleeper *s);

static inline bool fc_sleeper_queued(const struct fc_sleeper *s)
{
	return s->queued;
}

#endif /* _FC_SLEEPQ_H */
