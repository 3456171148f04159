// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the OCI state of a hook (oci_state.h). The runtime writes it and
 * closes the pipe; anything else (a terminal, a pipe left open, megabytes
 * of input, broken JSON, fields of the wrong type) is refused with a
 * sentence saying what was wrong, never waited on forever.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json_read.h"
#include "oci_state.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * All of fd into *buf (NUL-terminated, free()), waiting at most
 * timeout_ms (< 0: no limit, for files). Return: the length, or -errno:
 * -ETIMEDOUT, -EFBIG beyond FC_OCI_MAX_INPUT.
 */
static long read_all(int fd, char **buf, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	size_t len = 0, cap = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int ret;

	for (;;) {
		if (timeout_ms >= 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			long long left = end - now_ms();

			ret = left > 0 ? poll(&pfd, 1, left) : 0;
			if (ret < 0 && errno == EINTR)
				continue;
			if (ret <= 0) {
				ret = ret ? -errno : -ETIMEDOUT;
				goto err;
			}
		}
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			nb = realloc(b, cap);
			if (!nb) {
				ret = -ENOMEM;
				goto err;
			}
			b = nb;
		}
		r = read(fd, b + len, cap - len - 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			ret = -errno;
			goto err;
		}
		if (!r)
			break;
		len += r;
		if (len > FC_OCI_MAX_INPUT) {
			ret = -EFBIG;
			goto err;
		}
	}
	if (!b && !(b = malloc(1)))
		return -ENOMEM;
	b[len] = '\0';
	*buf = b;
	return len;
err:
	free(b);
	return ret;
}

/* Member key of object obj as a new string into *out; NULL when absent. */
static int get_string(const struct fc_jdoc *d, int obj, const char *key,
		      char **out, const char *what, char *err, size_t errlen)
{
	int t = fc_jdoc_member(d, obj, key), ret;

	*out = NULL;
	if (t < 0)
		return 0;
	ret = fc_jdoc_string(d, t, out);
	if (ret == -EINVAL)
		snprintf(err, errlen, "%s \"%s\" is not a string (or holds a NUL)", what, key);
	else if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}

/* The fluxcap annotations of d's top-level "annotations", if any. */
static int get_annotations(const struct fc_jdoc *d, struct fc_oci_state *st,
			   const char *what, char *err, size_t errlen)
{
	int ann = fc_jdoc_member(d, 0, "annotations"), ret;
	char w[64];

	if (ann < 0)
		return 0;
	if (d->tok[ann].type == FC_J_LITERAL && d->text[d->tok[ann].start] == 'n')
		return 0;	/* null: Go's encoding of no annotations */
	if (d->tok[ann].type != FC_J_OBJECT) {
		snprintf(err, errlen, "%s \"annotations\" is not an object", what);
		return -EINVAL;
	}
	snprintf(w, sizeof(w), "%s annotation", what);
	ret = get_string(d, ann, FC_OCI_ANN_GROUP, &st->group, w, err, errlen);
	if (!ret)
		ret = get_string(d, ann, FC_OCI_ANN_TRANSIENT, &st->transient, w, err, errlen);
	return ret;
}

static int parse_json(struct fc_jdoc *d, const char *text, size_t len,
		      const char *what, char *err, size_t errlen)
{
	char why[200];
	int ret;

	ret = fc_jdoc_parse(d, text, len, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s is not valid JSON: %s", what, why);
		return ret;
	}
	if (d->tok[0].type != FC_J_OBJECT) {
		snprintf(err, errlen, "%s is not a JSON object", what);
		return -EINVAL;
	}
	return 0;
}

/* The annotations of BUNDLE/config.json, for a runtime that passed none. */
static int read_config(struct fc_oci_state *st, char *err, size_t errlen)
{
	struct fc_jdoc d = { 0 };
	char path[4200], what[4300], *text = NULL;
	struct stat sb;
	long len;
	int fd, ret;

	if (!*st->bundle)
		return 0;
	if (snprintf(path, sizeof(path), "%s/config.json", st->bundle) >= (int)sizeof(path)) {
		snprintf(err, errlen, "the bundle path is too long");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return ret;
	}
	/* A regular file only: a FIFO there would block, or spin on EAGAIN. */
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s is not a regular file", path);
		return -EINVAL;
	}
	len = read_all(fd, &text, -1);
	close(fd);
	if (len < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-len));
		return len;
	}
	snprintf(what, sizeof(what), "%s", path);
	ret = parse_json(&d, text, len, what, err, errlen);
	if (!ret)
		ret = get_annotations(&d, st, what, err, errlen);
	if (!ret && st->group)
		st->from_config = true;
	fc_jdoc_free(&d);
	free(text);
	return ret;
}

static int read_state(struct fc_oci_state *st, const char *text, size_t len,
		      char *err, size_t errlen)
{
	static const char what[] = "the OCI state";
	struct fc_jdoc d = { 0 };
	long long pid = 0;
	int t, ret;

	ret = parse_json(&d, text, len, what, err, errlen);
	if (ret)
		goto out;
	ret = get_string(&d, 0, "id", &st->id, what, err, errlen) ?:
	      get_string(&d, 0, "status", &st->status, what, err, errlen) ?:
	      get_string(&d, 0, "bundle", &st->bundle, what, err, errlen);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (!st->id || !*st->id) {
		snprintf(err, errlen, "%s has no \"id\"", what);
		goto out;
	}
	if (!st->status) {
		snprintf(err, errlen, "%s has no \"status\"", what);
		goto out;
	}
	t = fc_jdoc_member(&d, 0, "pid");
	if (t >= 0 && fc_jdoc_int(&d, t, 0, 1 << 22, &pid)) {
		snprintf(err, errlen, "%s \"pid\" is not a process id", what);
		goto out;
	}
	st->pid = pid;
	ret = get_annotations(&d, st, what, err, errlen);
	if (!ret && !st->bundle && !(st->bundle = strdup("")))
		ret = -ENOMEM;
out:
	fc_jdoc_free(&d);
	return ret;
}

int fc_oci_state_read(int fd, struct fc_oci_state *st, char *err, size_t errlen)
{
	char *text = NULL;
	long len;
	int ret;

	*st = (struct fc_oci_state){ 0 };
	if (isatty(fd)) {
		snprintf(err, errlen, "no OCI state: standard input is a terminal (the runtime writes the state there)");
		return -EINVAL;
	}
	len = read_all(fd, &text, FC_OCI_STDIN_TIMEOUT_MS);
	if (len == -ETIMEDOUT) {
		snprintf(err, errlen, "no OCI state: standard input still open after %d s",
			 FC_OCI_STDIN_TIMEOUT_MS / 1000);
		return -EINVAL;
	}
	if (len == -EFBIG) {
		snprintf(err, errlen, "the OCI state is larger than %d MiB", FC_OCI_MAX_INPUT >> 20);
		return -EINVAL;
	}
	if (len < 0) {
		snprintf(err, errlen, "cannot read the OCI state: %s", strerror(-len));
		return len;
	}
	if (!text[strspn(text, " \t\r\n")]) {
		free(text);
		snprintf(err, errlen, "no OCI state on standard input (it was empty)");
		return -EINVAL;
	}
	ret = read_state(st, text, len, err, errlen);
	free(text);
	if (!ret && !st->group)
		ret = read_config(st, err, errlen);
	return ret;
}

void fc_oci_state_free(struct fc_oci_state *st)
{
	free(st->id);
	free(st->status);
	free(st->bundle);
	free(st->group);
	free(st->transient);
	*st = (struct fc_oci_state){ 0 };
}
