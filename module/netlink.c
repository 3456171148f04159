// SPDX-License-Identifier: GPL-2.0
/*
 * The "fluxcap" generic netlink family: registration, per-op attribute
 * policies and the handlers. Policies check types and ranges, handlers
 * check meaning. The ABI is documented in include/uapi/linux/fluxcap.h.
 *
 * Reading is open; changing groups needs CAP_NET_ADMIN in the initial
 * user namespace (GENL_ADMIN_PERM): a group changes how timers behave for
 * whatever runs in its cgroup and hooks host-wide timer paths, and a user
 * namespace's root does not necessarily own the cgroup subtree it names.
 * What a reader without it sees, and what a read costs it, is bounded
 * (see fc_put_group()). Events go to the listeners of the initial network
 * namespace and of the namespace the group was created from.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <uapi/linux/fluxcap.h>

#include "events.h"
#include "group.h"
#include "hooks.h"
#include "netlink.h"
#include "vdsomap.h"
#include "vvar.h"
#include "version.h"

static struct genl_family fc_genl_family;

/*
 * GET_VERSION takes no attributes. FLUXCAP_A_VERSION and _FEATURES only
 * appear in replies, so a request carrying it gets a message saying so; every other
 * attribute is refused by strict validation as unsupported or unknown.
 */
static const struct nla_policy get_version_policy[FLUXCAP_A_MAX + 1] = {
	[FLUXCAP_A_VERSION] = {
		.type = NLA_REJECT,
		.reject_message = "FLUXCAP_A_VERSION is only sent in replies",
	},
	[FLUXCAP_A_FEATURES] = {
		.type = NLA_REJECT,
		.reject_message = "FLUXCAP_A_FEATURES is only sent in replies",
	},
};

/**
 * get_version_doit() - reply with the module's version and features
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

	msg = genlmsg_new(nla_total_size(sizeof(FLUXCAP_VERSION)) +
			  nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &fc_genl_family, 0,
				FLUXCAP_CMD_GET_VERSION);
	if (!hdr)
		goto err_free;

	ret = nla_put_string(msg, FLUXCAP_A_VERSION, FLUXCAP_VERSION);
	if (!ret)
		ret = nla_put_u32(msg, FLUXCAP_A_FEATURES,
				  fc_vvar_supported() ? FLUXCAP_FEATURE_VDSO : 0);
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static struct sk_buff *fc_event_new(u8 cmd, u32 id, const char *name,
				    void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &fc_genl_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, FLUXCAP_A_GROUP_ID, id) ||
	    nla_put_string(msg, FLUXCAP_A_GROUP_NAME, name)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Whether anyone listens in init_net or in net (NULL: none). */
static bool fc_event_wanted(struct net *net)
{
	return genl_has_listeners(&fc_genl_family, &init_net, 0) ||
	       (net && net != &init_net &&
		genl_has_listeners(&fc_genl_family, net, 0));
}

/* Sends msg once to init_net's listeners and once to net's (if not it). */
static void fc_event_multicast(struct sk_buff *msg, void *hdr, struct net *net)
{
	struct sk_buff *copy;

	genlmsg_end(msg, hdr);
	if (net && net != &init_net &&
	    genl_has_listeners(&fc_genl_family, net, 0)) {
		copy = skb_clone(msg, GFP_KERNEL);
		if (copy)
			genlmsg_multicast_netns(&fc_genl_family, net, copy, 0,
						0, GFP_KERNEL);
	}
	genlmsg_multicast_netns(&fc_genl_family, &init_net, msg, 0, 0,
				GFP_KERNEL);
}

