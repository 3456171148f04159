// SPDX-License-Identifier: GPL-2.0
/*
 * Timer syscalls and timer firing in ptrace mode (see trace_timer.h).
 *
 * The kernel's semantics this follows (kernel/time/posix-timers.c,
 * itimer.c, fs/timerfd.c): a periodic POSIX timer is rearmed when its
 * signal is dequeued, forwarded past that moment, and the skipped periods
 * are its overrun; a re-armed or deleted timer's pending signal is dropped;
 * ITIMER_REAL likewise rearms when SIGALRM is dequeued, without counting;
 * a timerfd counts every period, read or not.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "trace_timer.h"
#include "trace_wait.h"
#include "tracemem.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif
#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
/* marks the SIGALRM of an emulated ITIMER_REAL, rewritten to SI_KERNEL */
#define ITIMER_MAGIC 0x46435450

static const char *const clock_names[] = {
	[FC_CLOCK_MONOTONIC] = "CLOCK_MONOTONIC",
	[FC_CLOCK_BOOTTIME] = "CLOCK_BOOTTIME",
	[FC_CLOCK_REALTIME] = "CLOCK_REALTIME",
	[FC_CLOCK_TAI] = "CLOCK_TAI",
};

void fc_timers_init(struct fc_timers *ts, const struct fc_clock *clk)
{
	fc_vt_init(&ts->vt);
	ts->clk = clk;
	ts->self = getpid();
}

static void free_timer(struct fc_timers *ts, struct fc_vtimer *v)
{
	if (v->fd >= 0)
		close(v->fd);
	fc_vt_free(&ts->vt, v);
}

void fc_timers_destroy(struct fc_timers *ts)
{
	while (ts->vt.all)
		free_timer(ts, ts->vt.all);
}

bool fc_timers_traps(long nr)
{
	switch (nr) {
	case SYS_timer_create:
	case SYS_timer_settime:
	case SYS_timer_gettime:
	case SYS_timer_getoverrun:
	case SYS_timer_delete:
	case SYS_alarm:
	case SYS_setitimer:
	case SYS_getitimer:
	case SYS_timerfd_settime:
	case SYS_timerfd_gettime:
		return true;
	default:
		return false;
	}
}

/* The clocks whose timers run on virtual time; -1: leave it to the kernel. */
static int timer_clock(long id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		return FC_CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
		return FC_CLOCK_MONOTONIC;
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return FC_CLOCK_BOOTTIME;
	case CLOCK_TAI:
		return FC_CLOCK_TAI;
	default:
		return -1;
	}
}

static struct fc_time host_of(const struct fc_host_now *now, enum fc_clockid id)
{
	switch (id) {
	case FC_CLOCK_BOOTTIME:
		return now->boot;
	case FC_CLOCK_REALTIME:
		return now->real;
	case FC_CLOCK_TAI:
		return now->tai;
	default:
		return now->mono;
	}
}

static struct fc_time vnow_of(const struct fc_timers *ts, const struct fc_host_now *now)
{
	return fc_clock_to_virtual(ts->clk, FC_CLOCK_MONOTONIC, now->mono);
}

/*
 * An arming's expiry on the queue's base. A value the kernel's ktime
 * saturates (relative: host now + value past KTIME_MAX; absolute: past
 * KTIME_MAX) never fires natively: *forever.
 */
static struct fc_time expiry_of(const struct fc_timers *ts, enum fc_clockid id, s64 value,
				bool abs, bool *forever)
{
	struct fc_host_now now;
	s64 host_ns;

	fc_host_now(&now);
	if (abs) {
		*forever = value == S64_MAX;
		return fc_clock_deadline_mono(ts->clk, id, fc_time_from_ns(value), now.mono,
					      host_of(&now, id));
	}
	fc_time_to_ns(now.mono, &host_ns);
	*forever = fc_ns_add_sat(host_ns, value) == S64_MAX;
	return fc_time_add_ns(vnow_of(ts, &now), value);
}

static struct fc_time vnow(const struct fc_timers *ts)
{
	struct fc_host_now now;

	fc_host_now(&now);
	return vnow_of(ts, &now);
}

static bool ts_valid(const struct timespec *t)
{
	return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < 1000000000L;
}

static struct timespec ns_ts(s64 ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
}

static struct timeval ns_tv(s64 ns)
{
	return (struct timeval){ .tv_sec = ns / 1000000000LL,
				 .tv_usec = (ns % 1000000000LL) / 1000 };
}

