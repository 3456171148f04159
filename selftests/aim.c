// SPDX-License-Identifier: GPL-2.0
/*
 * Sleepers aimed after a jump. A jump moves the clock to the earliest
 * deadline; the sleepers not yet due must still wake at their own virtual
 * deadline (whether the module re-aims them at once or lazily), report the
 * right remaining time when a signal ends them early, and restart with the
 * right deadline after a stop. The not-yet-due sleepers are made by a
 * second member, B, that sleeps less than A and then runs: after the jump to
 * B's deadline the group runs, no further jump comes, and A must wake by
 * the virtual clock going on in real time.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"

#define NTHREADS	40
#define NSLEEPS		5
#define STEP_MS		10LL

struct shared {
	atomic_int release;	/* the holder exits */
	atomic_int stop;	/* B exits */
	atomic_int b_woke;	/* B's sleep is over, B runs */
	/* many_threads_wake_in_turn, per thread (virtual ns) */
	long long start[NTHREADS], end[NTHREADS], min_slept[NTHREADS];
	int bad[NTHREADS];	/* sleeps that did not return 0 */
};

/* The test's arguments to A and B. */
struct sleep_arg {
	struct shared *sh;
	long long tmo_s;
	bool rem;		/* pass a rem buffer */
	bool handler;		/* SIGUSR1 handler, no SA_RESTART */
};

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

/* Runs until released: holds time while A and B go to sleep. */
static void m_holder(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;

	fx_ready();
	while (!atomic_load(&sh->release))
		r->v[0]++;
}

/* A: one nanosleep; v[0] the remaining time, v[1] handled signals. */
static void m_sleeper(struct fx_result *r, void *arg)
{
	struct sleep_arg *a = arg;
	struct timespec ts = { a->tmo_s, 0 }, rem = { 0, 0 };

	if (a->handler) {
		struct sigaction sa = { .sa_handler = on_signal, .sa_flags = 0 };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
	}
	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, a->rem ? &rem : NULL));
	r->v[0] = fx_ts_ns(&rem);
	r->v[1] = handled;
}

/* B: sleeps, says so, then runs (never blocks) until the test stops it. */
static void m_sleep_then_run(struct fx_result *r, void *arg)
{
	struct sleep_arg *a = arg;
	struct timespec ts = { a->tmo_s, 0 };

	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
	atomic_store(&a->sh->b_woke, 1);
	while (!atomic_load(&a->sh->stop))
		r->v[0]++;
}

FIXTURE(aim) {
	struct fx_env e;
	struct shared *sh;
	struct fx_child *holder, *a, *b;
	long long t_release;	/* real: the holder was told to go */
};

FIXTURE_SETUP(aim)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	/* Fault the page in now: the members only touch present memory. */
	memset(self->sh, 0, sizeof(*self->sh));
	FX_SETUP("aim", -1);
}

FIXTURE_TEARDOWN(aim)
{
	if (self->sh != MAP_FAILED && self->sh) {
		atomic_store(&self->sh->release, 1);
		atomic_store(&self->sh->stop, 1);
	}
	fx_env_cleanup(&self->e);
	if (self->sh != MAP_FAILED && self->sh)
		munmap(self->sh, sizeof(*self->sh));
}

static struct fx_child *spawn_sleeping(struct __test_metadata *_metadata,
				       struct fx_env *e, fx_fn fn, void *arg)
{
	struct fx_child *c = fx_spawn(e, fn, arg);

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	return c;
}

/*
 * Puts A and B to sleep while the holder runs (so nothing jumps before both
 * sleep), in the order given (the earlier-armed deadline must be B's when
 * the timeouts are close), then lets the holder go: the group jumps to B's
 * deadline, B runs. Returns once B's sleep is over.
 */
static void sleep_pair(struct __test_metadata *_metadata, FIXTURE_DATA(aim) *self,
		       struct sleep_arg *aa, struct sleep_arg *ba, bool b_first)
{
	long long end;
	struct fx_result r;

