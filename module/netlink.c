// SPDX-License-Identifier: GPL-2.0
/*
 * The "fluxcap" generic netlink family: registration, per-op attribute
 * policies and the handlers. Policies check types and ranges, handlers
 * check meaning. The ABI is documented in include/uapi/linux/fluxcap.h.
 *
 * Today: FLUXCAP_CMD_GET_VERSION, read-only.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/fluxcap.h>

#include "netlink.h"
#include "version.h"

static struct genl_family fc_genl_family;

/*
 * GET_VERSION takes no attributes. FLUXCAP_A_VERSION only appears in
 * replies, so a request carrying it gets a message saying so; every other
 * attribute is refused by strict validation as unsupported or unknown.
 */
static const struct nla_policy get_version_policy[FLUXCAP_A_MAX + 1] = {
	[FLUXCAP_A_VERSION] = {
		.type = NLA_REJECT,
		.reject_message = "FLUXCAP_A_VERSION is only sent in replies",
	},
};

/**
 * get_version_doit() - reply with the module's version string
 * @skb: the request
 * @info: the request's generic netlink info
 *
 * Return: 0 once the reply is queued, -ENOMEM or -EMSGSIZE if it could not
 * be built, or the error of genlmsg_reply().
 */
static int get_version_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(nla_total_size(sizeof(FLUXCAP_VERSION)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &fc_genl_family, 0,
				FLUXCAP_CMD_GET_VERSION);
	if (!hdr)
		goto err_free;

	ret = nla_put_string(msg, FLUXCAP_A_VERSION, FLUXCAP_VERSION);
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

/*
 * Read-only ops carry no permission flag: any user may ask. Ops that change
 * state will carry GENL_ADMIN_PERM or GENL_UNS_ADMIN_PERM; which one (and so
 * whether root in a user namespace may drive its own clocks) is decided with
 * those ops in issue 4.
 */
static const struct genl_ops fc_genl_ops[] = {
	{
		.cmd = FLUXCAP_CMD_GET_VERSION,
		.doit = get_version_doit,
		.policy = get_version_policy,
		.maxattr = FLUXCAP_A_MAX,
	},
};

static struct genl_family fc_genl_family __ro_after_init = {
	.name = FLUXCAP_GENL_NAME,
	.version = FLUXCAP_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = fc_genl_ops,
	.n_ops = ARRAY_SIZE(fc_genl_ops),
	/*
	 * Strict from the first command: the genl core then refuses nonzero
	 * reserved header bits and ambiguous nlmsg flags, and parses every op
	 * with strict attribute validation. Nothing older needs leniency.
	 */
	.resv_start_op = FLUXCAP_CMD_GET_VERSION,
	/*
	 * Virtual time is not per network namespace: fluxctl inside a
	 * container's netns must reach the same module. The permission flags
	 * chosen in issue 4 are what guard the state-changing ops.
	 */
	.netnsok = true,
};

int __init fc_genl_init(void)
{
	return genl_register_family(&fc_genl_family);
}

void fc_genl_uninit(void)
{
	genl_unregister_family(&fc_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(FLUXCAP_GENL_NAME);