static enum fc_timer_action skip(struct user_regs_struct *regs, long ret)
{
	regs->orig_rax = -1;
	regs->rax = (unsigned long)ret;
	return FC_TA_SKIP;
}

static int overrun_int(s64 overrun)
{
	return overrun > INT_MAX ? INT_MAX : (int)overrun;
}

/* Arms v from a validated value/interval pair (ns) of its clock. */
static void arm(struct fc_timers *ts, struct fc_vtimer *v, s64 value, s64 interval, bool abs)
{
	bool forever = false;
	struct fc_time expiry = { 0, 0 };

	if (value)
		expiry = expiry_of(ts, v->clock, value, abs, &forever);
	v->forever = forever;
	fc_vt_set(&ts->vt, v, expiry, value != 0, interval);
}

/* ---- POSIX timers ---- */

static struct fc_vtimer *posix_find(struct fc_timers *ts, pid_t tgid, long id)
{
	return id < 0 || id > INT_MAX ? NULL : fc_vt_find(&ts->vt, FC_VT_POSIX, tgid, (int)id);
}

static enum fc_timer_action timer_create_entry(pid_t tid, struct user_regs_struct *regs,
					       struct fc_timer_call *c)
{
	struct sigevent ev;
	int id = timer_clock((long)(int)regs->rdi);

	if (id < 0)
		return FC_TA_RUN;
	c->clock = id;
	c->have_sev = regs->rsi != 0;
	if (c->have_sev) {
		if (fc_mem_read(tid, regs->rsi, &ev, sizeof(ev)))
			return FC_TA_RUN;
		c->notify = ev.sigev_notify;
		c->signo = ev.sigev_signo;
		c->tid = ev._sigev_un._tid;
		c->value = (unsigned long long)(uintptr_t)ev.sigev_value.sival_ptr;
	}
	c->id_addr = regs->rdx;
	return FC_TA_EXIT;
}

static void timer_create_exit(struct fc_timers *ts, pid_t tid, pid_t tgid,
			      const struct fc_timer_call *c, struct user_regs_struct *regs)
{
	struct fc_vtimer *v;
	int id;

	if (regs->rax != 0 || fc_mem_read(tid, c->id_addr, &id, sizeof(id)))
		return;
	v = posix_find(ts, tgid, id);
	if (v)
		free_timer(ts, v);
	v = fc_vt_new(&ts->vt, FC_VT_POSIX, tgid, id);
	if (!v)
		return;
	v->clock = c->clock;
	v->notify = SIGEV_SIGNAL;
	v->signo = SIGALRM;
	v->value = (unsigned int)id;
	if (c->have_sev) {
		v->notify = c->notify;
		v->signo = c->signo;
		v->tid = c->tid;
		v->value = c->value;
	}
	v->silent = v->notify == SIGEV_NONE;
}

static void put_itimerspec(struct itimerspec *its, s64 remain, s64 interval)
{
	its->it_value = ns_ts(remain);
	its->it_interval = ns_ts(interval);
}

static enum fc_timer_action timer_settime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						struct user_regs_struct *regs,
						struct fc_timer_call *c)
{
	struct fc_vtimer *v = posix_find(ts, tgid, (long)(int)regs->rdi);
	struct itimerspec nv, old;
	s64 remain, interval;

	if (!v || !regs->rdx || fc_mem_read(tid, regs->rdx, &nv, sizeof(nv)) ||
	    !ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
		return FC_TA_RUN;	/* the kernel's error: EINVAL, EFAULT */
	fc_vt_get(v, vnow(ts), &remain, &interval);
	put_itimerspec(&old, remain, interval);
	arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_nsec),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec),
	    (regs->rsi & TIMER_ABSTIME) != 0);
	snprintf(c->desc, sizeof(c->desc), "timer_settime(%d, %s%lld.%09ld s, every %lld.%09ld s)",
		 v->id, (regs->rsi & TIMER_ABSTIME) ? "at " : "in ",
		 (long long)nv.it_value.tv_sec, nv.it_value.tv_nsec,
		 (long long)nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	if (regs->r10 && fc_mem_write(tid, regs->r10, &old, sizeof(old)))
		return skip(regs, -EFAULT);
	return skip(regs, 0);
}

