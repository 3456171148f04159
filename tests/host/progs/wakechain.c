// SPDX-License-Identifier: GPL-2.0
/*
 * A wake-up that must never be jumped over, among a crowd of idle threads.
 * N threads block for good (KIND: "sleep" in nanosleep, "timed" in a
 * condition wait with a 10^6 s timeout, "untimed" in one without). Then,
 * ROUNDS times: the main thread sleeps 1 ms (a jump, after a look that
 * found every thread asleep), wakes a relay thread and waits at most 10 s
 * for the answer; the relay wakes a worker and blocks; the worker answers.
 * Each wake-up leaves a thread woken but maybe not yet run while every
 * other thread is blocked and the main thread's 10 s is the earliest
 * deadline: a supervisor that jumps then times the main thread out. A
 * round takes microseconds natively; any that took 10 s or timed out
 * fails. Then the main thread sleeps SECONDS (that jump must still come).
 * KIND "signal": the threads sleep in nanosleep, and after its 1 ms the
 * main thread signals one of them instead (tgkill and kill in turn; only
 * they take SIGUSR1), whose handler answers. With WAKECHAIN_ONE_CPU set
 * the process runs on CPU 0 only: beside a busy loop there, a woken thread
 * waits long for its turn.
 *
 * usage: wakechain N KIND ROUNDS SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>

#include "prog.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv, relay_cv, worker_cv, main_cv;	/* on CLOCK_MONOTONIC */
static unsigned long asked, relayed, answered;
static int started;
static const char *kind;
static pid_t *tids;		/* "signal": the sleepers' thread ids */
static sem_t answer;		/* "signal": posted by the handler */

static void on_usr1(int sig)
{
	(void)sig;
	sem_post(&answer);
}

static struct timespec in(long long ns)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return prog_ns_ts(prog_ts_ns(&now) + ns);
}

static void *idler(void *arg)
{
	struct timespec forever = { 1000000, 0 }, until;

	(void)arg;
	pthread_mutex_lock(&lock);
	if (!strcmp(kind, "signal")) {
		sigset_t usr1;

		tids[started] = (pid_t)syscall(SYS_gettid);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	}
	started++;
	until = in(1000000 * PROG_NSEC);
	for (;;) {
		if (!strcmp(kind, "sleep") || !strcmp(kind, "signal")) {
			pthread_mutex_unlock(&lock);
			nanosleep(&forever, NULL);
			pthread_mutex_lock(&lock);
		} else if (!strcmp(kind, "timed")) {
			pthread_cond_timedwait(&idle_cv, &lock, &until);
		} else {
			pthread_cond_wait(&idle_cv, &lock);
		}
	}
	return NULL;
}

/* Waits for the relay's turn (an hour's timeout: far beyond the main's). */
static void *relay(void *arg)
{
	unsigned long seen = 0;

	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct timespec until = in(3600 * PROG_NSEC);

		while (asked == seen)
			pthread_cond_timedwait(&relay_cv, &lock, &until);
		seen = asked;
		relayed = seen;
		pthread_cond_signal(&worker_cv);
	}
	return NULL;
}

static void *worker(void *arg)
{
	unsigned long seen = 0;

	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (relayed == seen)
			pthread_cond_wait(&worker_cv, &lock);
		seen = relayed;
		answered = seen;
		pthread_cond_signal(&main_cv);
	}
	return NULL;
}

static void start(void *(*fn)(void *), pthread_attr_t *attr)
{
	pthread_t th;

	if (pthread_create(&th, attr, fn, NULL))
		prog_fail("pthread_create");
}

int main(int argc, char *argv[])
{
	struct timespec req = { 0, 0 };
	pthread_condattr_t ca;
	sigset_t usr1;
	pthread_attr_t attr;
	long n, rounds, i, slow = 0;
	__int128 t0, took;

	if (argc != 5 || (n = atol(argv[1])) < 0 || (rounds = atol(argv[3])) < 0 ||
	    (req.tv_sec = atol(argv[4])) < 0 ||
	    (strcmp(argv[2], "sleep") && strcmp(argv[2], "timed") && strcmp(argv[2], "untimed") &&
	     strcmp(argv[2], "signal")) || (!strcmp(argv[2], "signal") && n < 1)) {
		fprintf(stderr, "usage: wakechain N sleep|timed|untimed|signal ROUNDS SECONDS\n");
		return 2;
	}
	kind = argv[2];
	if (getenv("WAKECHAIN_ONE_CPU")) {
		cpu_set_t one;

		/* a woken thread then waits for the CPU its waker leaves */
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	tids = calloc(n + 1, sizeof(*tids));
	sem_init(&answer, 0, 0);
	/* only the sleepers take SIGUSR1 (they unblock it) */
	signal(SIGUSR1, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&idle_cv, &ca);
	pthread_cond_init(&relay_cv, &ca);
	pthread_cond_init(&worker_cv, &ca);
	pthread_cond_init(&main_cv, &ca);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++)
		start(idler, &attr);
	start(relay, &attr);
	start(worker, &attr);

	pthread_mutex_lock(&lock);
	while (started < n) {
		pthread_mutex_unlock(&lock);
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		pthread_mutex_lock(&lock);
	}
	for (i = 1; i <= rounds && !strcmp(kind, "signal"); i++) {
		struct timespec until;
		int r;

		pthread_mutex_unlock(&lock);
		/* a jump first: every sleeper is then one seen asleep */
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		t0 = prog_now(CLOCK_MONOTONIC);
		if (i % 2)
			syscall(SYS_tgkill, getpid(), tids[i % n], SIGUSR1);
		else
			kill(getpid(), SIGUSR1);
		until = in(10 * PROG_NSEC);
		while ((r = sem_clockwait(&answer, CLOCK_MONOTONIC, &until)) && errno == EINTR)
			;
		took = prog_now(CLOCK_MONOTONIC) - t0;
		if (r)
			prog_fail("round %ld: no answer within 10 s (%s): a signalled sleeper was jumped over",
				  i, strerror(errno));
		if (took >= 10 * PROG_NSEC)
			slow++;
		pthread_mutex_lock(&lock);
	}
	for (i = 1; i <= rounds && strcmp(kind, "signal"); i++) {
		struct timespec until;
		int err = 0;

		/* a jump first: the idle look records every thread asleep */
		pthread_mutex_unlock(&lock);
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		pthread_mutex_lock(&lock);
		until = in(10 * PROG_NSEC);

		t0 = prog_now(CLOCK_MONOTONIC);
		asked = i;
		pthread_cond_signal(&relay_cv);
		while (answered != (unsigned long)i && err != ETIMEDOUT)
			err = pthread_cond_timedwait(&main_cv, &lock, &until);
		took = prog_now(CLOCK_MONOTONIC) - t0;
		if (answered != (unsigned long)i)
			prog_fail("round %ld: timed out after 10 s: a woken thread was jumped over", i);
		if (took >= 10 * PROG_NSEC)
			slow++;
	}
	pthread_mutex_unlock(&lock);
	if (slow)
		prog_fail("%ld of %ld rounds took 10 s or more of virtual time", slow, rounds);

	t0 = prog_now(CLOCK_MONOTONIC);
	nanosleep(&req, NULL);
	took = prog_now(CLOCK_MONOTONIC) - t0;
	if (took < (__int128)req.tv_sec * PROG_NSEC)
		prog_fail("sleep of %ld s took %.3f s", (long)req.tv_sec, (double)took / PROG_NSEC);
	printf("ok %ld %s threads, %ld rounds answered in time, slept %.3f s\n", n, kind, rounds,
	       (double)took / PROG_NSEC);
	return 0;
}
