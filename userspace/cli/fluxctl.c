// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl's front door: the subcommand table, the usage text generated from
 * it, and dispatch. Subcommand names match exactly (no prefixes, which would
 * become an ABI). Each available subcommand lives in its own file and
 * handles its own options and --help; planned ones are listed as such and
 * refuse to run with exit status 2, rather than pretend to work.
 */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fluxctl.h"
#include "sigdisp.h"

static int help_main(int argc, char *argv[]);

/* Available subcommands parse their own options and print their own usage. */
#define AVAILABLE(name, fn, help)	{ name, fn, help, NULL, NULL }
#define PLANNED(name, help, synopsis, planned) \
	{ name, NULL, help, synopsis, planned }

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);	/* NULL: not implemented yet */
	const char *help;
	const char *synopsis;	/* planned ones only */
	const char *planned;	/* planned ones only: what brings it */
} subcommands[] = {
	AVAILABLE("version", version_main,
		  "Show the versions of fluxctl and of the loaded fluxcap module"),
	AVAILABLE("run", run_main, "Run commands under one new virtual clock"),
	AVAILABLE("help", help_main, "Show this help, or one subcommand's"),
	AVAILABLE("create", create_main, "Create a virtual-time group bound to a cgroup"),
	AVAILABLE("attach", attach_main, "Move processes into a group"),
	AVAILABLE("exec", exec_main, "Run a command inside an existing group"),
	AVAILABLE("list", list_main, "List the groups"),
	AVAILABLE("show", show_main, "Show a group's clocks, members and sleepers"),
	AVAILABLE("set", set_main,
		  "Freeze, thaw or advance a group's clock, or set its start"),
	AVAILABLE("monitor", monitor_main, "Stream clock events (jumps, idle-forever)"),
	AVAILABLE("delete", delete_main, "Delete a group"),
	AVAILABLE("oci-hook", oci_hook_main,
		  "OCI hook: put a container into the group its annotation names"),
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: fluxctl <subcommand> [<args>]\n"
	      "       fluxctl --help | --version\n"
	      "\n"
	      "Runs programs under virtual time.\n"
	      "\n"
	      "Available subcommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (subcommands[i].fn)
			fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].help);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!subcommands[i].fn)
			break;
	if (i < ARRAY_SIZE(subcommands))
		fputs("\nPlanned, not implemented yet (they exit with status 2):\n", f);
	for (; i < ARRAY_SIZE(subcommands); i++)
		if (!subcommands[i].fn)
			fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].help);
	fputs("\nUse 'fluxctl <subcommand> --help' or 'fluxctl help <subcommand>' for more.\n",
	      f);
}

static int find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(name, subcommands[i].name))
			return i;
	return -1;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* What a planned subcommand will do, for its --help; asking for help succeeds. */
static int planned_help(int i)
{
	printf("Usage: fluxctl %s\n\n%s.\n\nNot implemented yet (planned: %s).\n",
	       subcommands[i].synopsis, subcommands[i].help, subcommands[i].planned);
	return FC_EXIT_OK;
}

static int help_main(int argc, char *argv[])
{
	char *sub_argv[] = { NULL, "--help", NULL };
	int i;

	if (argc == 2 && is_help(argv[1])) {
		printf("Usage: fluxctl help [SUBCOMMAND]\n\n"
		       "Shows fluxctl's usage, or the usage of SUBCOMMAND.\n");
		return FC_EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "Usage: fluxctl help [SUBCOMMAND]\n");
		return FC_EXIT_FAIL;
	}
	if (argc == 1) {
		usage(stdout);
		return FC_EXIT_OK;
	}

	i = find(argv[1]);
	if (i < 0) {
		fprintf(stderr, "fluxctl: unknown subcommand '%s'\n\n", argv[1]);
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	if (!subcommands[i].fn)
		return planned_help(i);
	sub_argv[0] = (char *)subcommands[i].name;
	return subcommands[i].fn(2, sub_argv);
}

int main(int argc, char *argv[])
{
	int i;

	fc_sigdisp_save();
	if (argc < 2) {
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	if (is_help(argv[1])) {
		usage(stdout);
		return FC_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("fluxctl %s\n", FLUXCAP_VERSION);
		return FC_EXIT_OK;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "fluxctl: unknown option '%s'\n\n", argv[1]);
		usage(stderr);
		return FC_EXIT_FAIL;
	}

	i = find(argv[1]);
	if (i < 0) {
		fprintf(stderr, "fluxctl: unknown subcommand '%s'\n\n", argv[1]);
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	if (!subcommands[i].fn) {
		if (argc == 3 && is_help(argv[2]))
			return planned_help(i);
		fprintf(stderr, "fluxctl: '%s' is not implemented yet (planned: %s)\n",
			subcommands[i].name, subcommands[i].planned);
		return FC_EXIT_UNAVAILABLE;
	}
	fc_exit(subcommands[i].fn(argc - 1, argv + 1));
}
