// SPDX-License-Identifier: GPL-2.0
/*
 * The group commands over raw generic netlink: NEW/DEL/GET/SET validation
 * and errnos (with extended-ack messages), the attributes of replies and
 * dumps, SLEEPERS/JUMPS with automatic jumps off and a manual advance, the
 * "events" multicast group, freezing, and privilege (nobody may read but
 * not change). The fuzz loop is group_fuzz.c.
 */

#define _GNU_SOURCE
#include <grp.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL

FIXTURE(nl) {
	struct fx_env e;
	char extra[4][192];	/* more cgroups, removed last-made first */
	int nextra;
	char names[8][FLUXCAP_GROUP_NAME_MAX];	/* more groups to delete */
	int nnames;
};

FIXTURE_SETUP(nl)
{
	FX_SETUP("nl", -2);	/* the cgroup only */
}

FIXTURE_TEARDOWN(nl)
{
	for (int i = 0; i < self->nnames; i++)
		fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				self->names[i], NULL);
	for (int i = self->nextra - 1; i >= 0; i--)
		fx_cg_destroy(self->extra[i]);
	fx_env_cleanup(&self->e);
}

/* Makes cgroup FX_CGROOT + path; returns path (static per slot). */
static const char *extra_cg(FIXTURE_DATA(nl) *self, const char *fmt, const char *arg)
{
	static char paths[4][128];
	int i = self->nextra;

	if (i >= 4)
		return NULL;
	snprintf(paths[i], sizeof(paths[i]), fmt, arg);
	snprintf(self->extra[i], sizeof(self->extra[i]), FX_CGROOT "%s", paths[i]);
	if (mkdir(self->extra[i], 0755))
		return NULL;
	self->nextra++;
	return paths[i];
}

/* NEW_GROUP name on path, remembered for the teardown. */
static int new_named(FIXTURE_DATA(nl) *self, const char *name, const char *path,
		     long long flags, struct fx_group *g)
{
	int ret = fx_group_new(&self->e.sock, self->e.family, name, path, -1, flags, g);

	if (!ret && self->nnames < 8)
		snprintf(self->names[self->nnames++], FLUXCAP_GROUP_NAME_MAX, "%.31s", name);
	return ret;
}

/* Sends NEW_GROUP with name/path and one extra raw attribute. */
static int new_with(FIXTURE_DATA(nl) *self, const char *name, const char *path,
		    int type, const void *data, size_t len)
{
	struct genl_msg m;

	fx_req(&m, self->e.family, FLUXCAP_CMD_NEW_GROUP, name);
	if (path)
		genl_put_str(&m, FLUXCAP_A_GROUP_CGROUP_PATH, path);
	if (type)
		genl_put(&m, type, data, len);
	return genl_transact(&self->e.sock, &m, NULL);
}

TEST_F(nl, new_requires_name)
{
	FX_RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, new_with(self, NULL, self->e.cgpath, 0, NULL, 0));
	TH_LOG("extack: \"%s\", missing attribute %d", self->e.sock.ext_msg,
	       self->e.sock.ext_miss_type);
	EXPECT_STRNE("", self->e.sock.ext_msg);
}

TEST_F(nl, bad_names)
{
	static const char *const bad[] = {
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 32 bytes: too long */
		"a/b", "/", ".hidden", "", "sp ace", "tab\t", "caf\xc3\xa9", "..",
		"caf\xe9", "\xc0\xd6",	/* Latin-1 letters: isalnum() says yes */
	};

	FX_RETURN_IF_SKIPPED();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, new_with(self, bad[i], self->e.cgpath, 0, NULL, 0))
			TH_LOG("name \"%s\"", bad[i]);
	}
	/* 31 bytes of every allowed kind is fine. */
	EXPECT_EQ(0, new_named(self, "Az09_.-aaaaaaaaaaaaaaaaaaaaaaaa", self->e.cgpath, -1, NULL))
		TH_LOG("%s", self->e.sock.ext_msg);
}

TEST_F(nl, unknown_and_reply_only_attributes)
{
	__u32 v = 1;

	FX_RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_MAX + 1, &v, sizeof(v)));
	EXPECT_STRNE("", self->e.sock.ext_msg);
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath, 0x3fff, &v, sizeof(v)));
	/* known attributes NEW does not take */
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_GROUP_MEMBERS, &v, sizeof(v)));
	EXPECT_STRNE("", self->e.sock.ext_msg);
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_GROUP_ID, &v, sizeof(v)));
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_VERSION, "x", 2));
	/* nothing was created along the way */
	EXPECT_EQ(-ENOENT, fx_get(&self->e, NULL));
}

