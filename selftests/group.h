/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the group selftests: a cgroup v2 directory per test, a
 * fluxcap group bound to it over raw generic netlink (genl.h), and members:
 * forked children that first join the cgroup, run one function, and send a
 * fixed-size struct fx_result back through a pipe. The test process itself
 * is never a member, so its CLOCK_MONOTONIC (vDSO) is real time; members
 * read virtual time with the clock_gettime *syscall* (glibc's vDSO path is
 * not virtualised without the preload library).
 *
 * Member functions run in the child: they must not use the harness's
 * ASSERT/EXPECT macros, only fill in the result.
 *
 * Header-only, static inline, like genl.h: each selftest is one .c file.
 */
#ifndef _FC_SELFTEST_GROUP_H
#define _FC_SELFTEST_GROUP_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/fluxcap.h>
#include <linux/magic.h>

#include "genl.h"
#include "group_genl.h"

#define FX_CGROOT	"/sys/fs/cgroup"
#define FX_NSEC		1000000000LL
#define FX_MSEC		1000000LL
/* A jumped wait must come back within this much real time (TCG is slow). */
#define FX_BOUND_MS	20000
#define FX_MAX_KIDS	16
#define FX_NOBODY	65534

/* ---- time ---- */

static inline long long fx_ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * FX_NSEC + ts->tv_nsec;
}

static inline struct timespec fx_ns_ts(long long ns)
{
	struct timespec ts = { .tv_sec = ns / FX_NSEC, .tv_nsec = ns % FX_NSEC };

	return ts;
}

/* The caller's CLOCK_MONOTONIC through the vDSO: real time, even in a member. */
static inline long long fx_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fx_ts_ns(&ts);
}

/* The clock as the kernel tells it (syscall): virtual time in a member. */
static inline long long fx_vclock_ns(clockid_t clk)
{
	struct timespec ts = { 0, 0 };

	if (syscall(SYS_clock_gettime, clk, &ts))
		return -1;
	return fx_ts_ns(&ts);
}

/* Real sleep of the (non-member) test process; restarts after signals. */
static inline void fx_msleep(long ms)
{
	struct timespec ts = fx_ns_ts(ms * FX_MSEC);

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* ---- cgroup v2 ---- */

static inline int fx_write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(s))
		ret = -EIO;
	close(fd);
	return ret;
}

/* Makes sure cgroup2 is at FX_CGROOT, mounting it if nothing is there. */
static inline int fx_cgroup2_ready(void)
{
	struct statfs sf;

	if (statfs(FX_CGROOT, &sf))
		return -errno;
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return 0;
	if (mount("cgroup2", FX_CGROOT, "cgroup2", 0, NULL))
		return -errno;
	return 0;
}

/* Moves pid (0: the caller) into the cgroup directory dir. */
static inline int fx_cg_move(pid_t pid, const char *dir)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	return fx_write_file(path, buf);
}

/* Whether the cgroup still holds a task (cgroup.events "populated 1"). */
static inline bool fx_cg_populated(const char *dir)
{
	char path[256], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

/* SIGKILLs every task in dir (cgroup.kill, else each pid of cgroup.procs). */
static inline void fx_cg_kill_all(const char *dir)
{
	char path[256];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (!fx_write_file(path, "1"))
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1)
		kill(pid, SIGKILL);
	fclose(f);
}

/* Empties (SIGKILL) and removes dir, retrying while tasks are being reaped. */
static inline int fx_cg_destroy(const char *dir)
{
	long long end = fx_real_ns() + 10 * FX_NSEC;

	for (;;) {
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		if (errno != EBUSY || fx_real_ns() > end)
			return -errno;
		fx_cg_kill_all(dir);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		fx_msleep(10);
	}
}

