// SPDX-License-Identifier: GPL-2.0
/*
 * fluxcapacitor: the command line of majek/fluxcapacitor, for scripts that
 * call it. Parses and validates the original's options and command list
 * (userspace/cmdline.c); running the commands needs the ptrace backend,
 * which is not there yet, so for now it says so and exits with status 2.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "fluxctl.h"

static void usage(FILE *f)
{
	fputs("Usage: fluxcapacitor [OPTIONS] -- CMD [ARGS] [-- CMD2 [ARGS]]...\n"
	      "\n"
	      "Runs the commands side by side under one virtual clock, like\n"
	      "majek/fluxcapacitor, whose options it accepts. Not implemented yet:\n"
	      "the commands are checked, then it exits with status 2.\n"
	      "\n"
	      "Options:\n"
	      "  --libpath=PATH   directory holding libfluxcap-preload.so\n"
	      "                   (default: next to this program)\n"
	      "  --output=FILE    write the -v log to FILE instead of stderr\n"
	      "  --signal=SIG     accepted for compatibility: fluxcapacitor interrupted\n"
	      "                   sleepers with SIG (default SIGURG); fluxcap will not\n"
	      "                   send programs a signal, so SIG is checked, then unused\n"
	      "  -v, --verbose    say more; repeat for debugging messages\n"
	      "  -h, --help       show this help\n"
	      "  --version        show the version\n"
	      "\n"
	      "Exit status: 1 on a usage error, 2 because running commands is not\n"
	      "implemented yet.\n",
	      f);
}

int main(int argc, char *argv[])
{
	struct fc_capacitor_opts opts;
	char err[256];
	int i, ret;

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

	if (opts.verbose) {
		fprintf(stderr, "fluxcapacitor: libpath=%s output=%s signal=%d, %d command(s):\n",
			opts.libpath ? opts.libpath : "(default)",
			opts.output ? opts.output : "(stderr)", opts.signo,
			opts.cmdlist.ncmds);
		for (i = 0; i < opts.cmdlist.ncmds; i++) {
			char **word;

			fprintf(stderr, "fluxcapacitor:   ");
			for (word = opts.cmdlist.cmds[i]; *word; word++)
				fprintf(stderr, " %s", *word);
			fputc('\n', stderr);
		}
	}
	fprintf(stderr,
		"fluxcapacitor: running commands is not implemented yet (planned: the ptrace backend, issue 3)\n");
	fc_cmdline_free_cmds(&opts.cmdlist);
	return FC_EXIT_UNAVAILABLE;
}
