// SPDX-License-Identifier: GPL-2.0
/*
 * timerfds on the virtual clock (see trace_timerfd.h). The kernel's timer
 * of the file stays unarmed; the supervisor holds a copy of the file
 * (pidfd_getfd), recognises it with kcmp(KCMP_FILE) and feeds it
 * expirations with TFD_IOC_SET_TICKS, which wakes readers as an expiry
 * does. fs/timerfd.c's semantics: every period counts, read or not; a
 * settime zeroes the count; the interval is kept even when disarmed.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/kcmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace_timerfd.h"
#include "tracemem.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

static bool same_file(const struct fc_timers *ts, const struct fc_vtimer *v, pid_t tgid, int fd)
{
	return syscall(SYS_kcmp, ts->self, tgid, KCMP_FILE, v->fd, fd) == 0;
}

/* Is fd of tgid a timerfd? Its clock id from fdinfo in *clock. */
static bool is_timerfd(pid_t tgid, int fd, int *clock)
{
	char path[64], line[128];
	bool found = false;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tgid, fd);
	n = readlink(path, line, sizeof(line) - 1);
	if (n < 0)
		return false;
	line[n] = '\0';
	if (strcmp(line, "anon_inode:[timerfd]"))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tgid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "clockid: %d", clock) == 1)
			found = true;
	fclose(f);
	return found;
}

/* The record of tgid's timerfd fd, made on first sight; NULL: not one. */
static struct fc_vtimer *timerfd_of(struct fc_timers *ts, pid_t tgid, int fd, bool create)
{
	struct fc_vtimer *v;
	int clock, pidfd, id;

	/* where it was seen last: one kcmp, not one per timerfd */
	for (v = ts->vt.all; v; v = v->next)
		if (v->kind == FC_VT_TIMERFD && v->tgid == tgid && v->id == fd &&
		    same_file(ts, v, tgid, fd))
			return v;
	for (v = ts->vt.all; v; v = v->next) {
		if (v->kind == FC_VT_TIMERFD && same_file(ts, v, tgid, fd)) {
			v->tgid = tgid;	/* the holder to look at first */
			v->id = fd;
			return v;
		}
	}
	if (!create || fd < 0 || !is_timerfd(tgid, fd, &clock) || (id = fc_tm_clock(clock)) < 0)
		return NULL;
	v = fc_vt_new(&ts->vt, FC_VT_TIMERFD, tgid, fd);
	if (!v)
		return NULL;
	ts->timerfds++;
	v->clock = id;
	pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (pidfd >= 0) {
		v->fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		close(pidfd);
	}
	if (v->fd < 0) {
		fc_tm_free(ts, v);
		return NULL;
	}
	return v;
}

/* timerfd_get_remaining(): never negative. */
static void timerfd_get(struct fc_timers *ts, struct fc_vtimer *v, s64 *remain, s64 *interval)
{
	s64 left = 0;

	*interval = v->interval;
	if (v->state == FC_VT_ARMED)
		fc_time_to_ns(fc_time_sub(v->expiry, fc_tm_vnow(ts)), &left);
	*remain = left > 0 ? left : 0;
}

enum fc_timer_action fc_timerfd_settime(struct fc_timers *ts, pid_t tid, pid_t tgid,
					 struct user_regs_struct *regs, char *desc, size_t len)
{
	static const struct itimerspec zero;
	int fd = (int)regs->rdi, flags = (int)regs->rsi;
	struct itimerspec nv, old;
	struct fc_vtimer *v;
	s64 remain, interval;

	if ((flags & ~TFD_SETTIME_FLAGS) || fc_mem_read(tid, regs->rdx, &nv, sizeof(nv)) ||
	    !fc_tm_ts_valid(&nv.it_value) || !fc_tm_ts_valid(&nv.it_interval))
		return FC_TA_RUN;
	v = timerfd_of(ts, tgid, fd, true);
	if (!v)
		return FC_TA_RUN;
	timerfd_get(ts, v, &remain, &interval);
	fc_tm_put_itimerspec(&old, remain, interval);
	/* the kernel's own timer stays unarmed; this zeroes its tick count */
	timerfd_settime(v->fd, 0, &zero, NULL);
	fc_tm_arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_nsec),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec),
	    (flags & TFD_TIMER_ABSTIME) != 0);
	v->cancel_on_set = v->clock == FC_CLOCK_REALTIME &&
			   (flags & TFD_SETTIME_FLAGS) == TFD_SETTIME_FLAGS;
	v->canceled = false;
	/* unlike a POSIX timer, a timerfd keeps the interval it was given */
	v->interval = fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	snprintf(desc, len, "timerfd_settime(%d, %s%lld.%09ld s, every %lld.%09ld s)",
		 fd, (flags & TFD_TIMER_ABSTIME) ? "at " : "in ",
		 (long long)nv.it_value.tv_sec, nv.it_value.tv_nsec,
		 (long long)nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	if (regs->r10 && fc_mem_write(tid, regs->r10, &old, sizeof(old)))
		return fc_tm_skip(regs, -EFAULT);
	return fc_tm_skip(regs, 0);
}