/* The groups' event sink: process context, no locks held. */
static void fc_event_send(struct fc_group *g, const struct fc_event *ev)
{
	struct net *net = fc_group_event_net(g);
	struct fc_group_stats st;
	struct sk_buff *msg;
	void *hdr;

	if (!fc_event_wanted(net))
		goto out;
	msg = fc_event_new(ev->type, fc_group_id(g), fc_group_name(g), &hdr);
	if (!msg)
		goto out;
	fc_group_stats(g, &st, false);
	if (ev->type == FLUXCAP_CMD_EVENT_JUMP &&
	    (nla_put_u64_64bit(msg, FLUXCAP_A_EVENT_JUMP_NS, ev->jump_ns,
			       FLUXCAP_A_PAD) ||
	     nla_put_u32(msg, FLUXCAP_A_EVENT_PID, ev->pid) ||
	     nla_put_s64(msg, FLUXCAP_A_GROUP_MONO_NS, st.clock.mono_ns,
			 FLUXCAP_A_PAD) ||
	     nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_JUMPS, st.clock.jumps,
			       FLUXCAP_A_PAD)))
		goto err;
	if (ev->type == FLUXCAP_CMD_EVENT_IDLE_FOREVER &&
	    (nla_put_u32(msg, FLUXCAP_A_GROUP_MEMBERS, ev->members) ||
	     nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_IDLE_FOREVER,
			       st.idle_forever, FLUXCAP_A_PAD)))
		goto err;
	fc_event_multicast(msg, hdr, net);
	goto out;
err:
	nlmsg_free(msg);
out:
	if (net)
		put_net(net);
}

/*
 * A group went (DEL_GROUP or its creator's socket closed); net: its
 * creator's namespace (fc_group_event_net(), taken before it went) or NULL.
 * Puts net.
 */
static void fc_event_send_deleted(u32 id, const char *name, struct net *net)
{
	struct sk_buff *msg;
	void *hdr;

	if (fc_event_wanted(net)) {
		msg = fc_event_new(FLUXCAP_CMD_EVENT_DELETED, id, name, &hdr);
		if (msg)
			fc_event_multicast(msg, hdr, net);
	}
	if (net)
		put_net(net);
}

#define FC_NAME_POLICY \
	[FLUXCAP_A_GROUP_NAME] = { .type = NLA_NUL_STRING, \
				   .len = FLUXCAP_GROUP_NAME_MAX - 1 }
#define FC_EXTERNAL_POLICY \
	[FLUXCAP_A_GROUP_EXTERNAL] = NLA_POLICY_MAX(NLA_U32, \
						    FLUXCAP_EXTERNAL_IGNORE)
#define FC_ID_POLICY \
	[FLUXCAP_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1)

static const struct nla_policy new_group_policy[FLUXCAP_A_MAX + 1] = {
	FC_NAME_POLICY,
	[FLUXCAP_A_GROUP_CGROUP_PATH] = { .type = NLA_NUL_STRING,
					  .len = PATH_MAX - 1 },
	[FLUXCAP_A_GROUP_CGROUP_FD] = { .type = NLA_U32 },
	[FLUXCAP_A_GROUP_FLAGS] =
		NLA_POLICY_MASK(NLA_U32, FLUXCAP_GROUP_F_AUTO |
					 FLUXCAP_GROUP_F_OWNS_CGROUP |
					 FLUXCAP_GROUP_F_TRANSIENT),
	[FLUXCAP_A_GROUP_START_NS] = NLA_POLICY_MIN(NLA_S64, 0),
	FC_EXTERNAL_POLICY,
};

static const struct nla_policy group_ref_policy[FLUXCAP_A_MAX + 1] = {
	FC_NAME_POLICY,
	FC_ID_POLICY,
};

static const struct nla_policy set_group_policy[FLUXCAP_A_MAX + 1] = {
	FC_NAME_POLICY,
	FC_ID_POLICY,
	[FLUXCAP_A_GROUP_AUTO] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLUXCAP_A_GROUP_FROZEN] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLUXCAP_A_GROUP_ADVANCE_NS] = NLA_POLICY_MIN(NLA_U64, 1),
	[FLUXCAP_A_GROUP_START_NS] = NLA_POLICY_MIN(NLA_S64, 0),
	FC_EXTERNAL_POLICY,
};

