// SPDX-License-Identifier: GPL-2.0
/*
 * Hook installation, and the hooks that do not belong elsewhere.
 *
 * kprobes at function entry (ftrace-based on both kernels):
 *  - hrtimer_start_range_ns: every arm of every hrtimer, the one place that
 *    sees nanosleep, poll, select, epoll, futex and sigtimedwait sleepers,
 *    and timerfd, itimer and POSIX timers (timerkind.h);
 *  - hrtimer_try_to_cancel and hrtimer_cancel: the lifetime fence (see
 *    sleeper.h); both, since a compiler may fold one into the other;
 *  - common_timer_get: a fired program timer is brought up to date before
 *    its owner reads it (forward.c does it for hrtimer_forward);
 *  - common_hrtimer_arm, alarm_timer_arm, alarm_timer_nsleep,
 *    do_mq_timedsend/receive: absolute times of members are in virtual
 *    time;
 *  - hrtimer_nanosleep and futex_setup_timer: absolute deadlines given by a
 *    member are virtual, and become host time there;
 *  - nanosleep_copyout: an alarm-clock sleep's time left is virtual;
 *  - schedule_hrtimeout_range: poll, select and epoll waits (instant.h);
 *  - the three time-reading syscalls (timeread.c).
 * Tracepoints (not exported, found by name): sched_switch tells when a
 * member blocks, which is when its group may have become idle;
 * sched_waking and sched_wakeup_new when one may run again,
 * cgroup_attach_task when members may have come or gone, and
 * hrtimer_expire_entry when a program timer fired.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <uapi/linux/futex.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/posix-timers.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <asm/unistd.h>

#include "arch.h"
#include "compat.h"
#include "group.h"
#include "forward.h"
#include "heldwait.h"
#include "hooks.h"
#include "instant.h"
#include "remaining.h"
#include "settime.h"
#include "sleeper.h"
#include "timeread.h"
#include "timerkind.h"
#include "vclock.h"
#include "vdsomap.h"

/* A member's absolute virtual time of clock id, as host time. */
static ktime_t fc_abs_to_host(struct fc_group *g, clockid_t id, ktime_t t)
{
	struct fc_clock_snapshot snap;
	struct fc_time off;
	s64 host;

	fc_group_read_clock(g, &snap);
	off = fc_snapshot_offset(&snap, id == CLOCK_REALTIME || id == CLOCK_TAI ||
				 id == CLOCK_REALTIME_ALARM,
				 ktime_get());
	fc_time_to_ns(fc_time_sub(fc_time_from_ns(t), off), &host);
	return host < 0 ? 0 : host;
}

/*
 * timerfd_settime with TFD_TIMER_ABSTIME is the one absolute arm of a
 * timerfd, and its time is the member's virtual time.
 */
static bool fc_timerfd_abs_arm(enum hrtimer_mode mode)
{
	return !(mode & HRTIMER_MODE_REL) &&
	       fc_arch_syscall_nr(task_pt_regs(current)) == __NR_timerfd_settime;
}

/*
 * hrtimer_start_range_ns{,_user}(timer, ktime_t tim, u64 delta_ns, mode),
 * of a timer of kind.
 */
static void fc_arm(struct pt_regs *regs, struct hrtimer *timer,
		   enum fc_timer_kind kind)
{
	enum hrtimer_mode mode = fc_arch_arg(regs, 3);
	ktime_t tim = fc_arch_arg(regs, 1);
	struct fc_group *g;
	bool park = false;

	if (kind == FC_TIMER_OTHER || (current->flags & PF_KTHREAD))
		return;
	/* A program's timer is armed from its own context, never an irq's. */
	if (kind != FC_TIMER_SLEEPER && !in_task())
		return;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g) {
		if ((kind == FC_TIMER_PROGRAM && fc_timerfd_abs_arm(mode)) ||
		    (!(mode & HRTIMER_MODE_REL) && fc_timer_user_abs(timer))) {
			tim = fc_abs_to_host(g, timer->base->clockid, tim);
			fc_arch_set_arg(regs, 1, tim);
		}
		park = fc_reg_arm(fc_group_sleepers(g), timer, kind, tim, mode);
	} else if (kind != FC_TIMER_SLEEPER) {
		/* Re-armed by a non-member: real time from now on. */
		fc_reg_cancel(timer);
	}
	rcu_read_unlock();
	if (park) {
		/* Frozen: the timer waits for a thaw or an advance. */
		fc_arch_set_arg(regs, 1, KTIME_MAX);
		fc_arch_set_arg(regs, 2, 0);
		fc_arch_set_arg(regs, 3,
				fc_arch_arg(regs, 3) & ~HRTIMER_MODE_REL);
	}
}

