// SPDX-License-Identifier: GPL-2.0
/*
 * core/fc_time: saturation at both ends of s64 ns and of struct fc_time,
 * normalisation, ts/tv conversions and round trips, comparisons, invalid
 * nsec/usec, and virtual clocks carried past 2262, 2500 and 10000.
 * One table per function; every row is one numbered TAP case.
 */
#include <stdint.h>

#include "fc_time.h"
#include "tap.h"

/* clang-format cannot lay out a brace initialiser in a macro. */
/* clang-format off */
#define MAX	S64_MAX
#define MIN	S64_MIN
#define NS	FC_NSEC_PER_SEC
#define FT(s, n)	{ .sec = (s), .nsec = (n) }
#define T_MAX	FT(MAX, NS - 1)
#define T_MIN	FT(MIN, 0)

/* Midnight UTC, 1 January of the year, in seconds since the epoch. */
#define Y2024	1704067200LL
#define Y2262	9214646400LL
#define Y2500	16725225600LL
#define Y10000	253402300800LL
/* s64 ns range in sec + nsec, rounded down. */
#define NS_MAX_SEC	9223372036LL
#define NS_MAX_NSEC	854775807U
#define NS_MIN_SEC	(-9223372037LL)
#define NS_MIN_NSEC	145224192U
/* 100 Julian years, the kind of sleep a test of the far future makes. */
#define CENTURY_NS	(3155695200LL * NS)
#define DAY_NS		(86400LL * NS)
/* clang-format on */

static bool time_eq(struct fc_time a, struct fc_time b)
{
	return a.sec == b.sec && a.nsec == b.nsec;
}

static void diag_time(const char *what, struct fc_time got, struct fc_time want)
{
	tap_diag("%s: got { %lld, %u }, want { %lld, %u }", what, got.sec,
		 got.nsec, want.sec, want.nsec);
}

static const struct ns2_case {
	s64 a, b, want;
	const char *what;
} add_sat_cases[] = {
	{ 0, 0, 0, "0 + 0" },
	{ 1, 2, 3, "1 + 2" },
	{ -5, 3, -2, "-5 + 3" },
	{ MAX, 0, MAX, "MAX + 0" },
	{ MAX, 1, MAX, "MAX + 1 clamps" },
	{ MAX, MAX, MAX, "MAX + MAX clamps" },
	{ MAX - 1, 1, MAX, "MAX-1 + 1 is exact" },
	{ MAX, -1, MAX - 1, "MAX + -1" },
	{ MIN, -1, MIN, "MIN + -1 clamps" },
	{ MIN, MIN, MIN, "MIN + MIN clamps" },
	{ MIN + 1, -1, MIN, "MIN+1 + -1 is exact" },
	{ MIN, 0, MIN, "MIN + 0" },
	{ MIN, MAX, -1, "MIN + MAX" },
	{ MAX, MIN, -1, "MAX + MIN" },
	{ 5000000000000000000LL, 5000000000000000000LL, MAX,
	  "5e18 + 5e18 clamps" },
	{ -5000000000000000000LL, -5000000000000000000LL, MIN,
	  "-5e18 + -5e18 clamps" },
};

static const struct ns2_case sub_sat_cases[] = {
	{ 0, 0, 0, "0 - 0" },
	{ 3, 5, -2, "3 - 5" },
	{ MIN, 1, MIN, "MIN - 1 clamps" },
	{ MIN, MAX, MIN, "MIN - MAX clamps" },
	{ MAX, -1, MAX, "MAX - -1 clamps" },
	{ MAX, MIN, MAX, "MAX - MIN clamps" },
	{ 0, MIN, MAX, "0 - MIN clamps (-MIN does not exist)" },
	{ -1, MIN, MAX, "-1 - MIN is exactly MAX" },
	{ -2, MIN, MAX - 1, "-2 - MIN" },
	{ MIN, 0, MIN, "MIN - 0" },
	{ MIN + 1, 1, MIN, "MIN+1 - 1 is exact" },
	{ MAX, MAX, 0, "MAX - MAX" },
	{ MIN, MIN, 0, "MIN - MIN" },
	{ 0, MAX, MIN + 1, "0 - MAX" },
	{ -1, MAX, MIN, "-1 - MAX is exactly MIN" },
	{ -2, MAX, MIN, "-2 - MAX clamps" },
};

