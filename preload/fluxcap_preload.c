// SPDX-License-Identifier: GPL-2.0
/*
 * libfluxcap-preload.so: makes virtual the time reads that the vDSO answers
 * without entering the kernel, where no supervisor can see them. It
 * interposes each function through which a glibc program reads the wall or
 * monotonic clock via the PLT (clock_gettime, gettimeofday, __gettimeofday,
 * time, timespec_get, ftime), calls the real one and adds the offsets that
 * the supervisor publishes in the clock page (include/uapi/linux/fluxcap.h),
 * a file named by FLUXCAP_CLOCK_PAGE (in kernel mode the device
 * /dev/fluxcap). Without FLUXCAP_CLOCK_PAGE, or with a page that is not
 * valid, it is transparent; with one it cannot open (a private /dev/shm),
 * its reads become system calls, which the supervisor sees. Resolutions
 * (clock_getres, timespec_getres), CPU-time and dynamic (negative) clock
 * ids are never touched.
 *
 * What stays real, because it never reaches these functions:
 *  - glibc's internal reads, which call __clock_gettime directly, not
 *    through the PLT: syslog()'s timestamps, the resolver's timeouts
 *    (res_send), utmp/wtmp records;
 *  - statically linked programs (the dynamic loader, hence LD_PRELOAD, is
 *    not involved), and programs that call the vDSO themselves (Go) or read
 *    the TSC;
 *  - time from system calls and files: syscall(SYS_clock_gettime), times(),
 *    adjtimex()/ntp_gettime(), sysinfo(), /proc/uptime, file timestamps.
 *    Those are the supervisor's (ptrace, or the module), not the preload's.
 *
 * What the supervisor sees: the real function may itself make the system
 * call (the vDSO falls back to it for the alarm clocks, or when the
 * clocksource cannot be read from user space), and the preload then adds
 * the offset to what the kernel returned. So a time-read system call made
 * from the [vdso] of a process that has the page mapped must be left real
 * by the supervisor, or the offset counts twice. The page is mapped before
 * the first read (below), so /proc/<pid>/maps tells. The preload's own
 * system calls (only when libc lacks the function) take no offset.
 *
 * Rules for everything here: never print (except with FLUXCAP_DEBUG set),
 * never exit or abort, leave errno as the real function leaves it, and work
 * before this library's constructor has run, because another library's
 * constructor may read the time first. So the real functions and the page
 * are looked up lazily, and the constructor only does it early, so that
 * later calls (from signal handlers, say) need neither dlsym(), which is
 * not async-signal-safe, nor the mapping. After that, a read is the real
 * function plus a sequence-locked read of the page: no lock, no allocation,
 * no system call (but sched_yield while a writer is half way), so it is
 * async-signal-safe. Before that, the first read maps the page: raw
 * system calls and getenv() (which only races with a concurrent setenv());
 * a signal handler that interrupts it in the same thread reads real time
 * that once, rather than deadlock.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fluxcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define NSEC_PER_SEC 1000000000L
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Which offset a clock takes. */
enum base { BASE_NONE, BASE_MONO, BASE_REAL };

/* ftime()'s argument; <sys/timeb.h> is gone from glibc's headers. */
struct fluxcap_timeb {
	time_t time;
	unsigned short millitm;
	short timezone;
	short dstflag;
};

/* The next definitions in lookup order (libc's), once found. */
static struct {
	void *clock_gettime;
	void *gettimeofday;
	void *time;
	void *timespec_get;
	void *ftime;
} real;

/*
 * The page, mapped once per process image. page_state is PAGE_UNTRIED,
 * PAGE_DONE (page is then final: the mapping, or NULL for none), or while
 * a thread maps it, that thread's id.
 */
#define PAGE_UNTRIED 0
#define PAGE_DONE (-1)
static int page_state;
static const struct fluxcap_clock_page *page;
/*
 * Set (before PAGE_DONE) when FLUXCAP_CLOCK_PAGE names a page this process
 * cannot open: a private /dev/shm (unshare -m), a sandbox. Its reads are
 * then the system calls, which the supervisor sees: slower, never real.
 */
static bool page_unreachable;

static char *append(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

/*
 * With FLUXCAP_DEBUG set, writes "fluxcap-preload: <what><name>[: errno N]"
 * to stderr in one write(2). Async-signal-safe, errno kept.
 */
static void debug(const char *what, const char *name, int err)
{
	const char *env = getenv("FLUXCAP_DEBUG");
	int saved_errno = errno;
	char buf[512], num[16], *p = buf, *end = buf + sizeof(buf) - 1;
	char *d = num + sizeof(num);
	ssize_t ignored;

	if (!env || !*env)
		return;
	p = append(p, end, "fluxcap-preload: ");
	p = append(p, end, what);
	p = append(p, end, name);
	if (err > 0) {
		*--d = '\0';
		do
			*--d = '0' + err % 10;
		while ((err /= 10) && d > num);
		p = append(p, end, ": errno ");
		p = append(p, end, d);
	}
	*p++ = '\n';
	ignored = write(STDERR_FILENO, buf, p - buf);
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
		debug("no next definition, using the system call for ", name, 0);
		return NULL;
	}
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	debug("resolved ", name, 0);
	return fn;
}