static enum fc_timer_action timer_gettime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						struct user_regs_struct *regs)
{
	struct fc_vtimer *v = posix_find(ts, tgid, (long)(int)regs->rdi);
	struct itimerspec cur;
	s64 remain, interval;

	if (!v)
		return FC_TA_RUN;
	fc_vt_get(v, vnow(ts), &remain, &interval);
	put_itimerspec(&cur, remain, interval);
	return skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
}

/* Deleted, or gone with its process's exec: its signals out are dropped. */
static void posix_delete(struct fc_timers *ts, struct fc_vtimer *v)
{
	fc_vt_set(&ts->vt, v, v->expiry, false, 0);
	v->dead = true;
	if (!v->stale)
		free_timer(ts, v);
	else
		fc_vt_requeue(&ts->vt, v);
}

/* ---- ITIMER_REAL ---- */

static struct fc_vtimer *itimer_of(struct fc_timers *ts, pid_t tgid)
{
	struct fc_vtimer *v = fc_vt_find(&ts->vt, FC_VT_ITIMER, tgid, 0);

	if (!v) {
		v = fc_vt_new(&ts->vt, FC_VT_ITIMER, tgid, 0);
		if (v) {
			v->clock = FC_CLOCK_MONOTONIC;
			v->notify = SIGEV_SIGNAL;
			v->signo = SIGALRM;
		}
	}
	return v;
}

/* itimer_get_remtime(): an active timer that is due reads 1 us. */
static void itimer_get(struct fc_timers *ts, struct fc_vtimer *v, s64 *remain, s64 *interval)
{
	s64 left;

	*remain = 0;
	*interval = v->interval;
	if (v->state != FC_VT_ARMED)
		return;
	fc_time_to_ns(fc_time_sub(v->expiry, vnow(ts)), &left);
	*remain = left > 0 ? left : 1000;
}

static enum fc_timer_action alarm_entry(struct fc_timers *ts, pid_t tgid,
					struct user_regs_struct *regs, struct fc_timer_call *c)
{
	struct fc_vtimer *v = itimer_of(ts, tgid);
	unsigned int secs = (unsigned int)regs->rdi;
	s64 remain, interval;
	long long ret;

	if (!v)
		return FC_TA_RUN;
	itimer_get(ts, v, &remain, &interval);
	arm(ts, v, fc_vt_ns(secs, 0), 0, false);
	snprintf(c->desc, sizeof(c->desc), "alarm(%u)", secs);
	/* alarm_setitimer(): never 0 while one is pending, rounded to nearest */
	ret = remain / 1000000000LL;
	if ((!ret && remain) || remain % 1000000000LL >= 500000000LL)
		ret++;
	return skip(regs, ret);
}

static enum fc_timer_action setitimer_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
					    struct user_regs_struct *regs,
					    struct fc_timer_call *c)
{
	struct itimerval nv = { { 0, 0 }, { 0, 0 } }, old;
	struct fc_vtimer *v;
	s64 remain, interval;

	if ((int)regs->rdi != ITIMER_REAL)
		return FC_TA_RUN;	/* CPU time, or EINVAL */
	if (regs->rsi && fc_mem_read(tid, regs->rsi, &nv, sizeof(nv)))
		return FC_TA_RUN;
	if (nv.it_value.tv_sec < 0 || nv.it_value.tv_usec < 0 ||
	    nv.it_value.tv_usec >= 1000000 || nv.it_interval.tv_sec < 0 ||
	    nv.it_interval.tv_usec < 0 || nv.it_interval.tv_usec >= 1000000)
		return FC_TA_RUN;
	v = itimer_of(ts, tgid);
	if (!v)
		return FC_TA_RUN;
	itimer_get(ts, v, &remain, &interval);
	old.it_value = ns_tv(remain);
	old.it_interval = ns_tv(interval);
	arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_usec * 1000LL),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_usec * 1000LL), false);
	snprintf(c->desc, sizeof(c->desc), "setitimer(ITIMER_REAL, in %lld.%06ld s, every %lld.%06ld s)",
		 (long long)nv.it_value.tv_sec, (long)nv.it_value.tv_usec,
		 (long long)nv.it_interval.tv_sec, (long)nv.it_interval.tv_usec);
	if (regs->rdx && fc_mem_write(tid, regs->rdx, &old, sizeof(old)))
		return skip(regs, -EFAULT);
	return skip(regs, 0);
}

