// SPDX-License-Identifier: GPL-2.0
/*
 * A 64-bit program making ia32 (int $0x80) or x32 (__X32_SYSCALL_BIT)
 * syscalls itself, which ptrace mode must never leave half-virtual:
 *   probe     exit 0 if this kernel runs the ABI's calls, 3 if not
 *   sleep     a 3 s sleep of the ABI beside a native 10 s sleep: the 3 s
 *             one ends at 3 virtual s (time holds while it runs), the
 *             10 s one at 10
 *   read      after a native 1000 s sleep, the ABI's clock_gettime,
 *             gettimeofday and time read the same virtual time as the
 *             native clock_gettime (ia32 also clock_gettime64)
 *   alarm     alarm(2) of the ABI, then a native 100 s sleep: SIGALRM
 *             ends it after 2 s (no jump passes the kernel's timer), and
 *             a later 1 s sleep takes its time too
 *   refused   for a kernel without the ABI: its sleep, read and alarm
 *             fail with ENOSYS, and a native 100 s sleep still jumps
 * Clocks are read with the raw native syscall (virtual in every build).
 * usage: foreign ia32|x32 KIND. Last line "ok ABI KIND" and exit 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "ia32.h"
#include "prog.h"

/* ia32 numbers (asm/unistd_32.h; its macros clash with the native ones) */
enum {
	IA32_TIME = 13, IA32_GETPID = 20, IA32_ALARM = 27, IA32_GETTIMEOFDAY = 78,
	IA32_NANOSLEEP = 162, IA32_CLOCK_GETTIME = 265, IA32_CLOCK_GETTIME64 = 403,
};
#define X32_BIT 0x40000000L

static bool x32;

/* One call of the ABI: -errno on failure, as the kernel returns it. */
static long call(long ia32_nr, long x32_nr, long a, long b)
{
	long ret;

	if (!x32)
		return ia32_call(ia32_nr, a, b);
	ret = syscall(x32_nr | X32_BIT, a, b);
	return ret < 0 ? -errno : ret;
}

/* Memory below 4 GiB, where an ia32 call can point. */
static void *low_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		prog_fail("mmap(MAP_32BIT): %s", strerror(errno));
	return p;
}

/* nanosleep of the ABI: { s32, s32 } for ia32, { s64, s64 } for x32. */
static long abi_nanosleep(long sec)
{
	int32_t *t32 = low_page();
	int64_t *t64 = (void *)t32;

	if (x32) {
		t64[0] = sec;
		t64[1] = 0;
	} else {
		t32[0] = (int32_t)sec;
		t32[1] = 0;
	}
	return call(IA32_NANOSLEEP, SYS_nanosleep, (long)t32, 0);
}

static void native_sleep(long sec)
{
	struct timespec ts = { sec, 0 };

	if (syscall(SYS_nanosleep, &ts, NULL))
		prog_fail("native nanosleep(%ld): %s", sec, strerror(errno));
}

static __int128 t0;

static void *ten(void *arg)
{
	native_sleep(10);
	*(__int128 *)arg = prog_now(CLOCK_MONOTONIC) - t0;
	return NULL;
}

static void do_sleep(void)
{
	__int128 a, b = 0;
	pthread_t th;
	long ret;

	t0 = prog_now(CLOCK_MONOTONIC);
	if (pthread_create(&th, NULL, ten, &b))
		prog_fail("pthread_create failed");
	ret = abi_nanosleep(3);
	a = prog_now(CLOCK_MONOTONIC) - t0;
	if (ret)
		prog_fail("the 3 s sleep returned %ld", ret);
	pthread_join(th, NULL);
	printf("# 3 s sleep ended at %s s, 10 s sleep at %s s (virtual)\n", prog_s(a), prog_s(b));
	if (!prog_elapsed_ok("the 3 s sleep", "monotonic", a, 3 * PROG_NSEC, 0, PROG_NSEC / 2) ||
	    !prog_elapsed_ok("the 10 s sleep", "monotonic", b, 10 * PROG_NSEC, 0, PROG_NSEC / 2))
		prog_fail("sleep: want 3 and 10 virtual s");
}

/* |a - b| <= 2 s, else fail naming what. */
static void agree(const char *what, __int128 a, __int128 b)
{
	__int128 d = a > b ? a - b : b - a;

	printf("# %s %s s, native %s s\n", what, prog_s(a), prog_s(b));
	if (d > 2 * PROG_NSEC)
		prog_fail("read: %s differs from the native clock by %s s", what, prog_s(d));
}

/* The ABI's clock_gettime (64: clock_gettime64) of clk, in ns. */
static __int128 abi_clock(clockid_t clk, bool time64)
{
	int32_t *t32 = low_page();
	int64_t *t64 = (void *)t32;
	long ret;

	ret = time64 ? call(IA32_CLOCK_GETTIME64, -1, clk, (long)t32) :
		       call(IA32_CLOCK_GETTIME, SYS_clock_gettime, clk, (long)t32);
	if (ret)
		prog_fail("read: clock_gettime%s(%d): %ld", time64 ? "64" : "", (int)clk, ret);
	if (x32 || time64)
		return (__int128)t64[0] * PROG_NSEC + t64[1];
	return (__int128)t32[0] * PROG_NSEC + t32[1];
}

