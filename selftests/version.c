// SPDX-License-Identifier: GPL-2.0
/*
 * The "fluxcap" generic netlink family and FLUXCAP_CMD_GET_VERSION, over
 * raw netlink: the family is registered with the uapi version, the reply
 * matches /sys/module/fluxcap/version for any user, and malformed requests
 * (unknown command, unknown or reply-only attribute, dump flag, reserved
 * header bits) fail with the documented errno. Every test skips, with the
 * reason, when the module is not loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fluxcap.h>

#include "kselftest_harness.h"

#include "genl.h"

#define NOBODY 65534

/* The module's version as sysfs shows it, without the newline. */
static int sysfs_version(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open("/sys/module/fluxcap/version", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Asks for the version. Return: 0 with the string in buf, or -errno. */
static int get_version(struct genl_sock *s, __u16 family, char *buf, size_t len)
{
	struct genl_msg req, reply;
	const struct nlattr *nla;
	const char *v;
	int ret;

	genl_msg_init(&req, family, 0, FLUXCAP_CMD_GET_VERSION, FLUXCAP_GENL_VERSION);
	memset(&reply, 0, sizeof(reply));
	ret = genl_transact(s, &req, &reply);
	if (ret)
		return ret;
	if (reply.nlh.nlmsg_type != family ||
	    genl_hdr(&reply)->cmd != FLUXCAP_CMD_GET_VERSION)
		return -EPROTO;
	nla = genl_attr(&reply, FLUXCAP_A_VERSION);
	if (!nla)
		return -ENODATA;
	v = genl_attr_str(nla);
	if (!v)
		return -EBADMSG;
	if (strlen(v) >= len)
		return -EMSGSIZE;
	strcpy(buf, v);
	return 0;
}

FIXTURE(fluxcap) {
	struct genl_sock sock;
	struct genl_family_info family;
	bool skipped;
};

FIXTURE_SETUP(fluxcap)
{
	int ret;

	ASSERT_EQ(0, genl_open(&self->sock));
	ret = genl_resolve(&self->sock, FLUXCAP_GENL_NAME, &self->family);
	if (ret == -ENOENT && access("/sys/module/fluxcap", F_OK)) {
		self->skipped = true;
		SKIP(return, "fluxcap.ko is not loaded (no genl family \"%s\")",
		     FLUXCAP_GENL_NAME);
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("resolving genl family \"%s\": %s (the module is loaded)",
		       FLUXCAP_GENL_NAME, strerror(-ret));
	}
}

FIXTURE_TEARDOWN(fluxcap)
{
	genl_close(&self->sock);
}

/* 6.1's harness still runs the test body after a SKIP() in FIXTURE_SETUP. */
#define RETURN_IF_SKIPPED() do { if (self->skipped) return; } while (0)

/* Sends GET_VERSION shaped by the caller. Return: the kernel's answer, 0 or -errno. */
static int send_get_version(FIXTURE_DATA(fluxcap) *self, __u16 flags, __u8 cmd,
			    __u8 reserved, int attr_type)
{
	struct genl_msg req;

	genl_msg_init(&req, self->family.id, flags, cmd, FLUXCAP_GENL_VERSION);
	genl_hdr(&req)->reserved = reserved;
	if (attr_type >= 0 && genl_put_str(&req, attr_type, "x"))
		return -EMSGSIZE;
	return genl_transact(&self->sock, &req, NULL);
}

TEST_F(fluxcap, family_version)
{
	RETURN_IF_SKIPPED();
	EXPECT_NE(0, self->family.id);
	EXPECT_EQ(FLUXCAP_GENL_VERSION, (int)self->family.version);
}

TEST_F(fluxcap, get_version_matches_sysfs)
{
	char got[256], want[256];

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, sysfs_version(want, sizeof(want)));
	ASSERT_EQ(0, get_version(&self->sock, self->family.id, got, sizeof(got))) {
		TH_LOG("GET_VERSION failed: %s", self->sock.ext_msg);
	}
	EXPECT_STRNE("", got);
	EXPECT_STREQ(want, got);
	TH_LOG("fluxcap.ko %s", got);
}

/*
 * The features: a u32 with only known bits. The kernels tested here (x86,
 * 6.1 and 6.12) all have the vDSO data page the module copies.
 */
TEST_F(fluxcap, get_version_features)
{
	struct genl_msg req, reply;
	const struct nlattr *nla;
	__u32 features;

	RETURN_IF_SKIPPED();
	genl_msg_init(&req, self->family.id, 0, FLUXCAP_CMD_GET_VERSION,
		      FLUXCAP_GENL_VERSION);
	memset(&reply, 0, sizeof(reply));
	ASSERT_EQ(0, genl_transact(&self->sock, &req, &reply));
	nla = genl_attr(&reply, FLUXCAP_A_FEATURES);
	ASSERT_NE(NULL, nla);
	ASSERT_EQ(NLA_HDRLEN + sizeof(__u32), nla->nla_len);
	memcpy(&features, (const char *)nla + NLA_HDRLEN, sizeof(features));
	EXPECT_EQ(0U, features & ~FLUXCAP_FEATURE_VDSO);
	EXPECT_EQ(FLUXCAP_FEATURE_VDSO, features & FLUXCAP_FEATURE_VDSO);
	TH_LOG("features 0x%x", features);
}

/* Reading needs no privilege: nobody gets the same answer as root. */
TEST_F(fluxcap, get_version_unprivileged)
{
	char want[256];
	pid_t pid;
	int status;

	RETURN_IF_SKIPPED();
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", NOBODY);
	ASSERT_EQ(0, sysfs_version(want, sizeof(want)));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct genl_family_info family;
		struct genl_sock s;
		char got[256];

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (genl_open(&s) || genl_resolve(&s, FLUXCAP_GENL_NAME, &family))
			_exit(11);
		if (get_version(&s, family.id, got, sizeof(got)))
			_exit(12);
		_exit(strcmp(got, want) ? 13 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("as uid %d: 10 setuid, 11 resolve, 12 GET_VERSION, 13 mismatch",
		       NOBODY);
	}
}

TEST_F(fluxcap, unknown_command)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(-EOPNOTSUPP, send_get_version(self, 0, FLUXCAP_CMD_MAX + 1, 0, -1));
	EXPECT_EQ(-EOPNOTSUPP, send_get_version(self, 0, 255, 0, -1));
	EXPECT_EQ(-EOPNOTSUPP, send_get_version(self, 0, 0, 0, -1));
}

