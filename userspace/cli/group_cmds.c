// SPDX-License-Identifier: GPL-2.0
/*
 * The subcommands that change groups: create, delete, set and attach.
 * Each parses its own arguments (usage errors exit 2 before anything is
 * sent), then makes one or two requests and says what went wrong.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "date.h"
#include "duration.h"
#include "fc_time.h"
#include "fluxctl.h"
#include "group.h"
#include "usage.h"

static void create_usage(FILE *f)
{
	fputs("Usage: fluxctl create NAME [--cgroup PATH] [--no-auto] [--start DATE]\n"
	      "                      [--external hold|ignore]\n"
	      "\n"
	      "Creates the virtual-time group NAME. Without --cgroup, fluxctl makes the\n"
	      "cgroup <cgroup2 mount>/" FC_CGROUP_PARENT "/NAME for it, which `fluxctl delete` removes.\n"
	      "Needs CAP_NET_ADMIN.\n"
	      "\n"
	      "  --cgroup PATH   bind an existing cgroup instead: a directory under the\n"
	      "                  cgroup2 mount (/sys/fs/cgroup/foo), or a path relative to it\n"
	      "  --no-auto       no automatic jumps; time moves with `fluxctl set NAME advance`\n"
	      "  --start DATE    virtual CLOCK_REALTIME starts at DATE: @EPOCH[.FRAC],\n"
	      "                  YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (local time) or\n"
	      "                  YYYY-MM-DDTHH:MM[:SS]Z (UTC)\n"
	      "  --external hold|ignore\n"
	      "                  a member waiting on a socket whose peer is not a member\n"
	      "                  holds the clock (hold, the default) or not (ignore)\n"
	      "  -h, --help      show this help\n", f);
}

/* DATE as ns since the epoch. Return: 0 or -EINVAL. */
static int start_ns_of(const char *date, int64_t *ns)
{
	struct fc_time t;
	s64 v;

	if (fc_parse_start(date, &t) || fc_time_to_ns(t, &v) || v < 0)
		return -EINVAL;
	*ns = v;
	return 0;
}

int create_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "cgroup", required_argument, NULL, 'c' },
		{ "no-auto", no_argument, NULL, 'n' },
		{ "start", required_argument, NULL, 's' },
		{ "external", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cgroup = NULL, *name;
	int external = -1;
	uint32_t flags = FLUXCAP_GROUP_F_AUTO;
	int64_t start = -1;
	struct fc_nl nl;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cgroup = optarg;
			break;
		case 'n':
			flags &= ~FLUXCAP_GROUP_F_AUTO;
			break;
		case 's':
			if (start_ns_of(optarg, &start))
				return fc_usage_error("create", create_usage,
						      "bad --start date '%s'", optarg);
			break;
		case 'e':
			if (fc_external_parse(optarg, &external))
				return fc_usage_error("create", create_usage,
						      "--external takes 'hold' or 'ignore', not '%s'",
						      optarg);
			break;
		case 'h':
			create_usage(stdout);
			return FC_EXIT_OK;
		case ':':
			return fc_usage_error("create", create_usage,
					      "option '%s' needs a value", argv[optind - 1]);
		default:
			return fc_usage_error("create", create_usage,
					      "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return fc_usage_error("create", create_usage, optind < argc ?
				      "one NAME only" : "missing NAME");
	name = argv[optind];
	ret = fc_check_name("create", create_usage, name);
	if (ret)
		return ret;
	if (cgroup && !*cgroup)
		return fc_usage_error("create", create_usage, "empty --cgroup");

	ret = fc_group_connect("create", &nl);
	if (ret)
		return ret;
	ret = fc_group_create("create", &nl, name, cgroup, flags, start,
			      external, NULL, 0);
	fc_nl_close(&nl);
	return ret;
}

static void delete_usage(FILE *f)
{
	fputs("Usage: fluxctl delete NAME\n"
	      "\n"
	      "Deletes the group NAME: its members leave virtual time, and sleepers keep\n"
	      "waiting in real time. The cgroup is removed too if fluxctl made it (create\n"
	      "without --cgroup), with the empty cgroups below it; if processes are still\n"
	      "in it, it stays, and fluxctl says so and exits 1. Needs CAP_NET_ADMIN.\n"
	      "\n"
	      "  -h, --help   show this help\n", f);
}