/*
 * Whether the caller's cgroup namespace shows cg: at or below its root,
 * as walking its own /sys/fs/cgroup would.
 */
static bool fc_cgroup_visible(struct cgroup *cg)
{
	return cgroup_is_descendant(cg,
				    current->nsproxy->cgroup_ns->root_cset->dfl_cgrp);
}

/* The cgroup's path and id, for callers allowed to see them. */
static int fc_put_cgroup(struct sk_buff *msg, struct cgroup *cg)
{
	char *path;
	int ret;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	ret = cgroup_path_ns(cg, path, PATH_MAX, current->nsproxy->cgroup_ns);
	if (ret >= 0)
		ret = nla_put_string(msg, FLUXCAP_A_GROUP_CGROUP_PATH, path) ||
		      nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_CGROUP_ID,
					cgroup_id(cg), FLUXCAP_A_PAD) ?
		      -EMSGSIZE : 0;
	kfree(path);
	return ret;
}

/*
 * priv: the caller has CAP_NET_ADMIN (initial user namespace). Without it,
 * a read costs O(1) per group (the members of the last check, no prune)
 * and the cgroup's path and id, and what held the group, are left out
 * unless the caller's cgroup namespace shows that cgroup: a container's
 * tenant does not learn where another tenant's groups live.
 */
static int fc_put_group(struct sk_buff *msg, struct fc_group *g, bool priv)
{
	bool shown = priv || fc_cgroup_visible(fc_group_cgroup(g));
	struct fc_group_stats st;
	int ret;

	if (shown) {
		ret = fc_put_cgroup(msg, fc_group_cgroup(g));
		if (ret)
			return ret;
	}
	fc_group_stats(g, &st, priv);
	/* It names a member's pid and addresses: shown as the cgroup is. */
	/* Left out when hidden: an empty one says "nothing". */
	if (nla_put_u32(msg, FLUXCAP_A_GROUP_ID, fc_group_id(g)) ||
	    nla_put_string(msg, FLUXCAP_A_GROUP_NAME, fc_group_name(g)) ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_FLAGS, st.flags) ||
	    nla_put_s64(msg, FLUXCAP_A_GROUP_MONO_NS, st.clock.mono_ns,
			FLUXCAP_A_PAD) ||
	    nla_put_s64(msg, FLUXCAP_A_GROUP_BOOT_NS, st.clock.boot_ns,
			FLUXCAP_A_PAD) ||
	    nla_put_s64(msg, FLUXCAP_A_GROUP_REAL_NS, st.clock.real_ns,
			FLUXCAP_A_PAD) ||
	    nla_put_s64(msg, FLUXCAP_A_GROUP_OFFSET_NS, st.clock.offset_ns,
			FLUXCAP_A_PAD) ||
	    nla_put_s64(msg, FLUXCAP_A_GROUP_REAL_SHIFT_NS, st.clock.real_shift_ns,
			FLUXCAP_A_PAD) ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_MEMBERS, st.members) ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_SLEEPERS, st.sleepers) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_JUMPS, st.clock.jumps,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_JUMPED_NS, st.clock.jumped_ns,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_IDLE_FOREVER,
			      st.idle_forever, FLUXCAP_A_PAD) ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_HOLDS, st.holds) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_HELD, st.held,
			      FLUXCAP_A_PAD) ||
	    nla_put_u32(msg, FLUXCAP_A_GROUP_EXTERNAL, st.external) ||
	    (shown &&
	     (nla_put_string(msg, FLUXCAP_A_GROUP_HELD_BY, st.held_by) ||
	      nla_put_string(msg, FLUXCAP_A_GROUP_LAST_CHECK, st.last_check))) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_CHECKS, st.checks,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_CHECKS_BUSY, st.checks_busy,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_CHECKS_AGAIN,
			      st.checks_again, FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_INSTANT, st.instant,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_INSTANT_BUSY, st.instant_busy,
			      FLUXCAP_A_PAD) ||
	    nla_put_u64_64bit(msg, FLUXCAP_A_GROUP_INSTANT_OTHER,
			      st.instant_other, FLUXCAP_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Replies to info's request with g, as GET_GROUP does (priv: fc_put_group). */
/* The reply about g to info's request, ready to send, or an ERR_PTR. */
static struct sk_buff *fc_group_reply_msg(struct genl_info *info,
					  struct fc_group *g, u8 cmd, bool priv)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	/* A cgroup's path may be PATH_MAX long; the rest fits in a page. */
	msg = genlmsg_new(NLMSG_GOODSIZE + PATH_MAX, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &fc_genl_family, 0, cmd);
	if (!hdr)
		goto err_free;
	ret = fc_put_group(msg, g, priv);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return msg;

err_free:
	nlmsg_free(msg);
	return ERR_PTR(ret);
}

