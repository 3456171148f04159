// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl version: the tool's version and, asked over generic netlink, the
 * loaded module's, or a plain line saying that the module is not loaded.
 * Both are normal outcomes (exit 0). A module built from another tree than
 * the tool gets a warning: it may speak another revision of the ABI.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/fluxcap.h>

#include "fluxctl.h"
#include "nl.h"
#include "print.h"

static void usage(FILE *f)
{
	fputs("Usage: fluxctl version [-j|--json] [-p|--pretty]\n"
	      "\n"
	      "Shows the version of fluxctl and, if the fluxcap module is loaded,\n"
	      "the module's version (asked over generic netlink). Warns on stderr\n"
	      "when the two differ.\n"
	      "\n"
	      "  -j, --json     print one JSON object: fluxctl_version, module_loaded,\n"
	      "                 module_version, versions_match (null when unknown)\n"
	      "  -p, --pretty   indent the JSON (implies --json)\n"
	      "  -h, --help     show this help\n",
	      f);
}

static const struct option options[] = {
	{ "json",	no_argument,	NULL, 'j' },
	{ "pretty",	no_argument,	NULL, 'p' },
	{ "help",	no_argument,	NULL, 'h' },
	{ NULL,		0,		NULL, 0 },
};

int version_main(int argc, char *argv[])
{
	bool json = false, pretty = false, match;
	char modver[256];
	uint32_t features = 0;
	int c, ret, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jph", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = true;
			pretty = true;
			break;
		case 'h':
			usage(stdout);
			return FC_EXIT_OK;
		default:
			fprintf(stderr, "fluxctl version: unknown option '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return FC_EXIT_FAIL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fluxctl version: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return FC_EXIT_FAIL;
	}

	ret = fc_nl_get_version(modver, sizeof(modver), &features);
	match = !ret && !strcmp(modver, FLUXCAP_VERSION);

	fc_print_begin(json, pretty);
	fc_print_string(PRINT_ANY, "fluxctl_version", "fluxctl %s\n", FLUXCAP_VERSION);
	if (!ret) {
		fc_print_bool(PRINT_JSON, "module_loaded", NULL, true);
		fc_print_string(PRINT_ANY, "module_version", "fluxcap.ko %s\n", modver);
		fc_print_bool(PRINT_JSON, "versions_match", NULL, match);
		fc_print_bool(PRINT_JSON, "module_vdso", NULL,
			      features & FLUXCAP_FEATURE_VDSO);
	} else {
		if (ret == -ENOENT)
			fc_print_bool(PRINT_JSON, "module_loaded", NULL, false);
		else
			fc_print_null("module_loaded");
		fc_print_null("module_version");
		fc_print_null("versions_match");
		fc_print_null("module_vdso");
	}
	if (ret == -ENOENT)
		fc_print_string(PRINT_FP, NULL, "%s\n",
				"fluxcap.ko: not loaded (kernel mode unavailable; load fluxcap.ko to enable it)");
	err = fc_print_end();
	if (err) {
		fprintf(stderr, "fluxctl version: cannot write to stdout: %s\n",
			strerror(-err));
		return FC_EXIT_FAIL;
	}

	if (ret && ret != -ENOENT) {
		fprintf(stderr, "fluxctl version: cannot ask fluxcap.ko for its version: %s\n",
			strerror(-ret));
		return FC_EXIT_FAIL;
	}
	if (!ret && !match)
		fprintf(stderr,
			"fluxctl: warning: fluxctl %s and fluxcap.ko %s differ; load the module built with this fluxctl\n",
			FLUXCAP_VERSION, modver);
	return FC_EXIT_OK;
}
