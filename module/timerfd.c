// SPDX-License-Identifier: GPL-2.0
/*
 * Cancel-on-set timerfds (see timerfd.h). The timerfd's context is private
 * to fs/timerfd.c; its layout below has not changed since v4.10 (2017),
 * and every use first checks that the fields the kernel set for this very
 * arm read back as such, so that a kernel with another layout is left
 * alone (its cancel-on-set timerfds then do not cancel).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/alarmtimer.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/timerfd.h>
#include <linux/wait.h>

#include "timerfd.h"
#include "timerkind.h"

/* fs/timerfd.c's struct timerfd_ctx, field for field. */
struct fc_timerfd_ctx {
	union {
		struct hrtimer tmr;
		struct alarm alarm;
	} t;
	ktime_t tintv;
	ktime_t moffs;		/* KTIME_MAX: the clock was set */
	wait_queue_head_t wqh;	/* its lock guards ticks and moffs */
	u64 ticks;
	int clockid;
	unsigned short expired;
	unsigned short settime_flags;
	struct rcu_head rcu;
	struct list_head clist;
	spinlock_t cancel_lock;	/* guards might_cancel (and clist) */
	bool might_cancel;
};

static struct fc_timerfd_ctx *fc_timerfd_ctx(const struct hrtimer *timer)
{
	return container_of(timer, struct fc_timerfd_ctx, t.tmr);
}

/*
 * timerfd_settime() sets might_cancel (for an absolute REALTIME arm with
 * the flag) before it arms the timer on the REALTIME base.
 */
bool fc_timerfd_cancel_on_set(const struct hrtimer *timer)
{
	const struct fc_timerfd_ctx *ctx = fc_timerfd_ctx(timer);

	return fc_timer_timerfd(timer) && timer->base->clockid == CLOCK_REALTIME &&
	       READ_ONCE(ctx->clockid) == CLOCK_REALTIME &&
	       READ_ONCE(ctx->might_cancel);
}

void fc_timerfd_clock_was_set(struct hrtimer *timer)
{
	struct fc_timerfd_ctx *ctx = fc_timerfd_ctx(timer);
	unsigned long flags;

	/* And it records the flags once armed (shown in fdinfo). */
	if (!fc_timerfd_cancel_on_set(timer) ||
	    READ_ONCE(ctx->settime_flags) != TFD_SETTIME_FLAGS)
		return;
	/* What timerfd_clock_was_set() does for a context it finds set. */
	spin_lock_irqsave(&ctx->wqh.lock, flags);
	ctx->moffs = KTIME_MAX;
	ctx->ticks++;
	wake_up_locked_poll(&ctx->wqh, EPOLLIN);
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
}
