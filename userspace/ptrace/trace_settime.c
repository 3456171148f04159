// SPDX-License-Identifier: GPL-2.0
/*
 * Setting the time inside the tree (see trace_settime.h). The checks and
 * their order are the kernel's: settimeofday() and clock_settime() in
 * kernel/time/time.c and posix-timers.c, do_sys_settimeofday64() and
 * timespec64_valid_settod(), timekeeping_validate_timex(). The permission
 * is capable(CAP_SYS_TIME): the thread's effective set, in the initial
 * user namespace. The new time becomes the clock's realtime shift
 * (fc_clock_set_start()), so MONOTONIC and BOOTTIME do not move.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include "taskstat.h"
#include "trace_settime.h"
#include "trace_wait.h"
#include "tracemem.h"

#define CAP_SYS_TIME_BIT 25
#define USER_NS_INIT_INO 0xEFFFFFFDU	/* PROC_USER_INIT_INO */
/* TIME_SETTOD_SEC_MAX: KTIME_SEC_MAX less 30 years of uptime */
#define SETTOD_SEC_MAX (9223372036LL - 30LL * 365 * 24 * 3600)
#define NSEC_PER_SEC 1000000000LL
#define ADJ_READ_ONLY ADJ_OFFSET_SS_READ
#define ADJ_SETOFFSET_ONLY (ADJ_SETOFFSET | ADJ_NANO | ADJ_MICRO)

bool fc_settime_traps(long nr)
{
	return nr == SYS_clock_settime || nr == SYS_settimeofday || nr == SYS_adjtimex ||
	       nr == SYS_clock_adjtime;
}

bool fc_settime_foreign(const struct fc_abi_nrs *abi, int nr)
{
	const int *p;

	for (p = abi->settime; *p >= 0; p++)
		if (*p == nr)
			return true;
	return false;
}

/* capable(CAP_SYS_TIME) for thread tid: effective, initial user namespace. */
static bool may_set_time(pid_t tid)
{
	unsigned long long eff;
	char path[64];
	struct stat st;

	if (!fc_taskstat_status(tid, 0, "CapEff:", 16, &eff) || !((eff >> CAP_SYS_TIME_BIT) & 1))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", tid);
	return stat(path, &st) || st.st_ino == USER_NS_INIT_INO;
}

/* timespec64_valid_settod(), with nsec as the kernel holds it. */
static bool valid_settod(long long sec, long long nsec)
{
	return sec >= 0 && nsec >= 0 && nsec < NSEC_PER_SEC && sec < SETTOD_SEC_MAX;
}

/* Makes virtual REALTIME read (sec, nsec) from now on. */
static void set_real(struct fc_clock *c, struct fc_settime_call *call, long long sec,
		     long long nsec)
{
	struct fc_time to = { (s64)sec, (u32)nsec }, before;
	struct fc_host_now now;

	fc_host_now(&now);
	before = fc_clock_to_virtual(c, FC_CLOCK_REALTIME, now.real);
	fc_clock_set_start(c, now.real, to);
	call->set = true;
	call->shift = fc_time_sub(to, before);
}

/* clock_settime(CLOCK_REALTIME, ts) or stime, once ts is read. */
static enum fc_timer_action set_ts(struct fc_clock *c, pid_t tid, struct user_regs_struct *regs,
				   struct fc_settime_call *call, const char *name,
				   long long sec, long long nsec)
{
	if (!valid_settod(sec, nsec))
		return fc_tm_skip(regs, -EINVAL);
	if (!may_set_time(tid))
		return fc_tm_skip(regs, -EPERM);
	set_real(c, call, sec, nsec);
	snprintf(call->desc, sizeof(call->desc), "%s(%lld.%09lld)", name, sec, nsec);
	return fc_tm_skip(regs, 0);
}

static enum fc_timer_action clock_settime_entry(struct fc_clock *c, pid_t tid,
						struct user_regs_struct *regs,
						struct fc_settime_call *call)
{
	struct timespec ts;

	if ((int)regs->rdi != CLOCK_REALTIME)
		return FC_TA_RUN;	/* the kernel's own answer for other clocks */
	if (fc_mem_read(tid, regs->rsi, &ts, sizeof(ts)))
		return fc_tm_skip(regs, -EFAULT);
	return set_ts(c, tid, regs, call, "clock_settime", ts.tv_sec, ts.tv_nsec);
}

