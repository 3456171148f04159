// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the fluxcap family: FUZZ_MSGS random requests (command 0..12,
 * random flags and header bits, random attribute types, lengths and
 * payloads, sometimes raw garbage after the header). Every request must be
 * answered, and every answer must be an ACK or error (errno in range), a
 * NLMSG_DONE, or a well-formed fluxcap message (known command, attributes
 * sized as their types say). The kernel must not WARN or crash (the VM
 * harness checks its log), and the family must still work afterwards.
 * Groups the fuzzer manages to create are deleted. Paths never name the
 * cgroup root ("." and "/" only appear after a name that does not exist),
 * so no random group can take over the whole machine.
 *
 * FXT_SEED=N repeats a run; FXT_MSGS=N sends N requests instead (make
 * stress sends 100000).
 */

#define _GNU_SOURCE
#include <stdlib.h>

#include "kselftest_harness.h"

#include "group.h"

#define FUZZ_MSGS	20000

FIXTURE(fuzz) {
	struct fx_env e;
	int cgfd;
	__u32 before[64];	/* ids of groups that existed before */
	int nbefore;
};

FIXTURE_SETUP(fuzz)
{
	self->cgfd = -1;
	FX_SETUP("fuzz", -2);
	self->cgfd = open(self->e.cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->cgfd);
}

static void collect_ids(const struct fx_group *g, void *arg)
{
	FIXTURE_DATA(fuzz) *self = arg;

	if (self->nbefore < 64)
		self->before[self->nbefore++] = g->id;
}

struct del_ctx {
	FIXTURE_DATA(fuzz) *self;
	__u32 ids[64];
	int n;
};

static void collect_new(const struct fx_group *g, void *arg)
{
	struct del_ctx *d = arg;

	for (int i = 0; i < d->self->nbefore; i++)
		if (d->self->before[i] == g->id)
			return;
	if (d->n < 64)
		d->ids[d->n++] = g->id;
}

/* Deletes every group made since the setup; Return: how many. */
static int delete_new_groups(FIXTURE_DATA(fuzz) *self)
{
	struct del_ctx d = { .self = self };
	struct genl_msg m;

	fx_group_dump(&self->e.sock, self->e.family, collect_new, &d);
	for (int i = 0; i < d.n; i++) {
		fx_req(&m, self->e.family, FLUXCAP_CMD_DEL_GROUP, NULL);
		genl_put_u32(&m, FLUXCAP_A_GROUP_ID, d.ids[i]);
		genl_transact(&self->e.sock, &m, NULL);
	}
	return d.n;
}

FIXTURE_TEARDOWN(fuzz)
{
	if (!self->e.skipped && self->e.sock.fd >= 0)
		delete_new_groups(self);
	if (self->cgfd >= 0)
		close(self->cgfd);
	fx_env_cleanup(&self->e);
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return n ? (unsigned int)rand_r(seed) % n : 0;
}

/* A random string payload (< 128 bytes) for attribute type; *len its length. */
static void rnd_string(FIXTURE_DATA(fuzz) *self, unsigned int *seed, int type,
		       char *buf, size_t *len)
{
	static const char cs[] = "abcXYZ019_.-/ \xff";
	unsigned int n = rnd(seed, 40);

	switch (rnd(seed, 5)) {
	case 0:		/* the real cgroup path or group name */
		snprintf(buf, 64, "%s", type == FLUXCAP_A_GROUP_CGROUP_PATH ?
			 self->e.cgpath : self->e.name);
		break;
	case 1:		/* a short valid-looking name */
		snprintf(buf, 64, "fz%u", rnd(seed, 8));
		break;
	default:
		for (unsigned int i = 0; i < n; i++)
			buf[i] = cs[rnd(seed, sizeof(cs) - 1)];
		buf[n] = '\0';
		break;
	}
	if (type == FLUXCAP_A_GROUP_CGROUP_PATH && strcmp(buf, self->e.cgpath)) {
		/* never the root: start below a name that does not exist */
		static const char pfx[] = "/fxt-fuzz-none";

		memmove(buf + sizeof(pfx) - 1, buf, strlen(buf) + 1);
		memcpy(buf, pfx, sizeof(pfx) - 1);
	}
	*len = strlen(buf) + (rnd(seed, 8) ? 1 : 0);	/* sometimes no NUL */
}