/*
 * Opens, checks and maps the page FLUXCAP_CLOCK_PAGE names; NULL when there
 * is none or it is not valid (said once, with FLUXCAP_DEBUG). Raw system
 * calls for open and close, so that no other interposer sees them; libc's
 * fstat() and mmap() for their per-architecture structures and numbers.
 * The fd is closed before returning: the program must not inherit it.
 */
static const struct fluxcap_clock_page *map_page(void)
{
	const char *path = getenv("FLUXCAP_CLOCK_PAGE");
	const struct fluxcap_clock_page *p;
	struct stat st;
	void *map;
	long fd;

	if (!path || !*path) {
		debug("clock page: FLUXCAP_CLOCK_PAGE is not set, time stays real", "", 0);
		return NULL;
	}
	/*
	 * No vDSO (ptrace mode hid it, see Documentation/ptrace-mode.md):
	 * libc's reads are system calls, which the supervisor makes virtual;
	 * adding the page's offset would count it twice.
	 */
	if (!getauxval(AT_SYSINFO_EHDR)) {
		debug("clock page: no vDSO, reads are system calls", "", 0);
		__atomic_store_n(&page_unreachable, true, __ATOMIC_RELAXED);
		return NULL;
	}
	/* O_NONBLOCK: a FIFO must not hang the program. */
	fd = syscall(SYS_openat, AT_FDCWD, path,
		     O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		debug("clock page: reads become system calls, cannot open ", path, errno);
		__atomic_store_n(&page_unreachable, true, __ATOMIC_RELAXED);
		return NULL;
	}
	/*
	 * A file of the page's size (ptrace mode), or the module's character
	 * device /dev/fluxcap, whose size is 0 and whose mmap() gives the
	 * caller's group's page (ENOENT for a non-member).
	 */
	if (fstat(fd, &st) || !(S_ISCHR(st.st_mode) ||
	    (S_ISREG(st.st_mode) && st.st_size >= (off_t)sizeof(*p)))) {
		syscall(SYS_close, fd);
		debug("clock page: time stays real, neither a device nor a file of the page's size: ",
		      path, 0);
		return NULL;
	}
	map = mmap(NULL, sizeof(*p), PROT_READ, MAP_SHARED, fd, 0);
	syscall(SYS_close, fd);
	if (map == MAP_FAILED) {
		debug("clock page: time stays real, cannot map ", path, errno);
		return NULL;
	}
	p = map;
	/* Versions only append fields, so a newer page reads the same. */
	if (__atomic_load_n(&p->magic, __ATOMIC_ACQUIRE) != FLUXCAP_CLOCK_PAGE_MAGIC ||
	    __atomic_load_n(&p->version, __ATOMIC_RELAXED) < FLUXCAP_CLOCK_PAGE_VERSION) {
		munmap(map, sizeof(*p));
		debug("clock page: time stays real, bad magic or version in ", path, 0);
		return NULL;
	}
	debug("clock page: mapped ", path, 0);
	return p;
}

static bool thread_alive(int tid)
{
	return syscall(SYS_tgkill, getpid(), tid, 0) == 0 || errno != ESRCH;
}

/*
 * The slow path of get_page(): the first call maps the page; callers in
 * other threads wait for it (a few system calls). A signal handler that
 * interrupts the mapping in the same thread cannot wait for it, and reads
 * real time that once. If the mapping thread is gone (a fork() caught it
 * half way, so the child has its state but not the thread), take over.
 */
