/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fluxcap family's group commands over raw generic netlink (genl.h):
 * requests naming a group, a strict parser of group and event messages
 * (every known attribute sized as its type says), dumps, and the "events"
 * multicast group. Used by group.h and the group selftests.
 */
#ifndef _FC_SELFTEST_GROUP_GENL_H
#define _FC_SELFTEST_GROUP_GENL_H

#include <poll.h>
#include <time.h>

#include <linux/fluxcap.h>

#include "genl.h"

/* Real milliseconds (CLOCK_MONOTONIC of the caller, a non-member). */
static inline long long fxg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- groups ---- */

struct fx_group {
	__u32 id;
	char name[FLUXCAP_GROUP_NAME_MAX];
	char path[256];
	__u64 cgroup_id;
	__u32 flags;
	__s64 mono_ns, boot_ns, real_ns, offset_ns, shift_ns;
	__u32 members, sleepers, holds;
	__u64 jumps, jumped_ns, idle_forever, held;
	__u64 jump_ns;		/* events */
	__u32 pid;		/* events */
	__u64 seen;		/* bit (1 << type) per attribute present */
	int bad;		/* the type of a malformed attribute, or 0 */
};

#define FX_SEEN(g, a)	(!!((g)->seen & (1ULL << (a))))

static inline int fx_attr_size(int type)
{
	switch (type) {
	case FLUXCAP_A_GROUP_ID: case FLUXCAP_A_GROUP_CGROUP_FD:
	case FLUXCAP_A_GROUP_FLAGS: case FLUXCAP_A_GROUP_MEMBERS:
	case FLUXCAP_A_GROUP_SLEEPERS: case FLUXCAP_A_EVENT_PID:
	case FLUXCAP_A_GROUP_HOLDS: case FLUXCAP_A_FEATURES:
	case FLUXCAP_A_GROUP_EXTERNAL:
		return 4;
	case FLUXCAP_A_GROUP_AUTO: case FLUXCAP_A_GROUP_FROZEN:
		return 1;
	case FLUXCAP_A_VERSION: case FLUXCAP_A_GROUP_NAME:
	case FLUXCAP_A_GROUP_CGROUP_PATH: case FLUXCAP_A_GROUP_HELD_BY:
	case FLUXCAP_A_GROUP_LAST_CHECK:
		return -1;	/* NUL-terminated string */
	case FLUXCAP_A_PAD:
		return 0;	/* any */
	default:
		return type >= 1 && type <= FLUXCAP_A_MAX ? 8 : 0;
	}
}

/*
 * Parses and checks every top-level attribute of a group message: each
 * well-formed, sized as its type says, strings NUL-terminated; unknown
 * types are ignored (the ABI's rule). Return: 0 or -EBADMSG (g->bad set).
 */
