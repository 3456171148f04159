/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleepers: a member's hrtimer sleeper (the on-stack struct hrtimer_sleeper
 * of nanosleep, poll, select, epoll, futex, sigtimedwait) registered with
 * its virtual deadline while it is armed, in its group's set (struct
 * fc_sleepers), and aimed: its host timer pointed at that deadline on the
 * set's clock.
 *
 * The lifetime rule: a sleeper lives on its owner's stack. Every owner
 * cancels it (hrtimer_try_to_cancel or hrtimer_cancel) before its frame
 * goes, and the cancel hook removes the registration under the lock. The
 * module touches a sleeper's timer only under the lock and only while it
 * is registered, so never after its owner has started to leave.
 *
 * The lock (fc_sleepers_lock()) also guards the set's clock (vclock.h) and
 * whatever the group keeps with them: a jump and the aims it makes are one
 * step to every arm and cancel.
 */
#ifndef _FC_SLEEPER_H
#define _FC_SLEEPER_H

#include <linux/hrtimer.h>
#include <linux/types.h>

#include "fc_time.h"
#include "timerkind.h"

struct cgroup;
struct fc_sleepers;
struct fc_vclock;

/*
 * An empty set on clock, for the members of cgrp; kick (any context) asks
 * for a quiescence check when a program timer fired.
 */
void fc_sleepers_init(struct fc_sleepers *s, struct fc_vclock *clock,
		      struct cgroup *cgrp, void (*kick)(struct fc_sleepers *s));

/*
 * Takes and releases s's lock (irqsave). Lock order: the groups' mutex,
 * then this lock, then the hrtimer base locks.
 */
unsigned long fc_sleepers_lock(struct fc_sleepers *s);
void fc_sleepers_unlock(struct fc_sleepers *s, unsigned long flags);

/*
 * Arm hook, for the current task, a member of s's group: current is arming
 * timer (of kind, not FC_TIMER_OTHER) with (tim, mode). A deadline ~146
 * years away is no timeout: the timer is forgotten. Return: true when the
 * arm must be parked (the clock is frozen): the caller then arms the timer
 * at KTIME_MAX instead, and a thaw or an advance aims it.
 *
 * Sleepers live until their owner's cancel. Program timers (timerfd,
 * itimers, POSIX timers) stay registered after they fire, until a cancel
 * (every owner cancels before freeing), so that a periodic one keeps its
 * virtual time; they are aimed at every jump. A hold timer stops jumps
 * while armed.
 */
bool fc_reg_arm(struct fc_sleepers *s, struct hrtimer *timer,
		enum fc_timer_kind kind, ktime_t tim, enum hrtimer_mode mode);

/*
 * Cancel hook: the owner is cancelling timer; forget it. A timer left with
 * a host expiry from before a jump gets the right one first, as nanosleep
 * reads it for the time left and for a restart.
 */
void fc_reg_cancel(struct hrtimer *timer);

/*
 * A sleeper's owner is on its way out of the sleep (it asked whether its
 * timer is active, as every cancel does): the same as its cancel. Where
 * the compiler inlined hrtimer_cancel() into the sleep, as 7.x's
 * do_nanosleep() is built, that question is the only call left to probe
 * before the sleeper's stack frame goes.
 */
void fc_reg_sleep_end(struct hrtimer *timer);

/*
 * A member sets a timer that is never armed (a SIGEV_NONE POSIX timer):
 * registered as a program timer that is no deadline, so that its expiry
 * follows the jumps when read. Its owner cancels it like the others.
 */
void fc_reg_note(struct fc_sleepers *s, struct hrtimer *timer);

/*
 * nanosleep_copyout hook, a member of s writes *ts (host time) out as the
 * time left of a sleep cut short: if the sleep was on an alarm clock, *ts
 * becomes what is left of its virtual deadline (hrtimer sleeps read their
 * aimed timer and are right already).
 */
void fc_sleepers_alarm_left(struct fc_sleepers *s, struct timespec64 *ts);

/*
 * A registered program timer that fired is no longer a deadline (the
 * hrtimer_expire_entry tracepoint); a hold timer is forgotten.
 */
void fc_reg_expired(struct hrtimer *timer);