static void run_ns2(const char *name, const struct ns2_case *c, size_t n,
		    s64 (*fn)(s64, s64))
{
	size_t i;

	for (i = 0; i < n; i++) {
		s64 got = fn(c[i].a, c[i].b);

		if (got != c[i].want)
			tap_diag("got %lld, want %lld", got, c[i].want);
		tap_ok(got == c[i].want, "%s %zu: %s", name, i + 1, c[i].what);
	}
}

static const struct from_ts_case {
	s64 sec, nsec;
	int ret;
	s64 ns;
	const char *what;
} from_ts_cases[] = {
	{ 0, 0, 0, 0, "zero" },
	{ 1, 0, 0, NS, "1 s" },
	{ 1, 500000000, 0, 1500000000, "1.5 s" },
	{ 0, NS - 1, 0, NS - 1, "largest nsec" },
	{ 0, NS, FC_EINVAL, 0, "nsec 1e9 rejected" },
	{ 0, -1, FC_EINVAL, 0, "nsec -1 rejected" },
	{ 5, 2 * NS, FC_EINVAL, 0, "nsec 2e9 rejected" },
	{ 0, MAX, FC_EINVAL, 0, "nsec S64_MAX rejected" },
	{ 0, MIN, FC_EINVAL, 0, "nsec S64_MIN rejected" },
	{ MAX, -1, FC_EINVAL, 0, "bad nsec wins over huge sec" },
	{ -1, 0, 0, -NS, "-1 s" },
	{ -1, NS - 1, 0, -1, "-1 s + 999999999 ns is -1 ns" },
	{ NS_MAX_SEC, NS_MAX_NSEC, 0, MAX, "exactly S64_MAX" },
	{ NS_MAX_SEC, NS_MAX_NSEC + 1, FC_ERANGE, MAX,
	  "S64_MAX + 1 ns clamps" },
	{ NS_MAX_SEC + 1, 0, FC_ERANGE, MAX, "one second too many clamps" },
	{ MAX, NS - 1, FC_ERANGE, MAX, "S64_MAX s clamps" },
	{ NS_MIN_SEC, NS_MIN_NSEC, 0, MIN, "exactly S64_MIN" },
	{ NS_MIN_SEC, NS_MIN_NSEC - 1, FC_ERANGE, MIN,
	  "S64_MIN - 1 ns clamps" },
	{ MIN, 0, FC_ERANGE, MIN, "S64_MIN s clamps" },
	{ Y2024, 123, 0, (Y2024 * NS) + 123, "2024-01-01 + 123 ns" },
	{ Y2262, 0, 0, (Y2262 * NS), "2262-01-01 still fits" },
	{ Y2500, 0, FC_ERANGE, MAX, "2500-01-01 does not fit in ns" },
};

static void run_from_ts(void)
{
	const struct from_ts_case *c = from_ts_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(from_ts_cases); i++, c++) {
		const s64 poison = 0x5a5a5a5a5a5aLL;
		struct fc_time t = FT(poison, 7);
		s64 got = poison;
		int ret = fc_ns_from_ts(c->sec, c->nsec, &got);
		int tret = fc_time_from_ts(c->sec, c->nsec, &t);
		/* FC_EINVAL writes nothing; fc_time_from_ts never clamps. */
		s64 want = c->ret == FC_EINVAL ? poison : c->ns;
		struct fc_time twant = FT(poison, 7);
		bool ok;

		if (c->ret != FC_EINVAL) {
			twant.sec = c->sec;
			twant.nsec = (u32)c->nsec;
		}
		ok = ret == c->ret && got == want &&
		     tret == (c->ret == FC_EINVAL ? FC_EINVAL : 0) &&
		     time_eq(t, twant);
		if (!ok)
			tap_diag("ret %d/%d, ns %lld/%lld (got/want), tret %d",
				 ret, c->ret, got, want, tret);
		tap_ok(ok, "from_ts %zu: %s", i + 1, c->what);
	}
}

