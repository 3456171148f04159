/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time select(), pselect6() and ppoll() write back as remaining. The
 * kernel computes it from the host deadline those calls keep on the stack
 * (end_time), which a jump does not move; after a jump's timeout it would
 * read as the whole timeout, where a real timeout leaves 0.
 */
#ifndef _FC_REMAINING_H
#define _FC_REMAINING_H

int fc_remaining_register(void);
void fc_remaining_unregister(void);

#endif /* _FC_REMAINING_H */
