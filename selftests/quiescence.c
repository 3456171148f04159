// SPDX-License-Identifier: GPL-2.0
/*
 * When the clock jumps: only when every member is blocked (interruptibly
 * sleeping or stopped) and one of them waits with a timeout. A member
 * blocked without a timeout does not hold time back; a running member, or
 * one in uninterruptible sleep, does, until it stops; with several
 * sleepers, time jumps to the earliest deadline first; with nobody waiting
 * on a timeout the group is "idle forever" (counted, and an event).
 */

#define _GNU_SOURCE
#include <limits.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S	1000LL

struct shared {
	atomic_int stop;	/* set by the test: busy members finish */
	int pipe[2];		/* readers block on pipe[0] */
};

static void m_sleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { *(long long *)arg, 0 };

	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

/* Blocks in read() with no timeout until the test writes to the pipe. */
static void m_reader(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	char b;

	fx_ready();
	FX_TIMED(r, read(sh->pipe[0], &b, 1));
}

/* Runs (never blocks) until the test sets sh->stop. */
static void m_busy(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	long long n = 0;

	fx_ready();
	while (!atomic_load(&sh->stop))
		n++;
	r->v[0] = n;
}

/* vfork(): the member waits for its child in TASK_KILLABLE ("D"). */
static void m_vfork(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;
	pid_t pid;
	char b;

	fx_ready();
	pid = vfork();
	if (pid == 0) {
		if (read(sh->pipe[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	r->ret = pid;
	waitpid(pid, NULL, 0);
}

#define LOOPS	100
#define STEP_NS	(10 * FX_MSEC)

/*
 * The only member sleeps 10 ms at a time, by relative nanosleep and by
 * absolute clock_nanosleep: v[0] failures, v[1]/v[2] shortest/longest
 * virtual sleep, v[3] virtual ns in all.
 */
static void m_loop(struct fx_result *r, void *arg)
{
	struct timespec ts = fx_ns_ts(STEP_NS), abs;
	long long a, b, first;
	int i, ret;

	(void)arg;
	fx_ready();
	r->v[1] = LLONG_MAX;
	first = fx_vclock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < 2 * LOOPS; i++) {
		a = fx_vclock_ns(CLOCK_MONOTONIC);
		if (i % 2) {
			abs = fx_ns_ts(a + STEP_NS);
			ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
		} else {
			ret = (int)syscall(SYS_nanosleep, &ts, NULL);
		}
		b = fx_vclock_ns(CLOCK_MONOTONIC);
		r->v[0] += ret != 0;
		r->v[1] = b - a < r->v[1] ? b - a : r->v[1];
		r->v[2] = b - a > r->v[2] ? b - a : r->v[2];
	}
	r->v[3] = fx_vclock_ns(CLOCK_MONOTONIC) - first;
}

FIXTURE(quiet) {
	struct fx_env e;
	struct shared *sh;
};

FIXTURE_SETUP(quiet)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	ASSERT_EQ(0, pipe2(self->sh->pipe, O_CLOEXEC));
	FX_SETUP("quiet", -1);
}

FIXTURE_TEARDOWN(quiet)
{
	fx_env_cleanup(&self->e);
	if (self->sh != MAP_FAILED && self->sh) {
		close(self->sh->pipe[0]);
		close(self->sh->pipe[1]);
		munmap(self->sh, sizeof(*self->sh));
	}
}

/* Starts a member sleeping tmo seconds; it has reported ready. */
static struct fx_child *start_sleeper(struct __test_metadata *_metadata,
				      struct fx_env *e, long long *tmo)
{
	struct fx_child *c = fx_spawn(e, m_sleep, tmo);

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	return c;
}

/* The sleeper came back within the bound, from a real-looking timeout. */
static void check_jumped(struct __test_metadata *_metadata, struct fx_child *c,
			 long long tmo_s)
{
	struct fx_result r;

	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r))
		TH_LOG("the sleeper of %lld s is still asleep after %d ms", tmo_s, FX_BOUND_MS);
	ASSERT_NE(FX_NOJOIN, r.ret);
	EXPECT_EQ(0, r.ret) TH_LOG("errno %d", r.err);
	EXPECT_LE(tmo_s * FX_NSEC - FX_MSEC, r.t1 - r.t0);
	EXPECT_GT((tmo_s + 30) * FX_NSEC, r.t1 - r.t0);
	TH_LOG("sleeper of %lld s: %.3f s real, %.3f s virtual", tmo_s,
	       (c->t_done - c->t_spawn) / 1e9, (r.t1 - r.t0) / 1e9);
}