static enum fc_timer_action getitimer_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
					    struct user_regs_struct *regs)
{
	struct fc_vtimer *v = fc_vt_find(&ts->vt, FC_VT_ITIMER, tgid, 0);
	struct itimerval cur = { { 0, 0 }, { 0, 0 } };
	s64 remain, interval;

	if ((int)regs->rdi != ITIMER_REAL)
		return FC_TA_RUN;
	if (v) {
		itimer_get(ts, v, &remain, &interval);
		cur.it_value = ns_tv(remain);
		cur.it_interval = ns_tv(interval);
	}
	return skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
}

/* ---- timerfd ---- */

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

	for (v = ts->vt.all; v; v = v->next) {
		if (v->kind == FC_VT_TIMERFD && same_file(ts, v, tgid, fd)) {
			v->tgid = tgid;	/* the holder to look at first */
			v->id = fd;
			return v;
		}
	}
	if (!create || fd < 0 || !is_timerfd(tgid, fd, &clock) || (id = timer_clock(clock)) < 0)
		return NULL;
	v = fc_vt_new(&ts->vt, FC_VT_TIMERFD, tgid, fd);
	if (!v)
		return NULL;
	v->clock = id;
	pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (pidfd >= 0) {
		v->fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		close(pidfd);
	}
	if (v->fd < 0) {
		free_timer(ts, v);
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
		fc_time_to_ns(fc_time_sub(v->expiry, vnow(ts)), &left);
	*remain = left > 0 ? left : 0;
}

static enum fc_timer_action timerfd_settime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						  struct user_regs_struct *regs,
						  struct fc_timer_call *c)
{
	static const struct itimerspec zero;
	int fd = (int)regs->rdi, flags = (int)regs->rsi;
	struct itimerspec nv, old;
	struct fc_vtimer *v;
	s64 remain, interval;

	if ((flags & ~TFD_SETTIME_FLAGS) || fc_mem_read(tid, regs->rdx, &nv, sizeof(nv)) ||
	    !ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
		return FC_TA_RUN;
	v = timerfd_of(ts, tgid, fd, true);
	if (!v)
		return FC_TA_RUN;
	timerfd_get(ts, v, &remain, &interval);
	put_itimerspec(&old, remain, interval);
	/* the kernel's own timer stays unarmed; this zeroes its tick count */
	timerfd_settime(v->fd, 0, &zero, NULL);
	arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_nsec),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec),
	    (flags & TFD_TIMER_ABSTIME) != 0);
	/* unlike a POSIX timer, a timerfd keeps the interval it was given */
	v->interval = fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	snprintf(c->desc, sizeof(c->desc), "timerfd_settime(%d, %s%lld.%09ld s, every %lld.%09ld s)",
		 fd, (flags & TFD_TIMER_ABSTIME) ? "at " : "in ",
		 (long long)nv.it_value.tv_sec, nv.it_value.tv_nsec,
		 (long long)nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	if (regs->r10 && fc_mem_write(tid, regs->r10, &old, sizeof(old)))
		return skip(regs, -EFAULT);
	return skip(regs, 0);
}

static enum fc_timer_action timerfd_gettime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						  struct user_regs_struct *regs)
{
	struct fc_vtimer *v = timerfd_of(ts, tgid, (int)regs->rdi, false);
	struct itimerspec cur;
	s64 remain, interval;

	if (!v)
		return FC_TA_RUN;	/* never set: the kernel's zeros are right */
	timerfd_get(ts, v, &remain, &interval);
	put_itimerspec(&cur, remain, interval);
	return skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
}

/* ---- entry and exit ---- */

enum fc_timer_action fc_timers_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
				     struct user_regs_struct *regs, struct fc_timer_call *c)
{
	struct fc_vtimer *v;