/*
 * settimeofday(tv, tz) once tv is read (has_tv: not NULL), tz at tz_addr
 * (0: none): tz is checked, then dropped (the host's stays).
 */
static enum fc_timer_action set_tod(struct fc_clock *c, pid_t tid, struct user_regs_struct *regs,
				    struct fc_settime_call *call, bool has_tv, long long sec,
				    long long usec, unsigned long tz_addr)
{
	struct timezone tz;

	if (has_tv && (usec > 1000000 || usec < 0))
		return fc_tm_skip(regs, -EINVAL);
	if (tz_addr && fc_mem_read(tid, tz_addr, &tz, sizeof(tz)))
		return fc_tm_skip(regs, -EFAULT);
	if (has_tv && !valid_settod(sec, usec * 1000LL))
		return fc_tm_skip(regs, -EINVAL);
	if (!may_set_time(tid))
		return fc_tm_skip(regs, -EPERM);
	if (tz_addr && (tz.tz_minuteswest > 15 * 60 || tz.tz_minuteswest < -15 * 60))
		return fc_tm_skip(regs, -EINVAL);
	if (has_tv) {
		set_real(c, call, sec, usec * 1000LL);
		snprintf(call->desc, sizeof(call->desc), "settimeofday(%lld.%06lld)", sec, usec);
	}
	return fc_tm_skip(regs, 0);
}

static enum fc_timer_action settimeofday_entry(struct fc_clock *c, pid_t tid,
					       struct user_regs_struct *regs,
					       struct fc_settime_call *call)
{
	struct timeval tv = { 0 };

	if (regs->rdi && fc_mem_read(tid, regs->rdi, &tv, sizeof(tv)))
		return fc_tm_skip(regs, -EFAULT);
	return set_tod(c, tid, regs, call, regs->rdi, tv.tv_sec, tv.tv_usec, regs->rsi);
}

/*
 * The ia32 setters (int $0x80), in their layouts: arguments in ebx, ecx;
 * 32-bit time_t but for clock_settime64, whose nsec the kernel reads as
 * 32 bits for such a caller. Other clocks than REALTIME, adjtimex and
 * clock_adjtime: EPERM (never the host's clock).
 */
enum fc_timer_action fc_settime_foreign_entry(struct fc_clock *c, pid_t tid,
					      const struct fc_abi_nrs *abi,
					      struct user_regs_struct *regs,
					      struct fc_settime_call *call)
{
	int nr = (int)(regs->orig_rax & ~FC_X32_SYSCALL_BIT);
	unsigned long a0 = (uint32_t)regs->rbx, a1 = (uint32_t)regs->rcx;
	struct { int32_t sec, frac; } t32 = { 0 };
	struct { int64_t sec, nsec; } t64;
	int32_t sec;

	*call = (struct fc_settime_call){ 0 };
	if (nr == abi->stime) {
		if (fc_mem_read(tid, a0, &sec, sizeof(sec)))
			return fc_tm_skip(regs, -EFAULT);
		/* stime checks the permission first, then the time */
		if (!may_set_time(tid))
			return fc_tm_skip(regs, -EPERM);
		return set_ts(c, tid, regs, call, "stime", sec, 0);
	}
	if (nr == abi->settimeofday) {
		if (a0 && fc_mem_read(tid, a0, &t32, sizeof(t32)))
			return fc_tm_skip(regs, -EFAULT);
		return set_tod(c, tid, regs, call, a0, t32.sec, t32.frac, a1);
	}
	if ((nr == abi->clock_settime || nr == abi->clock_settime64) &&
	    (int)a0 == CLOCK_REALTIME) {
		if (nr == abi->clock_settime64) {
			if (fc_mem_read(tid, a1, &t64, sizeof(t64)))
				return fc_tm_skip(regs, -EFAULT);
			return set_ts(c, tid, regs, call, "clock_settime64", t64.sec,
				      (uint32_t)t64.nsec);
		}
		if (fc_mem_read(tid, a1, &t32, sizeof(t32)))
			return fc_tm_skip(regs, -EFAULT);
		return set_ts(c, tid, regs, call, "clock_settime", t32.sec, t32.frac);
	}
	return fc_tm_skip(regs, -EPERM);
}

