// SPDX-License-Identifier: GPL-2.0
/*
 * Every kind of timed wait, in the only member of a group (AUTO on), with a
 * 1000 s timeout: the group is quiescent at once, so virtual time jumps to
 * the deadline and the wait comes back within FX_BOUND_MS of real time with
 * exactly what a real timeout gives (return value, errno, the remaining time
 * written back), and the member's virtual CLOCK_MONOTONIC (syscall) has
 * advanced by the timeout: at least 1000 s - 1 ms, less than 1000 s + 30 s.
 * One variant per wait; relative waits and absolute ones whose deadline is
 * the member's virtual now (syscall clock_gettime) + 1000 s.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include <linux/futex.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL
#define TMO_NS		(TMO_S * FX_NSEC)

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

/* Each wait stores what it returned; v[0..1] a written-back remaining time. */

static void w_nanosleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 }, rem = { -1, -1 };

	(void)arg;
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, &rem));
}

static void clock_rel(struct fx_result *r, clockid_t clk)
{
	struct timespec ts = { TMO_S, 0 };

	FX_TIMED(r, syscall(SYS_clock_nanosleep, clk, 0, &ts, NULL));
}

static void clock_abs(struct fx_result *r, clockid_t clk)
{
	struct timespec ts;
	long long t0 = fx_vclock_ns(CLOCK_MONOTONIC);

	ts = fx_ns_ts(fx_vclock_ns(clk) + TMO_NS);
	FX_TIMED(r, syscall(SYS_clock_nanosleep, clk, TIMER_ABSTIME, &ts, NULL));
	r->t0 = t0;
}

static void w_rel_mono(struct fx_result *r, void *a) { (void)a; clock_rel(r, CLOCK_MONOTONIC); }
static void w_rel_boot(struct fx_result *r, void *a) { (void)a; clock_rel(r, CLOCK_BOOTTIME); }
static void w_rel_real(struct fx_result *r, void *a) { (void)a; clock_rel(r, CLOCK_REALTIME); }
static void w_rel_tai(struct fx_result *r, void *a) { (void)a; clock_rel(r, CLOCK_TAI); }
static void w_abs_mono(struct fx_result *r, void *a) { (void)a; clock_abs(r, CLOCK_MONOTONIC); }
static void w_abs_boot(struct fx_result *r, void *a) { (void)a; clock_abs(r, CLOCK_BOOTTIME); }
static void w_abs_real(struct fx_result *r, void *a) { (void)a; clock_abs(r, CLOCK_REALTIME); }
static void w_abs_tai(struct fx_result *r, void *a) { (void)a; clock_abs(r, CLOCK_TAI); }

static void w_poll(struct fx_result *r, void *arg)
{
	(void)arg;
	FX_TIMED(r, syscall(SYS_poll, NULL, 0, (int)(TMO_S * 1000)));
}

static void w_poll_pipe(struct fx_result *r, void *arg)
{
	struct pollfd p = { .events = POLLIN };
	int fds[2];

	(void)arg;
	if (pipe(fds)) {
		r->ret = -2;
		return;
	}
	p.fd = fds[0];
	FX_TIMED(r, syscall(SYS_poll, &p, 1, (int)(TMO_S * 1000)));
	r->v[2] = p.revents;
}

static void w_ppoll(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };
	struct pollfd p = { .events = POLLIN };
	int fds[2];

	(void)arg;
	if (pipe(fds)) {
		r->ret = -2;
		return;
	}
	p.fd = fds[0];
	FX_TIMED(r, syscall(SYS_ppoll, &p, 1, &ts, NULL, 8));
	r->v[0] = ts.tv_sec;
	r->v[1] = ts.tv_nsec;
}

static void w_select(struct fx_result *r, void *arg)
{
	struct timeval tv = { TMO_S, 0 };
	fd_set rd;
	int fds[2];

	(void)arg;
	if (pipe(fds)) {
		r->ret = -2;
		return;
	}
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	FX_TIMED(r, syscall(SYS_select, fds[0] + 1, &rd, NULL, NULL, &tv));
	r->v[0] = tv.tv_sec;
	r->v[1] = tv.tv_usec;
	r->v[2] = FD_ISSET(fds[0], &rd);
}

