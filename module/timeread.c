// SPDX-License-Identifier: GPL-2.0
/*
 * The time-reading syscalls of members, redirected (redirect.h) to a copy
 * of the syscall that adds the group's offset; also those of a process
 * that left its group or outlived it, whose vDSO still shows the group's
 * page (until exec): they read that page's clock, as its vDSO does.
 * Everyone else runs the kernel's own syscall.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/alarmtimer.h>
#include <linux/compat.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/time.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "clockdev.h"
#include "group.h"
#include "redirect.h"
#include "timeread.h"
#include "vclock.h"
#include "vdsomap.h"
#include "vvar.h"

/* Host time of clock id now, or, frozen, when the group froze. */
static bool fc_host_time(clockid_t id, const struct fc_clock_snapshot *snap,
			 struct timespec64 *ts)
{
	enum tk_offsets offs = TK_OFFS_MAX;

	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
		offs = TK_OFFS_REAL;
		break;
	case CLOCK_TAI:
		offs = TK_OFFS_TAI;
		break;
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		offs = TK_OFFS_BOOT;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_MONOTONIC_RAW:
		break;
	default:
		return false;
	}
	if (snap->frozen) {
		/* One instant for every clock: a frozen clock reads the same. */
		*ts = ktime_to_timespec64(offs == TK_OFFS_MAX ? snap->frozen_mono :
					  ktime_mono_to_any(snap->frozen_mono, offs));
		return true;
	}
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		ktime_get_real_ts64(ts);
		break;
	case CLOCK_REALTIME_COARSE:
		ktime_get_coarse_real_ts64(ts);
		break;
	case CLOCK_TAI:
		*ts = ktime_to_timespec64(ktime_get_clocktai());
		break;
	case CLOCK_MONOTONIC_COARSE:
		ktime_get_coarse_ts64(ts);
		break;
	case CLOCK_MONOTONIC_RAW:
		ktime_get_raw_ts64(ts);
		break;
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		ktime_get_boottime_ts64(ts);
		break;
	default:
		ktime_get_ts64(ts);
		break;
	}
	return true;
}

/*
 * The clock current reads: its group's, or else the one its vDSO shows (a
 * process that left its group or outlived it keeps that page until exec).
 * Return: false for host time.
 */
static bool fc_timeread_clock_of(struct fc_clock_snapshot *snap)
{
	struct fc_group *g;
	struct fc_vvar *v = NULL;

	rcu_read_lock();
	g = fc_group_of(current);
	if (g)
		fc_group_read_clock(g, snap);
	else
		v = fc_vdsomap_shown(current->mm);
	if (v)
		fc_vvar_read(v, snap);
	rcu_read_unlock();
	return g || v;
}

bool fc_timeread_now(clockid_t id, struct timespec64 *ts)
{
	struct fc_clock_snapshot snap = { };
	struct fc_time t;
	bool real;

	fc_timeread_clock_of(&snap);
	if (!fc_host_time(id, &snap, ts))
		return false;
	real = id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
	       id == CLOCK_TAI || id == CLOCK_REALTIME_ALARM;
	t = fc_time_add((struct fc_time){ ts->tv_sec, ts->tv_nsec },
			real ? snap.real_off : snap.mono_off);
	ts->tv_sec = t.sec;
	ts->tv_nsec = t.nsec;
	return true;
}

/*
 * True when the syscall is the vDSO's own fallback (its return address is
 * in the vDSO's text) in a process whose preload shifts what the vDSO
 * returns: the syscall must then report host time.
 */
static bool fc_preload_shifts(const struct pt_regs *u)
{
	struct mm_struct *mm = current->mm;

	/* With the group's vDSO page, the preload adds nothing (vclock.c). */
	return !fc_vvar_supported() && fc_arch_from_vdso(mm, u) &&
	       fc_clockdev_mapped(mm);
}

/*
 * A time syscall the module must answer: a member's, or one made by a
 * process whose vDSO shows a group's page.
 */