	memset(c, 0, sizeof(*c));
	c->nr = (long)regs->orig_rax;
	switch (c->nr) {
	case SYS_timer_create:
		return timer_create_entry(tid, regs, c);
	case SYS_timer_settime:
		return timer_settime_entry(ts, tid, tgid, regs, c);
	case SYS_timer_gettime:
		return timer_gettime_entry(ts, tid, tgid, regs);
	case SYS_timer_getoverrun:
		v = posix_find(ts, tgid, (long)(int)regs->rdi);
		return v ? skip(regs, v->overrun_last) : FC_TA_RUN;
	case SYS_timer_delete:
		v = posix_find(ts, tgid, (long)(int)regs->rdi);
		if (v)
			posix_delete(ts, v);
		return FC_TA_RUN;
	case SYS_alarm:
		return alarm_entry(ts, tgid, regs, c);
	case SYS_setitimer:
		return setitimer_entry(ts, tid, tgid, regs, c);
	case SYS_getitimer:
		return getitimer_entry(ts, tid, tgid, regs);
	case SYS_timerfd_settime:
		return timerfd_settime_entry(ts, tid, tgid, regs, c);
	case SYS_timerfd_gettime:
		return timerfd_gettime_entry(ts, tid, tgid, regs);
	default:
		return FC_TA_RUN;
	}
}

void fc_timers_exit(struct fc_timers *ts, pid_t tid, pid_t tgid,
		    const struct fc_timer_call *c, struct user_regs_struct *regs)
{
	if (c->nr == SYS_timer_create)
		timer_create_exit(ts, tid, tgid, c, regs);
}

/* ---- dequeue ---- */

static bool ours_itimer(const struct fc_timers *ts, const siginfo_t *si)
{
	return si->si_signo == SIGALRM && si->si_code == SI_QUEUE && si->si_pid == ts->self &&
	       si->si_value.sival_int == ITIMER_MAGIC;
}

static struct fc_vtimer *posix_any(struct fc_timers *ts, pid_t tgid, int id, int signo)
{
	struct fc_vtimer *v;

	for (v = ts->vt.all; v; v = v->next)
		if (v->kind == FC_VT_POSIX && v->tgid == tgid && v->id == id &&
		    v->signo == signo && (v->sent || v->stale))
			return v;
	return NULL;
}

/* A periodic timer's signal left the queue at vnow: rearm it. */
static void rearm(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time now)
{
	if (!v->interval || v->state != FC_VT_SIGNALLED)
		return;
	v->overrun = fc_ns_add_sat(v->overrun, fc_vt_forward(v, now));
	if (v->kind == FC_VT_POSIX) {
		v->overrun_last = overrun_int(v->overrun);
		v->overrun = -1;
	}
	v->state = FC_VT_ARMED;
	fc_vt_requeue(&ts->vt, v);
}

bool fc_timers_dequeued(struct fc_timers *ts, pid_t tgid, siginfo_t *si, bool *changed)
{
	struct fc_time now = vnow(ts);
	struct fc_vtimer *v;

	*changed = false;
	if (si->si_signo == SIGALRM) {
		/* any SIGALRM dequeued rearms ITIMER_REAL (kernel/signal.c) */
		v = fc_vt_find(&ts->vt, FC_VT_ITIMER, tgid, 0);
		if (ours_itimer(ts, si)) {
			memset(si, 0, sizeof(*si));
			si->si_signo = SIGALRM;
			si->si_code = SI_KERNEL;
			*changed = true;
			if (v && v->sent)
				v->sent--;
		}
		if (v)
			rearm(ts, v, now);
	}
	if (si->si_code != SI_TIMER)
		return true;
	v = posix_any(ts, tgid, si->si_timerid, si->si_signo);
	if (!v)
		return true;
	if (v->stale) {
		v->stale--;
		if (v->dead && !v->stale)
			free_timer(ts, v);
		return false;
	}
	v->sent--;
	if (v->interval && v->state == FC_VT_SIGNALLED) {
		rearm(ts, v, now);
		si->si_overrun = v->overrun_last;
		*changed = true;
	}
	return true;
}

void fc_timers_sigwait(struct fc_timers *ts, pid_t tid, pid_t tgid, int sig,
		       unsigned long info_addr)
{
	struct fc_vtimer *v, *itimer;
	bool changed;
	siginfo_t si;

	if (info_addr && !fc_mem_read(tid, info_addr, &si, sizeof(si))) {
		if (fc_timers_dequeued(ts, tgid, &si, &changed) && changed)
			fc_mem_write(tid, info_addr, &si, sizeof(si));
		return;
	}
	/* no siginfo to tell: take the oldest signal out with that number */
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	itimer = fc_vt_find(&ts->vt, FC_VT_ITIMER, tgid, 0);
	if (sig == SIGALRM && itimer && itimer->sent) {
		si.si_code = SI_QUEUE;
		si.si_pid = ts->self;
		si.si_value.sival_int = ITIMER_MAGIC;
	} else {
		for (v = ts->vt.all; v; v = v->next) {
			if (v->kind == FC_VT_POSIX && v->tgid == tgid && v->signo == sig &&
			    (v->sent || v->stale)) {
				si.si_code = SI_TIMER;
				si.si_timerid = v->id;
			}
		}
	}
	fc_timers_dequeued(ts, tgid, &si, &changed);
}

