// SPDX-License-Identifier: GPL-2.0
/*
 * A group's virtual clock (see fc_clock.h): the offset of the monotonic
 * clocks, the extra shift of REALTIME and TAI from a start date, the jump
 * bookkeeping, and conversions between host, virtual and queue times. All
 * arithmetic is the saturating fc_time_* kind, so a clock that has jumped
 * centuries past 2262 keeps working and one at FC_TIME_MAX stays there.
 */
#include "fc_clock.h"

static bool is_real(enum fc_clockid id)
{
	return id == FC_CLOCK_REALTIME || id == FC_CLOCK_TAI;
}

/* Moves the clock forward by delta (> 0) and counts the jump. */
static void jump(struct fc_clock *c, struct fc_time delta)
{
	c->offset = fc_time_add(c->offset, delta);
	c->jumped = fc_time_add(c->jumped, delta);
	c->jumps++;
}

void fc_clock_init(struct fc_clock *c)
{
	c->offset = (struct fc_time){ 0, 0 };
	c->real_shift = (struct fc_time){ 0, 0 };
	c->jumps = 0;
	c->jumped = (struct fc_time){ 0, 0 };
}

struct fc_time fc_clock_offset(const struct fc_clock *c, enum fc_clockid id)
{
	if (is_real(id))
		return fc_time_add(c->offset, c->real_shift);
	return c->offset;
}

struct fc_time fc_clock_to_virtual(const struct fc_clock *c, enum fc_clockid id,
				   struct fc_time host)
{
	return fc_time_add(host, fc_clock_offset(c, id));
}

struct fc_time fc_clock_to_host(const struct fc_clock *c, enum fc_clockid id,
				struct fc_time virt)
{
	return fc_time_sub(virt, fc_clock_offset(c, id));
}

struct fc_time fc_clock_deadline_mono(const struct fc_clock *c,
				      enum fc_clockid id, struct fc_time virt,
				      struct fc_time host_mono,
				      struct fc_time host_id)
{
	struct fc_time gap;

	if (id == FC_CLOCK_MONOTONIC)
		return virt;
	/*
	 * virtual id now - virtual MONOTONIC now, worked out without the
	 * offset they share, so that a huge offset cannot saturate it.
	 */
	gap = fc_time_sub(host_id, host_mono);
	if (is_real(id))
		gap = fc_time_add(gap, c->real_shift);
	return fc_time_sub(virt, gap);
}

int fc_clock_set_start(struct fc_clock *c, struct fc_time host_real,
		       struct fc_time start)
{
	if (host_real.nsec >= FC_NSEC_PER_SEC || start.nsec >= FC_NSEC_PER_SEC)
		return FC_EINVAL;
	c->real_shift = fc_time_sub(start, fc_time_add(host_real, c->offset));
	return 0;
}

s64 fc_clock_jump_to(struct fc_clock *c, struct fc_time host_mono,
		     struct fc_time target)
{
	struct fc_time now = fc_time_add(host_mono, c->offset);
	struct fc_time delta;
	s64 ns;

	if (fc_time_cmp(target, now) <= 0)
		return 0;
	delta = fc_time_sub(target, now);
	jump(c, delta);
	/* Past S64_MAX, fc_time_to_ns() clamps; jumped keeps the exact sum. */
	fc_time_to_ns(delta, &ns);
	return ns;
}

void fc_clock_advance(struct fc_clock *c, s64 delta_ns)
{
	if (delta_ns <= 0)
		return;
	jump(c, fc_time_from_ns(delta_ns));
}

void fc_clock_hold(struct fc_clock *c, s64 held_ns)
{
	if (held_ns <= 0)
		return;
	c->offset = fc_time_sub(c->offset, fc_time_from_ns(held_ns));
}
