/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fluxctl's subcommands (and fluxcapacitor) share: the subcommands'
 * entry points, called from the table in fluxctl.c with argv[0] set to the
 * subcommand's name, the exit statuses (exit.h), and the version string.
 */
#ifndef _FC_FLUXCTL_H
#define _FC_FLUXCTL_H

#include "exit.h"

/* The Makefile passes the exact version (scripts/version.sh). */
#ifndef FLUXCAP_VERSION
#define FLUXCAP_VERSION "unknown"
#endif

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
int oci_hook_main(int argc, char *argv[]);

#endif /* _FC_FLUXCTL_H */
