/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "fluxcap" generic netlink family: the module's only interface to
 * userspace (see include/uapi/linux/fluxcap.h).
 */
#ifndef _FC_NETLINK_H
#define _FC_NETLINK_H

/* Registers the family. Call last in module init: userspace can call in at once. */
int fc_genl_init(void);

/* Unregisters the family; returns once no handler is running. Call first in module exit. */
void fc_genl_uninit(void);

#endif /* _FC_NETLINK_H */
