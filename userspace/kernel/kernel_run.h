/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `fluxctl run` in kernel mode: the commands run in a transient group of
 * the fluxcap module, "run-<fluxctl's pid>", with a cgroup of its own.
 */
#ifndef _FC_KERNEL_RUN_H
#define _FC_KERNEL_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fc_kernel_run_opts {
	char ***cmds;		/* ncmds argv arrays, each NULL-terminated */
	int ncmds;
	const char *preload;	/* libfluxcap-preload.so, or NULL */
	int64_t start_ns;	/* virtual REALTIME start; < 0 for none */
	int external;		/* FLUXCAP_EXTERNAL_*; < 0: the default */
	int verbose;
	FILE *log;		/* where -v lines go */
};

/*
 * True when kernel mode can work here: the module is loaded and the
 * caller may create groups (CAP_NET_ADMIN in the initial user namespace).
 */
bool fc_kernel_usable(void);

/*
 * Creates the group, runs the commands side by side in it, and deletes it
 * (and its cgroup, killing what the commands left running) when they
 * have all exited, also after SIGINT/SIGTERM/SIGHUP/SIGQUIT, which are
 * passed on to the commands. *exit_status: as fc_trace_run() reports it.
 * Return: 0 once the commands ran; -ENOENT when the module is not loaded;
 * -EIO when the group could not be set up (said why; nothing ran).
 */
int fc_kernel_run(const struct fc_kernel_run_opts *o, int *exit_status);

#endif /* _FC_KERNEL_RUN_H */