static int fc_kp_arm(struct kprobe *kp, struct pt_regs *regs)
{
	struct hrtimer *timer = (struct hrtimer *)fc_arch_arg(regs, 0);

	fc_arm(regs, timer, fc_timer_kind(timer));
	return 0;
}

/* hrtimer_try_to_cancel(timer), hrtimer_cancel(timer) */
static int fc_kp_cancel(struct kprobe *kp, struct pt_regs *regs)
{
	struct hrtimer *timer = (struct hrtimer *)fc_arch_arg(regs, 0);

	if (fc_timer_kind(timer) != FC_TIMER_OTHER)
		fc_reg_cancel(timer);
	return 0;
}

#ifdef FC_HAVE_HRTIMER_START_USER
/*
 * hrtimer_start_range_ns_user(timer, tim, delta_ns, mode), 7.x's arm of
 * sleepers, timerfd, POSIX and alarm timers: registered as by the plain
 * arm. It returns false for a timer already expired, which it leaves
 * unqueued and its caller handles as fired: no hrtimer_expire_entry comes,
 * so the return handler says so instead.
 */
static int fc_arm_user_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct hrtimer *timer = (struct hrtimer *)fc_arch_arg(regs, 0);
	enum fc_timer_kind kind = fc_timer_kind(timer);

	fc_arm(regs, timer, kind);
	if (kind != FC_TIMER_PROGRAM && kind != FC_TIMER_HOLD)
		return 1;	/* no return handler */
	*(struct hrtimer **)ri->data = timer;
	return 0;
}

static int fc_arm_user_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	if (!regs_return_value(regs))
		fc_reg_expired(*(struct hrtimer **)ri->data);
	return 0;
}

static struct kretprobe fc_arm_user_probe;

static int fc_arm_user_register(void)
{
	/* Registered afresh each time: only the settings carry over. */
	fc_arm_user_probe = (struct kretprobe){
		.kp.symbol_name = "hrtimer_start_range_ns_user",
		.entry_handler = fc_arm_user_entry,
		.handler = fc_arm_user_return,
		.data_size = sizeof(struct hrtimer *),
		.maxactive = 64,
	};
	return register_kretprobe(&fc_arm_user_probe);
}

static void fc_arm_user_unregister(void)
{
	unregister_kretprobe(&fc_arm_user_probe);
}
#else
static int fc_arm_user_register(void)
{
	return 0;
}

static void fc_arm_user_unregister(void)
{
}
#endif

/*
 * Kprobes on entries a kernel may lack (the ia32 ones of settime.c and
 * timeread.c need IA32_EMULATION): those that registered, removed in one
 * call, since each call waits for a grace period.
 */
#define FC_OPTIONAL_MAX	12
struct fc_optional {
	struct kprobe *kps[FC_OPTIONAL_MAX];
	unsigned int n;
};

/*
 * A kprobe is registered afresh each time: clears the old state of
 * kps[0..n); with ptrs, lists them there for register_kprobes().
 */
static void fc_kprobes_fresh(struct kprobe *kps, unsigned int n,
			     struct kprobe **ptrs)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		kps[i] = (struct kprobe){ .symbol_name = kps[i].symbol_name,
					  .pre_handler = kps[i].pre_handler };
		if (ptrs)
			ptrs[i] = &kps[i];
	}
}

/* unregister_kprobes() of kps[0..n), through ptrs (room for n). */
static void fc_kprobes_remove(struct kprobe *kps, unsigned int n,
			      struct kprobe **ptrs)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ptrs[i] = &kps[i];
	unregister_kprobes(ptrs, n);
}