TEST_F(nl, wrong_attribute_types)
{
	__u8 u8 = 'x';
	__u64 u64 = 0;
	struct genl_msg m;

	FX_RETURN_IF_SKIPPED();
	/* a u8 where the name (string) goes */
	fx_req(&m, self->e.family, FLUXCAP_CMD_NEW_GROUP, NULL);
	genl_put(&m, FLUXCAP_A_GROUP_NAME, &u8, 1);
	genl_put_str(&m, FLUXCAP_A_GROUP_CGROUP_PATH, self->e.cgpath);
	EXPECT_EQ(-EINVAL, genl_transact(&self->e.sock, &m, NULL));
	EXPECT_STRNE("", self->e.sock.ext_msg);
	/* a u8 and a u64 where u32s go */
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_GROUP_FLAGS, &u8, 1));
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, NULL,
				    FLUXCAP_A_GROUP_CGROUP_FD, &u64, 8));
	/* a u32 where the s64 start goes */
	EXPECT_EQ(-EINVAL, new_with(self, self->e.name, self->e.cgpath,
				    FLUXCAP_A_GROUP_START_NS, &u64, 4));
	EXPECT_EQ(-ENOENT, fx_get(&self->e, NULL));
}

TEST_F(nl, duplicates_and_overlaps)
{
	const char *other, *sub;
	char name2[48];

	FX_RETURN_IF_SKIPPED();
	other = extra_cg(self, "%s-b", self->e.cgpath);
	ASSERT_NE(NULL, other);
	sub = extra_cg(self, "%s/sub", self->e.cgpath);
	ASSERT_NE(NULL, sub);
	snprintf(name2, sizeof(name2), "%s-2", self->e.name);
	ASSERT_EQ(0, new_named(self, self->e.name, sub, -1, NULL)) TH_LOG("%s", self->e.sock.ext_msg);
	/* the name is taken, whatever the cgroup */
	EXPECT_EQ(-EEXIST, fx_group_new(&self->e.sock, self->e.family, self->e.name, other,
					-1, -1, NULL));
	/* the same cgroup, and an ancestor of it, overlap */
	EXPECT_EQ(-EBUSY, fx_group_new(&self->e.sock, self->e.family, name2, sub, -1, -1, NULL));
	EXPECT_EQ(-EBUSY, fx_group_new(&self->e.sock, self->e.family, name2, self->e.cgpath,
				       -1, -1, NULL));
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL));
	/* and a descendant of a bound cgroup */
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	EXPECT_EQ(-EBUSY, fx_group_new(&self->e.sock, self->e.family, name2, sub, -1, -1, NULL));
	/* a sibling is fine */
	EXPECT_EQ(0, new_named(self, name2, other, -1, NULL)) TH_LOG("%s", self->e.sock.ext_msg);
}

TEST_F(nl, cgroup_argument)
{
	char path[128];
	__u32 fd;
	struct fx_group g;
	int dfd, tfd;

	FX_RETURN_IF_SKIPPED();
	snprintf(path, sizeof(path), "%s-nonexistent", self->e.cgpath);
	EXPECT_EQ(-ENOENT, fx_group_new(&self->e.sock, self->e.family, self->e.name, path,
					-1, -1, NULL));
	EXPECT_EQ(-EINVAL, fx_group_new(&self->e.sock, self->e.family, self->e.name, NULL,
					-1, -1, NULL));		/* neither */
	EXPECT_STRNE("", self->e.sock.ext_msg);
	dfd = open(self->e.cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(-EINVAL, fx_group_new(&self->e.sock, self->e.family, self->e.name,
					self->e.cgpath, dfd, -1, NULL));	/* both */
	/* fds that are not cgroup directories */
	tfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, tfd);
	EXPECT_GT(0, fx_group_new(&self->e.sock, self->e.family, self->e.name, NULL, tfd, -1, NULL));
	fd = 100000;
	EXPECT_GT(0, new_with(self, self->e.name, NULL, FLUXCAP_A_GROUP_CGROUP_FD, &fd, 4));
	EXPECT_EQ(-ENOENT, fx_get(&self->e, NULL));
	/* by fd: the reply names the cgroup by path and id */
	ASSERT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name, NULL, dfd, -1, &g))
		TH_LOG("%s", self->e.sock.ext_msg);
	self->e.have_group = true;
	EXPECT_STREQ(self->e.cgpath, g.path);
	EXPECT_EQ(fx_cg_id(self->e.cgdir), g.cgroup_id);
	close(dfd);
	close(tfd);
}

