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
 * The supervisor of a virtual clock (fluxctl's ptrace backend, or the
 * module through mmap of /dev/fluxcap) publishes the clock's offsets in a
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
 *    flags:       FLUXCAP_CLOCK_PAGE_F_FROZEN: virtual time stands still,
 *                 and mono_* and real_* hold the frozen virtual times of
 *                 the MONOTONIC and REALTIME clocks themselves (readers
 *                 return them instead of adding them); other bits: 0
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
 *    FLUXCAP_A_FEATURES: NLA_U32, FLUXCAP_FEATURE_* bits (absent from
 *                       modules older than the attribute: read as 0)
 *
 * Groups
 * ======
 *
 * A group is a cgroup v2 subtree bound to one virtual clock. Its members
 * are the threads whose cgroup (default hierarchy) is that cgroup or a
 * descendant of it. Subtrees of two groups never overlap. A group is named
 * by FLUXCAP_A_GROUP_NAME (1 to FLUXCAP_GROUP_NAME_MAX - 1 bytes of
 * [A-Za-z0-9_.-], not starting with '.') or by FLUXCAP_A_GROUP_ID, a
 * number the module gives it at creation and never reuses while loaded.
 *
 * While every member is blocked (interruptibly sleeping or stopped, none
 * running, runnable, being woken or in uninterruptible sleep) and at least
 * one of them waits with a timeout, the clock jumps to the earliest
 * deadline and that wait times out at once, exactly as a real timeout
 * would. Waits with no timeout and nobody to wake them: "idle forever",
 * counted and reported as an event.
 *
 * Privilege: commands that change state (NEW, DEL, SET) need CAP_NET_ADMIN
 * in the initial user namespace (GENL_ADMIN_PERM), because a group changes
 * how timers behave for whatever runs in a cgroup, hooks the host-wide
 * timer paths, and a user namespace's root may not own the cgroup subtree
 * it names. Reading (GET_VERSION, GET_GROUP, the events group) is open.
 *
 * FLUXCAP_CMD_NEW_GROUP (needs CAP_NET_ADMIN)
 *    Request: GROUP_NAME (required), and either GROUP_CGROUP_PATH (the
 *    cgroup's path in the cgroup2 hierarchy as the caller's cgroup
 *    namespace sees it, e.g. "/fluxcap/t") or GROUP_CGROUP_FD (an open
 *    directory fd of the cgroup), not both. Optional: GROUP_FLAGS (only
 *    FLUXCAP_GROUP_F_AUTO, FLUXCAP_GROUP_F_OWNS_CGROUP and
 *    FLUXCAP_GROUP_F_TRANSIENT may be given; without the attribute,
 *    FLUXCAP_GROUP_F_AUTO), GROUP_START_NS, GROUP_EXTERNAL
 *    (FLUXCAP_EXTERNAL_HOLD, the default, or FLUXCAP_EXTERNAL_IGNORE).
 *    A transient group is deleted (as by DEL_GROUP, with its DELETED event) when the netlink socket
 *    that sent NEW_GROUP is closed, so a creator that dies, even by
 *    SIGKILL, leaves no group behind (its cgroup stays: the module never
 *    removes cgroups). When the group also has FLUXCAP_GROUP_F_OWNS_CGROUP,
 *    the processes left in its cgroup subtree then get SIGKILL, as a
 *    tracer's tracees do when it dies: nothing of the creator's commands
 *    lives on outside virtual time (a bound cgroup is never killed).
 *    Reply: the group, as GET_GROUP. Errors: EEXIST (name taken), EBUSY
 *    (the subtree overlaps another group's), ENOENT (no such cgroup),
 *    EINVAL (bad name, both or neither cgroup attribute).
 *
 * FLUXCAP_CMD_DEL_GROUP (needs CAP_NET_ADMIN)
 *    Request: GROUP_NAME or GROUP_ID. Every sleeper is given back its host
 *    timer (sleepers keep waiting, in real time); members leave virtual
 *    time. The cgroup itself is left alone. Errors: ENOENT.
 *
 * FLUXCAP_CMD_GET_GROUP
 *    Request: GROUP_NAME or GROUP_ID; or NLM_F_DUMP and no attribute for
 *    every group. Reply: one message per group with GROUP_ID, GROUP_NAME,
 *    GROUP_CGROUP_ID, GROUP_CGROUP_PATH, GROUP_FLAGS, GROUP_MONO_NS,
 *    GROUP_BOOT_NS, GROUP_REAL_NS (virtual now per clock), GROUP_OFFSET_NS,
 *    GROUP_REAL_SHIFT_NS, GROUP_MEMBERS, GROUP_SLEEPERS (timed waits and
 *    armed timers: the deadlines a jump may go to), GROUP_JUMPS,
 *    GROUP_JUMPED_NS, GROUP_IDLE_FOREVER, GROUP_HOLDS (armed timers and
 *    waits of members the module cannot move: alarm-clock and io_uring
 *    timers, schedule_timeout() waits such as SO_RCVTIMEO; while there are
 *    any, the group does not jump), GROUP_HELD (checks that found every
 *    member blocked but did not jump because of a hold, or of a member
 *    waiting on a peer outside the group), GROUP_EXTERNAL (the policy for
 *    such peers), GROUP_HELD_BY (what held the group at the last check that
 *    found every member blocked, such as "pid 12 (curl): tcp
 *    127.0.0.1:40000 -> 127.0.0.1:8080, peer outside the group"; empty once
 *    a check jumps). Why jumps come late, for a user who asks:
 *    GROUP_LAST_CHECK (the last quiescence check's verdict, such as "pid
 *    12 (python3) was running", "held: ...", "jumped 1000000 ns"),
 *    GROUP_CHECKS (checks made), GROUP_CHECKS_BUSY (checks that found a
 *    member not blocked), GROUP_CHECKS_AGAIN (checks that asked for
 *    another a tick later: a member may have been in the middle of a
 *    wake-up),
 *    GROUP_INSTANT (sleeps and waits that ended at once, with no check:
 *    every other member was known to be blocked),
 *    GROUP_INSTANT_BUSY (ones that could not: another member had run or
 *    been woken since the last look), GROUP_INSTANT_OTHER (ones that could
 *    not for another reason: a deadline due first, a hold, a peer outside,
 *    a wake-up of the caller). GROUP_HELD_BY and GROUP_LAST_CHECK are left
 *    out (not sent), as the cgroup's path is, for a caller that does not
 *    see it.
 *
 * FLUXCAP_CMD_SET_GROUP (needs CAP_NET_ADMIN)
 *    Request: GROUP_NAME or GROUP_ID, and at least one of:
 *       GROUP_AUTO (u8 0/1): automatic jumps on quiescence on or off;
 *       GROUP_ADVANCE_NS (u64 > 0): jump forward now by this much, waking
 *          every sleeper whose deadline is passed (counted as a jump);
 *       GROUP_START_NS (s64 >= 0): virtual REALTIME reads this many ns
 *          since the epoch now (TAI moves with it; MONOTONIC does not);
 *       GROUP_FROZEN (u8 0/1): freeze or thaw virtual time;
 *       GROUP_EXTERNAL (u32, FLUXCAP_EXTERNAL_*): the policy for members
 *          waiting on peers outside the group.
 *    Reply: the group, as GET_GROUP.
 *
 * Events (multicast group FLUXCAP_MCGRP_EVENTS_NAME, open to all)
 *    FLUXCAP_CMD_EVENT_JUMP: GROUP_ID, GROUP_NAME, EVENT_JUMP_NS (the
 *       jump's size, possibly 0), EVENT_PID (the thread whose deadline was
 *       reached, 0 for an advance that woke nobody), GROUP_MONO_NS (virtual
 *       MONOTONIC after the jump), GROUP_JUMPS.
 *    FLUXCAP_CMD_EVENT_IDLE_FOREVER: GROUP_ID, GROUP_NAME, GROUP_MEMBERS,
 *       GROUP_IDLE_FOREVER: every member waits with no timeout.
 *    FLUXCAP_CMD_EVENT_DELETED: GROUP_ID, GROUP_NAME.
 *
 * The clock page of a group
 * -------------------------
 *
 * A member that opens /dev/fluxcap and maps its first page (PROT_READ,
 * MAP_SHARED, offset 0) gets its group's struct fluxcap_clock_page; the
 * module updates it at every jump. Non-members get ENOENT at mmap().
 */

#ifndef _UAPI_LINUX_FLUXCAP_H
#define _UAPI_LINUX_FLUXCAP_H

#include <linux/types.h>

#define FLUXCAP_GENL_NAME		"fluxcap"
#define FLUXCAP_GENL_VERSION		1

#define FLUXCAP_MCGRP_EVENTS_NAME	"events"

enum fluxcap_cmd {
	FLUXCAP_CMD_GET_VERSION = 1,
	FLUXCAP_CMD_NEW_GROUP,
	FLUXCAP_CMD_DEL_GROUP,
	FLUXCAP_CMD_GET_GROUP,
	FLUXCAP_CMD_SET_GROUP,
	FLUXCAP_CMD_EVENT_JUMP,
	FLUXCAP_CMD_EVENT_IDLE_FOREVER,
	FLUXCAP_CMD_EVENT_DELETED,

	/* add new commands above here */
	__FLUXCAP_CMD_MAX,
	FLUXCAP_CMD_MAX = (__FLUXCAP_CMD_MAX - 1)
};

/* Top-level attributes; all flat, typed as documented per command above. */
enum fluxcap_attr {
	FLUXCAP_A_VERSION = 1,			/* string */
	FLUXCAP_A_PAD,
	FLUXCAP_A_GROUP_NAME,			/* string */
	FLUXCAP_A_GROUP_ID,			/* u32 */
	FLUXCAP_A_GROUP_CGROUP_PATH,		/* string */
	FLUXCAP_A_GROUP_CGROUP_FD,		/* u32 */
	FLUXCAP_A_GROUP_CGROUP_ID,		/* u64 */
	FLUXCAP_A_GROUP_FLAGS,			/* u32, FLUXCAP_GROUP_F_* */
	FLUXCAP_A_GROUP_MONO_NS,		/* s64 */
	FLUXCAP_A_GROUP_BOOT_NS,		/* s64 */
	FLUXCAP_A_GROUP_REAL_NS,		/* s64 */
	FLUXCAP_A_GROUP_OFFSET_NS,		/* s64 */
	FLUXCAP_A_GROUP_REAL_SHIFT_NS,		/* s64 */
	FLUXCAP_A_GROUP_MEMBERS,		/* u32 */
	FLUXCAP_A_GROUP_SLEEPERS,		/* u32 */
	FLUXCAP_A_GROUP_JUMPS,			/* u64 */
	FLUXCAP_A_GROUP_JUMPED_NS,		/* u64 */
	FLUXCAP_A_GROUP_IDLE_FOREVER,		/* u64 */
	FLUXCAP_A_GROUP_AUTO,			/* u8 */
	FLUXCAP_A_GROUP_FROZEN,			/* u8 */
	FLUXCAP_A_GROUP_ADVANCE_NS,		/* u64 */
	FLUXCAP_A_GROUP_START_NS,		/* s64 */
	FLUXCAP_A_EVENT_JUMP_NS,		/* u64 */
	FLUXCAP_A_EVENT_PID,			/* u32 */
	FLUXCAP_A_GROUP_HOLDS,			/* u32 */
	FLUXCAP_A_GROUP_HELD,			/* u64 */
	FLUXCAP_A_FEATURES,			/* u32, FLUXCAP_FEATURE_* */
	FLUXCAP_A_GROUP_EXTERNAL = 28,		/* u32, FLUXCAP_EXTERNAL_* */
	FLUXCAP_A_GROUP_HELD_BY = 29,		/* string */
	FLUXCAP_A_GROUP_LAST_CHECK = 30,	/* string */
	FLUXCAP_A_GROUP_CHECKS = 31,		/* u64 */
	FLUXCAP_A_GROUP_CHECKS_BUSY = 32,	/* u64 */
	FLUXCAP_A_GROUP_INSTANT = 33,		/* u64 */
	FLUXCAP_A_GROUP_INSTANT_BUSY = 34,	/* u64 */
	FLUXCAP_A_GROUP_INSTANT_OTHER = 35,	/* u64 */
	FLUXCAP_A_GROUP_CHECKS_AGAIN = 36,	/* u64 */

	/* add new attributes above here */
	__FLUXCAP_A_MAX,
	FLUXCAP_A_MAX = (__FLUXCAP_A_MAX - 1)
};

#define FLUXCAP_GROUP_NAME_MAX		32	/* with the terminating NUL */

/* FLUXCAP_A_GROUP_FLAGS */
#define FLUXCAP_GROUP_F_AUTO		(1U << 0)	/* jumps on quiescence */
#define FLUXCAP_GROUP_F_FROZEN		(1U << 1)	/* virtual time stands */
#define FLUXCAP_GROUP_F_OWNS_CGROUP	(1U << 2)	/* fluxctl made it */
#define FLUXCAP_GROUP_F_TRANSIENT	(1U << 3)	/* lives as its creator's socket */

/*
 * FLUXCAP_A_GROUP_EXTERNAL: what a member blocked on a socket whose other
 * end is not a member does to its group. HOLD: the group does not jump
 * meanwhile (time runs at the real rate); IGNORE: it counts as blocked like
 * any other wait.
 */
#define FLUXCAP_EXTERNAL_HOLD		0
#define FLUXCAP_EXTERNAL_IGNORE		1

/* FLUXCAP_A_GROUP_HELD_BY: at most this many bytes, the NUL included. */
#define FLUXCAP_HELD_BY_MAX		128

/*
 * FLUXCAP_A_FEATURES. VDSO: a member's vDSO reads its group's time, with no
 * preload (the clock page then carries no offsets while the clock runs).
 */
#define FLUXCAP_FEATURE_VDSO		(1U << 0)

/* struct fluxcap_clock_page flags */
#define FLUXCAP_CLOCK_PAGE_F_FROZEN	(1U << 0)	/* fields are times */

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
