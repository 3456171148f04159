// SPDX-License-Identifier: GPL-2.0
/*
 * core/fc_clock: host <-> virtual conversions per clock id (both ways,
 * saturating), deadlines of every clock on the virtual CLOCK_MONOTONIC base,
 * start dates (@0, 2024, 3000, 10000, FC_TIME_MAX, invalid), jumps (past,
 * equal, future, past S64_MAX ns, to FC_TIME_MAX), advance, and whole runs
 * of sleeps that carry virtual REALTIME past 2500 and 10000.
 * One table per function; every row is one numbered TAP case.
 */
#include <stdint.h>

#include "fc_clock.h"
#include "tap.h"

/* clang-format off */
#define MAX	S64_MAX
#define MIN	S64_MIN
#define NS	FC_NSEC_PER_SEC
#define FT(s, n)	{ .sec = (s), .nsec = (n) }
#define T_MAX	FT(MAX, NS - 1)
#define T_MIN	FT(MIN, 0)
#define T0	FT(0, 0)

#define MONO	FC_CLOCK_MONOTONIC
#define BOOT	FC_CLOCK_BOOTTIME
#define REAL	FC_CLOCK_REALTIME
#define TAI	FC_CLOCK_TAI

/* Midnight UTC, 1 January of the year, in seconds since the epoch. */
#define Y2024	1704067200LL
#define Y2500	16725225600LL
#define Y3000	32503680000LL
#define Y10000	253402300800LL
/* S64_MAX ns in sec + nsec. */
#define NS_MAX_SEC	9223372036LL
#define NS_MAX_NSEC	854775807U
/* 100 Julian years, in seconds. */
#define CENTURY		3155695200LL
#define CENTURY_NS	(CENTURY * NS)
#define DAY_NS		(86400LL * NS)

/*
 * The host's clocks at one instant: MONOTONIC, BOOTTIME after 100 s of
 * suspend, REALTIME an hour into 2024, TAI 37 s ahead of it.
 */
#define H_MONO	FT(1000, 250000000)
#define H_BOOT	FT(1100, 250000000)
#define H_REAL	FT(Y2024 + 3600, 750000000)
#define H_TAI	FT(Y2024 + 3637, 750000000)
/* clang-format on */

static const struct fc_time h_mono = H_MONO, h_real = H_REAL;

static bool time_eq(struct fc_time a, struct fc_time b)
{
	return a.sec == b.sec && a.nsec == b.nsec;
}

static bool check_time(const char *what, struct fc_time got,
		       struct fc_time want)
{
	if (time_eq(got, want))
		return true;
	tap_diag("%s: got { %lld, %u }, want { %lld, %u }", what, got.sec,
		 got.nsec, want.sec, want.nsec);
	return false;
}

static bool is_real(enum fc_clockid id)
{
	return id == REAL || id == TAI;
}

/* A clock with the given offset and shift, and some jumps on record. */
static struct fc_clock make_clock(struct fc_time offset, struct fc_time shift)
{
	struct fc_clock c;

	fc_clock_init(&c);
	c.offset = offset;
	c.real_shift = shift;
	c.jumps = 3;
	c.jumped = (struct fc_time)FT(1, 0);
	return c;
}

static const struct init_case {
	enum fc_clockid id;
	struct fc_time host;
	const char *what;
} init_cases[] = {
	{ MONO, H_MONO, "MONOTONIC" },
	{ BOOT, H_BOOT, "BOOTTIME" },
	{ REAL, H_REAL, "REALTIME" },
	{ TAI, H_TAI, "TAI" },
	{ REAL, T_MAX, "REALTIME at FC_TIME_MAX" },
	{ MONO, T_MIN, "MONOTONIC at FC_TIME_MIN" },
};

/* A new clock is the host's: zero offset, shift and jumps. */
static void run_init(void)
{
	const struct init_case *c = init_cases;
	struct fc_clock clk =
		make_clock((struct fc_time)FT(5, 5), (struct fc_time)FT(6, 6));
	size_t i;

	fc_clock_init(&clk);
	for (i = 0; i < ARRAY_SIZE(init_cases); i++, c++) {
		bool ok =
			clk.jumps == 0 &&
			check_time("jumped", clk.jumped, (struct fc_time)T0) &&
			check_time("offset", fc_clock_offset(&clk, c->id),
				   (struct fc_time)T0) &&
			check_time("to_virtual",
				   fc_clock_to_virtual(&clk, c->id, c->host),
				   c->host) &&
			check_time("to_host",
				   fc_clock_to_host(&clk, c->id, c->host),
				   c->host);

		tap_ok(ok, "init %zu: identity for %s", i + 1, c->what);
	}
}

