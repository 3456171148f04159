// SPDX-License-Identifier: GPL-2.0
/*
 * Setting the time inside a group (see settime.h): the syscalls of members
 * are redirected (redirect.h) to versions that move the group's clock the
 * way `fluxctl set NAME start DATE` does, cancel-on-set timerfds included.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/time.h>
#include <linux/timex.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "group.h"
#include "ksym.h"
#include "redirect.h"
#include "settime.h"
#include "timeread.h"

static int (*fc_kernel_adjtimex)(struct __kernel_timex *txc);

void fc_settime_init(void)
{
	fc_kernel_adjtimex = fc_ksym_text("do_adjtimex");
	if (!fc_kernel_adjtimex)
		pr_info("no do_adjtimex: members' adjtimex fails with EPERM\n");
}

static bool fc_settime_member(void)
{
	bool member;

	if (current->flags & PF_KTHREAD)
		return false;
	rcu_read_lock();
	member = fc_group_of(current);
	rcu_read_unlock();
	return member;
}

/* The group's virtual REALTIME reads ts from now (ts already checked). */
static long fc_set_realtime(const struct timespec64 *ts)
{
	struct fc_group *g;
	long ret;

	fc_groups_lock();
	rcu_read_lock();
	g = fc_group_of(current);
	rcu_read_unlock();
	/* The group cannot go while the groups' mutex is held. */
	/* Left the group since the redirect: the call restarts, a non-member's. */
	ret = g ? fc_group_set_start(g, timespec64_to_ns(ts)) : -ERESTARTNOINTR;
	fc_groups_unlock();
	return ret;
}

/* A REALTIME read from user memory: checked as the kernel checks it. */
static long fc_set_realtime_checked(const struct timespec64 *ts)
{
	if (!timespec64_valid_settod(ts))
		return -EINVAL;
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	return fc_set_realtime(ts);
}

static long fc_do_clock_settime(const struct pt_regs *u)
{
	struct timespec64 ts;

	if (fc_redirect_user(get_timespec64(&ts, (void __user *)
						 fc_arch_syscall_arg(u, 1))))
		return -EFAULT;
	return fc_set_realtime_checked(&ts);
}

/*
 * settimeofday(tv, tz) once tv (sec, usec; NULL: none) is read: the
 * kernel's checks, in its order. The timezone is the kernel's to keep
 * (it only steers FAT timestamps and the RTC): read and checked, not set.
 */
static long fc_settimeofday(bool has_tv, s64 sec, long usec,
			    struct timezone __user *utz)
{
	struct timespec64 ts = { .tv_sec = sec };
	struct timezone tz;

	if (has_tv) {
		if (usec < 0 || usec >= USEC_PER_SEC)
			return -EINVAL;
		ts.tv_nsec = usec * NSEC_PER_USEC;
		if (!timespec64_valid_settod(&ts))
			return -EINVAL;
	}
	if (utz && fc_redirect_user(copy_from_user(&tz, utz, sizeof(tz))))
		return -EFAULT;
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	if (utz && (tz.tz_minuteswest > 15 * 60 || tz.tz_minuteswest < -15 * 60))
		return -EINVAL;
	return has_tv ? fc_set_realtime(&ts) : 0;
}

static long fc_do_settimeofday(const struct pt_regs *u)
{
	struct __kernel_old_timeval __user *utv =
		(void __user *)fc_arch_syscall_arg(u, 0);
	struct __kernel_old_timeval tv = {};

	if (utv && fc_redirect_user(copy_from_user(&tv, utv, sizeof(tv))))
		return -EFAULT;
	return fc_settimeofday(utv, tv.tv_sec, tv.tv_usec,
			       (void __user *)fc_arch_syscall_arg(u, 1));
}

/*
 * The ia32 entries (a 32-bit program, or a 64-bit one's int 0x80), in
 * their own layouts: clock_settime64 takes the 64-bit struct, the others
 * 32-bit time_t.
 */
static long fc_do_clock_settime_ia32(const struct pt_regs *u)
{
	struct timespec64 ts;

	if (fc_redirect_user(get_timespec64(&ts, fc_arch_syscall_ptr_ia32(u, 1))))
		return -EFAULT;
	return fc_set_realtime_checked(&ts);
}