static const struct from_tv_case {
	s64 sec, usec;
	int ret;
	s64 ns;
	const char *what;
} from_tv_cases[] = {
	{ 0, 0, 0, 0, "zero" },
	{ 1, 1, 0, 1000001000, "1 s + 1 us" },
	{ 0, 999999, 0, 999999000, "largest usec" },
	{ 0, 1000000, FC_EINVAL, 0, "usec 1e6 rejected" },
	{ 0, -1, FC_EINVAL, 0, "usec -1 rejected" },
	{ -1, 500000, 0, -500000000, "-0.5 s" },
	{ NS_MAX_SEC, 854775, 0, 9223372036854775000LL,
	  "last whole us below S64_MAX" },
	{ NS_MAX_SEC, 854776, FC_ERANGE, MAX, "one us more clamps" },
	{ MIN, 0, FC_ERANGE, MIN, "S64_MIN s clamps" },
};

static void run_from_tv(void)
{
	const struct from_tv_case *c = from_tv_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(from_tv_cases); i++, c++) {
		s64 got = 42;
		int ret = fc_ns_from_tv(c->sec, c->usec, &got);
		s64 want = c->ret == FC_EINVAL ? 42 : c->ns;
		bool ok = ret == c->ret && got == want;

		if (!ok)
			tap_diag("ret %d (want %d), ns %lld (want %lld)", ret,
				 c->ret, got, want);
		tap_ok(ok, "from_tv %zu: %s", i + 1, c->what);
	}
}

/* Rows also check the way back: from_ts, fc_time_from_ns, fc_time_to_ns. */
static const struct to_ts_case {
	s64 ns, sec;
	u32 nsec, usec;
	const char *what;
} to_ts_cases[] = {
	{ 0, 0, 0, 0, "zero" },
	{ 1, 0, 1, 0, "1 ns" },
	{ 999, 0, 999, 0, "999 ns is 0 us" },
	{ 1000, 0, 1000, 1, "1 us" },
	{ NS, 1, 0, 0, "1 s" },
	{ 1500000000, 1, 500000000, 500000, "1.5 s" },
	{ -1, -1, NS - 1, 999999, "-1 ns rounds down" },
	{ -NS, -1, 0, 0, "-1 s" },
	{ -NS - 1, -2, NS - 1, 999999, "-1 s - 1 ns" },
	{ -1500, -1, 999998500, 999998, "-1.5 us" },
	{ -(NS - 1), -1, 1, 0, "-999999999 ns" },
	{ MAX, NS_MAX_SEC, NS_MAX_NSEC, 854775, "S64_MAX" },
	{ MIN, NS_MIN_SEC, NS_MIN_NSEC, 145224, "S64_MIN" },
	{ (Y2024 * NS) + 123456789, Y2024, 123456789, 123456,
	  "2024-01-01 + 0.123456789 s" },
};

static void run_to_ts(void)
{
	const struct to_ts_case *c = to_ts_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(to_ts_cases); i++, c++) {
		struct fc_time want = FT(c->sec, c->nsec), t;
		s64 sec = 0, tv_sec = 0, back = 0, tback = 0;
		u32 nsec = 0, usec = 0;
		int ret, tret;
		bool ok;

		fc_ns_to_ts(c->ns, &sec, &nsec);
		fc_ns_to_tv(c->ns, &tv_sec, &usec);
		ret = fc_ns_from_ts(sec, nsec, &back);
		t = fc_time_from_ns(c->ns);
		tret = fc_time_to_ns(t, &tback);
		ok = sec == c->sec && nsec == c->nsec && tv_sec == c->sec &&
		     usec == c->usec && ret == 0 && back == c->ns &&
		     time_eq(t, want) && tret == 0 && tback == c->ns;
		if (!ok) {
			tap_diag("ts { %lld, %u }, tv { %lld, %u }", sec, nsec,
				 tv_sec, usec);
			tap_diag("back %lld (ret %d)", back, ret);
			tap_diag("fc_time back %lld (ret %d)", tback, tret);
		}
		tap_ok(ok, "to_ts %zu: %s, and back", i + 1, c->what);
	}
}