static int fc_reply_group(struct genl_info *info, struct fc_group *g, u8 cmd,
			  bool priv)
{
	struct sk_buff *msg = fc_group_reply_msg(info, g, cmd, priv);

	return IS_ERR(msg) ? PTR_ERR(msg) : genlmsg_reply(msg, info);
}

/* The group a request names, by GROUP_NAME or GROUP_ID; under the mutex. */
static struct fc_group *fc_nl_group(struct genl_info *info)
{
	struct nlattr *name = info->attrs[FLUXCAP_A_GROUP_NAME];
	struct nlattr *id = info->attrs[FLUXCAP_A_GROUP_ID];
	struct fc_group *g;

	if (!name == !id) {
		GENL_SET_ERR_MSG(info,
				 "give the group by FLUXCAP_A_GROUP_NAME or FLUXCAP_A_GROUP_ID (one of them)");
		return ERR_PTR(-EINVAL);
	}
	g = fc_group_find(name ? nla_data(name) : NULL,
			  id ? nla_get_u32(id) : 0);
	if (!g) {
		NL_SET_BAD_ATTR(info->extack, name ?: id);
		GENL_SET_ERR_MSG(info, "no such group");
		return ERR_PTR(-ENOENT);
	}
	return g;
}

static bool fc_name_valid(const char *name)
{
	const char *c;

	if (!*name || *name == '.')
		return false;
	for (c = name; *c; c++)
		/* isalnum() alone takes Latin-1 letters too */
		if (!isascii(*c) ||
		    (!isalnum(*c) && *c != '_' && *c != '-' && *c != '.'))
			return false;
	return true;
}

static struct cgroup *fc_nl_cgroup(struct genl_info *info)
{
	struct nlattr *path = info->attrs[FLUXCAP_A_GROUP_CGROUP_PATH];
	struct nlattr *fd = info->attrs[FLUXCAP_A_GROUP_CGROUP_FD];
	struct cgroup *cg;

	if (!path == !fd) {
		GENL_SET_ERR_MSG(info,
				 "give the cgroup by FLUXCAP_A_GROUP_CGROUP_PATH or FLUXCAP_A_GROUP_CGROUP_FD (one of them)");
		return ERR_PTR(-EINVAL);
	}
	cg = path ? cgroup_get_from_path(nla_data(path)) :
		    cgroup_get_from_fd(nla_get_u32(fd));
	if (IS_ERR(cg)) {
		NL_SET_BAD_ATTR(info->extack, path ?: fd);
		if (path)
			GENL_SET_ERR_MSG(info, "no cgroup (v2) at this path");
		else
			GENL_SET_ERR_MSG(info,
					 "the fd is not an open cgroup v2 directory");
		return cg;
	}
	return cg;
}

/* Under the groups' mutex: g goes, and its hold on the hooks. */
static void fc_nl_destroy(struct fc_group *g)
{
	fc_group_destroy(g);
	fc_hooks_put();
}

