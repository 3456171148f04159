// SPDX-License-Identifier: GPL-2.0
/*
 * The loop an unprivileged user can run against the module, for
 * bench/dump_load.sh: GET_GROUP dumps of every group, back to back over
 * one generic netlink socket, for SECONDS. No privilege needed (reading is
 * open). Prints "dumps N groups G" (G: groups in the last dump).
 *
 *   dumploop SECONDS
 */

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../include/uapi/linux/fluxcap.h"

struct request {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static char buf[65536];

static int send_request(int fd, unsigned short type, unsigned short flags,
			unsigned char cmd, unsigned char version, const char *name)
{
	struct request req;
	struct nlattr *a;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | flags;
	req.gh.cmd = cmd;
	req.gh.version = version;
	if (name) {
		a = (struct nlattr *)req.attrs;
		a->nla_type = CTRL_ATTR_FAMILY_NAME;
		a->nla_len = NLA_HDRLEN + strlen(name) + 1;
		memcpy((char *)a + NLA_HDRLEN, name, strlen(name) + 1);
		req.nh.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	return send(fd, &req, req.nh.nlmsg_len, 0) == (ssize_t)req.nh.nlmsg_len ? 0 : -1;
}

/* The family's id, from the controller. */
static int family_id(int fd)
{
	struct nlmsghdr *nh;
	struct nlattr *a;
	ssize_t n;
	int len;

	if (send_request(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, FLUXCAP_GENL_NAME))
		return -1;
	n = recv(fd, buf, sizeof(buf), 0);
	nh = (struct nlmsghdr *)buf;
	if (n < 0 || !NLMSG_OK(nh, n) || nh->nlmsg_type == NLMSG_ERROR)
		return -1;
	a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)a + NLA_HDRLEN);
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -1;
}

/* One dump; its group count, or -1. */
static int dump(int fd, int family)
{
	int groups = 0;

	if (send_request(fd, family, NLM_F_DUMP, FLUXCAP_CMD_GET_GROUP,
			 FLUXCAP_GENL_VERSION, NULL))
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (n < 0)
			return -1;
		for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return groups;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return -1;
			groups++;
		}
	}
}

int main(int argc, char *argv[])
{
	struct timespec t0, t;
	long dumps = 0;
	int fd, family, groups = 0;
	double secs;

	if (argc != 2 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: dumploop SECONDS\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || (family = family_id(fd)) < 0) {
		fprintf(stderr, "dumploop: no %s family: %s\n", FLUXCAP_GENL_NAME,
			strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		groups = dump(fd, family);
		if (groups < 0) {
			fprintf(stderr, "dumploop: dump failed: %s\n", strerror(errno));
			return 1;
		}
		dumps++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("dumps %ld groups %d\n", dumps, groups);
	return 0;
}