TEST_F_TIMEOUT(quiet, blocked_reader_does_not_hold_time, 60)
{
	long long tmo = TMO_S;
	struct fx_child *rd, *sl;

	FX_RETURN_IF_SKIPPED();
	rd = fx_spawn(&self->e, m_reader, self->sh);
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, fx_wait_ready(rd, 10000));
	ASSERT_EQ(0, fx_wait_state(rd->pid, 0, "S", 10000));
	sl = start_sleeper(_metadata, &self->e, &tmo);
	check_jumped(_metadata, sl, TMO_S);
	/* The reader is still blocked: nothing woke it. */
	EXPECT_FALSE(fx_has_result(rd));
}

TEST_F_TIMEOUT(quiet, running_member_holds_time, 60)
{
	long long tmo = TMO_S, t_stop;
	struct fx_child *busy, *sl;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	busy = fx_spawn(&self->e, m_busy, self->sh);
	ASSERT_NE(NULL, busy);
	ASSERT_EQ(0, fx_wait_ready(busy, 10000));
	sl = start_sleeper(_metadata, &self->e, &tmo);
	fx_msleep(2000);
	/* 2 s of real time with a member running: no jump. */
	EXPECT_FALSE(fx_has_result(sl)) TH_LOG("the sleeper returned while a member ran");
	t_stop = fx_real_ns();
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(busy, FX_BOUND_MS, &r));
	EXPECT_LT(0, r.v[0]);
	check_jumped(_metadata, sl, TMO_S);
	EXPECT_LE(2 * FX_NSEC, sl->t_done - sl->t_ready);
	TH_LOG("sleeper returned %.3f s after the busy member stopped",
	       (sl->t_done - t_stop) / 1e9);
}

TEST_F_TIMEOUT(quiet, uninterruptible_member_holds_time, 60)
{
	long long tmo = TMO_S;
	struct fx_child *vf, *sl;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	vf = fx_spawn(&self->e, m_vfork, self->sh);
	ASSERT_NE(NULL, vf);
	ASSERT_EQ(0, fx_wait_ready(vf, 10000));
	/* The vfork() parent waits in TASK_KILLABLE, shown as D. */
	ASSERT_EQ(0, fx_wait_state(vf->pid, 0, "D", 10000))
		TH_LOG("vfork parent state %c", fx_task_state(vf->pid, 0));
	sl = start_sleeper(_metadata, &self->e, &tmo);
	fx_msleep(2000);
	EXPECT_FALSE(fx_has_result(sl))
		TH_LOG("the sleeper returned while a member was in uninterruptible sleep");
	EXPECT_EQ('D', fx_task_state(vf->pid, 0));
	/* Let the vfork child exit: the parent wakes, finishes, exits. */
	ASSERT_EQ(1, write(self->sh->pipe[1], "x", 1));
	ASSERT_EQ(0, fx_collect(vf, FX_BOUND_MS, &r));
	EXPECT_LT(0, r.ret);
	check_jumped(_metadata, sl, TMO_S);
	EXPECT_LE(2 * FX_NSEC, sl->t_done - sl->t_ready);
}

TEST_F_TIMEOUT(quiet, stopped_member_does_not_hold_time, 60)
{
	long long tmo = TMO_S;
	struct fx_child *busy, *sl;

	FX_RETURN_IF_SKIPPED();
	busy = fx_spawn(&self->e, m_busy, self->sh);
	ASSERT_NE(NULL, busy);
	ASSERT_EQ(0, fx_wait_ready(busy, 10000));
	sl = start_sleeper(_metadata, &self->e, &tmo);
	fx_msleep(500);
	EXPECT_FALSE(fx_has_result(sl)) TH_LOG("the sleeper returned while a member ran");
	/* Stopped counts as blocked: the running member's SIGSTOP lets time jump. */
	ASSERT_EQ(0, kill(busy->pid, SIGSTOP));
	ASSERT_EQ(0, fx_wait_state(busy->pid, 0, "T", 10000));
	check_jumped(_metadata, sl, TMO_S);
	kill(busy->pid, SIGCONT);
}

