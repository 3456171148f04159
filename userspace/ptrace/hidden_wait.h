/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timed waits the seccomp filter does not stop: io_getevents and recvmmsg
 * with a timeout, io_uring_enter waiting for completions, and socket calls
 * on a socket with SO_RCVTIMEO/SO_SNDTIMEO.
 * Their kernel timer runs on host time, so the supervisor cannot know
 * when they end: while a thread blocks in one, virtual time must not jump
 * (slow and correct, never fast and wrong).
 */
#ifndef _FC_HIDDEN_WAIT_H
#define _FC_HIDDEN_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Is thread tid of process tgid, blocked in syscall nr with args (from
 * /proc/<tid>/syscall), waiting with a timeout the supervisor cannot see,
 * or one it cannot look at? If so, desc names it.
 */
bool fc_hidden_wait(pid_t tgid, pid_t tid, long nr, const unsigned long *args, char *desc, size_t len);

#endif /* _FC_HIDDEN_WAIT_H */