static const struct norm_case {
	s64 sec, nsec;
	struct fc_time want;
	const char *what;
} norm_cases[] = {
	{ 0, 0, FT(0, 0), "zero" },
	{ 0, NS, FT(1, 0), "1e9 ns carries" },
	{ 0, -1, FT(-1, NS - 1), "-1 ns borrows" },
	{ 5, 2500000000LL, FT(7, 500000000), "5 s + 2.5e9 ns" },
	{ 5, -2500000000LL, FT(2, 500000000), "5 s - 2.5e9 ns" },
	{ -1, 2 * NS, FT(1, 0), "-1 s + 2e9 ns" },
	{ 0, MAX, FT(NS_MAX_SEC, NS_MAX_NSEC), "S64_MAX ns" },
	{ 0, MIN, FT(NS_MIN_SEC, NS_MIN_NSEC), "S64_MIN ns" },
	{ MAX, NS - 1, T_MAX, "the largest time" },
	{ MAX, NS, T_MAX, "1 ns past the largest clamps" },
	{ MAX, MAX, T_MAX, "S64_MAX s + S64_MAX ns clamps" },
	{ MAX, -1, FT(MAX - 1, NS - 1), "S64_MAX s - 1 ns" },
	{ MIN, 0, T_MIN, "the smallest time" },
	{ MIN, 1, FT(MIN, 1), "smallest + 1 ns" },
	{ MIN, -1, T_MIN, "1 ns below the smallest clamps" },
	{ MIN, MIN, T_MIN, "S64_MIN s + S64_MIN ns clamps" },
	{ MIN, MAX, FT(MIN + NS_MAX_SEC, NS_MAX_NSEC),
	  "S64_MIN s + S64_MAX ns" },
};

static void run_normalise(void)
{
	const struct norm_case *c = norm_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(norm_cases); i++, c++) {
		struct fc_time got = fc_time_normalise(c->sec, c->nsec);
		bool ok = time_eq(got, c->want);

		if (!ok)
			diag_time("normalise", got, c->want);
		tap_ok(ok, "normalise %zu: %s", i + 1, c->what);
	}
}