static void fc_optional_register(struct fc_optional *o, struct kprobe *kps,
				 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && o->n < FC_OPTIONAL_MAX; i++) {
		fc_kprobes_fresh(&kps[i], 1, NULL);
		if (!register_kprobe(&kps[i]))
			o->kps[o->n++] = &kps[i];
	}
}

static void fc_optional_unregister(struct fc_optional *o)
{
	if (o->n)
		unregister_kprobes(o->kps, o->n);
	o->n = 0;
}

/* hrtimer_active(timer): see fc_reg_sleep_end(). */
static int fc_kp_active(struct kprobe *kp, struct pt_regs *regs)
{
	struct hrtimer *timer = (struct hrtimer *)fc_arch_arg(regs, 0);

	if (fc_timer_kind(timer) == FC_TIMER_SLEEPER)
		fc_reg_sleep_end(timer);
	return 0;
}

/* common_timer_get(timr, cur_setting): timer_gettime and the old value. */
static int fc_kp_posix_get(struct kprobe *kp, struct pt_regs *regs)
{
	struct k_itimer *timr = (struct k_itimer *)fc_arch_arg(regs, 0);

	/*
	 * A periodic timer is forwarded next, which brings it up to date
	 * (forward.c). An alarm timer's hrtimer is elsewhere: the lookup
	 * just misses.
	 */
	if (!timr->it_interval)
		fc_reg_sync(&timr->it.real.timer, true);
	return 0;
}

/*
 * common_hrtimer_arm and alarm_timer_arm(timr, ktime_t expires,
 * bool absolute, bool sigev_none): a member's absolute POSIX timer is in
 * its virtual time; a SIGEV_NONE one is never armed, so it is noted here.
 */
