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

#include "compat.h"
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

/* Set by timerfd_settime() for an absolute REALTIME arm with the flag. */
static bool fc_timerfd_ctx_cancels(const struct fc_timerfd_ctx *ctx)
{
	return READ_ONCE(ctx->clockid) == CLOCK_REALTIME &&
	       READ_ONCE(ctx->might_cancel);
}

/*
 * From the owner's own arm: timerfd_settime() has set might_cancel, and
 * arms the timer on the REALTIME base.
 */
bool fc_timerfd_cancel_on_set(const struct hrtimer *timer)
{
	return fc_timer_timerfd(timer) &&
	       timer->base->clockid == CLOCK_REALTIME &&
	       fc_timerfd_ctx_cancels(fc_timerfd_ctx(timer));
}

/*
 * The owner may be re-arming the timerfd now (timerfd_settime(), under
 * wqh.lock, re-initialises the hrtimer: its base may be NULL for a
 * moment), so only the context is read, and read again under that lock,
 * where an arm is seen whole: the flags are recorded after the arm.
 */
void fc_timerfd_clock_was_set(struct hrtimer *timer)
{
	struct fc_timerfd_ctx *ctx = fc_timerfd_ctx(timer);
	unsigned long flags;

	if (!fc_timer_timerfd(timer) || !fc_timerfd_ctx_cancels(ctx))
		return;
	spin_lock_irqsave(&ctx->wqh.lock, flags);
	if (fc_timerfd_ctx_cancels(ctx) &&
	    ctx->settime_flags == TFD_SETTIME_FLAGS) {
		/* What timerfd_clock_was_set() does for a context it finds set. */
		ctx->moffs = KTIME_MAX;
		ctx->ticks++;
		wake_up_locked_poll(&ctx->wqh, EPOLLIN);
	}
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
}