/* The cgroup id of dir: the kernfs inode number on 64-bit. */
static inline unsigned long long fx_cg_id(const char *dir)
{
	struct stat st;

	return stat(dir, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* ---- members ---- */

struct fx_result {
	long long ret;		/* the wait's return value */
	int err;		/* errno after it */
	short nosend;		/* set by a function that sends its own result */
	short goes_on;		/* set before fx_send(): the member keeps running */
	long long t0, t1;	/* virtual CLOCK_MONOTONIC (syscall) before, after */
	long long v[8];		/* anything else */
	char msg[128];
};

typedef void (*fx_fn)(struct fx_result *r, void *arg);

struct fx_child {
	pid_t pid;
	int res_fd, rdy_fd;
	int status;
	bool reaped;
	long long t_spawn, t_ready, t_done;	/* real, test process */
};

/* In a member: where its result and ready byte go. */
static int fx_res_fd = -1, fx_rdy_fd = -1;

static inline void fx_send(const struct fx_result *r)
{
	if (write(fx_res_fd, r, sizeof(*r)) != sizeof(*r))
		_exit(99);
}

/* In a member: tells the test it is about to wait. */
static inline void fx_ready(void)
{
	if (write(fx_rdy_fd, "r", 1) != 1)
		_exit(98);
}

#define FX_NOJOIN	(-1000)		/* r.ret of a child that could not join */

/*
 * Forks a child that joins cgdir (NULL: stays out), runs fn and sends its
 * result. Return: the child, or NULL with errno set.
 */
static inline struct fx_child *fx_spawn_in(struct fx_child *kids, int *nkids,
					   const char *cgdir, fx_fn fn, void *arg)
{
	struct fx_child *c;
	int res[2], rdy[2];

	if (*nkids >= FX_MAX_KIDS) {
		errno = ENOSPC;
		return NULL;
	}
	c = &kids[*nkids];
	memset(c, 0, sizeof(*c));
	if (pipe2(res, O_CLOEXEC))
		return NULL;
	if (pipe2(rdy, O_CLOEXEC)) {
		close(res[0]);
		close(res[1]);
		return NULL;
	}
	fflush(stdout);
	fflush(stderr);
	c->t_spawn = fx_real_ns();
	c->pid = fork();
	if (c->pid == 0) {
		struct fx_result r;

		memset(&r, 0, sizeof(r));
		close(res[0]);
		close(rdy[0]);
		fx_res_fd = res[1];
		fx_rdy_fd = rdy[1];
		if (cgdir && fx_cg_move(0, cgdir)) {
			r.ret = FX_NOJOIN;
			r.err = errno;
			snprintf(r.msg, sizeof(r.msg), "joining %.100s failed", cgdir);
		} else {
			fn(&r, arg);
		}
		if (!r.nosend)
			fx_send(&r);
		_exit(0);
	}
	close(res[1]);
	close(rdy[1]);
	if (c->pid < 0) {
		close(res[0]);
		close(rdy[0]);
		return NULL;
	}
	c->res_fd = res[0];
	c->rdy_fd = rdy[0];
	(*nkids)++;
	return c;
}

/* Waits up to ms for the child's ready byte. Return: 0 or -ETIMEDOUT/-EPIPE. */
static inline int fx_wait_ready(struct fx_child *c, long ms)
{
	struct pollfd p = { .fd = c->rdy_fd, .events = POLLIN };
	char b;

	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	if (read(c->rdy_fd, &b, 1) != 1)
		return -EPIPE;
	c->t_ready = fx_real_ns();
	return 0;
}

/* Whether the child's result is waiting to be read (it has returned). */
static inline bool fx_has_result(struct fx_child *c)
{
	struct pollfd p = { .fd = c->res_fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/* Waits up to ms (real) for exit status; Return: 0 or -ETIMEDOUT. */
static inline int fx_reap(struct fx_child *c, long ms)
{
	long long end = fx_real_ns() + ms * FX_MSEC;

	while (!c->reaped) {
		pid_t p = waitpid(c->pid, &c->status, WNOHANG);

		if (p == c->pid || (p < 0 && errno == ECHILD)) {
			c->reaped = true;
			break;
		}
		if (fx_real_ns() > end)
			return -ETIMEDOUT;
		fx_msleep(2);
	}
	return 0;
}

/*
 * Waits up to ms (real) for the child's result, then reaps it (unless it
 * said it goes on); c->t_done is when the result arrived. Return: 0, -ETIMEDOUT, or -EPIPE (the child
 * ended without a result).
 */
static inline int fx_collect(struct fx_child *c, long ms, struct fx_result *r)
{
	long long end = fx_real_ns() + ms * FX_MSEC;
	size_t got = 0;

	memset(r, 0, sizeof(*r));
	while (got < sizeof(*r)) {
		struct pollfd p = { .fd = c->res_fd, .events = POLLIN };
		long long left = end - fx_real_ns();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left / FX_MSEC + 1) <= 0)
			return -ETIMEDOUT;
		n = read(c->res_fd, (char *)r + got, sizeof(*r) - got);
		if (n <= 0)
			return -EPIPE;
		got += n;
	}
	c->t_done = fx_real_ns();
	if (!r->goes_on)
		fx_reap(c, 5000);
	return 0;
}

/* The scheduler state letter of /proc/<pid>/task/<tid>/stat, or 0. */
static inline char fx_task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)(tid ? tid : pid));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Waits up to ms for the task's state to be one of states. Return: 0 or -ETIMEDOUT. */
static inline int fx_wait_state(pid_t pid, pid_t tid, const char *states, long ms)
{
	long long end = fx_real_ns() + ms * FX_MSEC;

	for (;;) {
		char st = fx_task_state(pid, tid);

		if (st && strchr(states, st))
			return 0;
		if (fx_real_ns() > end)
			return -ETIMEDOUT;
		fx_msleep(1);
	}
}

