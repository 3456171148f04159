// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl list and show: the groups as a table, one group in full, or
 * either as JSON. Reading needs no privilege. An attribute the module did
 * not send shows as "-" (JSON null), so an older module still lists.
 */

#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "duration.h"
#include "fluxctl.h"
#include "group.h"
#include "json.h"
#include "usage.h"

#define HAS(g, a) fc_group_has(g, FLUXCAP_A_GROUP_##a)

/* "auto,frozen,owns-cgroup,transient", or "-" for none. */
static char *flag_words(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 flags & FLUXCAP_GROUP_F_AUTO ? ",auto" : "",
		 flags & FLUXCAP_GROUP_F_FROZEN ? ",frozen" : "",
		 flags & FLUXCAP_GROUP_F_OWNS_CGROUP ? ",owns-cgroup" : "",
		 flags & FLUXCAP_GROUP_F_TRANSIENT ? ",transient" : "");
	if (!buf[0])
		snprintf(buf, len, ",-");
	return buf + 1;
}

/* ns since the epoch as "2000-01-01T00:00:00.000000000Z". */
static char *iso_utc(int64_t ns, char *buf, size_t len)
{
	int64_t sec = ns / 1000000000, nsec = ns % 1000000000;
	time_t t;
	struct tm tm;
	char date[40];

	if (nsec < 0) {
		sec--;
		nsec += 1000000000;
	}
	t = sec;
	if (!gmtime_r(&t, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(date, sizeof(date), "@%" PRId64, sec);
	snprintf(buf, len, "%s.%09" PRId64 "Z", date, nsec);
	return buf;
}

static void list_usage(FILE *f)
{
	fputs("Usage: fluxctl list [-j|--json] [-q|--quiet]\n"
	      "\n"
	      "Lists the groups: NAME ID MEMBERS SLEEPERS JUMPS OFFSET FLAGS CGROUP.\n"
	      "OFFSET is how far virtual time is ahead of the host's. Needs no privilege.\n"
	      "\n"
	      "  -j, --json    one JSON array of objects, with the keys of `show --json`\n"
	      "  -q, --quiet   the names only, one per line, no header (for scripts)\n"
	      "  -h, --help    show this help\n", f);
}

static void show_usage(FILE *f)
{
	fputs("Usage: fluxctl show NAME [-j|--json]\n"
	      "\n"
	      "Shows everything about the group NAME: its cgroup, flags, virtual clocks\n"
	      "(MONOTONIC and BOOTTIME in seconds, REALTIME as a UTC date), how far ahead\n"
	      "of the host it is, members, sleepers, jumps, the total jumped, and how many\n"
	      "times every member waited with no timeout (idle forever), what holds it\n"
	      "(holds, held, external, held by), and the processes in its cgroup and the\n"
	      "cgroups below it (pid, name, cgroup below the group's). Needs no privilege;\n"
	      "the cgroup and the processes show when the caller may see the cgroup.\n"
	      "\n"
	      "  -j, --json   one JSON object; times in ns (keys ending in _ns)\n"
	      "  -h, --help   show this help\n", f);
}

/* Text shows this many processes, then how many more (JSON has them all). */
#define SHOW_PROCS_MAX 64

struct procs_state {
	struct fc_json *j;	/* NULL for text */
	const char *cgroup;	/* the group's, as the module reports it */
	unsigned int count;
};

/* /proc/PID/comm, or "?" for a process gone meanwhile. */
static const char *comm_of(pid_t pid, char *buf, size_t len)
{
	char path[40];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int show_proc(pid_t pid, const char *rel, void *arg)
{
	struct procs_state *s = arg;
	char comm[32], cg[4200];

	if (pid <= 0)	/* outside the caller's pid namespace */
		return 0;
	s->count++;
	if (s->j) {
		/* "/" + "/ctr" is "/ctr" */
		snprintf(cg, sizeof(cg), "%s%s",
			 strcmp(s->cgroup, "/") || !rel[0] ? s->cgroup : "", rel);
		fc_json_open(s->j, NULL, '{');
		fc_json_u64(s->j, "pid", (uint64_t)pid);
		fc_json_str(s->j, "comm", comm_of(pid, comm, sizeof(comm)));
		fc_json_str(s->j, "cgroup", cg);
		fc_json_close(s->j, '}');
	} else if (s->count <= SHOW_PROCS_MAX) {
		printf("    %7d %-16s %s\n", (int)pid, comm_of(pid, comm, sizeof(comm)),
		       rel[0] ? rel + 1 : ".");
	}
	return 0;
}

/*
 * The processes of the group's cgroup tree, read from cgroup.procs: what
 * the module counts as members (it counts threads), by pid and name.
 * Nothing (text "-", JSON null) when the cgroup is not shown to the caller
 * or cannot be read.
 */
static void show_procs(const struct fc_group_info *g, struct fc_json *j)
{
	struct procs_state s = { .j = j, .cgroup = g->cgroup_path };
	char dir[4096], procs[4200];
	bool readable;

	readable = HAS(g, CGROUP_PATH) &&
		   !fc_cgroup_dir(g->cgroup_path, dir, sizeof(dir)) &&
		   snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) < (int)sizeof(procs) &&
		   access(procs, R_OK) == 0 && access(dir, R_OK | X_OK) == 0;
	if (j) {
		if (!readable) {
			fc_json_null(j, "processes");
			return;
		}
		fc_json_open(j, "processes", '[');
		fc_cgroup_each_proc(dir, show_proc, &s);
		fc_json_close(j, ']');
		return;
	}
	if (!readable) {
		printf("  %-14s -\n", "processes:");
		return;
	}
	printf("  %-14s (pid, name, cgroup below %s)\n", "processes:", g->cgroup_path);
	fc_cgroup_each_proc(dir, show_proc, &s);
	if (!s.count)
		printf("    none\n");
	else if (s.count > SHOW_PROCS_MAX)
		printf("    ... and %u more (show -j lists them all)\n",
		       s.count - SHOW_PROCS_MAX);
}

/* One group as a JSON object; with its processes for show (not list). */
static void json_group(struct fc_json *j, const struct fc_group_info *g,
		       bool procs)
{
	char buf[80];

#define U(key, a, f) do {				\
		if (HAS(g, a))				\
			fc_json_u64(j, key, g->f);	\
		else					\
			fc_json_null(j, key);		\
	} while (0)
#define S(key, a, f) do {				\
		if (HAS(g, a))				\
			fc_json_s64(j, key, g->f);	\
		else					\
			fc_json_null(j, key);		\
	} while (0)
	fc_json_open(j, NULL, '{');
	fc_json_str(j, "name", g->name);
	U("id", ID, id);
	if (HAS(g, CGROUP_PATH))
		fc_json_str(j, "cgroup", g->cgroup_path);
	else
		fc_json_null(j, "cgroup");
	U("cgroup_id", CGROUP_ID, cgroup_id);
	if (HAS(g, FLAGS)) {
		fc_json_open(j, "flags", '[');
		if (g->flags & FLUXCAP_GROUP_F_AUTO)
			fc_json_str(j, NULL, "auto");
		if (g->flags & FLUXCAP_GROUP_F_FROZEN)
			fc_json_str(j, NULL, "frozen");
		if (g->flags & FLUXCAP_GROUP_F_OWNS_CGROUP)
			fc_json_str(j, NULL, "owns-cgroup");
		if (g->flags & FLUXCAP_GROUP_F_TRANSIENT)
			fc_json_str(j, NULL, "transient");
		fc_json_close(j, ']');
	} else {
		fc_json_null(j, "flags");
	}
	S("mono_ns", MONO_NS, mono_ns);
	S("boot_ns", BOOT_NS, boot_ns);
	S("real_ns", REAL_NS, real_ns);
	if (HAS(g, REAL_NS))
		fc_json_str(j, "real", iso_utc(g->real_ns, buf, sizeof(buf)));
	else
		fc_json_null(j, "real");
	S("offset_ns", OFFSET_NS, offset_ns);
	S("real_shift_ns", REAL_SHIFT_NS, real_shift_ns);
	U("members", MEMBERS, members);
	U("sleepers", SLEEPERS, sleepers);
	U("jumps", JUMPS, jumps);
	U("jumped_ns", JUMPED_NS, jumped_ns);
	U("idle_forever", IDLE_FOREVER, idle_forever);
	U("holds", HOLDS, holds);
	U("held", HELD, held);
	if (HAS(g, EXTERNAL))
		fc_json_str(j, "external", fc_external_name(g->external));
	else
		fc_json_null(j, "external");
	if (HAS(g, HELD_BY))
		fc_json_str(j, "held_by", g->held_by);
	else
		fc_json_null(j, "held_by");
	if (HAS(g, LAST_CHECK))
		fc_json_str(j, "last_check", g->last_check);
	else
		fc_json_null(j, "last_check");
	U("checks", CHECKS, checks);
	U("checks_busy", CHECKS_BUSY, checks_busy);
	U("checks_again", CHECKS_AGAIN, checks_again);
	U("instant", INSTANT, instant);
	U("instant_busy", INSTANT_BUSY, instant_busy);
	U("instant_other", INSTANT_OTHER, instant_other);
	if (procs)
		show_procs(g, j);
	fc_json_close(j, '}');
#undef U
#undef S
}

