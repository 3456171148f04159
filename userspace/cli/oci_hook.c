// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl oci-hook: a container runtime's OCI hook that puts a container
 * into the group its annotation io.fluxcap.group names.
 *
 * Joining (createRuntime or prestart: the container's first process exists
 * in its cgroup and has not run the user's program yet), by the first rule
 * that applies:
 *  - the container's cgroup lies in the group's subtree already (its
 *    cgroupsPath or --cgroup-parent is under the group's cgroup): nothing
 *    moves, and the runtime keeps full control of its cgroup;
 *  - no such group, io.fluxcap.transient=true: the group is created on the
 *    container's own cgroup (adopted, as `create --cgroup`): nothing moves;
 *  - no such group: the group is created on <cgroup2>/fluxcap/NAME (made
 *    and owned as by `create`, or bound if it exists), which outlives
 *    containers, and the next rule moves this one in;
 *  - the group's cgroup is <cgroup2>/fluxcap/NAME: the container's first
 *    process moves to <that>/ID, a cgroup of its own, and its children
 *    follow it there. The runtime's cgroup is left empty: its limits no
 *    longer apply and its stats count nothing, while killing the container
 *    (its pid namespace's init) still ends it. A cgroup of anyone else
 *    (another container's, adopted) is never moved into: the runtime
 *    removing it would kill what was moved in.
 * Cleaning up (poststop): <group cgroup>/ID, if it exists, is killed and
 * removed; with io.fluxcap.transient=true the group is deleted once it
 * has no member left.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fluxctl.h"
#include "group.h"
#include "oci_state.h"
#include "usage.h"

#define SUB "oci-hook"
/* A container id as the name of a cgroup: podman's and CRI-O's are 64 hex digits. */
#define ID_MAX 128

static void oci_hook_usage(FILE *f)
{
	fputs("Usage: fluxctl oci-hook\n"
	      "\n"
	      "An OCI hook: a container runtime runs it with the container's state (JSON)\n"
	      "on standard input. At createRuntime or prestart it puts the container into\n"
	      "the group named by the annotation " FC_OCI_ANN_GROUP "=NAME, creating the\n"
	      "group if needed; at poststop it cleans up, and with " FC_OCI_ANN_TRANSIENT "=true\n"
	      "deletes the group once it has no member left. Needs root.\n"
	      "Exit status: 0 done, 1 failed (the runtime then does not start the\n"
	      "container), 2 bad input (no state, not JSON, no annotation).\n"
	      "\n"
	      "  -h, --help   show this help\n", f);
}

/* Bad input from the runtime: the reason, no usage (it goes to a log). */
__attribute__((format(printf, 1, 2)))
static int bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("fluxctl " SUB ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FC_EXIT_USAGE;
}

/* Process pid's cgroup v2 path ("/a/b") into buf. Return: 0 or -errno. */
static int pid_cgroup(pid_t pid, char *buf, size_t len)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -ENOENT;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		ret = snprintf(buf, len, "%s", line + 3) < (int)len ? 0 : -ENAMETOOLONG;
		break;
	}
	free(line);
	fclose(fp);
	return ret;
}

/* Whether cgroup path c lies in the subtree of cgroup path g. */
static bool inside(const char *c, const char *g)
{
	size_t n = strlen(g);

	if (!strcmp(g, "/"))
		return true;
	return !strncmp(c, g, n) && (c[n] == '/' || !c[n]);
}

/* Whether g's cgroup is fluxctl's: made by it, or "/fluxcap/NAME". */
static bool is_fluxcap_cgroup(const struct fc_group_info *g, const char *name)
{
	char own[64];

	snprintf(own, sizeof(own), "/" FC_CGROUP_PARENT "/%s", name);
	return (g->flags & FLUXCAP_GROUP_F_OWNS_CGROUP) || !strcmp(g->cgroup_path, own);
}

/*
 * Creates group name on the container's cgroup cg (transient) or on
 * <cgroup2>/fluxcap/NAME. Another hook may create it meanwhile: then
 * *g is that group. Return: 0 or an exit status, reported.
 */
static int create_group(struct fc_nl *nl, const char *name, const char *cg,
			bool transient, struct fc_group_info *g)
{
	uint32_t flags = FLUXCAP_GROUP_F_AUTO;
	bool made = false;
	char dir[4200];
	int fd, ret;

	if (transient) {
		ret = fc_cgroup_dir(cg, dir, sizeof(dir));
	} else {
		ret = fc_cgroup_make(name, dir, sizeof(dir));
		made = !ret;
		if (ret == -EEXIST)
			ret = 0;	/* there already (a runtime's cgroup parent): bind it */
		else if (!ret)
			flags |= FLUXCAP_GROUP_F_OWNS_CGROUP;
	}
	if (ret) {
		fprintf(stderr, "fluxctl " SUB ": cannot make the cgroup of group %s: %s\n",
			name, strerror(-ret));
		return FC_EXIT_FAIL;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fluxctl " SUB ": cannot open the cgroup %s: %m\n", dir);
		ret = -errno;
	} else {
		ret = fc_nl_group_new(nl, name, fd, flags, -1, -1, g);
		close(fd);
	}
	if (ret && made)
		rmdir(dir);
	if (ret == -EEXIST)
		ret = fc_nl_group_get(nl, name, g);
	if (ret)
		return fc_group_error(SUB, nl, ret == -EEXIST ? name : NULL, ret);
	return 0;
}

static int join(const struct fc_oci_state *st, bool transient)
{
	struct fc_group_info g;
	char cg[4096], dir[4400];
	struct fc_nl nl;
	int fd, ret;

	if (st->pid <= 0)
		return bad_input("the OCI state has no \"pid\" of the container (status %s)",
				 st->status);
	ret = pid_cgroup(st->pid, cg, sizeof(cg));
	if (ret) {
		fprintf(stderr, "fluxctl " SUB ": cannot read the cgroup v2 of pid %d: %s\n",
			(int)st->pid, strerror(-ret));
		return FC_EXIT_FAIL;
	}
	ret = fc_group_connect(SUB, &nl);
	if (ret)
		return ret;
	ret = fc_nl_group_get(&nl, st->group, &g);
	if (ret == -ENOENT)
		ret = create_group(&nl, st->group, cg, transient, &g);
	else if (ret)
		ret = fc_group_error(SUB, &nl, st->group, ret);
	fc_nl_close(&nl);
	if (ret)
		return ret;
	if (!fc_group_has(&g, FLUXCAP_A_GROUP_CGROUP_PATH)) {
		fprintf(stderr, "fluxctl " SUB ": the module did not say where group %s's cgroup is\n",
			st->group);
		return FC_EXIT_FAIL;
	}
	if (inside(cg, g.cgroup_path))
		return FC_EXIT_OK;
	if (!is_fluxcap_cgroup(&g, st->group)) {
		fprintf(stderr, "fluxctl " SUB ": container %s's cgroup %s is outside group %s's cgroup %s, which is not fluxctl's to move containers into: give the container a cgroup under %s (cgroupsPath, --cgroup-parent)\n",
			st->id, cg, st->group, g.cgroup_path, g.cgroup_path);
		return FC_EXIT_FAIL;
	}
	ret = fc_cgroup_dir(g.cgroup_path, dir, sizeof(dir) - ID_MAX - 2);
	if (ret) {
		fprintf(stderr, "fluxctl " SUB ": cgroup %s: %s\n", g.cgroup_path, strerror(-ret));
		return FC_EXIT_FAIL;
	}
	strcat(strcat(dir, "/"), st->id);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "fluxctl " SUB ": cannot make the cgroup %s: %m\n", dir);
		return FC_EXIT_FAIL;
	}
	fd = fc_cgroup_procs_open(dir);
	ret = fd < 0 ? fd : fc_cgroup_procs_write(fd, st->pid);
	if (fd >= 0)
		close(fd);
	if (ret) {
		fprintf(stderr, "fluxctl " SUB ": cannot move pid %d into %s: %s\n",
			(int)st->pid, dir, strerror(-ret));
		rmdir(dir);
		return FC_EXIT_FAIL;
	}
	return FC_EXIT_OK;
}

