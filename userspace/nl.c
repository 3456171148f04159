// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl's generic netlink client (libnl-genl-3): opens the socket,
 * resolves the "fluxcap" family, builds every request and parses every
 * reply. Helpers return 0 or -errno (libnl's NLE_* codes are translated
 * here) and never print; the kernel's own errno reaches the caller intact.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/fluxcap.h>

#include "nl.h"

/* libnl folds errno values into its own NLE_* codes; map back what matters. */
static int errno_of(int nlerr)
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

/* The kernel's NLMSG_ERROR carries the real -errno; keep it rather than libnl's. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	int *status = arg;

	(void)who;
	*status = err->error < 0 ? err->error : -EPROTO;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	int *status = arg;

	(void)msg;
	*status = 0;
	return NL_STOP;
}

/*
 * Sends msg and receives until the kernel acks (libnl sets NLM_F_ACK), an
 * error arrives or the socket fails; valid() sees each reply message.
 * Return: 0 or -errno.
 */
static int transact(struct nl_sock *sk, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t valid, void *arg)
{
	struct nl_cb *cb;
	int status = 1;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &status);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &status);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &status);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);

	ret = nl_send_auto(sk, msg);
	if (ret < 0) {
		status = errno_of(ret);
		goto cleanup;
	}
	while (status > 0) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && status > 0)
			status = errno_of(ret);
	}

cleanup:
	nl_cb_put(cb);
	return status;
}

/* Connects and resolves the family. Return: 0, -ENOENT if not registered, or -errno. */
static int open_family(struct nl_sock **skp, int *family)
{
	struct nl_sock *sk;
	int ret;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;

	ret = genl_connect(sk);
	if (ret < 0) {
		ret = errno_of(ret);
		goto err_free;
	}

	ret = genl_ctrl_resolve(sk, FLUXCAP_GENL_NAME);
	if (ret < 0) {
		ret = errno_of(ret);
		goto err_free;
	}

	*family = ret;
	*skp = sk;
	return 0;

err_free:
	nl_socket_free(sk);
	return ret;
}

/*
 * Starts a request for cmd. Return: the message, or NULL when out of
 * memory.
 */
static struct nl_msg *new_request(int family, int flags, uint8_t cmd)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 FLUXCAP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct version_reply {
	char *buf;
	size_t len;
	int ret;	/* 1 until a reply is parsed, then 0 or -errno */
};

static int on_version(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[FLUXCAP_A_MAX + 1] = {
		[FLUXCAP_A_VERSION] = { .type = NLA_STRING },
	};
	struct nlattr *tb[FLUXCAP_A_MAX + 1];
	struct version_reply *r = arg;
	int n;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, FLUXCAP_A_MAX, policy) < 0 ||
	    !tb[FLUXCAP_A_VERSION]) {
		r->ret = -EPROTO;
		return NL_SKIP;
	}
	n = snprintf(r->buf, r->len, "%s", nla_get_string(tb[FLUXCAP_A_VERSION]));
	r->ret = (size_t)n < r->len ? 0 : -EMSGSIZE;
	return NL_OK;
}

int fc_nl_get_version(char *buf, size_t len)
{
	struct version_reply reply = { .buf = buf, .len = len, .ret = 1 };
	struct nl_sock *sk;
	struct nl_msg *msg;
	int family;
	int ret;

	ret = open_family(&sk, &family);
	if (ret)
		return ret;

	ret = -ENOMEM;
	msg = new_request(family, 0, FLUXCAP_CMD_GET_VERSION);
	if (!msg)
		goto cleanup;

	ret = transact(sk, msg, on_version, &reply);
	if (!ret)
		ret = reply.ret > 0 ? -EPROTO : reply.ret;

	nlmsg_free(msg);
cleanup:
	nl_socket_free(sk);
	return ret;
}