struct list_state {
	struct fc_json j;
	bool json;
	bool quiet;
	int count;
};

/* A u64 column, or "-" when the module did not send it. */
static const char *col(const struct fc_group_info *g, int attr, uint64_t v,
		       char *buf, size_t len)
{
	if (!fc_group_has(g, attr))
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static int list_one(const struct fc_group_info *g, void *arg)
{
	char id[24], mem[24], slp[24], jmp[24], off[64], fl[64];
	struct list_state *s = arg;

	s->count++;
	if (s->json) {
		json_group(&s->j, g, false);
		return 0;
	}
	if (s->quiet) {
		printf("%s\n", g->name);
		return 0;
	}
	printf("%-20s %6s %7s %8s %8s %16s %-18s %s\n", g->name,
	       col(g, FLUXCAP_A_GROUP_ID, g->id, id, sizeof(id)),
	       col(g, FLUXCAP_A_GROUP_MEMBERS, g->members, mem, sizeof(mem)),
	       col(g, FLUXCAP_A_GROUP_SLEEPERS, g->sleepers, slp, sizeof(slp)),
	       col(g, FLUXCAP_A_GROUP_JUMPS, g->jumps, jmp, sizeof(jmp)),
	       HAS(g, OFFSET_NS) ? fc_duration_format(g->offset_ns, off, sizeof(off)) : "-",
	       HAS(g, FLAGS) ? flag_words(g->flags, fl, sizeof(fl)) : "-",
	       HAS(g, CGROUP_PATH) ? g->cgroup_path : "-");
	return 0;
}

/* The options of list (-j, -q) and show (-j; quiet is NULL). */
static int parse_json_opt(int argc, char *argv[], void (*usage)(FILE *f),
			  bool *json, bool *quiet)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, quiet ? "jqh" : "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'q':
			if (quiet) {
				*quiet = true;
				break;
			}
			return fc_usage_error(argv[0], usage, "unknown option '%s'",
					      argv[optind - 1]);
		case 'h':
			usage(stdout);
			return FC_EXIT_OK;
		default:
			return fc_usage_error(argv[0], usage, "unknown option '%s'",
					      argv[optind - 1]);
		}
	}
	return -1;
}

