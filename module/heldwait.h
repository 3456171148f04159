/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timed waits the module cannot move: schedule_timeout() (socket
 * SO_RCVTIMEO/SO_SNDTIMEO, connect, many drivers) sleeps on a timer_list,
 * not an hrtimer. While a member is in one with a finite timeout, its
 * group holds: it does not jump past a wait it could not end early.
 */
#ifndef _FC_HELDWAIT_H
#define _FC_HELDWAIT_H

int fc_heldwait_register(void);
void fc_heldwait_unregister(void);

#endif /* _FC_HELDWAIT_H */
