// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads of bench/run.sh, one per argument:
 *   sleeps N US        N nanosleeps of US microseconds each
 *   clock N            N clock_gettime(CLOCK_MONOTONIC) calls (vDSO)
 *   clock-sys N        N raw clock_gettime syscalls
 *   walk DIR [PASSES]  stat every file under DIR and read its first 4 KiB,
 *                      PASSES times (default 1)
 *   mktree DIR N       create N files of 4 KiB under DIR (100 a directory)
 *   jumps N REPS US BUDGET [WARMUP [poll]]
 *                      jump latency: N-1 threads sleep 10^6 s while the main
 *                      thread sleeps US microseconds REPS times (stopping
 *                      early after BUDGET TSC ticks), after WARMUP (default
 *                      3) unmeasured sleeps; prints each sleep's real
 *                      duration in ticks. With "poll" the main thread waits
 *                      in poll() (milliseconds) instead of nanosleep()
 *   timerfd N US       a periodic timerfd (CLOCK_MONOTONIC, every US
 *                      microseconds) read in an epoll loop until it has
 *                      ticked N times (expirations, overruns included)
 *   timerfd-reads N    the same loop for N reads of a timerfd that is
 *                      always due (1 ns period): the syscalls of N ticks
 *                      without ever blocking, the floor of "timerfd"
 *   trap-floor N [one-cpu]
 *                      natively only: N getppid() calls, each stopped by a
 *                      seccomp filter (SECCOMP_RET_TRACE) and resumed by a
 *                      tracer that does nothing else: what one stop and
 *                      resume cost, the least any ptrace supervisor pays
 *                      per wait it ends. one-cpu: both on the CPU it
 *                      started on (no cross-CPU wake-ups)
 *   tsc-hz             the TSC's ticks per second, against CLOCK_MONOTONIC
 *                      (run it natively: under fluxcap every clock is virtual)
 *
 * Each workload but tsc-hz and jumps prints "CHECKSUM TICKS": a checksum, so
 * the work cannot be optimised away, and the work's duration in TSC ticks.
 * The TSC is read with rdtsc, which no mode of fluxcap virtualises (under
 * QEMU's TCG it is the host's TSC), so the duration is real time even where
 * every clock is virtual. jumps prints "ticks T1 T2 ...", then
 * "virtual_min_ns V" (the smallest virtual time one sleep took: at least
 * US*1000 when time is virtual or real) and "threads_asleep K".
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long sum;

#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t ticks(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}
#else
/* No TSC: real time from the raw syscall (virtual under fluxcap!). */
static inline uint64_t ticks(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
#endif

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char buf[4096];
	ssize_t n;
	int fd;

	(void)ftw;
	sum += (unsigned long long)st->st_size;
	if (type != FTW_F)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		sum += (unsigned char)buf[0];
	close(fd);
	return 0;
}

static int mktree(const char *dir, long n)
{
	char path[4096], buf[4096];
	long i;
	int fd;

	memset(buf, 'x', sizeof(buf));
	if (mkdir(dir, 0755) && errno != EEXIST)
		return perror(dir), 1;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/d%ld", dir, i / 100);
		if (i % 100 == 0 && mkdir(path, 0755) && errno != EEXIST)
			return perror(path), 1;
		snprintf(path, sizeof(path), "%s/d%ld/f%ld", dir, i / 100, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return perror(path), 1;
		close(fd);
	}
	return 0;
}

static int asleep;	/* long sleepers about to sleep */

static void *long_sleeper(void *arg)
{
	struct timespec req = { 1000000, 0 };

	(void)arg;
	__atomic_add_fetch(&asleep, 1, __ATOMIC_SEQ_CST);
	for (;;)
		nanosleep(&req, NULL);
	return NULL;
}

/* The main thread's timed wait in jumps. */
static void jump_wait(const struct timespec *req, long us, int use_poll)
{
	if (use_poll)
		poll(NULL, 0, (int)(us / 1000));
	else
		nanosleep(req, NULL);
}

