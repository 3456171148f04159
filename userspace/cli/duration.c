// SPDX-License-Identifier: GPL-2.0
/*
 * Duration parsing and formatting in exact integer nanoseconds (no
 * floating point, so "0.1s" is 100000000 ns, not one less), with every
 * multiplication and sum checked for overflow.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

#define NS_US	((int64_t)1000)
#define NS_MS	((int64_t)1000000)
#define NS_S	((int64_t)1000000000)
#define NS_M	(60 * NS_S)
#define NS_H	(60 * NS_M)
#define NS_D	(24 * NS_H)

static const struct unit {
	const char *name;
	int64_t ns;
} units[] = {
	/* longest names first, so "ms" is not read as "m" then "s" */
	{ "ns", 1 }, { "us", NS_US }, { "ms", NS_MS },
	{ "s", NS_S }, { "m", NS_M }, { "h", NS_H }, { "d", NS_D },
};

#define NUNITS (sizeof(units) / sizeof(units[0]))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The unit at *s, advancing past it; NULL when there is none. */
static const struct unit *parse_unit(const char **s)
{
	size_t i, n;

	for (i = 0; i < NUNITS; i++) {
		n = strlen(units[i].name);
		if (!strncmp(*s, units[i].name, n)) {
			*s += n;
			return &units[i];
		}
	}
	return NULL;
}

/* Adds NUMBER * unit (integer and fraction digits) to *acc. */
static int add_term(const char *ip, size_t ilen, const char *fp, size_t flen,
		    int64_t unit, int64_t *acc)
{
	int64_t scale = unit, v;
	size_t i;

	v = 0;
	for (i = 0; i < ilen; i++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, ip[i] - '0', &v))
			return -ERANGE;
	if (__builtin_mul_overflow(v, unit, &v) ||
	    __builtin_add_overflow(*acc, v, acc))
		return -ERANGE;
	/* Every unit is a multiple of the powers of ten below it: exact. */
	for (i = 0; i < flen && scale >= 10; i++) {
		scale /= 10;
		if (__builtin_add_overflow(*acc, (fp[i] - '0') * scale, acc))
			return -ERANGE;
	}
	return 0;
}

int fc_duration_parse(const char *s, int64_t *ns)
{
	const struct unit *u;
	const char *ip, *fp;
	size_t ilen, flen;
	int64_t acc = 0;
	int terms = 0, ret;

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		ip = s;
		while (is_digit(*s))
			s++;
		ilen = s - ip;
		fp = s;
		flen = 0;
		if (*s == '.') {
			fp = ++s;
			while (is_digit(*s))
				s++;
			flen = s - fp;
		}
		if (!ilen && !flen)
			return -EINVAL;
		u = parse_unit(&s);
		if (!u) {
			/* a bare number is seconds, and only on its own */
			if (*s || terms)
				return -EINVAL;
			u = &units[3];
		}
		ret = add_term(ip, ilen, fp, flen, u->ns, &acc);
		if (ret)
			return ret;
		terms++;
	}
	*ns = acc;
	return 0;
}

/* Appends to buf at *off; snprintf keeps it NUL-terminated when it runs out. */
static __attribute__((format(printf, 4, 5)))
void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += n;
}

/* "v" or "v.frac" of a value with `digits` decimals, trailing zeros trimmed. */
static void put_frac(char *buf, size_t len, size_t *off, uint64_t v,
		     uint64_t per, int digits, const char *unit)
{
	uint64_t frac = v % per;

	if (!frac) {
		put(buf, len, off, "%" PRIu64 "%s", v / per, unit);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	put(buf, len, off, "%" PRIu64 ".%0*" PRIu64 "%s", v / per, digits, frac,
	    unit);
}

char *fc_duration_format(int64_t ns, char *buf, size_t len)
{
	uint64_t v = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (ns < 0)
		put(buf, len, &off, "-");
	if (!v) {
		put(buf, len, &off, "0s");
	} else if (v < NS_US) {
		put(buf, len, &off, "%" PRIu64 "ns", v);
	} else if (v < NS_MS) {
		put_frac(buf, len, &off, v, NS_US, 3, "us");
	} else if (v < NS_S) {
		put_frac(buf, len, &off, v, NS_MS, 6, "ms");
	} else {
		if (v >= NS_D)
			put(buf, len, &off, "%" PRIu64 "d", v / NS_D);
		v %= NS_D;
		if (v >= NS_H)
			put(buf, len, &off, "%" PRIu64 "h", v / NS_H);
		v %= NS_H;
		if (v >= NS_M)
			put(buf, len, &off, "%" PRIu64 "m", v / NS_M);
		v %= NS_M;
		if (v)
			put_frac(buf, len, &off, v, NS_S, 9, "s");
	}
	return buf;
}

char *fc_ns_seconds(int64_t ns, char *buf, size_t len)
{
	uint64_t v = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
		 v / NS_S, v % NS_S);
	return buf;
}
