// SPDX-License-Identifier: GPL-2.0
/*
 * Group requests (NEW, DEL, GET, SET) and the events multicast group of
 * the fluxcap family: builds the attributes, parses replies and events
 * into struct fc_group_info. Attributes this tool does not know are
 * ignored, as the ABI asks.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl_group.h"

static struct nla_policy policy[FLUXCAP_A_MAX + 1] = {
	[FLUXCAP_A_GROUP_NAME]		= { .type = NLA_STRING },
	[FLUXCAP_A_GROUP_ID]		= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_CGROUP_PATH]	= { .type = NLA_STRING },
	[FLUXCAP_A_GROUP_CGROUP_ID]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_FLAGS]		= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_MONO_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_BOOT_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_REAL_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_OFFSET_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_REAL_SHIFT_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_MEMBERS]	= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_SLEEPERS]	= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_JUMPS]		= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_JUMPED_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_IDLE_FOREVER]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_HOLDS]		= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_HELD]		= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_EXTERNAL]	= { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_HELD_BY]	= { .type = NLA_STRING },
	[FLUXCAP_A_GROUP_LAST_CHECK]	= { .type = NLA_STRING },
	[FLUXCAP_A_GROUP_CHECKS]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_CHECKS_BUSY]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_CHECKS_AGAIN]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_INSTANT]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_INSTANT_BUSY]	= { .type = NLA_U64 },
	[FLUXCAP_A_GROUP_INSTANT_OTHER]	= { .type = NLA_U64 },
	[FLUXCAP_A_EVENT_JUMP_NS]	= { .type = NLA_U64 },
	[FLUXCAP_A_EVENT_PID]		= { .type = NLA_U32 },
};

static void get_string(struct nlattr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", nla_len(a), (const char *)nla_data(a));
}

/* Parses a group reply or an event. Return: 0 or -EPROTO. */
static int parse_group(struct nl_msg *msg, struct fc_group_info *g)
{
	struct nlattr *tb[FLUXCAP_A_MAX + 1];
	int i;

	memset(g, 0, sizeof(*g));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, FLUXCAP_A_MAX, policy) < 0)
		return -EPROTO;
	g->cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	for (i = 1; i <= FLUXCAP_A_MAX; i++)
		if (tb[i])
			g->present |= 1ULL << i;

#define U32(a, f)	do { if (tb[a]) g->f = nla_get_u32(tb[a]); } while (0)
#define U64(a, f)	do { if (tb[a]) g->f = nla_get_u64(tb[a]); } while (0)
#define S64(a, f)	do { if (tb[a]) g->f = (int64_t)nla_get_u64(tb[a]); } while (0)
	U32(FLUXCAP_A_GROUP_ID, id);
	U64(FLUXCAP_A_GROUP_CGROUP_ID, cgroup_id);
	U32(FLUXCAP_A_GROUP_FLAGS, flags);
	S64(FLUXCAP_A_GROUP_MONO_NS, mono_ns);
	S64(FLUXCAP_A_GROUP_BOOT_NS, boot_ns);
	S64(FLUXCAP_A_GROUP_REAL_NS, real_ns);
	S64(FLUXCAP_A_GROUP_OFFSET_NS, offset_ns);
	S64(FLUXCAP_A_GROUP_REAL_SHIFT_NS, real_shift_ns);
	U32(FLUXCAP_A_GROUP_MEMBERS, members);
	U32(FLUXCAP_A_GROUP_SLEEPERS, sleepers);
	U64(FLUXCAP_A_GROUP_JUMPS, jumps);
	U64(FLUXCAP_A_GROUP_JUMPED_NS, jumped_ns);
	U64(FLUXCAP_A_GROUP_IDLE_FOREVER, idle_forever);
	U32(FLUXCAP_A_GROUP_HOLDS, holds);
	U64(FLUXCAP_A_GROUP_HELD, held);
	U32(FLUXCAP_A_GROUP_EXTERNAL, external);
	U64(FLUXCAP_A_GROUP_CHECKS, checks);
	U64(FLUXCAP_A_GROUP_CHECKS_BUSY, checks_busy);
	U64(FLUXCAP_A_GROUP_CHECKS_AGAIN, checks_again);
	U64(FLUXCAP_A_GROUP_INSTANT, instant);
	U64(FLUXCAP_A_GROUP_INSTANT_BUSY, instant_busy);
	U64(FLUXCAP_A_GROUP_INSTANT_OTHER, instant_other);
	U64(FLUXCAP_A_EVENT_JUMP_NS, event_jump_ns);
	U32(FLUXCAP_A_EVENT_PID, event_pid);
#undef U32
#undef U64
#undef S64
	if (tb[FLUXCAP_A_GROUP_NAME])
		get_string(tb[FLUXCAP_A_GROUP_NAME], g->name, sizeof(g->name));
	if (tb[FLUXCAP_A_GROUP_CGROUP_PATH])
		get_string(tb[FLUXCAP_A_GROUP_CGROUP_PATH], g->cgroup_path,
			   sizeof(g->cgroup_path));
	if (tb[FLUXCAP_A_GROUP_HELD_BY])
		get_string(tb[FLUXCAP_A_GROUP_HELD_BY], g->held_by,
			   sizeof(g->held_by));
	if (tb[FLUXCAP_A_GROUP_LAST_CHECK])
		get_string(tb[FLUXCAP_A_GROUP_LAST_CHECK], g->last_check,
			   sizeof(g->last_check));
	return 0;
}

struct one_reply {
	struct fc_group_info *out;	/* may be NULL */
	int ret;			/* 1 until a reply arrives */
};

