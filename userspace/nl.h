/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fluxctl's generic netlink client for the "fluxcap" family. Every request
 * to the module goes through here; nothing here prints.
 */
#ifndef _FC_NL_H
#define _FC_NL_H

#include <stddef.h>

/*
 * Asks the module for its version (FLUXCAP_CMD_GET_VERSION) into buf.
 * Return: 0; -ENOENT when the family is not registered (module not loaded);
 * -EMSGSIZE when len is too small; -EPROTO on a malformed reply; or the
 * -errno of the socket or of the kernel's reply.
 */
int fc_nl_get_version(char *buf, size_t len);

#endif /* _FC_NL_H */
