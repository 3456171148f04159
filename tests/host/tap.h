/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for host tests: tap_plan(N) once, one tap_ok() per case, then
 * "return tap_done();" from main(). A diagnostic goes out as a "# ..." line
 * before the case's "not ok". tap_done() fails the run if any case failed or
 * the count of cases does not match the plan.
 */
#ifndef _FC_TAP_H
#define _FC_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int tap_planned, tap_run, tap_failed;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline __printf(1, 2) void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline __printf(2, 3) bool tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
	return ok;
}

static inline int tap_done(void)
{
	if (tap_run != tap_planned) {
		tap_diag("planned %d cases, ran %d", tap_planned, tap_run);
		return 1;
	}
	if (tap_failed)
		tap_diag("%d of %d cases failed", tap_failed, tap_run);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* _FC_TAP_H */