/*
 * to_virtual(host) == virt; then to_host(virt) == host for exact rows, or
 * == back where saturation lost the way back.
 */
static const struct conv_case {
	struct fc_time offset, shift;
	enum fc_clockid id;
	struct fc_time host, virt;
	bool exact;
	struct fc_time back;
	const char *what;
} conv_cases[] = {
	{ FT(10, 500000000), T0, MONO, H_MONO, FT(1010, 750000000), true, T0,
	  "MONOTONIC + 10.5 s" },
	{ FT(10, 500000000), T0, BOOT, H_BOOT, FT(1110, 750000000), true, T0,
	  "BOOTTIME + 10.5 s" },
	{ FT(10, 500000000), T0, REAL, H_REAL, FT(Y2024 + 3611, 250000000),
	  true, T0, "REALTIME + 10.5 s carries" },
	{ FT(10, 500000000), T0, TAI, H_TAI, FT(Y2024 + 3648, 250000000), true,
	  T0, "TAI + 10.5 s carries" },
	{ FT(10, 500000000), FT(-Y2024, 0), MONO, H_MONO, FT(1010, 750000000),
	  true, T0, "MONOTONIC ignores the shift" },
	{ FT(10, 500000000), FT(-Y2024, 0), BOOT, H_BOOT, FT(1110, 750000000),
	  true, T0, "BOOTTIME ignores the shift" },
	{ FT(10, 500000000), FT(-Y2024, 0), REAL, H_REAL, FT(3611, 250000000),
	  true, T0, "REALTIME shifted back to 1970" },
	{ FT(10, 500000000), FT(-Y2024, 0), TAI, H_TAI, FT(3648, 250000000),
	  true, T0, "TAI shifted with REALTIME" },
	{ T0, FT(-1, NS - 1), REAL, FT(5, 0), FT(4, NS - 1), true, T0,
	  "a -1 ns shift borrows" },
	{ FT(5 * CENTURY, 0), T0, REAL, H_REAL,
	  FT(Y2024 + 3600 + 5 * CENTURY, 750000000), true, T0,
	  "an offset of 500 years: past 2500" },
	{ FT(5 * CENTURY, 0), FT(Y3000 - Y2024, 0), REAL, H_REAL,
	  FT(Y3000 + 3600 + 5 * CENTURY, 750000000), true, T0,
	  "started in 3000, 500 years on" },
	{ FT(Y10000, 0), T0, MONO, H_MONO, FT(Y10000 + 1000, 250000000), true,
	  T0, "MONOTONIC 10000 years on" },
	{ FT(MAX - 500, 0), T0, MONO, H_MONO, T_MAX, false, FT(500, NS - 1),
	  "MONOTONIC clamps at FC_TIME_MAX" },
	{ FT(MAX - 500, 0), T0, TAI, H_TAI, T_MAX, false, FT(500, NS - 1),
	  "TAI clamps at FC_TIME_MAX" },
	{ FT(MAX - 1000, 749999999), T0, MONO, H_MONO, T_MAX, true, T0,
	  "MONOTONIC reaching FC_TIME_MAX exactly" },
	{ FT(MAX - 100, 0), FT(-Y2024 - 3600, 0), REAL, H_REAL,
	  FT(MAX - 100, 750000000), true, T0,
	  "offset and shift combine before the host time is added" },
	{ T0, FT(MIN, 0), REAL, FT(-10, 0), T_MIN, false, T0,
	  "REALTIME clamps at FC_TIME_MIN" },
	{ FT(5, 0), T0, MONO, T_MIN, FT(MIN + 5, 0), true, T0,
	  "a host time of FC_TIME_MIN" },
};

static void run_conv(void)
{
	const struct conv_case *c = conv_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(conv_cases); i++, c++) {
		struct fc_clock clk = make_clock(c->offset, c->shift);
		struct fc_time off = is_real(c->id) ?
					     fc_time_add(c->offset, c->shift) :
					     c->offset;
		bool ok;

		ok = check_time("offset", fc_clock_offset(&clk, c->id), off) &&
		     check_time("to_virtual",
				fc_clock_to_virtual(&clk, c->id, c->host),
				c->virt) &&
		     check_time("to_host",
				fc_clock_to_host(&clk, c->id, c->virt),
				c->exact ? c->host : c->back) &&
		     clk.jumps == 3;
		tap_ok(ok, "conv %zu: %s", i + 1, c->what);
	}
}