/* exact rows also check the inverse: (a + b) - b == a, or (a - b) + b == a. */
static const struct time2_case {
	struct fc_time a, b, want;
	bool exact;
	const char *what;
} add_cases[] = {
	{ FT(0, 0), FT(0, 0), FT(0, 0), true, "0 + 0" },
	{ FT(1, 500000000), FT(2, 500000000), FT(4, 0), true,
	  "1.5 + 2.5 carries" },
	{ FT(1, NS - 1), FT(0, 1), FT(2, 0), true, "carry of 1 ns" },
	{ FT(-1, 500000000), FT(0, 500000000), FT(0, 0), true, "-0.5 + 0.5" },
	{ FT(-1, 0), FT(-1, NS - 1), FT(-2, NS - 1), true, "-1 + -1 ns" },
	{ T_MAX, FT(0, 0), T_MAX, true, "MAX + 0" },
	{ T_MAX, FT(0, 1), T_MAX, false, "MAX + 1 ns clamps" },
	{ FT(MAX, 0), FT(0, NS - 1), T_MAX, true, "reaching MAX exactly" },
	{ FT(MAX, 1), FT(0, NS - 1), T_MAX, false,
	  "carry out of S64_MAX s clamps" },
	{ FT(MAX, 0), FT(MAX, 0), T_MAX, false, "MAX + MAX clamps" },
	{ T_MIN, FT(-1, 0), T_MIN, false, "MIN - 1 s clamps" },
	{ T_MIN, FT(-1, NS - 1), T_MIN, false, "MIN - 1 ns clamps" },
	{ T_MIN, T_MAX, FT(-1, NS - 1), true, "MIN + MAX" },
	{ T_MIN, T_MIN, T_MIN, false, "MIN + MIN clamps" },
	{ T_MIN, FT(0, 1), FT(MIN, 1), true, "MIN + 1 ns" },
	{ FT(MIN, 500000000), FT(-1, 500000000), T_MIN, true,
	  "reaching MIN exactly through a carry" },
	{ FT(-1, 500000000), FT(MAX, 500000000), FT(MAX, 0), true,
	  "carry lands on the other operand when b is S64_MAX s" },
	{ FT(5, 500000000), FT(MAX, 500000000), T_MAX, false,
	  "that path clamps too" },
	{ FT(MAX, 500000000), FT(MAX, 500000000), T_MAX, false,
	  "carry with both at S64_MAX s" },
	{ FT(Y2024, 0), FT(Y2500 - Y2024, 0), FT(Y2500, 0), true,
	  "2024 + 476 years is 2500-01-01" },
	{ FT(Y2500, 0), FT(Y10000 - Y2500, 0), FT(Y10000, 0), true,
	  "2500 + 7500 years is 10000-01-01" },
};

static const struct time2_case sub_cases[] = {
	{ FT(4, 0), FT(2, 500000000), FT(1, 500000000), true,
	  "4 - 2.5 borrows" },
	{ FT(0, 0), FT(0, 1), FT(-1, NS - 1), true, "0 - 1 ns" },
	{ FT(0, 0), T_MAX, FT(MIN, 1), true, "0 - MAX" },
	{ FT(0, 0), T_MIN, T_MAX, false, "0 - MIN clamps" },
	{ FT(-1, NS - 1), T_MIN, T_MAX, true, "-1 ns - MIN is exactly MAX" },
	{ T_MIN, FT(0, 1), T_MIN, false, "MIN - 1 ns clamps" },
	{ T_MIN, FT(5, 1), T_MIN, false, "borrow from b at S64_MIN s clamps" },
	{ FT(MIN, 5), FT(-3, 7), FT(MIN + 2, NS - 2), true,
	  "borrow from b at S64_MIN s" },
	{ T_MIN, T_MAX, T_MIN, false, "MIN - MAX clamps" },
	{ FT(MAX, 0), FT(-1, 0), T_MAX, false, "MAX + 1 s clamps" },
	{ FT(MAX, 0), T_MIN, T_MAX, false, "MAX - MIN clamps" },
	{ T_MAX, T_MAX, FT(0, 0), true, "MAX - MAX" },
	{ T_MIN, T_MIN, FT(0, 0), true, "MIN - MIN" },
	{ FT(Y10000, 0), FT(Y2024, 0), FT(Y10000 - Y2024, 0), true,
	  "10000 - 2024" },
	{ FT(Y2500, 250000000), FT(Y2500, 750000000), FT(-1, 500000000), true,
	  "0.5 s apart in 2500" },
};

static void run_time2(const char *name, const struct time2_case *c, size_t n,
		      bool add)
{
	size_t i;

	for (i = 0; i < n; i++, c++) {
		struct fc_time got = add ? fc_time_add(c->a, c->b) :
					   fc_time_sub(c->a, c->b);
		struct fc_time back;
		bool ok = time_eq(got, c->want);

		if (!ok)
			diag_time(name, got, c->want);
		if (c->exact) {
			back = add ? fc_time_sub(got, c->b) :
				     fc_time_add(got, c->b);
			if (!time_eq(back, c->a)) {
				diag_time("inverse", back, c->a);
				ok = false;
			}
		}
		tap_ok(ok, "%s %zu: %s", name, i + 1, c->what);
	}
}

