/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fluxctl's generic netlink client for the "fluxcap" family. Every request
 * to the module goes through here; nothing here prints.
 */
#ifndef _FC_NL_H
#define _FC_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Asks the module for its version (FLUXCAP_CMD_GET_VERSION) into buf, and
 * its FLUXCAP_FEATURE_* bits into *features (when not NULL).
 * Return: 0; -ENOENT when the family is not registered (module not loaded);
 * -EMSGSIZE when len is too small; -EPROTO on a malformed reply; or the
 * -errno of the socket or of the kernel's reply.
 */
int fc_nl_get_version(char *buf, size_t len, uint32_t *features);

struct nl_sock;

/* An open socket with the family resolved, and the last error's details. */
struct fc_nl {
	struct nl_sock *sk;
	int family;
	char errmsg[256];	/* the kernel's extended-ack message, or "" */
};

/*
 * Connects, asks for extended acks and resolves the family.
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded); or -errno.
 */
int fc_nl_open(struct fc_nl *nl);
void fc_nl_close(struct fc_nl *nl);

/* The module's FLUXCAP_FEATURE_* bits (0 on error). Return: 0 or -errno. */
int fc_nl_features(struct fc_nl *nl, uint32_t *features);

/* True when the fluxcap family is registered (the module is loaded). */
bool fc_nl_family_exists(void);

/* Sends a raw request and handles the reply; see nl_group.c. */
struct nl_msg;
typedef int (*fc_nl_reply_fn)(struct nl_msg *msg, void *arg);
/* A new request for cmd with flags (NLM_F_DUMP or 0); NULL without memory. */
struct nl_msg *fc_nl_request(struct fc_nl *nl, int flags, uint8_t cmd);
/*
 * Sends msg (and frees it), passes each reply to fn, and waits for the ack
 * or the end of the dump. Return: 0, or -errno (the kernel's own), with
 * nl->errmsg set from the extended ack when the kernel gave one.
 */
int fc_nl_transact(struct fc_nl *nl, struct nl_msg *msg, fc_nl_reply_fn fn,
		   void *arg);
/* libnl's NLE_* code as -errno. */
int fc_nl_errno(int nlerr);

#endif /* _FC_NL_H */