TEST_F(nl, new_flags)
{
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, fx_group_new(&self->e.sock, self->e.family, self->e.name,
					self->e.cgpath, -1, FLUXCAP_GROUP_F_FROZEN, NULL));
	EXPECT_EQ(-EINVAL, fx_group_new(&self->e.sock, self->e.family, self->e.name,
					self->e.cgpath, -1, 1U << 31, NULL));
	ASSERT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name, self->e.cgpath,
				  -1, FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_OWNS_CGROUP, &g));
	self->e.have_group = true;
	EXPECT_EQ(FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_OWNS_CGROUP, g.flags);
	ASSERT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				     self->e.name, NULL));
	ASSERT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name, self->e.cgpath,
				  -1, 0, &g));
	EXPECT_EQ(0, g.flags);
}

TEST_F(nl, unknown_group)
{
	struct genl_msg m;
	__u32 id = 0xfffffff0;

	FX_RETURN_IF_SKIPPED();
	EXPECT_EQ(-ENOENT, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_GET_GROUP,
					   "fxt-no-such-group", NULL));
	EXPECT_EQ(-ENOENT, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
					   "fxt-no-such-group", NULL));
	EXPECT_EQ(-ENOENT, fx_group_set(&self->e.sock, self->e.family, "fxt-no-such-group",
					FLUXCAP_A_GROUP_AUTO, 0, 1, NULL));
	fx_req(&m, self->e.family, FLUXCAP_CMD_GET_GROUP, NULL);
	genl_put_u32(&m, FLUXCAP_A_GROUP_ID, id);
	EXPECT_EQ(-ENOENT, genl_transact(&self->e.sock, &m, NULL));
	fx_req(&m, self->e.family, FLUXCAP_CMD_DEL_GROUP, NULL);
	genl_put_u32(&m, FLUXCAP_A_GROUP_ID, id);
	EXPECT_EQ(-ENOENT, genl_transact(&self->e.sock, &m, NULL));
}

TEST_F(nl, set_validation)
{
	struct genl_msg m;
	int ret;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	/* no change asked */
	fx_req(&m, self->e.family, FLUXCAP_CMD_SET_GROUP, self->e.name);
	EXPECT_EQ(-EINVAL, genl_transact(&self->e.sock, &m, NULL));
	/* out of range: EINVAL, or ERANGE from a range policy */
	ret = fx_group_set(&self->e.sock, self->e.family, self->e.name,
			   FLUXCAP_A_GROUP_ADVANCE_NS, 0, 8, NULL);
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("ADVANCE_NS 0: %d", ret);
	ret = fx_group_set(&self->e.sock, self->e.family, self->e.name,
			   FLUXCAP_A_GROUP_AUTO, 2, 1, NULL);
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("AUTO 2: %d", ret);
	ret = fx_group_set(&self->e.sock, self->e.family, self->e.name,
			   FLUXCAP_A_GROUP_FROZEN, 7, 1, NULL);
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("FROZEN 7: %d", ret);
}

static void find_group(const struct fx_group *g, void *arg)
{
	struct fx_group *want = arg;

	if (!strcmp(g->name, want->name))
		*want = *g;
}

