/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fluxctl's own exit statuses, shared by the command line and the kernel
 * backend's helpers that report an error on its behalf (kernel/group.h).
 */
#ifndef _FC_EXIT_H
#define _FC_EXIT_H

#include <sys/wait.h>

enum fc_exit {
	FC_EXIT_OK = 0,
	FC_EXIT_FAIL = 1,	/* an error (a usage error of run and version) */
	FC_EXIT_USAGE = 2,	/* a usage error of the group subcommands */
	FC_EXIT_UNAVAILABLE = 2,	/* the subcommand is not implemented yet */
};

/*
 * A command's end as fluxctl passes it on: its exit code, or FC_KILLED_BY
 * with the signal that killed it. fluxctl then dies of that signal itself
 * (fc_exit()), so that a shell sees what it would see natively: bash stops
 * a script whose foreground command died of SIGINT, not one that exited
 * with 130.
 */
#define FC_KILLED_BY 0x100

/* The status of a wait status (waitpid()'s). */
static inline int fc_status_of(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return FC_KILLED_BY | WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* A status as a shell reports it: the exit code, or 128 + the signal. */
static inline int fc_status_code(int status)
{
	return status & FC_KILLED_BY ? 128 + (status & 0x7f) : status;
}

/* Ends fluxctl with status: exits with its code, or dies of its signal. */
_Noreturn void fc_exit(int status);

#endif /* _FC_EXIT_H */
