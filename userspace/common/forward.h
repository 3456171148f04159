/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Passing SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to fluxctl on to the
 * children it started in a group (exec, run in kernel mode), so that they
 * end the way they would without fluxctl in between, and fluxctl can
 * still clean up after them.
 */
#ifndef _FC_FORWARD_H
#define _FC_FORWARD_H

#include <signal.h>
#include <sys/types.h>

/*
 * Installs the handlers and blocks the signals, saving the old mask in
 * *old: call before forking, so no signal falls between a fork and
 * fc_forward_add(). Children restore *old and SIG_DFL with
 * fc_forward_child().
 */
void fc_forward_start(sigset_t *old);
/* Records a child to forward to (at most 64). */
void fc_forward_add(pid_t pid);
/* In a child: the caller's dispositions (sigdisp.h) and the old mask back. */
void fc_forward_child(const sigset_t *old);
/* Adds the signals passed on to set (ptrace mode takes them by signalfd). */
void fc_forward_add_signals(sigset_t *set);
/* The last signal forwarded that ends a run (not SIGUSR1/2), or 0. */
int fc_forward_last(void);

#endif /* _FC_FORWARD_H */