enum fc_timer_action fc_timerfd_gettime(struct fc_timers *ts, pid_t tid, pid_t tgid,
					 struct user_regs_struct *regs)
{
	struct fc_vtimer *v = timerfd_of(ts, tgid, (int)regs->rdi, false);
	struct itimerspec cur;
	s64 remain, interval;

	if (!v)
		return FC_TA_RUN;	/* never set: the kernel's zeros are right */
	timerfd_get(ts, v, &remain, &interval);
	fc_tm_put_itimerspec(&cur, remain, interval);
	return fc_tm_skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
}

/* Is v's file still open in a process of the tree? Remembers where. */
static bool timerfd_held(struct fc_timers *ts, struct fc_vtimer *v, const pid_t *tgids, int n)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int i, fd;

	if (same_file(ts, v, v->tgid, v->id))
		return true;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd", tgids[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			fd = atoi(e->d_name);
			if (e->d_name[0] != '.' && same_file(ts, v, tgids[i], fd)) {
				v->tgid = tgids[i];
				v->id = fd;
				closedir(d);
				return true;
			}
		}
		closedir(d);
	}
	return false;
}

#define SWEEP_MIN 32

bool fc_timerfd_sweep_due(const struct fc_timers *ts)
{
	int kept = ts->timerfds_swept;

	return ts->timerfds >= 2 * (kept > SWEEP_MIN ? kept : SWEEP_MIN);
}

void fc_timerfd_sweep(struct fc_timers *ts, const pid_t *tgids, int n)
{
	struct fc_vtimer *v, *next;

	for (v = ts->vt.all; v; v = next) {
		next = v->next;
		/* an armed one is looked at when it expires */
		if (v->kind == FC_VT_TIMERFD && v->state != FC_VT_ARMED &&
		    !timerfd_held(ts, v, tgids, n))
			fc_tm_free(ts, v);
	}
	ts->timerfds_swept = ts->timerfds;
}

/* Adds ticks to the expirations a read of the timerfd returns. */
static void add_ticks(struct fc_vtimer *v, s64 ticks)
{
	uint64_t have = 0, set;
	struct iovec io = { &have, sizeof(have) };
	char path[64], line[128];
	FILE *f;

	/* take what is unread (a reader meanwhile blocks), put back the sum */
	if (preadv2(v->fd, &io, 1, -1, RWF_NOWAIT) != sizeof(have)) {
		have = 0;
		if (errno == EOPNOTSUPP) {
			snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", v->fd);
			f = fopen(path, "re");
			while (f && fgets(line, sizeof(line), f))
				sscanf(line, "ticks: %" SCNu64, &have);
			if (f)
				fclose(f);
		}
	}
	set = have + (uint64_t)ticks;
	ioctl(v->fd, TFD_IOC_SET_TICKS, &set);
}

int fc_timerfd_fire(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time now,
		    const pid_t *tgids, int n)
{
	s64 ticks;

	if (!timerfd_held(ts, v, tgids, n)) {
		fc_tm_free(ts, v);
		return -ESRCH;
	}
	if (v->interval) {
		ticks = fc_vt_forward(v, now);
	} else {
		ticks = 1;
		v->state = FC_VT_DISARMED;
	}
	add_ticks(v, ticks);
	fc_vt_requeue(&ts->vt, v);
	return 0;
}

/* The TFD_TIMER_CANCEL_ON_SET timerfd that fd of tgid is, or NULL. */
static struct fc_vtimer *cancel_file(struct fc_timers *ts, pid_t tgid, int fd)
{
	struct fc_vtimer *v;

	for (v = ts->vt.all; v; v = v->next)
		if (v->kind == FC_VT_TIMERFD && v->cancel_on_set && same_file(ts, v, tgid, fd))
			return v;
	return NULL;
}

/* timerfd_canceled(): the read fails once, the count is dropped. */
static void take_cancel(struct fc_vtimer *v)
{
	static const struct itimerspec zero;

	v->canceled = false;
	timerfd_settime(v->fd, 0, &zero, NULL);
}

enum fc_timer_action fc_timerfd_read(struct fc_timers *ts, pid_t tgid,
				     struct user_regs_struct *regs, unsigned long *sets)
{
	struct fc_vtimer *v = cancel_file(ts, tgid, (int)regs->rdi);

	if (!v)
		return FC_TA_RUN;
	if (v->canceled) {
		take_cancel(v);
		return fc_tm_skip(regs, -ECANCELED);
	}
	*sets = ts->sets;
	return FC_TA_EXIT;
}

void fc_timerfd_read_exit(struct fc_timers *ts, pid_t tgid, unsigned long sets,
			  struct user_regs_struct *regs)
{
	struct fc_vtimer *v;

	/* a read that blocked (or ran) while the clock was set took the tick */
	if (ts->sets == sets || (long)regs->rax != 8)
		return;
	v = cancel_file(ts, tgid, (int)regs->rdi);
	if (!v || !v->canceled)
		return;
	take_cancel(v);
	regs->rax = (unsigned long)-ECANCELED;
}

void fc_timerfd_cancel(struct fc_vtimer *v)
{
	v->canceled = true;
	add_ticks(v, 1);	/* wakes readers and pollers, as the kernel does */
}
