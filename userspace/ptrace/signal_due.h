/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals waiting for a stopped tracee. A signal sent to a thread while it
 * sits in a ptrace stop (or to its process, when no other thread takes it)
 * stays pending until the thread is resumed, and then ends its next wait
 * at once: a wait the supervisor would end by jumping must go to the
 * kernel instead.
 */
#ifndef _FC_SIGNAL_DUE_H
#define _FC_SIGNAL_DUE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Has ptrace-stopped thread tid a signal queued (for itself or its
 * process) that it does not block? True when ptrace cannot tell.
 */
bool fc_signal_due(pid_t tid);

/*
 * Are the unblocked signals queued for ptrace-stopped thread tid (one at
 * least) all ones its process ignores (SIG_IGN, or by default: SIGCHLD,
 * SIGURG, SIGWINCH)? The kernel queues those for a traced thread only;
 * natively they never wake a wait, under ptrace one ends with EINTR.
 * False when it cannot tell.
 */
bool fc_signal_only_ignored(pid_t tid, pid_t tgid);

#endif /* _FC_SIGNAL_DUE_H */