/*
 * The owner is about to read or forward timer (hrtimer_forward,
 * timer_gettime): a registered program timer that is not armed gets the
 * host expiry that matches its virtual one. That expiry may be below 0
 * (far jumps): with clamp it becomes 0; without, the expiry stays and the
 * return value is the shift still to make (0: none), for a forward to
 * count from host now + shift and take the shift off its result.
 */
s64 fc_reg_sync(struct hrtimer *timer, bool clamp);

/*
 * The rest under s's lock. Aiming: points a registered sleeper's host timer
 * at its virtual deadline on the clock now, if its owner is blocked (else
 * the set turns stale and a later check aims it); a deadline reached fires
 * now. The aim functions return the pid of the first sleeper they made
 * fire, or 0.
 */

/* Aims every sleeper; a frozen clock parks those not due at KTIME_MAX. */
pid_t fc_sleepers_aim_all(struct fc_sleepers *s, ktime_t mono_now);

/*
 * After the clock moved on: aims the due sleepers (a prefix of the queue;
 * those aimed already are skipped), then points the due timer at the
 * first one not due.
 */
pid_t fc_sleepers_aim_due(struct fc_sleepers *s, ktime_t mono_now);

/*
 * The group's REALTIME and TAI moved by moved against its CLOCK_MONOTONIC
 * (a new start date). The waits and timers armed on those bases move as
 * on the host: their deadlines by -moved, and they are aimed again (one
 * passed fires now). timers[] gets up to max of the REALTIME timerfds,
 * still registered, for fc_timerfd_clock_was_set() once the lock is
 * dropped (under the RCU read lock taken before this lock); the return
 * value is how many it got. fc_sleepers_set_timers() counts them, for
 * sizing timers[].
 */
u32 fc_sleepers_clock_set(struct fc_sleepers *s, struct fc_time moved,
			  ktime_t mono_now, struct hrtimer **timers, u32 max);
u32 fc_sleepers_set_timers(const struct fc_sleepers *s);

/* Forgets the sleepers whose owner has left the cgroup: real time for them. */
void fc_sleepers_prune(struct fc_sleepers *s);

/* The earliest deadline in *deadline; false when no sleeper is armed. */
bool fc_sleepers_first(const struct fc_sleepers *s, struct fc_time *deadline);

u32 fc_sleepers_count(const struct fc_sleepers *s);

/* True when a sleeper could not be aimed: aim them all again. */
bool fc_sleepers_stale(const struct fc_sleepers *s);

/* Arms registered so far: a new one ends an idle-forever stretch. */
u64 fc_sleepers_arms(const struct fc_sleepers *s);

/*
 * Timers and waits of members that the module cannot move (hold timers,
 * schedule_timeout() waits): while there are any, the group must not jump.
 */
u32 fc_sleepers_holds(const struct fc_sleepers *s);

/* A member enters, and leaves, a timed wait the module cannot see. */
/*
 * Under s's lock: the virtual deadline of the caller's wait that was
 * cancelled with host expiry tim, if it is remembered (a restart arms the
 * same expiry again, and keeps that deadline).
 */
bool fc_sleepers_tomb(const struct fc_sleepers *s, ktime_t tim,
		      struct fc_time *deadline);

/* A host CLOCK_MONOTONIC deadline this far means no timeout. */
bool fc_sleepers_far(ktime_t host_mono);

/*
 * Under s's lock: between begin and end, a fired program timer asks for no
 * check (a running member made it fire, and will ask when it blocks).
 */
void fc_sleepers_instant_begin(struct fc_sleepers *s);
void fc_sleepers_instant_end(struct fc_sleepers *s);

void fc_sleepers_wait_begin(struct fc_sleepers *s);
void fc_sleepers_wait_end(struct fc_sleepers *s);

/*
 * The group goes: forgets every sleeper (their timers stay as aimed) and
 * refuses new ones. Then, outside the lock, fc_sleepers_stop().
 */
void fc_sleepers_close(struct fc_sleepers *s);
void fc_sleepers_stop(struct fc_sleepers *s);

int fc_regs_init(void);
void fc_regs_exit(void);

#endif /* _FC_SLEEPER_H */
