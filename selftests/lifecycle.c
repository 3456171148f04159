// SPDX-License-Identifier: GPL-2.0
/*
 * A group's life: tasks already in the cgroup become members at creation;
 * deleting a group gives its sleepers their host timers back (they finish
 * in real time) and is announced as an event; the cgroup can be removed
 * while the group is bound, and the group can still be read and deleted;
 * ids are not reused.
 */

#define _GNU_SOURCE
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S	1000LL

static int block_pipe[2] = { -1, -1 };

static void m_sleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { *(long long *)arg, 0 };

	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

static void m_reader(struct fx_result *r, void *arg)
{
	char b;

	(void)arg;
	fx_ready();
	FX_TIMED(r, read(block_pipe[0], &b, 1));
}

static void m_nothing(struct fx_result *r, void *arg)
{
	(void)arg;
	r->ret = 0;
}

FIXTURE(life) {
	struct fx_env e;
};

/* The cgroup only: each test makes its group. */
FIXTURE_SETUP(life)
{
	ASSERT_EQ(0, pipe2(block_pipe, O_CLOEXEC));
	FX_SETUP("life", -2);
}

FIXTURE_TEARDOWN(life)
{
	fx_env_cleanup(&self->e);
	close(block_pipe[0]);
	close(block_pipe[1]);
}

static int new_group(struct fx_env *e, long long flags)
{
	int ret = fx_group_new(&e->sock, e->family, e->name, e->cgpath, -1, flags, &e->info);

	if (!ret)
		e->have_group = true;
	return ret;
}

TEST_F_TIMEOUT(life, existing_tasks_become_members, 60)
{
	long long tmo = TMO_S;
	struct fx_child *rd, *sl;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	/* A task blocked in the cgroup before the group exists... */
	rd = fx_spawn(&self->e, m_reader, NULL);
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, fx_wait_ready(rd, 10000));
	ASSERT_EQ(0, fx_wait_state(rd->pid, 0, "S", 10000));
	ASSERT_EQ(0, new_group(&self->e, -1)) TH_LOG("%s", self->e.sock.ext_msg);
	EXPECT_EQ(1, self->e.info.members);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.members);
	/* ...is a member, blocked: a new sleeper jumps at once. */
	sl = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, sl);
	ASSERT_EQ(0, fx_collect(sl, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	EXPECT_LE(TMO_S * FX_NSEC - FX_MSEC, r.t1 - r.t0);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.members);
}

TEST_F_TIMEOUT(life, delete_gives_sleepers_host_timers, 60)
{
	long long tmo = 3;
	struct genl_sock ev;
	struct fx_child *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, genl_open(&ev));
	ASSERT_EQ(0, fx_events_join(&ev));
	ASSERT_EQ(0, new_group(&self->e, 0)) TH_LOG("%s", self->e.sock.ext_msg);
	c = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.sleepers);
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL));
	self->e.have_group = false;
	EXPECT_EQ(0, fx_event_wait(&ev, self->e.family, FLUXCAP_CMD_EVENT_DELETED,
				   self->e.name, 5000, &g));
	EXPECT_EQ(self->e.info.id, g.id);
	EXPECT_EQ(-ENOENT, fx_get(&self->e, &g));
	/* The sleeper keeps sleeping, in real time, and wakes as it would have. */
	EXPECT_FALSE(fx_has_result(c));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	TH_LOG("3 s sleep took %.3f s real", (c->t_done - c->t_ready) / 1e9);
	EXPECT_LE(2900 * FX_MSEC, c->t_done - c->t_ready);
	EXPECT_LE(3 * FX_NSEC - FX_MSEC, r.t1 - r.t0);
	genl_close(&ev);
}

TEST_F_TIMEOUT(life, delete_while_jumped_and_sleeping, 60)
{
	long long tmo = 3;
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	/* A group whose clock is 1000 s ahead: the deleted sleeper still waits ~3 s. */
	ASSERT_EQ(0, new_group(&self->e, 0));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_ADVANCE_NS, TMO_S * FX_NSEC, 8, NULL));
	c = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL));
	self->e.have_group = false;
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	TH_LOG("3 s sleep took %.3f s real", (c->t_done - c->t_ready) / 1e9);
	EXPECT_LE(2900 * FX_MSEC, c->t_done - c->t_ready);
}

TEST_F_TIMEOUT(life, rmdir_while_bound, 60)
{
	struct fx_child *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_group(&self->e, -1));
	/* A member comes and goes; then the empty cgroup is removed. */
	c = fx_spawn(&self->e, m_nothing, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	ASSERT_EQ(0, fx_cg_destroy(self->e.cgdir)) TH_LOG("rmdir: %s", strerror(errno));
	self->e.have_cg = false;
	ASSERT_EQ(0, fx_get(&self->e, &g)) TH_LOG("GET after rmdir: %s", self->e.sock.ext_msg);
	EXPECT_EQ(self->e.info.id, g.id);
	EXPECT_STREQ(self->e.name, g.name);
	EXPECT_EQ(0, g.members);
	EXPECT_LE(1, fx_group_dump(&self->e.sock, self->e.family, NULL, NULL));
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL)) TH_LOG("%s", self->e.sock.ext_msg);
	self->e.have_group = false;
	EXPECT_EQ(-ENOENT, fx_get(&self->e, &g));
	/* A new cgroup of the same path binds afresh, under the same name. */
	ASSERT_EQ(0, mkdir(self->e.cgdir, 0755));
	self->e.have_cg = true;
	ASSERT_EQ(0, new_group(&self->e, -1)) TH_LOG("%s", self->e.sock.ext_msg);
	EXPECT_EQ(fx_cg_id(self->e.cgdir), self->e.info.cgroup_id);
}

TEST_F_TIMEOUT(life, ids_not_reused, 60)
{
	__u32 ids[3];

	FX_RETURN_IF_SKIPPED();
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, new_group(&self->e, -1));
		ids[i] = self->e.info.id;
		EXPECT_NE(0, ids[i]);
		for (int j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]);
		ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family,
					     FLUXCAP_CMD_DEL_GROUP, self->e.name, NULL));
		self->e.have_group = false;
	}
}

TEST_HARNESS_MAIN
