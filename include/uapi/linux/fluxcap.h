/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fluxcap's userspace ABI: the "fluxcap" generic netlink family.
 *
 * Documentation
 * =============
 *
 * The enums and macros below are for talking to the fluxcap module over
 * generic netlink. Resolve the family id of FLUXCAP_GENL_NAME with
 * CTRL_CMD_GETFAMILY, then send requests with genlmsghdr.version set to
 * FLUXCAP_GENL_VERSION and genlmsghdr.reserved set to 0.
 *
 * Rules that hold for every command:
 *
 *    - Validation is strict. A request carrying an attribute that the
 *      command does not take, or an attribute type the module does not
 *      know, fails with -EINVAL; the extended ack (NETLINK_EXT_ACK) names
 *      the offending attribute. A nonzero genlmsghdr.reserved, or any
 *      nlmsg_flags other than NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO and
 *      NLM_F_DUMP, fails with -EINVAL too.
 *    - A command number the module does not know, or NLM_F_DUMP on a
 *      command that has no dump form, fails with -EOPNOTSUPP.
 *    - Errors come back as the negative errno in an NLMSG_ERROR message,
 *      with a human-readable extended-ack message when there is one.
 *    - Attribute numbers are never reused or renumbered; new attributes and
 *      commands are only appended. Programs must ignore reply attributes
 *      they do not know.
 *
 * The clock page
 * ==============
 *
 * Most programs read the time through the vDSO without entering the
 * kernel, so neither the module nor the ptrace supervisor sees those reads.
 * The supervisor of a virtual clock (fluxctl's ptrace backend today, the
 * module's mmap of /dev/fluxcap later) publishes the clock's offsets in a
 * shared, read-only struct fluxcap_clock_page, and libfluxcap-preload.so
 * adds them to what the vDSO returns: virtual time at vDSO speed.
 *
 * The page is a sequence lock: the writer makes seq odd, stores the
 * offsets, then makes seq even again (release order). A reader loads seq,
 * retries while it is odd, loads the offsets, and retries if seq changed.
 * Offsets are virtual minus host time, normalised: *_nsec in [0, 1e9).
 *
 *    magic:       FLUXCAP_CLOCK_PAGE_MAGIC; anything else means "no page"
 *    version:     FLUXCAP_CLOCK_PAGE_VERSION; fields are only appended
 *    seq:         the sequence counter described above
 *    flags:       none defined yet: written as 0, ignored by readers
 *    mono_sec/mono_nsec: added to CLOCK_MONOTONIC, _RAW, _COARSE and
 *                 CLOCK_BOOTTIME (virtual time runs at the host's rate)
 *    real_sec/real_nsec: added to CLOCK_REALTIME, _COARSE and CLOCK_TAI;
 *                 the monotonic offset plus the shift of a chosen start date
 *    jumps:       how many jumps the clock has made (for diagnostics)
 *
 * FLUXCAP_CMD_GET_VERSION
 * -----------------------
 *
 * Reports the module's version, the same string as MODULE_VERSION and
 * /sys/module/fluxcap/version. It lets fluxctl flag a module built from a
 * different tree than the tool.
 *
 * Request: NLM_F_REQUEST (NLM_F_ACK optional), no attributes. It is
 * read-only and needs no privilege.
 *
 * Reply: one message with cmd FLUXCAP_CMD_GET_VERSION and these top-level
 * attributes:
 *
 *    FLUXCAP_A_VERSION: NLA_NUL_STRING, the module's version, for example
 *                       "0.1.0+g0123456789ab-dirty"; never empty
 *
 * Later commands (create, destroy, get and set of virtual clocks) and the
 * FLUXCAP_MCGRP_EVENTS_NAME multicast group are appended by later versions;
 * until a version documents the group here, the family has no multicast
 * groups and joining by name fails.
 */

#ifndef _UAPI_LINUX_FLUXCAP_H
#define _UAPI_LINUX_FLUXCAP_H

#include <linux/types.h>

#define FLUXCAP_GENL_NAME		"fluxcap"
#define FLUXCAP_GENL_VERSION		1

#define FLUXCAP_MCGRP_EVENTS_NAME	"events"

enum fluxcap_cmd {
	FLUXCAP_CMD_GET_VERSION = 1,

	/* add new commands above here */
	__FLUXCAP_CMD_MAX,
	FLUXCAP_CMD_MAX = (__FLUXCAP_CMD_MAX - 1)
};

/*
 * Top-level attributes. Objects added later (clocks, processes) get their
 * own nested sets, FLUXCAP_A_<OBJ>_*, hung off an attribute appended here.
 */
enum fluxcap_attr {
	FLUXCAP_A_VERSION = 1,
	FLUXCAP_A_PAD,

	/* add new attributes above here */
	__FLUXCAP_A_MAX,
	FLUXCAP_A_MAX = (__FLUXCAP_A_MAX - 1)
};

#define FLUXCAP_CLOCK_PAGE_MAGIC	0x666c7863	/* "flxc" */
#define FLUXCAP_CLOCK_PAGE_VERSION	1

struct fluxcap_clock_page {
	__u32 magic;
	__u32 version;
	__u32 seq;
	__u32 flags;
	__s64 mono_sec;
	__u32 mono_nsec;
	__u32 real_nsec;
	__s64 real_sec;
	__u64 jumps;
};

#endif /* _UAPI_LINUX_FLUXCAP_H */