/* ---- firing ---- */

struct fc_vtimer *fc_timers_first(const struct fc_timers *ts)
{
	return fc_vt_first(&ts->vt);
}

static int send_signal(struct fc_timers *ts, struct fc_vtimer *v)
{
	siginfo_t si;
	long r;

	memset(&si, 0, sizeof(si));
	si.si_signo = v->signo;
	if (v->kind == FC_VT_ITIMER) {
		si.si_code = SI_QUEUE;
		si.si_pid = ts->self;
		si.si_uid = getuid();
		si.si_value.sival_int = ITIMER_MAGIC;
	} else {
		si.si_code = SI_TIMER;
		si.si_timerid = v->id;
		si.si_overrun = 0;
		si.si_value.sival_ptr = (void *)(uintptr_t)v->value;
	}
	if (v->notify == SIGEV_THREAD_ID)
		r = syscall(SYS_rt_tgsigqueueinfo, v->tgid, v->tid, v->signo, &si);
	else
		r = syscall(SYS_rt_sigqueueinfo, v->tgid, v->signo, &si);
	return r ? -errno : 0;
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

int fc_timers_fire(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time now,
		   const pid_t *tgids, int n)
{
	s64 ticks;

	if (v->kind == FC_VT_TIMERFD) {
		if (!timerfd_held(ts, v, tgids, n)) {
			free_timer(ts, v);
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
	v->state = v->interval ? FC_VT_SIGNALLED : FC_VT_DISARMED;
	fc_vt_requeue(&ts->vt, v);
	if (send_signal(ts, v))
		return -ESRCH;	/* the process or thread is gone */
	v->sent++;
	return 0;
}

/* Is signo pending for v's target (/proc status: SigPnd or ShdPnd)? */
static bool still_pending(const struct fc_vtimer *v)
{
	const char *key = v->notify == SIGEV_THREAD_ID ? "SigPnd:" : "ShdPnd:";
	unsigned long long mask = 0;
	char path[64], line[256];
	FILE *f;

	if (v->notify == SIGEV_THREAD_ID)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", v->tgid, v->tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", v->tgid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			mask = strtoull(line + strlen(key), NULL, 16);
	fclose(f);
	return v->signo > 0 && v->signo <= 64 && (mask >> (v->signo - 1)) & 1;
}

void fc_timers_reconcile(struct fc_timers *ts, struct fc_time now)
{
	struct fc_vtimer *v, *next;

	for (v = ts->vt.all; v; v = next) {
		next = v->next;
		if ((!v->sent && !v->stale) || still_pending(v))
			continue;
		v->sent = 0;
		v->stale = 0;
		if (v->dead) {
			free_timer(ts, v);
			continue;
		}
		rearm(ts, v, now);
	}
}

/* ---- processes ---- */

void fc_timers_exec(struct fc_timers *ts, pid_t tgid)
{
	struct fc_vtimer *v, *next;

	for (v = ts->vt.all; v; v = next) {
		next = v->next;
		if (v->kind == FC_VT_POSIX && v->tgid == tgid && !v->dead)
			posix_delete(ts, v);
	}
}

void fc_timers_gone(struct fc_timers *ts, pid_t tgid)
{
	struct fc_vtimer *v, *next;

	for (v = ts->vt.all; v; v = next) {
		next = v->next;
		if (v->kind != FC_VT_TIMERFD && v->tgid == tgid)
			free_timer(ts, v);
	}
}

void fc_timers_describe(const struct fc_vtimer *v, char *buf, size_t len)
{
	switch (v->kind) {
	case FC_VT_POSIX:
		snprintf(buf, len, "POSIX timer %d of %d (%s, signal %d)", v->id, v->tgid,
			 clock_names[v->clock], v->signo);
		break;
	case FC_VT_ITIMER:
		snprintf(buf, len, "ITIMER_REAL of %d", v->tgid);
		break;
	case FC_VT_TIMERFD:
		snprintf(buf, len, "timerfd %d of %d (%s)", v->id, v->tgid, clock_names[v->clock]);
		break;
	}
}
