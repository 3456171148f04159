/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timers on the virtual clock in ptrace mode: POSIX timers, alarm and
 * ITIMER_REAL, timerfds. The kernel creates POSIX timers and timerfds (real
 * ids and files, so delete and close work), but never arms them: settime,
 * gettime and getoverrun are answered here, with the kernel's results and
 * errors, and the syscall is skipped. At a timer's virtual expiry its
 * signal is queued with rt_(tg)sigqueueinfo, or its timerfd gets a tick
 * (TFD_IOC_SET_TICKS); the dequeue of a timer signal (signal-delivery-stop
 * or sigwait) rearms a periodic timer and fixes si_overrun, as the kernel
 * does at dequeue. Invalid arguments go to the kernel, which fails them as
 * it would natively (its timer being unarmed changes no error).
 */
#ifndef _FC_TRACE_TIMER_H
#define _FC_TRACE_TIMER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>

#include "fc_clock.h"
#include "timer_arm.h"
#include "vtimer.h"


/* What a timer syscall needs between its entry and exit stops. */
struct fc_timer_call {
	long nr;
	bool have_sev;		/* timer_create: a sigevent was given */
	int notify, signo;
	pid_t tid;
	unsigned long long value;
	enum fc_clockid clock;
	unsigned long id_addr;
	unsigned long info_addr;	/* rt_sigtimedwait: its siginfo */
	unsigned long sets;		/* read: clock sets seen at its entry */
	char desc[160];			/* for -v; empty when nothing to say */
};


void fc_timers_init(struct fc_timers *ts, const struct fc_clock *clk);
void fc_timers_destroy(struct fc_timers *ts);

/* Does the supervisor handle syscall nr here? */
bool fc_timers_traps(long nr);

/* At the seccomp stop of such a syscall by tid of process tgid. */
enum fc_timer_action fc_timers_entry(struct fc_timers *ts, pid_t tid, pid_t tgid,
				     struct user_regs_struct *regs,
				     struct fc_timer_call *call);
/* At its exit stop (after FC_TA_EXIT); may change regs->rax. */
void fc_timers_exit(struct fc_timers *ts, pid_t tid, pid_t tgid,
		    const struct fc_timer_call *call, struct user_regs_struct *regs);

/*
 * A signal of process tgid was dequeued: si as the kernel has it, to be
 * fixed (*changed) where it is a timer's. Return: false when the signal
 * is one the kernel would have dropped (its timer re-armed or deleted).
 */
bool fc_timers_dequeued(struct fc_timers *ts, pid_t tgid, siginfo_t *si, bool *changed);

/*
 * At the exit of rt_sigtimedwait that returned sig (dequeued it): as
 * fc_timers_dequeued(), the siginfo at info_addr (if any) fixed in place.
 */
void fc_timers_sigwait(struct fc_timers *ts, pid_t tid, pid_t tgid, int sig,
		       unsigned long info_addr);

/*
 * The virtual REALTIME (and TAI) moved by shift: absolute timers of those
 * clocks now expire shift earlier on the queue's base, as after a clock
 * step natively, and TFD_TIMER_CANCEL_ON_SET timerfds are cancelled.
 */
void fc_timers_clock_set(struct fc_timers *ts, struct fc_time shift);

/* The armed timer that expires first (it wakes someone), or NULL. */
struct fc_vtimer *fc_timers_first(const struct fc_timers *ts);

/*
 * Fires v, which is due at virtual now: queues its signal or adds its
 * timerfd ticks, and rearms a periodic timerfd. tgids are the processes
 * of the tree (a timerfd no process holds any more is dropped).
 * Return: 0, or -ESRCH when v was dropped.
 */
int fc_timers_fire(struct fc_timers *ts, struct fc_vtimer *v, struct fc_time vnow,
		   const pid_t *tgids, int n);

/* Timer signals dequeued unseen (signalfd): found no longer pending. */
void fc_timers_reconcile(struct fc_timers *ts, struct fc_time vnow);

/* Process tgid exec'd (its POSIX timers go) or is gone (all its timers). */
void fc_timers_exec(struct fc_timers *ts, pid_t tgid);
void fc_timers_gone(struct fc_timers *ts, pid_t tgid);

/* "POSIX timer 3 of 1234 (CLOCK_MONOTONIC)" into buf, for -v. */
void fc_timers_describe(const struct fc_vtimer *v, char *buf, size_t len);

#endif /* _FC_TRACE_TIMER_H */