static int fc_posix_arm(struct pt_regs *regs, bool hrtimer_based)
{
	struct k_itimer *timr = (struct k_itimer *)fc_arch_arg(regs, 0);
	/* A bool argument is the register's low byte; the rest is undefined. */
	bool absolute = (u8)fc_arch_arg(regs, 2);
	bool sigev_none = (u8)fc_arch_arg(regs, 3);
	struct fc_group *g;

	if (!(absolute || sigev_none) || (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g && absolute)
		fc_arch_set_arg(regs, 1,
				fc_abs_to_host(g, timr->it_clock,
					       (ktime_t)fc_arch_arg(regs, 1)));
	if (g && sigev_none && hrtimer_based)
		fc_reg_note(fc_group_sleepers(g), &timr->it.real.timer);
	rcu_read_unlock();
	return 0;
}

static int fc_kp_posix_arm(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_posix_arm(regs, true);
}

/* An alarm timer's hrtimer is elsewhere in k_itimer: nothing to note. */
static int fc_kp_alarm_arm(struct kprobe *kp, struct pt_regs *regs)
{
	return fc_posix_arm(regs, false);
}

/* hrtimer_nanosleep(ktime_t rqtp, enum hrtimer_mode mode, clockid_t id) */
static int fc_kp_nanosleep(struct kprobe *kp, struct pt_regs *regs)
{
	struct fc_group *g;
	int ret = 0;

	if (current->flags & PF_KTHREAD)
		return 0;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g) {
		if (fc_arch_arg(regs, 1) == HRTIMER_MODE_ABS)
			fc_arch_set_arg(regs, 0,
					fc_abs_to_host(g,
						       (clockid_t)fc_arch_arg(regs, 2),
						       (ktime_t)fc_arch_arg(regs, 0)));
		ret = fc_instant_nanosleep(g, regs);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * Which clock an absolute futex timeout of the current syscall is on, or
 * -1 when the timeout was relative (the kernel made it absolute in host
 * time already) or the call is a restart (host time, stored by the kernel).
 */
static int fc_futex_abs_clock(void)
{
	struct pt_regs *u = task_pt_regs(current);
	unsigned int op, cmd;

	switch (fc_arch_syscall_nr(u)) {
	case __NR_futex:
		op = fc_arch_syscall_arg(u, 1);
		cmd = op & FUTEX_CMD_MASK;
		if (cmd == FUTEX_LOCK_PI)
			return CLOCK_REALTIME;
		if (cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
		    cmd != FUTEX_LOCK_PI2)
			return -1;
		return op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME :
						   CLOCK_MONOTONIC;
	case __NR_futex_waitv:
		return fc_arch_syscall_arg(u, 4) == CLOCK_REALTIME ?
		       CLOCK_REALTIME : CLOCK_MONOTONIC;
#ifdef __NR_futex_wait
	case __NR_futex_wait:
		return fc_arch_syscall_arg(u, 5) == CLOCK_REALTIME ?
		       CLOCK_REALTIME : CLOCK_MONOTONIC;
#endif
	default:
		return -1;
	}
}

/* futex_setup_timer(ktime_t *time, struct hrtimer_sleeper *, int, u64) */
static int fc_kp_futex_timer(struct kprobe *kp, struct pt_regs *regs)
{
	ktime_t *time = (ktime_t *)fc_arch_arg(regs, 0);
	struct fc_group *g;
	int id;

	if (!time || (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g) {
		id = fc_futex_abs_clock();
		if (id >= 0)
			*time = fc_abs_to_host(g, id, *time);
	}
	rcu_read_unlock();
	return 0;
}

/* The same for a timespec64 the kernel holds (caller's stack). */
static void fc_ts_abs_to_host(clockid_t id, struct timespec64 *ts)
{
	struct fc_group *g;

	if (!ts || (current->flags & PF_KTHREAD))
		return;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g)
		*ts = ktime_to_timespec64(fc_abs_to_host(g, id,
							 timespec64_to_ktime(*ts)));
	rcu_read_unlock();
}

/*
 * alarm_timer_nsleep(clockid, int flags, const struct timespec64 *tsreq):
 * an absolute sleep on an alarm clock (its timer is then a sleeper's).
 */
static int fc_kp_alarm_nsleep(struct kprobe *kp, struct pt_regs *regs)
{
	if (fc_arch_arg(regs, 1) & TIMER_ABSTIME)
		fc_ts_abs_to_host((clockid_t)fc_arch_arg(regs, 0),
				  (struct timespec64 *)fc_arch_arg(regs, 2));
	return 0;
}

/* schedule_hrtimeout_range(expires, delta, mode): poll, select, epoll. */
static int fc_kp_wait(struct kprobe *kp, struct pt_regs *regs)
{
	struct fc_group *g;
	int ret = 0;

	if (current->flags & PF_KTHREAD)
		return 0;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g)
		ret = fc_instant_wait(g, regs);
	rcu_read_unlock();
	return ret;
}

/*
 * nanosleep_copyout(restart, struct timespec64 *ts): the time left of a
 * member's sleep cut short, before it is written out.
 */
static int fc_kp_sleep_left(struct kprobe *kp, struct pt_regs *regs)
{
	struct fc_group *g;

	if (current->flags & PF_KTHREAD)
		return 0;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g)
		fc_sleepers_alarm_left(fc_group_sleepers(g),
				       (struct timespec64 *)fc_arch_arg(regs, 1));
	rcu_read_unlock();
	return 0;
}

/*
 * do_mq_timedsend/do_mq_timedreceive(mqdes, ptr, len, prio,
 * struct timespec64 *ts): ts is an absolute CLOCK_REALTIME deadline.
 */
static int fc_kp_mq_timed(struct kprobe *kp, struct pt_regs *regs)
{
	fc_ts_abs_to_host(CLOCK_REALTIME,
			  (struct timespec64 *)fc_arch_arg(regs, 4));
	return 0;
}

