// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing shared by fluxcapacitor and fluxctl: splitting the
 * command list at "--", signal names, and fluxcapacitor's options. Nothing
 * here prints or exits; usage errors come back as -EINVAL plus a message.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"

int fc_cmdline_split_cmds(int argc, char **argv, struct fc_cmdlist *list,
			  char *err, size_t errlen)
{
	int i, n = 0;

	list->cmds = NULL;
	list->ncmds = 0;
	if (argc < 1) {
		snprintf(err, errlen, "no command given after '--'");
		return -EINVAL;
	}

	/* At most argc commands, plus the NULL that ends the list. */
	list->cmds = calloc(argc + 1, sizeof(*list->cmds));
	if (!list->cmds)
		return -ENOMEM;

	list->cmds[n++] = &argv[0];
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		argv[i] = NULL;
		list->cmds[n++] = &argv[i + 1];
	}
	list->ncmds = n;

	for (i = 0; i < n; i++) {
		if (!list->cmds[i][0]) {
			snprintf(err, errlen, "command %d is empty (nothing after '--')", i + 1);
			fc_cmdline_free_cmds(list);
			return -EINVAL;
		}
	}
	return 0;
}

void fc_cmdline_free_cmds(struct fc_cmdlist *list)
{
	free(list->cmds);
	list->cmds = NULL;
	list->ncmds = 0;
}

int fc_cmdline_parse_signal(const char *s)
{
	const char *name = s;
	char *end;
	long n;
	int sig;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno || *end || n < 1 || n > SIGRTMAX)
			return -EINVAL;
		return n;
	}

	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && !strcasecmp(name, abbrev))
			return sig;
	}
	return -EINVAL;
}

enum {
	OPT_LIBPATH = 256,
	OPT_OUTPUT,
	OPT_SIGNAL,
	OPT_VERSION,
};

static const struct option capacitor_options[] = {
	{ "libpath",	required_argument,	NULL, OPT_LIBPATH },
	{ "output",	required_argument,	NULL, OPT_OUTPUT },
	{ "signal",	required_argument,	NULL, OPT_SIGNAL },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 },
};

int fc_cmdline_parse_capacitor(int argc, char **argv,
			       struct fc_capacitor_opts *opts,
			       char *err, size_t errlen)
{
	const char *last_optarg = NULL;
	int c;

	memset(opts, 0, sizeof(*opts));
	/* 0, not 1: makes glibc's getopt start over, so this may be called again. */
	optind = 0;
	opterr = 0;
	/* '+': stop at the first word that is not an option (the command). */
	while ((c = getopt_long(argc, argv, "+:hv", capacitor_options, NULL)) != -1) {
		last_optarg = optarg;
		switch (c) {
		case OPT_LIBPATH:
		case OPT_OUTPUT:
			if (!*optarg) {
				snprintf(err, errlen, "option '%s' needs a value",
					 argv[optind - 1]);
				return -EINVAL;
			}
			if (c == OPT_LIBPATH)
				opts->libpath = optarg;
			else
				opts->output = optarg;
			break;
		case OPT_SIGNAL:
			opts->signo = fc_cmdline_parse_signal(optarg);
			if (opts->signo < 0) {
				snprintf(err, errlen, "unknown signal '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'v':
			if (opts->verbose < INT_MAX)
				opts->verbose++;
			break;
		case 'h':
			opts->help = true;
			return 0;
		case OPT_VERSION:
			opts->version = true;
			return 0;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value",
				 argv[optind - 1]);
			return -EINVAL;
		default:
			/* A long option is a whole word; a short one may be in a cluster. */
			if (!strncmp(argv[optind - 1], "--", 2))
				snprintf(err, errlen, "unrecognized option '%s'",
					 argv[optind - 1]);
			else
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			return -EINVAL;
		}
	}

	/*
	 * getopt consumed a "--" only if argv[optind - 1] is one that was not
	 * some option's value (as in "--output --").
	 */
	if (optind < 2 || strcmp(argv[optind - 1], "--") ||
	    argv[optind - 1] == last_optarg) {
		if (optind < argc)
			snprintf(err, errlen, "missing '--' before the command '%s'",
				 argv[optind]);
		else
			snprintf(err, errlen, "no command given (put it after '--')");
		return -EINVAL;
	}

	return fc_cmdline_split_cmds(argc - optind, argv + optind, &opts->cmdlist,
				     err, errlen);
}
