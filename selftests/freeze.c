// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing a group's clock (SET_GROUP FROZEN): virtual time stands still,
 * sleepers wait for a thaw or an advance, a thaw resumes where time stood,
 * and deleting a frozen group hands its sleepers back to real time.
 */

#define _GNU_SOURCE

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

TEST_HARNESS_MAIN
