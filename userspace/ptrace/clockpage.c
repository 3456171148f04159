// SPDX-License-Identifier: GPL-2.0
/*
 * The clock page's writer (see clockpage.h): creates the file, publishes
 * offsets under the page's sequence lock, and removes it. The reader is
 * preload/fluxcap_preload.c; the layout and the protocol are documented in
 * include/uapi/linux/fluxcap.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fluxcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clockpage.h"
#include "janitor.h"

#define NSEC_PER_SEC 1000000000U
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Opens a new file in dir under a random name, so that neither a stale
 * file left by a killed run with the same pid nor a name another user
 * planted in /tmp can get in the way (mkostemp uses O_EXCL). Returns the
 * fd or -errno.
 */
static int create_in(const char *dir, char *path, size_t size)
{
	int n, fd;

	/* A relative $TMPDIR would name another file in each tracee's cwd. */
	if (!dir || dir[0] != '/')
		return -EINVAL;
	n = snprintf(path, size, "%s/fluxcap-%d-clock-XXXXXX", dir, (int)getpid());
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

int fc_clockpage_create(struct fc_clockpage_file *f)
{
	const char *dirs[] = { "/dev/shm", getenv("TMPDIR"), "/tmp" };
	long pagesize = sysconf(_SC_PAGESIZE);
	struct fluxcap_clock_page *p;
	size_t size = sizeof(*p);
	int ret = -ENOENT, fd = -1;
	unsigned int i;
	void *map;

	f->page = NULL;
	f->size = 0;
	f->path[0] = '\0';
	f->janitor = -1;
	/* A whole page: room for appended fields, and what mmap maps anyway. */
	if (pagesize > 0 && (size_t)pagesize > size)
		size = pagesize;

	for (i = 0; i < ARRAY_SIZE(dirs) && fd < 0; i++) {
		fd = create_in(dirs[i], f->path, sizeof(f->path));
		if (fd < 0 && dirs[i])
			ret = fd;
	}
	if (fd < 0)
		goto cleanup;

	/* Readable by tracees running as another user (su, setuid). */
	if (fchmod(fd, 0644)) {
		ret = -errno;
		goto cleanup;
	}
	/* Allocate now: a full tmpfs must fail here, not SIGBUS us later. */
	ret = -posix_fallocate(fd, 0, size);
	if (ret)
		goto cleanup;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		goto cleanup;
	}
	close(fd);
	fd = -1;

	f->janitor = fc_janitor_start(f->path);
	p = map;
	p->version = FLUXCAP_CLOCK_PAGE_VERSION;
	p->flags = 0;
	/* Last, so that a reader that sees the magic sees the rest too. */
	__atomic_store_n(&p->magic, FLUXCAP_CLOCK_PAGE_MAGIC, __ATOMIC_RELEASE);
	f->page = p;
	f->size = size;
	return 0;

cleanup:
	if (fd >= 0) {
		close(fd);
		unlink(f->path);
	}
	f->path[0] = '\0';
	return ret;
}

static void normalise(int64_t *sec, uint32_t *nsec)
{
	if (*nsec >= NSEC_PER_SEC) {
		*sec += *nsec / NSEC_PER_SEC;
		*nsec %= NSEC_PER_SEC;
	}
}

void fc_clockpage_publish(struct fc_clockpage_file *f, int64_t mono_sec,
			  uint32_t mono_nsec, int64_t real_sec,
			  uint32_t real_nsec, uint64_t jumps)
{
	struct fluxcap_clock_page *p = f->page;
	uint32_t odd;

	if (!p)
		return;
	normalise(&mono_sec, &mono_nsec);
	normalise(&real_sec, &real_nsec);

	/*
	 * Make seq odd, so readers retry, and order that before the data
	 * stores (the release fence pairs with the readers' acquire fence
	 * between their data loads and their second load of seq). "| 1"
	 * rather than "+ 1": should seq ever be left odd, it stays odd.
	 */
	odd = __atomic_load_n(&p->seq, __ATOMIC_RELAXED) | 1;
	__atomic_store_n(&p->seq, odd, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&p->mono_sec, mono_sec, __ATOMIC_RELAXED);
	__atomic_store_n(&p->mono_nsec, mono_nsec, __ATOMIC_RELAXED);
	__atomic_store_n(&p->real_sec, real_sec, __ATOMIC_RELAXED);
	__atomic_store_n(&p->real_nsec, real_nsec, __ATOMIC_RELAXED);
	__atomic_store_n(&p->jumps, jumps, __ATOMIC_RELAXED);
	/* Even again: publishes the stores above to acquiring readers. */
	__atomic_store_n(&p->seq, odd + 1, __ATOMIC_RELEASE);
}

const char *fc_clockpage_path(const struct fc_clockpage_file *f)
{
	return f->page ? f->path : "";
}

void fc_clockpage_forget_janitor(struct fc_clockpage_file *f)
{
	fc_janitor_stop(f->janitor);
	f->janitor = -1;
}

void fc_clockpage_destroy(struct fc_clockpage_file *f)
{
	if (!f->page)
		return;
	unlink(f->path);
	fc_clockpage_forget_janitor(f);
	munmap(f->page, f->size);
	f->page = NULL;
	f->size = 0;
	f->path[0] = '\0';
}
