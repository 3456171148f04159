// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX timers and ITIMER_REAL in ptrace mode, and what all timers share:
 * dispatch, firing, dequeue (see trace_timer.h; timerfds: trace_timerfd.c).
 *
 * The kernel's semantics this follows (kernel/time/posix-timers.c,
 * itimer.c, fs/timerfd.c): a periodic POSIX timer is rearmed when its
 * signal is dequeued, forwarded past that moment, and the skipped periods
 * are its overrun; a re-armed or deleted timer's pending signal is dropped;
 * ITIMER_REAL likewise rearms when SIGALRM is dequeued, without counting;
 * a timerfd counts every period, read or not.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "taskstat.h"
#include "trace_timer.h"
#include "trace_timerfd.h"
#include "tracemem.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif
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
	ts->timerfds = ts->timerfds_swept = 0;
}

void fc_timers_destroy(struct fc_timers *ts)
{
	while (ts->vt.all)
		fc_tm_free(ts, ts->vt.all);
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
	case SYS_read:		/* of a cancelled timerfd (8 bytes: trace_filter.c) */
		return true;
	default:
		return false;
	}
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
	int id = fc_tm_clock((long)(int)regs->rdi);

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
		fc_tm_free(ts, v);
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

static enum fc_timer_action timer_settime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						struct user_regs_struct *regs,
						struct fc_timer_call *c)
{
	struct fc_vtimer *v = posix_find(ts, tgid, (long)(int)regs->rdi);
	struct itimerspec nv, old;
	s64 remain, interval;

	if (!v || !regs->rdx || fc_mem_read(tid, regs->rdx, &nv, sizeof(nv)) ||
	    !fc_tm_ts_valid(&nv.it_value) || !fc_tm_ts_valid(&nv.it_interval))
		return FC_TA_RUN;	/* the kernel's error: EINVAL, EFAULT */
	fc_vt_get(v, fc_tm_vnow(ts), &remain, &interval);
	fc_tm_put_itimerspec(&old, remain, interval);
	fc_tm_arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_nsec),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_nsec),
	    (regs->rsi & TIMER_ABSTIME) != 0);
	snprintf(c->desc, sizeof(c->desc), "timer_settime(%d, %s%lld.%09ld s, every %lld.%09ld s)",
		 v->id, (regs->rsi & TIMER_ABSTIME) ? "at " : "in ",
		 (long long)nv.it_value.tv_sec, nv.it_value.tv_nsec,
		 (long long)nv.it_interval.tv_sec, nv.it_interval.tv_nsec);
	if (regs->r10 && fc_mem_write(tid, regs->r10, &old, sizeof(old)))
		return fc_tm_skip(regs, -EFAULT);
	return fc_tm_skip(regs, 0);
}

static enum fc_timer_action timer_gettime_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
						struct user_regs_struct *regs)
{
	struct fc_vtimer *v = posix_find(ts, tgid, (long)(int)regs->rdi);
	struct itimerspec cur;
	s64 remain, interval;

	if (!v)
		return FC_TA_RUN;
	fc_vt_get(v, fc_tm_vnow(ts), &remain, &interval);
	fc_tm_put_itimerspec(&cur, remain, interval);
	return fc_tm_skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
}

