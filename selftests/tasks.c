// SPDX-License-Identifier: GPL-2.0
/*
 * Members come and go: a member's forked child and an exec'd program are
 * members too; threads are members each with their own deadline, woken in
 * deadline order; a task in a descendant cgroup is a member; a member
 * killed in its sleep leaves the group usable; a member moved out of the
 * cgroup in its sleep finishes it in real time.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL
#define NTHREADS	8

struct shared {
	atomic_int stop;
};

static void m_sleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { *(long long *)arg, 0 };

	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

static void m_busy(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;

	fx_ready();
	while (!atomic_load(&sh->stop))
		r->v[0]++;
}

/* Forks; the child sleeps and sends the result; the member waits for it. */
static void m_fork(struct fx_result *r, void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		m_sleep(r, arg);
		fx_send(r);
		_exit(0);
	}
	r->nosend = 1;
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		r->nosend = 0;
		r->ret = -2;
	}
}

static void m_exec(struct fx_result *r, void *arg)
{
	(void)arg;
	execl("/bin/sleep", "sleep", "1000", (char *)NULL);
	r->ret = -2;
	r->err = errno;
}

static atomic_int wake_order;

struct thr {
	pthread_barrier_t *bar;
	int i;
	long long ret, order, slept;
};

static void *thread_sleep(void *arg)
{
	struct thr *t = arg;
	struct timespec ts = { t->i * 100, 0 };
	long long t0;

	pthread_barrier_wait(t->bar);
	t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	t->ret = syscall(SYS_nanosleep, &ts, NULL);
	t->order = atomic_fetch_add(&wake_order, 1);
	t->slept = fx_vclock_ns(CLOCK_MONOTONIC) - t0;
	return NULL;
}

/* NTHREADS threads sleep i * 100 s; v[i-1] = order | bad bits. */
static void m_threads(struct fx_result *r, void *arg)
{
	struct thr t[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t bar;

	(void)arg;
	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		t[i] = (struct thr){ .bar = &bar, .i = i + 1 };
		if (pthread_create(&th[i], NULL, thread_sleep, &t[i])) {
			r->ret = -2;
			_exit(2);	/* the others wait at the barrier forever */
		}
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++) {
		r->v[i] = t[i].order;
		if (t[i].ret)
			r->ret = -3;
		/* each slept its own i * 100 s of virtual time, give or take 30 s */
		if (t[i].slept < t[i].i * 100 * FX_NSEC - FX_MSEC ||
		    t[i].slept > (t[i].i * 100 + 30) * FX_NSEC) {
			r->ret = -4;
			snprintf(r->msg, sizeof(r->msg), "thread %d slept %.3f s", t[i].i,
				 t[i].slept / 1e9);
		}
	}
}

FIXTURE(tasks) {
	struct fx_env e;
	struct shared *sh;
	char subdir[192];
};

FIXTURE_SETUP(tasks)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	FX_SETUP("tasks", -1);
}

FIXTURE_TEARDOWN(tasks)
{
	if (self->subdir[0]) {
		fx_cg_kill_all(self->subdir);
		fx_cg_destroy(self->subdir);
	}
	fx_env_cleanup(&self->e);
	if (self->sh && self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

static void check_fast(struct __test_metadata *_metadata, struct fx_child *c,
		       struct fx_result *r)
{
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, r))
		TH_LOG("no result within %d ms of real time", FX_BOUND_MS);
	ASSERT_NE(FX_NOJOIN, r->ret);
	EXPECT_EQ(0, r->ret) TH_LOG("ret %lld errno %d %s", r->ret, r->err, r->msg);
	TH_LOG("%.3f s real, %.3f s virtual", (c->t_done - c->t_spawn) / 1e9, (r->t1 - r->t0) / 1e9);
}

TEST_F_TIMEOUT(tasks, forked_child_is_member, 60)
{
	long long tmo = TMO_S;
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_fork, &tmo);
	ASSERT_NE(NULL, c);
	check_fast(_metadata, c, &r);
	EXPECT_LE(TMO_S * FX_NSEC - FX_MSEC, r.t1 - r.t0);
	EXPECT_GT((TMO_S + 30) * FX_NSEC, r.t1 - r.t0);
}