static struct kprobe fc_kprobes[] = {
	{ .symbol_name = "hrtimer_start_range_ns", .pre_handler = fc_kp_arm },
	{ .symbol_name = "hrtimer_try_to_cancel", .pre_handler = fc_kp_cancel },
	{ .symbol_name = "hrtimer_cancel", .pre_handler = fc_kp_cancel },
	{ .symbol_name = "hrtimer_active", .pre_handler = fc_kp_active },
	{ .symbol_name = "common_timer_get", .pre_handler = fc_kp_posix_get },
	{ .symbol_name = "common_hrtimer_arm", .pre_handler = fc_kp_posix_arm },
	{ .symbol_name = "alarm_timer_arm", .pre_handler = fc_kp_alarm_arm },
	{ .symbol_name = "alarm_timer_nsleep",
	  .pre_handler = fc_kp_alarm_nsleep },
	{ .symbol_name = "nanosleep_copyout", .pre_handler = fc_kp_sleep_left },
	{ .symbol_name = "schedule_hrtimeout_range", .pre_handler = fc_kp_wait },
	{ .symbol_name = "do_mq_timedsend", .pre_handler = fc_kp_mq_timed },
	{ .symbol_name = "do_mq_timedreceive", .pre_handler = fc_kp_mq_timed },
	{ .symbol_name = "hrtimer_nanosleep", .pre_handler = fc_kp_nanosleep },
	{ .symbol_name = "futex_setup_timer",
	  .pre_handler = fc_kp_futex_timer },
	{ .symbol_name = FC_ARCH_SYSCALL(clock_settime),
	  .pre_handler = fc_settime_clock_settime },
	{ .symbol_name = FC_ARCH_SYSCALL(settimeofday),
	  .pre_handler = fc_settime_settimeofday },
	{ .symbol_name = FC_ARCH_SYSCALL(adjtimex),
	  .pre_handler = fc_settime_adjtimex },
	{ .symbol_name = FC_ARCH_SYSCALL(clock_adjtime),
	  .pre_handler = fc_settime_clock_adjtime },
};

/*
 * The time reads: while a group holds the hooks, and after the last went,
 * for as long as an address space shows a group's page (its syscalls must
 * keep agreeing with its vDSO, vdsomap.h).
 */
static struct kprobe fc_read_kprobes[] = {
	{ .symbol_name = FC_ARCH_SYSCALL(clock_gettime),
	  .pre_handler = fc_timeread_clock_gettime },
	{ .symbol_name = FC_ARCH_SYSCALL(gettimeofday),
	  .pre_handler = fc_timeread_gettimeofday },
	{ .symbol_name = FC_ARCH_SYSCALL(time), .pre_handler = fc_timeread_time },
};

static struct fc_optional fc_settime_ia32, fc_read_ia32;

static void fc_probe_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	struct fc_group *g;

	if (preempt || prev_state == TASK_RUNNING ||
	    (prev->flags & PF_KTHREAD))
		return;
	rcu_read_lock();
	g = fc_group_of(prev);
	if (g)
		fc_group_kick(g);
	rcu_read_unlock();
}

/* sched_waking and sched_wakeup_new: a member about to run. */
static void fc_note_wakeup(struct task_struct *p, bool is_new)
{
	struct fc_group *g;

	if (p->flags & PF_KTHREAD)
		return;
	rcu_read_lock();
	g = fc_group_of(p);
	if (g)
		fc_group_note_wakeup(g, p, is_new);
	rcu_read_unlock();
}

static void fc_probe_waking(void *data, struct task_struct *p)
{
	fc_note_wakeup(p, false);
}

static void fc_probe_wakeup_new(void *data, struct task_struct *p)
{
	fc_note_wakeup(p, true);
}

/* hrtimer_expire_entry: a timer's callback is about to run. */
static void fc_probe_expire(void *data, struct hrtimer *timer, ktime_t *now)
{
	enum fc_timer_kind kind = fc_timer_kind(timer);

	if (kind == FC_TIMER_PROGRAM || kind == FC_TIMER_HOLD)
		fc_reg_expired(timer);
}

/* cgroup_attach_task: fires after a process or thread moved. */
static void fc_probe_attach(void *data, struct cgroup *dst, const char *path,
			    struct task_struct *task, bool threadgroup)
{
	fc_groups_note_migration();
	fc_vdsomap_note_attach(task);
}

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
} fc_tps[] = {
	{ "sched_switch", fc_probe_switch },
	{ "sched_waking", fc_probe_waking },
	{ "sched_wakeup_new", fc_probe_wakeup_new },
	{ "cgroup_attach_task", fc_probe_attach },
	{ "hrtimer_expire_entry", fc_probe_expire },
};

