/* SPDX-License-Identifier: GPL-2.0 */
/* Events multicast to the "events" group of the fluxcap family. */
#ifndef _FC_EVENTS_H
#define _FC_EVENTS_H

#include <linux/types.h>

struct fc_group;

struct fc_event {
	int type;		/* FLUXCAP_CMD_EVENT_*, 0 for none */
	u64 jump_ns;		/* EVENT_JUMP */
	pid_t pid;		/* EVENT_JUMP: the thread woken first */
	u32 members;		/* EVENT_IDLE_FOREVER */
};

/* Process context, no locks held. Drops the event if nobody listens. */
void fc_event_send(struct fc_group *g, const struct fc_event *ev);

/* The same for FLUXCAP_CMD_EVENT_DELETED, once the group is gone. */
void fc_event_send_deleted(u32 id, const char *name);

#endif /* _FC_EVENTS_H */