static int finish(const char *sub)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "fluxctl %s: cannot write to stdout: %m\n", sub);
		return FC_EXIT_FAIL;
	}
	return FC_EXIT_OK;
}

int list_main(int argc, char *argv[])
{
	struct list_state s = { .json = false };
	struct fc_nl nl;
	int ret;

	ret = parse_json_opt(argc, argv, list_usage, &s.json, &s.quiet);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return fc_usage_error("list", list_usage, "unexpected argument '%s'",
				      argv[optind]);
	if (s.json && s.quiet)
		return fc_usage_error("list", list_usage, "-j and -q do not go together");
	ret = fc_group_connect("list", &nl);
	if (ret)
		return ret;
	fc_json_init(&s.j, stdout);
	if (s.json)
		fc_json_open(&s.j, NULL, '[');
	else if (!s.quiet)
		printf("%-20s %6s %7s %8s %8s %16s %-18s %s\n", "NAME", "ID", "MEMBERS",
		       "SLEEPERS", "JUMPS", "OFFSET", "FLAGS", "CGROUP");
	ret = fc_nl_group_dump(&nl, list_one, &s);
	if (s.json)
		fc_json_close(&s.j, ']');
	if (ret)
		ret = fc_group_error("list", &nl, NULL, ret);
	fc_nl_close(&nl);
	return ret ? ret : finish("list");
}