/* Every attribute GET_GROUP documents, with the values of a fresh group. */
static void check_fresh(struct __test_metadata *_metadata, const struct fx_group *g,
			const struct fx_group *created, const char *cgdir, const char *cgpath)
{
	static const int attrs[] = {
		FLUXCAP_A_GROUP_ID, FLUXCAP_A_GROUP_NAME, FLUXCAP_A_GROUP_CGROUP_ID,
		FLUXCAP_A_GROUP_CGROUP_PATH, FLUXCAP_A_GROUP_FLAGS, FLUXCAP_A_GROUP_MONO_NS,
		FLUXCAP_A_GROUP_BOOT_NS, FLUXCAP_A_GROUP_REAL_NS, FLUXCAP_A_GROUP_OFFSET_NS,
		FLUXCAP_A_GROUP_REAL_SHIFT_NS, FLUXCAP_A_GROUP_MEMBERS, FLUXCAP_A_GROUP_SLEEPERS,
		FLUXCAP_A_GROUP_JUMPS, FLUXCAP_A_GROUP_JUMPED_NS, FLUXCAP_A_GROUP_IDLE_FOREVER,
		FLUXCAP_A_GROUP_HOLDS, FLUXCAP_A_GROUP_HELD, FLUXCAP_A_GROUP_EXTERNAL,
		FLUXCAP_A_GROUP_HELD_BY, FLUXCAP_A_GROUP_LAST_CHECK, FLUXCAP_A_GROUP_CHECKS,
		FLUXCAP_A_GROUP_CHECKS_BUSY, FLUXCAP_A_GROUP_CHECKS_AGAIN, FLUXCAP_A_GROUP_INSTANT,
		FLUXCAP_A_GROUP_INSTANT_BUSY, FLUXCAP_A_GROUP_INSTANT_OTHER,
	};

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		EXPECT_TRUE(FX_SEEN(g, attrs[i])) TH_LOG("%s: attribute %d missing", g->name, attrs[i]);
	}
	EXPECT_EQ(created->id, g->id);
	EXPECT_NE(0, g->id);
	EXPECT_STREQ(cgpath, g->path);
	EXPECT_EQ(fx_cg_id(cgdir), g->cgroup_id);
	EXPECT_EQ(FLUXCAP_GROUP_F_AUTO, g->flags);
	EXPECT_EQ(0, g->members);
	EXPECT_EQ(0, g->sleepers);
	EXPECT_EQ(0, g->holds);
	EXPECT_EQ(0, g->held);
	EXPECT_EQ(0, g->jumps);
	EXPECT_EQ(0, g->jumped_ns);
	/* a fresh clock reads the host's */
	EXPECT_GT(5 * FX_NSEC, llabs(g->mono_ns - fx_real_ns()));
	EXPECT_GT(5 * FX_NSEC, llabs(g->offset_ns));
}

TEST_F(nl, dump_and_get)
{
	struct fx_group c1, c2, g;
	const char *other;
	char name2[48];
	int n;

	FX_RETURN_IF_SKIPPED();
	other = extra_cg(self, "%s-b", self->e.cgpath);
	ASSERT_NE(NULL, other);
	snprintf(name2, sizeof(name2), "%s-2", self->e.name);
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, &c1));
	ASSERT_EQ(0, new_named(self, name2, other, -1, &c2));
	EXPECT_NE(c1.id, c2.id);
	check_fresh(_metadata, &c1, &c1, self->e.cgdir, self->e.cgpath);
	memset(&g, 0, sizeof(g));
	strcpy(g.name, self->e.name);
	n = fx_group_dump(&self->e.sock, self->e.family, find_group, &g);
	EXPECT_LE(2, n) TH_LOG("dump: %d %s", n, self->e.sock.ext_msg);
	check_fresh(_metadata, &g, &c1, self->e.cgdir, self->e.cgpath);
	memset(&g, 0, sizeof(g));
	strcpy(g.name, name2);
	fx_group_dump(&self->e.sock, self->e.family, find_group, &g);
	check_fresh(_metadata, &g, &c2, self->extra[0], other);
	/* GET by id names the same group */
	{
		struct genl_msg m;

		fx_req(&m, self->e.family, FLUXCAP_CMD_GET_GROUP, NULL);
		genl_put_u32(&m, FLUXCAP_A_GROUP_ID, c2.id);
		ASSERT_EQ(0, fx_send_req(&self->e.sock, &m, &g));
		EXPECT_STREQ(name2, g.name);
	}
}

#define DUMP_N	40

/*
 * A dump is sent in parts, and a group deleted between them makes no other
 * group go missing: each part starts after the id the last one ended with.
 * Parts are at most 4 KiB here (a fresh socket that reads 4 KiB at a time),
 * so the 40 groups take several.
 */
