// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-ups around a jump, as natively. MODE "queued": a futex wait that
 * began before a jump is asleep when the thread the jump wakes wakes it.
 * Each round the waker sleeps 1 s; once it is asleep (its stat and
 * syscall files say so) the waiter waits on a futex for 100 s, and its
 * entry is what makes the process idle; the waker, woken by the jump,
 * wakes the futex, changing its word in even rounds, leaving it in odd
 * ones. The waker must have woken one thread and the waiter must return 0
 * (woken) after 0.5 to 2 s: not EAGAIN (its futex changed before it
 * slept) nor ETIMEDOUT (the wake came before it slept). MODE "chain":
 * a thread blocked for good on a futex (seen asleep by the looks before)
 * is woken by the sleeper the jump ends, which at once sleeps 1000 s: the
 * woken thread must run before that jump, reading a time less than 1 s
 * after the wake (it may still be waiting for its CPU, or be queued on
 * another CPU's wake-up list, when the sleeper's entry asks for a jump).
 * MODE "signal": a signal sent while a sleep begins ends it at once. Each
 * round the main thread lets a helper go and sleeps 10 s; the helper,
 * which blocks SIGUSR1, sends it to the process after 0 to ~5 us and
 * blocks, leaving the sleeper the only thread to take it. Under ptrace the
 * signal often arrives while the sleeper sits in its entry stop: it is
 * pending there, and the sleep must end by it (EINTR), not by a jump of
 * 10 s. The handler must run less than 1 s after the go.
 *
 * usage: wakeorder MODE [ROUNDS]   (default 100)
 * Last line "ok ROUNDS MODE rounds" and exit 0.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "prog.h"

static unsigned int word;
static pthread_barrier_t ready;
static pid_t waker_tid;
static long woken;		/* the waker's FUTEX_WAKE result */
static int round_no;
static __int128 wake_at, ran_at;	/* chain: the wake, the woken thread's read */

static long futex(unsigned int *uaddr, int op, unsigned int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void sleep_s(time_t s)
{
	struct timespec ts = { s, 0 };

	if (nanosleep(&ts, NULL))
		prog_fail("wakeorder: nanosleep: %s", strerror(errno));
}

static void *queued_waker(void *arg)
{
	(void)arg;
	waker_tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	sleep_s(1);
	if (round_no % 2 == 0)
		__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	woken = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	return NULL;
}

/* Until the waker sleeps in its nanosleep: S, in syscall 230 or 35. */
static void await_waker_asleep(void)
{
	__int128 until = prog_now(CLOCK_MONOTONIC) + 10 * PROG_NSEC;
	char path[64], buf[512], *p;
	FILE *f;

	for (;;) {
		char state = 0;
		long nr = -1;

		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", waker_tid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
				state = p[2];
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", waker_tid);
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%ld", &nr) != 1)
				nr = -1;
			fclose(f);
		}
		if (state == 'S' && (nr == SYS_clock_nanosleep || nr == SYS_nanosleep))
			return;
		if (prog_now(CLOCK_MONOTONIC) > until)
			prog_fail("wakeorder: the waker is not asleep after 10 s (%c, %ld)",
				  state ? state : '?', nr);
		sched_yield();
	}
}

static void queued_round(void)
{
	struct timespec hundred = { 100, 0 };
	__int128 start, took;
	pthread_t th;
	char buf[48];
	long r;

	word = 0;
	woken = -1;
	pthread_barrier_init(&ready, NULL, 2);
	if (pthread_create(&th, NULL, queued_waker, NULL))
		prog_fail("wakeorder: pthread_create");
	pthread_barrier_wait(&ready);
	await_waker_asleep();
	start = prog_now(CLOCK_MONOTONIC);
	r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &hundred);
	took = prog_now(CLOCK_MONOTONIC) - start;
	pthread_join(th, NULL);
	pthread_barrier_destroy(&ready);
	/* the waker's 1 s began before the wait: a little less than 1 s */
	if (r != 0 || woken != 1 || took < PROG_NSEC / 2 || took >= 2 * PROG_NSEC)
		prog_fail("wakeorder: round %d (%s word): wait returned %ld (%s) after %s s, the wake woke %ld",
			  round_no, round_no % 2 ? "same" : "changed", r,
			  r ? strerror(errno) : "woken", prog_fmt(buf, sizeof(buf), took), woken);
}