/* Appends a well-typed attribute of type with a random (often small) value. */
static void put_typed(FIXTURE_DATA(fuzz) *self, unsigned int *seed, struct genl_msg *m, int type)
{
	int size = fx_attr_size(type);
	char buf[128];
	size_t len;
	__u64 v;

	if (size < 0) {
		rnd_string(self, seed, type, buf, &len);
		genl_put(m, type, buf, len);
		return;
	}
	v = rnd(seed, 3) ? rnd(seed, 3) : (__u64)rand_r(seed) << 31 ^ rand_r(seed);
	if (type == FLUXCAP_A_GROUP_CGROUP_FD)
		v = rnd(seed, 4) ? (__u64)self->cgfd : v;
	else if (type == FLUXCAP_A_GROUP_ADVANCE_NS || type == FLUXCAP_A_GROUP_START_NS)
		v = rnd(seed, 2) ? (__u64)rnd(seed, 5000) * 1000000000ULL : v;
	genl_put(m, type, &v, size > 0 ? (size_t)size : rnd(seed, 9));
}

/*
 * Builds one random request into m: a third nearly valid (a group command
 * naming one of a few groups, well-typed attributes), the rest anything.
 */
static void rnd_request(FIXTURE_DATA(fuzz) *self, unsigned int *seed, struct genl_msg *m)
{
	static const __u16 extra_flags[] = {
		0, 0, 0, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE,
		NLM_F_APPEND, NLM_F_MULTI, NLM_F_ACK_TLVS, NLM_F_NONREC, 0x8000,
	};
	unsigned int nattr = rnd(seed, 6);
	__u16 flags = extra_flags[rnd(seed, ARRAY_SIZE(extra_flags))];

	if (!rnd(seed, 3)) {
		char name[8];

		genl_msg_init(m, self->e.family, rnd(seed, 8) ? 0 : flags,
			      FLUXCAP_CMD_NEW_GROUP + rnd(seed, 4), FLUXCAP_GENL_VERSION);
		snprintf(name, sizeof(name), "fz%u", rnd(seed, 3));
		genl_put_str(m, FLUXCAP_A_GROUP_NAME, name);
		if (genl_hdr(m)->cmd == FLUXCAP_CMD_NEW_GROUP && rnd(seed, 4))
			genl_put_str(m, FLUXCAP_A_GROUP_CGROUP_PATH, self->e.cgpath);
		for (unsigned int i = rnd(seed, 3); i; i--)
			put_typed(self, seed, m, 1 + rnd(seed, FLUXCAP_A_MAX));
		return;
	}
	genl_msg_init(m, self->e.family, flags, rnd(seed, 13),
		      rnd(seed, 8) ? FLUXCAP_GENL_VERSION : rnd(seed, 256));
	if (!rnd(seed, 20))
		genl_hdr(m)->reserved = rnd(seed, 65536);
	if (!rnd(seed, 15)) {
		/* raw garbage after the header: broken attribute headers */
		unsigned int n = rnd(seed, 48);
		char *p = m->buf + m->nlh.nlmsg_len;

		for (unsigned int i = 0; i < n; i++)
			p[i] = rnd(seed, 256);
		m->nlh.nlmsg_len += n;
		return;
	}
	for (unsigned int i = 0; i < nattr; i++) {
		int type = rnd(seed, 10) ? 1 + rnd(seed, FLUXCAP_A_MAX + 2) : rnd(seed, 0x4000);
		char buf[128];
		size_t len;

		if (!rnd(seed, 10))
			type |= NLA_F_NESTED;
		if (!(type & NLA_F_NESTED) && type <= FLUXCAP_A_MAX && rnd(seed, 2)) {
			put_typed(self, seed, m, type);
			continue;
		}
		if ((type & NLA_TYPE_MASK) == FLUXCAP_A_GROUP_CGROUP_PATH ||
		    (type & NLA_TYPE_MASK) == FLUXCAP_A_GROUP_NAME || !rnd(seed, 4)) {
			rnd_string(self, seed, type & NLA_TYPE_MASK, buf, &len);
		} else {
			len = rnd(seed, 70);
			for (size_t j = 0; j < len; j++)
				buf[j] = rnd(seed, 256);
		}
		if (genl_put(m, type, buf, len))
			break;
	}
}

struct stats {
	long ok, errors[135], replies, done;
};

/*
 * Sends m and checks every answer until its ACK, error or NLMSG_DONE.
 * Return: 0, or a negative code for the first bad answer (what is logged).
 */