static bool fc_answers(const struct pt_regs *u)
{
	bool ours;

	if (current->flags & PF_KTHREAD || fc_preload_shifts(u))
		return false;
	rcu_read_lock();
	ours = fc_group_of(current) || fc_vdsomap_shown(current->mm);
	rcu_read_unlock();
	return ours;
}

static long fc_do_clock_gettime(const struct pt_regs *u)
{
	struct __kernel_timespec __user *utp =
		(void __user *)fc_arch_syscall_arg(u, 1);
	struct timespec64 ts;

	if (!fc_timeread_now((clockid_t)fc_arch_syscall_arg(u, 0), &ts))
		return -EINVAL;
	return fc_redirect_user(put_timespec64(&ts, utp)) ? -EFAULT : 0;
}

static long fc_do_gettimeofday(const struct pt_regs *u)
{
	struct __kernel_old_timeval __user *tv =
		(void __user *)fc_arch_syscall_arg(u, 0);
	struct timezone __user *tz = (void __user *)fc_arch_syscall_arg(u, 1);
	struct timespec64 ts;

	if (tv) {
		fc_timeread_now(CLOCK_REALTIME, &ts);
		if (fc_redirect_user(put_user(ts.tv_sec, &tv->tv_sec) ||
				     put_user(ts.tv_nsec / NSEC_PER_USEC,
					      &tv->tv_usec)))
			return -EFAULT;
	}
	if (tz && fc_redirect_user(copy_to_user(tz, &sys_tz, sizeof(sys_tz))))
		return -EFAULT;
	return 0;
}

static long fc_do_time(const struct pt_regs *u)
{
	__kernel_old_time_t __user *tloc =
		(void __user *)fc_arch_syscall_arg(u, 0);
	struct timespec64 ts;

	fc_timeread_now(CLOCK_REALTIME, &ts);
	if (tloc &&
	    fc_redirect_user(put_user((__kernel_old_time_t)ts.tv_sec, tloc)))
		return -EFAULT;
	return ts.tv_sec;
}

/*
 * The ia32 entries (a 32-bit program, or a 64-bit one's int 0x80): the
 * same answers in their own layouts. clock_gettime64 takes the 64-bit
 * struct; the others are the 32-bit time_t calls.
 */
static long fc_do_clock_gettime_ia32(const struct pt_regs *u)
{
	struct timespec64 ts;

	if (!fc_timeread_now((clockid_t)fc_arch_syscall_arg_ia32(u, 0), &ts))
		return -EINVAL;
	return fc_redirect_user(put_timespec64(&ts, fc_arch_syscall_ptr_ia32(u, 1))) ?
	       -EFAULT : 0;
}

static long fc_do_clock_gettime32_ia32(const struct pt_regs *u)
{
	struct timespec64 ts;

	if (!fc_timeread_now((clockid_t)fc_arch_syscall_arg_ia32(u, 0), &ts))
		return -EINVAL;
	return fc_redirect_user(put_old_timespec32(&ts, fc_arch_syscall_ptr_ia32(u, 1))) ?
	       -EFAULT : 0;
}

static long fc_do_gettimeofday_ia32(const struct pt_regs *u)
{
	struct old_timeval32 __user *tv = fc_arch_syscall_ptr_ia32(u, 0);
	struct timezone __user *tz = fc_arch_syscall_ptr_ia32(u, 1);
	struct timespec64 ts;

	if (tv) {
		fc_timeread_now(CLOCK_REALTIME, &ts);
		if (fc_redirect_user(put_user((s32)ts.tv_sec, &tv->tv_sec) ||
				     put_user(ts.tv_nsec / NSEC_PER_USEC,
					      &tv->tv_usec)))
			return -EFAULT;
	}
	if (tz && fc_redirect_user(copy_to_user(tz, &sys_tz, sizeof(sys_tz))))
		return -EFAULT;
	return 0;
}