TEST_F_TIMEOUT(tasks, exec_sleep_1000, 60)
{
	struct fx_child *c;
	struct fx_group g;
	long long t0;

	FX_RETURN_IF_SKIPPED();
	t0 = fx_real_ns();
	c = fx_spawn(&self->e, m_exec, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_reap(c, FX_BOUND_MS))
		TH_LOG("/bin/sleep 1000 still runs after %d ms", FX_BOUND_MS);
	TH_LOG("/bin/sleep 1000 took %.3f s real", (fx_real_ns() - t0) / 1e9);
	ASSERT_TRUE(WIFEXITED(c->status));
	EXPECT_EQ(0, WEXITSTATUS(c->status));
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_LE(1, g.jumps);
	EXPECT_LE((unsigned long long)(TMO_S - 10) * FX_NSEC, (unsigned long long)g.jumped_ns);
}

TEST_F_TIMEOUT(tasks, threads_wake_in_deadline_order, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_threads, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	for (int i = 0; i < NTHREADS; i++) {
		EXPECT_EQ(i, r.v[i])
			TH_LOG("thread sleeping %d s woke as #%lld", (i + 1) * 100, r.v[i]);
	}
	TH_LOG("%.3f s real", (c->t_done - c->t_spawn) / 1e9);
}

TEST_F_TIMEOUT(tasks, descendant_cgroup_is_member, 60)
{
	long long tmo = TMO_S;
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	snprintf(self->subdir, sizeof(self->subdir), "%s/sub", self->e.cgdir);
	ASSERT_EQ(0, mkdir(self->subdir, 0755));
	c = fx_spawn_in(self->e.kids, &self->e.nkids, self->subdir, m_sleep, &tmo);
	ASSERT_NE(NULL, c);
	check_fast(_metadata, c, &r);
	EXPECT_LE(TMO_S * FX_NSEC - FX_MSEC, r.t1 - r.t0);
}

TEST_F_TIMEOUT(tasks, killed_sleeper_leaves_group_usable, 60)
{
	long long tmo = TMO_S;
	struct fx_child *busy, *victim, *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	busy = fx_spawn(&self->e, m_busy, self->sh);
	ASSERT_NE(NULL, busy);
	ASSERT_EQ(0, fx_wait_ready(busy, 10000));
	victim = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, victim);
	ASSERT_EQ(0, fx_wait_ready(victim, 10000));
	ASSERT_EQ(0, fx_wait_state(victim->pid, 0, "S", 10000));
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.sleepers);
	ASSERT_EQ(0, kill(victim->pid, SIGKILL));
	ASSERT_EQ(0, fx_reap(victim, 10000));
	EXPECT_TRUE(WIFSIGNALED(victim->status));
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(0, g.sleepers) TH_LOG("the killed sleeper is still counted");
	EXPECT_EQ(1, g.members);
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(busy, FX_BOUND_MS, &r));
	/* The group still jumps for the next sleeper. */
	c = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, c);
	check_fast(_metadata, c, &r);
	EXPECT_LE(TMO_S * FX_NSEC - FX_MSEC, r.t1 - r.t0);
}

TEST_F_TIMEOUT(tasks, moved_out_sleeper_takes_real_time, 60)
{
	long long tmo = 1;
	struct fx_child *busy, *c;
	struct fx_result r;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	busy = fx_spawn(&self->e, m_busy, self->sh);
	ASSERT_NE(NULL, busy);
	ASSERT_EQ(0, fx_wait_ready(busy, 10000));
	c = fx_spawn(&self->e, m_sleep, &tmo);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	ASSERT_EQ(0, fx_cg_move(c->pid, FX_CGROOT));
	ASSERT_FALSE(fx_has_result(c)) TH_LOG("the 1 s sleep ended before the move: too slow to test");
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.members);
	EXPECT_EQ(0, g.sleepers);
	/* The group is quiescent now (no members running): no jump for c. */
	atomic_store(&self->sh->stop, 1);
	ASSERT_EQ(0, fx_collect(busy, FX_BOUND_MS, &r));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	TH_LOG("1 s sleep took %.3f s real after ready", (c->t_done - c->t_ready) / 1e9);
	EXPECT_LE(900 * FX_MSEC, c->t_done - c->t_ready);
}

TEST_HARNESS_MAIN
