// SPDX-License-Identifier: GPL-2.0
/*
 * Hiding the vDSO of an exec'd program the preload will not reach (see
 * exec_vdso.h). At the exec stop the new stack holds argc, argv[], NULL,
 * envp[], NULL, then the auxiliary vector's (type, value) pairs up to
 * AT_NULL; the strings lie above. It is read a page at a time, so no read
 * crosses the end of the stack's mapping.
 */

#define _GNU_SOURCE
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "exec_vdso.h"
#include "preload.h"
#include "tracemem.h"

#define PAGE 4096UL
#define MAX_WORDS (1UL << 22)	/* argv + envp + auxv: 32 MiB, ARG_MAX's order */

/* A tracee's memory through a one-page cache. */
struct stack_reader {
	pid_t tid;
	unsigned long base;	/* page cached, or 1 for none */
	unsigned char page[PAGE];
};

static int read_byte(struct stack_reader *r, unsigned long addr, unsigned char *b)
{
	unsigned long base = addr & ~(PAGE - 1);

	if (base != r->base) {
		if (fc_mem_read(r->tid, base, r->page, PAGE))
			return -1;
		r->base = base;
	}
	*b = r->page[addr - base];
	return 0;
}

static int read_word(struct stack_reader *r, unsigned long addr, unsigned long *w)
{
	unsigned char b[sizeof(*w)];
	size_t i;

	for (i = 0; i < sizeof(b); i++)
		if (read_byte(r, addr + i, &b[i]))
			return -1;
	memcpy(w, b, sizeof(*w));
	return 0;
}

/* Is the string at addr exactly str? -1: unreadable. */
static int equals(struct stack_reader *r, unsigned long addr, const char *str)
{
	unsigned char b;

	for (;; str++, addr++) {
		if (read_byte(r, addr, &b))
			return -1;
		if (b != (unsigned char)*str)
			return 0;
		if (!b)
			return 1;
	}
}

/* Does the string at addr start with prefix? -1: unreadable. */
static int starts_with(struct stack_reader *r, unsigned long addr, const char *prefix)
{
	unsigned char b;

	for (; *prefix; prefix++, addr++) {
		if (read_byte(r, addr, &b))
			return -1;
		if (b != (unsigned char)*prefix)
			return 0;
	}
	return 1;
}

/*
 * Does the LD_PRELOAD string at addr (past "LD_PRELOAD=") list preload?
 * The loader splits it at spaces and colons.
 */
static int lists(struct stack_reader *r, unsigned long addr, const char *preload)
{
	size_t n = strlen(preload), i = 0;
	bool at_start = true;
	unsigned char b;

	for (;; addr++) {
		if (read_byte(r, addr, &b))
			return -1;
		if (at_start && i < n && b == (unsigned char)preload[i]) {
			i++;
			continue;
		}
		if (at_start && i == n && (b == '\0' || b == ' ' || b == ':'))
			return 1;
		if (b == '\0')
			return 0;
		at_start = b == ' ' || b == ':';
		i = 0;
	}
}

/*
 * Can tid load the preload: is the file at its path, seen from tid's root,
 * the one the supervisor found?
 */
static bool reachable(pid_t tid, const char *preload)
{
	char path[4096 + 64];
	struct stat ours, theirs;

	snprintf(path, sizeof(path), "/proc/%d/root%s", tid, preload);
	return preload[0] == '/' && !stat(preload, &ours) && !stat(path, &theirs) &&
	       ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

/*
 * One environment entry: the loader and the preload read the last of
 * several with the same name, so each overrides what came before.
 */
static int look_at_env(struct stack_reader *r, unsigned long w, const char *preload,
		       const char *page, int *listed, int *paged)
{
	int ret = starts_with(r, w, "LD_PRELOAD=");

	if (ret == 1) {
		ret = lists(r, w + strlen("LD_PRELOAD="), preload);
		*listed = ret;
	} else if (ret == 0) {
		ret = starts_with(r, w, FC_CLOCK_PAGE_ENV "=");
		if (ret == 1) {
			ret = equals(r, w + strlen(FC_CLOCK_PAGE_ENV "="), page);
			*paged = ret;
		}
	}
	return ret;
}

enum fc_exec_vdso fc_exec_vdso(pid_t tid, unsigned long sp, const char *preload,
			       const char *page, char *why, size_t len)
{
	static struct stack_reader r;
	unsigned long argc, w, type, val, at, ehdr_at = 0, interp = 0, secure = 0;
	int listed = 0, paged = 0;
	unsigned long ignore = AT_IGNORE;

	r.tid = tid;
	r.base = 1;
	if (read_word(&r, sp, &argc) || argc > MAX_WORDS)
		goto unreadable;
	/* envp[] */
	for (at = sp + 8 * (argc + 2); ; at += 8) {
		if (at - sp > 8 * MAX_WORDS || read_word(&r, at, &w))
			goto unreadable;
		if (!w)
			break;
		if (preload && page && look_at_env(&r, w, preload, page, &listed, &paged) < 0)
			goto unreadable;
	}
	/* auxv */
	for (at += 8; ; at += 16) {
		if (at - sp > 8 * MAX_WORDS || read_word(&r, at, &type) ||
		    read_word(&r, at + 8, &val))
			goto unreadable;
		if (type == AT_NULL)
			break;
		if (type == AT_SYSINFO_EHDR)
			ehdr_at = at;
		else if (type == AT_BASE)
			interp = val;
		else if (type == AT_SECURE)
			secure = val;
	}
	if (!ehdr_at) {
		snprintf(why, len, "no vDSO: time reads are system calls");
		return FC_VDSO_NONE;
	}
	if (listed && paged && interp && !secure && reachable(tid, preload)) {
		snprintf(why, len, "vDSO kept: the preload reads the clock page");
		return FC_VDSO_KEPT;
	}
	if (fc_mem_write(tid, ehdr_at, &ignore, sizeof(ignore)))
		goto unreadable;
	snprintf(why, len, "vDSO hidden (%s): time reads become system calls",
		 !interp ? "static program" : secure ? "secure execution" :
		 !listed ? "no preload in LD_PRELOAD" :
		 !paged ? "no clock page in " FC_CLOCK_PAGE_ENV :
		 "the preload is out of its reach");
	return FC_VDSO_HIDDEN;

unreadable:
	snprintf(why, len, "cannot read its new program's stack (not dumpable?): its vDSO time reads may stay real");
	return FC_VDSO_UNREADABLE;
}