static int exchange(FIXTURE_DATA(fuzz) *self, struct genl_msg *m, struct stats *st, char *why)
{
	static char buf[GENL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct genl_sock *s = &self->e.sock;

	m->nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	m->nlh.nlmsg_seq = ++s->seq;
	if (send(s->fd, m->buf, m->nlh.nlmsg_len, 0) < 0)
		return sprintf(why, "send: %s", strerror(errno)), -1;
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_TRUNC);
		struct nlmsghdr *nlh;

		if (n < 0)
			return sprintf(why, "no answer: %s", strerror(errno)), -2;
		if ((size_t)n > sizeof(buf))
			return sprintf(why, "answer of %zd bytes", n), -3;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			static struct genl_msg r;
			struct fx_group g;

			if (nlh->nlmsg_seq != m->nlh.nlmsg_seq)
				continue;	/* a late part of an earlier dump */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return sprintf(why, "short NLMSG_ERROR"), -4;
				if (e->error > 0 || e->error < -4095)
					return sprintf(why, "error %d", e->error), -5;
				if (e->error)
					st->errors[-e->error < 134 ? -e->error : 134]++;
				else
					st->ok++;
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				st->done++;
				return 0;
			}
			if (nlh->nlmsg_type != self->e.family)
				return sprintf(why, "message type %u", nlh->nlmsg_type), -6;
			if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) || nlh->nlmsg_len > sizeof(r.buf))
				return sprintf(why, "message of %u bytes", nlh->nlmsg_len), -7;
			memcpy(r.buf, nlh, nlh->nlmsg_len);
			if (!genl_hdr(&r)->cmd || genl_hdr(&r)->cmd > FLUXCAP_CMD_MAX)
				return sprintf(why, "reply cmd %u", genl_hdr(&r)->cmd), -8;
			if (fx_group_parse(&r, &g))
				return sprintf(why, "reply cmd %u: bad attribute %d",
					       genl_hdr(&r)->cmd, g.bad), -9;
			st->replies++;
		}
	}
}

TEST_F_TIMEOUT(fuzz, random_requests, 240)
{
	unsigned int seed = (unsigned int)fx_real_ns(), s0;
	long msgs = FUZZ_MSGS;
	struct stats st = { 0 };
	struct genl_msg m;
	long long t0 = fx_real_ns();
	char why[128] = "";
	int made;

	FX_RETURN_IF_SKIPPED();
	if (getenv("FXT_SEED"))
		seed = strtoul(getenv("FXT_SEED"), NULL, 0);
	if (getenv("FXT_MSGS"))
		msgs = atol(getenv("FXT_MSGS"));
	s0 = seed;
	TH_LOG("seed %u (FXT_SEED=%u repeats it)", s0, s0);
	ASSERT_LE(0, fx_group_dump(&self->e.sock, self->e.family, collect_ids, self));
	for (long i = 0; i < msgs; i++) {
		rnd_request(self, &seed, &m);
		ASSERT_EQ(0, exchange(self, &m, &st, why))
			TH_LOG("request %ld (cmd %u, flags %#x, %u bytes): %s", i,
			       genl_hdr(&m)->cmd, m.nlh.nlmsg_flags, m.nlh.nlmsg_len, why);
	}
	made = delete_new_groups(self);
	TH_LOG("%ld requests in %.1f s: %ld acks, %ld replies, %ld dumps done, %d groups made; "
	       "EINVAL %ld, EOPNOTSUPP %ld, ENOENT %ld, ERANGE %ld, EEXIST %ld, EBUSY %ld, EPERM %ld",
	       msgs, (fx_real_ns() - t0) / 1e9, st.ok, st.replies, st.done, made,
	       st.errors[EINVAL], st.errors[EOPNOTSUPP], st.errors[ENOENT], st.errors[ERANGE],
	       st.errors[EEXIST], st.errors[EBUSY], st.errors[EPERM]);
	/* Some requests got through validation, most did not. */
	EXPECT_LT(0, st.ok);
	EXPECT_LT(0, st.errors[EINVAL]);
	/* The family still answers, and a group still works. */
	genl_msg_init(&m, self->e.family, 0, FLUXCAP_CMD_GET_VERSION, FLUXCAP_GENL_VERSION);
	EXPECT_EQ(0, genl_transact(&self->e.sock, &m, NULL));
	ASSERT_EQ(0, fx_group_new(&self->e.sock, self->e.family, self->e.name, self->e.cgpath,
				  -1, -1, NULL)) TH_LOG("%s", self->e.sock.ext_msg);
	self->e.have_group = true;
}

TEST_HARNESS_MAIN
