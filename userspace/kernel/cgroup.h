/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup v2 side of groups: where the hierarchy is mounted, the
 * directory of a cgroup path the module reports, the cgroups fluxctl makes
 * itself (under <mount>/fluxcap/), and moving processes in. Nothing here
 * prints; functions return 0 or -errno.
 */
#ifndef _FC_CGROUP_H
#define _FC_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* Where fluxctl makes the cgroups it owns, under the cgroup2 mount. */
#define FC_CGROUP_PARENT "fluxcap"

/* The cgroup2 mount point from /proc/self/mountinfo, else /sys/fs/cgroup. */
int fc_cgroup_mount(char *buf, size_t len);

/*
 * The directory of cgroup path cgpath ("/fluxcap/t", as the module reports
 * it, relative to the cgroup2 root).
 */
int fc_cgroup_dir(const char *cgpath, char *buf, size_t len);

/*
 * The directory --cgroup PATH names: a path under the cgroup2 mount
 * (/sys/fs/cgroup/foo) as is, anything else relative to the mount.
 */
int fc_cgroup_dir_of_arg(const char *arg, char *buf, size_t len);

/*
 * Makes <mount>/fluxcap/NAME (and <mount>/fluxcap if needed) into buf.
 * -EEXIST when NAME is there already: it is not fluxctl's to own.
 */
int fc_cgroup_make(const char *name, char *buf, size_t len);

/*
 * Removes the empty cgroups <mount>/fluxcap/run-PID of `fluxctl run`s
 * whose PID is gone (killed before they could clean up). Returns how many.
 */
int fc_cgroup_sweep_runs(void);

/*
 * Removes the cgroup dir and, deepest first, the empty cgroups below it
 * (a container runtime's leftovers, such as podman's conmon/). A cgroup
 * with processes stays. Returns rmdir(dir)'s 0 or -errno (-EBUSY while
 * processes are left anywhere in the subtree).
 */
int fc_cgroup_rmdir_tree(const char *dir);

/*
 * Calls fn(pid, rel, arg) for each process in the cgroup dir and in every
 * cgroup below it, parents first; rel is the cgroup's path below dir ("" for
 * dir itself, else "/ctr"...). Pids are as the caller's pid namespace sees
 * them. fn returns 0 to go on, or a positive value to stop, which is then
 * returned; else 0, or -errno when dir's own cgroup.procs cannot be read
 * (a cgroup below that cannot be read, or went meanwhile, is passed over).
 */
int fc_cgroup_each_proc(const char *dir,
			int (*fn)(pid_t pid, const char *rel, void *arg),
			void *arg);

/* Opens dir/cgroup.procs for writing; returns the fd or -errno. */
int fc_cgroup_procs_open(const char *dir);
/* Moves process pid (0: the caller) into the cgroup of procs_fd. */
int fc_cgroup_procs_write(int procs_fd, pid_t pid);

/* Kills everything in the cgroup (cgroup.kill, Linux 5.14+). */
int fc_cgroup_kill(const char *dir);

#endif /* _FC_CGROUP_H */