/* Kills what is left in dir and removes it, waiting up to 2 s. */
static int remove_cgroup(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	fc_cgroup_kill(dir);
	for (i = 0; i < 100; i++) {
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "fluxctl " SUB ": cannot remove the cgroup %s: %m\n", dir);
	return FC_EXIT_FAIL;
}

static int leave(const struct fc_oci_state *st, bool transient)
{
	struct fc_group_info g;
	char dir[4400];
	struct fc_nl nl;
	int ret, status = FC_EXIT_OK;

	ret = fc_group_connect(SUB, &nl);
	if (ret)
		return ret;
	ret = fc_nl_group_get(&nl, st->group, &g);
	if (ret == -ENOENT)
		goto out;	/* deleted already: nothing to clean */
	if (ret) {
		status = fc_group_error(SUB, &nl, st->group, ret);
		goto out;
	}
	if (fc_group_has(&g, FLUXCAP_A_GROUP_CGROUP_PATH) &&
	    !fc_cgroup_dir(g.cgroup_path, dir, sizeof(dir) - ID_MAX - 2)) {
		strcat(strcat(dir, "/"), st->id);
		if (!access(dir, F_OK))
			status = remove_cgroup(dir);
	}
	if (!transient)
		goto out;
	ret = fc_nl_group_get(&nl, st->group, &g);
	if (ret == -ENOENT)
		goto out;
	if (ret) {
		status = fc_group_error(SUB, &nl, st->group, ret);
		goto out;
	}
	if (g.members) {
		fprintf(stderr, "fluxctl " SUB ": group %s still has %u members: not deleted\n",
			st->group, g.members);
		goto out;
	}
	ret = fc_group_delete(SUB, &nl, st->group, false);
	if (ret)
		status = ret;
out:
	fc_nl_close(&nl);
	return status;
}