TEST_F_TIMEOUT(quiet, earliest_deadline_first, 60)
{
	long long t1 = TMO_S, t2 = 2 * TMO_S;
	struct fx_child *busy, *a, *b;
	struct fx_result ra, rb, r;

	FX_RETURN_IF_SKIPPED();
	/* A running member holds time while both sleepers go to sleep. */
	busy = fx_spawn(&self->e, m_busy, self->sh);
	ASSERT_NE(NULL, busy);
	ASSERT_EQ(0, fx_wait_ready(busy, 10000));
	b = start_sleeper(_metadata, &self->e, &t2);
	a = start_sleeper(_metadata, &self->e, &t1);
	ASSERT_EQ(0, fx_wait_state(b->pid, 0, "S", 10000));
	ASSERT_EQ(0, fx_wait_state(a->pid, 0, "S", 10000));
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(busy, FX_BOUND_MS, &r));
	ASSERT_EQ(0, fx_collect(a, FX_BOUND_MS, &ra));
	ASSERT_EQ(0, fx_collect(b, FX_BOUND_MS, &rb));
	EXPECT_EQ(0, ra.ret);
	EXPECT_EQ(0, rb.ret);
	/* The first jump went to a's deadline, not past it to b's. */
	EXPECT_LE(t1 * FX_NSEC - FX_MSEC, ra.t1 - ra.t0);
	EXPECT_GT((t1 + 30) * FX_NSEC, ra.t1 - ra.t0);
	EXPECT_LE(t2 * FX_NSEC - FX_MSEC, rb.t1 - rb.t0);
	EXPECT_GT((t2 + 30) * FX_NSEC, rb.t1 - rb.t0);
	/* a woke first in virtual time too. */
	EXPECT_LT(ra.t1, rb.t1);
}

TEST_F_TIMEOUT(quiet, idle_forever_is_reported, 60)
{
	struct genl_sock ev;
	struct fx_child *rd;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, genl_open(&ev));
	ASSERT_EQ(0, fx_events_join(&ev));
	/* The only member waits with no timeout: no jump, "idle forever". */
	rd = fx_spawn(&self->e, m_reader, self->sh);
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, fx_event_wait(&ev, self->e.family, FLUXCAP_CMD_EVENT_IDLE_FOREVER,
				   self->e.name, 10000, &g))
		TH_LOG("no EVENT_IDLE_FOREVER within 10 s");
	EXPECT_TRUE(FX_SEEN(&g, FLUXCAP_A_GROUP_ID));
	EXPECT_EQ(self->e.info.id, g.id);
	EXPECT_EQ(1, g.members);
	EXPECT_LE(1, g.idle_forever);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_LE(1, g.idle_forever);
	EXPECT_EQ(0, g.jumps);
	EXPECT_EQ(0, g.sleepers);
	EXPECT_FALSE(fx_has_result(rd));
	genl_close(&ev);
}

/* A lone member's every sleep is a jump to exactly its own deadline. */
TEST_F_TIMEOUT(quiet, lone_member_sleeps_exactly, 60)
{
	struct fx_result r;
	struct fx_child *c;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_loop, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	TH_LOG("%d sleeps of 10 ms: %.3f s real, %.3f s virtual, each %.3f to %.3f ms",
	       2 * LOOPS, (c->t_done - c->t_spawn) / 1e9, r.v[3] / 1e9,
	       r.v[1] / 1e6, r.v[2] / 1e6);
	EXPECT_EQ(0, r.v[0]);
	EXPECT_LE(STEP_NS, r.v[1]);
	EXPECT_GT(STEP_NS + FX_NSEC, r.v[2]);
	EXPECT_LE(2 * LOOPS * STEP_NS, r.v[3]);
	/*
	 * Exactly: virtual time past the deadlines is time the member ran,
	 * so at most the real time of the whole run. (A per-sleep bound of
	 * 5 ms failed once on a loaded host: one step of 15.25 ms, 200 steps
	 * 2.007 s virtual in 0.015 s real; a vCPU stall adds to both.)
	 */
	EXPECT_GE(c->t_done - c->t_spawn, r.v[3] - 2 * LOOPS * STEP_NS);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_LE(2 * LOOPS, g.jumps);
	EXPECT_EQ(0, g.sleepers);
}

TEST_HARNESS_MAIN