static int new_group_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fc_group_params p = { .auto_jump = true };
	char name[FLUXCAP_GROUP_NAME_MAX];
	struct nlattr **a = info->attrs;
	struct sk_buff *msg;
	struct fc_group *g;
	u32 flags;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, FLUXCAP_A_GROUP_NAME)) {
		GENL_SET_ERR_MSG(info, "a new group needs FLUXCAP_A_GROUP_NAME");
		return -EINVAL;
	}
	p.name = nla_data(a[FLUXCAP_A_GROUP_NAME]);
	if (!fc_name_valid(p.name)) {
		NL_SET_BAD_ATTR(info->extack, a[FLUXCAP_A_GROUP_NAME]);
		GENL_SET_ERR_MSG(info,
				 "a group name is made of [A-Za-z0-9_.-] and does not start with '.'");
		return -EINVAL;
	}
	if (a[FLUXCAP_A_GROUP_FLAGS]) {
		flags = nla_get_u32(a[FLUXCAP_A_GROUP_FLAGS]);
		p.auto_jump = flags & FLUXCAP_GROUP_F_AUTO;
		p.owns_cgroup = flags & FLUXCAP_GROUP_F_OWNS_CGROUP;
		p.transient = flags & FLUXCAP_GROUP_F_TRANSIENT;
		p.owner_portid = info->snd_portid;
		p.owner_net = genl_info_net(info);
	}
	p.net = genl_info_net(info);
	if (a[FLUXCAP_A_GROUP_EXTERNAL])
		p.external = nla_get_u32(a[FLUXCAP_A_GROUP_EXTERNAL]);
	if (a[FLUXCAP_A_GROUP_START_NS]) {
		p.has_start = true;
		p.start_ns = nla_get_s64(a[FLUXCAP_A_GROUP_START_NS]);
	}
	p.cgrp = fc_nl_cgroup(info);
	if (IS_ERR(p.cgrp))
		return PTR_ERR(p.cgrp);

	fc_groups_lock();
	g = fc_group_create(&p, info->extack);
	if (IS_ERR(g)) {
		cgroup_put(p.cgrp);
		ret = PTR_ERR(g);
		goto out;
	}
	ret = fc_hooks_get();
	if (ret) {
		GENL_SET_ERR_MSG(info,
				 "could not install the timer hooks (see dmesg)");
		fc_group_free(g);
		goto out;
	}
	/* Made before the group is listed: only its delivery can fail after. */
	msg = fc_group_reply_msg(info, g, FLUXCAP_CMD_NEW_GROUP, true);
	if (IS_ERR(msg)) {
		fc_group_free(g);
		fc_hooks_put();
		ret = PTR_ERR(msg);
		goto out;
	}
	fc_group_add(g);
	/* Processes already in a given cgroup: their vDSO turns virtual. */
	if (!p.owns_cgroup)
		fc_vdsomap_adopt(g);
	ret = genlmsg_reply(msg, info);
	if (ret) {
		/* An error means no group: the caller never learnt of this one. */
		u32 id = fc_group_id(g);
		struct net *net = fc_group_event_net(g);

		strscpy(name, fc_group_name(g), sizeof(name));
		fc_nl_destroy(g);
		fc_groups_unlock();
		fc_event_send_deleted(id, name, net);
		return ret;
	}
out:
	fc_groups_unlock();
	return ret;
}

static int del_group_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fc_group *g;
	char name[FLUXCAP_GROUP_NAME_MAX];
	struct net *net;
	u32 id;

	fc_groups_lock();
	g = fc_nl_group(info);
	if (IS_ERR(g)) {
		fc_groups_unlock();
		return PTR_ERR(g);
	}
	id = fc_group_id(g);
	strscpy(name, fc_group_name(g), sizeof(name));
	net = fc_group_event_net(g);
	fc_nl_destroy(g);
	fc_groups_unlock();
	fc_event_send_deleted(id, name, net);
	return 0;
}

static int get_group_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fc_group *g;
	int ret;

	fc_groups_lock();
	g = fc_nl_group(info);
	ret = IS_ERR(g) ? PTR_ERR(g) :
			  fc_reply_group(info, g, FLUXCAP_CMD_GET_GROUP,
					 netlink_capable(skb, CAP_NET_ADMIN));
	fc_groups_unlock();
	return ret;
}