	self->holder = fx_spawn(&self->e, m_holder, self->sh);
	ASSERT_NE(NULL, self->holder);
	ASSERT_EQ(0, fx_wait_ready(self->holder, 10000));
	if (b_first)
		self->b = spawn_sleeping(_metadata, &self->e, m_sleep_then_run, ba);
	self->a = spawn_sleeping(_metadata, &self->e, m_sleeper, aa);
	if (!b_first)
		self->b = spawn_sleeping(_metadata, &self->e, m_sleep_then_run, ba);
	ASSERT_FALSE(fx_has_result(self->a)) TH_LOG("A woke while the holder ran");
	self->t_release = fx_real_ns();
	atomic_store(&self->sh->release, 1);
	ASSERT_EQ(0, fx_collect(self->holder, FX_BOUND_MS, &r));
	end = fx_real_ns() + FX_BOUND_MS * FX_MSEC;
	while (!atomic_load(&self->sh->b_woke)) {
		ASSERT_GT(end, fx_real_ns())
			TH_LOG("no jump to B's deadline (%lld s) within %d ms",
			       ba->tmo_s, FX_BOUND_MS);
		fx_msleep(1);
	}
}

/* Stops B and checks its sleep: a real timeout of about tmo_s virtual s. */
static void finish_b(struct __test_metadata *_metadata, FIXTURE_DATA(aim) *self,
		     long long tmo_s, struct fx_result *rb)
{
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(self->b, FX_BOUND_MS, rb));
	ASSERT_NE(FX_NOJOIN, rb->ret);
	EXPECT_EQ(0, rb->ret) TH_LOG("B's sleep: errno %d", rb->err);
	EXPECT_LE(tmo_s * FX_NSEC - FX_MSEC, rb->t1 - rb->t0);
	EXPECT_GT((tmo_s + 5) * FX_NSEC, rb->t1 - rb->t0);
	EXPECT_LT(0, rb->v[0]);
	TH_LOG("B slept %.3f s virtual", (rb->t1 - rb->t0) / 1e9);
}

/*
 * A sleeps 10 s, B 9 s: the jump goes to 9 s and B then runs. A's deadline
 * is 1 s of virtual time away, which now passes in real time: A must wake
 * about 1 s later, not when its first host expiry (10 s after it slept)
 * comes, which would also make its sleep 19 s of virtual time.
 */
TEST_F_TIMEOUT(aim, stale_sleeper_fires_on_time, 60)
{
	struct sleep_arg aa = { .sh = self->sh, .tmo_s = 10 };
	struct sleep_arg ba = { .sh = self->sh, .tmo_s = 9 };
	struct fx_result ra, rb;
	struct fx_group g;
	long long t_woke;

	FX_RETURN_IF_SKIPPED();
	/* B first: A's deadline must be the later one by at least 1 s. */
	sleep_pair(_metadata, self, &aa, &ba, true);
	t_woke = fx_real_ns();
	ASSERT_EQ(0, fx_collect(self->a, FX_BOUND_MS, &ra))
		TH_LOG("A (10 s) still asleep %d ms after the jump to 9 s", FX_BOUND_MS);
	ASSERT_NE(FX_NOJOIN, ra.ret);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	TH_LOG("A: %.3f s virtual; real: %.3f s from spawn, %.3f s after the release",
	       (ra.t1 - ra.t0) / 1e9, (self->a->t_done - self->a->t_spawn) / 1e9,
	       (self->a->t_done - self->t_release) / 1e9);
	TH_LOG("A woke %.3f s (real) after B; %llu jump(s), %.3f s in all",
	       (self->a->t_done - t_woke) / 1e9, (unsigned long long)g.jumps,
	       g.jumped_ns / 1e9);
	EXPECT_EQ(0, ra.ret) TH_LOG("A's sleep: errno %d", ra.err);
	EXPECT_LE(10 * FX_NSEC - FX_MSEC, ra.t1 - ra.t0);
	EXPECT_GT(15 * FX_NSEC, ra.t1 - ra.t0);
	EXPECT_GT(6 * FX_NSEC, self->a->t_done - self->a->t_spawn);
	/* B ran all along: the one jump was to B's deadline. */
	EXPECT_EQ(1, g.jumps);
	finish_b(_metadata, self, 9, &rb);
	EXPECT_LT(rb.t1, ra.t1);
}