/* Deleted, or gone with its process's exec: its signals out are dropped. */
static void posix_delete(struct fc_timers *ts, struct fc_vtimer *v)
{
	fc_vt_set(&ts->vt, v, v->expiry, false, 0);
	v->dead = true;
	if (!v->stale)
		fc_tm_free(ts, v);
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
	fc_time_to_ns(fc_time_sub(v->expiry, fc_tm_vnow(ts)), &left);
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
	fc_tm_arm(ts, v, fc_vt_ns(secs, 0), 0, false);
	snprintf(c->desc, sizeof(c->desc), "alarm(%u)", secs);
	/* alarm_setitimer(): never 0 while one is pending, rounded to nearest */
	ret = remain / 1000000000LL;
	if ((!ret && remain) || remain % 1000000000LL >= 500000000LL)
		ret++;
	return fc_tm_skip(regs, ret);
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
	old.it_value = fc_tm_ns_tv(remain);
	old.it_interval = fc_tm_ns_tv(interval);
	fc_tm_arm(ts, v, fc_vt_ns(nv.it_value.tv_sec, nv.it_value.tv_usec * 1000LL),
	    fc_vt_ns(nv.it_interval.tv_sec, nv.it_interval.tv_usec * 1000LL), false);
	snprintf(c->desc, sizeof(c->desc), "setitimer(ITIMER_REAL, in %lld.%06ld s, every %lld.%06ld s)",
		 (long long)nv.it_value.tv_sec, (long)nv.it_value.tv_usec,
		 (long long)nv.it_interval.tv_sec, (long)nv.it_interval.tv_usec);
	if (regs->rdx && fc_mem_write(tid, regs->rdx, &old, sizeof(old)))
		return fc_tm_skip(regs, -EFAULT);
	return fc_tm_skip(regs, 0);
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
		cur.it_value = fc_tm_ns_tv(remain);
		cur.it_interval = fc_tm_ns_tv(interval);
	}
	return fc_tm_skip(regs, fc_mem_write(tid, regs->rsi, &cur, sizeof(cur)) ? -EFAULT : 0);
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
		return v ? fc_tm_skip(regs, v->overrun_last) : FC_TA_RUN;
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
		return fc_timerfd_settime(ts, tid, tgid, regs, c->desc, sizeof(c->desc));
	case SYS_timerfd_gettime:
		return fc_timerfd_gettime(ts, tid, tgid, regs);
	case SYS_read:
		return fc_timerfd_read(ts, tgid, regs, &c->sets);
	default:
		return FC_TA_RUN;
	}
}

void fc_timers_exit(struct fc_timers *ts, pid_t tid, pid_t tgid,
		    const struct fc_timer_call *c, struct user_regs_struct *regs)
{
	if (c->nr == SYS_timer_create)
		timer_create_exit(ts, tid, tgid, c, regs);
	else if (c->nr == SYS_read)
		fc_timerfd_read_exit(ts, tgid, c->sets, regs);
}

void fc_timers_clock_set(struct fc_timers *ts, struct fc_time shift)
{
	struct fc_vtimer *v;

	ts->sets++;
	for (v = ts->vt.all; v; v = v->next) {
		if (v->dead)
			continue;
		if (v->kind == FC_VT_TIMERFD && v->cancel_on_set)
			fc_timerfd_cancel(v);
		/* relative REALTIME timers run on MONOTONIC (hrtimer_init()) */
		if (!v->absolute || v->state == FC_VT_DISARMED ||
		    (v->clock != FC_CLOCK_REALTIME && v->clock != FC_CLOCK_TAI))
			continue;
		v->expiry = fc_time_sub(v->expiry, shift);
		fc_vt_requeue(&ts->vt, v);
	}
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
		v->overrun_last = fc_tm_overrun_int(v->overrun);
		v->overrun = -1;
	}
	v->state = FC_VT_ARMED;
	fc_vt_requeue(&ts->vt, v);
}

bool fc_timers_dequeued(struct fc_timers *ts, pid_t tgid, siginfo_t *si, bool *changed)
{
	struct fc_time now = fc_tm_vnow(ts);
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
			fc_tm_free(ts, v);
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

int fc_timers_fire(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time now,
		   const pid_t *tgids, int n)
{
	if (v->kind == FC_VT_TIMERFD)
		return fc_timerfd_fire(ts, v, now, tgids, n);
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
	bool thread = v->notify == SIGEV_THREAD_ID;
	unsigned long long mask = 0;

	fc_taskstat_status(v->tgid, thread ? v->tid : 0, thread ? "SigPnd:" : "ShdPnd:",
			   16, &mask);
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
			fc_tm_free(ts, v);
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
			fc_tm_free(ts, v);
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
