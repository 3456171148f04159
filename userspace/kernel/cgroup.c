// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2 plumbing for groups: finding the hierarchy through
 * /proc/self/mountinfo (it is /sys/fs/cgroup on most systems, but
 * /sys/fs/cgroup/unified under a hybrid layout), turning the module's
 * cgroup paths into directories, making fluxctl's own cgroups, and writing
 * PIDs to cgroup.procs.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"

#define DEFAULT_MOUNT "/sys/fs/cgroup"

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* The first cgroup2 mount's point and root (the subtree it shows), once read. */
static char mount_point[4096], mount_root[4096];

/* Fills mount_point and mount_root from /proc/self/mountinfo. */
static int read_mount(void)
{
	char *line = NULL, *f[6], *sep, *save;
	size_t cap = 0;
	int ret = -ENOENT, i;
	FILE *fp;

	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return -errno;
	while (ret && getline(&line, &cap, fp) > 0) {
		/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE ..." */
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 6 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (!f[0] || !f[4])
			continue;
		unescape(f[3]);
		unescape(f[4]);
		if (snprintf(mount_point, sizeof(mount_point), "%s", f[4]) < (int)sizeof(mount_point) &&
		    snprintf(mount_root, sizeof(mount_root), "%s", f[3]) < (int)sizeof(mount_root))
			ret = 0;
	}
	free(line);
	fclose(fp);
	if (ret)
		mount_point[0] = '\0';
	return ret;
}

/*
 * The first cgroup2 mount's point and root, read once: a run asks three
 * times, and mountinfo is not cheap to read.
 */
static int find_mount(char *point, size_t plen, char *root, size_t rlen)
{
	int ret;

	if (!mount_point[0]) {
		ret = read_mount();
		if (ret)
			return ret;
	}
	if (snprintf(point, plen, "%s", mount_point) >= (int)plen ||
	    snprintf(root, rlen, "%s", mount_root) >= (int)rlen)
		return -ENAMETOOLONG;
	return 0;
}

int fc_cgroup_mount(char *buf, size_t len)
{
	char root[4096];

	if (!find_mount(buf, len, root, sizeof(root)))
		return 0;
	return snprintf(buf, len, DEFAULT_MOUNT) < (int)len ? 0 : -ENAMETOOLONG;
}

int fc_cgroup_dir(const char *cgpath, char *buf, size_t len)
{
	char mnt[4096], root[4096];
	size_t rl;

	if (find_mount(mnt, sizeof(mnt), root, sizeof(root))) {
		snprintf(mnt, sizeof(mnt), DEFAULT_MOUNT);
		snprintf(root, sizeof(root), "/");
	}
	/* A mount of a subtree shows paths below its root. */
	rl = strlen(root);
	if (strcmp(root, "/") && !strncmp(cgpath, root, rl) &&
	    (cgpath[rl] == '/' || !cgpath[rl]))
		cgpath += rl;
	while (*cgpath == '/')
		cgpath++;
	if (snprintf(buf, len, "%s%s%s", mnt, *cgpath ? "/" : "", cgpath) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int fc_cgroup_dir_of_arg(const char *arg, char *buf, size_t len)
{
	char mnt[4096];
	size_t ml;
	int ret;

	ret = fc_cgroup_mount(mnt, sizeof(mnt));
	if (ret)
		return ret;
	ml = strlen(mnt);
	if (!strncmp(arg, mnt, ml) && (arg[ml] == '/' || !arg[ml]))
		ret = snprintf(buf, len, "%s", arg);
	else
		ret = snprintf(buf, len, "%s/%s", mnt, arg + strspn(arg, "/"));
	return ret < (int)len ? 0 : -ENAMETOOLONG;
}

int fc_cgroup_make(const char *name, char *buf, size_t len)
{
	char mnt[4096], parent[4200];
	int ret;

	ret = fc_cgroup_mount(mnt, sizeof(mnt));
	if (ret)
		return ret;
	snprintf(parent, sizeof(parent), "%s/" FC_CGROUP_PARENT, mnt);
	if (mkdir(parent, 0755) && errno != EEXIST)
		return -errno;
	if (snprintf(buf, len, "%s/%s", parent, name) >= (int)len)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755))
		return -errno;
	return 0;
}

int fc_cgroup_sweep_runs(void)
{
	char mnt[4096], parent[4200], dir[4500];
	struct dirent *d;
	int n = 0, pid;
	DIR *dp;

	if (fc_cgroup_mount(mnt, sizeof(mnt)))
		return 0;
	snprintf(parent, sizeof(parent), "%s/" FC_CGROUP_PARENT, mnt);
	dp = opendir(parent);
	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		char end;

		if (sscanf(d->d_name, "run-%d%c", &pid, &end) != 1 || pid <= 0 ||
		    !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", parent, d->d_name);
		/* EBUSY: processes of the dead run live on there; leave it. */
		if (!rmdir(dir))
			n++;
	}
	closedir(dp);
	return n;
}

/* Whether a directory entry of a cgroup is a cgroup below it. */
static bool is_child_cgroup(const struct dirent *d)
{
	return d->d_type == DT_DIR && strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

int fc_cgroup_rmdir_tree(const char *dir)
{
	char sub[4200];
	struct dirent *d;
	DIR *dp;

	dp = opendir(dir);
	if (dp) {
		while ((d = readdir(dp))) {
			if (!is_child_cgroup(d))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name) <
			    (int)sizeof(sub))
				fc_cgroup_rmdir_tree(sub);
		}
		closedir(dp);
	}
	return rmdir(dir) ? -errno : 0;
}

/* fc_cgroup_each_proc() below dir + skip, dir being a buffer it extends. */
static int each_proc(char *dir, size_t len, size_t skip,
		     int (*fn)(pid_t pid, const char *rel, void *arg), void *arg)
{
	size_t end = strlen(dir);
	struct dirent *d;
	int ret = 0, pid;
	DIR *dp;
	FILE *f;

	if (snprintf(dir + end, len - end, "/cgroup.procs") >= (int)(len - end))
		return -ENAMETOOLONG;
	f = fopen(dir, "re");
	dir[end] = '\0';
	if (!f)
		return -errno;
	while (!ret && fscanf(f, "%d", &pid) == 1)
		ret = fn(pid, dir + skip, arg);
	fclose(f);
	dp = opendir(dir);
	if (!dp)
		return ret;
	while (!ret && (d = readdir(dp))) {
		if (!is_child_cgroup(d))
			continue;
		if (snprintf(dir + end, len - end, "/%s", d->d_name) >= (int)(len - end))
			continue;
		ret = each_proc(dir, len, skip, fn, arg);
		if (ret < 0)	/* removed meanwhile, or not ours to read */
			ret = 0;
		dir[end] = '\0';
	}
	closedir(dp);
	return ret;
}

int fc_cgroup_each_proc(const char *dir,
			int (*fn)(pid_t pid, const char *rel, void *arg),
			void *arg)
{
	char buf[4200];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	return each_proc(buf, sizeof(buf), strlen(buf), fn, arg);
}

int fc_cgroup_procs_open(const char *dir)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int fc_cgroup_procs_write(int procs_fd, pid_t pid)
{
	char num[32];
	int n;

	/* One PID per write(): that is how cgroup.procs takes them. */
	n = snprintf(num, sizeof(num), "%d\n", (int)pid);
	if (write(procs_fd, num, n) != n)
		return -errno;
	return 0;
}

int fc_cgroup_kill(const char *dir)
{
	char path[4200];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}