/*
 * cb->args[0]: the id of the last group that earlier parts of the dump
 * sent. Ids grow along the list, so a group deleted between two parts
 * makes no other one go missing.
 */
static int get_group_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	bool priv = netlink_capable(cb->skb, CAP_NET_ADMIN);
	u32 last = cb->args[0];
	struct fc_group *g = NULL;
	void *hdr;
	int ret = 0;

	fc_groups_lock();
	while ((g = fc_group_next(g))) {
		if (fc_group_id(g) <= last)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &fc_genl_family,
				  NLM_F_MULTI, FLUXCAP_CMD_GET_GROUP);
		if (!hdr)
			break;
		ret = fc_put_group(skb, g, priv);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			ret = ret == -EMSGSIZE ? 0 : ret;
			break;
		}
		genlmsg_end(skb, hdr);
		last = fc_group_id(g);
	}
	fc_groups_unlock();
	cb->args[0] = last;
	return ret ?: skb->len;
}

static int set_group_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct fc_group *g;
	int ret = 0;

	if (!a[FLUXCAP_A_GROUP_AUTO] && !a[FLUXCAP_A_GROUP_FROZEN] &&
	    !a[FLUXCAP_A_GROUP_ADVANCE_NS] && !a[FLUXCAP_A_GROUP_START_NS] &&
	    !a[FLUXCAP_A_GROUP_EXTERNAL]) {
		GENL_SET_ERR_MSG(info,
				 "nothing to set: give AUTO, FROZEN, ADVANCE_NS, START_NS or EXTERNAL");
		return -EINVAL;
	}
	fc_groups_lock();
	g = fc_nl_group(info);
	if (IS_ERR(g)) {
		ret = PTR_ERR(g);
		goto out;
	}
	if (a[FLUXCAP_A_GROUP_START_NS]) {
		ret = fc_group_set_start(g,
					 nla_get_s64(a[FLUXCAP_A_GROUP_START_NS]));
		if (ret == -EINVAL)
			GENL_SET_ERR_MSG(info, "start date out of range");
		if (ret)
			goto out;
	}
	if (a[FLUXCAP_A_GROUP_EXTERNAL])
		fc_group_set_external(g,
				      nla_get_u32(a[FLUXCAP_A_GROUP_EXTERNAL]));
	if (a[FLUXCAP_A_GROUP_FROZEN])
		fc_group_set_frozen(g, nla_get_u8(a[FLUXCAP_A_GROUP_FROZEN]));
	if (a[FLUXCAP_A_GROUP_AUTO])
		fc_group_set_auto(g, nla_get_u8(a[FLUXCAP_A_GROUP_AUTO]));
	if (a[FLUXCAP_A_GROUP_ADVANCE_NS])
		fc_group_advance(g, min_t(u64, S64_MAX,
					  nla_get_u64(a[FLUXCAP_A_GROUP_ADVANCE_NS])));
	ret = fc_reply_group(info, g, FLUXCAP_CMD_SET_GROUP, true);
out:
	fc_groups_unlock();
	return ret;
}

