// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a command inside a group (see exec.h), for fluxctl exec and
 * kernel-mode run. The child is born in the group's cgroup (clone3 with
 * CLONE_INTO_CGROUP), or, where clone3 is refused (kernels before 5.7, a
 * container's seccomp profile), moves itself there before exec: either way
 * the program is a member from its first instruction. Being born there
 * skips a migration, which waits for an RCU grace period: about 20 ms of
 * every `fluxctl run` in an emulated guest. A module
 * that makes members' vDSO virtual needs nothing more; with an older one,
 * libfluxcap-preload.so maps the group's clock page from /dev/fluxcap for
 * the vDSO's time reads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fluxcap.h>
#include <linux/sched.h>

#include "cgroup.h"
#include "exec.h"
#include "forward.h"
#include "nl.h"
#include "preload.h"

/*
 * Blocks until the gate's write end is closed everywhere: the parent closes
 * it once every command is a member, so that no command can be jumped past
 * while a later one is still on its way into the group.
 */
static void wait_gate(const int *gate)
{
	char c;

	if (!gate)
		return;
	close(gate[1]);
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
	close(gate[0]);
}

/* Without CLONE_INTO_CGROUP: the child moves itself in. */
static void join(const char *prog, const char *dir)
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
}

/*
 * After a raw clone3 no fork handlers ran and the thread's cached TID is
 * the parent's: the child must not touch pthread state. It does not, and
 * fluxctl has no other thread, so no libc lock can be held here.
 */
static __attribute__((noreturn))
void child(const char *prog, const char *dir, bool born_in, char **argv,
	   const char *preload, const int *gate)
{
	if (!born_in)
		join(prog, dir);
	wait_gate(gate);
	if (fc_preload_setenv(preload, FC_DEVICE_PAGE))
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run '%s': %s\n", prog, argv[0], strerror(errno));
	_exit(127);
}

/* Why the last spawn was not born in its cgroup (0: it was). */
static int clone3_refused;

int fc_exec_clone3_refused(void)
{
	return clone3_refused;
}

/*
 * Whether a clone3 error means "not here", worth a fork and a move:
 * no clone3 (ENOSYS; EPERM from some seccomp profiles), no
 * CLONE_INTO_CGROUP before 5.7 (EINVAL, E2BIG), a cgroup that takes no
 * process this way (EBUSY, EOPNOTSUPP: the move says why). Not EAGAIN or
 * ENOMEM: a fork would fail as well, or get past pids.max.
 */
static bool worth_a_fork(int err)
{
	return err != EAGAIN && err != ENOMEM;
}

/* fork() into the cgroup open at cgroup_fd; -1 with errno as clone3 set it. */
static pid_t fork_into(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (unsigned int)cgroup_fd,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

pid_t fc_exec_spawn(const char *prog, const char *dir, char **argv,
		    const char *preload, const sigset_t *mask, const int *gate)
{
	int cgroup_fd;
	bool born_in;
	pid_t pid = -1;

	fflush(NULL);
	clone3_refused = ENOENT;	/* no cgroup directory to open */
	cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd >= 0) {
		pid = fork_into(cgroup_fd);
		clone3_refused = pid < 0 ? errno : 0;
		close(cgroup_fd);
		if (pid < 0 && !worth_a_fork(clone3_refused))
			return -clone3_refused;
	}
	born_in = pid >= 0;
	if (pid < 0)
		pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fc_forward_child(mask);
		child(prog, dir, born_in, argv, preload, gate);
	}
	return pid;
}

const char *fc_exec_preload(struct fc_nl *nl, const char *preload)
{
	uint32_t features;

	if (!fc_nl_features(nl, &features) && features & FLUXCAP_FEATURE_VDSO)
		return NULL;
	return preload;
}