static void do_read(void)
{
	__int128 before = prog_now(CLOCK_MONOTONIC), real;
	int32_t *t32 = low_page();
	int64_t *t64 = (void *)t32;
	long ret;

	native_sleep(1000);
	if (prog_now(CLOCK_MONOTONIC) - before < 1000 * PROG_NSEC)
		prog_fail("read: the native 1000 s sleep did not take 1000 virtual s");
	real = prog_read(CLOCK_REALTIME, true);
	agree("clock_gettime(REALTIME)", abi_clock(CLOCK_REALTIME, false), real);
	agree("clock_gettime(MONOTONIC)", abi_clock(CLOCK_MONOTONIC, false),
	      prog_read(CLOCK_MONOTONIC, true));
	if (!x32)
		agree("clock_gettime64(REALTIME)", abi_clock(CLOCK_REALTIME, true), real);
	ret = call(IA32_GETTIMEOFDAY, SYS_gettimeofday, (long)t32, 0);
	if (ret)
		prog_fail("read: gettimeofday: %ld", ret);
	agree("gettimeofday", x32 ? (__int128)t64[0] * PROG_NSEC + t64[1] * 1000 :
				    (__int128)t32[0] * PROG_NSEC + t32[1] * 1000, real);
	t64[0] = 0;
	ret = call(IA32_TIME, SYS_time, (long)t32, 0);
	agree("time()", (__int128)ret * PROG_NSEC, real);
	agree("time()'s stored value", (__int128)(x32 ? t64[0] : t32[0]) * PROG_NSEC, real);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void do_alarm(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct timespec ts = { 100, 0 };
	__int128 t, e;
	long ret;

	sigaction(SIGALRM, &sa, NULL);
	ret = call(IA32_ALARM, SYS_alarm, 2, 0);
	if (ret)
		prog_fail("alarm: alarm(2) returned %ld", ret);
	t = prog_now(CLOCK_MONOTONIC);
	ret = syscall(SYS_nanosleep, &ts, NULL);
	e = prog_now(CLOCK_MONOTONIC) - t;
	printf("# the 100 s sleep returned %ld (%s) after %s s\n", ret,
	       ret ? strerror(errno) : "no error", prog_s(e));
	if (ret != -1 || errno != EINTR || alarms != 1 ||
	    !prog_elapsed_ok("the sleep SIGALRM ends", "monotonic", e, 2 * PROG_NSEC,
			     PROG_NSEC / 10, PROG_NSEC))
		prog_fail("alarm: want the 100 s sleep ended by SIGALRM at 2 s (%d alarms)",
			  (int)alarms);
	/* no jumps any more: a 1 s sleep takes its time */
	t = prog_now(CLOCK_MONOTONIC);
	native_sleep(1);
	e = prog_now(CLOCK_MONOTONIC) - t;
	if (!prog_elapsed_ok("a later 1 s sleep", "monotonic", e, PROG_NSEC, 0, PROG_NSEC / 2))
		prog_fail("alarm: a later 1 s sleep took %s s", prog_s(e));
}

static void do_refused(void)
{
	long ret;

	if ((ret = abi_nanosleep(1)) != -ENOSYS ||
	    (ret = call(IA32_CLOCK_GETTIME, SYS_clock_gettime, CLOCK_REALTIME,
			(long)low_page())) != -ENOSYS ||
	    (ret = call(IA32_ALARM, SYS_alarm, 1, 0)) != -ENOSYS)
		prog_fail("refused: a call returned %ld, not -ENOSYS", ret);
	t0 = prog_now(CLOCK_MONOTONIC);
	native_sleep(100);
	if (!prog_elapsed_ok("the 100 s sleep", "monotonic", prog_now(CLOCK_MONOTONIC) - t0,
			     100 * PROG_NSEC, 0, PROG_NSEC / 2))
		prog_fail("refused: the native sleep after them is not 100 virtual s");
}

/* In a child: an ia32 call may kill it (no ia32 entry: SIGSEGV). */
static int probe(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		prog_fail("fork: %s", strerror(errno));
	if (!pid)
		_exit(call(IA32_GETPID, SYS_getpid, 0, 0) == getpid() ? 0 : 3);
	if (waitpid(pid, &status, 0) != pid)
		prog_fail("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

int main(int argc, char *argv[])
{
	const char *kind = argc == 3 ? argv[2] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	*prog_raw_clock() = true;
	if (argc != 3 || (strcmp(argv[1], "ia32") && strcmp(argv[1], "x32")))
		prog_fail("usage: foreign ia32|x32 probe|sleep|read|alarm|refused");
	x32 = !strcmp(argv[1], "x32");
	if (!strcmp(kind, "probe"))
		return probe();
	if (!strcmp(kind, "sleep"))
		do_sleep();
	else if (!strcmp(kind, "read"))
		do_read();
	else if (!strcmp(kind, "alarm"))
		do_alarm();
	else if (!strcmp(kind, "refused"))
		do_refused();
	else
		prog_fail("unknown kind '%s'", kind);
	printf("ok %s %s\n", argv[1], kind);
	return 0;
}