static long fc_do_clock_settime32_ia32(const struct pt_regs *u)
{
	struct timespec64 ts;

	if (fc_redirect_user(get_old_timespec32(&ts,
						fc_arch_syscall_ptr_ia32(u, 1))))
		return -EFAULT;
	return fc_set_realtime_checked(&ts);
}

static long fc_do_settimeofday_ia32(const struct pt_regs *u)
{
	struct old_timeval32 __user *utv = fc_arch_syscall_ptr_ia32(u, 0);
	struct old_timeval32 tv = {};

	if (utv && fc_redirect_user(copy_from_user(&tv, utv, sizeof(tv))))
		return -EFAULT;
	return fc_settimeofday(utv, tv.tv_sec, tv.tv_usec,
			       fc_arch_syscall_ptr_ia32(u, 1));
}

static long fc_do_stime32_ia32(const struct pt_regs *u)
{
	old_time32_t __user *tptr = fc_arch_syscall_ptr_ia32(u, 0);
	struct timespec64 ts = {};
	old_time32_t t;

	if (fc_redirect_user(get_user(t, tptr)))
		return -EFAULT;
	ts.tv_sec = t;
	/* stime checks the permission first, then the time */
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	return fc_set_realtime_checked(&ts);
}

/* Modes that only read, and those of an offset step. */
#define FC_ADJ_READ	(ADJ_ADJTIME | ADJ_OFFSET_SINGLESHOT | ADJ_OFFSET_READONLY)
#define FC_ADJ_STEP	(ADJ_SETOFFSET | ADJ_NANO | ADJ_MICRO)

/* A step of the clock by txc->time (checked as the kernel checks it). */
static long fc_adj_step(const struct __kernel_timex *txc)
{
	struct timespec64 now, off;
	s64 ns;

	if (txc->time.tv_usec < 0 ||
	    txc->time.tv_usec >= (txc->modes & ADJ_NANO ? NSEC_PER_SEC :
						       USEC_PER_SEC))
		return -EINVAL;
	off.tv_sec = txc->time.tv_sec;
	off.tv_nsec = txc->time.tv_usec *
		      (txc->modes & ADJ_NANO ? 1 : NSEC_PER_USEC);
	fc_timeread_now(CLOCK_REALTIME, &now);
	now = timespec64_add(now, off);
	ns = timespec64_to_ns(&now);
	if (!timespec64_valid_settod(&now) || ns < 0)
		return -EINVAL;
	return fc_set_realtime(&now);
}

/*
 * adjtimex for a member: reads pass through with the virtual time in
 * txc->time; a step moves the group's clock; steering is refused.
 */
static long fc_adjtimex_member(struct __kernel_timex __user *utx)
{
	struct __kernel_timex txc;
	struct timespec64 now;
	unsigned int modes;
	long ret;

	if (!fc_kernel_adjtimex)
		return -EPERM;
	if (fc_redirect_user(copy_from_user(&txc, utx, sizeof(txc))))
		return -EFAULT;
	modes = txc.modes;
	if (modes && modes != FC_ADJ_READ) {
		if (!capable(CAP_SYS_TIME) || !(txc.modes & ADJ_SETOFFSET) ||
		    txc.modes & ~FC_ADJ_STEP)
			return -EPERM;
		ret = fc_adj_step(&txc);
		if (ret)
			return ret;
	}
	/* A read (adjtime's keeps its mode: it reports another offset). */
	if (modes != FC_ADJ_READ)
		txc.modes = 0;
	ret = fc_kernel_adjtimex(&txc);
	if (ret < 0)
		return ret;
	txc.modes = modes;
	fc_timeread_now(CLOCK_REALTIME, &now);
	txc.time.tv_sec = now.tv_sec;
	txc.time.tv_usec = txc.status & STA_NANO ? now.tv_nsec :
						  now.tv_nsec / NSEC_PER_USEC;
	return fc_redirect_user(copy_to_user(utx, &txc, sizeof(txc))) ?
	       -EFAULT : ret;
}

static long fc_do_adjtimex(const struct pt_regs *u)
{
	return fc_adjtimex_member((void __user *)fc_arch_syscall_arg(u, 0));
}

static long fc_do_clock_adjtime(const struct pt_regs *u)
{
	return fc_adjtimex_member((void __user *)fc_arch_syscall_arg(u, 1));
}

