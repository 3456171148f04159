// SPDX-License-Identifier: GPL-2.0
/*
 * Signals and virtual waits. With automatic jumps off (the wait runs in
 * real time), a handled signal interrupts nanosleep with EINTR and the
 * remaining time; with SA_RESTART, poll and select still fail with EINTR
 * (POSIX never restarts them) while read() on a pipe is restarted. With
 * automatic jumps on, signals sent at random moments to a thread looping
 * over 1 ms sleeps, racing the jumps, only ever end a sleep with 0 or EINTR,
 * and the loop finishes.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/select.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL
#define LOOPS		2000	/* FXT_LOOPS=N: N instead (make stress: 10000) */

static long loops = LOOPS;

struct shared {
	int pipe[2];
};

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

static int install(int flags)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

static void m_nanosleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 }, rem = { 0, 0 };

	(void)arg;
	install(0);
	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, &rem));
	r->v[0] = fx_ts_ns(&rem);
	r->v[1] = handled;
}

static void m_poll_restart(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	struct pollfd p = { .fd = sh->pipe[0], .events = POLLIN };

	install(SA_RESTART);
	fx_ready();
	FX_TIMED(r, syscall(SYS_poll, &p, 1, (int)(TMO_S * 1000)));
	r->v[1] = handled;
}

static void m_select_restart(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	struct timeval tv = { TMO_S, 0 };
	fd_set rd;

	install(SA_RESTART);
	FD_ZERO(&rd);
	FD_SET(sh->pipe[0], &rd);
	fx_ready();
	FX_TIMED(r, syscall(SYS_select, sh->pipe[0] + 1, &rd, NULL, NULL, &tv));
	r->v[1] = handled;
}

static void m_read_restart(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	char b = 0;

	install(SA_RESTART);
	fx_ready();
	FX_TIMED(r, read(sh->pipe[0], &b, 1));
	r->v[0] = b;
	r->v[1] = handled;
}

/* ---- the random loop ---- */

static atomic_int loop_done;
static pthread_t sleeper_thread;

/* Sends SIGUSR1 to the sleeping thread at random moments until it is done. */
static void *signaller(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	long long sent = 0;

	while (!atomic_load(&loop_done)) {
		unsigned int x = rand_r(&seed);

		if (x % 4 == 0) {
			/* run for up to 200 us of real time: no jump meanwhile */
			long long end = fx_real_ns() + (x >> 8) % 200000;

			while (fx_real_ns() < end)
				;
		} else {
			/* sleep (virtually) 0-2 ms: a jump may wake either thread */
			struct timespec ts = { 0, (long)((x >> 8) % 2000000) };

			syscall(SYS_nanosleep, &ts, NULL);
		}
		if (!atomic_load(&loop_done) && !pthread_kill(sleeper_thread, SIGUSR1))
			sent++;
	}
	return (void *)(intptr_t)sent;
}

static void m_loop(struct fx_result *r, void *arg)
{
	struct timespec ts = { 0, FX_MSEC };
	pthread_t t;
	void *sent;

	install(0);
	sleeper_thread = pthread_self();
	if (pthread_create(&t, NULL, signaller, arg)) {
		r->ret = -2;
		return;
	}
	r->t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	for (long i = 0; i < loops; i++) {
		long ret;

		errno = 0;
		ret = syscall(SYS_nanosleep, &ts, NULL);
		if (ret == 0)
			r->v[0]++;
		else if (ret == -1 && errno == EINTR)
			r->v[1]++;
		else if (!r->v[2]++)
			r->err = errno;
	}
	r->t1 = fx_vclock_ns(CLOCK_MONOTONIC);
	atomic_store(&loop_done, 1);
	pthread_join(t, &sent);
	r->v[3] = (intptr_t)sent;
	r->v[4] = handled;
}

FIXTURE(sig) {
	struct fx_env e;
	struct shared *sh;
};

static struct shared *shared_map(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (sh == MAP_FAILED)
		return NULL;
	if (pipe2(sh->pipe, O_CLOEXEC)) {
		munmap(sh, sizeof(*sh));
		return NULL;
	}
	return sh;
}

static void shared_unmap(struct fx_env *e, struct shared *sh)
{
	fx_env_cleanup(e);
	if (sh) {
		close(sh->pipe[0]);
		close(sh->pipe[1]);
		munmap(sh, sizeof(*sh));
	}
}

