// SPDX-License-Identifier: GPL-2.0
/* The signals the caller ignored (sigdisp.h). */

#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>

#include "sigdisp.h"

static sigset_t ignored;

void fc_sigdisp_save(void)
{
	struct sigaction sa;
	int sig;

	sigemptyset(&ignored);
	for (sig = 1; sig < NSIG; sig++)
		if (!sigaction(sig, NULL, &sa) && sa.sa_handler == SIG_IGN)
			sigaddset(&ignored, sig);
	if (sigismember(&ignored, SIGCHLD))
		signal(SIGCHLD, SIG_DFL);
}

void fc_sigdisp_child(void)
{
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&ignored, sig))
			signal(sig, SIG_IGN);
}
