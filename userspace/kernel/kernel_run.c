// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel mode of `fluxctl run`: a transient group with an owned cgroup,
 * the commands started in it like `fluxctl exec`, and the group and cgroup
 * removed when they are done. fluxctl itself stays outside the cgroup: it
 * must keep real time to supervise, and a member that waits for its
 * children would only make the group look busy.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "exit.h"
#include "forward.h"
#include "group.h"
#include "kernel_run.h"

/* The initial user namespace maps every uid to itself. */
static bool in_initial_userns(void)
{
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return true;	/* no user namespaces at all */
	n = fscanf(f, "%lu %lu %lu", &a, &b, &c);
	fclose(f);
	return n == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

static bool has_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
	       CAP_TO_MASK(CAP_NET_ADMIN);
}

bool fc_kernel_usable(void)
{
	return has_net_admin() && in_initial_userns() && fc_nl_family_exists();
}

/*
 * After a signal was passed on, how long the commands get to finish before
 * everything left in the group's cgroup is killed, as ptrace mode's exit
 * kills its whole tree: a shell waiting for a child that never saw the
 * signal must not keep fluxctl waiting forever.
 */
#define SIGNAL_GRACE_MS	1000

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for every command; statuses in command-line order into st. */
static void wait_all(const pid_t *pids, int *st, int n, const char *dir)
{
	long long signalled = 0;
	int i, left = n, wstatus;
	bool killed = false;
	pid_t pid;

	while (left) {
		if (!signalled && fc_forward_last())
			signalled = ms_now();
		pid = waitpid(-1, &wstatus, signalled ? WNOHANG : 0);
		if (pid == 0) {
			if (!killed && ms_now() - signalled >= SIGNAL_GRACE_MS) {
				fc_cgroup_kill(dir);
				killed = true;
			}
			usleep(20000);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: nobody left to wait for */
		}
		for (i = 0; i < n; i++) {
			if (pids[i] == pid) {
				st[i] = fc_status_of(wstatus);
				left--;
			}
		}
	}
}

/*
 * -vv: where a run's own time went, in ms since the last mark, so that
 * start-up and clean-up can be told from the commands' time.
 */
static double mark_ms(struct timespec *last)
{
	struct timespec now;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - last->tv_sec) * 1e3 + (now.tv_nsec - last->tv_nsec) / 1e6;
	*last = now;
	return ms;
}

/* -v: what the clock did, and whether something the module cannot move held it. */
static void log_summary(const struct fc_kernel_run_opts *o, struct fc_nl *nl,
			const char *name)
{
	struct fc_group_info g;

	if (fc_nl_group_get(nl, name, &g))
		return;
	fprintf(o->log, "fluxctl: %" PRIu64 " jumps, %.3f s jumped\n", g.jumps,
		g.jumped_ns / 1e9);
	/* Why they came late, when they did: see fluxctl(8), show. */
	if (fc_group_has(&g, FLUXCAP_A_GROUP_CHECKS))
		fprintf(o->log, "fluxctl: %" PRIu64 " sleeps and waits ended at once (%" PRIu64 " could not: another member had run; %" PRIu64 " for another reason); %" PRIu64 " checks, %" PRIu64 " found a member not blocked, %" PRIu64 " asked to look again%s%s\n",
			g.instant, g.instant_busy, g.instant_other, g.checks,
			g.checks_busy, g.checks_again, g.last_check[0] ? "; last check: " : "",
			g.last_check);
	if (g.held)
		fprintf(o->log, "fluxctl: held %" PRIu64 " time(s) at real speed: a member waited on a timer fluxcap cannot move (alarm clock, io_uring, SO_RCVTIMEO or another schedule_timeout wait) or on a peer outside the group%s%s\n",
			g.held, g.held_by[0] ? "; last: " : "", g.held_by);
}

