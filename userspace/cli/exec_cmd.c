// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl exec: runs a command inside an existing group. Parses the
 * options, asks the module where the group's cgroup is, starts the command
 * there (kernel/exec.c) with signals passed on, and exits with its status.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "exec.h"
#include "exit.h"
#include "fluxctl.h"
#include "forward.h"
#include "group.h"
#include "preload.h"
#include "usage.h"

static void exec_usage(FILE *f)
{
	fputs("Usage: fluxctl exec NAME [--libpath DIR] -- CMD [ARGS]\n"
	      "\n"
	      "Runs CMD inside the group NAME: it joins the group's cgroup before it\n"
	      "starts, and reads the group's virtual clock, the vDSO's reads included\n"
	      "(an older module needs libfluxcap-preload.so and " FC_DEVICE_PAGE " for\n"
	      "those). Needs write access to the cgroup's cgroup.procs. Signals sent to\n"
	      "fluxctl are passed on to CMD.\n"
	      "\n"
	      "  --libpath DIR   directory holding libfluxcap-preload.so (older modules)\n"
	      "                  (default: $FLUXCAP_PRELOAD, else next to fluxctl\n"
	      "                   or in its ../lib/<triplet>/)\n"
	      "  -h, --help      show this help\n"
	      "\n"
	      "Exit status: CMD's (128+N when killed by signal N: fluxctl then dies of\n"
	      "signal N itself; 127 when it cannot be run); 1 for an error of fluxctl's,\n"
	      "2 for a usage error.\n", f);
}

int exec_main(int argc, char *argv[])
{
	const char *name = NULL, *libpath = NULL, *preload;
	char dir[4200];
	struct fc_nl nl;
	sigset_t mask;
	int i, ret, wstatus;
	pid_t pid;

	/* By hand: options may follow NAME, and nothing after "--" is ours. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			exec_usage(stdout);
			return FC_EXIT_OK;
		} else if (!strcmp(argv[i], "--libpath")) {
			if (++i == argc || !strcmp(argv[i], "--"))
				return fc_usage_error("exec", exec_usage,
						      "option '--libpath' needs a value");
			libpath = argv[i];
		} else if (!strncmp(argv[i], "--libpath=", 10)) {
			libpath = argv[i] + 10;
		} else if (argv[i][0] == '-') {
			return fc_usage_error("exec", exec_usage, "unknown option '%s'", argv[i]);
		} else if (name) {
			return fc_usage_error("exec", exec_usage,
					      "unexpected argument '%s' (the command must follow '--')",
					      argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return fc_usage_error("exec", exec_usage, "missing NAME");
	ret = fc_check_name("exec", exec_usage, name);
	if (ret)
		return ret;
	if (i >= argc)
		return fc_usage_error("exec", exec_usage, "the command must follow '--'");
	if (i + 1 >= argc)
		return fc_usage_error("exec", exec_usage, "no command given after '--'");

	preload = fc_find_preload(libpath);
	if (!preload && libpath)
		fprintf(stderr, "fluxctl exec: libfluxcap-preload.so not found in %s: vDSO time reads stay real\n",
			libpath);
	ret = fc_group_connect("exec", &nl);
	if (ret)
		return ret;
	ret = fc_group_cgroup_dir("exec", &nl, name, dir, sizeof(dir));
	preload = fc_exec_preload(&nl, preload);
	fc_nl_close(&nl);
	if (ret)
		return ret;

	fc_forward_start(&mask);
	pid = fc_exec_spawn("fluxctl exec", dir, argv + i + 1, preload, &mask, NULL);
	if (pid < 0) {
		fprintf(stderr, "fluxctl exec: cannot fork: %s\n", strerror(-pid));
		return FC_EXIT_FAIL;
	}
	fc_forward_add(pid);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "fluxctl exec: waitpid: %m\n");
			return FC_EXIT_FAIL;
		}
	}
	return fc_status_of(wstatus);
}
