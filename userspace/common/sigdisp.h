/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The caller's signal dispositions, kept for the commands. fluxctl needs
 * SIGCHLD's default for itself: with SIGCHLD ignored the kernel reaps
 * children on its own and reports no stops, so a supervisor or a waiting
 * parent would wait forever. A command gets back what the caller ignored,
 * as exec would have passed it on (handlers never survive exec).
 */
#ifndef _FC_SIGDISP_H
#define _FC_SIGDISP_H

/* First thing in main(): notes the ignored signals, gives SIGCHLD its default. */
void fc_sigdisp_save(void);

/* In a child about to exec a command: the caller's ignored signals again. */
void fc_sigdisp_child(void);

#endif /* _FC_SIGDISP_H */
