// SPDX-License-Identifier: GPL-2.0
/*
 * Members read the group's time through the vDSO, with no preload: the
 * module shows each member's address space its group's copy of the vDSO
 * data page, tied to it by an anchor mapping (anon_inode:[fluxcap-vdso]).
 * The vDSO moves with the jumps and agrees with the syscalls; a fork child
 * inherits it, even without the anchor (MADV_DONTFORK) or after the anchor
 * was unmapped; a frozen group's vDSO stands; a process attached while it
 * runs reads the group's time from its next read; one that outlives its
 * group, or leaves it, keeps the group's clock (vDSO and syscalls alike). The clock page a member may map
 * (/dev/fluxcap) stays out of core dumps and cannot be grown.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "kselftest_harness.h"

#include "group.h"

#define JUMP_S		1000LL
#define JUMP_NS		(JUMP_S * FX_NSEC)

struct shared {
	int go[2];	/* the test's steps for a member that waits on them */
};

/* The anchor's address in this process's maps, or 0. */
static unsigned long anchor_addr(void)
{
	unsigned long start = 0, s;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "fluxcap-vdso") && sscanf(line, "%lx-", &s) == 1) {
			start = s;
			break;
		}
	fclose(f);
	return start;
}

/* Whether the mapping at addr has VmFlags flag (two letters), per smaps. */
static bool vm_flag(unsigned long addr, const char *flag)
{
	char line[512], want[32];
	bool in = false, has = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%lx-", addr);
	while (fgets(line, sizeof(line), f)) {
		const char *dash = strchr(line, '-'), *sp = strchr(line, ' ');

		/* A mapping's first line: "start-end perms ...". */
		if (dash && sp && dash < sp && isxdigit((unsigned char)line[0]))
			in = !strncmp(line, want, strlen(want));
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			char tag[3];
			const char *p = line + 8;

			while (sscanf(p, " %2s", tag) == 1) {
				has |= !strcmp(tag, flag);
				p = strstr(p, tag) + 2;
			}
			break;
		}
	}
	fclose(f);
	return has;
}

/* Through libc, so through the vDSO. */
static long long vdso_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return fx_ts_ns(&ts);
}

static const clockid_t vdso_clocks[6] = {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI,
	CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
};

static const char *const vdso_names[8] = {
	"REALTIME", "MONOTONIC", "BOOTTIME", "TAI", "REALTIME_COARSE",
	"MONOTONIC_COARSE", "gettimeofday", "time",
};

static void vdso_all(long long *v)
{
	struct timeval tv;
	int i;

	for (i = 0; i < 6; i++)
		v[i] = vdso_ns(vdso_clocks[i]);
	gettimeofday(&tv, NULL);
	v[6] = tv.tv_sec * FX_NSEC + tv.tv_usec * 1000LL;
	v[7] = time(NULL) * FX_NSEC;
}

/* vDSO minus syscall MONOTONIC, the largest of n tries, as ns. */
static long long vdso_off_syscall(int n)
{
	long long worst = 0;

	while (n--) {
		long long s = fx_vclock_ns(CLOCK_MONOTONIC);
		long long v = vdso_ns(CLOCK_MONOTONIC);
		long long d = v - s;

		if (llabs(d) > llabs(worst))
			worst = d;
	}
	return worst;
}

static void jump(void)
{
	struct timespec ts = { JUMP_S, 0 };

	syscall(SYS_nanosleep, &ts, NULL);
}

static void wait_go(struct shared *sh)
{
	char c;

	if (read(sh->go[0], &c, 1) != 1)
		_exit(97);
}

/* Every vDSO clock before and after a jump: v[i] is how far it moved. */
static void m_jump(struct fx_result *r, void *arg)
{
	long long before[8];
	int i;

	(void)arg;
	vdso_all(before);
	jump();
	vdso_all(r->v);
	for (i = 0; i < 8; i++)
		r->v[i] -= before[i];
	r->ret = anchor_addr() != 0;
}

/*
 * Around a jump, each vDSO read lies between the syscall reads around it:
 * ret counts the reads that do not.
 */
static void m_ordered(struct fx_result *r, void *arg)
{
	int i, round;

	(void)arg;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 2000; i++) {
			long long s1 = fx_vclock_ns(CLOCK_MONOTONIC);
			long long v = vdso_ns(CLOCK_MONOTONIC);
			long long s2 = fx_vclock_ns(CLOCK_MONOTONIC);
			long long r1 = fx_vclock_ns(CLOCK_REALTIME);
			long long w = vdso_ns(CLOCK_REALTIME);
			long long r2 = fx_vclock_ns(CLOCK_REALTIME);

			r->ret += v < s1 || v > s2;
			r->ret += w < r1 || w > r2;
		}
		if (!round)
			jump();
	}
	r->v[0] = vdso_off_syscall(100);
}