/* GET_VERSION has no dump form. */
TEST_F(fluxcap, dump_rejected)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(-EOPNOTSUPP, send_get_version(self, NLM_F_DUMP,
						FLUXCAP_CMD_GET_VERSION, 0, -1));
}

/* Strict from the first op (resv_start_op): reserved header bits must be 0. */
TEST_F(fluxcap, reserved_header_rejected)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 1, -1));
	EXPECT_EQ(0, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0, -1));
}

/* ... and stray nlmsg flags are refused too. */
TEST_F(fluxcap, stray_flags_rejected)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, send_get_version(self, NLM_F_REPLACE,
					    FLUXCAP_CMD_GET_VERSION, 0, -1));
}

TEST_F(fluxcap, reply_only_attribute_rejected)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0,
					    FLUXCAP_A_VERSION));
	EXPECT_TRUE(strstr(self->sock.ext_msg, "only sent in replies") != NULL) {
		TH_LOG("extack: \"%s\"", self->sock.ext_msg);
	}
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0,
					    FLUXCAP_A_FEATURES));
	EXPECT_TRUE(strstr(self->sock.ext_msg, "only sent in replies") != NULL) {
		TH_LOG("extack: \"%s\"", self->sock.ext_msg);
	}
}

TEST_F(fluxcap, unknown_attribute_rejected)
{
	RETURN_IF_SKIPPED();
	/* Known to the family but not taken by GET_VERSION. */
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0,
					    FLUXCAP_A_PAD));
	EXPECT_STRNE("", self->sock.ext_msg);
	/* Past the last attribute the module knows. */
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0,
					    FLUXCAP_A_MAX + 1));
	EXPECT_STRNE("", self->sock.ext_msg);
	/* The largest type that fits, NLA_TYPE_MASK. */
	EXPECT_EQ(-EINVAL, send_get_version(self, 0, FLUXCAP_CMD_GET_VERSION, 0,
					    0x3fff));
}

TEST_HARNESS_MAIN
