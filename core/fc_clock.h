/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A group's virtual clock: virtual = host + offset for the monotonic clocks
 * (MONOTONIC, BOOTTIME), and host + offset + realtime shift for REALTIME
 * and TAI (the shift comes from a chosen start date). Time never runs
 * backwards: the offset only grows, by jumps. Deadlines of every clock are
 * kept on one base, virtual CLOCK_MONOTONIC, so one sleeper queue orders
 * them all. Callers read the host clocks and pass them in.
 */
#ifndef _FC_CLOCK_H
#define _FC_CLOCK_H

#include "fc_time.h"

enum fc_clockid {
	FC_CLOCK_MONOTONIC,
	FC_CLOCK_BOOTTIME,
	FC_CLOCK_REALTIME,
	FC_CLOCK_TAI,
	__FC_CLOCK_COUNT
};

struct fc_clock {
	struct fc_time offset;		/* virtual - host, monotonic clocks */
	struct fc_time real_shift;	/* extra for REALTIME and TAI */
	u64 jumps;			/* number of jumps made */
	struct fc_time jumped;		/* sum of all jumps */
};

void fc_clock_init(struct fc_clock *c);

/* The offset to add to host time of clock id (monotonic or realtime one). */
struct fc_time fc_clock_offset(const struct fc_clock *c, enum fc_clockid id);

/* Virtual time of clock id, given the host's time of the same clock. */
struct fc_time fc_clock_to_virtual(const struct fc_clock *c,
				   enum fc_clockid id, struct fc_time host);

/* Host time of clock id at which virtual time of that clock reaches virt. */
struct fc_time fc_clock_to_host(const struct fc_clock *c, enum fc_clockid id,
				struct fc_time virt);

/*
 * Converts an absolute virtual deadline of clock id into the queue's base
 * (virtual CLOCK_MONOTONIC): virt - (virtual id now - virtual MONOTONIC
 * now). host_mono and host_id are the host's current readings of
 * CLOCK_MONOTONIC and of clock id, taken together. MONOTONIC is the
 * identity (host_id unused); BOOTTIME moves by the host's suspended time
 * (host_id - host_mono, 0 on a host never suspended). The result is a
 * snapshot: a later fc_clock_set_start() or host REALTIME step does not
 * move deadlines already queued.
 */
struct fc_time fc_clock_deadline_mono(const struct fc_clock *c,
				      enum fc_clockid id, struct fc_time virt,
				      struct fc_time host_mono,
				      struct fc_time host_id);

/*
 * Makes virtual REALTIME read start when the host's REALTIME reads
 * host_real (the user's --start); TAI moves with it. The offset is kept,
 * so call it at any time; MONOTONIC and BOOTTIME are unaffected.
 * Return: 0, or FC_EINVAL (clock untouched) if an nsec is not in [0, 1e9).
 */
int fc_clock_set_start(struct fc_clock *c, struct fc_time host_real,
		       struct fc_time start);

/*
 * Jumps so that virtual CLOCK_MONOTONIC reaches target, given the host's
 * CLOCK_MONOTONIC now: offset, jumps and jumped grow by the jump. A target
 * at or before virtual now does nothing (time never runs backwards).
 * Return: the jump in ns (0 when none), clamped to S64_MAX; jumped keeps
 * the exact amount.
 */
s64 fc_clock_jump_to(struct fc_clock *c, struct fc_time host_mono,
		     struct fc_time target);

/*
 * Advances the clock by delta_ns (fluxctl set advance), counted as a jump.
 * delta_ns <= 0 does nothing: time never runs backwards.
 */
void fc_clock_advance(struct fc_clock *c, s64 delta_ns);

/*
 * Virtual time stood still while the host's clocks ran held_ns (the group
 * was frozen): the offset shrinks by held_ns, so that virtual time resumes
 * where it stopped instead of catching up. Not a jump: jumps and jumped
 * are unchanged. held_ns <= 0 does nothing.
 */
void fc_clock_hold(struct fc_clock *c, s64 held_ns);

#endif /* _FC_CLOCK_H */
