/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting commands inside a group's cgroup, for `fluxctl exec` and
 * `fluxctl run --mode kernel`.
 */
#ifndef _FC_EXEC_H
#define _FC_EXEC_H

#include <signal.h>
#include <sys/types.h>

/* The clock page a member maps: the module's device. */
#define FC_DEVICE_PAGE "/dev/fluxcap"

/*
 * Forks a child that moves itself into the cgroup at dir, gets
 * FLUXCAP_CLOCK_PAGE and LD_PRELOAD (preload prepended, when not NULL),
 * and runs argv; a child that cannot do so exits 127 after saying why.
 * mask: the signal mask and defaults to restore in the child (forward.h).
 * gate: NULL, or a pipe (close-on-exec): once a member, the child waits
 * until every copy of gate[1] is closed, the caller's last.
 * Return: the child's pid, or -errno if it could not be started.
 */
pid_t fc_exec_spawn(const char *prog, const char *dir, char **argv,
		    const char *preload, const sigset_t *mask, const int *gate);

/*
 * Why the last fc_exec_spawn() forked and moved the child instead of
 * starting it in the cgroup with clone3 (an errno), or 0 if it did not.
 */
int fc_exec_clone3_refused(void);

struct fc_nl;

/*
 * The preload a member needs: none when the module makes members' vDSO
 * virtual itself (FLUXCAP_FEATURE_VDSO), else preload (may be NULL).
 */
const char *fc_exec_preload(struct fc_nl *nl, const char *preload);


#endif /* _FC_EXEC_H */
