/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timers ptrace mode keeps on the virtual clock, as the kernel would:
 * POSIX timers, the ITIMER_REAL of a process, and timerfds. One record per
 * timer, the expiry on the queue's base (virtual CLOCK_MONOTONIC), and the
 * kernel's arithmetic for arming, remaining time and periodic forwarding
 * (hrtimer_forward). Only armed timers that wake someone are queued, so the
 * queue's first entry is the earliest moment a timer can wake a tracee.
 * Pure bookkeeping: no syscalls; trace_timer.c acts on the tracees.
 */
#ifndef _FC_VTIMER_H
#define _FC_VTIMER_H

#include <stdbool.h>
#include <sys/types.h>

#include "fc_clock.h"
#include "fc_sleepq.h"

enum fc_vt_kind { FC_VT_POSIX, FC_VT_ITIMER, FC_VT_TIMERFD };

enum fc_vt_state {
	FC_VT_DISARMED,
	FC_VT_ARMED,		/* queued (unless it notifies nobody) */
	FC_VT_SIGNALLED,	/* periodic, its signal sent: rearmed at dequeue */
};

struct fc_vtimer {
	enum fc_vt_kind kind;
	pid_t tgid;		/* owner (POSIX, itimer); a holder (timerfd) */
	int id;			/* POSIX timer id; the holder's fd (timerfd) */
	enum fc_clockid clock;
	bool silent;		/* SIGEV_NONE: never queued */
	bool forever;		/* past KTIME_MAX: never fires, never queued */
	bool absolute;		/* armed with an absolute time of its clock */
	bool cancel_on_set;	/* timerfd: ABSTIME|CANCEL_ON_SET on REALTIME */
	bool canceled;		/* ... and the clock was set since: ECANCELED */
	int notify;		/* SIGEV_SIGNAL or SIGEV_THREAD_ID (POSIX) */
	int signo;
	pid_t tid;		/* SIGEV_THREAD_ID: the thread */
	unsigned long long value;	/* sigev_value */
	int fd;			/* timerfd: the supervisor's own copy */
	enum fc_vt_state state;
	struct fc_time expiry;	/* virtual CLOCK_MONOTONIC */
	s64 interval;		/* ns, 0: one-shot */
	s64 overrun;		/* POSIX: -1 after each arming and delivery */
	int overrun_last;	/* POSIX: what timer_getoverrun() says */
	int sent;		/* signals sent, not yet seen dequeued */
	int stale;		/* ... of which a re-arm or delete cancelled */
	bool dead;		/* deleted; kept while stale signals are out */
	struct fc_sleeper node;
	struct fc_vtimer *next;
};

struct fc_vtimers {
	struct fc_vtimer *all;
	struct fc_sleepq q;
};

void fc_vt_init(struct fc_vtimers *vt);
/* A new disarmed record, linked in; NULL when out of memory. */
struct fc_vtimer *fc_vt_new(struct fc_vtimers *vt, enum fc_vt_kind kind,
			    pid_t tgid, int id);
/* Unlinks and frees v. */
void fc_vt_free(struct fc_vtimers *vt, struct fc_vtimer *v);
/* The live (not deleted) record of kind for (tgid, id), or NULL. */
struct fc_vtimer *fc_vt_find(struct fc_vtimers *vt, enum fc_vt_kind kind,
			     pid_t tgid, int id);

/*
 * What the kernel's gettime reports: remaining time (ns, clamped to
 * S64_MAX) and interval at virtual now. A periodic timer whose signal is
 * out is first forwarded past now (counting overruns), as the kernel does;
 * an armed timer that is due reads 1 ns until it fires, except a SIGEV_NONE
 * one-shot (0). Disarmed: 0 and 0.
 */
void fc_vt_get(struct fc_vtimer *v, struct fc_time vnow, s64 *remain, s64 *interval);

/*
 * Arms v (value 0 disarms): expiry is the deadline on the queue's base.
 * Overrun counts restart; signals still out become stale.
 */
void fc_vt_set(struct fc_vtimers *vt, struct fc_vtimer *v, struct fc_time expiry,
	       bool arm, s64 interval);

/*
 * Moves a periodic v's expiry forward past vnow (hrtimer_forward).
 * Return: the number of intervals added (0 if expiry is after vnow).
 */
s64 fc_vt_forward(struct fc_vtimer *v, struct fc_time vnow);

/* Puts v on the queue if it is armed and wakes someone, else off it. */
void fc_vt_requeue(struct fc_vtimers *vt, struct fc_vtimer *v);

/* The queued timer with the earliest expiry, or NULL. */
struct fc_vtimer *fc_vt_first(const struct fc_vtimers *vt);

/* Kernel conversions: a timespec to ktime ns, saturating at S64_MAX. */
s64 fc_vt_ns(long long sec, long long nsec);

#endif /* _FC_VTIMER_H */