static const struct fluxcap_clock_page *get_page_slow(int state)
{
	const struct fluxcap_clock_page *p = NULL;
	int saved_errno = errno;
	int tid = syscall(SYS_gettid);
	unsigned int spins = 0;

	for (;;) {
		if (state == PAGE_DONE) {
			p = __atomic_load_n(&page, __ATOMIC_RELAXED);
			break;
		}
		if (state == tid)
			break;
		if (state == PAGE_UNTRIED || (++spins % 64 == 0 && !thread_alive(state))) {
			if (__atomic_compare_exchange_n(&page_state, &state, tid, false,
							__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
				p = map_page();
				__atomic_store_n(&page, p, __ATOMIC_RELAXED);
				__atomic_store_n(&page_state, PAGE_DONE, __ATOMIC_RELEASE);
				break;
			}
			continue;	/* state now holds the winner's value */
		}
		syscall(SYS_sched_yield);
		state = __atomic_load_n(&page_state, __ATOMIC_ACQUIRE);
	}
	errno = saved_errno;
	return p;
}

/* The page, or NULL for real time (or system calls). errno kept. */
static inline const struct fluxcap_clock_page *get_page(void)
{
	int state = __atomic_load_n(&page_state, __ATOMIC_ACQUIRE);

	if (__builtin_expect(state == PAGE_DONE, 1))
		return __atomic_load_n(&page, __ATOMIC_RELAXED);
	return get_page_slow(state);
}

/* After get_page() gave NULL: read with system calls, not the vDSO? */
static inline bool reads_by_syscall(void)
{
	return __atomic_load_n(&page_unreachable, __ATOMIC_RELAXED);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * Reads one offset under the sequence lock: retries while seq is odd (an
 * update is under way) or changed during the read. The writer's critical
 * section is a handful of stores, so a waiting reader spins briefly, then
 * yields in case the writer was preempted on this CPU.
 */
static void read_offset(const struct fluxcap_clock_page *p, enum base base,
			int64_t *sec, uint32_t *nsec, uint32_t *flags)
{
	const __s64 *psec = base == BASE_REAL ? &p->real_sec : &p->mono_sec;
	const __u32 *pnsec = base == BASE_REAL ? &p->real_nsec : &p->mono_nsec;
	unsigned int spins = 0;
	uint32_t seq;

	for (;;) {
		seq = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		if (!(seq & 1)) {
			*sec = __atomic_load_n(psec, __ATOMIC_RELAXED);
			*nsec = __atomic_load_n(pnsec, __ATOMIC_RELAXED);
			*flags = __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
			/* keeps the data loads before the second load of seq */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&p->seq, __ATOMIC_RELAXED) == seq)
				return;
		}
		if (++spins % 128)
			cpu_relax();
		else
			syscall(SYS_sched_yield);	/* errno: success only */
	}
}

#define TIME_T_MAX ((time_t)((1ULL << (8 * sizeof(time_t) - 1)) - 1))

/*
 * Adds p's offset for base to ts, saturating rather than wrapping; on a
 * frozen clock, the page holds the time itself.
 */
static void shift(const struct fluxcap_clock_page *p, enum base base,
		  struct timespec *ts)
{
	uint32_t nsec, flags;
	int64_t sec;
	int carry = 0;
	long ns;

	read_offset(p, base, &sec, &nsec, &flags);
	if (unlikely(flags & FLUXCAP_CLOCK_PAGE_F_FROZEN)) {
		ts->tv_sec = sec > TIME_T_MAX ? TIME_T_MAX : (time_t)sec;
		ts->tv_nsec = nsec < NSEC_PER_SEC ? (long)nsec : 0;
		return;
	}
	if (unlikely(nsec >= NSEC_PER_SEC)) {	/* a writer's bug: cope */
		if (__builtin_add_overflow(sec, nsec / NSEC_PER_SEC, &sec))
			sec = INT64_MAX;
		nsec %= NSEC_PER_SEC;
	}
	ns = ts->tv_nsec + (long)nsec;
	if (ns >= NSEC_PER_SEC) {
		ns -= NSEC_PER_SEC;
		carry = 1;
	}
	if (unlikely(__builtin_add_overflow(ts->tv_sec, sec, &ts->tv_sec) ||
		     __builtin_add_overflow(ts->tv_sec, carry, &ts->tv_sec))) {
		ts->tv_sec = sec >= 0 ? TIME_T_MAX : -TIME_T_MAX - 1;
		ns = sec >= 0 ? NSEC_PER_SEC - 1 : 0;
	}
	ts->tv_nsec = ns;
}

static enum base base_of(clockid_t clk)
{
	switch (clk) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return BASE_MONO;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		return BASE_REAL;
	default:	/* CPU-time clocks, dynamic (negative) ids, bad ids */
		return BASE_NONE;
	}
}

/*
 * Virtual time of clk through the real clock_gettime, for the functions
 * that report the same clock in another shape. false when there is no
 * page or no real clock_gettime: the caller then falls back to its own
 * real function.
 */
static bool virtual_now(clockid_t clk, struct timespec *ts)
{
	const struct fluxcap_clock_page *p = get_page();
	int (*fn)(clockid_t clk, struct timespec *ts);

	if (!p)
		return reads_by_syscall() && !syscall(SYS_clock_gettime, clk, ts);
	fn = resolve(&real.clock_gettime, "clock_gettime");
	if (!fn || fn(clk, ts))
		return false;
	shift(p, base_of(clk), ts);
	return true;
}

