// SPDX-License-Identifier: GPL-2.0
/*
 * A delayed echo over TCP on loopback: the server (a thread, or a forked
 * process) reads "SECONDS\n", sleeps that long (nanosleep), and replies
 * "done SECONDS\n". The client waits for each reply with poll() and a
 * timeout 1000 s longer than the delay, so the server's sleep is the earliest
 * deadline: the reply must come (poll returns 1, not 0) after at least the
 * delay, and not much later, on the virtual clock.
 *
 * usage: tcp_delay [thread|fork] [--slack=SEC] [SECONDS...]
 * Defaults: thread, delays 3600 1 60 0. Last line "ok tcp_delay ..." and exit 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "prog.h"

#define MAX_DELAYS 64
#define POLL_EXTRA_MS 1000000 /* the client's poll outlasts each delay by 1000 s */

static int listen_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		prog_fail("tcp_delay: server socket: %s", strerror(errno));
	return fd;
}

/* One line, up to '\n' (dropped); 0 at EOF before any byte. */
static size_t read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			prog_fail("tcp_delay: read: %s", strerror(errno));
		if (r == 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return n;
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			prog_fail("tcp_delay: write: %s", strerror(errno));
		s += w;
		len -= (size_t)w;
	}
}

static void serve(int lfd)
{
	char line[64], reply[96];
	int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		prog_fail("tcp_delay: accept: %s", strerror(errno));
	while (read_line(cfd, line, sizeof(line))) {
		struct timespec ts = prog_ns_ts(prog_parse_sec_or_die("server", line));

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		snprintf(reply, sizeof(reply), "done %s\n", line);
		write_all(cfd, reply);
	}
	close(cfd);
}

static void *server_thread(void *p)
{
	serve(*(int *)p);
	return NULL;
}

static bool request(int fd, const char *delay, __int128 slack)
{
	__int128 want = prog_parse_sec_or_die("delay", delay), t0, t1, r0, r1;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char line[96], expected[96];
	int r;

	if (want / 1000000 > 0x7fffffff - POLL_EXTRA_MS)
		prog_fail("tcp_delay: delay %s s too long for poll's timeout", delay);
	snprintf(line, sizeof(line), "%s\n", delay);
	t0 = prog_now(CLOCK_MONOTONIC);
	r0 = prog_now(CLOCK_REALTIME);
	write_all(fd, line);
	do
		r = poll(&pfd, 1, (int)(want / 1000000) + POLL_EXTRA_MS);
	while (r < 0 && errno == EINTR);
	t1 = prog_now(CLOCK_MONOTONIC);
	r1 = prog_now(CLOCK_REALTIME);
	if (r != 1) {
		printf("# delay %s: poll returned %d (%s) after %s s, want 1: the reply\n",
		       delay, r, r < 0 ? strerror(errno) : "timeout", prog_s(t1 - t0));
		return false;
	}
	read_line(fd, line, sizeof(line));
	snprintf(expected, sizeof(expected), "done %s", delay);
	if (strcmp(line, expected)) {
		printf("# delay %s: reply '%s', want '%s'\n", delay, line, expected);
		return false;
	}
	printf("# delay %s: reply after monotonic %s s, realtime %s s\n", delay, prog_s(t1 - t0),
	       prog_s(r1 - r0));
	return prog_elapsed_ok(delay, "monotonic", t1 - t0, want, 0, slack) &
	       prog_elapsed_ok(delay, "realtime", r1 - r0, want, 10000000 + want / 1000, slack);
}

int main(int argc, char **argv)
{
	const char *defaults[] = { "3600", "1", "60", "0" }, *delays[MAX_DELAYS];
	__int128 slack = 5 * PROG_NSEC, total = 0, t0;
	bool forked = false, ok = true;
	struct sockaddr_in addr;
	size_t n = 0, i;
	pthread_t th;
	pid_t pid = -1;
	int a, lfd, fd, status = 0;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "fork"))
			forked = true;
		else if (!strcmp(argv[a], "thread"))
			forked = false;
		else if (!strncmp(argv[a], "--slack=", 8))
			slack = prog_parse_sec_or_die("--slack", argv[a] + 8);
		else if (prog_parse_sec(argv[a]) >= 0 && n < MAX_DELAYS)
			delays[n++] = argv[a];
		else
			prog_fail("usage: tcp_delay [thread|fork] [--slack=SEC] [SECONDS...]");
	}
	if (!n)
		for (; n < PROG_ARRAY_SIZE(defaults); n++)
			delays[n] = defaults[n];

	lfd = listen_loopback(&addr);
	if (forked) {
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			prog_fail("tcp_delay: fork: %s", strerror(errno));
		if (pid == 0) {
			serve(lfd);
			_exit(0);
		}
	} else if (pthread_create(&th, NULL, server_thread, &lfd)) {
		prog_fail("tcp_delay: pthread_create failed");
	}

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		prog_fail("tcp_delay: connect: %s", strerror(errno));
	t0 = prog_now(CLOCK_MONOTONIC);
	for (i = 0; i < n; i++) {
		ok &= request(fd, delays[i], slack);
		total += prog_parse_sec(delays[i]);
	}
	t0 = prog_now(CLOCK_MONOTONIC) - t0;
	close(fd);
	if (forked) {
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			prog_fail("tcp_delay: the server process failed (status 0x%x)", status);
	} else {
		pthread_join(th, NULL);
	}
	if (!ok)
		prog_fail("tcp_delay %s: a reply came too early, too late or wrong",
			  forked ? "fork" : "thread");
	printf("ok tcp_delay %s requests=%zu virtual=%s delays=%s\n", forked ? "fork" : "thread",
	       n, prog_s(t0), prog_s(total));
	return 0;
}
