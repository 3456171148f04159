/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the group subcommands (create, delete, set, attach, exec, list,
 * show, monitor, and run in kernel mode) share: the wording of errors,
 * and creating and deleting a group with the cgroup fluxctl makes for it.
 * These print, on stderr, prefixed "fluxctl SUB:", and return fluxctl's
 * exit statuses (exit.h).
 */
#ifndef _FC_GROUP_H
#define _FC_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl_group.h"

/*
 * Opens the netlink socket; when that fails, says why (the module is not
 * loaded, ...). Return: 0, or FC_EXIT_FAIL.
 */
int fc_group_connect(const char *sub, struct fc_nl *nl);

/*
 * Explains err, the outcome of a request about group name (NULL when
 * ENOENT and EEXIST are not about a group's name): "no group named X", "a
 * group named X exists already", a permission error, or the errno with
 * the kernel's extended-ack message. Return: FC_EXIT_FAIL.
 */
int fc_group_error(const char *sub, const struct fc_nl *nl, const char *name,
		   int err);

/*
 * Creates group name bound to the cgroup --cgroup names (cgroup_arg), or,
 * when cgroup_arg is NULL, to <mount>/fluxcap/NAME which it makes, owns,
 * and removes again if the module refuses. start_ns < 0: no start date;
 * external < 0: the module's default policy for peers outside the group.
 * The cgroup's directory goes to dir_out (dir_len bytes) when not NULL.
 * Return: FC_EXIT_OK, or FC_EXIT_FAIL with the reason printed.
 */
int fc_group_create(const char *sub, struct fc_nl *nl, const char *name,
		    const char *cgroup_arg, uint32_t flags, int64_t start_ns,
		    int external, char *dir_out, size_t dir_len);

/*
 * "hold" or "ignore" as FLUXCAP_EXTERNAL_*. Return: 0 or -EINVAL. The
 * names of the policies: fc_external_name().
 */
int fc_external_parse(const char *word, int *policy);
const char *fc_external_name(uint32_t policy);

/*
 * Deletes group name, and its cgroup if fluxctl made it; with kill set,
 * kills what is left in that cgroup first. Return: FC_EXIT_OK or
 * FC_EXIT_FAIL with the reason printed.
 */
int fc_group_delete(const char *sub, struct fc_nl *nl, const char *name,
		    bool kill);

/*
 * The same for a group the caller made with fc_group_create() and no
 * --cgroup: its cgroup directory dir is known, so the group is not asked.
 */
int fc_group_delete_owned(const char *sub, struct fc_nl *nl, const char *name,
			  const char *dir, bool kill);

/* The directory of group name's cgroup into buf. FC_EXIT_OK or _FAIL. */
int fc_group_cgroup_dir(const char *sub, struct fc_nl *nl, const char *name,
			char *buf, size_t len);

#endif /* _FC_GROUP_H */
