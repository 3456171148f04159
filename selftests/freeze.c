// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing a group's clock (SET_GROUP FROZEN): virtual time stands still,
 * sleepers wait for a thaw or an advance, a thaw resumes where time stood,
 * and deleting a frozen group hands its sleepers back to real time, also
 * the sleepers caught between their arm and their block (a race, looped).
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"
#include "group_genl.h"

/* Sleeps *arg ms with nanosleep. */
static void m_sleep_ms(struct fx_result *r, void *arg)
{
	long long ms = *(long long *)arg;
	struct timespec ts = fx_ns_ts(ms * FX_MSEC);

	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

/* Reads MONOTONIC and REALTIME (syscalls) twice, 300 ms of CPU time apart. */
static void m_read_twice(struct fx_result *r, void *arg)
{
	(void)arg;
	fx_ready();
	r->v[0] = fx_vclock_ns(CLOCK_MONOTONIC);
	r->v[1] = fx_vclock_ns(CLOCK_REALTIME);
	/*
	 * A busy wait on CPU time, which is never virtual: a sleep would wait
	 * for the thaw, and the vDSO may read virtual time (its syscall
	 * fallback, as on 6.1 under emulation).
	 */
	r->v[4] = fx_vclock_ns(CLOCK_THREAD_CPUTIME_ID);
	while (fx_vclock_ns(CLOCK_THREAD_CPUTIME_ID) - r->v[4] < 300 * FX_MSEC)
		;
	r->v[2] = fx_vclock_ns(CLOCK_MONOTONIC);
	r->v[3] = fx_vclock_ns(CLOCK_REALTIME);
}

FIXTURE(frz) {
	struct fx_env e;
};

FIXTURE_SETUP(frz)
{
	FX_SETUP("frz", -1);
}

FIXTURE_TEARDOWN(frz)
{
	fx_env_cleanup(&self->e);
}

static void set_frozen(struct __test_metadata *_metadata, struct fx_env *e,
		       int on)
{
	struct fx_group g;

	ASSERT_EQ(0, fx_group_set(&e->sock, e->family, e->name,
				  FLUXCAP_A_GROUP_FROZEN, on, 1, &g))
		TH_LOG("SET FROZEN %d: %s", on, e->sock.ext_msg);
	EXPECT_EQ(on ? FLUXCAP_GROUP_F_FROZEN : 0,
		  g.flags & FLUXCAP_GROUP_F_FROZEN);
}

TEST_F_TIMEOUT(frz, clock_stands, 60)
{
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	set_frozen(_metadata, &self->e, 1);
	c = fx_spawn(&self->e, m_read_twice, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(r.v[0], r.v[2]) TH_LOG("MONOTONIC moved %lld ns", r.v[2] - r.v[0]);
	EXPECT_EQ(r.v[1], r.v[3]) TH_LOG("REALTIME moved %lld ns", r.v[3] - r.v[1]);
}

TEST_F_TIMEOUT(frz, sleeper_waits_for_thaw, 60)
{
	long long ms = 1000, t_thaw;
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	set_frozen(_metadata, &self->e, 1);
	c = fx_spawn(&self->e, m_sleep_ms, &ms);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	fx_msleep(2000);
	EXPECT_FALSE(fx_has_result(c)) TH_LOG("a 1 s sleep ended while frozen");
	t_thaw = fx_real_ns();
	set_frozen(_metadata, &self->e, 0);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("errno %d", r.err);
	/* Virtual time stood: the sleep took 1 s of it, however long it was frozen. */
	EXPECT_LE(ms * FX_MSEC - FX_MSEC, r.t1 - r.t0);
	EXPECT_GT(ms * FX_MSEC + FX_NSEC, r.t1 - r.t0);
	TH_LOG("woke %.3f s real after the thaw, %.3f s virtual",
	       (c->t_done - t_thaw) / 1e9, (r.t1 - r.t0) / 1e9);
}

TEST_F_TIMEOUT(frz, advance_while_frozen_wakes, 60)
{
	long long ms = 100 * 1000;
	struct fx_child *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	set_frozen(_metadata, &self->e, 1);
	c = fx_spawn(&self->e, m_sleep_ms, &ms);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	fx_msleep(300);
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_ADVANCE_NS, 100 * FX_NSEC, 8, &g));
	EXPECT_TRUE(g.flags & FLUXCAP_GROUP_F_FROZEN);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("errno %d", r.err);
	/* Frozen: the advance is all the virtual time that passed. */
	EXPECT_LE(ms * FX_MSEC - FX_MSEC, r.t1 - r.t0);
	EXPECT_GT(ms * FX_MSEC + FX_NSEC, r.t1 - r.t0);
}