/* Deadlines of clock id, absolute and virtual, on the MONOTONIC base. */
static const struct dl_case {
	struct fc_time offset, shift;
	enum fc_clockid id;
	struct fc_time virt, host_mono, host_id, want;
	const char *what;
} dl_cases[] = {
	{ FT(50, 0), T0, MONO, FT(2000, 1), H_MONO, FT(-5, 0), FT(2000, 1),
	  "MONOTONIC is the identity, host_id unused" },
	{ FT(50, 0), T0, BOOT, FT(2000, 1), H_MONO, H_MONO, FT(2000, 1),
	  "BOOTTIME without suspend is the identity" },
	{ FT(50, 0), T0, BOOT, FT(2000, 1), H_MONO, H_BOOT, FT(1900, 1),
	  "BOOTTIME after 100 s of suspend" },
	{ FT(50, 0), T0, REAL, FT(Y2024 + 3700, 750000000), H_MONO, H_REAL,
	  FT(1100, 250000000), "REALTIME, 50 s ahead" },
	{ FT(50, 0), T0, TAI, FT(Y2024 + 3697, 750000000), H_MONO, H_TAI,
	  FT(1060, 250000000), "TAI, 10 s ahead" },
	{ FT(50, 0), FT(Y3000 - Y2024, 0), REAL, FT(Y3000 + 3700, 750000000),
	  H_MONO, H_REAL, FT(1100, 250000000),
	  "REALTIME started in 3000, 50 s ahead" },
	{ FT(50, 0), FT(Y3000 - Y2024, 0), TAI, FT(Y3000 + 3697, 750000000),
	  H_MONO, H_TAI, FT(1060, 250000000),
	  "TAI started in 3000, 10 s ahead" },
	{ FT(MAX - 10, 0), T0, REAL, FT(Y2024 + 3700, 750000000), H_MONO,
	  H_REAL, FT(1100, 250000000),
	  "a huge offset does not enter the difference" },
	{ FT(50, 0), T0, REAL, T0, H_MONO, H_REAL, FT(-Y2024 - 2601, 500000000),
	  "a REALTIME deadline in 1970 stays in the past" },
	{ FT(50, 0), T0, REAL, T_MAX, H_MONO, H_REAL,
	  FT(MAX - Y2024 - 2600, 499999999),
	  "REALTIME at FC_TIME_MAX is still far away" },
	{ FT(50, 0), T0, REAL, T_MIN, H_MONO, H_REAL, T_MIN,
	  "REALTIME at FC_TIME_MIN clamps" },
	{ FT(50, 0), FT(MIN, 0), REAL, FT(Y3000, 0), H_MONO, H_REAL, T_MAX,
	  "a hugely negative shift clamps at FC_TIME_MAX" },
};

static void run_deadline(void)
{
	const struct dl_case *c = dl_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dl_cases); i++, c++) {
		struct fc_clock clk = make_clock(c->offset, c->shift);
		struct fc_time got;

		got = fc_clock_deadline_mono(&clk, c->id, c->virt, c->host_mono,
					     c->host_id);
		tap_ok(check_time("deadline", got, c->want), "deadline %zu: %s",
		       i + 1, c->what);
	}
}

/*
 * The deadline "now + d" of clock id, read through to_virtual(), lands at
 * virtual MONOTONIC now + d, whatever the offset and shift.
 */
static const struct rel_case {
	struct fc_time offset, shift;
	s64 d;
	const char *what;
} rel_cases[] = {
	{ T0, T0, NS, "new clock, 1 s" },
	{ FT(10, 500000000), FT(-Y2024, 999999999), 1, "odd offsets, 1 ns" },
	{ FT(5 * CENTURY, 0), FT(Y3000 - Y2024, 0), CENTURY_NS,
	  "500 years on from 3000, a century" },
	{ FT(Y10000, 1), FT(-Y2024 - 3601, 250000000), MAX,
	  "started @0 after 10000 years, S64_MAX ns" },
	{ FT(7, 0), FT(3, 0), 0, "a deadline of now" },
	{ FT(7, 0), FT(3, 0), -DAY_NS, "a deadline a day ago" },
};

