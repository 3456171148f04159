/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks into the timer, futex, clock and scheduler paths. They are
 * installed while at least one group exists, so that a machine with no
 * group pays nothing for the module.
 */
#ifndef _FC_HOOKS_H
#define _FC_HOOKS_H

/* Under fc_groups_mutex: installs the hooks for the first group. */
int fc_hooks_get(void);

/* Under fc_groups_mutex: removes them a few seconds after the last group. */
void fc_hooks_put(void);

/* Module exit, after every group went: removes them now. */
void fc_hooks_exit(void);

#endif /* _FC_HOOKS_H */
