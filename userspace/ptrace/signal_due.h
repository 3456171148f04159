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

#endif /* _FC_SIGNAL_DUE_H */
