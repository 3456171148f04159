// SPDX-License-Identifier: GPL-2.0
/*
 * A signal sent to a process group is taken once by each process in it,
 * fluxctl's command included, though fluxctl (in the group too) passes
 * on the signals it gets. usage: groupsig SIGNUM CMD... runs CMD in a
 * process group of its own, with a pipe on its stdin; after 0.5 s (real
 * time) it sends SIGNUM to the group, 0.5 s later writes a line to the
 * pipe. "groupsig --count" is such a CMD: it counts SIGINT, SIGTERM,
 * SIGHUP and SIGUSR1 while it reads its line (saying "ready" on stderr
 * once it counts), then prints "caught N". The last line
 * is CMD's exit: "exit STATUS" or "signal N".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "prog.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	(void)sig;
	caught++;
}

static int count(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	char line[64];

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	fprintf(stderr, "ready\n");
	if (!fgets(line, sizeof(line), stdin))
		prog_fail("groupsig: no line read");
	printf("caught %d\n", (int)caught);
	return 0;
}

int main(int argc, char *argv[])
{
	struct timespec half = { 0, 500000000 };
	int p[2], status, sig;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "--count"))
		return count();
	if (argc < 3 || (sig = atoi(argv[1])) <= 0)
		prog_fail("usage: groupsig SIGNUM CMD... | groupsig --count");
	if (pipe(p))
		prog_fail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		prog_fail("fork: %s", strerror(errno));
	if (!pid) {
		setpgid(0, 0);
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	setpgid(pid, pid);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	nanosleep(&half, NULL);
	kill(-pid, sig);
	nanosleep(&half, NULL);
	if (write(p[1], "line\n", 5) != 5)
		prog_fail("groupsig: write: %s", strerror(errno));
	close(p[1]);
	if (waitpid(pid, &status, 0) != pid)
		prog_fail("waitpid: %s", strerror(errno));
	if (WIFEXITED(status))
		printf("exit %d\n", WEXITSTATUS(status));
	else
		printf("signal %d\n", WTERMSIG(status));
	return 0;
}
