/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels fluxcap builds for (Debian's 6.1, 6.12
 * and 7.x), in one place; the vDSO data page's are in vdsodata.h.
 * Everything else in module/ is written once.
 */
#ifndef _FC_COMPAT_H
#define _FC_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/sched.h>
/* 7.x moved struct hrtimer_clock_base (timer->base->clockid) out of hrtimer.h. */
#ifdef FC_HAVE_HRTIMER_BASES_H
#include <linux/hrtimer_bases.h>
#endif

/* The FC_HAVE_* macros come from Kbuild, which looks in the kernel headers. */
#ifdef FC_HAVE_TASK_IS_RUNNABLE
/* 6.12 leaves blocked fair tasks queued (delayed dequeue): ask the helper. */
static inline bool fc_task_runnable(struct task_struct *t)
{
	return task_is_runnable(t);
}
#else
static inline bool fc_task_runnable(struct task_struct *t)
{
	return READ_ONCE(t->on_rq);
}
#endif

#ifdef FC_HAVE_VM_FLAGS_CLEAR
static inline void fc_vma_mod_flags(struct vm_area_struct *vma,
				    vm_flags_t set, vm_flags_t clear)
{
	vm_flags_mod(vma, set, clear);
}
#else
static inline void fc_vma_mod_flags(struct vm_area_struct *vma,
				    vm_flags_t set, vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

/* 6.13 replaced hrtimer_init() and a later store of ->function. */
#ifdef FC_HAVE_HRTIMER_SETUP
static inline void fc_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_setup(timer, fn, clock, mode);
}

/* hrtimer_wakeup, which only an initialised sleeper shows. */
static inline void *fc_hrtimer_wakeup_fn(void)
{
	struct hrtimer_sleeper probe;
	void *fn;

	hrtimer_setup_sleeper_on_stack(&probe, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	fn = ACCESS_PRIVATE(&probe.timer, function);
	destroy_hrtimer_on_stack(&probe.timer);
	return fn;
}
#else
static inline void fc_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}

static inline void *fc_hrtimer_wakeup_fn(void)
{
	struct hrtimer_sleeper probe;

	hrtimer_init_sleeper(&probe, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	return probe.timer.function;
}
#endif

/* 6.12 marks kernel threads cloned from a user thread (io_uring workers). */
#ifdef PF_USER_WORKER
#define FC_PF_USER_WORKER	PF_USER_WORKER
#else
#define FC_PF_USER_WORKER	0
#endif

#endif /* _FC_COMPAT_H */
