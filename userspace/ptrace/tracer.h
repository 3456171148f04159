/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptrace mode: runs commands under one virtual clock by supervising their
 * whole process tree with ptrace and a seccomp filter; no kernel module
 * and no privilege needed. Shared by `fluxctl run` and `fluxcapacitor`.
 */
#ifndef _FC_TRACER_H
#define _FC_TRACER_H

#include <stdbool.h>
#include <stdio.h>

#include "fc_time.h"

struct fc_trace_opts {
	char ***cmds;		/* ncmds argv arrays, each NULL-terminated */
	int ncmds;
	int verbose;		/* 1: a line per time syscall and per jump */
	FILE *log;		/* where -v lines go */
	const char *preload;	/* libfluxcap-preload.so, or NULL for none */
	bool has_start;		/* virtual REALTIME starts at start */
	struct fc_time start;
	const char *prog;	/* name in messages: "fluxctl", "fluxcapacitor" */
};

/*
 * Runs the commands side by side until they have all exited, and stores
 * the exit status to report in *exit_status: the first non-zero status in
 * command-line order (127 when a command cannot be executed, 128+N when
 * killed by signal N), else 0.
 * Return: 0, or -errno when the supervision could not be set up (the
 * message is printed).
 */
int fc_trace_run(const struct fc_trace_opts *opts, int *exit_status);

#endif /* _FC_TRACER_H */