/* chain: blocks for good until woken, reads the time, blocks again */
static void *sleeper_thread(void *arg)
{
	(void)arg;
	for (;;) {
		while (!__atomic_load_n(&word, __ATOMIC_SEQ_CST))
			futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
		ran_at = prog_now(CLOCK_MONOTONIC);
		__atomic_store_n(&word, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void chain_round(void)
{
	char a[48], b[48];

	sleep_s(1);	/* a jump, after a look that saw the thread asleep */
	wake_at = prog_now(CLOCK_MONOTONIC);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	sleep_s(1000);
	if (__atomic_load_n(&word, __ATOMIC_SEQ_CST) ||
	    ran_at - wake_at < 0 || ran_at - wake_at >= PROG_NSEC)
		prog_fail("wakeorder: chain round %d: woken at %s s, ran at %s s", round_no,
			  prog_fmt(a, sizeof(a), wake_at), prog_fmt(b, sizeof(b), ran_at));
}

/* signal: per round, waits for its go, sends SIGUSR1 a moment later */
static unsigned int armed, go;
static volatile sig_atomic_t handled;
static __int128 handled_at;

static void on_usr1(int sig)
{
	(void)sig;
	handled_at = prog_now(CLOCK_MONOTONIC);
	handled = 1;
}

static void *signal_sender(void *arg)
{
	unsigned int seen = 0, v;
	volatile long spin;
	long delay;
	sigset_t usr1;

	(void)arg;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	for (;;) {
		v = __atomic_load_n(&armed, __ATOMIC_SEQ_CST);
		if (v == seen) {
			futex(&armed, FUTEX_WAIT_PRIVATE, v, NULL);
			continue;
		}
		seen = v;
		while (__atomic_load_n(&go, __ATOMIC_SEQ_CST) != v)
			;
		delay = (v * 7919L) % 6 * 300;
		for (spin = 0; spin < delay; spin++)
			;
		kill(getpid(), SIGUSR1);
	}
	return NULL;
}

static void signal_round(void)
{
	struct timespec ten = { 10, 0 }, ms = { 0, 1000000 };
	__int128 start;
	char buf[48];

	handled = 0;
	__atomic_store_n(&armed, (unsigned int)round_no + 1, __ATOMIC_SEQ_CST);
	futex(&armed, FUTEX_WAKE_PRIVATE, 1, NULL);
	/* the helper is on its way to spin for the go (not required) */
	sched_yield();
	start = prog_now(CLOCK_MONOTONIC);
	__atomic_store_n(&go, (unsigned int)round_no + 1, __ATOMIC_SEQ_CST);
	nanosleep(&ten, NULL);
	while (!handled)
		nanosleep(&ms, NULL);
	if (handled_at - start >= PROG_NSEC)
		prog_fail("wakeorder: signal round %d: the handler ran %s s after the go",
			  round_no, prog_fmt(buf, sizeof(buf), handled_at - start));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int rounds = argc > 2 ? atoi(argv[2]) : 100;
	bool chain = !strcmp(mode, "chain"), sig = !strcmp(mode, "signal");
	struct sigaction sa;
	pthread_t th;

	if ((!chain && !sig && strcmp(mode, "queued")) || rounds <= 0)
		prog_fail("usage: wakeorder queued|chain|signal [ROUNDS]");
	if (chain && pthread_create(&th, NULL, sleeper_thread, NULL))
		prog_fail("wakeorder: pthread_create");
	if (sig) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		if (pthread_create(&th, NULL, signal_sender, NULL))
			prog_fail("wakeorder: pthread_create");
	}
	for (round_no = 0; round_no < rounds; round_no++) {
		if (chain)
			chain_round();
		else if (sig)
			signal_round();
		else
			queued_round();
	}
	printf("ok %d %s rounds\n", rounds, mode);
	return 0;
}