TEST_F(nl, dump_resumes_by_id)
{
	static char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	char dirs[DUMP_N][192], names[DUMP_N][FLUXCAP_GROUP_NAME_MAX], path[160];
	int seen[DUMP_N] = { 0 }, made, parts = 0, gone = -1, i;
	struct genl_msg req;
	struct genl_sock s;
	bool done = false;

	FX_RETURN_IF_SKIPPED();
	for (made = 0; made < DUMP_N; made++) {
		snprintf(path, sizeof(path), "%s/d%d", self->e.cgpath, made);
		snprintf(dirs[made], sizeof(dirs[made]), FX_CGROOT "%s", path);
		snprintf(names[made], sizeof(names[made]), "%.24s-d%d", self->e.name, made);
		if (mkdir(dirs[made], 0755))
			break;
		if (fx_group_new(&self->e.sock, self->e.family, names[made], path, -1, -1, NULL)) {
			rmdir(dirs[made]);
			break;
		}
	}
	ASSERT_EQ(DUMP_N, made) TH_LOG("group %d: %s", made, self->e.sock.ext_msg);
	ASSERT_EQ(0, genl_open(&s));
	genl_msg_init(&req, self->e.family, NLM_F_REQUEST | NLM_F_DUMP,
		      FLUXCAP_CMD_GET_GROUP, FLUXCAP_GENL_VERSION);
	req.nlh.nlmsg_seq = 1;
	ASSERT_EQ((ssize_t)req.nlh.nlmsg_len, send(s.fd, req.buf, req.nlh.nlmsg_len, 0));
	while (!done) {
		ssize_t n = recv(s.fd, buf, sizeof(buf), MSG_TRUNC);
		struct nlmsghdr *nlh;

		ASSERT_LT(0, n) TH_LOG("recv: %s", strerror(errno));
		ASSERT_GE((ssize_t)sizeof(buf), n) TH_LOG("a part of %zd bytes", n);
		parts++;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			static struct genl_msg m;
			struct fx_group g;

			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			memcpy(m.buf, nlh, nlh->nlmsg_len);
			ASSERT_EQ(0, fx_group_parse(&m, &g));
			for (i = 0; i < DUMP_N; i++)
				seen[i] += !strcmp(g.name, names[i]);
		}
		/* After the first part: one of the groups it had goes. */
		for (i = 0; i < DUMP_N && gone < 0; i++)
			if (seen[i]) {
				gone = i;
				EXPECT_EQ(0, fx_group_simple(&self->e.sock, self->e.family,
							     FLUXCAP_CMD_DEL_GROUP, names[i], NULL));
			}
	}
	genl_close(&s);
	EXPECT_LE(3, parts);
	for (i = 0; i < DUMP_N; i++)
		if (i != gone)
			EXPECT_EQ(1, seen[i]) TH_LOG("%s in %d parts' groups", names[i], seen[i]);
	for (i = DUMP_N - 1; i >= 0; i--) {
		fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_DEL_GROUP,
				names[i], NULL);
		rmdir(dirs[i]);
	}
}

static void m_sleep(struct fx_result *r, void *arg)
{
	struct timespec ts = { TMO_S, 0 };

	(void)arg;
	fx_ready();
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

TEST_F_TIMEOUT(nl, sleepers_advance_and_events, 60)
{
	const __u64 adv = 2 * TMO_S * FX_NSEC;
	struct genl_sock ev;
	struct fx_group g;
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_AUTO, 0, 1, &g));
	EXPECT_EQ(0, g.flags & FLUXCAP_GROUP_F_AUTO);
	ASSERT_EQ(0, genl_open(&ev));
	ASSERT_EQ(0, fx_events_join(&ev));
	c = fx_spawn(&self->e, m_sleep, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, 0, "S", 10000));
	fx_msleep(300);
	EXPECT_FALSE(fx_has_result(c)) TH_LOG("jumped with AUTO off");
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.members);
	EXPECT_EQ(1, g.sleepers);
	EXPECT_EQ(0, g.jumps);
	/* jump by hand past the sleeper's deadline */
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_ADVANCE_NS, adv, 8, &g))
		TH_LOG("%s", self->e.sock.ext_msg);
	EXPECT_EQ(1, g.jumps);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	EXPECT_LE((long long)adv - FX_MSEC, r.t1 - r.t0);
	EXPECT_GT((long long)adv + 30 * FX_NSEC, r.t1 - r.t0);
	ASSERT_EQ(0, fx_event_wait(&ev, self->e.family, FLUXCAP_CMD_EVENT_JUMP, self->e.name,
				   5000, &g)) TH_LOG("no EVENT_JUMP");
	EXPECT_EQ(adv, g.jump_ns);
	EXPECT_EQ((__u32)c->pid, g.pid);
	EXPECT_EQ(1, g.jumps);
	EXPECT_NE(0, g.id);
	EXPECT_LE((long long)adv - 5 * FX_NSEC, g.mono_ns - fx_real_ns());
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(1, g.jumps);
	EXPECT_EQ(adv, g.jumped_ns);
	EXPECT_EQ(0, g.sleepers);
	genl_close(&ev);
}