/* Parses "SUB [-h] NAME"; *name is set on success. Return: -1 or an exit status. */
static int name_only(int argc, char *argv[], void (*usage)(FILE *f),
		     const char **name)
{
	if (fc_wants_help(argc, argv)) {
		usage(stdout);
		return FC_EXIT_OK;
	}
	if (argc < 2)
		return fc_usage_error(argv[0], usage, "missing NAME");
	if (argv[1][0] == '-')
		return fc_usage_error(argv[0], usage, "unknown option '%s'", argv[1]);
	if (argc > 2)
		return fc_usage_error(argv[0], usage, "unexpected argument '%s'", argv[2]);
	*name = argv[1];
	return fc_check_name(argv[0], usage, *name) ?: -1;
}

int delete_main(int argc, char *argv[])
{
	const char *name = NULL;
	struct fc_nl nl;
	int ret;

	ret = name_only(argc, argv, delete_usage, &name);
	if (ret >= 0)
		return ret;
	ret = fc_group_connect("delete", &nl);
	if (ret)
		return ret;
	ret = fc_group_delete("delete", &nl, name, false);
	fc_nl_close(&nl);
	return ret;
}

static void set_usage(FILE *f)
{
	fputs("Usage: fluxctl set NAME freeze|thaw|advance DURATION|start DATE|auto on|off\n"
	      "                         |external hold|ignore\n"
	      "\n"
	      "Changes the group NAME's clock. Needs CAP_NET_ADMIN.\n"
	      "\n"
	      "  freeze             virtual time stands still\n"
	      "  thaw               virtual time runs again\n"
	      "  advance DURATION   jump forward now, waking every sleeper whose deadline\n"
	      "                     passes: 600s, 1.5h, 250ms, 10us, 7d, 1h30m, or a plain\n"
	      "                     number of seconds (units ns us ms s m h d)\n"
	      "  start DATE         virtual CLOCK_REALTIME reads DATE now (MONOTONIC stays):\n"
	      "                     @EPOCH[.FRAC], YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (local\n"
	      "                     time) or YYYY-MM-DDTHH:MM[:SS]Z (UTC)\n"
	      "  auto on|off        automatic jumps when every member is waiting\n"
	      "  external hold|ignore\n"
	      "                     whether a member waiting on a socket whose peer is not\n"
	      "                     a member holds the clock (time then runs at the real rate)\n"
	      "\n"
	      "  -h, --help         show this help\n", f);
}

/* The one attribute of a set verb. Return: 0 or FC_EXIT_USAGE. */
static int parse_set(int argc, char *argv[], int *attr, int64_t *value)
{
	const char *verb = argv[2], *arg = argc > 3 ? argv[3] : NULL;
	bool takes_arg;
	int ret, policy;

	if (strcmp(verb, "freeze") && strcmp(verb, "thaw") && strcmp(verb, "advance") &&
	    strcmp(verb, "start") && strcmp(verb, "auto") && strcmp(verb, "external"))
		return fc_usage_error("set", set_usage,
				      "unknown setting '%s' (freeze, thaw, advance, start, auto or external)",
				      verb);
	takes_arg = strcmp(verb, "freeze") && strcmp(verb, "thaw");
	if (takes_arg && !arg)
		return fc_usage_error("set", set_usage, "'%s' needs a value", verb);
	if (argc > (takes_arg ? 4 : 3))
		return fc_usage_error("set", set_usage, "unexpected argument '%s'",
				      argv[takes_arg ? 4 : 3]);

	if (!strcmp(verb, "freeze") || !strcmp(verb, "thaw")) {
		*attr = FLUXCAP_A_GROUP_FROZEN;
		*value = !strcmp(verb, "freeze");
	} else if (!strcmp(verb, "advance")) {
		*attr = FLUXCAP_A_GROUP_ADVANCE_NS;
		if (arg[0] == '-')
			return fc_usage_error("set", set_usage,
					      "negative duration '%s': time only moves forward", arg);
		ret = fc_duration_parse(arg, value);
		if (ret == -ERANGE)
			return fc_usage_error("set", set_usage,
					      "duration '%s' is too long (at most 106751d)", arg);
		if (ret)
			return fc_usage_error("set", set_usage,
					      "bad duration '%s' (like 600s, 1.5h, 250ms, 10us, 7d)", arg);
		if (!*value)
			return fc_usage_error("set", set_usage, "advance by 0 does nothing");
	} else if (!strcmp(verb, "start")) {
		*attr = FLUXCAP_A_GROUP_START_NS;
		if (start_ns_of(arg, value))
			return fc_usage_error("set", set_usage, "bad date '%s'", arg);
	} else if (!strcmp(verb, "external")) {
		*attr = FLUXCAP_A_GROUP_EXTERNAL;
		if (fc_external_parse(arg, &policy))
			return fc_usage_error("set", set_usage,
					      "external takes 'hold' or 'ignore', not '%s'", arg);
		*value = policy;
	} else {
		*attr = FLUXCAP_A_GROUP_AUTO;
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			return fc_usage_error("set", set_usage,
					      "auto takes 'on' or 'off', not '%s'", arg);
		*value = !strcmp(arg, "on");
	}
	return 0;
}