int fc_kernel_run(const struct fc_kernel_run_opts *o, int *exit_status)
{
	char name[FLUXCAP_GROUP_NAME_MAX], dir[4200];
	const char *preload;
	int i, n, ret, *st, gate[2];
	struct fc_nl nl;
	sigset_t mask;
	double ms_module, ms_group, ms_spawn;
	struct timespec mark;
	pid_t *pids;

	clock_gettime(CLOCK_MONOTONIC, &mark);
	pids = calloc(o->ncmds, sizeof(*pids));
	st = calloc(o->ncmds, sizeof(*st));
	if (!pids || !st) {
		free(pids);
		free(st);
		return -ENOMEM;
	}
	ret = fc_nl_open(&nl);
	if (ret) {
		if (ret == -ENOENT)
			fprintf(stderr, "fluxctl run: kernel mode needs the fluxcap module, which is not loaded (modprobe fluxcap), or use --mode ptrace\n");
		else
			fprintf(stderr, "fluxctl run: cannot talk to the fluxcap module: %s\n",
				strerror(-ret));
		goto out;
	}
	preload = fc_exec_preload(&nl, o->preload);
	ms_module = mark_ms(&mark);
	if (o->verbose && o->preload && !preload)
		fprintf(o->log, "fluxctl: the module makes the vDSO virtual: no preload\n");
	/* A run killed with SIGKILL lost its group with its socket; not its cgroup. */
	n = fc_cgroup_sweep_runs();
	if (n && o->verbose)
		fprintf(o->log, "fluxctl: removed %d empty cgroup(s) of killed runs\n", n);
	snprintf(name, sizeof(name), "run-%d", (int)getpid());
	ret = -EIO;
	/* The cgroup it makes is known: no request asks for it, or at the end. */
	if (fc_group_create("run", &nl, name, NULL,
			    FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_TRANSIENT, o->start_ns,
			    o->external, dir, sizeof(dir)))
		goto out_close;
	if (o->verbose)
		fprintf(o->log, "fluxctl: mode kernel (group %s, cgroup %s)\n", name, dir);
	ms_group = mark_ms(&mark);

	/* The commands start together: none is jumped past before all are in. */
	if (pipe2(gate, O_CLOEXEC)) {
		ret = -errno;
		fprintf(stderr, "fluxctl run: cannot make a pipe: %s\n", strerror(errno));
		fc_group_delete_owned("run", &nl, name, dir, true);
		goto out_close;
	}
	fc_forward_start(&mask);
	for (i = 0; i < o->ncmds; i++) {
		pids[i] = fc_exec_spawn("fluxctl run", dir, o->cmds[i], preload,
					&mask, gate);
		if (pids[i] < 0) {
			fprintf(stderr, "fluxctl run: cannot fork: %s\n", strerror(-pids[i]));
			st[i] = 127;
			pids[i] = 0;
			continue;
		}
		fc_forward_add(pids[i]);
	}
	close(gate[0]);
	close(gate[1]);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	ms_spawn = mark_ms(&mark);
	if (o->verbose) {
		int refused = fc_exec_clone3_refused();

		if (refused)
			fprintf(o->log, "fluxctl: clone3 into the cgroup refused (%s): commands forked, then moved in\n",
				strerror(refused));
		else
			fprintf(o->log, "fluxctl: commands started in the cgroup (clone3)\n");
	}
	wait_all(pids, st, o->ncmds, dir);
	if (o->verbose > 1)
		fprintf(o->log, "fluxctl: start-up %.1f ms (module %.1f, group and cgroup %.1f, commands started %.1f); commands %.1f ms\n",
			ms_module + ms_group + ms_spawn, ms_module, ms_group, ms_spawn,
			mark_ms(&mark));
	if (o->verbose)
		log_summary(o, &nl, name);
	mark_ms(&mark);
	/* Like ptrace mode: what the commands leave running has no clock left. */
	fc_group_delete_owned("run", &nl, name, dir, true);
	if (o->verbose > 1)
		fprintf(o->log, "fluxctl: clean-up %.1f ms (group deleted, cgroup removed)\n",
			mark_ms(&mark));

	*exit_status = 0;
	for (i = 0; i < o->ncmds && !*exit_status; i++)
		*exit_status = st[i];
	if (o->verbose && fc_forward_last())
		fprintf(o->log, "fluxctl: passed signal %d on to the commands\n",
			fc_forward_last());
	ret = 0;
out_close:
	fc_nl_close(&nl);
out:
	free(pids);
	free(st);
	return ret;
}
