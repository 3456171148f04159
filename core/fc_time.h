/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Overflow-safe time arithmetic for the virtual clock, in two representations:
 *
 * - s64 nanoseconds (fc_ns_*) for durations, host clock readings and single
 *   jumps: +/-292 years, enough for any one timeout a syscall can ask for once
 *   clamped. Results saturate at S64_MIN/S64_MAX instead of wrapping.
 *
 * - struct fc_time (fc_time_*) for absolute virtual times, virtual deadlines
 *   and the group's offset from host time. s64 ns from the epoch ends in April
 *   2262, yet a group that sleeps 100 years five times must read a year past
 *   2500: each jump fits in s64 ns, their sum does not. A normalised
 *   { s64 sec; u32 nsec; } pair covers +/-2.9e11 years without __int128
 *   (missing on 32-bit arches), like the kernel's timespec64 and its time
 *   namespace offsets. It saturates at FC_TIME_MIN/FC_TIME_MAX, a clamp and
 *   not an infinity: FC_TIME_MAX minus 1 s is an ordinary time.
 *
 * Error codes are FC_EINVAL and FC_ERANGE, already negative.
 */
#ifndef _FC_TIME_H
#define _FC_TIME_H

#include "fc_types.h"

#define FC_NSEC_PER_USEC 1000L
#define FC_NSEC_PER_MSEC 1000000L
#define FC_NSEC_PER_SEC 1000000000L
#define FC_USEC_PER_SEC 1000000L
#define FC_MSEC_PER_SEC 1000L

/*
 * sec + nsec / 1e9 seconds; always normalised: nsec in [0, FC_NSEC_PER_SEC),
 * so -0.25 s is { -1, 750000000 }. Every function here returns a normalised
 * value; build one from outside input with fc_time_from_ts() or
 * fc_time_normalise().
 * Not an ABI: the layout (and padding) differs between 32- and 64-bit builds.
 */
struct fc_time {
	s64 sec;
	u32 nsec;
};

#define FC_TIME_MAX \
	((struct fc_time){ .sec = S64_MAX, .nsec = FC_NSEC_PER_SEC - 1 })
#define FC_TIME_MIN ((struct fc_time){ .sec = S64_MIN, .nsec = 0 })

/* a + b, clamped to [S64_MIN, S64_MAX]. */
s64 fc_ns_add_sat(s64 a, s64 b);
/* a - b, clamped to [S64_MIN, S64_MAX]. */
s64 fc_ns_sub_sat(s64 a, s64 b);

/*
 * Stores sec * 1e9 + nsec in *ns. Returns 0; FC_EINVAL if nsec is outside
 * [0, 1e9) (*ns untouched); FC_ERANGE if the value does not fit, with *ns
 * clamped to S64_MIN/S64_MAX, so a caller that wants "huge means forever"
 * tests only for FC_EINVAL. Negative sec is allowed: callers apply the
 * syscall's own rules (nanosleep rejects tv_sec < 0, clock_settime does not).
 */
int fc_ns_from_ts(s64 sec, s64 nsec, s64 *ns);
/* As fc_ns_from_ts() for a timeval: usec must be in [0, 1e6). */
int fc_ns_from_tv(s64 sec, s64 usec, s64 *ns);
/* Splits ns, rounding down: -1 ns is { -1 s, 999999999 ns }. */
void fc_ns_to_ts(s64 ns, s64 *sec, u32 *nsec);
/* As fc_ns_to_ts() in microseconds, rounding down, as gettimeofday does. */
void fc_ns_to_tv(s64 ns, s64 *sec, u32 *usec);

/* Checks nsec is in [0, 1e9) and fills *t; FC_EINVAL (*t untouched) if not. */
int fc_time_from_ts(s64 sec, s64 nsec, struct fc_time *t);
/* sec seconds plus any nsec, even negative or past 1e9, clamped. */
struct fc_time fc_time_normalise(s64 sec, s64 nsec);
/* Exact: every s64 ns value fits. */
struct fc_time fc_time_from_ns(s64 ns);
/* Stores t in *ns. Returns 0, or FC_ERANGE with *ns clamped to S64_MIN/MAX. */
int fc_time_to_ns(struct fc_time t, s64 *ns);
/* a + b, clamped to [FC_TIME_MIN, FC_TIME_MAX]. */
struct fc_time fc_time_add(struct fc_time a, struct fc_time b);
/* a - b, clamped to [FC_TIME_MIN, FC_TIME_MAX]. */
struct fc_time fc_time_sub(struct fc_time a, struct fc_time b);
/* t + ns, clamped; a host reading or a jump applied to a virtual time. */
struct fc_time fc_time_add_ns(struct fc_time t, s64 ns);
/* Returns -1, 0 or 1 as a is before, equal to or after b. */
int fc_time_cmp(struct fc_time a, struct fc_time b);

#endif /* _FC_TIME_H */