static void w_pselect6(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };
	fd_set rd;
	int fds[2];

	(void)arg;
	if (pipe(fds)) {
		r->ret = -2;
		return;
	}
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	FX_TIMED(r, syscall(SYS_pselect6, fds[0] + 1, &rd, NULL, NULL, &ts, NULL));
	r->v[0] = ts.tv_sec;
	r->v[1] = ts.tv_nsec;
	r->v[2] = FD_ISSET(fds[0], &rd);
}

static void epoll_kind(struct fx_result *r, int kind)
{
	struct timespec ts = { TMO_S, 0 };
	struct epoll_event ev;
	int ep = epoll_create1(0);

	if (ep < 0) {
		r->ret = -2;
		return;
	}
	if (kind == 0)
		FX_TIMED(r, syscall(SYS_epoll_wait, ep, &ev, 1, (int)(TMO_S * 1000)));
	else if (kind == 1)
		FX_TIMED(r, syscall(SYS_epoll_pwait, ep, &ev, 1, (int)(TMO_S * 1000), NULL, 8));
	else
		FX_TIMED(r, syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8));
}

static void w_epoll_wait(struct fx_result *r, void *a) { (void)a; epoll_kind(r, 0); }
static void w_epoll_pwait(struct fx_result *r, void *a) { (void)a; epoll_kind(r, 1); }
static void w_epoll_pwait2(struct fx_result *r, void *a) { (void)a; epoll_kind(r, 2); }

static unsigned int futex_word;

static void w_futex_rel(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };

	(void)arg;
	FX_TIMED(r, syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, &ts, NULL, 0));
}

static void futex_abs(struct fx_result *r, clockid_t clk, int flag)
{
	long long t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	struct timespec ts = fx_ns_ts(fx_vclock_ns(clk) + TMO_NS);

	FX_TIMED(r, syscall(SYS_futex, &futex_word, FUTEX_WAIT_BITSET | flag, 0, &ts,
			    NULL, FUTEX_BITSET_MATCH_ANY));
	r->t0 = t0;
}

static void w_futex_bitset_mono(struct fx_result *r, void *a)
{
	(void)a;
	futex_abs(r, CLOCK_MONOTONIC, FUTEX_PRIVATE_FLAG);
}

static void w_futex_bitset_real(struct fx_result *r, void *a)
{
	(void)a;
	futex_abs(r, CLOCK_REALTIME, FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
}

static void w_futex_waitv(struct fx_result *r, void *arg)
{
	struct futex_waitv w = {
		.val = 0, .uaddr = (uintptr_t)&futex_word, .flags = FUTEX_32,
	};
	long long t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	struct timespec ts = fx_ns_ts(t0 + TMO_NS);

	(void)arg;
	FX_TIMED(r, syscall(SYS_futex_waitv, &w, 1, 0, &ts, CLOCK_MONOTONIC));
	r->t0 = t0;
}

static void w_sigtimedwait(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	FX_TIMED(r, syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8));
}

static void cond_wait(struct fx_result *r, clockid_t clk)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t ca;
	pthread_cond_t cv;
	struct timespec ts;
	long long t0;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, clk);
	pthread_cond_init(&cv, &ca);
	pthread_mutex_lock(&mu);
	t0 = fx_vclock_ns(CLOCK_MONOTONIC);
	ts = fx_ns_ts(fx_vclock_ns(clk) + TMO_NS);
	/* returns the error number; errno is not set */
	FX_TIMED(r, pthread_cond_timedwait(&cv, &mu, &ts));
	r->t0 = t0;
	r->err = r->ret;
	pthread_mutex_unlock(&mu);
}

static void w_cond_real(struct fx_result *r, void *a) { (void)a; cond_wait(r, CLOCK_REALTIME); }
static void w_cond_mono(struct fx_result *r, void *a) { (void)a; cond_wait(r, CLOCK_MONOTONIC); }

FIXTURE(sleep) {
	struct fx_env e;
};

FIXTURE_VARIANT(sleep) {
	fx_fn fn;
	long long ret;		/* expected return value */
	int err;		/* expected errno (0: not checked) */
	bool zero_rem;		/* v[0], v[1]: remaining time written back, 0 */
	bool fd_cleared;	/* v[2]: the fd is not reported ready */
};

#define WAIT(vname, f, r, e, ...)						\
	FIXTURE_VARIANT_ADD(sleep, vname) {					\
		.fn = f, .ret = r, .err = e, __VA_ARGS__			\
	}

