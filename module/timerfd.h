/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TFD_TIMER_CANCEL_ON_SET for members: a timerfd armed with it on
 * CLOCK_REALTIME must end its readers' wait with ECANCELED when the clock
 * is set. A group's REALTIME is set by a new start date, which the host's
 * own notice (timerfd_clock_was_set()) never sees: the module gives it.
 */
#ifndef _FC_TIMERFD_H
#define _FC_TIMERFD_H

#include <linux/hrtimer.h>
#include <linux/types.h>

/* True for the hrtimer of a REALTIME timerfd armed to cancel on set. */
bool fc_timerfd_cancel_on_set(const struct hrtimer *timer);

/*
 * Under rcu_read_lock(), taken while timer was still registered (so its
 * timerfd is not freed yet): tells that timerfd its clock was set, as the
 * host does: its next read fails with ECANCELED, and readers and pollers
 * wake now. Takes the timerfd's own lock: call it with no module lock held.
 */
void fc_timerfd_clock_was_set(struct hrtimer *timer);

#endif /* _FC_TIMERFD_H */