static void run_rel(void)
{
	static const struct fc_time host[__FC_CLOCK_COUNT] = {
		[MONO] = H_MONO, [BOOT] = H_BOOT, [REAL] = H_REAL, [TAI] = H_TAI
	};
	static const char *const names[__FC_CLOCK_COUNT] = {
		[MONO] = "MONOTONIC",
		[BOOT] = "BOOTTIME",
		[REAL] = "REALTIME",
		[TAI] = "TAI"
	};
	const struct rel_case *c = rel_cases;
	size_t i;
	int id;

	for (i = 0; i < ARRAY_SIZE(rel_cases); i++, c++) {
		struct fc_clock clk = make_clock(c->offset, c->shift);
		struct fc_time now = fc_clock_to_virtual(&clk, MONO, h_mono);
		struct fc_time want = fc_time_add_ns(now, c->d);
		bool ok = true;

		for (id = 0; id < __FC_CLOCK_COUNT; id++) {
			struct fc_time deadline, got;

			now = fc_clock_to_virtual(&clk, id, host[id]);
			deadline = fc_time_add_ns(now, c->d);
			got = fc_clock_deadline_mono(&clk, id, deadline, h_mono,
						     host[id]);

			if (!check_time(names[id], got, want))
				ok = false;
		}
		tap_ok(ok, "relative %zu: %s, every clock", i + 1, c->what);
	}
}

/* set_start(host_real, start) on a clock with the given offset. */
static const struct start_case {
	struct fc_time offset, host_real, start;
	int ret;
	struct fc_time shift;
	const char *what;
} start_cases[] = {
	{ T0, H_REAL, T0, 0, FT(-Y2024 - 3601, 250000000), "@0" },
	{ T0, H_REAL, H_REAL, 0, T0, "the host's own time: no shift" },
	{ T0, H_REAL, FT(Y2024, 0), 0, FT(-3601, 250000000),
	  "2024-01-01, an hour back" },
	{ T0, H_REAL, FT(Y3000, 0), 0, FT(Y3000 - Y2024 - 3601, 250000000),
	  "3000-01-01" },
	{ T0, H_REAL, FT(Y3000, 123456789), 0,
	  FT(Y3000 - Y2024 - 3601, 373456789), "3000-01-01 + 0.123456789 s" },
	{ T0, H_REAL, FT(Y10000, 0), 0, FT(Y10000 - Y2024 - 3601, 250000000),
	  "10000-01-01" },
	{ T0, H_REAL, FT(-86400, 0), 0, FT(-86400 - Y2024 - 3601, 250000000),
	  "1969-12-31, before the epoch" },
	{ FT(5 * CENTURY, 0), H_REAL, FT(Y2024, 0), 0,
	  FT(-3601 - 5 * CENTURY, 250000000),
	  "2024 again after 500 years of jumps" },
	{ FT(10, 500000000), H_REAL, FT(Y3000, 0), 0,
	  FT(Y3000 - Y2024 - 3612, 750000000), "3000 with an odd offset" },
	{ T0, H_REAL, T_MAX, 0, FT(MAX - Y2024 - 3600, 249999999),
	  "FC_TIME_MAX" },
	{ T0, H_REAL, FT(Y3000, NS), FC_EINVAL, FT(7, 7),
	  "start nsec 1e9 rejected" },
	{ T0, FT(Y2024, NS + 5), FT(Y3000, 0), FC_EINVAL, FT(7, 7),
	  "host nsec past 1e9 rejected" },
};

static void run_start(void)
{
	const struct start_case *c = start_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(start_cases); i++, c++) {
		struct fc_clock clk =
			make_clock(c->offset, (struct fc_time)FT(7, 7));
		int ret = fc_clock_set_start(&clk, c->host_real, c->start);
		/* Host TAI reads 37 s ahead at the same instant. */
		struct fc_time tai = fc_time_add_ns(c->host_real, 37 * NS);
		bool ok = ret == c->ret &&
			  check_time("shift", clk.real_shift, c->shift) &&
			  check_time("offset", clk.offset, c->offset) &&
			  check_time("MONOTONIC",
				     fc_clock_to_virtual(&clk, MONO, h_mono),
				     fc_time_add(h_mono, c->offset)) &&
			  clk.jumps == 3;

		if (ret != c->ret)
			tap_diag("ret %d, want %d", ret, c->ret);
		if (ok && !ret)
			ok = check_time("REALTIME",
					fc_clock_to_virtual(&clk, REAL,
							    c->host_real),
					c->start) &&
			     check_time("TAI",
					fc_clock_to_virtual(&clk, TAI, tai),
					fc_time_add_ns(c->start, 37 * NS)) &&
			     check_time("REALTIME back",
					fc_clock_to_host(&clk, REAL, c->start),
					c->host_real);
		tap_ok(ok, "start %zu: %s", i + 1, c->what);
	}
}

