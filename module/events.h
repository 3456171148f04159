/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a group reports: jumps and idle-forever stretches. Groups hand
 * events to the sink netlink.c registers (fc_groups_set_event_sink()),
 * which multicasts them to the "events" group of the fluxcap family.
 */
#ifndef _FC_EVENTS_H
#define _FC_EVENTS_H

#include <linux/types.h>

struct fc_event {
	int type;		/* FLUXCAP_CMD_EVENT_*, 0 for none */
	u64 jump_ns;		/* EVENT_JUMP */
	pid_t pid;		/* EVENT_JUMP: the thread woken first */
	u32 members;		/* EVENT_IDLE_FOREVER */
};

#endif /* _FC_EVENTS_H */