/*
 * After a jump, a fork child (no exec) reads the vDSO: arg selects how the
 * child comes by the page. Child exit status: 0 when its vDSO agrees with
 * its syscalls, 1 when it does not, 2 when it has no anchor afterwards.
 */
enum fork_how { FORK_PLAIN, FORK_DONTFORK, FORK_UNMAPPED };

static void m_fork(struct fx_result *r, void *arg)
{
	enum fork_how how = (enum fork_how)(long)arg;
	unsigned long a;
	int status;
	pid_t pid;

	vdso_ns(CLOCK_MONOTONIC);	/* the anchor is made */
	jump();
	a = anchor_addr();
	r->v[1] = a != 0;
	if (a && how == FORK_DONTFORK)
		r->v[2] = madvise((void *)a, getpagesize(), MADV_DONTFORK);
	if (a && how == FORK_UNMAPPED)
		r->v[2] = munmap((void *)a, getpagesize());
	r->v[3] = vdso_off_syscall(100);	/* the parent, after that */
	pid = fork();
	if (pid == 0) {
		long long d = vdso_off_syscall(100);

		if (llabs(d) > 50 * FX_MSEC)
			_exit(1);
		_exit(anchor_addr() ? 0 : 2);
	}
	r->ret = waitpid(pid, &status, 0) == pid && WIFEXITED(status) ?
		 WEXITSTATUS(status) : -1;
	r->v[0] = vdso_off_syscall(100);
}

/* Reads the vDSO (v[0] MONOTONIC, v[1] REALTIME, v[2] time()) at each step. */
static void m_steps(struct fx_result *r, void *arg)
{
	struct shared *sh = arg;

	for (;;) {
		r->v[0] = vdso_ns(CLOCK_MONOTONIC);
		r->v[1] = vdso_ns(CLOCK_REALTIME);
		r->v[2] = time(NULL);
		r->v[3] = fx_vclock_ns(CLOCK_MONOTONIC);
		r->v[4] = anchor_addr() != 0;
		r->v[5] = fx_vclock_ns(CLOCK_REALTIME);
		r->goes_on = 1;
		fx_send(r);
		wait_go(sh);
	}
}

/*
 * The group's clock page (/dev/fluxcap) mapped by a member: never in a
 * core dump, never grown by mremap. v[0] dd, v[1] de, v[2] mremap's result
 * growing it, ret the map result.
 */
static void m_clock_page(struct fx_result *r, void *arg)
{
	long pg = getpagesize();
	void *p, *q;
	int fd;

	(void)arg;
	fd = open("/dev/fluxcap", O_RDONLY | O_CLOEXEC);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	r->ret = p != MAP_FAILED;
	if (p == MAP_FAILED)
		return;
	r->v[0] = vm_flag((unsigned long)p, "dd");
	r->v[1] = vm_flag((unsigned long)p, "de");
	q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
	r->v[2] = q != MAP_FAILED;
}

FIXTURE(vdso) {
	struct fx_env e;
	struct shared *sh;
};

FIXTURE_SETUP(vdso)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	ASSERT_EQ(0, pipe2(self->sh->go, O_CLOEXEC));
	FX_SETUP("vdso", -1);
}

FIXTURE_TEARDOWN(vdso)
{
	fx_env_cleanup(&self->e);
	if (self->sh && self->sh != MAP_FAILED) {
		close(self->sh->go[0]);
		close(self->sh->go[1]);
		munmap(self->sh, sizeof(*self->sh));
	}
}

static void go(FIXTURE_DATA(vdso) *self)
{
	if (write(self->sh->go[1], "g", 1) != 1)
		abort();
}

/* Every clock the vDSO serves moves by the jump, and the member has an anchor. */
TEST_F_TIMEOUT(vdso, reads_jump, 60)
{
	struct fx_result r;
	struct fx_child *c;
	int i;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_jump, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(1, r.ret) TH_LOG("no anon_inode:[fluxcap-vdso] in the member's maps");
	for (i = 0; i < 8; i++) {
		/* time() counts whole seconds, the coarse clocks ticks */
		long long slack = i == 7 ? FX_NSEC : 20 * FX_MSEC;

		EXPECT_LE(JUMP_NS - slack, r.v[i])
			TH_LOG("%s moved %.6f s", vdso_names[i], r.v[i] / 1e9);
		EXPECT_GT(JUMP_NS + 30 * FX_NSEC, r.v[i])
			TH_LOG("%s moved %.6f s", vdso_names[i], r.v[i] / 1e9);
	}
}