/* Automatic jumps off: waits take real time, signals come while they last. */
FIXTURE_SETUP(sig)
{
	self->sh = shared_map();
	ASSERT_NE(NULL, self->sh);
	FX_SETUP("sig", 0);
}

FIXTURE_TEARDOWN(sig)
{
	shared_unmap(&self->e, self->sh);
}

/* Automatic jumps on (the default). */
FIXTURE(sigloop) {
	struct fx_env e;
	struct shared *sh;
};

FIXTURE_SETUP(sigloop)
{
	self->sh = shared_map();
	ASSERT_NE(NULL, self->sh);
	FX_SETUP("sigl", -1);
}

FIXTURE_TEARDOWN(sigloop)
{
	shared_unmap(&self->e, self->sh);
}

/* Starts fn in a member; signals it 0.2 s after it sleeps (state S). */
static struct fx_child *signal_member(struct __test_metadata *_metadata,
				      FIXTURE_DATA(sig) *self, fx_fn fn)
{
	struct fx_child *c;

	c = fx_spawn(&self->e, fn, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	fx_msleep(200);
	ASSERT_FALSE(fx_has_result(c)) TH_LOG("the wait ended before the signal");
	ASSERT_EQ(0, kill(c->pid, SIGUSR1));
	return c;
}

TEST_F_TIMEOUT(sig, nanosleep_eintr_remaining, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = signal_member(_metadata, self, m_nanosleep);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(1, r.v[1]);
	/* about 1000 s left: 0.2 s and the slow VM's delays went by */
	TH_LOG("remaining %.3f s", r.v[0] / 1e9);
	EXPECT_GE(TMO_S * FX_NSEC, r.v[0]);
	EXPECT_LT((TMO_S - 20) * FX_NSEC, r.v[0]);
	EXPECT_GT(20 * FX_NSEC, r.t1 - r.t0);
}

TEST_F_TIMEOUT(sig, sa_restart_poll_eintr, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = signal_member(_metadata, self, m_poll_restart);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(1, r.v[1]);
}

TEST_F_TIMEOUT(sig, sa_restart_select_eintr, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = signal_member(_metadata, self, m_select_restart);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(1, r.v[1]);
}

TEST_F_TIMEOUT(sig, sa_restart_read_restarts, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = signal_member(_metadata, self, m_read_restart);
	/* The handler ran, read() went back to sleep: still blocked. */
	fx_msleep(300);
	EXPECT_FALSE(fx_has_result(c));
	EXPECT_EQ(0, fx_wait_state(c->pid, 0, "S", 5000));
	ASSERT_EQ(1, write(self->sh->pipe[1], "y", 1));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(1, r.ret);
	EXPECT_EQ('y', r.v[0]);
	EXPECT_EQ(1, r.v[1]);
}

TEST_F_TIMEOUT(sigloop, random_signals_during_jumps, 180)
{
	unsigned int seed = (unsigned int)fx_real_ns();
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	if (getenv("FXT_SEED"))
		seed = strtoul(getenv("FXT_SEED"), NULL, 0);
	if (getenv("FXT_LOOPS"))
		loops = atol(getenv("FXT_LOOPS"));
	TH_LOG("seed %u (FXT_SEED=%u repeats it), %ld sleeps", seed, seed, loops);
	c = fx_spawn(&self->e, m_loop, (void *)(uintptr_t)seed);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, 120000 + loops * 60, &r))
		TH_LOG("%ld sleeps with signals did not finish in time", loops);
	ASSERT_NE(-2, r.ret);
	TH_LOG("%lld returned 0, %lld EINTR, %lld other (errno %d); %lld signals sent, %lld handled; %.3f s real, %.3f s virtual",
	       r.v[0], r.v[1], r.v[2], r.err, r.v[3], r.v[4],
	       (c->t_done - c->t_spawn) / 1e9, (r.t1 - r.t0) / 1e9);
	EXPECT_EQ(0, r.v[2]);
	EXPECT_EQ(loops, r.v[0] + r.v[1]);
	EXPECT_LT(0, r.v[1]);
	EXPECT_LT(0, r.v[0]);
	/* pending signals merge: handled at most as many as sent */
	EXPECT_LT(0, r.v[4]);
	EXPECT_GE(r.v[3], r.v[4]);
}

TEST_HARNESS_MAIN