static inline int fx_group_parse(const struct genl_msg *m, struct fx_group *g)
{
	size_t off = NLMSG_LENGTH(GENL_HDRLEN);

	memset(g, 0, sizeof(*g));
	if (m->nlh.nlmsg_len < off)
		return -EBADMSG;
	while (off + NLA_HDRLEN <= m->nlh.nlmsg_len) {
		const struct nlattr *nla = (const void *)(m->buf + off);
		int type = nla->nla_type & NLA_TYPE_MASK, size = fx_attr_size(type);
		const void *d = genl_attr_data(nla);
		size_t len;
		__u64 v = 0;

		if (nla->nla_len < NLA_HDRLEN || off + nla->nla_len > m->nlh.nlmsg_len)
			goto bad;
		len = genl_attr_len(nla);
		off += NLA_ALIGN(nla->nla_len);
		if (type > FLUXCAP_A_MAX || type == FLUXCAP_A_PAD || !type)
			continue;
		if (size == -1 ? !genl_attr_str(nla) : (size_t)size != len)
			goto bad;
		g->seen |= 1ULL << type;
		if (size > 0)
			memcpy(&v, d, size);	/* little-endian host */
		switch (type) {
		case FLUXCAP_A_GROUP_ID: g->id = v; break;
		case FLUXCAP_A_GROUP_NAME:
			snprintf(g->name, sizeof(g->name), "%s", (const char *)d); break;
		case FLUXCAP_A_GROUP_CGROUP_PATH:
			snprintf(g->path, sizeof(g->path), "%s", (const char *)d); break;
		case FLUXCAP_A_GROUP_CGROUP_ID: g->cgroup_id = v; break;
		case FLUXCAP_A_GROUP_FLAGS: g->flags = v; break;
		case FLUXCAP_A_GROUP_MONO_NS: g->mono_ns = v; break;
		case FLUXCAP_A_GROUP_BOOT_NS: g->boot_ns = v; break;
		case FLUXCAP_A_GROUP_REAL_NS: g->real_ns = v; break;
		case FLUXCAP_A_GROUP_OFFSET_NS: g->offset_ns = v; break;
		case FLUXCAP_A_GROUP_REAL_SHIFT_NS: g->shift_ns = v; break;
		case FLUXCAP_A_GROUP_MEMBERS: g->members = v; break;
		case FLUXCAP_A_GROUP_SLEEPERS: g->sleepers = v; break;
		case FLUXCAP_A_GROUP_JUMPS: g->jumps = v; break;
		case FLUXCAP_A_GROUP_JUMPED_NS: g->jumped_ns = v; break;
		case FLUXCAP_A_GROUP_IDLE_FOREVER: g->idle_forever = v; break;
		case FLUXCAP_A_GROUP_HOLDS: g->holds = v; break;
		case FLUXCAP_A_GROUP_HELD: g->held = v; break;
		case FLUXCAP_A_EVENT_JUMP_NS: g->jump_ns = v; break;
		case FLUXCAP_A_EVENT_PID: g->pid = v; break;
		}
		continue;
bad:
		g->bad = type ? type : -1;
		return -EBADMSG;
	}
	return 0;
}

/* Starts a request of cmd naming group name (NULL: no name attribute). */
static inline void fx_req(struct genl_msg *m, __u16 family, __u8 cmd, const char *name)
{
	genl_msg_init(m, family, 0, cmd, FLUXCAP_GENL_VERSION);
	if (name)
		genl_put_str(m, FLUXCAP_A_GROUP_NAME, name);
}

