// SPDX-License-Identifier: GPL-2.0
/*
 * The callbacks that tell an hrtimer's kind. hrtimer_wakeup is learnt from
 * a sleeper initialised here; the others are static functions, found by
 * name (ksym.h). A callback that cannot be found makes its timers count
 * as other: they run in real time, and the module says so at load.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/alarmtimer.h>
#include <linux/kernel.h>

#include "compat.h"
#include "ksym.h"
#include "timerkind.h"

static const struct {
	const char *name;
	enum fc_timer_kind kind;
	bool user_abs;		/* every absolute arm is the program's time */
} fc_callbacks[] = {
	{ "timerfd_tmrproc", FC_TIMER_PROGRAM },	/* first: fc_timer_timerfd() */
	{ "it_real_fn", FC_TIMER_PROGRAM },
	{ "posix_timer_fn", FC_TIMER_PROGRAM },
	/* Alarm timers; an alarm-clock sleep is told apart below. */
	{ "alarmtimer_fired", FC_TIMER_HOLD },
	/* IORING_TIMEOUT_ABS: armed with the request's own time and mode. */
	{ "io_timeout_fn", FC_TIMER_HOLD, true },
	{ "io_link_timeout_fn", FC_TIMER_HOLD, true },
	{ "io_cqring_timer_wakeup", FC_TIMER_HOLD },	/* 6.12's wait timeout */
};

static void *fc_callback_fn[ARRAY_SIZE(fc_callbacks)];
static void *fc_wakeup_fn;
static void *fc_alarm_fired_fn;	/* alarmtimer_fired: in a struct alarm */
static void *fc_alarm_sleep_fn;	/* the alarm function of an alarm sleep */

/*
 * An alarm-clock clock_nanosleep: an on-stack struct alarm whose own
 * function wakes the task. Its alarm expiry (node.expires) only matters
 * for waking a suspended machine; the hrtimer is aimed like a sleeper's.
 */
bool fc_timer_alarm_sleep(const struct hrtimer *timer)
{
	const struct alarm *alarm;

	if (!fc_alarm_sleep_fn || READ_ONCE(timer->function) != fc_alarm_fired_fn)
		return false;
	alarm = container_of(timer, struct alarm, timer);
	return (void *)READ_ONCE(alarm->function) == fc_alarm_sleep_fn;
}

enum fc_timer_kind fc_timer_kind(const struct hrtimer *timer)
{
	void *fn = READ_ONCE(timer->function);
	int i;

	if (fn == fc_wakeup_fn || fc_timer_alarm_sleep(timer))
		return FC_TIMER_SLEEPER;
	for (i = 0; i < ARRAY_SIZE(fc_callback_fn); i++)
		if (fn == fc_callback_fn[i] && fn)
			return fc_callbacks[i].kind;
	return FC_TIMER_OTHER;
}

struct task_struct *fc_sleeper_task(const struct hrtimer *timer)
{
	const struct hrtimer_sleeper *sl;
	const struct alarm *alarm;

	if (fc_wakeup_fn && READ_ONCE(timer->function) == fc_wakeup_fn) {
		sl = container_of(timer, struct hrtimer_sleeper, timer);
		return READ_ONCE(sl->task);
	}
	if (!fc_timer_alarm_sleep(timer))
		return NULL;
	alarm = container_of(timer, struct alarm, timer);
	return READ_ONCE(alarm->data);
}

bool fc_timer_timerfd(const struct hrtimer *timer)
{
	void *fn = READ_ONCE(timer->function);

	return fn && fn == fc_callback_fn[0];
}

/*
 * The function's start: a kprobe's address may be past an ENDBR64 (IBT),
 * so the offset sprint_symbol() reports is taken off.
 */
bool fc_timer_user_abs(const struct hrtimer *timer)
{
	void *fn = READ_ONCE(timer->function);
	int i;

	for (i = 0; i < ARRAY_SIZE(fc_callback_fn); i++)
		if (fn == fc_callback_fn[i] && fn)
			return fc_callbacks[i].user_abs;
	return false;
}

int fc_timerkind_init(void)
{
	int i;

	fc_wakeup_fn = fc_hrtimer_wakeup_fn();
	if (!fc_wakeup_fn)
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(fc_callbacks); i++) {
		fc_callback_fn[i] = fc_ksym_text(fc_callbacks[i].name);
		if (!fc_callback_fn[i])
			pr_debug("no %s in this kernel: its timers run in real time\n",
				 fc_callbacks[i].name);
	}
	fc_alarm_fired_fn = fc_ksym_text("alarmtimer_fired");
	fc_alarm_sleep_fn = fc_ksym_text("alarmtimer_nsleep_wakeup");
	if (!fc_alarm_fired_fn || !fc_alarm_sleep_fn)
		pr_debug("no alarm-clock sleeps found: they hold the group\n");
	return 0;
}