/*
 * jump_to(host_mono, target) on a clock with offset0 and 3 jumps on
 * record; want_offset is the offset after, ret the value returned.
 */
static const struct jump_case {
	struct fc_time offset0, host_mono, target;
	s64 ret;
	struct fc_time want_offset;
	const char *what;
} jump_cases[] = {
	{ T0, H_MONO, FT(500, 0), 0, T0, "a target in the past" },
	{ T0, H_MONO, H_MONO, 0, T0, "a target equal to now" },
	{ T0, H_MONO, T_MIN, 0, T0, "FC_TIME_MIN" },
	{ T0, H_MONO, FT(1000, 250000001), 1, FT(0, 1), "1 ns ahead" },
	{ T0, H_MONO, FT(1001, 250000000), NS, FT(1, 0), "1 s ahead" },
	{ FT(10, 900000000), H_MONO, FT(1011, 150000000), 0, FT(10, 900000000),
	  "equal to now with an offset" },
	{ FT(10, 900000000), H_MONO, FT(1011, 149999999), 0, FT(10, 900000000),
	  "1 ns in the past with an offset" },
	{ FT(10, 900000000), H_MONO, FT(1012, 100000000), 950000000,
	  FT(11, 850000000), "0.95 s ahead, borrowing" },
	{ T0, H_MONO, FT(9223373037LL, 104775807), MAX,
	  FT(NS_MAX_SEC, NS_MAX_NSEC), "exactly S64_MAX ns" },
	{ T0, H_MONO, FT(1000 + 300 * 31557600LL, 250000000), MAX,
	  FT(300 * 31557600LL, 0), "300 years: returns S64_MAX, offset exact" },
	{ T0, H_MONO, T_MAX, MAX, FT(MAX - 1000, 749999999), "to FC_TIME_MAX" },
	{ FT(MAX - 1000, 749999999), H_MONO, T_MAX, 0,
	  FT(MAX - 1000, 749999999), "at FC_TIME_MAX, FC_TIME_MAX is now" },
	{ FT(MAX - 1000, 749999999), FT(5000, 0), T_MAX, 0,
	  FT(MAX - 1000, 749999999), "at FC_TIME_MAX as host time runs on" },
	{ FT(4 * CENTURY, 0), H_MONO, FT(5 * CENTURY + 1000, 250000000),
	  CENTURY_NS, FT(5 * CENTURY, 0), "the fifth century" },
};

static void run_jump(void)
{
	const struct jump_case *c = jump_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(jump_cases); i++, c++) {
		struct fc_clock clk =
			make_clock(c->offset0, (struct fc_time)FT(9, 0));
		s64 ret = fc_clock_jump_to(&clk, c->host_mono, c->target);
		/* make_clock() records 1 s jumped before this one. */
		struct fc_time delta = fc_time_sub(c->want_offset, c->offset0);
		struct fc_time jumped = fc_time_add_ns(delta, NS);
		bool ok = ret == c->ret &&
			  check_time("offset", clk.offset, c->want_offset) &&
			  check_time("jumped", clk.jumped, jumped) &&
			  check_time("shift", clk.real_shift,
				     (struct fc_time)FT(9, 0)) &&
			  clk.jumps == 3 + (ret ? 1 : 0);

		if (ok && ret)
			ok = check_time("virtual now",
					fc_clock_to_virtual(&clk, MONO,
							    c->host_mono),
					c->target);
		if (ret != c->ret || clk.jumps != 3 + (ret ? 1 : 0))
			tap_diag("ret %lld (want %lld), jumps %llu", ret,
				 c->ret, clk.jumps);
		tap_ok(ok, "jump %zu: %s", i + 1, c->what);
	}
}