static void show_text(const struct fc_group_info *g)
{
	char buf[80];

#define LINE(label, a, fmt, ...) do { \
		if (HAS(g, a)) \
			printf("  %-14s " fmt "\n", label ":", __VA_ARGS__); \
		else \
			printf("  %-14s -\n", label ":"); \
	} while (0)
	printf("group %s\n", g->name);
	LINE("id", ID, "%" PRIu32, g->id);
	LINE("cgroup", CGROUP_PATH, "%s", g->cgroup_path);
	LINE("cgroup id", CGROUP_ID, "%" PRIu64, g->cgroup_id);
	LINE("flags", FLAGS, "%s", flag_words(g->flags, buf, sizeof(buf)));
	LINE("monotonic", MONO_NS, "%s", fc_ns_seconds(g->mono_ns, buf, sizeof(buf)));
	LINE("boottime", BOOT_NS, "%s", fc_ns_seconds(g->boot_ns, buf, sizeof(buf)));
	LINE("realtime", REAL_NS, "%s", iso_utc(g->real_ns, buf, sizeof(buf)));
	/* negative once a freeze outlasted the jumps */
	LINE("offset", OFFSET_NS, "%s%s", g->offset_ns < 0 ? "" : "+",
	     fc_duration_format(g->offset_ns, buf, sizeof(buf)));
	LINE("realtime shift", REAL_SHIFT_NS, "%s",
	     fc_duration_format(g->real_shift_ns, buf, sizeof(buf)));
	LINE("members", MEMBERS, "%" PRIu32, g->members);
	LINE("sleepers", SLEEPERS, "%" PRIu32, g->sleepers);
	LINE("jumps", JUMPS, "%" PRIu64, g->jumps);
	LINE("jumped", JUMPED_NS, "%s",
	     fc_duration_format((int64_t)(g->jumped_ns > INT64_MAX ? INT64_MAX : g->jumped_ns),
				buf, sizeof(buf)));
	LINE("idle forever", IDLE_FOREVER, "%" PRIu64, g->idle_forever);
	/* Slow and correct: what keeps a quiet group from jumping. */
	LINE("holds", HOLDS, "%" PRIu32 " (timers and waits it cannot move)",
	     g->holds);
	LINE("held", HELD, "%" PRIu64 " (quiet, but held)", g->held);
	LINE("external", EXTERNAL, "%s (peers outside the group)",
	     fc_external_name(g->external));
	/* What held it at the last quiet check, when something did. */
	if (HAS(g, HELD_BY) && g->held_by[0])
		printf("  %-14s %s\n", "held by:", g->held_by);
	/* Why jumps came late, when they did. */
	LINE("checks", CHECKS, "%" PRIu64 " (%" PRIu64
	     " found a member not blocked, %" PRIu64 " asked to look again)",
	     g->checks, g->checks_busy, g->checks_again);
	if (HAS(g, LAST_CHECK) && g->last_check[0])
		printf("  %-14s %s\n", "last check:", g->last_check);
	LINE("instant", INSTANT, "%" PRIu64 " (ended at once; %" PRIu64
	     " could not: a member ran, %" PRIu64 " for another reason)",
	     g->instant, g->instant_busy, g->instant_other);
#undef LINE
}

int show_main(int argc, char *argv[])
{
	struct fc_group_info g;
	struct fc_json j;
	bool json = false;
	struct fc_nl nl;
	int ret;

	ret = parse_json_opt(argc, argv, show_usage, &json, NULL);
	if (ret >= 0)
		return ret;
	if (optind >= argc)
		return fc_usage_error("show", show_usage, "missing NAME");
	if (optind + 1 < argc)
		return fc_usage_error("show", show_usage, "unexpected argument '%s'",
				      argv[optind + 1]);
	ret = fc_check_name("show", show_usage, argv[optind]);
	if (ret)
		return ret;
	ret = fc_group_connect("show", &nl);
	if (ret)
		return ret;
	ret = fc_nl_group_get(&nl, argv[optind], &g);
	if (ret) {
		ret = fc_group_error("show", &nl, argv[optind], ret);
		fc_nl_close(&nl);
		return ret;
	}
	fc_nl_close(&nl);
	if (json) {
		fc_json_init(&j, stdout);
		json_group(&j, &g, true);
	} else {
		show_text(&g);
		show_procs(&g, NULL);
	}
	return finish("show");
}
