// SPDX-License-Identifier: GPL-2.0
/*
 * `fluxctl run`: runs commands side by side under one new virtual clock.
 * Parses its options, chooses the mode (the one place that does: kernel
 * mode needs the module and CAP_NET_ADMIN, ptrace mode works anywhere),
 * and hands over to kernel/kernel_run.c or to the ptrace supervisor.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "date.h"
#include "fluxctl.h"
#include "group.h"
#include "kernel_run.h"
#include "preload.h"
#include "tracer.h"

static void usage(FILE *f)
{
	fputs("Usage: fluxctl run [OPTIONS] -- CMD [ARGS] [-- CMD2 [ARGS]]...\n"
	      "\n"
	      "Runs the commands side by side under one new virtual clock: whenever\n"
	      "every task is blocked waiting on a timeout, time jumps to the earliest\n"
	      "timeout, which fires at once. Clock reads show virtual time.\n"
	      "\n"
	      "Options:\n"
	      "  --mode MODE        auto (default), kernel or ptrace. auto picks kernel mode\n"
	      "                     when the fluxcap module is loaded and fluxctl may create\n"
	      "                     groups (CAP_NET_ADMIN), else ptrace\n"
	      "  --start DATE       virtual CLOCK_REALTIME starts at DATE: @EPOCH[.FRAC],\n"
	      "                     YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (local time) or\n"
	      "                     YYYY-MM-DDTHH:MM[:SS]Z (UTC)\n"
	      "  --external hold|ignore\n"
	      "                     kernel mode: a command waiting on a socket whose peer is\n"
	      "                     not one of the commands holds the clock (hold, the\n"
	      "                     default) or not (ignore); ptrace mode always ignores\n"
	      "  --libpath DIR      directory holding " FC_PRELOAD_NAME "\n"
	      "                     (default: $FLUXCAP_PRELOAD, else next to fluxctl\n"
	      "                      or in its ../lib/<triplet>/)\n"
	      "  --output FILE      write the -v log to FILE instead of stderr\n"
	      "  -v, --verbose      the mode chosen; in ptrace mode also one line per\n"
	      "                     intercepted time syscall and per jump\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: the first non-zero exit status of the commands in command-line\n"
	      "order (127 when a command cannot be run, 128+N when killed by signal N:\n"
	      "fluxctl then dies of signal N itself), else 0; 1 for a usage error.\n", f);
}

/*
 * Kernel mode, when asked for or when auto finds it usable. Return: 0 when
 * the commands ran (*status set), -1 on an error (said), 1 to go on in
 * ptrace mode.
 */
static int run_kernel(const struct fc_trace_opts *o, const struct fc_cmdlist *list,
		      const char *mode, int external, int *status)
{
	struct fc_kernel_run_opts k = {
		.cmds = list->cmds, .ncmds = list->ncmds, .preload = o->preload,
		.start_ns = -1, .verbose = o->verbose, .log = o->log,
		.external = external,
	};
	bool forced = !strcmp(mode, "kernel");
	s64 ns;

	if (!forced && !fc_kernel_usable())
		return 1;
	if (o->has_start && !fc_time_to_ns(o->start, &ns))
		k.start_ns = ns;
	if (!fc_kernel_run(&k, status))
		return 0;
	if (forced)
		return -1;
	fprintf(stderr, "fluxctl run: going on in ptrace mode\n");
	return 1;
}

int run_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 's' },
		{ "external", required_argument, NULL, 'e' },
		{ "libpath", required_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fc_trace_opts o = { .log = stderr, .prog = "fluxctl" };
	const char *mode = "auto", *libpath = NULL, *output = NULL;
	struct fc_cmdlist list;
	char err[256];
	int c, ret, status = 0, external = -1;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mode = optarg;
			break;
		case 's':
			if (fc_parse_start(optarg, &o.start)) {
				fprintf(stderr, "fluxctl run: bad --start date '%s'\n\n", optarg);
				usage(stderr);
				return FC_EXIT_FAIL;
			}
			o.has_start = true;
			break;
		case 'e':
			if (fc_external_parse(optarg, &external)) {
				fprintf(stderr, "fluxctl run: --external takes 'hold' or 'ignore', not '%s'\n\n",
					optarg);
				usage(stderr);
				return FC_EXIT_FAIL;
			}
			break;
		case 'L':
			libpath = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return FC_EXIT_OK;
		default:
			fprintf(stderr, "fluxctl run: unknown or incomplete option '%s'\n\n",
				argv[optind - 1]);
			usage(stderr);
			return FC_EXIT_FAIL;
		}
	}
	/* getopt consumes the "--" that ends the options */
	if (optind < 2 || strcmp(argv[optind - 1], "--")) {
		fprintf(stderr, "fluxctl run: the command must follow '--'\n\n");
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	ret = fc_cmdline_split_cmds(argc - optind, argv + optind, &list, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fluxctl run: %s\n\n", ret == -EINVAL ? err : strerror(-ret));
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	if (strcmp(mode, "auto") && strcmp(mode, "ptrace") && strcmp(mode, "kernel")) {
		fprintf(stderr, "fluxctl run: unknown mode '%s' (auto, kernel or ptrace)\n\n", mode);
		usage(stderr);
		fc_cmdline_free_cmds(&list);
		return FC_EXIT_FAIL;
	}
	if (output) {
		o.log = fopen(output, "we");
		if (!o.log) {
			fprintf(stderr, "fluxctl run: cannot open '%s': %m\n", output);
			fc_cmdline_free_cmds(&list);
			return FC_EXIT_FAIL;
		}
	}
	o.preload = fc_find_preload(libpath);
	if (!o.preload && (libpath || o.verbose))
		fprintf(stderr, "fluxctl run: %s not found%s%s: time reads by system call in ptrace mode (slower), vDSO reads stay real in kernel mode\n",
			FC_PRELOAD_NAME, libpath ? " in " : "", libpath ? libpath : "");
	if (strcmp(mode, "ptrace")) {
		ret = run_kernel(&o, &list, mode, external, &status);
		if (ret <= 0) {
			fc_cmdline_free_cmds(&list);
			if (output)
				fclose(o.log);
			return ret ? FC_EXIT_FAIL : status;
		}
	}
	if (o.verbose)
		fprintf(o.log, "fluxctl: mode ptrace (%s)\n", !strcmp(mode, "auto") ?
			"kernel mode is not available" : "as asked");
	o.cmds = list.cmds;
	o.ncmds = list.ncmds;
	ret = fc_trace_run(&o, &status);
	fc_cmdline_free_cmds(&list);
	if (output)
		fclose(o.log);
	if (ret) {
		fprintf(stderr, "fluxctl run: %s\n", strerror(-ret));
		return FC_EXIT_FAIL;
	}
	return status;
}
