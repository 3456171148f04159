// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace mode's seccomp program (userspace/ptrace/trace_filter.c), run by a
 * small classic-BPF interpreter on made-up syscalls, since this host may
 * run no ia32 or x32 code at all: which calls of each ABI stop, that the
 * tracer can tell every stop's ABI (a number both ABIs stop on is asked
 * for), and that the native path is no longer than before.
 */
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "abi_nr.h"
#include "tap.h"
#include "trace_filter.h"

static struct sock_filter prog[FC_FILTER_MAX_INSNS];
static int len;

/* Runs the program on d; *steps counts the instructions executed. */
static uint32_t run(const struct seccomp_data *d, int *steps)
{
	const unsigned char *data = (const void *)d;
	uint32_t a = 0;
	int pc = 0;

	for (*steps = 0; pc >= 0 && pc < len; pc++) {
		const struct sock_filter *i = &prog[pc];

		++*steps;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*d))
				return 0xdead;
			memcpy(&a, data + i->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xbad;
		}
	}
	return 0xfa11;		/* fell off the end */
}

static uint32_t verdict(uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t a2,
			uint64_t a3, int *steps)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1, a2, a3 } };
	int dummy;

	return run(&d, steps ? steps : &dummy);
}

static bool stops(uint32_t arch, int nr)
{
	return verdict(arch, nr, 1, 1, 1, 1, NULL) == SECCOMP_RET_TRACE;
}

static bool ia32_timed(int nr)
{
	const int *p;

	for (p = fc_nr_ia32.timed; *p >= 0; p++)
		if (*p == nr)
			return true;
	return false;
}

