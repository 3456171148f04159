// SPDX-License-Identifier: GPL-2.0
/*
 * fluxcapacitor: the command line of majek/fluxcapacitor, for scripts that
 * call it. Parses and validates the original's options and command list
 * (cmdline.c), then runs the commands with fluxctl's ptrace
 * supervisor, exactly as `fluxctl run --mode ptrace` does.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "fluxctl.h"
#include "preload.h"
#include "sigdisp.h"
#include "tracer.h"

static void usage(FILE *f)
{
	fputs("Usage: fluxcapacitor [OPTIONS] -- CMD [ARGS] [-- CMD2 [ARGS]]...\n"
	      "\n"
	      "Runs the commands side by side under one virtual clock, like\n"
	      "majek/fluxcapacitor, whose options it accepts: when every task is\n"
	      "blocked waiting on a timeout, time jumps to the earliest one.\n"
	      "\n"
	      "Options:\n"
	      "  --libpath=PATH   directory holding libfluxcap-preload.so\n"
	      "                   (default: $FLUXCAP_PRELOAD, else next to this program\n"
	      "                    or in its ../lib/<triplet>/)\n"
	      "  --output=FILE    write the -v log to FILE instead of stderr\n"
	      "  --signal=SIG     accepted for compatibility: fluxcapacitor interrupted\n"
	      "                   sleepers with SIG (default SIGURG); fluxcap will not\n"
	      "                   send programs a signal, so SIG is checked, then unused\n"
	      "  -v, --verbose    say more; repeat for debugging messages\n"
	      "  -h, --help       show this help\n"
	      "  --version        show the version\n"
	      "\n"
	      "Exit status: the first non-zero exit status of the commands in\n"
	      "command-line order (127: cannot run, 128+N: killed by signal N, and\n"
	      "then it dies of signal N itself), else 0; 1 on a usage error.\n",
	      f);
}

int main(int argc, char *argv[])
{
	struct fc_trace_opts o = { .log = stderr, .prog = "fluxcapacitor" };
	struct fc_capacitor_opts opts;
	char err[256];
	int ret, status = 0;

	fc_sigdisp_save();
	ret = fc_cmdline_parse_capacitor(argc, argv, &opts, err, sizeof(err));
	if (ret == -EINVAL) {
		fprintf(stderr, "fluxcapacitor: %s\n\n", err);
		usage(stderr);
		return FC_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "fluxcapacitor: %s\n", strerror(-ret));
		return FC_EXIT_FAIL;
	}
	if (opts.help) {
		usage(stdout);
		return FC_EXIT_OK;
	}
	if (opts.version) {
		printf("fluxcapacitor (fluxcap) %s\n", FLUXCAP_VERSION);
		return FC_EXIT_OK;
	}

	o.verbose = opts.verbose;
	o.cmds = opts.cmdlist.cmds;
	o.ncmds = opts.cmdlist.ncmds;
	o.preload = fc_find_preload(opts.libpath);
	if (!o.preload)
		fprintf(stderr, "fluxcapacitor: libfluxcap-preload.so not found%s%s: time reads go by system call (slower)\n",
			opts.libpath ? " in " : "", opts.libpath ? opts.libpath : "");
	if (opts.output) {
		o.log = fopen(opts.output, "we");
		if (!o.log) {
			fprintf(stderr, "fluxcapacitor: cannot open '%s': %s\n", opts.output,
				strerror(errno));
			fc_cmdline_free_cmds(&opts.cmdlist);
			return FC_EXIT_FAIL;
		}
	}
	if (opts.signo && opts.verbose)
		fprintf(o.log, "fluxcapacitor: --signal=%d accepted and unused: sleepers are woken with PTRACE_INTERRUPT, no signal\n",
			opts.signo);
	ret = fc_trace_run(&o, &status);
	if (opts.output)
		fclose(o.log);
	fc_cmdline_free_cmds(&opts.cmdlist);
	if (ret) {
		fprintf(stderr, "fluxcapacitor: %s\n", strerror(-ret));
		return FC_EXIT_FAIL;
	}
	fc_exit(status);
}
