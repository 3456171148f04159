/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks into the timer, futex, clock and scheduler paths. They are
 * installed while at least one group holds them, so that a machine with
 * no group pays nothing for the module.
 */
#ifndef _FC_HOOKS_H
#define _FC_HOOKS_H

/* A new group holds the hooks: installs them for the first. */
int fc_hooks_get(void);

/*
 * A group went: removes the hooks a few seconds after the last; the time
 * reads only once no address space shows a group's page (vdsomap.h).
 */
void fc_hooks_put(void);

/* Module exit, after every group went: removes them now. */
void fc_hooks_exit(void);

#endif /* _FC_HOOKS_H */
