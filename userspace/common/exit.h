/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fluxctl's own exit statuses, shared by the command line and the kernel
 * backend's helpers that report an error on its behalf (kernel/group.h).
 */
#ifndef _FC_EXIT_H
#define _FC_EXIT_H

enum fc_exit {
	FC_EXIT_OK = 0,
	FC_EXIT_FAIL = 1,	/* an error (a usage error of run and version) */
	FC_EXIT_USAGE = 2,	/* a usage error of the group subcommands */
	FC_EXIT_UNAVAILABLE = 2,	/* the subcommand is not implemented yet */
};

#endif /* _FC_EXIT_H */