WAIT(nanosleep, w_nanosleep, 0, 0);
WAIT(clock_nanosleep_monotonic, w_rel_mono, 0, 0);
WAIT(clock_nanosleep_boottime, w_rel_boot, 0, 0);
WAIT(clock_nanosleep_realtime, w_rel_real, 0, 0);
WAIT(clock_nanosleep_tai, w_rel_tai, 0, 0);
WAIT(clock_nanosleep_abs_monotonic, w_abs_mono, 0, 0);
WAIT(clock_nanosleep_abs_boottime, w_abs_boot, 0, 0);
WAIT(clock_nanosleep_abs_realtime, w_abs_real, 0, 0);
WAIT(clock_nanosleep_abs_tai, w_abs_tai, 0, 0);
WAIT(poll_no_fds, w_poll, 0, 0);
WAIT(poll_empty_pipe, w_poll_pipe, 0, 0);
WAIT(ppoll, w_ppoll, 0, 0, .zero_rem = true);
WAIT(select, w_select, 0, 0, .zero_rem = true, .fd_cleared = true);
WAIT(pselect6, w_pselect6, 0, 0, .zero_rem = true, .fd_cleared = true);
WAIT(epoll_wait, w_epoll_wait, 0, 0);
WAIT(epoll_pwait, w_epoll_pwait, 0, 0);
WAIT(epoll_pwait2, w_epoll_pwait2, 0, 0);
WAIT(futex_wait, w_futex_rel, -1, ETIMEDOUT);
WAIT(futex_wait_bitset_monotonic, w_futex_bitset_mono, -1, ETIMEDOUT);
WAIT(futex_wait_bitset_realtime, w_futex_bitset_real, -1, ETIMEDOUT);
WAIT(futex_waitv, w_futex_waitv, -1, ETIMEDOUT);
WAIT(rt_sigtimedwait, w_sigtimedwait, -1, EAGAIN);
WAIT(pthread_cond_timedwait_realtime, w_cond_real, ETIMEDOUT, ETIMEDOUT);
WAIT(pthread_cond_timedwait_monotonic, w_cond_mono, ETIMEDOUT, ETIMEDOUT);

FIXTURE_SETUP(sleep)
{
	FX_SETUP("sleep", -1);
}

FIXTURE_TEARDOWN(sleep)
{
	fx_env_cleanup(&self->e);
}

TEST_F_TIMEOUT(sleep, times_out, 60)
{
	struct fx_result r;
	struct fx_child *c;
	long long real, virt;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, variant->fn, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r)) {
		fx_get(&self->e, &g);
		TH_LOG("no return within %d ms of real time (group: members %u sleepers %u jumps %llu)",
		       FX_BOUND_MS, g.members, g.sleepers, (unsigned long long)g.jumps);
	}
	ASSERT_NE(FX_NOJOIN, r.ret) TH_LOG("%s: %s", r.msg, strerror(r.err));
	real = c->t_done - c->t_spawn;
	virt = r.t1 - r.t0;
	TH_LOG("returned %lld (errno %d) after %.3f s real, %.3f s virtual",
	       r.ret, r.err, real / 1e9, virt / 1e9);
	EXPECT_EQ(variant->ret, r.ret);
	if (variant->err)
		EXPECT_EQ(variant->err, r.err) TH_LOG("errno %s", strerror(r.err));
	EXPECT_LT(real, FX_BOUND_MS * FX_MSEC);
	EXPECT_LE(TMO_NS - FX_MSEC, virt);
	EXPECT_GT(TMO_NS + 30 * FX_NSEC, virt);
	if (variant->zero_rem) {
		/* A real timeout writes back a remaining time of 0. */
		EXPECT_EQ(0, r.v[0]);
		EXPECT_EQ(0, r.v[1]);
	}
	if (variant->fd_cleared)
		EXPECT_EQ(0, r.v[2]);
	/* The group counted the jump (less the real time before it), nobody waits. */
	ASSERT_EQ(0, fx_get(&self->e, &g)) TH_LOG("GET_GROUP: %s", self->e.sock.ext_msg);
	EXPECT_LE(1, g.jumps);
	EXPECT_LE((unsigned long long)TMO_NS - 10 * FX_NSEC, (unsigned long long)g.jumped_ns);
	EXPECT_EQ(0, g.sleepers);
}

TEST_HARNESS_MAIN
