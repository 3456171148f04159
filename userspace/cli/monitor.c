// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl monitor: streams the module's events (jumps, idle-forever,
 * deletions) from the "events" multicast group, one line each, flushed at
 * once so a pipe sees every line as it happens, until SIGINT or SIGTERM.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "duration.h"
#include "fluxctl.h"
#include "group.h"
#include "json.h"
#include "usage.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

static void monitor_usage(FILE *f)
{
	fputs("Usage: fluxctl monitor [NAME] [-j|--json]\n"
	      "\n"
	      "Prints the clock events of every group, or of group NAME only, as they\n"
	      "happen, one line each, until interrupted (SIGINT or SIGTERM):\n"
	      "\n"
	      "  12:00:01.123456 t: jump +1.000000000s woke pid 123 (now mono 3601.2s, jumps 5)\n"
	      "  12:00:01.123457 t: idle-forever (3 members)\n"
	      "  12:00:02.000000 t: deleted\n"
	      "\n"
	      "The time is the host's time of day. Needs no privilege. Shows the groups\n"
	      "created from this network namespace, and in the initial one every group.\n"
	      "\n"
	      "  -j, --json   one JSON object per line: time (host, UTC ISO 8601), event\n"
	      "               (jump, idle-forever, deleted), group, id, and per event\n"
	      "               jump_ns, pid, mono_ns, jumps, members, idle_forever\n"
	      "  -h, --help   show this help\n", f);
}

struct monitor {
	const char *name;	/* only this group's events, or NULL */
	bool json;
	struct fc_json j;
};

static const char *event_word(uint8_t cmd)
{
	switch (cmd) {
	case FLUXCAP_CMD_EVENT_JUMP:		return "jump";
	case FLUXCAP_CMD_EVENT_IDLE_FOREVER:	return "idle-forever";
	case FLUXCAP_CMD_EVENT_DELETED:		return "deleted";
	default:				return NULL;
	}
}

/* Seconds with trailing zeros trimmed: "3601.2", "5". */
static char *short_secs(int64_t ns, char *buf, size_t len)
{
	char *end;

	fc_ns_seconds(ns, buf, len);
	end = buf + strlen(buf);
	while (end[-1] == '0')
		*--end = '\0';
	if (end[-1] == '.')
		*--end = '\0';
	return buf;
}

static void print_text(const struct fc_group_info *e, const char *word)
{
	char clock[32], a[48], b[48];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	printf("%s.%06ld %s: %s", clock, (long)tv.tv_usec, e->name, word);
	if (e->cmd == FLUXCAP_CMD_EVENT_JUMP) {
		printf(" +%ss", fc_ns_seconds((int64_t)e->event_jump_ns, a, sizeof(a)));
		if (e->event_pid)
			printf(" woke pid %" PRIu32, e->event_pid);
		else
			printf(" woke nobody");
		printf(" (now mono %ss, jumps %" PRIu64 ")",
		       short_secs(e->mono_ns, b, sizeof(b)), e->jumps);
	} else if (e->cmd == FLUXCAP_CMD_EVENT_IDLE_FOREVER) {
		printf(" (%" PRIu32 " member%s)", e->members, e->members == 1 ? "" : "s");
	}
	putchar('\n');
}

static void print_json(struct fc_json *j, const struct fc_group_info *e,
		       const char *word)
{
	char stamp[64], date[40];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof(stamp), "%s.%09ldZ", date, ts.tv_nsec);

	fc_json_open(j, NULL, '{');
	fc_json_str(j, "time", stamp);
	fc_json_str(j, "event", word);
	fc_json_str(j, "group", e->name);
	fc_json_u64(j, "id", e->id);
	if (e->cmd == FLUXCAP_CMD_EVENT_JUMP) {
		fc_json_u64(j, "jump_ns", e->event_jump_ns);
		fc_json_u64(j, "pid", e->event_pid);
		fc_json_s64(j, "mono_ns", e->mono_ns);
		fc_json_u64(j, "jumps", e->jumps);
	} else if (e->cmd == FLUXCAP_CMD_EVENT_IDLE_FOREVER) {
		fc_json_u64(j, "members", e->members);
		fc_json_u64(j, "idle_forever", e->idle_forever);
	}
	fc_json_close(j, '}');
}

static int on_event(const struct fc_group_info *e, void *arg)
{
	struct monitor *m = arg;
	const char *word = event_word(e->cmd);

	/* Events added by later versions are skipped, as the ABI asks. */
	if (!word || (m->name && strcmp(m->name, e->name)))
		return 0;
	if (m->json)
		print_json(&m->j, e, word);
	else
		print_text(e, word);
	if (fflush(stdout) == EOF)
		return -errno;
	return 0;
}

/* Receives until a stop signal; the signals are blocked but in ppoll(). */
static int stream(struct fc_nl *nl, struct monitor *m, const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = fc_nl_events_fd(nl), .events = POLLIN };
	int ret;

	while (!stop) {
		ret = ppoll(&pfd, 1, NULL, waitmask);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		do {
			ret = fc_nl_events_read(nl, on_event, m);
			if (ret == -ENOBUFS) {
				fprintf(stderr, "fluxctl monitor: events were lost (too many at once)\n");
				ret = 0;
			}
		} while (!ret && !stop);
		if (ret != -EAGAIN && ret != -EINTR)
			return ret;
	}
	return 0;
}

int monitor_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { .name = NULL };
	struct sigaction sa;
	sigset_t set, old;
	struct fc_nl nl;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			m.json = true;
			break;
		case 'h':
			monitor_usage(stdout);
			return FC_EXIT_OK;
		default:
			return fc_usage_error("monitor", monitor_usage,
					      "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return fc_usage_error("monitor", monitor_usage,
				      "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		m.name = argv[optind];
		ret = fc_check_name("monitor", monitor_usage, m.name);
		if (ret)
			return ret;
	}
	ret = fc_group_connect("monitor", &nl);
	if (ret)
		return ret;
	ret = fc_nl_events_join(&nl);
	if (ret) {
		fprintf(stderr, "fluxctl monitor: cannot join the '%s' events group: %s\n",
			FLUXCAP_MCGRP_EVENTS_NAME, strerror(-ret));
		fc_nl_close(&nl);
		return FC_EXIT_FAIL;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Blocked except inside ppoll(): no signal slips in before it waits. */
	sigprocmask(SIG_BLOCK, &set, &old);
	fc_json_init(&m.j, stdout);

	ret = stream(&nl, &m, &old);
	fc_nl_close(&nl);
	if (ret) {
		fprintf(stderr, "fluxctl monitor: %s\n", strerror(-ret));
		return FC_EXIT_FAIL;
	}
	return FC_EXIT_OK;
}