/* ---- one test's environment: a cgroup, a group, its members ---- */

struct fx_env {
	struct genl_sock sock;
	__u16 family;
	bool skipped, have_cg, have_group;
	char name[FLUXCAP_GROUP_NAME_MAX];	/* the group: fxt-TAG-PID */
	char cgpath[64];			/* its cgroup: /fxt-TAG-PID */
	char cgdir[128];			/* FX_CGROOT + cgpath */
	struct fx_group info;			/* NEW_GROUP's reply */
	char why[256];				/* what went wrong in setup */
	int nkids;
	struct fx_child kids[FX_MAX_KIDS];
};

/*
 * Opens the socket and checks the preconditions. Return: 0; 1 to skip
 * (module not loaded, not root; e->why says which); -errno on failure.
 */
static inline int fx_env_init(struct fx_env *e, const char *tag)
{
	struct genl_family_info fam;
	int ret;

	memset(e, 0, sizeof(*e));
	e->sock.fd = -1;
	snprintf(e->name, sizeof(e->name), "fxt-%s-%d", tag, (int)getpid());
	snprintf(e->cgpath, sizeof(e->cgpath), "/%s", e->name);
	snprintf(e->cgdir, sizeof(e->cgdir), FX_CGROOT "%s", e->cgpath);
	ret = genl_open(&e->sock);
	if (ret) {
		snprintf(e->why, sizeof(e->why), "netlink socket: %s", strerror(-ret));
		return ret;
	}
	ret = genl_resolve(&e->sock, FLUXCAP_GENL_NAME, &fam);
	if (ret == -ENOENT && access("/sys/module/fluxcap", F_OK)) {
		snprintf(e->why, sizeof(e->why), "fluxcap.ko is not loaded");
		return 1;
	}
	if (ret) {
		snprintf(e->why, sizeof(e->why), "resolving \"%s\": %s (module loaded)",
			 FLUXCAP_GENL_NAME, strerror(-ret));
		return ret;
	}
	e->family = fam.id;
	if (geteuid() != 0) {
		snprintf(e->why, sizeof(e->why), "needs root (cgroups, CAP_NET_ADMIN)");
		return 1;
	}
	ret = fx_cgroup2_ready();
	if (ret) {
		snprintf(e->why, sizeof(e->why), "no cgroup2 at " FX_CGROOT ": %s", strerror(-ret));
		return ret;
	}
	ret = fx_group_dump(&e->sock, e->family, NULL, NULL);
	if (ret < 0) {
		snprintf(e->why, sizeof(e->why), "GET_GROUP dump: %s%s", strerror(-ret),
			 ret == -EOPNOTSUPP ? " (the module has no groups yet)" : "");
		return ret;
	}
	return 0;
}