static void fc_find_tracepoint(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(fc_tps); i++)
		if (!strcmp(tp->name, fc_tps[i].name))
			fc_tps[i].tp = tp;
}

static void fc_tps_unregister(int n)
{
	while (n--)
		tracepoint_probe_unregister(fc_tps[n].tp, fc_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

static int fc_tps_register(void)
{
	int i, ret;

	for_each_kernel_tracepoint(fc_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(fc_tps); i++) {
		ret = -ENOENT;
		if (fc_tps[i].tp)
			ret = tracepoint_probe_register(fc_tps[i].tp,
							fc_tps[i].probe, NULL);
		if (ret) {
			pr_err("tracepoint %s: %d\n", fc_tps[i].name, ret);
			fc_tps_unregister(i);
			return ret;
		}
	}
	return 0;
}

/* Groups holding the hooks, and whether they are in; under fc_hooks_mutex. */
static DEFINE_MUTEX(fc_hooks_mutex);
static unsigned int fc_hook_users;
static bool fc_hooks_installed;
static bool fc_reads_installed;

static int fc_reads_install(void)
{
	struct kprobe *kps[ARRAY_SIZE(fc_read_kprobes)], *kp;
	unsigned int n;
	int ret;

	if (fc_reads_installed)
		return 0;
	fc_kprobes_fresh(fc_read_kprobes, ARRAY_SIZE(kps), kps);
	ret = register_kprobes(kps, ARRAY_SIZE(kps));
	if (ret) {
		pr_err("time read kprobes: %d\n", ret);
		return ret;
	}
	kp = fc_timeread_ia32_probes(&n);
	fc_optional_register(&fc_read_ia32, kp, n);
	fc_reads_installed = true;
	return 0;
}

static void fc_reads_uninstall(void)
{
	struct kprobe *kps[ARRAY_SIZE(fc_read_kprobes)];

	if (!fc_reads_installed)
		return;
	fc_optional_unregister(&fc_read_ia32);
	fc_kprobes_remove(fc_read_kprobes, ARRAY_SIZE(kps), kps);
	fc_reads_installed = false;
}

static int fc_hooks_install(void)
{
	struct kprobe *kps[ARRAY_SIZE(fc_kprobes)], *kp;
	unsigned int n;
	int ret;

	ret = fc_reads_install();
	if (ret)
		return ret;
	ret = fc_tps_register();
	if (ret)
		goto err_reads;
	fc_kprobes_fresh(fc_kprobes, ARRAY_SIZE(kps), kps);
	ret = register_kprobes(kps, ARRAY_SIZE(kps));
	if (ret) {
		pr_err("kprobes: %d\n", ret);
		goto err_tp;
	}
	ret = fc_remaining_register();
	if (ret) {
		pr_err("kretprobes: %d\n", ret);
		goto err_kp;
	}
	ret = fc_heldwait_register();
	if (ret) {
		pr_err("schedule_timeout kretprobe: %d\n", ret);
		goto err_remaining;
	}
	ret = fc_forward_register();
	if (ret) {
		pr_err("hrtimer_forward kretprobe: %d\n", ret);
		goto err_heldwait;
	}
	ret = fc_arm_user_register();
	if (ret) {
		pr_err("hrtimer_start_range_ns_user kretprobe: %d\n", ret);
		goto err_forward;
	}
	kp = fc_settime_ia32_probes(&n);
	fc_optional_register(&fc_settime_ia32, kp, n);
	fc_hooks_installed = true;
	return 0;

err_forward:
	fc_forward_unregister();
err_heldwait:
	fc_heldwait_unregister();
err_remaining:
	fc_remaining_unregister();
err_kp:
	unregister_kprobes(kps, ARRAY_SIZE(kps));
err_tp:
	fc_tps_unregister(ARRAY_SIZE(fc_tps));
err_reads:
	if (!fc_vdsomap_anchored())
		fc_reads_uninstall();
	return ret;
}

static void fc_hooks_uninstall(void)
{
	struct kprobe *kps[ARRAY_SIZE(fc_kprobes)];

	if (!fc_hooks_installed)
		return;
	fc_optional_unregister(&fc_settime_ia32);
	fc_arm_user_unregister();
	fc_forward_unregister();
	fc_heldwait_unregister();
	fc_remaining_unregister();
	fc_kprobes_remove(fc_kprobes, ARRAY_SIZE(kps), kps);
	fc_tps_unregister(ARRAY_SIZE(fc_tps));
	fc_hooks_installed = false;
}

/*
 * The hooks stay a while after the last group goes: installing them
 * rewrites kernel text (0.3 s in an emulated guest, most of it waiting for
 * every CPU to see each patch), so a test suite that runs one command
 * after another under fluxctl should pay that once, not per command.
 */
static int hooks_linger = 60;

static unsigned long fc_hooks_linger_jiffies(void)
{
	int s = READ_ONCE(hooks_linger);

	return s < 0 ? 0 : (unsigned long)min(s, 86400) * HZ;
}

/* Re-armed every few seconds while a page is shown, or kept forever. */
#define FC_HOOKS_RECHECK	(5 * HZ)

static void fc_hooks_linger_end(struct work_struct *work);
static DECLARE_DELAYED_WORK(fc_hooks_linger, fc_hooks_linger_end);

/* A new value counts from now for hooks that linger already. */
static int fc_hooks_linger_set(const char *val, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&fc_hooks_mutex);
	ret = param_set_int(val, kp);
	if (!ret && hooks_linger < -1)
		hooks_linger = -1;
	if (!ret && !fc_hook_users && fc_hooks_installed) {
		if (hooks_linger < 0)
			cancel_delayed_work(&fc_hooks_linger);
		else
			mod_delayed_work(system_wq, &fc_hooks_linger,
					 fc_hooks_linger_jiffies());
	}
	mutex_unlock(&fc_hooks_mutex);
	return ret;
}

static const struct kernel_param_ops fc_hooks_linger_ops = {
	.set = fc_hooks_linger_set,
	.get = param_get_int,
};
module_param_cb(hooks_linger, &fc_hooks_linger_ops, &hooks_linger, 0644);
MODULE_PARM_DESC(hooks_linger,
		 "seconds the hooks stay installed after the last group goes (-1: until unload; default 60)");

/* The time reads stay, looking again later, while a page is shown. */
static void fc_hooks_linger_end(struct work_struct *work)
{
	mutex_lock(&fc_hooks_mutex);
	/* (hooks_linger set to -1 meanwhile: they stay until unload) */
	if (!fc_hook_users && READ_ONCE(hooks_linger) >= 0) {
		fc_hooks_uninstall();
		if (!fc_vdsomap_anchored())
			fc_reads_uninstall();
		else
			schedule_delayed_work(&fc_hooks_linger,
					      FC_HOOKS_RECHECK);
	}
	mutex_unlock(&fc_hooks_mutex);
}

int fc_hooks_get(void)
{
	int ret = 0;

	mutex_lock(&fc_hooks_mutex);
	if (!fc_hook_users++ && !fc_hooks_installed) {
		ret = fc_hooks_install();
		if (ret)
			fc_hook_users--;
	}
	mutex_unlock(&fc_hooks_mutex);
	return ret;
}

void fc_hooks_put(void)
{
	mutex_lock(&fc_hooks_mutex);
	/*
	 * mod_: the work may be pending already (it looks again every few
	 * seconds while a page is shown), and the hooks get their full linger.
	 */
	if (!--fc_hook_users && READ_ONCE(hooks_linger) >= 0)
		mod_delayed_work(system_wq, &fc_hooks_linger,
				 fc_hooks_linger_jiffies());
	mutex_unlock(&fc_hooks_mutex);
}

void fc_hooks_exit(void)
{
	cancel_delayed_work_sync(&fc_hooks_linger);
	mutex_lock(&fc_hooks_mutex);
	fc_hooks_uninstall();
	fc_reads_uninstall();
	mutex_unlock(&fc_hooks_mutex);
}