static const struct cmp_case {
	struct fc_time a, b;
	int want;
	const char *what;
} cmp_cases[] = {
	{ FT(0, 0), FT(0, 0), 0, "equal" },
	{ FT(0, 1), FT(0, 0), 1, "1 ns later" },
	{ FT(0, 0), FT(0, 1), -1, "1 ns earlier" },
	{ FT(-1, NS - 1), FT(0, 0), -1, "-1 ns before 0" },
	{ FT(1, 0), FT(0, NS - 1), 1, "seconds outrank nsec" },
	{ T_MAX, T_MIN, 1, "MAX after MIN" },
	{ T_MIN, T_MAX, -1, "MIN before MAX" },
	{ T_MAX, T_MAX, 0, "MAX equals MAX" },
	{ FT(Y2500, 0), FT(Y2024, NS - 1), 1, "2500 after 2024" },
	{ FT(MIN, 1), T_MIN, 1, "MIN + 1 ns after MIN" },
};

static void run_cmp(void)
{
	const struct cmp_case *c = cmp_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmp_cases); i++, c++) {
		int got = fc_time_cmp(c->a, c->b);
		int rev = fc_time_cmp(c->b, c->a);
		bool ok = got == c->want && rev == -c->want;

		if (!ok)
			tap_diag("got %d, reversed %d, want %d", got, rev,
				 c->want);
		tap_ok(ok, "cmp %zu: %s", i + 1, c->what);
	}
}

static const struct to_ns_case {
	struct fc_time t;
	int ret;
	s64 ns;
	const char *what;
} to_ns_cases[] = {
	{ FT(0, 0), 0, 0, "zero" },
	{ FT(NS_MAX_SEC, NS_MAX_NSEC), 0, MAX, "exactly S64_MAX" },
	{ FT(NS_MAX_SEC, NS_MAX_NSEC + 1), FC_ERANGE, MAX,
	  "S64_MAX + 1 ns clamps" },
	{ FT(NS_MIN_SEC, NS_MIN_NSEC), 0, MIN, "exactly S64_MIN" },
	{ FT(NS_MIN_SEC, NS_MIN_NSEC - 1), FC_ERANGE, MIN,
	  "S64_MIN - 1 ns clamps" },
	{ FT(NS_MIN_SEC + 1, 0), 0, (NS_MIN_SEC + 1) * NS,
	  "lowest whole second" },
	{ FT(-1, 1), 0, -(NS - 1), "-1 s + 1 ns" },
	{ T_MAX, FC_ERANGE, MAX, "FC_TIME_MAX clamps" },
	{ T_MIN, FC_ERANGE, MIN, "FC_TIME_MIN clamps" },
	{ FT(Y10000, 0), FC_ERANGE, MAX, "year 10000 clamps" },
	{ FT(-Y2500, 0), FC_ERANGE, MIN, "530 years before 1970 clamps" },
};

static void run_to_ns(void)
{
	const struct to_ns_case *c = to_ns_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(to_ns_cases); i++, c++) {
		s64 got = 0;
		int ret = fc_time_to_ns(c->t, &got);
		bool ok = ret == c->ret && got == c->ns;

		if (!ok)
			tap_diag("ret %d (want %d), ns %lld (want %lld)", ret,
				 c->ret, got, c->ns);
		tap_ok(ok, "to_ns %zu: %s", i + 1, c->what);
	}
}

