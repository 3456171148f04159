// SPDX-License-Identifier: GPL-2.0
/*
 * One clock per group: what members read through the time syscalls
 * (clock_gettime for every clock, gettimeofday, time) moves with the jumps
 * and is the same for every member; a non-member (the test process) keeps
 * real time and real sleeps while the group jumps; GROUP_START_NS sets the
 * members' wall clock.
 */

#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL
#define TMO_NS		(TMO_S * FX_NSEC)
#define Y2K_NS		(946684800LL * FX_NSEC)	/* 2000-01-01T00:00:00Z */

struct shared {
	atomic_int stop;
	int pipe[2];
};

static long long real_now_ns(void)	/* the caller's REALTIME, vDSO */
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return fx_ts_ns(&ts);
}

/* Every time syscall, as ns: REALTIME, TAI, MONOTONIC, BOOTTIME, gettimeofday, time. */
static void read_all(long long *v)
{
	struct timeval tv;

	v[0] = fx_vclock_ns(CLOCK_REALTIME);
	v[1] = fx_vclock_ns(CLOCK_TAI);
	v[2] = fx_vclock_ns(CLOCK_MONOTONIC);
	v[3] = fx_vclock_ns(CLOCK_BOOTTIME);
	syscall(SYS_gettimeofday, &tv, NULL);
	v[4] = tv.tv_sec * FX_NSEC + tv.tv_usec * 1000LL;
	v[5] = syscall(SYS_time, NULL) * FX_NSEC;
}

static const char *const clock_names[6] = {
	"REALTIME", "TAI", "MONOTONIC", "BOOTTIME", "gettimeofday", "time",
};

/* Sleeps TMO_S, sending every clock before (v[0..5]) through the pipe first. */
static void m_sleep_all(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };
	long long before[6];

	(void)arg;
	read_all(before);
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
	read_all(r->v);
	r->v[6] = before[0];
	/* the differences after - before, for the test */
	for (int i = 0; i < 6; i++)
		r->v[i] -= before[i];
}

/* Sleeps TMO_S, reports REALTIME after it, then blocks forever (no timeout). */
static void m_sleep_then_idle(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };

	(void)arg;
	r->v[1] = fx_vclock_ns(CLOCK_REALTIME);
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
	r->v[0] = fx_vclock_ns(CLOCK_REALTIME);
	r->goes_on = 1;
	fx_send(r);
	r->nosend = 1;
	for (;;)
		pause();
}

/* Blocks (no timeout) until the test writes, then reads REALTIME. */
static void m_wait_then_read(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	char b;

	fx_ready();
	r->ret = read(sh->pipe[0], &b, 1);
	r->v[0] = fx_vclock_ns(CLOCK_REALTIME);
	r->v[1] = fx_vclock_ns(CLOCK_MONOTONIC);
}

/* Sleeps 100 s again and again until told to stop: a stream of jumps. */
static void m_sleep_loop(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	struct timespec ts = { 100, 0 };
	long long t0 = fx_vclock_ns(CLOCK_MONOTONIC);

	fx_ready();
	while (!atomic_load(&sh->stop) && r->v[0] < 100000) {
		if (syscall(SYS_nanosleep, &ts, NULL))
			r->v[1]++;
		r->v[0]++;
	}
	r->t0 = t0;
	r->t1 = fx_vclock_ns(CLOCK_MONOTONIC);
}

static void m_read_realtime(struct fx_result *r, void *arg)
{
	(void)arg;
	r->v[0] = fx_vclock_ns(CLOCK_REALTIME);
	r->v[1] = fx_vclock_ns(CLOCK_TAI);
	r->v[2] = fx_vclock_ns(CLOCK_MONOTONIC);
}

FIXTURE(clocks) {
	struct fx_env e;
	struct shared *sh;
};

FIXTURE_SETUP(clocks)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	ASSERT_EQ(0, pipe2(self->sh->pipe, O_CLOEXEC));
	FX_SETUP("clk", -1);
}

FIXTURE_TEARDOWN(clocks)
{
	fx_env_cleanup(&self->e);
	if (self->sh && self->sh != MAP_FAILED) {
		close(self->sh->pipe[0]);
		close(self->sh->pipe[1]);
		munmap(self->sh, sizeof(*self->sh));
	}
}

/* Every time syscall of a member moves by the jump. */
TEST_F_TIMEOUT(clocks, every_time_syscall_jumps, 60)
{
	long long spawn_real = real_now_ns();
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_sleep_all, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	ASSERT_EQ(0, r.ret);
	for (int i = 0; i < 6; i++) {
		/* time() and gettimeofday() have coarser units */
		long long slack = i == 5 ? FX_NSEC : FX_MSEC;

		EXPECT_LE(TMO_NS - slack, r.v[i]) TH_LOG("%s moved %.6f s", clock_names[i], r.v[i] / 1e9);
		EXPECT_GT(TMO_NS + 30 * FX_NSEC, r.v[i]) TH_LOG("%s moved %.6f s", clock_names[i], r.v[i] / 1e9);
	}
	/* Without GROUP_START_NS, the wall clock started at the host's. */
	EXPECT_GT(5 * FX_NSEC, llabs(r.v[6] - spawn_real))
		TH_LOG("member REALTIME before the jump %lld, host %lld", r.v[6], spawn_real);
}

