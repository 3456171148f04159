/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argument checks of the group subcommands (create, delete, set,
 * attach, exec, list, show, monitor) and their usage errors: "fluxctl SUB:
 * <message>" and the usage on stderr, exit status 2.
 */
#ifndef _FC_USAGE_H
#define _FC_USAGE_H

#include <stdbool.h>
#include <stdio.h>

/* True for a valid group name: 1-31 of [A-Za-z0-9_.-], not starting with '.'. */
bool fc_group_name_ok(const char *name);

/* True when argv[1..] holds -h or --help before any "--". */
bool fc_wants_help(int argc, char *argv[]);

/* Prints "fluxctl SUB: <message>", then usage to stderr. Return: FC_EXIT_USAGE. */
int fc_usage_error(const char *sub, void (*usage)(FILE *f), const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Checks name, printing a usage error. Return: 0 or FC_EXIT_USAGE. */
int fc_check_name(const char *sub, void (*usage)(FILE *f), const char *name);

#endif /* _FC_USAGE_H */
