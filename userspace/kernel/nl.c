// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl's generic netlink client (libnl-genl-3): opens the socket,
 * resolves the "fluxcap" family, sends requests and collects replies and
 * errors, with the kernel's extended-ack message. Helpers return 0 or
 * -errno (libnl's NLE_* codes are translated here) and never print; the
 * kernel's own errno reaches the caller intact.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/fluxcap.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* libnl folds errno values into its own NLE_* codes; map back what matters. */
int fc_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_PERM:			return -EPERM;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH:	return -EPROTONOSUPPORT;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_INTR:			return -EINTR;
	case NLE_BUSY:			return -EBUSY;
	case NLE_NOADDR:		return -EADDRNOTAVAIL;
	default:			return -EIO;
	}
}

struct txn {
	struct fc_nl *nl;
	int status;	/* 1 until the ack, the end of a dump or an error */
};

/* Copies NLMSGERR_ATTR_MSG out of an NLMSG_ERROR that carries ack TLVs. */
static void ext_ack_msg(const struct nlmsgerr *err, char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*err);
	int alen;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Uncapped, the request's payload sits between the header and the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	alen = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (alen <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)err + off),
		      alen, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(buf, len, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	/* the attribute counts its NUL; drop it and any trailing newline */
	buf[strcspn(buf, "\n")] = '\0';
}

/* The kernel's NLMSG_ERROR carries the real -errno; keep it rather than libnl's. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct txn *t = arg;

	(void)who;
	t->status = err->error < 0 ? err->error : -EPROTO;
	ext_ack_msg(err, t->nl->errmsg, sizeof(t->nl->errmsg));
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;

	(void)msg;
	t->status = 0;
	return NL_STOP;
}

int fc_nl_transact(struct fc_nl *nl, struct nl_msg *msg, fc_nl_reply_fn fn,
		   void *arg)
{
	struct txn t = { .nl = nl, .status = 1 };
	struct nl_cb *cb;
	int ret;

	nl->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		t.status = fc_nl_errno(ret);
		goto cleanup;
	}
	while (t.status > 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && t.status > 0)
			t.status = fc_nl_errno(ret);
	}

cleanup:
	nl_cb_put(cb);
	return t.status;
}

int fc_nl_open(struct fc_nl *nl)
{
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;

	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = fc_nl_errno(ret);
		goto err_free;
	}
	/* Best effort: old kernels lack it, and the errno alone still says enough. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));

	ret = genl_ctrl_resolve(nl->sk, FLUXCAP_GENL_NAME);
	if (ret < 0) {
		ret = fc_nl_errno(ret);
		goto err_free;
	}
	nl->family = ret;
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

void fc_nl_close(struct fc_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

bool fc_nl_family_exists(void)
{
	struct fc_nl nl;

	if (fc_nl_open(&nl))
		return false;
	fc_nl_close(&nl);
	return true;
}

struct nl_msg *fc_nl_request(struct fc_nl *nl, int flags, uint8_t cmd)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, FLUXCAP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct version_reply {
	char *buf;		/* NULL: only the features are wanted */
	size_t len;
	uint32_t features;
	int ret;	/* 1 until a reply is parsed, then 0 or -errno */
};

static int on_version(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[FLUXCAP_A_MAX + 1] = {
		[FLUXCAP_A_VERSION] = { .type = NLA_STRING },
		[FLUXCAP_A_FEATURES] = { .type = NLA_U32 },
	};
	struct nlattr *tb[FLUXCAP_A_MAX + 1];
	struct version_reply *r = arg;
	int n;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, FLUXCAP_A_MAX, policy) < 0 ||
	    !tb[FLUXCAP_A_VERSION]) {
		r->ret = -EPROTO;
		return NL_SKIP;
	}
	/* A module older than the attribute has none of the features. */
	r->features = tb[FLUXCAP_A_FEATURES] ? nla_get_u32(tb[FLUXCAP_A_FEATURES]) : 0;
	r->ret = 0;
	if (r->buf) {
		n = snprintf(r->buf, r->len, "%s", nla_get_string(tb[FLUXCAP_A_VERSION]));
		r->ret = (size_t)n < r->len ? 0 : -EMSGSIZE;
	}
	return NL_OK;
}

static int get_version(struct fc_nl *nl, struct version_reply *reply)
{
	struct nl_msg *msg = fc_nl_request(nl, 0, FLUXCAP_CMD_GET_VERSION);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = fc_nl_transact(nl, msg, on_version, reply);
	if (!ret)
		ret = reply->ret > 0 ? -EPROTO : reply->ret;
	return ret;
}

int fc_nl_features(struct fc_nl *nl, uint32_t *features)
{
	struct version_reply reply = { .ret = 1 };
	int ret = get_version(nl, &reply);

	*features = ret ? 0 : reply.features;
	return ret;
}

int fc_nl_get_version(char *buf, size_t len, uint32_t *features)
{
	struct version_reply reply = { .buf = buf, .len = len, .ret = 1 };
	struct fc_nl nl;
	int ret;

	ret = fc_nl_open(&nl);
	if (ret)
		return ret;
	ret = get_version(&nl, &reply);
	if (features)
		*features = ret ? 0 : reply.features;
	fc_nl_close(&nl);
	return ret;
}