static long fc_do_time32_ia32(const struct pt_regs *u)
{
	old_time32_t __user *tloc = fc_arch_syscall_ptr_ia32(u, 0);
	struct timespec64 ts;

	fc_timeread_now(CLOCK_REALTIME, &ts);
	if (tloc && fc_redirect_user(put_user((old_time32_t)ts.tv_sec, tloc)))
		return -EFAULT;
	return (old_time32_t)ts.tv_sec;
}

/* The targets of the redirects. */
FC_REDIRECT_SYSCALL(clock_gettime)
FC_REDIRECT_SYSCALL(gettimeofday)
FC_REDIRECT_SYSCALL(time)
FC_REDIRECT_SYSCALL(clock_gettime_ia32)
FC_REDIRECT_SYSCALL(clock_gettime32_ia32)
FC_REDIRECT_SYSCALL(gettimeofday_ia32)
FC_REDIRECT_SYSCALL(time32_ia32)

/* Whether the module answers clock_gettime for clock id. */
static bool fc_timeread_clock(clockid_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		return true;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		/* Readable only with an RTC to wake the machine: else EINVAL. */
		return alarmtimer_get_rtcdev();
	default:
		return false;
	}
}

int fc_timeread_clock_gettime(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	if (!fc_timeread_clock((clockid_t)fc_arch_syscall_arg(u, 0)))
		return 0;
	return fc_answers(u) ? fc_redirect(regs, fc_sys_clock_gettime) : 0;
}

int fc_timeread_gettimeofday(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	return fc_answers(u) ? fc_redirect(regs, fc_sys_gettimeofday) : 0;
}

int fc_timeread_time(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	return fc_answers(u) ? fc_redirect(regs, fc_sys_time) : 0;
}

static int fc_timeread_ia32_clock(struct kprobe *kp, struct pt_regs *regs,
				  void *target)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	if (!fc_timeread_clock((clockid_t)fc_arch_syscall_arg_ia32(u, 0)))
		return 0;
	return fc_answers(u) ? fc_redirect(regs, target) : 0;
}

static int fc_timeread_clock_gettime_ia32(struct kprobe *kp,
					  struct pt_regs *regs)
{
	return fc_timeread_ia32_clock(kp, regs, fc_sys_clock_gettime_ia32);
}

static int fc_timeread_clock_gettime32_ia32(struct kprobe *kp,
					    struct pt_regs *regs)
{
	return fc_timeread_ia32_clock(kp, regs, fc_sys_clock_gettime32_ia32);
}

static int fc_timeread_gettimeofday_ia32(struct kprobe *kp,
					 struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	return fc_answers(u) ? fc_redirect(regs, fc_sys_gettimeofday_ia32) : 0;
}

static int fc_timeread_time32_ia32(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = fc_arch_syscall_regs(regs);

	return fc_answers(u) ? fc_redirect(regs, fc_sys_time32_ia32) : 0;
}

/* The ia32 entries that read the time, where the kernel has them. */
static struct kprobe fc_timeread_ia32[] = {
	{ .symbol_name = FC_ARCH_SYSCALL_IA32(sys_clock_gettime),
	  .pre_handler = fc_timeread_clock_gettime_ia32 },
	{ .symbol_name = FC_ARCH_SYSCALL_IA32(sys_clock_gettime32),
	  .pre_handler = fc_timeread_clock_gettime32_ia32 },
	{ .symbol_name = FC_ARCH_SYSCALL_IA32(compat_sys_gettimeofday),
	  .pre_handler = fc_timeread_gettimeofday_ia32 },
	{ .symbol_name = FC_ARCH_SYSCALL_IA32(sys_time32),
	  .pre_handler = fc_timeread_time32_ia32 },
};

struct kprobe *fc_timeread_ia32_probes(unsigned int *n)
{
	*n = ARRAY_SIZE(fc_timeread_ia32);
	return fc_timeread_ia32;
}
