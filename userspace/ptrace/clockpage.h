/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer's side of the clock page (struct fluxcap_clock_page in
 * include/uapi/linux/fluxcap.h): a small file in /dev/shm that the
 * supervisor maps read-write and publishes the virtual clock's offsets in,
 * and that libfluxcap-preload.so maps read-only in every traced process,
 * which finds it through FC_CLOCK_PAGE_ENV (common/preload.h).
 */
#ifndef _FC_CLOCKPAGE_H
#define _FC_CLOCKPAGE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct fluxcap_clock_page;

struct fc_clockpage_file {
	struct fluxcap_clock_page *page;	/* NULL until created */
	size_t size;				/* bytes mapped */
	char path[PATH_MAX];
	int janitor;				/* janitor.h's pipe, or -1 */
};

/*
 * Creates a new page file (mode 0644) in /dev/shm, else in $TMPDIR, else
 * in /tmp, maps it read-write and fills in magic and version, with zero
 * offsets; a janitor removes it should the caller die before
 * fc_clockpage_destroy(). Call before starting the first reader (it forks).
 * 0 or -errno.
 */
int fc_clockpage_create(struct fc_clockpage_file *f);

/*
 * Publishes new offsets (virtual minus host time) with the sequence-lock
 * protocol, so readers never see a mix of old and new. *_nsec should be in
 * [0, 1e9); larger values are carried into the seconds. One writer at a
 * time: callers serialise. Does nothing when f holds no page.
 */
void fc_clockpage_publish(struct fc_clockpage_file *f, int64_t mono_sec,
			  uint32_t mono_nsec, int64_t real_sec,
			  uint32_t real_nsec, uint64_t jumps);

/* The file's path, for FLUXCAP_CLOCK_PAGE; "" when f holds no page. */
const char *fc_clockpage_path(const struct fc_clockpage_file *f);

/* In a child: closes its copy of the janitor's pipe (the file stays). */
void fc_clockpage_forget_janitor(struct fc_clockpage_file *f);

/*
 * Unlinks the file and unmaps it. Processes that already mapped the page
 * keep reading the last published offsets; processes exec'd afterwards
 * find no page and read real time, so call it once the tree has exited.
 */
void fc_clockpage_destroy(struct fc_clockpage_file *f);

#endif /* _FC_CLOCKPAGE_H */