static int jumps(long n, long reps, long us, uint64_t budget, long warmup,
		 int use_poll)
{
	struct timespec req = { us / 1000000, (us % 1000000) * 1000 };
	uint64_t *t, start, t0, v0, vmin = UINT64_MAX;
	pthread_attr_t attr;
	pthread_t th;
	long i, done = 0;

	t = calloc((size_t)reps, sizeof(*t));
	if (!t || pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, 64 * 1024))
		return perror("jumps"), 1;
	for (i = 1; i < n; i++) {
		int err = pthread_create(&th, &attr, long_sleeper, NULL);

		if (err) {
			fprintf(stderr, "jumps: pthread_create %ld: %s\n", i, strerror(err));
			return 1;
		}
	}
	while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) < n - 1)
		sched_yield();
	/* Warm-up: the first sleeps also wait for the last threads to block. */
	for (i = 0; i < warmup; i++)
		jump_wait(&req, us, use_poll);
	start = ticks();
	for (i = 0; i < reps; i++) {
		v0 = mono_ns();
		t0 = ticks();
		jump_wait(&req, us, use_poll);
		t[i] = ticks() - t0;
		v0 = mono_ns() - v0;
		if (v0 < vmin)
			vmin = v0;
		done++;
		if (ticks() - start > budget)
			break;
	}
	printf("ticks");
	for (i = 0; i < done; i++)
		printf(" %llu", (unsigned long long)t[i]);
	printf("\nvirtual_min_ns %llu\nthreads_asleep %d\n", (unsigned long long)vmin,
	       __atomic_load_n(&asleep, __ATOMIC_SEQ_CST));
	fflush(stdout);
	_exit(0);	/* the long sleepers never return */
}

/* The checksum is the number of reads: N when every tick woke the loop. */
/* reads: n counts reads, not expirations (us is then the period in ns). */
static int timerfd_ticks(long n, long us, bool reads)
{
	struct timespec period = { us / 1000000, (us % 1000000) * 1000 };
	struct itimerspec its = { period, period };
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned long long got = 0;
	uint64_t exp;
	int tfd, ep;

	if (reads)
		period = (struct timespec){ 0, us };
	its = (struct itimerspec){ period, period };
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (tfd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) ||
	    timerfd_settime(tfd, 0, &its, NULL))
		return perror("timerfd"), 1;
	while (got < (unsigned long long)n) {
		int r = epoll_wait(ep, &ev, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return perror("epoll_wait"), 1;
		if (r == 1 && read(tfd, &exp, sizeof(exp)) == (ssize_t)sizeof(exp)) {
			got += reads ? 1 : exp;
			sum++;
		}
	}
	close(ep);
	close(tfd);
	return 0;
}

#if defined(__x86_64__)
#define TRAP_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define TRAP_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define TRAP_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef TRAP_ARCH
/* The traced child: stops for its tracer, then makes n trapped calls. */
static void trapped_calls(long n)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRAP_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	long i;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) || raise(SIGSTOP) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(2);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	_exit(0);
}

static int trap_floor(long n, bool one_cpu)
{
	unsigned long long stops = 0;
	cpu_set_t here;
	uint64_t t0;
	int status;
	pid_t child;

	CPU_ZERO(&here);
	CPU_SET(sched_getcpu(), &here);
	if (one_cpu && sched_setaffinity(0, sizeof(here), &here))
		return perror("sched_setaffinity"), 1;
	child = fork();
	if (child < 0)
		return perror("fork"), 1;
	if (!child)
		trapped_calls(n);
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) ||
	    ptrace(PTRACE_CONT, child, NULL, NULL))
		return fprintf(stderr, "trap-floor: cannot trace the child\n"), 1;
	t0 = ticks();
	while (waitpid(child, &status, 0) == child && WIFSTOPPED(status)) {
		int sig = 0;

		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			stops++;
		else
			sig = WSTOPSIG(status);
		if (ptrace(PTRACE_CONT, child, NULL, (void *)(long)sig))
			break;
	}
	sum = stops;
	printf("%llu %llu\n", sum, (unsigned long long)(ticks() - t0));
	if (!WIFEXITED(status) || WEXITSTATUS(status) || stops != (unsigned long long)n)
		return fprintf(stderr, "trap-floor: %llu of %ld calls stopped (status 0x%x)\n",
			       stops, n, status), 1;
	return 0;
}
#else
static int trap_floor(long n, bool one_cpu)
{
	(void)n;
	(void)one_cpu;
	fprintf(stderr, "trap-floor: not on this architecture\n");
	return 1;
}
#endif

