/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The group commands and events of the fluxcap family, over struct fc_nl
 * (nl.h). Requests name groups by FLUXCAP_A_GROUP_NAME. Nothing here
 * prints; every function returns 0 or -errno, with the kernel's
 * extended-ack message in nl->errmsg when it sent one.
 */
#ifndef _FC_NL_GROUP_H
#define _FC_NL_GROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/fluxcap.h>

#include "nl.h"

/* A group or an event as the kernel reported it. */
struct fc_group_info {
	uint8_t cmd;			/* FLUXCAP_CMD_* of the message */
	uint64_t present;		/* bit FLUXCAP_A_x set when x was sent */
	uint32_t id;
	char name[FLUXCAP_GROUP_NAME_MAX];
	uint64_t cgroup_id;
	char cgroup_path[PATH_MAX];
	uint32_t flags;
	int64_t mono_ns, boot_ns, real_ns, offset_ns, real_shift_ns;
	uint32_t members, sleepers, holds;
	uint64_t jumps, jumped_ns, idle_forever, held;
	uint32_t external;		/* FLUXCAP_EXTERNAL_* */
	char held_by[FLUXCAP_HELD_BY_MAX];
	char last_check[FLUXCAP_HELD_BY_MAX];
	uint64_t checks, checks_busy, checks_again, instant, instant_busy, instant_other;
	uint64_t event_jump_ns;
	uint32_t event_pid;
};

static inline bool fc_group_has(const struct fc_group_info *g, int attr)
{
	return g->present & (1ULL << attr);
}

/* Called once per group of a dump, or per event; nonzero stops. */
typedef int (*fc_group_fn)(const struct fc_group_info *g, void *arg);

/*
 * NEW_GROUP bound to the cgroup open at cgroup_fd, with flags
 * (FLUXCAP_GROUP_F_*); start_ns < 0 means no GROUP_START_NS, external < 0
 * no GROUP_EXTERNAL (the module's default). The reply goes to *out when
 * out is not NULL.
 */
int fc_nl_group_new(struct fc_nl *nl, const char *name, int cgroup_fd,
		    uint32_t flags, int64_t start_ns, int external,
		    struct fc_group_info *out);
int fc_nl_group_del(struct fc_nl *nl, const char *name);
/* GET_GROUP of one group. -ENOENT: no such group. */
int fc_nl_group_get(struct fc_nl *nl, const char *name,
		    struct fc_group_info *out);
/* GET_GROUP with NLM_F_DUMP: fn sees every group. */
int fc_nl_group_dump(struct fc_nl *nl, fc_group_fn fn, void *arg);
/*
 * SET_GROUP with one attribute: FLUXCAP_A_GROUP_AUTO or _FROZEN (value 0
 * or 1, sent as u8), _ADVANCE_NS (u64), _START_NS (s64) or _EXTERNAL
 * (FLUXCAP_EXTERNAL_*, u32).
 */
int fc_nl_group_set(struct fc_nl *nl, const char *name, int attr,
		    int64_t value, struct fc_group_info *out);

/* Joins the events multicast group; the socket then only receives events. */
int fc_nl_events_join(struct fc_nl *nl);
/* The socket's file descriptor, to poll() for events. */
int fc_nl_events_fd(const struct fc_nl *nl);
/*
 * Reads what one datagram holds (call when the socket is readable; it is
 * non-blocking after fc_nl_events_join()) and passes each event to fn.
 * Return: 0, -EAGAIN when nothing was there, -ENOBUFS when events were
 * lost (the socket's buffer overran), or -errno.
 */
int fc_nl_events_read(struct fc_nl *nl, fc_group_fn fn, void *arg);

#endif /* _FC_NL_GROUP_H */
