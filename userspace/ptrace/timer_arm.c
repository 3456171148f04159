// SPDX-License-Identifier: GPL-2.0
/*
 * What every emulated timer call shares (see timer_arm.h): which clocks are
 * virtual, an arming's expiry on the queue's base, the kernel's checks and
 * conversions of timespec/timeval values, skipping a syscall.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "timer_arm.h"
#include "trace_wait.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

void fc_tm_free(struct fc_timers *ts, struct fc_vtimer *v)
{
	if (v->kind == FC_VT_TIMERFD)
		ts->timerfds--;
	if (v->fd >= 0)
		close(v->fd);
	fc_vt_free(&ts->vt, v);
}

/* The clocks whose timers run on virtual time; -1: leave it to the kernel. */
int fc_tm_clock(long id)
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
struct fc_time fc_tm_expiry(const struct fc_timers *ts, enum fc_clockid id, s64 value,
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

struct fc_time fc_tm_vnow(const struct fc_timers *ts)
{
	struct fc_host_now now;

	fc_host_now(&now);
	return vnow_of(ts, &now);
}

bool fc_tm_ts_valid(const struct timespec *t)
{
	return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < 1000000000L;
}

struct timespec fc_tm_ns_ts(s64 ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
}

struct timeval fc_tm_ns_tv(s64 ns)
{
	return (struct timeval){ .tv_sec = ns / 1000000000LL,
				 .tv_usec = (ns % 1000000000LL) / 1000 };
}

enum fc_timer_action fc_tm_skip(struct user_regs_struct *regs, long ret)
{
	regs->orig_rax = -1;
	regs->rax = (unsigned long)ret;
	return FC_TA_SKIP;
}

int fc_tm_overrun_int(s64 overrun)
{
	return overrun > INT_MAX ? INT_MAX : (int)overrun;
}

/* Arms v from a validated value/interval pair (ns) of its clock. */
void fc_tm_arm(struct fc_timers *ts, struct fc_vtimer *v, s64 value, s64 interval, bool abs)
{
	bool forever = false;
	struct fc_time expiry = { 0, 0 };

	if (value)
		expiry = fc_tm_expiry(ts, v->clock, value, abs, &forever);
	v->forever = forever;
	v->absolute = abs && value;
	fc_vt_set(&ts->vt, v, expiry, value != 0, interval);
}

void fc_tm_put_itimerspec(struct itimerspec *its, s64 remain, s64 interval)
{
	its->it_value = fc_tm_ns_ts(remain);
	its->it_interval = fc_tm_ns_ts(interval);
}
