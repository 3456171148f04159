/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the selftests: no libnl, so a test sees and
 * controls every byte on the wire (reserved header bits, stray flags,
 * malformed attributes). Header-only, static inline, one request at a time:
 * each selftest is a single .c file. Helpers return 0 or -errno, and keep
 * the kernel's extended-ack message of the last error for the test's log.
 */
#ifndef _FC_SELFTEST_GENL_H
#define _FC_SELFTEST_GENL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#define GENL_NLMSGERR_ATTR_MISS_TYPE 5	/* NLMSGERR_ATTR_MISS_TYPE, 6.0+ */

#define GENL_MSG_SIZE	8192
#define GENL_RECV_SIZE	32768

struct genl_sock {
	int fd;
	__u32 seq;
	char ext_msg[256];	/* the last error's extended-ack message, or "" */
	int ext_miss_type;	/* its NLMSGERR_ATTR_MISS_TYPE (missing attribute), or 0 */
};

struct genl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[GENL_MSG_SIZE];
	};
};

struct genl_family_info {
	__u16 id;
	__u32 version;
	__u32 maxattr;
};

/* Opens a NETLINK_GENERIC socket with extended acks and a 10 s receive timeout. */
static inline int genl_open(struct genl_sock *s)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct timeval tmo = { .tv_sec = 10 };
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo))) {
		int ret = -errno;

		close(s->fd);
		s->fd = -1;
		return ret;
	}
	return 0;
}

static inline void genl_close(struct genl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static inline struct genlmsghdr *genl_hdr(struct genl_msg *m)
{
	return NLMSG_DATA(&m->nlh);
}

/* Starts a request; genl_transact() adds NLM_F_REQUEST | NLM_F_ACK to flags. */
static inline void genl_msg_init(struct genl_msg *m, __u16 family, __u16 flags,
				 __u8 cmd, __u8 version)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = family;
	m->nlh.nlmsg_flags = flags;
	genl_hdr(m)->cmd = cmd;
	genl_hdr(m)->version = version;
}

static inline int genl_put(struct genl_msg *m, __u16 type, const void *data,
			   size_t len)
{
	size_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);
	struct nlattr *nla = (struct nlattr *)(m->buf + off);

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf) ||
	    NLA_HDRLEN + len > 0xffff)
		return -EMSGSIZE;
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(NLA_HDRLEN + len) - (NLA_HDRLEN + len));
	m->nlh.nlmsg_len = off + NLA_ALIGN(NLA_HDRLEN + len);
	return 0;
}

static inline int genl_put_str(struct genl_msg *m, __u16 type, const char *s)
{
	return genl_put(m, type, s, strlen(s) + 1);
}

static inline int genl_put_u32(struct genl_msg *m, __u16 type, __u32 v)
{
	return genl_put(m, type, &v, sizeof(v));
}

/* The first top-level attribute of type in a reply, or NULL. */
static inline const struct nlattr *genl_attr(const struct genl_msg *m, __u16 type)
{
	size_t off = NLMSG_LENGTH(GENL_HDRLEN);

	while (off + NLA_HDRLEN <= m->nlh.nlmsg_len) {
		const struct nlattr *nla = (const void *)(m->buf + off);

		if (nla->nla_len < NLA_HDRLEN || off + nla->nla_len > m->nlh.nlmsg_len)
			return NULL;
		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
		off += NLA_ALIGN(nla->nla_len);
	}
	return NULL;
}

static inline const void *genl_attr_data(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}

static inline size_t genl_attr_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

/* The attribute's string if it is NUL-terminated within its length, else NULL. */
static inline const char *genl_attr_str(const struct nlattr *nla)
{
	const char *s = genl_attr_data(nla);
	size_t len = genl_attr_len(nla);

	if (!len || s[len - 1])
		return NULL;
	return s;
}

static inline void genl_save_ext_ack(struct genl_sock *s, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	s->ext_msg[0] = '\0';
	s->ext_miss_type = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);

	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *nla = (const void *)((const char *)nlh + off);

		if (nla->nla_len < NLA_HDRLEN || off + nla->nla_len > nlh->nlmsg_len)
			return;
		if (nla->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(s->ext_msg, sizeof(s->ext_msg), "%.*s",
				 (int)genl_attr_len(nla), (const char *)genl_attr_data(nla));
		if (nla->nla_type == GENL_NLMSGERR_ATTR_MISS_TYPE && genl_attr_len(nla) == 4)
			memcpy(&s->ext_miss_type, genl_attr_data(nla), 4);
		off += NLA_ALIGN(nla->nla_len);
	}
}

/*
 * Sends req (adding NLM_F_REQUEST | NLM_F_ACK and a sequence number) and
 * reads until its ack or error. The first reply message, if any, is copied
 * into reply (may be NULL). Return: 0; the kernel's -errno; -EMSGSIZE when
 * a reply does not fit; -ETIMEDOUT; or the socket's -errno.
 */
static inline int genl_transact(struct genl_sock *s, struct genl_msg *req,
				struct genl_msg *reply)
{
	char buf[GENL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool have_reply = false;

	req->nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->nlh.nlmsg_seq = ++s->seq;
	s->ext_msg[0] = '\0';
	if (send(s->fd, req->buf, req->nlh.nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;

		n = recv(s->fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if ((size_t)n > sizeof(buf))
			return -EMSGSIZE;

		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != req->nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EPROTO;
				genl_save_ext_ack(s, nlh);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (reply && !have_reply) {
				if (nlh->nlmsg_len > sizeof(reply->buf))
					return -EMSGSIZE;
				memcpy(reply->buf, nlh, nlh->nlmsg_len);
				have_reply = true;
			}
		}
	}
}

/* Looks name up with CTRL_CMD_GETFAMILY. Return: 0, -ENOENT if not registered, or -errno. */
static inline int genl_resolve(struct genl_sock *s, const char *name,
			       struct genl_family_info *info)
{
	struct genl_msg req, reply;
	const struct nlattr *nla;
	int ret;

	genl_msg_init(&req, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	ret = genl_put_str(&req, CTRL_ATTR_FAMILY_NAME, name);
	if (ret)
		return ret;
	memset(&reply, 0, sizeof(reply));
	ret = genl_transact(s, &req, &reply);
	if (ret)
		return ret;

	memset(info, 0, sizeof(*info));
	nla = genl_attr(&reply, CTRL_ATTR_FAMILY_ID);
	if (!nla || genl_attr_len(nla) != sizeof(__u16))
		return -EPROTO;
	memcpy(&info->id, genl_attr_data(nla), sizeof(info->id));
	nla = genl_attr(&reply, CTRL_ATTR_VERSION);
	if (nla && genl_attr_len(nla) == sizeof(__u32))
		memcpy(&info->version, genl_attr_data(nla), sizeof(info->version));
	nla = genl_attr(&reply, CTRL_ATTR_MAXATTR);
	if (nla && genl_attr_len(nla) == sizeof(__u32))
		memcpy(&info->maxattr, genl_attr_data(nla), sizeof(info->maxattr));
	return 0;
}

#endif /* _FC_SELFTEST_GENL_H */