/* Two members read the same virtual wall clock; the test process does not. */
TEST_F_TIMEOUT(clocks, members_agree, 60)
{
	struct fx_child *a, *b;
	struct fx_result ra, rb;
	long long host;

	FX_RETURN_IF_SKIPPED();
	b = fx_spawn(&self->e, m_wait_then_read, self->sh);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, fx_wait_ready(b, 10000));
	ASSERT_EQ(0, fx_wait_state(b->pid, 0, "S", 10000));
	a = fx_spawn(&self->e, m_sleep_then_idle, NULL);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, fx_collect(a, FX_BOUND_MS, &ra));
	ASSERT_EQ(0, ra.ret);
	EXPECT_LE(TMO_NS - FX_MSEC, ra.v[0] - ra.v[1]);
	/* a is blocked in pause(); wake b. */
	ASSERT_EQ(1, write(self->sh->pipe[1], "x", 1));
	ASSERT_EQ(0, fx_collect(b, FX_BOUND_MS, &rb));
	host = real_now_ns();
	ASSERT_EQ(1, rb.ret);
	TH_LOG("a %.3f, b %.3f, host %.3f (s since epoch)", ra.v[0] / 1e9, rb.v[0] / 1e9, host / 1e9);
	EXPECT_GT(5 * FX_NSEC, llabs(rb.v[0] - ra.v[0]));
	/* b never slept, yet its clock moved with the group's. */
	EXPECT_LE(TMO_NS - FX_NSEC, rb.v[0] - host);
}

/* The test process is no member: its sleeps and clocks stay real. */
TEST_F_TIMEOUT(clocks, non_member_keeps_real_time, 60)
{
	struct timespec ts = { 0, 200 * FX_MSEC };
	long long t0, t1, s0, s1;
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_sleep_loop, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	t0 = fx_real_ns();
	s0 = fx_vclock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, syscall(SYS_nanosleep, &ts, NULL));
	s1 = fx_vclock_ns(CLOCK_MONOTONIC);
	t1 = fx_real_ns();
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	TH_LOG("non-member slept %.3f s real while the member made %lld jumps (%.0f s virtual)",
	       (t1 - t0) / 1e9, r.v[0], (r.t1 - r.t0) / 1e9);
	EXPECT_LE(200 * FX_MSEC, t1 - t0);
	EXPECT_LE(200 * FX_MSEC, s1 - s0);
	/* syscall and vDSO agree for a non-member: both real. */
	EXPECT_GT(FX_NSEC, llabs(s1 - t1));
	EXPECT_GT(FX_NSEC, llabs((s1 - s0) - (t1 - t0)));
	EXPECT_LT(0, r.v[0]);
	EXPECT_EQ(0, r.v[1]);
	EXPECT_LE(r.v[0] * 100 * FX_NSEC, r.t1 - r.t0);
}

/* SET GROUP_START_NS: members' REALTIME (and TAI) read that date; MONOTONIC does not move. */
TEST_F_TIMEOUT(clocks, start_date, 60)
{
	long long mono_before, mono_after;
	struct fx_group g;
	int ret;
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, fx_get(&self->e, &g));
	mono_before = g.mono_ns;
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_START_NS, Y2K_NS, 8, &g))
		TH_LOG("SET START_NS: %s", self->e.sock.ext_msg);
	EXPECT_GT(5 * FX_NSEC, llabs(g.real_ns - Y2K_NS));
	ASSERT_EQ(0, fx_get(&self->e, &g));
	mono_after = g.mono_ns;
	EXPECT_GT(5 * FX_NSEC, llabs(g.real_ns - Y2K_NS));
	EXPECT_GT(5 * FX_NSEC, mono_after - mono_before);
	EXPECT_LE(0, mono_after - mono_before);
	c = fx_spawn(&self->e, m_read_realtime, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_GT(10 * FX_NSEC, llabs(r.v[0] - Y2K_NS)) TH_LOG("member REALTIME %lld", r.v[0]);
	/* TAI moves with REALTIME: their difference is the host's (tens of s at most). */
	EXPECT_GT(100 * FX_NSEC, llabs(r.v[1] - r.v[0]));
	/* MONOTONIC is not shifted. */
	EXPECT_GT(30 * FX_NSEC, llabs(r.v[2] - fx_real_ns()));
	/* A negative date is refused (range: EINVAL or the policy's ERANGE). */
	ret = fx_group_set(&self->e.sock, self->e.family, self->e.name,
			   FLUXCAP_A_GROUP_START_NS, (__u64)-FX_NSEC, 8, NULL);
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("got %d", ret);
}

TEST_HARNESS_MAIN
