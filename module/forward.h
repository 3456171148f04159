/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Periodic timers forwarded in virtual time: hrtimer_forward() counts the
 * periods between a timer's expiry and host now (timerfd reads, POSIX
 * timer overruns, ITIMER_REAL re-arms). A member's timer that fired before
 * a jump must count the jumped time too.
 */
#ifndef _FC_FORWARD_H
#define _FC_FORWARD_H

int fc_forward_register(void);
void fc_forward_unregister(void);

#endif /* _FC_FORWARD_H */
