/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sleeper queue: tasks blocked with a timeout, ordered by virtual
 * deadline (earliest first; equal deadlines in insertion order). Intrusive
 * and allocation-free: callers embed a struct fc_sleeper in their own
 * record and own its storage and locking. Insert and remove are O(log n)
 * worst case (a red-black tree without recursion); first is O(1), cached.
 */
#ifndef _FC_SLEEPQ_H
#define _FC_SLEEPQ_H

#include "fc_time.h"

/*
 * Embedded in the caller's record. Zero it (or fc_sleeper_init() it) before
 * first use, so that it reads as not queued. Only deadline and queued are
 * for the caller to read; the rest belongs to the queue.
 */
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

/* Empties q; its sleepers' storage is the caller's. */
void fc_sleepq_init(struct fc_sleepq *q);
/*
 * Queues s with the given deadline, after any sleeper with the same
 * deadline. If s is already queued it must be in q, and it is moved (it
 * then goes after its new equals, too).
 */
void fc_sleepq_insert(struct fc_sleepq *q, struct fc_sleeper *s,
		      struct fc_time deadline);
/* Unqueues s, which must be in q if queued; a no-op when s is not queued. */
void fc_sleepq_remove(struct fc_sleepq *q, struct fc_sleeper *s);
/* The sleeper with the earliest deadline, or NULL when empty. O(1). */
struct fc_sleeper *fc_sleepq_first(const struct fc_sleepq *q);
/*
 * The next sleeper after s in deadline order, or NULL (also when s is not
 * queued). To remove while iterating, take next before removing s.
 */
struct fc_sleeper *fc_sleepq_next(const struct fc_sleeper *s);

static inline void fc_sleeper_init(struct fc_sleeper *s)
{
	s->parent = NULL;
	s->left = NULL;
	s->right = NULL;
	s->red = 0;
	s->queued = 0;
}

static inline bool fc_sleeper_queued(const struct fc_sleeper *s)
{
	return s->queued;
}

#endif /* _FC_SLEEPQ_H */
