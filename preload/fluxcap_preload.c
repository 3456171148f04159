// SPDX-License-Identifier: GPL-2.0
/*
 * libfluxcap-preload.so: interposes clock_gettime(), gettimeofday() and
 * time(), the reads that the vDSO answers without entering the kernel.
 * For now it is transparent: each call goes to the real function. Reading
 * the virtual clock page instead arrives with the ptrace backend (issue 3)
 * and the module (issue 4).
 *
 * Rules for everything here: never print (except with FLUXCAP_DEBUG set),
 * never exit or abort, leave errno as the real function leaves it, and work
 * before this library's constructor has run, because another library's
 * constructor may read the time first. So the real functions are looked up
 * lazily, and the constructor only does it early, so that later calls
 * (from signal handlers, say) need no dlsym(), which is not async-signal-safe.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* The next definitions in lookup order (libc's), once found. */
static struct {
	void *clock_gettime;
	void *gettimeofday;
	void *time;
} real;

/* Async-signal-safe: write(2) only, errno kept. */
static void debug(const char *what, const char *name)
{
	const char *env = getenv("FLUXCAP_DEBUG");
	int saved_errno = errno;
	ssize_t ignored;

	if (!env || !*env)
		return;
	ignored = write(STDERR_FILENO, "fluxcap-preload: ", 17);
	ignored = write(STDERR_FILENO, what, strlen(what));
	ignored = write(STDERR_FILENO, name, strlen(name));
	ignored = write(STDERR_FILENO, "\n", 1);
	(void)ignored;
	errno = saved_errno;
}

/*
 * Returns the real function for name, looking it up on first use. Two
 * threads may both look up; they find the same address. NULL when there
 * is none: the callers then make the system call themselves.
 */
static void *resolve(void **slot, const char *name)
{
	void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	int saved_errno;

	if (fn)
		return fn;

	saved_errno = errno;
	fn = dlsym(RTLD_NEXT, name);
	errno = saved_errno;
	if (!fn) {
		debug("no next definition, using the system call for ", name);
		return NULL;
	}
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	debug("resolved ", name);
	return fn;
}

EXPORT int clock_gettime(clockid_t clk, struct timespec *ts)
{
	int (*fn)(clockid_t clk, struct timespec *ts) =
		resolve(&real.clock_gettime, "clock_gettime");

	if (fn)
		return fn(clk, ts);
	return syscall(SYS_clock_gettime, clk, ts);
}

EXPORT int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	int (*fn)(struct timeval *tv, void *tz) =
		resolve(&real.gettimeofday, "gettimeofday");

	if (fn)
		return fn(tv, tz);
	return syscall(SYS_gettimeofday, tv, tz);
}

EXPORT time_t time(time_t *t)
{
	time_t (*fn)(time_t *t) = resolve(&real.time, "time");
	struct timespec ts;

	if (fn)
		return fn(t);
	/* Not every architecture has SYS_time; all have clock_gettime. */
	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

__attribute__((constructor))
static void fluxcap_preload_init(void)
{
	resolve(&real.clock_gettime, "clock_gettime");
	resolve(&real.gettimeofday, "gettimeofday");
	resolve(&real.time, "time");
}
