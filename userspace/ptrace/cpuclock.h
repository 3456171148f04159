/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU time of the tree's processes, from their process CPU-time
 * clocks (clock_getcpuclockid() works for any pid): the sum of what every
 * thread, live or exited, has run. ptrace mode's idleness check reads it
 * before and after looking at the threads; equal readings mean no thread
 * ran and went back to sleep in between (see tracer.c, quiescent()).
 */
#ifndef _FC_CPUCLOCK_H
#define _FC_CPUCLOCK_H

#include <stdbool.h>
#include <sys/types.h>

struct fc_cpuclock {
	pid_t *tgids;
	long long *ns;		/* the first readings, or -errno */
	int n, size;
};

/* Forgets the processes (keeps the storage). */
static inline void fc_cpuclock_clear(struct fc_cpuclock *c)
{
	c->n = 0;
}

/* Adds process tgid once. Return: 0, or -ENOMEM. */
int fc_cpuclock_add(struct fc_cpuclock *c, pid_t tgid);

/* Reads every added process's clock. */
void fc_cpuclock_sample(struct fc_cpuclock *c);

/* Reads them again: has none moved since fc_cpuclock_sample()? */
bool fc_cpuclock_unchanged(const struct fc_cpuclock *c);

void fc_cpuclock_free(struct fc_cpuclock *c);

#endif /* _FC_CPUCLOCK_H */
