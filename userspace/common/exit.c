// SPDX-License-Identifier: GPL-2.0
/*
 * Dying of a command's signal (see exit.h): with the signal's default
 * action, unblocked, and no core file of fluxctl's own (the command wrote
 * its own where the limits let it).
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "exit.h"

_Noreturn void fc_exit(int status)
{
	struct rlimit none = { 0, 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int sig = status & 0x7f;
	sigset_t set;

	if (!(status & FC_KILLED_BY))
		exit(status);
	fflush(NULL);
	setrlimit(RLIMIT_CORE, &none);
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* a signal whose default is not to end a process (none kills so) */
	exit(fc_status_code(status));
}