/* Makes the cgroup and (flags >= -1) the group; flags -1: no FLAGS attribute. */
static inline int fx_env_make(struct fx_env *e, long long flags)
{
	int ret;

	if (mkdir(e->cgdir, 0755)) {
		ret = -errno;
		snprintf(e->why, sizeof(e->why), "mkdir %s: %s", e->cgdir, strerror(errno));
		return ret;
	}
	e->have_cg = true;
	if (flags < -1)
		return 0;
	ret = fx_group_new(&e->sock, e->family, e->name, e->cgpath, -1, flags, &e->info);
	if (ret) {
		snprintf(e->why, sizeof(e->why), "NEW_GROUP %s on %s: %s (%.100s)", e->name,
			 e->cgpath, strerror(-ret), e->sock.ext_msg);
		fx_cg_destroy(e->cgdir);
		e->have_cg = false;
		return ret;
	}
	e->have_group = true;
	return 0;
}

/* Kills and reaps every member and child, deletes the group, removes the cgroup. */
static inline void fx_env_cleanup(struct fx_env *e)
{
	int i;

	if (e->have_cg)
		fx_cg_kill_all(e->cgdir);
	for (i = 0; i < e->nkids; i++) {
		struct fx_child *c = &e->kids[i];

		if (!c->reaped && c->pid > 0) {
			kill(c->pid, SIGKILL);
			fx_reap(c, 10000);
		}
		close(c->res_fd);
		close(c->rdy_fd);
	}
	e->nkids = 0;
	if (e->have_group && e->sock.fd >= 0)
		fx_group_simple(&e->sock, e->family, FLUXCAP_CMD_DEL_GROUP, e->name, NULL);
	e->have_group = false;
	if (e->have_cg)
		fx_cg_destroy(e->cgdir);
	e->have_cg = false;
	genl_close(&e->sock);
}

static inline struct fx_child *fx_spawn(struct fx_env *e, fx_fn fn, void *arg)
{
	return fx_spawn_in(e->kids, &e->nkids, e->cgdir, fn, arg);
}

static inline int fx_get(struct fx_env *e, struct fx_group *g)
{
	return fx_group_simple(&e->sock, e->family, FLUXCAP_CMD_GET_GROUP, e->name, g);
}

/*
 * FIXTURE_SETUP body for a fixture whose data has a struct fx_env e:
 * skips outside the VM (no module, not root), fails on anything else.
 */
#define FX_SETUP(tag, flags) do {						\
	int __r = fx_env_init(&self->e, tag);					\
	if (__r > 0) {								\
		self->e.skipped = true;						\
		SKIP(return, "%s", self->e.why);				\
	}									\
	ASSERT_EQ(0, __r) TH_LOG("%s", self->e.why);				\
	__r = fx_env_make(&self->e, flags);					\
	ASSERT_EQ(0, __r) TH_LOG("%s", self->e.why);				\
} while (0)

/* 6.1's harness still runs the test body after a SKIP() in FIXTURE_SETUP. */
#define FX_RETURN_IF_SKIPPED() do { if (self->e.skipped) return; } while (0)

/* Member helper: the wait's result and errno, with virtual clock around it. */
#define FX_TIMED(r, call) do {							\
	(r)->t0 = fx_vclock_ns(CLOCK_MONOTONIC);				\
	errno = 0;								\
	(r)->ret = (call);							\
	(r)->err = errno;							\
	(r)->t1 = fx_vclock_ns(CLOCK_MONOTONIC);				\
} while (0)

#endif /* _FC_SELFTEST_GROUP_H */
