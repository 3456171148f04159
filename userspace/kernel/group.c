// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the group subcommands and kernel-mode run: the wording of
 * errors (one place, so every subcommand says "not loaded" and "no group
 * named" the same way), and the create/delete sequences that pair a group
 * with the cgroup fluxctl makes for it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "exit.h"
#include "group.h"

int fc_group_connect(const char *sub, struct fc_nl *nl)
{
	int ret = fc_nl_open(nl);

	if (!ret)
		return 0;
	if (ret == -ENOENT)
		fprintf(stderr, "fluxctl: the fluxcap module is not loaded (modprobe fluxcap)\n");
	else
		fprintf(stderr, "fluxctl %s: cannot talk to the fluxcap module: %s\n",
			sub, strerror(-ret));
	return FC_EXIT_FAIL;
}

int fc_group_error(const char *sub, const struct fc_nl *nl, const char *name,
		   int err)
{
	const char *ext = nl->errmsg;

	if (err == -EPERM)
		fprintf(stderr, "fluxctl %s: permission denied: changing groups needs CAP_NET_ADMIN\n",
			sub);
	else if (err == -ENOENT && name)
		fprintf(stderr, "fluxctl %s: no group named %s\n", sub, name);
	else if (err == -EEXIST && name)
		fprintf(stderr, "fluxctl %s: a group named %s exists already\n", sub, name);
	else
		fprintf(stderr, "fluxctl %s: %s%s%s\n", sub, strerror(-err),
			*ext ? ": " : "", ext);
	return FC_EXIT_FAIL;
}

int fc_group_create(const char *sub, struct fc_nl *nl, const char *name,
		    const char *cgroup_arg, uint32_t flags, int64_t start_ns,
		    int external, char *dir_out, size_t dir_len)
{
	char dir[4200];
	int fd, ret;

	if (cgroup_arg) {
		ret = fc_cgroup_dir_of_arg(cgroup_arg, dir, sizeof(dir));
	} else {
		flags |= FLUXCAP_GROUP_F_OWNS_CGROUP;
		ret = fc_cgroup_make(name, dir, sizeof(dir));
		if (ret == -EEXIST) {
			fprintf(stderr, "fluxctl %s: %s exists already; remove it (rmdir) or pass --cgroup\n",
				sub, dir);
			return FC_EXIT_FAIL;
		}
	}
	if (ret) {
		fprintf(stderr, "fluxctl %s: cannot %s the cgroup %s: %s\n", sub,
			cgroup_arg ? "find" : "make", cgroup_arg ? cgroup_arg : name,
			strerror(-ret));
		return FC_EXIT_FAIL;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fluxctl %s: cannot open the cgroup %s: %m\n", sub, dir);
		ret = -errno;
	} else {
		ret = fc_nl_group_new(nl, name, fd, flags, start_ns, external,
				      NULL);
		close(fd);
		/* ENOENT here is about the cgroup, EEXIST about the name */
		if (ret)
			fc_group_error(sub, nl, ret == -EEXIST ? name : NULL, ret);
	}
	/* Refused: the directory made above is nobody's now. */
	if (ret && !cgroup_arg)
		rmdir(dir);
	if (!ret && dir_out)
		snprintf(dir_out, dir_len, "%s", dir);
	return ret ? FC_EXIT_FAIL : FC_EXIT_OK;
}

/*
 * Removes the cgroup with the empty ones a runtime left below it, waiting
 * up to 2 s for killed processes to leave.
 */
static int rmdir_wait(const char *dir, bool wait)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, ret = 0;

	for (i = 0; i < 200; i++) {
		ret = fc_cgroup_rmdir_tree(dir);
		if (!ret || ret == -ENOENT)
			return 0;
		if (ret != -EBUSY || !wait)
			break;
		nanosleep(&ts, NULL);
	}
	return ret;
}

int fc_group_delete(const char *sub, struct fc_nl *nl, const char *name,
		    bool kill)
{
	struct fc_group_info g;
	char dir[4200];
	bool owned;
	int ret;

	ret = fc_nl_group_get(nl, name, &g);
	if (ret)
		return fc_group_error(sub, nl, name, ret);
	owned = (g.flags & FLUXCAP_GROUP_F_OWNS_CGROUP) &&
		fc_group_has(&g, FLUXCAP_A_GROUP_CGROUP_PATH) &&
		!fc_cgroup_dir(g.cgroup_path, dir, sizeof(dir));

	if (!owned) {
		ret = fc_nl_group_del(nl, name);
		return ret ? fc_group_error(sub, nl, name, ret) : FC_EXIT_OK;
	}
	return fc_group_delete_owned(sub, nl, name, dir, kill);
}

int fc_group_delete_owned(const char *sub, struct fc_nl *nl, const char *name,
			  const char *dir, bool kill)
{
	int gone, ret;

	gone = fc_nl_group_del(nl, name);
	if (gone && gone != -ENOENT)
		return fc_group_error(sub, nl, name, gone);
	/* Deleted by someone else: what is left in its cgroup goes all the same. */
	if (gone)
		fc_group_error(sub, nl, name, gone);
	if (kill)
		fc_cgroup_kill(dir);
	ret = rmdir_wait(dir, kill);
	if (ret == -EBUSY) {
		fprintf(stderr, "fluxctl %s: group %s deleted, but its cgroup %s still has processes: left in place (move or kill them, then rmdir it)\n",
			sub, name, dir);
		return FC_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "fluxctl %s: group %s deleted, but cannot remove its cgroup %s: %s\n",
			sub, name, dir, strerror(-ret));
		return FC_EXIT_FAIL;
	}
	return gone ? FC_EXIT_FAIL : FC_EXIT_OK;
}

int fc_group_cgroup_dir(const char *sub, struct fc_nl *nl, const char *name,
			char *buf, size_t len)
{
	struct fc_group_info g;
	int ret;

	ret = fc_nl_group_get(nl, name, &g);
	if (ret)
		return fc_group_error(sub, nl, name, ret);
	if (!fc_group_has(&g, FLUXCAP_A_GROUP_CGROUP_PATH)) {
		fprintf(stderr, "fluxctl %s: group %s's cgroup is outside this cgroup namespace (the module shows its path only there, or with CAP_NET_ADMIN)\n",
			sub, name);
		return FC_EXIT_FAIL;
	}
	ret = fc_cgroup_dir(g.cgroup_path, buf, len);
	if (ret) {
		fprintf(stderr, "fluxctl %s: cgroup %s: %s\n", sub, g.cgroup_path,
			strerror(-ret));
		return FC_EXIT_FAIL;
	}
	return FC_EXIT_OK;
}

int fc_external_parse(const char *word, int *policy)
{
	if (!strcmp(word, "hold"))
		*policy = FLUXCAP_EXTERNAL_HOLD;
	else if (!strcmp(word, "ignore"))
		*policy = FLUXCAP_EXTERNAL_IGNORE;
	else
		return -EINVAL;
	return 0;
}

const char *fc_external_name(uint32_t policy)
{
	switch (policy) {
	case FLUXCAP_EXTERNAL_HOLD:
		return "hold";
	case FLUXCAP_EXTERNAL_IGNORE:
		return "ignore";
	default:
		return "unknown";
	}
}
