// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/cli/duration: what `fluxctl set NAME advance DURATION` accepts
 * (units, fractions, compound terms, plain seconds) and refuses (garbage,
 * signs, exponents, overflow), exact integer results, the formatter's
 * output, and parse(format(x)) == x across the range.
 * One table per function; every row is one numbered TAP case.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../userspace/cli/duration.c"
#include "tap.h"

#define S	1000000000LL
#define H	(3600 * S)
#define D	(24 * H)

static const struct parse_case {
	const char *in;
	int ret;
	int64_t want;
} parse_cases[] = {
	{ "600s", 0, 600 * S },
	{ "1.5h", 0, 5400 * S },
	{ "250ms", 0, 250000000 },
	{ "10us", 0, 10000 },
	{ "7d", 0, 7 * D },
	{ "42ns", 0, 42 },
	{ "3m", 0, 180 * S },
	{ "90", 0, 90 * S },
	{ "0.1", 0, 100000000 },
	{ "0.1s", 0, 100000000 },
	{ ".5s", 0, 500000000 },
	{ "2.s", 0, 2 * S },
	{ "1h30m", 0, 5400 * S },
	{ "1d2h3m4.5s", 0, D + 2 * H + 184 * S + 500000000 },
	{ "1.0000000009s", 0, S },
	{ "1.999999999999us", 0, 1999 },
	{ "0s", 0, 0 },
	{ "9223372036854775807ns", 0, INT64_MAX },
	{ "9223372036.854775807s", 0, INT64_MAX },
	{ "106751d", 0, 106751 * D },
	{ "9223372036854775808ns", -ERANGE, 0 },
	{ "106752d", -ERANGE, 0 },
	{ "106751d23h59m", -ERANGE, 0 },
	{ "99999999999999999999999s", -ERANGE, 0 },
	{ "", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	{ "-5s", -EINVAL, 0 },
	{ "+5s", -EINVAL, 0 },
	{ "1e999s", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
	{ "5 s", -EINVAL, 0 },
	{ " 5s", -EINVAL, 0 },
	{ "5sec", -EINVAL, 0 },
	{ "5x", -EINVAL, 0 },
	{ "s", -EINVAL, 0 },
	{ ".", -EINVAL, 0 },
	{ ".s", -EINVAL, 0 },
	{ "1h30", -EINVAL, 0 },
	{ "1.2.3s", -EINVAL, 0 },
	{ "0x10s", -EINVAL, 0 },
	{ "inf", -EINVAL, 0 },
	{ "nan", -EINVAL, 0 },
};

static const struct format_case {
	int64_t in;
	const char *want;
} format_cases[] = {
	{ 0, "0s" },
	{ 1, "1ns" },
	{ 999, "999ns" },
	{ 1000, "1us" },
	{ 1500, "1.5us" },
	{ 250000000, "250ms" },
	{ 1234567, "1.234567ms" },
	{ S, "1s" },
	{ 1500000000, "1.5s" },
	{ 600 * S, "10m" },
	{ 5400 * S, "1h30m" },
	{ 7 * D, "7d" },
	{ D + 2 * H + 184 * S + 500000000, "1d2h3m4.5s" },
	{ H + 1, "1h0.000000001s" },
	{ -1500000000, "-1.5s" },
	{ INT64_MAX, "106751d23h47m16.854775807s" },
	{ INT64_MIN, "-106751d23h47m16.854775808s" },
};

static const int64_t roundtrip[] = {
	1, 999, 1001, 123456789, S - 1, S, S + 1, 59 * S, 61 * S,
	H - 1, H, D - 1, D, 365 * D + 12345, INT64_MAX - 1, INT64_MAX,
};

static const struct secs_case {
	int64_t in;
	const char *want;
} secs_cases[] = {
	{ 0, "0.000000000" },
	{ 3601200000000LL, "3601.200000000" },
	{ -1250000000, "-1.250000000" },
	{ INT64_MIN, "-9223372036.854775808" },
};

int main(void)
{
	char buf[64];
	int64_t ns;
	size_t i;
	int ret;

	tap_plan(ARRAY_SIZE(parse_cases) + ARRAY_SIZE(format_cases) +
		 ARRAY_SIZE(roundtrip) + ARRAY_SIZE(secs_cases) + 1);

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		ns = -7;
		ret = fc_duration_parse(c->in, &ns);
		if (!tap_ok(ret == c->ret && (ret || ns == c->want) && (!ret || ns == -7),
			    "parse '%s'", c->in))
			tap_diag("got ret %d ns %lld, want ret %d ns %lld", ret,
				 (long long)ns, c->ret, (long long)c->want);
	}
	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		const struct format_case *c = &format_cases[i];

		fc_duration_format(c->in, buf, sizeof(buf));
		if (!tap_ok(!strcmp(buf, c->want), "format %lld", (long long)c->in))
			tap_diag("got '%s', want '%s'", buf, c->want);
	}
	for (i = 0; i < ARRAY_SIZE(roundtrip); i++) {
		fc_duration_format(roundtrip[i], buf, sizeof(buf));
		ret = fc_duration_parse(buf, &ns);
		if (!tap_ok(!ret && ns == roundtrip[i], "round trip %lld via '%s'",
			    (long long)roundtrip[i], buf))
			tap_diag("got ret %d ns %lld", ret, (long long)ns);
	}
	for (i = 0; i < ARRAY_SIZE(secs_cases); i++) {
		fc_ns_seconds(secs_cases[i].in, buf, sizeof(buf));
		if (!tap_ok(!strcmp(buf, secs_cases[i].want), "seconds of %lld",
			    (long long)secs_cases[i].in))
			tap_diag("got '%s', want '%s'", buf, secs_cases[i].want);
	}
	/* A short buffer is cut, not overrun, and stays a string. */
	memset(buf, 'x', sizeof(buf));
	fc_duration_format(D + 2 * H + 184 * S + 500000000, buf, 5);
	tap_ok(!strcmp(buf, "1d2h") && buf[5] == 'x', "format into 5 bytes: '%s'", buf);
	return tap_done();
}
