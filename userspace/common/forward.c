// SPDX-License-Identifier: GPL-2.0
/*
 * Signal forwarding to a fixed set of children. Only signals some process
 * sent (kill(1), a supervisor) are passed on: one from the terminal (^C)
 * already reached the children in the same foreground process group, and
 * passing it on again would deliver it twice.
 */

#include <string.h>

#include "forward.h"
#include "sigdisp.h"

#define MAX_CHILDREN 64

/* the first four end a run (fc_forward_last()); SIGUSR1/2 are only passed on */
static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
static volatile pid_t children[MAX_CHILDREN];
static volatile sig_atomic_t nchildren, last;

static void on_signal(int sig, siginfo_t *info, void *ctx)
{
	int i;

	(void)ctx;
	if (sig != SIGUSR1 && sig != SIGUSR2)
		last = sig;
	if (info && info->si_code == SI_KERNEL)
		return;
	for (i = 0; i < nchildren; i++)
		kill(children[i], sig);
}

void fc_forward_add_signals(sigset_t *set)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaddset(set, signals[i]);
}

void fc_forward_start(sigset_t *old)
{
	struct sigaction sa;
	sigset_t set;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	/* no SA_RESTART: waitpid() returns to check on the children */
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		sigaction(signals[i], &sa, NULL);
		sigaddset(&set, signals[i]);
	}
	sigprocmask(SIG_BLOCK, &set, old);
}

void fc_forward_add(pid_t pid)
{
	if (nchildren < MAX_CHILDREN)
		children[nchildren++] = pid;
}

void fc_forward_child(const sigset_t *old)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], SIG_DFL);
	fc_sigdisp_child();	/* what the caller ignored, before unblocking */
	sigprocmask(SIG_SETMASK, old, NULL);
}

int fc_forward_last(void)
{
	return last;
}