/*
 * adjtimex(txc) or clock_adjtime(CLOCK_REALTIME, txc) with txc in tracee
 * memory. A read runs in the kernel and has its time rewritten at the
 * exit; ADJ_SETOFFSET moves virtual REALTIME, then reads likewise (the
 * kernel is asked with modes 0, the caller's modes put back at the exit).
 */
static enum fc_timer_action adjtime_entry(struct fc_clock *c, pid_t tid,
					  struct user_regs_struct *regs, unsigned long txc,
					  struct fc_settime_call *call)
{
	const unsigned int no_modes = 0;
	struct timex tx;
	long long nsec;
	struct fc_time to;
	struct fc_host_now now;

	if (fc_mem_read(tid, txc, &tx, sizeof(tx)))
		return FC_TA_RUN;	/* the kernel's EFAULT */
	call->txc = txc;
	call->modes = tx.modes;
	if (tx.modes == 0 || tx.modes == ADJ_READ_ONLY)
		return FC_TA_EXIT;
	if (!may_set_time(tid))
		return fc_tm_skip(regs, -EPERM);
	/* a member may not steer the host's clock: only offsets are virtual */
	if (!(tx.modes & ADJ_SETOFFSET) || (tx.modes & ~ADJ_SETOFFSET_ONLY))
		return fc_tm_skip(regs, -EPERM);
	nsec = tx.time.tv_usec;
	if (nsec < 0 || nsec >= ((tx.modes & ADJ_NANO) ? NSEC_PER_SEC : 1000000))
		return fc_tm_skip(regs, -EINVAL);
	if (!(tx.modes & ADJ_NANO))
		nsec *= 1000;
	fc_host_now(&now);
	to = fc_time_add(fc_clock_to_virtual(c, FC_CLOCK_REALTIME, now.real),
			 (struct fc_time){ tx.time.tv_sec, (u32)nsec });
	if (!valid_settod(to.sec, to.nsec))
		return fc_tm_skip(regs, -EINVAL);
	if (fc_mem_write(tid, txc + offsetof(struct timex, modes), &no_modes, sizeof(no_modes)))
		return fc_tm_skip(regs, -EFAULT);
	set_real(c, call, to.sec, to.nsec);
	snprintf(call->desc, sizeof(call->desc), "adjtimex(ADJ_SETOFFSET %+lld.%09lld s)",
		 (long long)tx.time.tv_sec, nsec);
	return FC_TA_EXIT;
}

enum fc_timer_action fc_settime_entry(struct fc_clock *c, pid_t tid,
				      struct user_regs_struct *regs,
				      struct fc_settime_call *call)
{
	*call = (struct fc_settime_call){ 0 };
	switch ((long)regs->orig_rax) {
	case SYS_clock_settime:
		return clock_settime_entry(c, tid, regs, call);
	case SYS_settimeofday:
		return settimeofday_entry(c, tid, regs, call);
	case SYS_adjtimex:
		return adjtime_entry(c, tid, regs, regs->rdi, call);
	case SYS_clock_adjtime:
		if ((int)regs->rdi != CLOCK_REALTIME)
			return FC_TA_RUN;
		return adjtime_entry(c, tid, regs, regs->rsi, call);
	default:
		return FC_TA_RUN;
	}
}

void fc_settime_exit(const struct fc_clock *c, pid_t tid,
		     const struct fc_settime_call *call, struct user_regs_struct *regs)
{
	struct timex tx;
	struct fc_time t;
	bool nano;

	if ((long)regs->rax < 0 || fc_mem_read(tid, call->txc, &tx, sizeof(tx)))
		return;
	/* the kernel's reading of host REALTIME, in its unit, made virtual */
	nano = tx.status & STA_NANO;
	t.sec = tx.time.tv_sec;
	t.nsec = (u32)(nano ? tx.time.tv_usec : tx.time.tv_usec * 1000);
	t = fc_time_add(t, fc_clock_offset(c, FC_CLOCK_REALTIME));
	tx.modes = call->modes;
	tx.time.tv_sec = t.sec;
	tx.time.tv_usec = nano ? (long)t.nsec : (long)(t.nsec / 1000);
	if (fc_mem_write(tid, call->txc, &tx, sizeof(tx)))
		regs->rax = (unsigned long)-EFAULT;
}
