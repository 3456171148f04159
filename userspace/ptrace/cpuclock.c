// SPDX-License-Identifier: GPL-2.0
/*
 * Process CPU-time clocks of the tree (see cpuclock.h). A reading sums
 * the runtime the scheduler has accounted to each thread: a thread that
 * runs and then sleeps or stops is accounted when it leaves the CPU; one
 * still on a CPU may not be until the next tick, which is why the check
 * also looks at every thread itself.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cpuclock.h"

/*
 * The clock id of a process's CPU time, as the kernel defines it
 * (MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)): clock_getcpuclockid()
 * makes the same id but checks it with a clock_getres() call first, a
 * second syscall on every reading; a process gone makes clock_gettime()
 * fail instead.
 */
static clockid_t process_cpuclock(pid_t tgid)
{
	return (clockid_t)((~(unsigned int)tgid) << 3) | 2;
}

static long long read_clock(pid_t tgid)
{
	struct timespec ts;

	if (clock_gettime(process_cpuclock(tgid), &ts))
		return -errno;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int fc_cpuclock_add(struct fc_cpuclock *c, pid_t tgid)
{
	int i;

	/* threads of one process come in runs: look at the last one first */
	for (i = c->n - 1; i >= 0; i--)
		if (c->tgids[i] == tgid)
			return 0;
	if (c->n == c->size) {
		int size = c->size ? c->size * 2 : 16;
		pid_t *tgids = realloc(c->tgids, size * sizeof(*tgids));
		long long *ns;

		if (!tgids)
			return -ENOMEM;
		c->tgids = tgids;
		ns = realloc(c->ns, size * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		c->ns = ns;
		c->size = size;
	}
	c->tgids[c->n++] = tgid;
	return 0;
}

void fc_cpuclock_sample(struct fc_cpuclock *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		c->ns[i] = read_clock(c->tgids[i]);
}

bool fc_cpuclock_unchanged(const struct fc_cpuclock *c)
{
	int i;

	/* a process gone meanwhile reads differently: not unchanged */
	for (i = 0; i < c->n; i++)
		if (read_clock(c->tgids[i]) != c->ns[i])
			return false;
	return true;
}

void fc_cpuclock_free(struct fc_cpuclock *c)
{
	free(c->tgids);
	free(c->ns);
	c->tgids = NULL;
	c->ns = NULL;
	c->n = c->size = 0;
}
