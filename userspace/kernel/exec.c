// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl exec: runs a command inside an existing group. The child moves
 * itself into the group's cgroup before exec, so the program is a member
 * from its first instruction, and libfluxcap-preload.so maps the group's
 * clock page from /dev/fluxcap for the vDSO's time reads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "exit.h"
#include "forward.h"
#include "group.h"
#include "preload.h"

static __attribute__((noreturn))
void child(const char *prog, const char *dir, char **argv, const char *preload)
{
	int fd, ret;

	fd = fc_cgroup_procs_open(dir);
	ret = fd < 0 ? fd : fc_cgroup_procs_write(fd, 0);
	if (ret) {
		fprintf(stderr, "%s: cannot join the cgroup %s: %s\n", prog, dir,
			strerror(-ret));
		_exit(127);
	}
	close(fd);
	if (preload && fc_preload_setenv(preload))
		_exit(127);
	setenv("FLUXCAP_CLOCK_PAGE", FC_DEVICE_PAGE, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run '%s': %s\n", prog, argv[0], strerror(errno));
	_exit(127);
}

pid_t fc_exec_spawn(const char *prog, const char *dir, char **argv,
		    const char *preload, const sigset_t *mask)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fc_forward_child(mask);
		child(prog, dir, argv, preload);
	}
	return pid;
}

int fc_exec_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

static void exec_usage(FILE *f)
{
	fputs("Usage: fluxctl exec NAME [--libpath DIR] -- CMD [ARGS]\n"
	      "\n"
	      "Runs CMD inside the group NAME: it joins the group's cgroup before it\n"
	      "starts, and reads the group's virtual clock (the vDSO's reads through\n"
	      "libfluxcap-preload.so and " FC_DEVICE_PAGE "). Needs write access to the\n"
	      "cgroup's cgroup.procs. Signals sent to fluxctl are passed on to CMD.\n"
	      "\n"
	      "  --libpath DIR   directory holding libfluxcap-preload.so\n"
	      "                  (default: next to fluxctl, or $FLUXCAP_PRELOAD)\n"
	      "  -h, --help      show this help\n"
	      "\n"
	      "Exit status: CMD's (128+N when killed by signal N, 127 when it cannot be\n"
	      "run); 1 for an error of fluxctl's, 2 for a usage error.\n", f);
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
	fc_nl_close(&nl);
	if (ret)
		return ret;

	fc_forward_start(&mask);
	pid = fc_exec_spawn("fluxctl exec", dir, argv + i + 1, preload, &mask);
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
	return fc_exec_status(wstatus);
}