TEST_F_TIMEOUT(vdso, clock_page_not_dumped_or_grown, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_clock_page, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	ASSERT_EQ(1, r.ret) TH_LOG("a member could not map /dev/fluxcap");
	EXPECT_EQ(1, r.v[0]) TH_LOG("no VM_DONTDUMP (dd) on the clock page");
	EXPECT_EQ(1, r.v[1]) TH_LOG("no VM_DONTEXPAND (de) on the clock page");
	EXPECT_EQ(0, r.v[2]) TH_LOG("mremap grew the clock page");
}

/* vDSO and syscalls agree, before and after a jump. */
TEST_F_TIMEOUT(vdso, agrees_with_syscalls, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_ordered, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("%lld vDSO reads outside the syscall reads around them", r.ret);
	EXPECT_GT(50 * FX_MSEC, llabs(r.v[0])) TH_LOG("vDSO - syscall: %lld ns", r.v[0]);
}

static void check_fork(FIXTURE_DATA(vdso) *self,
		       struct __test_metadata *_metadata, enum fork_how how)
{
	struct fx_result r;
	struct fx_child *c;

	c = fx_spawn(&self->e, m_fork, (void *)(long)how);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(1, r.v[1]) TH_LOG("the member had no anchor");
	EXPECT_EQ(0, r.v[2]) TH_LOG("madvise/munmap of the anchor failed");
	EXPECT_GT(50 * FX_MSEC, llabs(r.v[3])) TH_LOG("parent: vDSO - syscall %lld ns", r.v[3]);
	EXPECT_EQ(0, r.ret) TH_LOG("child: 1 vDSO disagrees, 2 no anchor: %lld", r.ret);
	EXPECT_GT(50 * FX_MSEC, llabs(r.v[0])) TH_LOG("parent after: vDSO - syscall %lld ns", r.v[0]);
}

/* A fork child shares the page through its copy of the anchor. */
TEST_F_TIMEOUT(vdso, fork_child_inherits, 60)
{
	FX_RETURN_IF_SKIPPED();
	check_fork(self, _metadata, FORK_PLAIN);
}

/* A child fork did not give the anchor gets one of its own. */
TEST_F_TIMEOUT(vdso, fork_without_anchor, 60)
{
	FX_RETURN_IF_SKIPPED();
	check_fork(self, _metadata, FORK_DONTFORK);
}

/* Unmapping the anchor: the next read makes another. */
TEST_F_TIMEOUT(vdso, anchor_unmapped, 60)
{
	FX_RETURN_IF_SKIPPED();
	check_fork(self, _metadata, FORK_UNMAPPED);
}

/* A frozen group's vDSO stands; after the thaw it runs again. */
TEST_F_TIMEOUT(vdso, frozen_stands, 60)
{
	struct fx_result r0, r1, r2;
	struct fx_group g;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, m_steps, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r0));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_FROZEN, 1, 1, &g));
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r0));
	fx_msleep(300);
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r1));
	EXPECT_EQ(r0.v[0], r1.v[0]) TH_LOG("frozen MONOTONIC moved %lld ns", r1.v[0] - r0.v[0]);
	EXPECT_EQ(r0.v[1], r1.v[1]) TH_LOG("frozen REALTIME moved %lld ns", r1.v[1] - r0.v[1]);
	EXPECT_EQ(r1.v[3], r1.v[0]) TH_LOG("frozen: vDSO %lld, syscall %lld", r1.v[0], r1.v[3]);
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_FROZEN, 0, 1, &g));
	fx_msleep(300);
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r2));
	EXPECT_LE(r1.v[0] + 200 * FX_MSEC, r2.v[0])
		TH_LOG("thawed MONOTONIC moved %lld ns in 300 ms", r2.v[0] - r1.v[0]);
}