int main(void)
{
	int nr, steps, bad_ia32 = -1, blind = -1, bad_x32 = -1, bad_ret = -1, timed = 0;
	int allowed = 0, max_steps = 0;
	const int *p;
	uint32_t v;

	tap_plan(11);
	len = fc_trace_filter_build(prog, FC_FILTER_MAX_INSNS);
	tap_ok(len > 0 && len <= FC_FILTER_MAX_INSNS, "the program builds: %d instructions of %d",
	       len, FC_FILTER_MAX_INSNS);
	if (len <= 0)
		return tap_done();

	for (nr = 0; nr < 1024; nr++) {
		v = verdict(AUDIT_ARCH_I386, nr, 0, 0, 0, 0, NULL);
		if (v != SECCOMP_RET_TRACE && v != SECCOMP_RET_ALLOW && bad_ret < 0)
			bad_ret = nr;
		/* an ia32 call passes only where a native stop has its number */
		if (v == SECCOMP_RET_ALLOW) {
			allowed++;
			if (!fc_filter_native_stops(nr) || ia32_timed(nr))
				bad_ia32 = nr;
		}
		timed += ia32_timed(nr);
		if (ia32_timed(nr) && v != SECCOMP_RET_TRACE)
			bad_ia32 = nr;
		/* the tracer takes a stop for native by number: it must ask here */
		if (v == SECCOMP_RET_TRACE && fc_filter_native_stops(nr) &&
		    !fc_filter_both_stop(nr))
			blind = nr;
		if (!stops(AUDIT_ARCH_X86_64, nr | FC_X32_SYSCALL_BIT) && bad_x32 < 0)
			bad_x32 = nr;
	}
	tap_ok(bad_ret < 0, "every ia32 verdict is TRACE or ALLOW (first other: %d)", bad_ret);
	tap_ok(bad_ia32 < 0 && timed > 40,
	       "ia32: the %d timed calls stop; only %d numbers of native stops pass (bad: %d)",
	       timed, allowed, bad_ia32);
	tap_ok(stops(AUDIT_ARCH_I386, fc_nr_ia32.time) && stops(AUDIT_ARCH_I386, fc_nr_ia32.alarm) &&
	       stops(AUDIT_ARCH_I386, fc_nr_ia32.clock_gettime64) &&
	       stops(AUDIT_ARCH_I386, fc_nr_ia32.timerfd_settime) &&
	       stops(AUDIT_ARCH_I386, 0 /* restart_syscall */) &&
	       !stops(AUDIT_ARCH_I386, SYS_alarm /* ia32 kill */),
	       "ia32 time, alarm, clock_gettime64, timerfd_settime, restart_syscall stop; kill passes");
	tap_ok(blind < 0, "the tracer can tell every ia32 stop from a native one (blind at %d)",
	       blind);
	tap_ok(bad_x32 < 0 && stops(AUDIT_ARCH_X86_64, fc_nr_x32.clock_gettime) &&
	       stops(AUDIT_ARCH_X86_64, -1),
	       "x32: every call stops (first that passes: %d)", bad_x32);

	/* native verdicts as before */
	tap_ok(stops(AUDIT_ARCH_X86_64, SYS_nanosleep) && stops(AUDIT_ARCH_X86_64, SYS_clock_gettime) &&
	       !stops(AUDIT_ARCH_X86_64, SYS_read) && !stops(AUDIT_ARCH_X86_64, SYS_getpid) &&
	       verdict(AUDIT_ARCH_X86_64, SYS_poll, 0, 1, 0, 0, NULL) == SECCOMP_RET_ALLOW &&
	       verdict(AUDIT_ARCH_X86_64, SYS_poll, 0, 1, 5, 0, NULL) == SECCOMP_RET_TRACE &&
	       verdict(AUDIT_ARCH_X86_64, SYS_poll, 0, 1, -1, 0, NULL) == SECCOMP_RET_ALLOW &&
	       verdict(AUDIT_ARCH_X86_64, SYS_futex, 0, FUTEX_WAIT, 0, 8, NULL) == SECCOMP_RET_TRACE &&
	       verdict(AUDIT_ARCH_X86_64, SYS_futex, 0, FUTEX_WAIT, 0, 0, NULL) == SECCOMP_RET_ALLOW &&
	       verdict(AUDIT_ARCH_X86_64, SYS_futex, 0, FUTEX_WAKE, 0, 8, NULL) == SECCOMP_RET_ALLOW &&
	       verdict(AUDIT_ARCH_X86_64, SYS_ppoll, 0, 1, 0x100000000ULL, 0, NULL) ==
	       SECCOMP_RET_TRACE,
	       "native: sleeps and reads stop, read/getpid pass, poll/futex/ppoll by argument");

	/* setting the time stops; a read stops only for 8 bytes (a timerfd's) */
	tap_ok(stops(AUDIT_ARCH_X86_64, SYS_clock_settime) &&
	       stops(AUDIT_ARCH_X86_64, SYS_settimeofday) && stops(AUDIT_ARCH_X86_64, SYS_adjtimex) &&
	       stops(AUDIT_ARCH_X86_64, SYS_clock_adjtime) &&
	       verdict(AUDIT_ARCH_X86_64, SYS_read, 3, 0, 8, 0, NULL) == SECCOMP_RET_TRACE &&
	       verdict(AUDIT_ARCH_X86_64, SYS_read, 3, 0, 4096, 0, NULL) == SECCOMP_RET_ALLOW &&
	       verdict(AUDIT_ARCH_X86_64, SYS_read, 3, 0, 0x100000008ULL, 0, NULL) ==
	       SECCOMP_RET_ALLOW,
	       "native: clock_settime, settimeofday, adjtimex, clock_adjtime stop; read of 8 bytes only");
	for (p = fc_nr_ia32.settime, v = 0; *p >= 0; p++)
		v |= !stops(AUDIT_ARCH_I386, *p);
	for (p = fc_nr_x32.settime; *p >= 0; p++)
		v |= !stops(AUDIT_ARCH_X86_64, *p);
	tap_ok(!v, "ia32 stime, settimeofday, clock_settime(64), adjtimex, clock_adjtime(64) and x32's stop");

	/* a native stop needs its number in the rules, which the tracer reads */
	for (nr = 0, v = 0; nr < 1024; nr++)
		if (stops(AUDIT_ARCH_X86_64, nr) && !fc_filter_native_stops(nr))
			v = 1;
	tap_ok(!v, "every native number that stops is one the tracer takes for native");

	/*
	 * The native path: load arch, one test, then the rules as before; a
	 * call no rule takes meets one more test (x32) at the end.
	 */
	for (nr = 0; nr < 512; nr++) {
		verdict(AUDIT_ARCH_X86_64, nr, 0, 0, 0, 0, &steps);
		if (steps > max_steps)
			max_steps = steps;
	}
	verdict(AUDIT_ARCH_X86_64, SYS_clock_gettime, 0, 0, 0, 0, &steps);
	tap_ok(steps == 5, "native clock_gettime stops after %d instructions, as before (5)",
	       steps);
	tap_diag("longest native path: %d instructions", max_steps);
	return tap_done();
}
