/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fluxctl's subcommands (and fluxcapacitor) share: the subcommands'
 * entry points, called from the table in fluxctl.c with argv[0] set to the
 * subcommand's name, the exit statuses, and the version string.
 */
#ifndef _FC_FLUXCTL_H
#define _FC_FLUXCTL_H

/* The Makefile passes the exact version (scripts/version.sh). */
#ifndef FLUXCAP_VERSION
#define FLUXCAP_VERSION "unknown"
#endif

enum fc_exit {
	FC_EXIT_OK = 0,
	FC_EXIT_FAIL = 1,	/* an error (a usage error of run and version) */
	FC_EXIT_USAGE = 2,	/* a usage error of the group subcommands */
	FC_EXIT_UNAVAILABLE = 2,	/* the subcommand is not implemented yet */
};

int version_main(int argc, char *argv[]);
int run_main(int argc, char *argv[]);
int create_main(int argc, char *argv[]);
int delete_main(int argc, char *argv[]);
int set_main(int argc, char *argv[]);
int attach_main(int argc, char *argv[]);
int exec_main(int argc, char *argv[]);
int list_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);

struct fc_time;
/* The preload library to inject (absolute path), or NULL: see run.c. */
const char *fc_find_preload(const char *libpath);
/* Parses a --start DATE. Return: 0, or -EINVAL. */
int fc_parse_start(const char *s, struct fc_time *t);

#endif /* _FC_FLUXCTL_H */