/* A container id that can name a cgroup: 1 to ID_MAX of [A-Za-z0-9_.-], no leading '.'. */
static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	return n && n <= ID_MAX && id[0] != '.' &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789_.-") == n;
}

static int run_hook(const struct fc_oci_state *st)
{
	bool transient;

	if (!st->group)
		return bad_input("no %s annotation in the OCI state%s", FC_OCI_ANN_GROUP,
				 *st->bundle ? " or in the bundle's config.json" : "");
	if (!fc_group_name_ok(st->group))
		return bad_input("bad group name '%s' in %s (1 to %d of A-Z a-z 0-9 _ . -, not starting with '.')",
				 st->group, FC_OCI_ANN_GROUP, FLUXCAP_GROUP_NAME_MAX - 1);
	if (!st->transient || !strcmp(st->transient, "false"))
		transient = false;
	else if (!strcmp(st->transient, "true"))
		transient = true;
	else
		return bad_input("%s is '%s', not 'true' or 'false'", FC_OCI_ANN_TRANSIENT,
				 st->transient);
	if (!id_ok(st->id))
		return bad_input("container id '%s' cannot name a cgroup (1 to %d of A-Z a-z 0-9 _ . -)",
				 st->id, ID_MAX);
	if (!strcmp(st->status, "creating") || !strcmp(st->status, "created"))
		return join(st, transient);
	if (!strcmp(st->status, "stopped"))
		return leave(st, transient);
	return bad_input("status '%s': run the hook at createRuntime or prestart (status creating or created) and at poststop (stopped)",
			 st->status);
}

int oci_hook_main(int argc, char *argv[])
{
	struct fc_oci_state st;
	char err[512];
	int ret;

	if (fc_wants_help(argc, argv)) {
		oci_hook_usage(stdout);
		return FC_EXIT_OK;
	}
	if (argc > 1)
		return fc_usage_error(SUB, oci_hook_usage, "unexpected argument '%s'", argv[1]);
	ret = fc_oci_state_read(STDIN_FILENO, &st, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fluxctl " SUB ": %s\n", err);
		ret = ret == -EINVAL ? FC_EXIT_USAGE : FC_EXIT_FAIL;
	} else {
		ret = run_hook(&st);
	}
	fc_oci_state_free(&st);
	return ret;
}
