// SPDX-License-Identifier: GPL-2.0
/*
 * Argument checks and usage errors of the group subcommands (see usage.h),
 * in one place so that every subcommand words them the same way.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/fluxcap.h>

#include "fluxctl.h"
#include "usage.h"

bool fc_group_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= FLUXCAP_GROUP_NAME_MAX || name[0] == '.')
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-") == n;
}

bool fc_wants_help(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

int fc_usage_error(const char *sub, void (*usage)(FILE *f), const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fluxctl %s: ", sub);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return FC_EXIT_USAGE;
}

int fc_check_name(const char *sub, void (*usage)(FILE *f), const char *name)
{
	if (fc_group_name_ok(name))
		return 0;
	return fc_usage_error(sub, usage,
			      "bad group name '%s' (1 to %d of A-Z a-z 0-9 _ . -, not starting with '.')",
			      name, FLUXCAP_GROUP_NAME_MAX - 1);
}
