/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Durations on the command line and in output: "600s", "1.5h", "250ms",
 * "10us", "7d", "1h30m", or a plain number of seconds. Nothing here prints.
 */
#ifndef _FC_DURATION_H
#define _FC_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses s into *ns: one or more NUMBER[UNIT] terms (NUMBER is digits with
 * an optional fraction; UNIT is ns, us, ms, s, m, h or d), or one plain
 * NUMBER of seconds. Fractions finer than 1 ns are dropped. Signs,
 * exponents, spaces and empty input are refused.
 * Return: 0; -EINVAL (garbage); -ERANGE (more than INT64_MAX ns).
 */
int fc_duration_parse(const char *s, int64_t *ns);

/*
 * Writes ns for people, exactly and in a form fc_duration_parse() reads
 * back: "0s", "250ms", "1.5us", "1h30m", "7d", "1d2h3m4.5s"; a negative
 * value gets a leading '-'. Return: buf.
 */
char *fc_duration_format(int64_t ns, char *buf, size_t len);

/* Writes ns as seconds with nine decimals ("-1.250000000"). Return: buf. */
char *fc_ns_seconds(int64_t ns, char *buf, size_t len);

#endif /* _FC_DURATION_H */