/* A virtual clock started at start, then advanced count times by jump ns. */
static const struct jump_case {
	struct fc_time start;
	s64 jump;
	long count;
	struct fc_time want;
	const char *what;
} jump_cases[] = {
	{ FT(Y2024, 0), CENTURY_NS, 5, FT(17482543200LL, 0),
	  "five 100-year sleeps from 2024 pass 2500" },
	{ FT(Y2024, 0), MAX, 2, FT(20150811273LL, 709551614),
	  "two S64_MAX ns sleeps from 2024" },
	{ FT(Y2024, 0), MAX, 28, FT(259958484231LL, 933722596),
	  "28 S64_MAX ns sleeps from 2024 pass 10000" },
	{ FT(Y2024, 0), DAY_NS, 182500, FT(17472067200LL, 0),
	  "182500 one-day sleeps from 2024 pass 2500" },
	{ FT(Y2024, 0), 1, 1000, FT(Y2024, 1000), "1000 one-ns steps" },
	{ FT(Y2024, 0), -MAX, 1, FT(-7519304837LL, 145224193),
	  "a start S64_MAX ns before 2024" },
	{ FT(MAX - 10000000000LL, 0), MAX, 3, T_MAX, "the far end clamps" },
};

static void run_jump(void)
{
	const struct jump_case *c = jump_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(jump_cases); i++, c++) {
		struct fc_time t = c->start;
		bool ok;
		long k;

		for (k = 0; k < c->count; k++)
			t = fc_time_add_ns(t, c->jump);
		ok = time_eq(t, c->want);
		if (!ok)
			diag_time("clock", t, c->want);
		tap_ok(ok, "jump %zu: %s", i + 1, c->what);
	}
}

/*
 * A sleeper's remaining time, as a write-back computes it: deadline =
 * now + timeout, then deadline - (now + elapsed), back in ns.
 */
static const struct remain_case {
	struct fc_time now;
	s64 timeout, elapsed, want;
	const char *what;
} remain_cases[] = {
	{ FT(Y2500, 0), DAY_NS, 3600 * NS, 23 * 3600 * NS,
	  "a day's sleep in 2500, an hour in" },
	{ FT(Y10000, NS - 1), 1, 0, 1,
	  "1 ns timeout across a second in 10000" },
	{ FT(Y10000, 500000000), NS, 2 * NS, -NS,
	  "overdue by a second in 10000" },
	{ FT(MAX, 0), MAX, 0, NS - 1,
	  "a deadline past FC_TIME_MAX is clamped" },
};

static void run_remain(void)
{
	const struct remain_case *c = remain_cases;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(remain_cases); i++, c++) {
		struct fc_time deadline = fc_time_add_ns(c->now, c->timeout);
		struct fc_time later = fc_time_add_ns(c->now, c->elapsed);
		s64 got = 0;
		int ret = fc_time_to_ns(fc_time_sub(deadline, later), &got);
		bool ok = ret == 0 && got == c->want;

		if (!ok)
			tap_diag("got %lld (ret %d), want %lld", got, ret,
				 c->want);
		tap_ok(ok, "remain %zu: %s", i + 1, c->what);
	}
}

int main(void)
{
	tap_plan(ARRAY_SIZE(add_sat_cases) + ARRAY_SIZE(sub_sat_cases) +
		 ARRAY_SIZE(from_ts_cases) + ARRAY_SIZE(from_tv_cases) +
		 ARRAY_SIZE(to_ts_cases) + ARRAY_SIZE(norm_cases) +
		 ARRAY_SIZE(add_cases) + ARRAY_SIZE(sub_cases) +
		 ARRAY_SIZE(cmp_cases) + ARRAY_SIZE(to_ns_cases) +
		 ARRAY_SIZE(jump_cases) + ARRAY_SIZE(remain_cases));
	run_ns2("add_sat", add_sat_cases, ARRAY_SIZE(add_sat_cases),
		fc_ns_add_sat);
	run_ns2("sub_sat", sub_sat_cases, ARRAY_SIZE(sub_sat_cases),
		fc_ns_sub_sat);
	run_from_ts();
	run_from_tv();
	run_to_ts();
	run_normalise();
	run_time2("add", add_cases, ARRAY_SIZE(add_cases), true);
	run_time2("sub", sub_cases, ARRAY_SIZE(sub_cases), false);
	run_cmp();
	run_to_ns();
	run_jump();
	run_remain();
	return tap_done();
}