/* The targets of the redirects. */
FC_REDIRECT_SYSCALL(clock_settime)
FC_REDIRECT_SYSCALL(settimeofday)
FC_REDIRECT_SYSCALL(clock_settime_ia32)
FC_REDIRECT_SYSCALL(clock_settime32_ia32)
FC_REDIRECT_SYSCALL(settimeofday_ia32)
FC_REDIRECT_SYSCALL(stime32_ia32)
FC_REDIRECT_SYSCALL(adjtimex)
FC_REDIRECT_SYSCALL(clock_adjtime)

static int fc_settime_redirect(struct pt_regs *regs, void *target)
{
	return fc_settime_member() ? fc_redirect(regs, target) : 0;
}

/* A 32-bit entry that steers the clock: not emulated, refused for members. */
static noinline long fc_sys_refused(const struct pt_regs *u)
{
	fc_redirect_end();
	return -EPERM;
}

static int fc_settime_refuse(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_settime_redirect(regs, fc_sys_refused);
}

static int fc_settime_clock_settime_ia32(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	if ((clockid_t)fc_arch_syscall_arg_ia32(u, 0) != CLOCK_REALTIME)
		return 0;
	return fc_settime_redirect(regs, fc_sys_clock_settime_ia32);
}

static int fc_settime_clock_settime32_ia32(struct kprobe *kp,
					   struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	if ((clockid_t)fc_arch_syscall_arg_ia32(u, 0) != CLOCK_REALTIME)
		return 0;
	return fc_settime_redirect(regs, fc_sys_clock_settime32_ia32);
}

static int fc_settime_settimeofday_ia32(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_settime_redirect(regs, fc_sys_settimeofday_ia32);
}

static int fc_settime_stime32_ia32(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_settime_redirect(regs, fc_sys_stime32_ia32);
}

/*
 * The ia32 entries that set or steer the clock, where the kernel has them:
 * the setters set the group's REALTIME, as the 64-bit ones do; adjtimex
 * and clock_adjtime (struct old_timex32) are refused (EPERM).
 */
static struct kprobe fc_settime_ia32[] = {
	{ .symbol_name = "__ia32_sys_clock_settime",
	  .pre_handler = fc_settime_clock_settime_ia32 },
	{ .symbol_name = "__ia32_sys_clock_settime32",
	  .pre_handler = fc_settime_clock_settime32_ia32 },
	{ .symbol_name = "__ia32_compat_sys_settimeofday",
	  .pre_handler = fc_settime_settimeofday_ia32 },
	{ .symbol_name = "__ia32_sys_stime32", .pre_handler = fc_settime_stime32_ia32 },
	/* (no kernel here has it for ia32; should one, it is refused) */
	{ .symbol_name = "__ia32_sys_stime", .pre_handler = fc_settime_refuse },
	{ .symbol_name = "__ia32_sys_adjtimex", .pre_handler = fc_settime_refuse },
	{ .symbol_name = "__ia32_sys_adjtimex_time32", .pre_handler = fc_settime_refuse },
	{ .symbol_name = "__ia32_sys_clock_adjtime", .pre_handler = fc_settime_refuse },
	{ .symbol_name = "__ia32_sys_clock_adjtime32", .pre_handler = fc_settime_refuse },
};

struct kprobe *fc_settime_ia32_probes(unsigned int *n)
{
	*n = ARRAY_SIZE(fc_settime_ia32);
	return fc_settime_ia32;
}

int fc_settime_clock_settime(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	/* Other clocks cannot be set, or are devices (PTP): the kernel's. */
	if ((clockid_t)fc_arch_syscall_arg(u, 0) != CLOCK_REALTIME)
		return 0;
	return fc_settime_redirect(regs, fc_sys_clock_settime);
}

int fc_settime_settimeofday(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_settime_redirect(regs, fc_sys_settimeofday);
}

int fc_settime_adjtimex(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_settime_redirect(regs, fc_sys_adjtimex);
}

int fc_settime_clock_adjtime(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	if ((clockid_t)fc_arch_syscall_arg(u, 0) != CLOCK_REALTIME)
		return 0;
	return fc_settime_redirect(regs, fc_sys_clock_adjtime);
}