static const struct advance_case {
	struct fc_time offset0;
	s64 delta;
	struct fc_time want_offset;
	const char *what;
} advance_cases[] = {
	{ T0, 0, T0, "0: not a jump" },
	{ T0, -1, T0, "-1 ns ignored" },
	{ FT(5, 0), MIN, FT(5, 0), "S64_MIN ignored" },
	{ T0, 1, FT(0, 1), "1 ns" },
	{ FT(0, 600000000), 1500000000, FT(2, 100000000), "1.5 s carries" },
	{ T0, MAX, FT(NS_MAX_SEC, NS_MAX_NSEC), "S64_MAX ns" },
	{ FT(4 * CENTURY, 0), CENTURY_NS, FT(5 * CENTURY, 0),
	  "the fifth century" },
	{ FT(MAX, NS - 3), 5, T_MAX, "clamps at FC_TIME_MAX" },
};

/* Holding (a thaw after a freeze) shrinks the offset and is not a jump. */
static const struct advance_case hold_cases[] = {
	{ FT(5, 0), 0, FT(5, 0), "0: nothing held" },
	{ FT(5, 0), -1, FT(5, 0), "-1 ns ignored" },
	{ FT(5, 0), MIN, FT(5, 0), "S64_MIN ignored" },
	{ FT(5, 0), 1, FT(4, NS - 1), "1 ns borrows" },
	{ FT(2, 100000000), 1500000000, FT(0, 600000000), "1.5 s" },
	{ T0, 2000000000, FT(-2, 0), "below zero: virtual behind host" },
	{ FT(MIN, 0), 5, T_MIN, "clamps at FC_TIME_MIN" },
};

static void run_hold(void)
{
	const struct advance_case *c = hold_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hold_cases); i++, c++) {
		struct fc_clock clk =
			make_clock(c->offset0, (struct fc_time)T0);
		struct fc_time jumped = clk.jumped;
		bool ok;

		fc_clock_hold(&clk, c->delta);
		ok = check_time("offset", clk.offset, c->want_offset) &&
		     check_time("jumped", clk.jumped, jumped) &&
		     clk.jumps == 3;
		tap_ok(ok, "hold %zu: %s", i + 1, c->what);
	}
}

static void run_advance(void)
{
	const struct advance_case *c = advance_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(advance_cases); i++, c++) {
		struct fc_clock clk =
			make_clock(c->offset0, (struct fc_time)T0);
		u64 jumps = c->delta > 0 ? 4 : 3;
		struct fc_time jumped =
			c->delta > 0 ? fc_time_add_ns(clk.jumped, c->delta) :
				       clk.jumped;
		bool ok;

		fc_clock_advance(&clk, c->delta);
		ok = check_time("offset", clk.offset, c->want_offset) &&
		     check_time("jumped", clk.jumped, jumped) &&
		     clk.jumps == jumps;
		tap_ok(ok, "advance %zu: %s", i + 1, c->what);
	}
}

/*
 * A whole run: set_start(start) at host REALTIME H_REAL, then count sleeps
 * of step ns, each after 1 ms of host time. A relative sleep's deadline is
 * virtual MONOTONIC now + step; an absolute one is clock id's virtual now +
 * step, converted with deadline_mono(). Each jump must be min(step,
 * S64_MAX) and land exactly on its deadline; at the end virtual REALTIME
 * reads want_real (and, with to_max, a last jump to FC_TIME_MAX pins it).
 */
