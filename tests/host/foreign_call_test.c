// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace mode's handling of ia32 and x32 calls (userspace/ptrace/
 * foreign_abi.c, foreign_call.c) without running any: made-up registers
 * of a seccomp stop and of the exit, with this process standing in for
 * the tracee (its own memory read and written by process_vm_*v), and a
 * virtual clock 1000 s ahead. The ABI of a stop by its number; what each
 * call is (read, timer, hold); the 32- and 64-bit layouts of the reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "foreign_abi.h"
#include "foreign_call.h"
#include "tap.h"

#define AHEAD 1000

static struct fc_clock clk;
static struct fc_foreign_call c;
static struct user_regs_struct regs;

static struct fc_time mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fc_time_normalise(ts.tv_sec, ts.tv_nsec);
}

static long real_sec(void)
{
	return (long)time(NULL);
}

/* A call of abi with number nr and three arguments entering, then exiting with ret. */
static bool call(const struct fc_abi_nrs *abi, int nr, unsigned long a0, unsigned long a1,
		 long ret, bool *armed)
{
	memset(&regs, 0, sizeof(regs));
	regs.orig_rax = (unsigned long)nr;
	if (abi == &fc_nr_ia32) {
		/* high halves that int $0x80 ignores */
		regs.rbx = a0 | 0xdead000000000000UL;
		regs.rcx = a1 | 0xdead000000000000UL;
	} else {
		regs.rdi = a0;
		regs.rsi = a1;
	}
	fc_foreign_enter(&c, abi, &regs);
	regs.rax = (unsigned long)ret;
	return fc_foreign_exit(getpid(), &c, &regs, &clk, armed);
}

/* Is v (seconds) AHEAD of the real clock, within 2 s? */
static bool ahead(long long v)
{
	long long d = v - real_sec() - AHEAD;

	return d >= -2 && d <= 2;
}

int main(void)
{
	struct fc_time target, now;
	int32_t *b32;
	int64_t *b64;
	bool armed, patched;
	struct user_regs_struct r = { 0 };
	/* below 4 GiB, where an ia32 call can point */
	int64_t *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	tap_plan(12);
	if (buf == MAP_FAILED)
		return 1;
	fc_clock_init(&clk);
	now = mono_now();	/* one reading: an offset of exactly AHEAD s */
	target = fc_time_add(now, fc_time_normalise(AHEAD, 0));
	fc_clock_jump_to(&clk, now, target);
	b32 = (int32_t *)buf;
	b64 = buf;

	/* which ABI a stop is: by number; unknown (not traced here): ia32, held */
	r.orig_rax = 162;
	tap_ok(fc_foreign_stop_abi(getpid(), &r) == &fc_nr_ia32, "nr 162 (no native stop): ia32");
	r.orig_rax = SYS_nanosleep;
	tap_ok(!fc_foreign_stop_abi(getpid(), &r), "nr 35 (native nanosleep): native");
	r.orig_rax = SYS_nanosleep | 0x40000000;
	tap_ok(fc_foreign_stop_abi(getpid(), &r) == &fc_nr_x32, "nr 35 | x32 bit: x32");
	r.orig_rax = SYS_nanosleep | 0x100000000UL;
	tap_ok(fc_foreign_stop_abi(getpid(), &r) != NULL, "nr 35 with a high bit set: held");
	r.orig_rax = SYS_epoll_pwait2;
	tap_ok(fc_foreign_stop_abi(getpid(), &r) == &fc_nr_ia32,
	       "epoll_pwait2 (both stop on it), the kernel cannot say: held as ia32");

	/* ia32 reads, 32-bit layouts */
	b32[0] = (int32_t)real_sec();
	b32[1] = 500000000;
	patched = call(&fc_nr_ia32, fc_nr_ia32.clock_gettime, CLOCK_REALTIME,
		       (unsigned long)b32, 0, &armed);
	tap_ok(c.kind == FC_FOREIGN_READ && !patched && ahead(b32[0]) && b32[1] == 500000000,
	       "ia32 clock_gettime: { s32 %d, %d } is 1000 s ahead", b32[0], b32[1]);
	b64[0] = real_sec();
	b64[1] = 7;
	call(&fc_nr_ia32, fc_nr_ia32.clock_gettime64, CLOCK_MONOTONIC, (unsigned long)b64, 0,
	     &armed);
	tap_ok(b64[0] == real_sec() + AHEAD || b64[0] == real_sec() + AHEAD - 1,
	       "ia32 clock_gettime64: a 64-bit timespec, moved by the offset");
	b32[0] = (int32_t)real_sec();
	b32[1] = 999999;
	call(&fc_nr_ia32, fc_nr_ia32.gettimeofday, (unsigned long)b32, 0, 0, &armed);
	tap_ok(ahead(b32[0]) && b32[1] == 999999, "ia32 gettimeofday: { s32, s32 usec } ahead");
	buf[0] = 0;
	patched = call(&fc_nr_ia32, fc_nr_ia32.time, (unsigned long)b32, 0, real_sec(), &armed);
	tap_ok(patched && ahead((long)regs.rax) && ahead(b32[0]) && b32[1] == 0,
	       "ia32 time: result and the s32 stored, nothing more written");

	/* x32 reads: x86-64 layouts */
	b64[0] = real_sec();
	b64[1] = 5;
	call(&fc_nr_x32, fc_nr_x32.gettimeofday, (unsigned long)b64, 0, 0, &armed);
	tap_ok(ahead(b64[0]) && b64[1] == 5, "x32 gettimeofday: { s64, s64 usec } ahead");

	/* timers and the rest */
	call(&fc_nr_ia32, fc_nr_ia32.alarm, 2, 0, 0, &armed);
	tap_ok(c.kind == FC_FOREIGN_ARM && armed && (call(&fc_nr_ia32, fc_nr_ia32.alarm, 0, 0, 0,
							    &armed), !armed) &&
	       (call(&fc_nr_x32, fc_nr_x32.timer_settime, 1, 0, -EINVAL, &armed), !armed),
	       "alarm(2) arms; alarm(0) and a failed timer_settime do not");
	call(&fc_nr_ia32, 162, (unsigned long)b32, 0, 0, &armed);
	tap_ok(c.kind == FC_FOREIGN_HOLD && !armed && !strcmp(c.desc, "ia32 syscall 162"),
	       "ia32 nanosleep holds: %s", c.desc);
	return tap_done();
}
