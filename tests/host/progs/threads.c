// SPDX-License-Identifier: GPL-2.0
/*
 * K threads released together, each waiting its own duration: they must
 * finish in order of duration, each after at least its duration, and the
 * whole run must take about the longest one (the waits run in parallel, not
 * one after another). With --mix the threads wait in different ways (sleeps,
 * poll, select, epoll, futex, condition variable, semaphore), so deadlines of
 * several kinds share one queue.
 *
 * usage: threads [--mix] [--raw] [--slack=SEC] [SECONDS...]
 * --raw reads the clocks with the raw syscall (a static binary's vDSO reads
 * stay real under fluxctl).
 * Default durations: 500 100 400 200 300. Last line "ok threads ..." and exit 0.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "prog.h"

#define MAX_THREADS 64

struct worker {
	pthread_t th;
	int index;
	__int128 duration, elapsed;
	int rank; /* finishing order, from 0 */
	const char *how;
	bool ok;
	int err; /* errno after the wait */
};

static pthread_barrier_t start;
static int finished;
static bool mix;

static int idle_fd(void)
{
	int fds[2];

	if (pipe(fds))
		prog_fail("threads: pipe: %s", strerror(errno));
	return fds[0];
}

/* Wait d the way number `way` does; false if the wait misbehaved. */
static bool wait_for(struct worker *w, int way)
{
	struct timespec ts = prog_ns_ts(w->duration);
	int ms = (int)((w->duration + 999999) / 1000000), r;

	switch (way) {
	case 0:
		w->how = "nanosleep";
		return nanosleep(&ts, NULL) == 0;
	case 1: {
		struct timespec abs = prog_ns_ts(prog_now(CLOCK_MONOTONIC) + w->duration);

		w->how = "clock_nanosleep_abs";
		return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0;
	}
	case 2: {
		struct pollfd pfd = { .fd = idle_fd(), .events = POLLIN };

		w->how = "poll";
		return poll(&pfd, 1, ms) == 0;
	}
	case 3: {
		struct timeval tv = { .tv_sec = ts.tv_sec, .tv_usec = ts.tv_nsec / 1000 };

		w->how = "select";
		return select(0, NULL, NULL, NULL, &tv) == 0;
	}
	case 4: {
		pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
		pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
		struct timespec abs = prog_ns_ts(prog_now(CLOCK_REALTIME) + w->duration);

		w->how = "pthread_cond_timedwait";
		pthread_mutex_lock(&mu);
		do
			r = pthread_cond_timedwait(&cond, &mu, &abs);
		while (r == 0);
		pthread_mutex_unlock(&mu);
		return r == ETIMEDOUT;
	}
	case 5: {
		struct epoll_event ev = { .events = EPOLLIN };
		int epfd = epoll_create1(0);

		w->how = "epoll_wait";
		ev.data.fd = idle_fd();
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
			return false;
		return epoll_wait(epfd, &ev, 1, ms) == 0;
	}
	case 6: {
		static uint32_t word;

		w->how = "futex_wait";
		return syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0) == -1 &&
		       errno == ETIMEDOUT;
	}
	default: {
		struct timespec abs = prog_ns_ts(prog_now(CLOCK_REALTIME) + w->duration);
		sem_t sem;

		w->how = "sem_timedwait";
		sem_init(&sem, 0, 0);
		return sem_timedwait(&sem, &abs) == -1 && errno == ETIMEDOUT;
	}
	}
}

static void *worker_main(void *p)
{
	struct worker *w = p;
	__int128 t0;

	pthread_barrier_wait(&start);
	t0 = prog_now(CLOCK_MONOTONIC);
	errno = 0;
	w->ok = wait_for(w, mix ? w->index % 8 : 0);
	w->err = errno;
	w->elapsed = prog_now(CLOCK_MONOTONIC) - t0;
	w->rank = __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { "500", "100", "400", "200", "300" };
	static struct worker workers[MAX_THREADS];
	__int128 slack = 5 * PROG_NSEC, longest = 0, total;
	bool ok = true;
	int a, n = 0, i, j, r;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--mix"))
			mix = true;
		else if (!strcmp(argv[a], "--raw"))
			*prog_raw_clock() = true;
		else if (!strncmp(argv[a], "--slack=", 8))
			slack = prog_parse_sec_or_die("--slack", argv[a] + 8);
		else if (prog_parse_sec(argv[a]) >= 0 && n < MAX_THREADS)
			workers[n++].duration = prog_parse_sec(argv[a]);
		else
			prog_fail("usage: threads [--mix] [--raw] [--slack=SEC] [SECONDS...]");
	}
	if (!n)
		for (; n < (int)PROG_ARRAY_SIZE(defaults); n++)
			workers[n].duration = prog_parse_sec(defaults[n]);

	pthread_barrier_init(&start, NULL, (unsigned int)n + 1);
	for (i = 0; i < n; i++) {
		workers[i].index = i;
		r = pthread_create(&workers[i].th, NULL, worker_main, &workers[i]);
		if (r)
			prog_fail("threads: pthread_create: %s", strerror(r));
		if (workers[i].duration > longest)
			longest = workers[i].duration;
	}
	/* before the barrier: no worker starts its wait before this reading */
	total = prog_now(CLOCK_MONOTONIC);
	pthread_barrier_wait(&start);
	for (i = 0; i < n; i++)
		pthread_join(workers[i].th, NULL);
	total = prog_now(CLOCK_MONOTONIC) - total;

	for (i = 0; i < n; i++) {
		struct worker *w = &workers[i];
		char name[64];

		snprintf(name, sizeof(name), "thread %d (%s)", i, w->how);
		printf("# %s: waited %s s for %s s, finished #%d\n", name, prog_s(w->elapsed),
		       prog_s(w->duration), w->rank + 1);
		if (!w->ok) {
			printf("# %s: not a timeout (errno %d)\n", name, w->err);
			ok = false;
		}
		ok &= prog_elapsed_ok(name, "monotonic", w->elapsed, w->duration, 0, slack);
		/* A shorter wait must not finish after a longer one. */
		for (j = 0; j < n; j++) {
			if (w->duration < workers[j].duration && w->rank > workers[j].rank) {
				printf("# thread %d (%s s) finished after thread %d (%s s)\n", i,
				       prog_s(w->duration), j, prog_s(workers[j].duration));
				ok = false;
			}
		}
	}
	/* In parallel: the longest wait, not the sum. */
	ok &= prog_elapsed_ok("all threads", "monotonic", total, longest, 0, slack);
	if (!ok)
		prog_fail("threads: out of order, early, or not in parallel");
	printf("ok threads count=%d virtual=%s longest=%s%s%s\n", n, prog_s(total),
	       prog_s(longest), mix ? " mix" : "", *prog_raw_clock() ? " clocks=raw" : "");
	return 0;
}
