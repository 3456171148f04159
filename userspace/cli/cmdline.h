/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line parsing shared by fluxcapacitor and fluxctl: the
 * "-- CMD [ARGS] [-- CMD2 [ARGS]]..." command list, signal names, and the
 * whole fluxcapacitor-compatible option set. Parsers never print: on a
 * usage error they return -EINVAL and leave a message for the caller.
 */
#ifndef _FC_CMDLINE_H
#define _FC_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

struct fc_cmdlist {
	char ***cmds;	/* ncmds argv arrays, each NULL-terminated; NULL-terminated */
	int ncmds;
};

/*
 * Splits argv[0..argc-1] (the words after the first "--") into commands at
 * each further "--", which are overwritten with NULL; argv[argc] must be NULL.
 * Return: 0; -EINVAL (message in err) when a command is empty; -ENOMEM.
 * Free list with fc_cmdline_free_cmds().
 */
int fc_cmdline_split_cmds(int argc, char **argv, struct fc_cmdlist *list,
			  char *err, size_t errlen);
void fc_cmdline_free_cmds(struct fc_cmdlist *list);

/* Parses "SIGURG", "urg" or "23". Return: the signal number, or -EINVAL. */
int fc_cmdline_parse_signal(const char *s);

struct fc_capacitor_opts {
	const char *libpath;	/* --libpath: where libfluxcap-preload.so lives */
	const char *output;	/* --output: log file instead of stderr */
	int signo;		/* --signal; 0 when not given */
	int verbose;		/* one per -v */
	bool help;
	bool version;
	struct fc_cmdlist cmdlist;
};

/*
 * Parses fluxcapacitor's command line:
 *   [--libpath=PATH] [--output=FILE] [--signal=SIG] [-v]... [--help]
 *   [--version] -- CMD [ARGS] [-- CMD [ARGS]]...
 * With --help or --version it stops there and returns 0 with no commands.
 * Return: 0; -EINVAL (message in err) on a usage error; -ENOMEM. Free the
 * commands with fc_cmdline_free_cmds(&opts->cmdlist).
 */
int fc_cmdline_parse_capacitor(int argc, char **argv,
			       struct fc_capacitor_opts *opts,
			       char *err, size_t errlen);

#endif /* _FC_CMDLINE_H */