/*
 * A sleeps 1000 s with a rem buffer, B 100 s. After the jump to 100 s a
 * signal ends A's sleep: about 900 s remain (minus the real time since the
 * jump), as the virtual clock tells, not the 1000 s its first host expiry
 * would give.
 */
TEST_F_TIMEOUT(aim, remaining_after_jump, 60)
{
	struct sleep_arg aa = { .sh = self->sh, .tmo_s = 1000, .rem = true, .handler = true };
	struct sleep_arg ba = { .sh = self->sh, .tmo_s = 100 };
	struct fx_result ra, rb;
	long long left;

	FX_RETURN_IF_SKIPPED();
	/* A first: the time left after the jump to B's deadline is below 900 s. */
	sleep_pair(_metadata, self, &aa, &ba, false);
	ASSERT_EQ(0, fx_wait_state(self->a->pid, 0, "S", 10000));
	ASSERT_FALSE(fx_has_result(self->a)) TH_LOG("A woke at the jump to 100 s");
	ASSERT_EQ(0, kill(self->a->pid, SIGUSR1));
	ASSERT_EQ(0, fx_collect(self->a, FX_BOUND_MS, &ra));
	ASSERT_NE(FX_NOJOIN, ra.ret);
	/* What the virtual clock says was left when A woke. */
	left = ra.t0 + 1000 * FX_NSEC - ra.t1;
	TH_LOG("remaining %.3f s (virtual clock: %.3f s left); A slept %.3f s virtual",
	       ra.v[0] / 1e9, left / 1e9, (ra.t1 - ra.t0) / 1e9);
	EXPECT_EQ(-1, ra.ret);
	EXPECT_EQ(EINTR, ra.err);
	EXPECT_EQ(1, ra.v[1]);
	EXPECT_LT(850 * FX_NSEC, ra.v[0]);
	EXPECT_GE(900 * FX_NSEC, ra.v[0]);
	EXPECT_GT(5 * FX_NSEC, llabs(ra.v[0] - left));
	finish_b(_metadata, self, 100, &rb);
}

/*
 * A sleeps 1000 s, B 100 s. After the jump to 100 s, SIGSTOP and SIGCONT
 * make A's nanosleep restart from its restart block, at the host expiry it
 * had when it stopped. When B is done the group jumps to A's deadline: its
 * sleep lasts 1000 s of virtual time; a restart at the first host expiry
 * would make it about 1100 s.
 */
TEST_F_TIMEOUT(aim, restart_after_jump_keeps_deadline, 60)
{
	struct sleep_arg aa = { .sh = self->sh, .tmo_s = 1000 };
	struct sleep_arg ba = { .sh = self->sh, .tmo_s = 100 };
	struct fx_result ra, rb;

	FX_RETURN_IF_SKIPPED();
	sleep_pair(_metadata, self, &aa, &ba, false);
	ASSERT_EQ(0, fx_wait_state(self->a->pid, 0, "S", 10000));
	ASSERT_EQ(0, kill(self->a->pid, SIGSTOP));
	ASSERT_EQ(0, fx_wait_state(self->a->pid, 0, "T", 10000));
	ASSERT_EQ(0, kill(self->a->pid, SIGCONT));
	ASSERT_EQ(0, fx_wait_state(self->a->pid, 0, "S", 10000));
	fx_msleep(200);
	ASSERT_FALSE(fx_has_result(self->a)) TH_LOG("A's sleep ended at the stop");
	/* B exits: A is the only member left, time jumps to its deadline. */
	finish_b(_metadata, self, 100, &rb);
	ASSERT_EQ(0, fx_collect(self->a, FX_BOUND_MS, &ra))
		TH_LOG("A still asleep %d ms after B exited", FX_BOUND_MS);
	ASSERT_NE(FX_NOJOIN, ra.ret);
	TH_LOG("A slept %.3f s virtual, %.3f s real", (ra.t1 - ra.t0) / 1e9,
	       (self->a->t_done - self->a->t_spawn) / 1e9);
	EXPECT_EQ(0, ra.ret) TH_LOG("errno %d", ra.err);
	EXPECT_LE(1000 * FX_NSEC - FX_MSEC, ra.t1 - ra.t0);
	EXPECT_GT(1030 * FX_NSEC, ra.t1 - ra.t0);
}

