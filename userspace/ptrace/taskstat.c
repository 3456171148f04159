// SPDX-License-Identifier: GPL-2.0
/*
 * Reads /proc/<tid>/task/<tid>/stat, syscall, schedstat and wchan (see
 * taskstat.h). Any thread id works as /proc/<tid>, whichever process it
 * belongs to; its task/<tid> entry is the thread's own view, whose stat
 * costs the same with 1 or 1000 threads (/proc/<tid>/stat sums the
 * whole process: 18 us a read with 1000 threads, against 3 us).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "taskstat.h"

bool fc_taskstat_status(pid_t tgid, pid_t tid, const char *key, int base,
			unsigned long long *val)
{
	size_t len = strlen(key);
	char path[64], line[256];
	bool found = false;
	FILE *f;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", tgid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", tgid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len))
			continue;
		*val = strtoull(line + len, NULL, base);
		found = true;
	}
	fclose(f);
	return found;
}

bool fc_taskstat_process_clear(pid_t tgid)
{
	unsigned long long mask;
	char path[64], line[256];
	int seen = 0;
	bool clear = true;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tgid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (clear && seen < 3 && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6)) {
			seen++;
			clear = !strpbrk(line + 6, "ZX");
		} else if (!strncmp(line, "SigPnd:", 7)) {
			seen++;
			mask = strtoull(line + 7, NULL, 16);
			clear = !((mask >> (SIGKILL - 1)) & 1);
		} else if (!strncmp(line, "ShdPnd:", 7)) {
			seen++;
			clear = !strtoull(line + 7, NULL, 16);
		}
	}
	fclose(f);
	return clear && seen == 3;
}

static ssize_t read_at(int fd, pid_t tid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int tmp = -1;

	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", tid, tid, name);
		fd = tmp = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	n = pread(fd, buf, len - 1, 0);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	if (tmp >= 0)
		close(tmp);
	return n;
}

static int open_one(pid_t tid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", tid, tid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

void fc_taskstat_open(pid_t tid, struct fc_taskstat_files *f)
{
	f->tid = tid;
	f->stat_fd = open_one(tid, "stat");
	f->sched_fd = open_one(tid, "schedstat");
	f->syscall_fd = open_one(tid, "syscall");
	f->wchan_fd = open_one(tid, "wchan");
}

void fc_taskstat_close(struct fc_taskstat_files *f)
{
	if (f->stat_fd >= 0)
		close(f->stat_fd);
	if (f->sched_fd >= 0)
		close(f->sched_fd);
	if (f->syscall_fd >= 0)
		close(f->syscall_fd);
	if (f->wchan_fd >= 0)
		close(f->wchan_fd);
	f->stat_fd = f->sched_fd = f->syscall_fd = f->wchan_fd = -1;
}

int fc_taskstat_runtime(struct fc_taskstat_files *f, struct fc_taskstat *st)
{
	char buf[256], *p;
	ssize_t n;

	n = read_at(f->sched_fd, f->tid, "schedstat", buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;
	st->runtime = strtoull(buf, &p, 10);
	strtoull(p, &p, 10);	/* time spent waiting for a CPU */
	st->slices = strtoull(p, NULL, 10);
	return 0;
}

int fc_taskstat_read(struct fc_taskstat_files *f, bool runtime, struct fc_taskstat *st)
{
	char buf[512], *p;
	ssize_t n;

	n = read_at(f->stat_fd, f->tid, "stat", buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;
	/* the command name may hold spaces and parentheses: use the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	st->state = p[2];
	st->runtime = st->slices = 0;
	return runtime ? fc_taskstat_runtime(f, st) : 0;
}

/* "nr 0xarg1 ... 0xarg6 0xsp 0xpc" of a task blocked in a syscall. */
static void parse_syscall(const char *buf, struct fc_taskstat *st)
{
	char *end;
	int i;

	st->nr = -1;
	if (st->state != 'S')
		return;
	st->nr = strtol(buf, &end, 10);
	for (i = 0; i < 6 && end != buf; i++) {
		buf = end;
		st->args[i] = strtoul(buf, &end, 16);
	}
	if (i < 6 || end == buf)
		st->nr = -1;	/* "-1 sp pc": not in a syscall */
}

int fc_taskstat_confirm(struct fc_taskstat_files *f, bool runtime, struct fc_taskstat *st)
{
	char buf[256];
	ssize_t n;

	n = read_at(f->syscall_fd, f->tid, "syscall", buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;
	st->state = strncmp(buf, "running", 7) ? 'S' : 'R';
	st->runtime = st->slices = 0;
	parse_syscall(buf, st);
	return runtime ? fc_taskstat_runtime(f, st) : 0;
}

int fc_taskstat_asleep(struct fc_taskstat_files *f)
{
	char buf[128];
	ssize_t n;

	n = read_at(f->wchan_fd, f->tid, "wchan", buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;
	return strcmp(buf, "0") != 0;
}