static const struct genl_ops fc_genl_ops[] = {
	{
		.cmd = FLUXCAP_CMD_GET_VERSION,
		.doit = get_version_doit,
		.policy = get_version_policy,
		.maxattr = FLUXCAP_A_MAX,
	},
	{
		.cmd = FLUXCAP_CMD_NEW_GROUP,
		.doit = new_group_doit,
		.policy = new_group_policy,
		.maxattr = FLUXCAP_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FLUXCAP_CMD_DEL_GROUP,
		.doit = del_group_doit,
		.policy = group_ref_policy,
		.maxattr = FLUXCAP_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FLUXCAP_CMD_GET_GROUP,
		.doit = get_group_doit,
		.dumpit = get_group_dumpit,
		.policy = group_ref_policy,
		.maxattr = FLUXCAP_A_MAX,
	},
	{
		.cmd = FLUXCAP_CMD_SET_GROUP,
		.doit = set_group_doit,
		.policy = set_group_policy,
		.maxattr = FLUXCAP_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group fc_genl_mcgrps[] = {
	{ .name = FLUXCAP_MCGRP_EVENTS_NAME },
};

static struct genl_family fc_genl_family __ro_after_init = {
	.name = FLUXCAP_GENL_NAME,
	.version = FLUXCAP_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = fc_genl_ops,
	.n_ops = ARRAY_SIZE(fc_genl_ops),
	.mcgrps = fc_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(fc_genl_mcgrps),
	/*
	 * Strict from the first command: the genl core then refuses nonzero
	 * reserved header bits and ambiguous nlmsg flags, and parses every op
	 * with strict attribute validation. Nothing older needs leniency.
	 */
	.resv_start_op = FLUXCAP_CMD_GET_VERSION,
	/*
	 * Virtual time is not per network namespace: fluxctl inside a
	 * container's netns must reach the same module. GENL_ADMIN_PERM
	 * (initial user namespace) guards the state-changing ops.
	 */
	.netnsok = true,
};

/*
 * A netlink socket was closed (process context): transient groups it made
 * go, as with DEL_GROUP, and their members are killed. Runs for every
 * netlink socket of the machine, so a socket that made none finds that out
 * under RCU, without the mutex.
 */
static int fc_nl_release(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct netlink_notify *n = ptr;
	struct fc_group *g, *next;
	struct {
		u32 id;
		char name[FLUXCAP_GROUP_NAME_MAX];
		struct net *net;
	} gone[4];
	int i, ngone;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !fc_groups_owned_any(n->portid, n->net))
		return NOTIFY_DONE;
	do {	/* a handful at a time: the events go out unlocked */
		ngone = 0;
		fc_groups_lock();
		for (g = fc_group_next(NULL); g; g = next) {
			next = fc_group_next(g);
			if (!fc_group_owned_by(g, n->portid, n->net))
				continue;
			gone[ngone].id = fc_group_id(g);
			strscpy(gone[ngone].name, fc_group_name(g),
				sizeof(gone[0].name));
			gone[ngone].net = fc_group_event_net(g);
			fc_group_kill_members(g);
			fc_nl_destroy(g);
			if (++ngone == ARRAY_SIZE(gone))
				break;
		}
		fc_groups_unlock();
		for (i = 0; i < ngone; i++)
			fc_event_send_deleted(gone[i].id, gone[i].name,
					      gone[i].net);
	} while (ngone == ARRAY_SIZE(gone));
	return NOTIFY_DONE;
}

static struct notifier_block fc_nl_notifier = {
	.notifier_call = fc_nl_release,
};

/* A network namespace goes: groups made from it stop naming it. */
static void __net_exit fc_net_exit(struct net *net)
{
	fc_groups_forget_net(net);
}

static struct pernet_operations fc_net_ops = {
	.exit = fc_net_exit,
};

int __init fc_genl_init(void)
{
	int ret;

	fc_groups_set_event_sink(fc_event_send);
	ret = register_pernet_subsys(&fc_net_ops);
	if (ret)
		return ret;
	ret = netlink_register_notifier(&fc_nl_notifier);
	if (ret)
		goto err_pernet;
	ret = genl_register_family(&fc_genl_family);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	netlink_unregister_notifier(&fc_nl_notifier);
err_pernet:
	unregister_pernet_subsys(&fc_net_ops);
	return ret;
}

void fc_genl_uninit(void)
{
	/*
	 * Waits for a release callback under way, which may send events: so
	 * first. Module exit deletes the groups left anyway.
	 */
	netlink_unregister_notifier(&fc_nl_notifier);
	genl_unregister_family(&fc_genl_family);
	/* Clears every group's namespace: none is sent to from now on. */
	unregister_pernet_subsys(&fc_net_ops);
}

MODULE_ALIAS_GENL_FAMILY(FLUXCAP_GENL_NAME);