/* ---- many threads ---- */

struct thr {
	struct shared *sh;
	pthread_barrier_t *bar;
	int i;
};

/* Thread i: NSLEEPS nanosleeps of (i + 1) * STEP_MS each, from a common start. */
static void *thread_sleeps(void *arg)
{
	struct thr *t = arg;
	struct shared *sh = t->sh;
	struct timespec ts = fx_ns_ts((t->i + 1) * STEP_MS * FX_MSEC);
	long long t0, t1;

	pthread_barrier_wait(t->bar);
	t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	t1 = t0;
	sh->start[t->i] = t0;
	sh->min_slept[t->i] = -1;
	for (int k = 0; k < NSLEEPS; k++) {
		if (syscall(SYS_nanosleep, &ts, NULL))
			sh->bad[t->i]++;
		t1 = fx_vclock_ns(CLOCK_MONOTONIC);
		if (sh->min_slept[t->i] < 0 || t1 - t0 < sh->min_slept[t->i])
			sh->min_slept[t->i] = t1 - t0;
		t0 = t1;
	}
	sh->end[t->i] = t1;
	return NULL;
}

/* One member, NTHREADS threads; r->ret is how many were started. */
static void m_threads(struct fx_result *r, void *arg)
{
	struct thr t[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t bar;
	int n;

	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (n = 0; n < NTHREADS; n++) {
		t[n] = (struct thr){ .sh = arg, .bar = &bar, .i = n };
		if (pthread_create(&th[n], NULL, thread_sleeps, &t[n]))
			break;
	}
	/* The barrier needs them all: one missing, end the process. */
	if (n < NTHREADS) {
		r->ret = n;
		fx_send(r);
		_exit(0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	r->ret = n;
}

/*
 * Many distinct tasks woken between two jumps: 40 threads of one member
 * with deadlines a multiple of 10 ms apart from a common start, 5 each.
 * All finish, none early, each sleep near its own deadline, and the last
 * wake-ups come in deadline order wherever the deadlines are 200 ms apart.
 */
TEST_F_TIMEOUT(aim, many_threads_wake_in_turn, 120)
{
	long long worst_late = 0;
	int worst_i = -1, inversions = 0;
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_threads, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, 60000, &r))
		TH_LOG("%d threads did not finish their sleeps in 60 s real", NTHREADS);
	ASSERT_NE(FX_NOJOIN, r.ret);
	ASSERT_EQ(NTHREADS, r.ret) TH_LOG("only %lld threads started", r.ret);
	for (int i = 0; i < NTHREADS; i++) {
		struct shared *sh = self->sh;
		long long step = (i + 1) * STEP_MS * FX_MSEC;
		long long total = sh->end[i] - sh->start[i];

		EXPECT_EQ(0, sh->bad[i]) TH_LOG("thread %d: %d sleeps failed", i, sh->bad[i]);
		EXPECT_LE(NSLEEPS * step, total) TH_LOG("thread %d woke early", i);
		EXPECT_LE(step, sh->min_slept[i]) TH_LOG("thread %d woke early", i);
		/* Late by a wake-up's running time, never by a jump: 1 s is generous. */
		EXPECT_GT(NSLEEPS * (step + FX_NSEC), total)
			TH_LOG("thread %d: %.3f s virtual for %d x %lld ms", i, total / 1e9,
			       NSLEEPS, step / FX_MSEC);
		if (total - NSLEEPS * step > worst_late) {
			worst_late = total - NSLEEPS * step;
			worst_i = i;
		}
		for (int j = i + 4; j < NTHREADS; j++)
			if (sh->end[j] <= sh->end[i])
				inversions++;
	}
	EXPECT_EQ(0, inversions);
	TH_LOG("%d threads done in %.3f s real, %.3f s virtual", NTHREADS,
	       (c->t_done - c->t_spawn) / 1e9,
	       (self->sh->end[NTHREADS - 1] - self->sh->start[0]) / 1e9);
	TH_LOG("most late: thread %d, by %.3f ms over %d sleeps; %d order inversions",
	       worst_i, worst_late / 1e6, NSLEEPS, inversions);
}

TEST_HARNESS_MAIN