int set_main(int argc, char *argv[])
{
	struct fc_nl nl;
	int64_t value = 0;
	int attr = 0, ret;

	if (fc_wants_help(argc, argv)) {
		set_usage(stdout);
		return FC_EXIT_OK;
	}
	if (argc < 2)
		return fc_usage_error("set", set_usage, "missing NAME");
	if (argv[1][0] == '-')
		return fc_usage_error("set", set_usage, "unknown option '%s'", argv[1]);
	ret = fc_check_name("set", set_usage, argv[1]);
	if (ret)
		return ret;
	if (argc < 3)
		return fc_usage_error("set", set_usage,
				      "missing what to set (freeze, thaw, advance, start, auto or external)");
	ret = parse_set(argc, argv, &attr, &value);
	if (ret)
		return ret;

	ret = fc_group_connect("set", &nl);
	if (ret)
		return ret;
	ret = fc_nl_group_set(&nl, argv[1], attr, value, NULL);
	if (ret)
		ret = fc_group_error("set", &nl, argv[1], ret);
	fc_nl_close(&nl);
	return ret;
}

static void attach_usage(FILE *f)
{
	fputs("Usage: fluxctl attach NAME PID...\n"
	      "\n"
	      "Moves each whole process PID (every thread) into the group NAME, by writing\n"
	      "it to the cgroup.procs of the group's cgroup. Needs write access there.\n"
	      "Exits 1 if any PID could not be moved (each is reported).\n"
	      "\n"
	      "  -h, --help   show this help\n", f);
}

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > (1 << 22))
		return -EINVAL;
	*pid = v;
	return 0;
}

int attach_main(int argc, char *argv[])
{
	int fd, i, ret, status = FC_EXIT_OK;
	char dir[4200];
	struct fc_nl nl;
	pid_t pid;

	if (fc_wants_help(argc, argv)) {
		attach_usage(stdout);
		return FC_EXIT_OK;
	}
	if (argc < 2)
		return fc_usage_error("attach", attach_usage, "missing NAME");
	if (argv[1][0] == '-')
		return fc_usage_error("attach", attach_usage, "unknown option '%s'", argv[1]);
	ret = fc_check_name("attach", attach_usage, argv[1]);
	if (ret)
		return ret;
	if (argc < 3)
		return fc_usage_error("attach", attach_usage, "missing PID");
	for (i = 2; i < argc; i++)
		if (parse_pid(argv[i], &pid))
			return fc_usage_error("attach", attach_usage,
					      "not a process id: '%s'", argv[i]);

	ret = fc_group_connect("attach", &nl);
	if (ret)
		return ret;
	ret = fc_group_cgroup_dir("attach", &nl, argv[1], dir, sizeof(dir));
	fc_nl_close(&nl);
	if (ret)
		return ret;
	fd = fc_cgroup_procs_open(dir);
	if (fd < 0) {
		fprintf(stderr, "fluxctl attach: cannot open %s/cgroup.procs: %s\n",
			dir, strerror(-fd));
		return FC_EXIT_FAIL;
	}
	for (i = 2; i < argc; i++) {
		parse_pid(argv[i], &pid);
		ret = fc_cgroup_procs_write(fd, pid);
		if (!ret)
			continue;
		fprintf(stderr, "fluxctl attach: pid %d: %s\n", (int)pid,
			ret == -ESRCH ? "no such process" : strerror(-ret));
		status = FC_EXIT_FAIL;
	}
	close(fd);
	return status;
}