TEST_F_TIMEOUT(frz, delete_frozen_gives_sleepers_back, 60)
{
	long long ms = 2000, t0;
	struct fx_child *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_AUTO, 0, 1, &g));
	c = fx_spawn(&self->e, m_sleep_ms, &ms);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	t0 = fx_real_ns();
	set_frozen(_metadata, &self->e, 1);
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family,
				     FLUXCAP_CMD_DEL_GROUP, self->e.name, NULL));
	self->e.have_group = false;
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r))
		TH_LOG("a 2 s sleeper of a deleted frozen group did not wake");
	EXPECT_EQ(0, r.ret);
	TH_LOG("2 s sleep ended %.3f s real after the freeze", (c->t_done - t0) / 1e9);
}

/* A member's threads sleep 2 ms at a time, each counting its sleeps. */
#define RACE_THREADS	4

struct race {
	long beats[RACE_THREADS];
	int stop;
};

struct race_thread {
	struct race *rc;
	int i;
};

static void *race_sleeper(void *arg)
{
	struct race_thread *t = arg;
	struct timespec ts = fx_ns_ts(2 * FX_MSEC);

	while (!__atomic_load_n(&t->rc->stop, __ATOMIC_RELAXED)) {
		syscall(SYS_nanosleep, &ts, NULL);
		__atomic_add_fetch(&t->rc->beats[t->i], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void m_race(struct fx_result *r, void *arg)
{
	struct race_thread t[RACE_THREADS];
	pthread_t th[RACE_THREADS];
	int i;

	for (i = 0; i < RACE_THREADS; i++) {
		t[i] = (struct race_thread){ .rc = arg, .i = i };
		if (pthread_create(&th[i], NULL, race_sleeper, &t[i]))
			_exit(98);
	}
	fx_ready();
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(th[i], NULL);
	r->ret = 0;
}

/*
 * Whether every sleeper thread counts on within bound ms: returns the
 * first that does not, or -1.
 */
static int race_stuck(struct race *rc, long bound_ms)
{
	long before[RACE_THREADS];
	long long end = fx_real_ns() + bound_ms * FX_MSEC;
	int i, behind;

	for (i = 0; i < RACE_THREADS; i++)
		before[i] = __atomic_load_n(&rc->beats[i], __ATOMIC_RELAXED);
	do {
		behind = -1;
		for (i = 0; i < RACE_THREADS && behind < 0; i++)
			if (__atomic_load_n(&rc->beats[i], __ATOMIC_RELAXED) == before[i])
				behind = i;
		if (behind < 0)
			return -1;
		usleep(200);
	} while (fx_real_ns() < end);
	return behind;
}

/*
 * Freeze, then delete or thaw, while sleepers arm and block again and
 * again: a sleeper caught between its arm and its block (on a CPU, not
 * aimed) must not keep the parked expiry. FLUXCAP_RACE_ROUNDS rounds
 * (default 500), alternating delete and thaw; every sleeper must go on
 * sleeping its 2 ms after each round.
 */
TEST_F_TIMEOUT(frz, freeze_delete_thaw_race, 600)
{
	const char *env = getenv("FLUXCAP_RACE_ROUNDS");
	long rounds = env ? atol(env) : 500, n, deletes = 0;
	long long t0 = fx_real_ns();
	struct fx_child *c;
	struct fx_result r;
	struct race *rc;
	struct fx_group g;
	int stuck;

	FX_RETURN_IF_SKIPPED();
	rc = mmap(NULL, sizeof(*rc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rc);
	c = fx_spawn(&self->e, m_race, rc);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	for (n = 0; n < rounds; n++) {
		set_frozen(_metadata, &self->e, 1);
		usleep(rand() % 500);
		if (n % 2) {
			set_frozen(_metadata, &self->e, 0);
		} else {
			ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family,
						     FLUXCAP_CMD_DEL_GROUP, self->e.name, NULL));
			deletes++;
		}
		stuck = race_stuck(rc, 3000);
		ASSERT_EQ(-1, stuck)
			TH_LOG("round %ld (%s): sleeper thread %d sleeps on", n,
			       n % 2 ? "thaw" : "delete", stuck);
		if (!(n % 2))
			ASSERT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name,
						  self->e.cgpath, -1, -1, &g))
				TH_LOG("NEW again: %s", self->e.sock.ext_msg);
	}
	__atomic_store_n(&rc->stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	TH_LOG("%ld rounds (%ld deletes, %ld thaws) in %.1f s, no stuck sleeper", rounds,
	       deletes, rounds - deletes, (fx_real_ns() - t0) / 1e9);
	munmap(rc, sizeof(*rc));
}

TEST_HARNESS_MAIN
