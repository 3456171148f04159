/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peers outside the group: whether a blocked member waits on a socket
 * whose other end is not a member (the rule is in Documentation/design.md,
 * "Peers outside the group").
 */
#ifndef _FC_EXTERNAL_H
#define _FC_EXTERNAL_H

#include <linux/types.h>

struct cgroup;

/*
 * Process context, no spinlock held: looks at every member of cgrp's
 * subtree (walks every thread). True when one waits on such a socket;
 * desc (len bytes) then says which, e.g. "pid 12 (curl): tcp
 * 127.0.0.1:40000 -> 127.0.0.1:8080, peer outside the group".
 */
bool fc_external_held(struct cgroup *cgrp, char *desc, size_t len);

/*
 * Whether blocked (or about to block) task t may wait on a socket, from
 * the syscall it is in: no for sleeps, futexes, children, signals,
 * semaphores and message queues. Lockless: any context.
 */
bool fc_external_may_wait(struct task_struct *t);

#endif /* _FC_EXTERNAL_H */
