// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the dates of --start and `set NAME start` (see date.h), as
 * fluxctl run, create and set take them.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

int fc_parse_start(const char *s, struct fc_time *t)
{
	static const char *const formats[] = {
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d",
	};
	struct tm tm;
	char *end;
	double frac;
	long long sec;
	size_t i;
	time_t secs;
	bool utc;

	if (s[0] == '@') {
		errno = 0;
		sec = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || sec < 0)
			return -EINVAL;
		frac = 0;
		if (*end == '.') {
			frac = strtod(end, &end);
			if (frac < 0 || frac >= 1)
				return -EINVAL;
		}
		if (*end)
			return -EINVAL;
		*t = fc_time_normalise(sec, (long long)(frac * 1e9));
		return 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (!end)
			continue;
		utc = *end == 'Z' && !end[1];
		if (*end && !utc)
			continue;
		tm.tm_isdst = -1;
		secs = utc ? timegm(&tm) : mktime(&tm);
		if (secs == (time_t)-1 || secs < 0)
			return -EINVAL;
		*t = fc_time_normalise(secs, 0);
		return 0;
	}
	return -EINVAL;
}