static void m_zero_then_sleep(struct fx_result *r, void *arg)
{
	struct timespec zero = { 0, 0 }, ts = { TMO_S, 0 };
	int i;

	(void)arg;
	for (i = 0; i < 5; i++)
		r->v[i] = syscall(SYS_nanosleep, &zero, NULL);
	FX_TIMED(r, syscall(SYS_nanosleep, &ts, NULL));
}

/*
 * nanosleep(0) moves no time: a lone member's five of them send no jump
 * event, and the first event is its real sleep's.
 */
TEST_F_TIMEOUT(nl, zero_sleep_no_jump_event, 60)
{
	struct genl_sock ev;
	struct fx_group g;
	struct fx_child *c;
	struct fx_result r;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	ASSERT_EQ(0, genl_open(&ev));
	ASSERT_EQ(0, fx_events_join(&ev));
	c = fx_spawn(&self->e, m_zero_then_sleep, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(0, r.v[i]);
	EXPECT_LE((long long)TMO_S * FX_NSEC, r.t1 - r.t0);
	ASSERT_EQ(0, fx_event_wait(&ev, self->e.family, FLUXCAP_CMD_EVENT_JUMP, self->e.name,
				   5000, &g)) TH_LOG("no EVENT_JUMP");
	EXPECT_LT((long long)TMO_S * FX_NSEC / 2, (long long)g.jump_ns)
		TH_LOG("first jump event: %llu ns", (unsigned long long)g.jump_ns);
	genl_close(&ev);
}

TEST_F(nl, frozen)
{
	struct fx_group g;
	long long m1, m2, m3;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_FROZEN, 1, 1, &g));
	EXPECT_TRUE(g.flags & FLUXCAP_GROUP_F_FROZEN);
	m1 = g.mono_ns;
	fx_msleep(300);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	m2 = g.mono_ns;
	EXPECT_EQ(m1, m2) TH_LOG("frozen time moved %lld ns", m2 - m1);
	ASSERT_EQ(0, fx_group_set(&self->e.sock, self->e.family, self->e.name,
				  FLUXCAP_A_GROUP_FROZEN, 0, 1, &g));
	EXPECT_FALSE(g.flags & FLUXCAP_GROUP_F_FROZEN);
	fx_msleep(300);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	m3 = g.mono_ns;
	EXPECT_LE(250 * FX_MSEC, m3 - m2);
	EXPECT_GT(5 * FX_NSEC, m3 - m2);
}