/* A process moved into the group reads the group's time from its next read. */
TEST_F_TIMEOUT(vdso, attached_process, 60)
{
	struct fx_result r0, r1;
	struct fx_group g;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn_in(self->e.kids, &self->e.nkids, NULL, m_steps, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r0));
	EXPECT_EQ(0, r0.v[4]) TH_LOG("a non-member has an anchor");
	ASSERT_EQ(0, fx_cg_move(c->pid, self->e.cgdir));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_ADVANCE_NS, JUMP_NS, 8, &g));
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r1));
	EXPECT_EQ(1, r1.v[4]) TH_LOG("the attached process has no anchor");
	EXPECT_LE(JUMP_NS, r1.v[0] - r0.v[0]) TH_LOG("MONOTONIC moved %lld ns", r1.v[0] - r0.v[0]);
	EXPECT_GT(JUMP_NS + 30 * FX_NSEC, r1.v[0] - r0.v[0]);
	EXPECT_LE(JUMP_NS, r1.v[1] - r0.v[1]) TH_LOG("REALTIME moved %lld ns", r1.v[1] - r0.v[1]);
	EXPECT_LE(JUMP_S - 1, r1.v[2] - r0.v[2]) TH_LOG("time() moved %lld s", r1.v[2] - r0.v[2]);
	EXPECT_GT(50 * FX_MSEC, llabs(r1.v[0] - r1.v[3]))
		TH_LOG("vDSO - syscall %lld ns", r1.v[0] - r1.v[3]);
}

/*
 * r, read outside any group, continues the clock of r1, read in the group
 * ms milliseconds before (at least), through the vDSO and the syscalls
 * alike: nothing goes back to host time.
 */
static void expect_continues(struct __test_metadata *_metadata,
			     const struct fx_result *r1,
			     const struct fx_result *r, long long ms)
{
	EXPECT_LE(r1->v[0] + ms * FX_MSEC, r->v[0])
		TH_LOG("vDSO MONOTONIC went from %lld to %lld", r1->v[0], r->v[0]);
	EXPECT_GT(r1->v[0] + 30 * FX_NSEC + ms * FX_MSEC, r->v[0]);
	EXPECT_LE(r1->v[3] + ms * FX_MSEC, r->v[3])
		TH_LOG("syscall MONOTONIC went from %lld to %lld", r1->v[3], r->v[3]);
	EXPECT_GT(50 * FX_MSEC, llabs(r->v[0] - r->v[3]))
		TH_LOG("MONOTONIC: vDSO %lld, syscall %lld", r->v[0], r->v[3]);
	EXPECT_GT(50 * FX_MSEC, llabs(r->v[1] - r->v[5]))
		TH_LOG("REALTIME: vDSO %lld, syscall %lld", r->v[1], r->v[5]);
	EXPECT_GE(1, llabs(r->v[2] - r->v[5] / FX_NSEC))
		TH_LOG("time() %lld, REALTIME syscall %lld s", r->v[2], r->v[5] / FX_NSEC);
	EXPECT_EQ(1, r->v[4]) TH_LOG("the anchor went");
}

/* A member that read r1 right after its group was advanced by JUMP_S. */
static struct fx_child *advanced_member(struct __test_metadata *_metadata,
					FIXTURE_DATA(vdso) *self,
					struct fx_result *r1)
{
	struct fx_result r0;
	struct fx_group g;
	struct fx_child *c;

	c = fx_spawn(&self->e, m_steps, self->sh);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r0));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_ADVANCE_NS, JUMP_NS, 8, &g));
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, r1));
	EXPECT_LE(JUMP_NS, r1->v[0] - r0.v[0]);
	return c;
}

/*
 * After its group went, a process keeps its group's clock until exec: the
 * vDSO goes on from where it was and the syscalls agree with it, also
 * after the hooks of the last group would have gone (5 s).
 */
TEST_F_TIMEOUT(vdso, outlives_group, 60)
{
	struct fx_result r1, r2;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = advanced_member(_metadata, self, &r1);
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL));
	self->e.have_group = false;
	fx_msleep(100);
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r2));
	expect_continues(_metadata, &r1, &r2, 50);
	fx_msleep(6000);
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r2));
	expect_continues(_metadata, &r1, &r2, 5000);
}

/* A member that leaves for a cgroup outside every group likewise. */
TEST_F_TIMEOUT(vdso, leaves_group, 60)
{
	struct fx_result r1, r2;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = advanced_member(_metadata, self, &r1);
	ASSERT_EQ(0, fx_cg_move(c->pid, FX_CGROOT));
	fx_msleep(100);
	go(self);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r2));
	expect_continues(_metadata, &r1, &r2, 50);
}

TEST_HARNESS_MAIN