static int on_one(struct nl_msg *msg, void *arg)
{
	struct fc_group_info scratch;
	struct one_reply *r = arg;

	r->ret = parse_group(msg, r->out ? r->out : &scratch);
	return NL_OK;
}

/* Sends msg and stores its one reply; a reply is optional when out is NULL. */
static int transact_one(struct fc_nl *nl, struct nl_msg *msg,
			struct fc_group_info *out)
{
	struct one_reply r = { .out = out, .ret = 1 };
	int ret;

	ret = fc_nl_transact(nl, msg, on_one, &r);
	if (ret)
		return ret;
	if (r.ret > 0)
		return out ? -EPROTO : 0;
	return r.ret;
}

/* A request for cmd naming the group. */
static struct nl_msg *named_request(struct fc_nl *nl, uint8_t cmd,
				    const char *name)
{
	struct nl_msg *msg = fc_nl_request(nl, 0, cmd);

	if (msg && nla_put_string(msg, FLUXCAP_A_GROUP_NAME, name) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int fc_nl_group_new(struct fc_nl *nl, const char *name, int cgroup_fd,
		    uint32_t flags, int64_t start_ns, int external,
		    struct fc_group_info *out)
{
	struct nl_msg *msg = named_request(nl, FLUXCAP_CMD_NEW_GROUP, name);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, FLUXCAP_A_GROUP_CGROUP_FD, cgroup_fd) < 0 ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_FLAGS, flags) < 0 ||
	    (start_ns >= 0 &&
	     nla_put_s64(msg, FLUXCAP_A_GROUP_START_NS, start_ns) < 0) ||
	    (external >= 0 &&
	     nla_put_u32(msg, FLUXCAP_A_GROUP_EXTERNAL, external) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact_one(nl, msg, out);
}

int fc_nl_group_del(struct fc_nl *nl, const char *name)
{
	struct nl_msg *msg = named_request(nl, FLUXCAP_CMD_DEL_GROUP, name);

	if (!msg)
		return -ENOMEM;
	return transact_one(nl, msg, NULL);
}

int fc_nl_group_get(struct fc_nl *nl, const char *name,
		    struct fc_group_info *out)
{
	struct nl_msg *msg = named_request(nl, FLUXCAP_CMD_GET_GROUP, name);

	if (!msg)
		return -ENOMEM;
	return transact_one(nl, msg, out);
}

struct each {
	fc_group_fn fn;
	void *arg;
	int ret;
};

static int on_each(struct nl_msg *msg, void *arg)
{
	struct fc_group_info g;
	struct each *e = arg;

	if (e->ret)
		return NL_SKIP;		/* drain the rest of a stopped dump */
	e->ret = parse_group(msg, &g);
	if (!e->ret)
		e->ret = e->fn(&g, e->arg);
	return NL_OK;
}

int fc_nl_group_dump(struct fc_nl *nl, fc_group_fn fn, void *arg)
{
	struct each e = { .fn = fn, .arg = arg };
	struct nl_msg *msg;
	int ret;

	msg = fc_nl_request(nl, NLM_F_DUMP, FLUXCAP_CMD_GET_GROUP);
	if (!msg)
		return -ENOMEM;
	ret = fc_nl_transact(nl, msg, on_each, &e);
	return ret ? ret : e.ret;
}

int fc_nl_group_set(struct fc_nl *nl, const char *name, int attr,
		    int64_t value, struct fc_group_info *out)
{
	struct nl_msg *msg = named_request(nl, FLUXCAP_CMD_SET_GROUP, name);
	int ret;

	if (!msg)
		return -ENOMEM;
	switch (attr) {
	case FLUXCAP_A_GROUP_AUTO:
	case FLUXCAP_A_GROUP_FROZEN:
		ret = nla_put_u8(msg, attr, !!value);
		break;
	case FLUXCAP_A_GROUP_ADVANCE_NS:
		ret = nla_put_u64(msg, attr, (uint64_t)value);
		break;
	case FLUXCAP_A_GROUP_START_NS:
		ret = nla_put_s64(msg, attr, value);
		break;
	case FLUXCAP_A_GROUP_EXTERNAL:
		ret = nla_put_u32(msg, attr, (uint32_t)value);
		break;
	default:
		ret = -1;
	}
	if (ret < 0) {
		nlmsg_free(msg);
		return -EINVAL;
	}
	return transact_one(nl, msg, out);
}

int fc_nl_events_join(struct fc_nl *nl)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, FLUXCAP_GENL_NAME,
				    FLUXCAP_MCGRP_EVENTS_NAME);
	if (grp < 0)
		return fc_nl_errno(grp);
	/* Events are unsolicited: no sequence numbers to check. */
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		return fc_nl_errno(ret);
	ret = nl_socket_set_nonblocking(nl->sk);
	return ret < 0 ? fc_nl_errno(ret) : 0;
}

int fc_nl_events_fd(const struct fc_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/* Events carry sequence number 0: every one is in sequence. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int fc_nl_events_read(struct fc_nl *nl, fc_group_fn fn, void *arg)
{
	struct each e = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_each, &e);
	/* A fresh callback set checks sequence numbers again: not here. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	/* _report: 0 messages means the non-blocking read found nothing */
	ret = nl_recvmsgs_report(nl->sk, cb);
	nl_cb_put(cb);
	if (!ret)
		return -EAGAIN;
	if (ret < 0) {
		/* libnl reports an overrun (ENOBUFS) as NLE_NOMEM */
		if (ret == -NLE_NOMEM)
			return -ENOBUFS;
		return fc_nl_errno(ret);
	}
	return e.ret;
}
