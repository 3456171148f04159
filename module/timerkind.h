/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an hrtimer is for, told by its callback: a task's timed wait, a
 * timer that wakes a program in time (timerfd, ITIMER_REAL, POSIX timers),
 * one the module cannot move (alarm clocks, io_uring) or none of these.
 */
#ifndef _FC_TIMERKIND_H
#define _FC_TIMERKIND_H

#include <linux/hrtimer.h>

struct task_struct;

enum fc_timer_kind {
	FC_TIMER_OTHER,		/* not a member's wake-up source: ignored */
	/*
	 * hrtimer_wakeup: an on-stack hrtimer_sleeper; or an alarm-clock
	 * sleep's on-stack struct alarm (fc_timer_alarm_sleep()).
	 */
	FC_TIMER_SLEEPER,
	/*
	 * timerfd, it_real_fn, posix_timer_fn: lives in an object that
	 * cancels it before it is freed; the module aims it at its virtual
	 * deadline.
	 */
	FC_TIMER_PROGRAM,
	/*
	 * alarm-clock timers (their own expiry beside the hrtimer's, forwarded
	 * by alarm code) and io_uring
	 * (freed after firing, without a cancel): while one is armed, its
	 * group holds instead of jumping.
	 */
	FC_TIMER_HOLD,
};

enum fc_timer_kind fc_timer_kind(const struct hrtimer *timer);

/* True for the hrtimer of an alarm-clock clock_nanosleep. */
bool fc_timer_alarm_sleep(const struct hrtimer *timer);

/*
 * The task a sleeper's timer wakes (hrtimer_sleeper's task, an alarm
 * sleep's data), or NULL: fired, or not a sleeper's timer (any more).
 */
struct task_struct *fc_sleeper_task(const struct hrtimer *timer);

/* True for the hrtimer of a timerfd on a non-alarm clock. */
bool fc_timer_timerfd(const struct hrtimer *timer);

/*
 * True when every absolute arm of timer is in its program's (virtual)
 * time: io_uring's IORING_TIMEOUT_ABS timeouts and linked timeouts.
 */
bool fc_timer_user_abs(const struct hrtimer *timer);

/* Finds the callbacks by name; 0, or an error if hrtimer_wakeup is missing. */
int fc_timerkind_init(void);

#endif /* _FC_TIMERKIND_H */