static int tsc_hz(void)
{
	struct timespec req = { 0, 200000000 };
	uint64_t m0, m1, t0, t1;

	m0 = mono_ns();
	t0 = ticks();
	nanosleep(&req, NULL);
	m1 = mono_ns();
	t1 = ticks();
	printf("%.0f\n", (double)(t1 - t0) * 1e9 / (double)(m1 - m0));
	return 0;
}

int main(int argc, char *argv[])
{
	struct timespec ts;
	uint64_t t0;
	long i, n;

	if (argc == 2 && !strcmp(argv[1], "tsc-hz"))
		return tsc_hz();
	if (argc < 3)
		goto usage;
	n = atol(argv[2]);
	if (!strcmp(argv[1], "mktree"))
		return argc == 4 ? mktree(argv[2], atol(argv[3])) : (fprintf(stderr, "mktree DIR N\n"), 1);
	if (!strcmp(argv[1], "jumps")) {
		if (argc < 6 || argc > 8 || n < 1 || atol(argv[3]) < 1 ||
		    (argc == 8 && strcmp(argv[7], "poll")))
			goto usage;
		return jumps(n, atol(argv[3]), atol(argv[4]), strtoull(argv[5], NULL, 0),
			     argc >= 7 ? atol(argv[6]) : 3, argc == 8);
	}
	if (!strcmp(argv[1], "trap-floor")) {
		if (argc > 4 || n < 1 || (argc == 4 && strcmp(argv[3], "one-cpu")))
			goto usage;
		return trap_floor(n, argc == 4);
	}
	t0 = ticks();
	if (!strcmp(argv[1], "sleeps") && argc == 4) {
		long us = atol(argv[3]);
		struct timespec req = { us / 1000000, (us % 1000000) * 1000 };

		for (i = 0; i < n; i++)
			nanosleep(&req, NULL);
	} else if (!strcmp(argv[1], "clock")) {
		for (i = 0; i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sum += (unsigned long long)ts.tv_nsec;
		}
	} else if (!strcmp(argv[1], "clock-sys")) {
		for (i = 0; i < n; i++) {
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
			sum += (unsigned long long)ts.tv_nsec;
		}
	} else if (!strcmp(argv[1], "timerfd") && argc == 4) {
		if (timerfd_ticks(n, atol(argv[3]), false))
			return 1;
	} else if (!strcmp(argv[1], "timerfd-reads")) {
		if (timerfd_ticks(n, 1, true))
			return 1;
	} else if (!strcmp(argv[1], "walk")) {
		long passes = argc > 3 ? atol(argv[3]) : 1;

		for (i = 0; i < passes; i++)
			nftw(argv[2], visit, 64, FTW_PHYS | FTW_MOUNT);
	} else {
		goto usage;
	}
	printf("%llu %llu\n", sum, (unsigned long long)(ticks() - t0));
	return 0;
usage:
	fprintf(stderr, "usage: workload sleeps N US | clock N | clock-sys N | walk DIR [PASSES]\n"
		"       | timerfd N US | timerfd-reads N | trap-floor N [one-cpu]\n"
		"       | mktree DIR N | jumps N REPS US BUDGET_TICKS [WARMUP [poll]] | tsc-hz\n");
	return 1;
}