EXPORT int clock_gettime(clockid_t clk, struct timespec *ts)
{
	int (*fn)(clockid_t clk, struct timespec *ts) =
		resolve(&real.clock_gettime, "clock_gettime");
	enum base base = base_of(clk);
	const struct fluxcap_clock_page *p;
	int ret;

	/*
	 * Without libc's function the read is a system call, which the
	 * supervisor virtualises itself: nothing to add.
	 */
	if (!fn)
		return syscall(SYS_clock_gettime, clk, ts);
	/* Mapped before the read: see "what the supervisor sees" above. */
	p = base != BASE_NONE ? get_page() : NULL;
	if (!p && base != BASE_NONE && reads_by_syscall())
		return syscall(SYS_clock_gettime, clk, ts);
	ret = fn(clk, ts);
	if (!ret && p)
		shift(p, base, ts);
	return ret;
}

/*
 * Defined under its own name: <sys/time.h> declares gettimeofday()'s tv
 * nonnull, and the compiler would then drop the NULL check below, yet
 * programs do pass NULL to get only the zone.
 */
static int do_gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	int (*fn)(struct timeval *tv, void *tz) =
		resolve(&real.gettimeofday, "gettimeofday");
	struct timespec ts;

	/* The same clock as clock_gettime(CLOCK_REALTIME), so the two agree. */
	if (tv && virtual_now(CLOCK_REALTIME, &ts)) {
		if (tz) {	/* the real function's idea of the zone */
			if (fn)
				fn(NULL, tz);
			else
				syscall(SYS_gettimeofday, NULL, tz);
		}
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
		return 0;
	}
	if (fn)
		return fn(tv, tz);
	return syscall(SYS_gettimeofday, tv, tz);
}

EXPORT int gettimeofday(struct timeval *restrict tv, void *restrict tz)
	__attribute__((alias("do_gettimeofday")));

/* glibc exports it under a public version too; the same function. */
EXPORT int __gettimeofday(struct timeval *restrict tv, void *restrict tz)
	__attribute__((alias("do_gettimeofday")));

EXPORT time_t time(time_t *t)
{
	time_t (*fn)(time_t *t);
	struct timespec ts;

	/*
	 * The kernel's time() is the seconds of CLOCK_REALTIME_COARSE; the
	 * offset's nanoseconds must carry into them, so read the whole clock.
	 */
	if (virtual_now(CLOCK_REALTIME_COARSE, &ts)) {
		if (t)
			*t = ts.tv_sec;
		return ts.tv_sec;
	}
	fn = resolve(&real.time, "time");
	if (fn)
		return fn(t);
	/* Not every architecture has SYS_time; all have clock_gettime. */
	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

EXPORT int timespec_get(struct timespec *ts, int base)
{
	int (*fn)(struct timespec *ts, int base) =
		resolve(&real.timespec_get, "timespec_get");
	const struct fluxcap_clock_page *p = NULL;
	enum base b = BASE_NONE;
	int ret;

	if (base == TIME_UTC)
		b = BASE_REAL;
#ifdef TIME_MONOTONIC
	else if (base == TIME_MONOTONIC)
		b = BASE_MONO;
#endif
	if (!fn) {
		if (base != TIME_UTC || syscall(SYS_clock_gettime, CLOCK_REALTIME, ts))
			return 0;
		return base;
	}
	if (b != BASE_NONE)
		p = get_page();
	if (!p && b != BASE_NONE && reads_by_syscall())
		return syscall(SYS_clock_gettime, b == BASE_REAL ? CLOCK_REALTIME :
			       CLOCK_MONOTONIC, ts) ? 0 : base;
	ret = fn(ts, base);
	if (ret && p)
		shift(p, b, ts);
	return ret;
}

EXPORT int ftime(struct fluxcap_timeb *tb)
{
	int (*fn)(struct fluxcap_timeb *tb) = resolve(&real.ftime, "ftime");
	struct timespec ts;
	int ret = 0;

	if (fn) {
		ret = fn(tb);	/* fills timezone and dstflag as it always did */
	} else {
		tb->timezone = 0;
		tb->dstflag = 0;
		if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
			return -1;
		tb->time = ts.tv_sec;
		tb->millitm = ts.tv_nsec / 1000000;
		return 0;
	}
	if (!ret && virtual_now(CLOCK_REALTIME, &ts)) {
		tb->time = ts.tv_sec;
		tb->millitm = ts.tv_nsec / 1000000;
	}
	return ret;
}

__attribute__((constructor))
static void fluxcap_preload_init(void)
{
	resolve(&real.clock_gettime, "clock_gettime");
	resolve(&real.gettimeofday, "gettimeofday");
	resolve(&real.time, "time");
	resolve(&real.timespec_get, "timespec_get");
	resolve(&real.ftime, "ftime");
	/* Early too: before any sandbox forbids open(), and off the hot path. */
	get_page();
}