TEST_F_TIMEOUT(nl, unprivileged, 60)
{
	pid_t pid;
	int status;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, new_named(self, self->e.name, self->e.cgpath, -1, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genl_family_info fam;
		struct fx_group g;
		struct genl_sock s;

		if (setgroups(0, NULL) || setresgid(FX_NOBODY, FX_NOBODY, FX_NOBODY) ||
		    setresuid(FX_NOBODY, FX_NOBODY, FX_NOBODY))
			_exit(10);
		if (genl_open(&s) || genl_resolve(&s, FLUXCAP_GENL_NAME, &fam))
			_exit(11);
		if (fx_group_new(&s, fam.id, "fxt-nobody", self->e.cgpath, -1, -1, NULL) != -EPERM)
			_exit(12);
		if (fx_group_simple(&s, fam.id, FLUXCAP_CMD_DEL_GROUP, self->e.name, NULL) != -EPERM)
			_exit(13);
		if (fx_group_set(&s, fam.id, self->e.name, FLUXCAP_A_GROUP_AUTO, 0, 1, NULL) != -EPERM)
			_exit(14);
		if (fx_group_simple(&s, fam.id, FLUXCAP_CMD_GET_GROUP, self->e.name, &g) ||
		    strcmp(g.name, self->e.name))
			_exit(15);
		if (fx_group_dump(&s, fam.id, NULL, NULL) < 1)
			_exit(16);
		if (fx_events_join(&s))
			_exit(17);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("as nobody: 10 setuid, 11 resolve, 12 NEW not EPERM, 13 DEL not EPERM, 14 SET not EPERM, 15 GET, 16 dump, 17 join events");
	/* and the group is untouched */
	EXPECT_EQ(0, fx_get(&self->e, NULL));
}

/* A transient group goes when the socket that made it closes; others stay. */
TEST_F(nl, transient_goes_with_its_socket)
{
	struct genl_family_info fam;
	char keep[FLUXCAP_GROUP_NAME_MAX];
	const char *path2;
	struct genl_sock s;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	path2 = extra_cg(self, "%s-keep", self->e.cgpath);
	ASSERT_NE(NULL, path2);
	snprintf(keep, sizeof(keep), "%.26s-keep", self->e.name);
	snprintf(self->names[self->nnames++], FLUXCAP_GROUP_NAME_MAX, "%s", keep);
	snprintf(self->names[self->nnames++], FLUXCAP_GROUP_NAME_MAX, "%s", self->e.name);
	ASSERT_EQ(0, genl_open(&s));
	ASSERT_EQ(0, genl_resolve(&s, FLUXCAP_GENL_NAME, &fam));
	ASSERT_EQ(0, fx_group_new(&s, fam.id, self->e.name, self->e.cgpath, -1,
				  FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_TRANSIENT, &g));
	EXPECT_EQ(FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_TRANSIENT, g.flags);
	ASSERT_EQ(0, fx_group_new(&s, fam.id, keep, path2, -1, FLUXCAP_GROUP_F_AUTO, NULL));
	/* Other sockets come and go: the group stays. */
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(FLUXCAP_GROUP_F_AUTO | FLUXCAP_GROUP_F_TRANSIENT, g.flags);
	genl_close(&s);
	EXPECT_EQ(-ENOENT, fx_get(&self->e, NULL));
	EXPECT_EQ(0, fx_group_simple(&self->e.sock, self->e.family, FLUXCAP_CMD_GET_GROUP,
				     keep, NULL));
}

/*
 * A NEW_GROUP whose reply cannot be delivered (the caller's receive buffer
 * is full of unread replies) fails, and then no group was made: an error
 * never leaves a group behind that its caller does not know of.
 */
TEST_F(nl, new_reply_lost_creates_nothing)
{
	struct genl_family_info fam;
	struct genl_msg m;
	struct genl_sock s;
	int small = 1, i;
	char buf[8192];

	FX_RETURN_IF_SKIPPED();
	snprintf(self->names[self->nnames++], FLUXCAP_GROUP_NAME_MAX, "%s", self->e.name);
	ASSERT_EQ(0, genl_open(&s));
	ASSERT_EQ(0, genl_resolve(&s, FLUXCAP_GENL_NAME, &fam));
	ASSERT_EQ(0, setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	/* Replies nobody reads, until the buffer is full. */
	for (i = 0; i < 64; i++) {
		genl_msg_init(&m, fam.id, NLM_F_REQUEST, FLUXCAP_CMD_GET_VERSION,
			      FLUXCAP_GENL_VERSION);
		ASSERT_EQ((ssize_t)m.nlh.nlmsg_len, send(s.fd, m.buf, m.nlh.nlmsg_len, 0));
	}
	fx_req(&m, fam.id, FLUXCAP_CMD_NEW_GROUP, self->e.name);
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	genl_put_str(&m, FLUXCAP_A_GROUP_CGROUP_PATH, self->e.cgpath);
	genl_put_u32(&m, FLUXCAP_A_GROUP_FLAGS, FLUXCAP_GROUP_F_AUTO);
	ASSERT_EQ((ssize_t)m.nlh.nlmsg_len, send(s.fd, m.buf, m.nlh.nlmsg_len, 0));
	/* Drained: the replies that fitted, and ENOBUFS for those that did not. */
	for (i = 0; i < 1000; i++)
		if (recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN)
			break;
	genl_close(&s);
	EXPECT_EQ(-ENOENT, fx_get(&self->e, NULL))
		TH_LOG("NEW_GROUP's reply was lost, yet the group exists");
	/* The same request, read: it was a valid one. */
	EXPECT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name,
				  self->e.cgpath, -1, FLUXCAP_GROUP_F_AUTO, NULL))
		TH_LOG("%s", self->e.sock.ext_msg);
}

TEST_HARNESS_MAIN