/* Sends req; a reply, if any, is parsed into g (may be NULL). Return: 0 or -errno. */
static inline int fx_send_req(struct genl_sock *s, struct genl_msg *req, struct fx_group *g)
{
	struct genl_msg reply;
	int ret;

	reply.nlh.nlmsg_len = 0;
	ret = genl_transact(s, req, &reply);
	if (ret || !g)
		return ret;
	if (reply.nlh.nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -ENODATA;
	return fx_group_parse(&reply, g);
}

/* NEW_GROUP: path and/or fd (< 0: none), flags (< 0: no attribute). */
static inline int fx_group_new(struct genl_sock *s, __u16 family, const char *name,
			       const char *path, int fd, long long flags, struct fx_group *g)
{
	struct genl_msg m;

	fx_req(&m, family, FLUXCAP_CMD_NEW_GROUP, name);
	if (path)
		genl_put_str(&m, FLUXCAP_A_GROUP_CGROUP_PATH, path);
	if (fd >= 0)
		genl_put_u32(&m, FLUXCAP_A_GROUP_CGROUP_FD, fd);
	if (flags >= 0)
		genl_put_u32(&m, FLUXCAP_A_GROUP_FLAGS, flags);
	return fx_send_req(s, &m, g);
}

static inline int fx_group_simple(struct genl_sock *s, __u16 family, __u8 cmd,
				  const char *name, struct fx_group *g)
{
	struct genl_msg m;

	fx_req(&m, family, cmd, name);
	return fx_send_req(s, &m, g);
}

/* SET_GROUP with one attribute of size 1 (u8) or 8 (u64/s64). */
static inline int fx_group_set(struct genl_sock *s, __u16 family, const char *name,
			       __u16 attr, __u64 v, int size, struct fx_group *g)
{
	struct genl_msg m;
	__u8 b = v;

	fx_req(&m, family, FLUXCAP_CMD_SET_GROUP, name);
	genl_put(&m, attr, size == 1 ? (void *)&b : (void *)&v, size);
	return fx_send_req(s, &m, g);
}

/*
 * GET_GROUP dump: calls cb for each group (cb may be NULL). Return: the
 * number of groups, or -errno (-EBADMSG for a malformed message).
 */
static inline int fx_group_dump(struct genl_sock *s, __u16 family,
				void (*cb)(const struct fx_group *g, void *arg), void *arg)
{
	static char buf[GENL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct genl_msg req;
	int count = 0;

	genl_msg_init(&req, family, NLM_F_DUMP, FLUXCAP_CMD_GET_GROUP, FLUXCAP_GENL_VERSION);
	req.nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = ++s->seq;
	s->ext_msg[0] = '\0';
	if (send(s->fd, req.buf, req.nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_TRUNC);
		struct nlmsghdr *nlh;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if ((size_t)n > sizeof(buf))
			return -EMSGSIZE;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			static struct genl_msg m;
			struct fx_group g;

			if (nlh->nlmsg_seq != req.nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return count;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				genl_save_ext_ack(s, nlh);
				return e->error ? e->error : count;
			}
			if (nlh->nlmsg_len > sizeof(m.buf))
				return -EMSGSIZE;
			memcpy(m.buf, nlh, nlh->nlmsg_len);
			if (fx_group_parse(&m, &g))
				return -EBADMSG;
			count++;
			if (cb)
				cb(&g, arg);
		}
	}
}

/* The id of the family's multicast group mcname, from CTRL_CMD_GETFAMILY. */
static inline int fx_mcgrp_id(struct genl_sock *s, const char *family,
			      const char *mcname, __u32 *id)
{
	struct genl_msg req, reply;
	const struct nlattr *grps, *grp, *a;
	size_t off, off2;

	genl_msg_init(&req, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	genl_put_str(&req, CTRL_ATTR_FAMILY_NAME, family);
	if (genl_transact(s, &req, &reply))
		return -ENOENT;
	grps = genl_attr(&reply, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return -ENOENT;
	for (off = NLA_HDRLEN; off + NLA_HDRLEN <= grps->nla_len; off += NLA_ALIGN(grp->nla_len)) {
		const char *name = NULL;
		bool have_id = false;

		grp = (const void *)((const char *)grps + off);
		if (grp->nla_len < NLA_HDRLEN || off + grp->nla_len > grps->nla_len)
			return -EBADMSG;
		for (off2 = NLA_HDRLEN; off2 + NLA_HDRLEN <= grp->nla_len; off2 += NLA_ALIGN(a->nla_len)) {
			a = (const void *)((const char *)grp + off2);
			if (a->nla_len < NLA_HDRLEN || off2 + a->nla_len > grp->nla_len)
				return -EBADMSG;
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = genl_attr_str(a);
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID && genl_attr_len(a) == 4) {
				memcpy(id, genl_attr_data(a), 4);
				have_id = true;
			}
		}
		if (name && have_id && !strcmp(name, mcname))
			return 0;
	}
	return -ENOENT;
}

/* s, open, joins the family's events group. Return: 0 or -errno. */
static inline int fx_events_join(struct genl_sock *s)
{
	__u32 grp;
	int ret = fx_mcgrp_id(s, FLUXCAP_GENL_NAME, FLUXCAP_MCGRP_EVENTS_NAME, &grp);

	if (ret)
		return ret;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

/*
 * Waits up to ms for an event of cmd about group name on a socket that
 * joined the events group (fx_events_join()); parses it into g. Return: 0 or -ETIMEDOUT.
 */
static inline int fx_event_wait(struct genl_sock *s, __u16 family, __u8 cmd,
				const char *name, long ms, struct fx_group *g)
{
	static char buf[GENL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long end = fxg_now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		long long left = end - fxg_now_ms();
		struct nlmsghdr *nlh;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -ETIMEDOUT;
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			static struct genl_msg m;

			if (nlh->nlmsg_type != family || nlh->nlmsg_len > sizeof(m.buf))
				continue;
			memcpy(m.buf, nlh, nlh->nlmsg_len);
			if (genl_hdr(&m)->cmd != cmd || fx_group_parse(&m, g))
				continue;
			if (!name || !strcmp(g->name, name))
				return 0;
		}
	}
}

#endif /* _FC_SELFTEST_GROUP_GENL_H */
