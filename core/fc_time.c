// SPDX-License-Identifier: GPL-2.0
/*
 * Saturating nanosecond and sec+nsec arithmetic (see fc_time.h for why both).
 * Every overflow test runs before the operation it guards, so no intermediate
 * value wraps: signed overflow is undefined in userspace and UBSan-checked by
 * the host tests. Division goes through fc_div_s64_rem() only.
 */
#include "fc_time.h"

/*
 * The s64 ns range in sec+nsec form, rounded down: S64_MIN ns is
 * -9223372037 s + 145224192 ns.
 */
#define NS_MAX_SEC (S64_MAX / FC_NSEC_PER_SEC)
#define NS_MAX_NSEC (S64_MAX % FC_NSEC_PER_SEC)
#define NS_MIN_SEC (S64_MIN / FC_NSEC_PER_SEC - 1)
#define NS_MIN_NSEC (S64_MIN % FC_NSEC_PER_SEC + FC_NSEC_PER_SEC)

s64 fc_ns_add_sat(s64 a, s64 b)
{
	if (b > 0 && a > S64_MAX - b)
		return S64_MAX;
	if (b < 0 && a < S64_MIN - b)
		return S64_MIN;
	return a + b;
}

s64 fc_ns_sub_sat(s64 a, s64 b)
{
	if (b < 0 && a > S64_MAX + b)
		return S64_MAX;
	if (b > 0 && a < S64_MIN + b)
		return S64_MIN;
	return a - b;
}

/* Divides ns by unit rounding down, leaving a remainder in [0, unit). */
static s64 split(s64 ns, s32 unit, u32 *rem)
{
	s32 r;
	s64 q = fc_div_s64_rem(ns, unit, &r);

	/* q is at least S64_MIN / 1000 here, so q - 1 cannot wrap. */
	if (r < 0) {
		q--;
		r += unit;
	}
	*rem = (u32)r;
	return q;
}

/* a + b seconds with nsec attached, clamped to the fc_time range. */
static struct fc_time sec_add(s64 a, s64 b, u32 nsec)
{
	struct fc_time t = { .nsec = nsec };

	if (b > 0 && a > S64_MAX - b)
		return FC_TIME_MAX;
	if (b < 0 && a < S64_MIN - b)
		return FC_TIME_MIN;
	t.sec = a + b;
	return t;
}

/* a - b seconds with nsec attached, clamped to the fc_time range. */
static struct fc_time sec_sub(s64 a, s64 b, u32 nsec)
{
	struct fc_time t = { .nsec = nsec };

	if (b < 0 && a > S64_MAX + b)
		return FC_TIME_MAX;
	if (b > 0 && a < S64_MIN + b)
		return FC_TIME_MIN;
	t.sec = a - b;
	return t;
}

int fc_ns_from_ts(s64 sec, s64 nsec, s64 *ns)
{
	struct fc_time t;
	int ret;

	ret = fc_time_from_ts(sec, nsec, &t);
	if (ret)
		return ret;
	return fc_time_to_ns(t, ns);
}

int fc_ns_from_tv(s64 sec, s64 usec, s64 *ns)
{
	struct fc_time t;

	if (usec < 0 || usec >= FC_USEC_PER_SEC)
		return FC_EINVAL;
	t.sec = sec;
	t.nsec = (u32)usec * FC_NSEC_PER_USEC;
	return fc_time_to_ns(t, ns);
}

void fc_ns_to_ts(s64 ns, s64 *sec, u32 *nsec)
{
	*sec = split(ns, FC_NSEC_PER_SEC, nsec);
}

void fc_ns_to_tv(s64 ns, s64 *sec, u32 *usec)
{
	u32 nsec;

	*sec = split(ns, FC_NSEC_PER_SEC, &nsec);
	*usec = nsec / FC_NSEC_PER_USEC;
}

int fc_time_from_ts(s64 sec, s64 nsec, struct fc_time *t)
{
	if (nsec < 0 || nsec >= FC_NSEC_PER_SEC)
		return FC_EINVAL;
	t->sec = sec;
	t->nsec = (u32)nsec;
	return 0;
}

struct fc_time fc_time_normalise(s64 sec, s64 nsec)
{
	u32 rem;
	s64 carry = split(nsec, FC_NSEC_PER_SEC, &rem);

	return sec_add(sec, carry, rem);
}

struct fc_time fc_time_from_ns(s64 ns)
{
	struct fc_time t;

	t.sec = split(ns, FC_NSEC_PER_SEC, &t.nsec);
	return t;
}

int fc_time_to_ns(struct fc_time t, s64 *ns)
{
	if (t.sec > NS_MAX_SEC ||
	    (t.sec == NS_MAX_SEC && t.nsec > NS_MAX_NSEC)) {
		*ns = S64_MAX;
		return FC_ERANGE;
	}
	if (t.sec < NS_MIN_SEC ||
	    (t.sec == NS_MIN_SEC && t.nsec < NS_MIN_NSEC)) {
		*ns = S64_MIN;
		return FC_ERANGE;
	}
	/* At NS_MIN_SEC, sec * 1e9 would overflow; (sec + 1) * 1e9 does not. */
	if (t.sec < 0)
		*ns = (t.sec + 1) * FC_NSEC_PER_SEC +
		      ((s64)t.nsec - FC_NSEC_PER_SEC);
	else
		*ns = t.sec * FC_NSEC_PER_SEC + t.nsec;
	return 0;
}

struct fc_time fc_time_add(struct fc_time a, struct fc_time b)
{
	u32 nsec = a.nsec + b.nsec; /* < 2e9, fits */

	if (nsec >= FC_NSEC_PER_SEC) {
		nsec -= FC_NSEC_PER_SEC;
		/* Carry into an operand that cannot overflow from it. */
		if (b.sec < S64_MAX)
			b.sec++;
		else if (a.sec < S64_MAX)
			a.sec++;
		else
			return FC_TIME_MAX;
	}
	return sec_add(a.sec, b.sec, nsec);
}

struct fc_time fc_time_sub(struct fc_time a, struct fc_time b)
{
	u32 nsec = a.nsec;

	if (a.nsec < b.nsec) {
		nsec += FC_NSEC_PER_SEC;
		/* Borrow a second from whichever operand can give it. */
		if (a.sec > S64_MIN)
			a.sec--;
		else if (b.sec < S64_MAX)
			b.sec++;
		else
			return FC_TIME_MIN;
	}
	return sec_sub(a.sec, b.sec, nsec - b.nsec);
}

struct fc_time fc_time_add_ns(struct fc_time t, s64 ns)
{
	return fc_time_add(t, fc_time_from_ns(ns));
}

int fc_time_cmp(struct fc_time a, struct fc_time b)
{
	if (a.sec != b.sec)
		return a.sec < b.sec ? -1 : 1;
	if (a.nsec != b.nsec)
		return a.nsec < b.nsec ? -1 : 1;
	return 0;
}