static const struct run_case {
	struct fc_time start;
	bool absolute;
	enum fc_clockid id;
	long count;
	s64 step;
	bool to_max;
	struct fc_time want_real;
	const char *what;
} run_cases[] = {
	{ FT(Y2024, 0), false, MONO, 5, CENTURY_NS, false,
	  FT(Y2024 + 5 * CENTURY, 5000000),
	  "five relative 100-year sleeps from 2024 pass 2500" },
	{ FT(Y2024, 0), true, REAL, 5, CENTURY_NS, false,
	  FT(Y2024 + 5 * CENTURY, 5000000),
	  "five absolute REALTIME 100-year sleeps pass 2500" },
	{ FT(Y2024, 0), true, TAI, 5, CENTURY_NS, false,
	  FT(Y2024 + 5 * CENTURY, 5000000),
	  "five absolute TAI 100-year sleeps pass 2500" },
	{ FT(Y2024, 0), true, BOOT, 5, CENTURY_NS, false,
	  FT(Y2024 + 5 * CENTURY, 5000000),
	  "five absolute BOOTTIME 100-year sleeps, host suspended" },
	{ T0, false, MONO, 5, CENTURY_NS, false, FT(5 * CENTURY, 5000000),
	  "five 100-year sleeps from @0" },
	{ FT(Y3000, 0), true, REAL, 5, CENTURY_NS, false,
	  FT(Y3000 + 5 * CENTURY, 5000000),
	  "five absolute REALTIME 100-year sleeps from 3000" },
	{ FT(Y2024, 0), true, REAL, 182500, DAY_NS, false,
	  FT(17472067382LL, 500000000),
	  "182500 absolute one-day sleeps pass 2500" },
	{ FT(Y2024, 0), false, MONO, 40, MAX, false,
	  FT(370638948674LL, 231032280), "40 sleeps of S64_MAX ns pass 10000" },
	{ FT(Y2024, 0), true, REAL, 40, MAX, false,
	  FT(370638948674LL, 231032280),
	  "40 absolute REALTIME sleeps of S64_MAX ns pass 10000" },
	{ FT(Y3000, 0), true, REAL, 5, CENTURY_NS, true, T_MAX,
	  "from 3000, 500 years, then to FC_TIME_MAX" },
};

static bool run_one(const struct run_case *c)
{
	struct fc_time host[__FC_CLOCK_COUNT] = {
		[MONO] = H_MONO, [BOOT] = H_BOOT, [REAL] = H_REAL, [TAI] = H_TAI
	};
	s64 want_ret = c->step;
	struct fc_clock clk;
	long k;
	int id;

	fc_clock_init(&clk);
	if (fc_clock_set_start(&clk, h_real, c->start))
		return false;
	for (k = 0; k < c->count; k++) {
		struct fc_time now, target, deadline, hid;
		s64 ret;

		for (id = 0; id < __FC_CLOCK_COUNT; id++)
			host[id] = fc_time_add_ns(host[id], 1000000);
		now = fc_clock_to_virtual(&clk, MONO, host[MONO]);
		target = fc_time_add_ns(now, c->step);
		if (c->absolute) {
			hid = host[c->id];
			now = fc_clock_to_virtual(&clk, c->id, hid);
			deadline = fc_time_add_ns(now, c->step);
			target = fc_clock_deadline_mono(&clk, c->id, deadline,
							host[MONO], hid);
		}
		ret = fc_clock_jump_to(&clk, host[MONO], target);
		if (ret != want_ret) {
			tap_diag("sleep %ld: jumped %lld, want %lld", k, ret,
				 want_ret);
			return false;
		}
		if (c->absolute &&
		    !check_time("woke at",
				fc_clock_to_virtual(&clk, c->id, host[c->id]),
				deadline))
			return false;
	}
	if (clk.jumps != (u64)c->count) {
		tap_diag("jumps %llu, want %ld", clk.jumps, c->count);
		return false;
	}
	if (c->to_max) {
		fc_clock_jump_to(&clk, host[MONO], (struct fc_time)T_MAX);
		/* Host time runs on; virtual time stays at the clamp. */
		host[MONO] = fc_time_add_ns(host[MONO], DAY_NS);
		host[REAL] = fc_time_add_ns(host[REAL], DAY_NS);
		if (fc_clock_jump_to(&clk, host[MONO], (struct fc_time)T_MAX) ||
		    !check_time("MONOTONIC",
				fc_clock_to_virtual(&clk, MONO, host[MONO]),
				(struct fc_time)T_MAX))
			return false;
	}
	return check_time("REALTIME",
			  fc_clock_to_virtual(&clk, REAL, host[REAL]),
			  c->want_real);
}

static void run_runs(void)
{
	const struct run_case *c = run_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(run_cases); i++, c++)
		tap_ok(run_one(c), "run %zu: %s", i + 1, c->what);
}

int main(void)
{
	tap_plan(ARRAY_SIZE(init_cases) + ARRAY_SIZE(conv_cases) +
		 ARRAY_SIZE(dl_cases) + ARRAY_SIZE(rel_cases) +
		 ARRAY_SIZE(start_cases) + ARRAY_SIZE(jump_cases) +
		 ARRAY_SIZE(advance_cases) + ARRAY_SIZE(hold_cases) +
		 ARRAY_SIZE(run_cases));
	run_init();
	run_conv();
	run_deadline();
	run_rel();
	run_start();
	run_jump();
	run_advance();
	run_hold();
	run_runs();
	return tap_done();
}
