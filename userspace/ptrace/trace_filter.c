// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp-bpf program of ptrace mode. A syscall stops the tracee
 * (SECCOMP_RET_TRACE) only when it can wait with a finite timeout or
 * reads or sets the time (and a read of 8 bytes, which may be a
 * cancelled timerfd's), or sends a signal to one thread (tracer.c's idle
 * check trusts a sleeper no such signal reached); waits with no timeout, zero timeouts of poll/epoll and
 * futex operations that do not wait pass straight through, so that
 * uncontended futex wakes and every other syscall cost nothing.
 *
 * The other two ABIs (abi_nr.h) stop at every call, except the ia32 calls
 * whose numbers a native stop uses and that can neither wait nor read the
 * time (ia32 kill is x86-64 alarm): the tracer tells a stop's ABI by its
 * number (foreign_abi.h), asking the kernel only for the numbers both
 * stop on. Stopping at every ia32/x32 call lets the tracer hold time
 * through the waits whose timeouts it cannot see there (socket timeouts
 * included), and costs nothing on the native path: its first two
 * instructions are today's, and the x32 test comes after the native rules,
 * where only syscalls the kernel's seccomp cache already allows arrive.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi_nr.h"
#include "trace_filter.h"

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n) (ARG_LO(n) + 4)

#define INSN(...)	((struct sock_filter)__VA_ARGS__)
#define LOAD(off)	INSN(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define RET(v)		INSN(BPF_STMT(BPF_RET | BPF_K, (v)))
#define JEQ(k, t, f)	INSN(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f)))
#define JSET(k, t, f)	INSN(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f)))
#define AND(k)		INSN(BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (k)))

enum rule_kind {
	STOP_ALWAYS,	/* time reads, sleeps, restart_syscall, timers */
	STOP_IF_PTR,	/* a timeout pointer: NULL waits forever */
	STOP_IF_POSITIVE,	/* an int timeout in ms: 0 polls, < 0 forever */
	STOP_IF_FUTEX_WAIT,	/* waiting futex ops with a timeout pointer */
	STOP_IF_EIGHT,		/* a size argument of 8: a timerfd's read */
};

static const struct rule {
	int nr;
	enum rule_kind kind;
	int arg;
} rules[] = {
	{ SYS_clock_gettime, STOP_ALWAYS, 0 },
	{ SYS_gettimeofday, STOP_ALWAYS, 0 },
	{ SYS_time, STOP_ALWAYS, 0 },
	{ SYS_nanosleep, STOP_ALWAYS, 0 },
	{ SYS_clock_nanosleep, STOP_ALWAYS, 0 },
	{ SYS_restart_syscall, STOP_ALWAYS, 0 },
	/* timers: emulated; sigwait: may dequeue a timer's signal */
	{ SYS_rt_sigtimedwait, STOP_ALWAYS, 0 },
	{ SYS_timer_create, STOP_ALWAYS, 0 },
	{ SYS_timer_settime, STOP_ALWAYS, 0 },
	{ SYS_timer_gettime, STOP_ALWAYS, 0 },
	{ SYS_timer_getoverrun, STOP_ALWAYS, 0 },
	{ SYS_timer_delete, STOP_ALWAYS, 0 },
	{ SYS_alarm, STOP_ALWAYS, 0 },
	{ SYS_setitimer, STOP_ALWAYS, 0 },
	{ SYS_getitimer, STOP_ALWAYS, 0 },
	{ SYS_timerfd_settime, STOP_ALWAYS, 0 },
	{ SYS_timerfd_gettime, STOP_ALWAYS, 0 },
	/* to say why a tracer inside fails */
	{ SYS_ptrace, STOP_ALWAYS, 0 },
	/* a signal for one thread: may end a sleep the idle check trusts */
	{ SYS_tgkill, STOP_ALWAYS, 0 },
	{ SYS_tkill, STOP_ALWAYS, 0 },
	{ SYS_rt_tgsigqueueinfo, STOP_ALWAYS, 0 },
	{ SYS_pidfd_send_signal, STOP_ALWAYS, 0 },
	/* setting the time: the tree's virtual clock, never the host's */
	{ SYS_clock_settime, STOP_ALWAYS, 0 },
	{ SYS_settimeofday, STOP_ALWAYS, 0 },
	{ SYS_adjtimex, STOP_ALWAYS, 0 },
	{ SYS_clock_adjtime, STOP_ALWAYS, 0 },
	{ SYS_futex, STOP_IF_FUTEX_WAIT, 3 },
	{ SYS_select, STOP_IF_PTR, 4 },
	{ SYS_pselect6, STOP_IF_PTR, 4 },
	{ SYS_ppoll, STOP_IF_PTR, 2 },
	{ SYS_epoll_pwait2, STOP_IF_PTR, 3 },
	{ SYS_futex_waitv, STOP_IF_PTR, 3 },
	{ SYS_semtimedop, STOP_IF_PTR, 3 },
	{ SYS_mq_timedsend, STOP_IF_PTR, 4 },
	{ SYS_mq_timedreceive, STOP_IF_PTR, 4 },
	{ SYS_poll, STOP_IF_POSITIVE, 2 },
	{ SYS_epoll_wait, STOP_IF_POSITIVE, 3 },
	{ SYS_epoll_pwait, STOP_IF_POSITIVE, 3 },
	/* a cancelled TFD_TIMER_CANCEL_ON_SET timerfd's read fails */
	{ SYS_read, STOP_IF_EIGHT, 2 },
};

static const unsigned int futex_waits[] = {
	FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_LOCK_PI, FUTEX_LOCK_PI2,
	FUTEX_WAIT_REQUEUE_PI,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct prog {
	struct sock_filter insn[FC_FILTER_MAX_INSNS];
	unsigned int n;
};

static void emit(struct prog *p, struct sock_filter insn)
{
	if (p->n < FC_FILTER_MAX_INSNS)
		p->insn[p->n] = insn;
	p->n++;
}

bool fc_filter_native_stops(long nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].nr == nr)
			return true;
	return false;
}

/* Must an ia32 call with this number stop? */
static bool ia32_timed(long nr)
{
	const int *p;

	for (p = fc_nr_ia32.timed; *p >= 0; p++)
		if (*p == nr)
			return true;
	return false;
}

bool fc_filter_both_stop(long nr)
{
	return fc_filter_native_stops(nr) && ia32_timed(nr);
}

/*
 * The ia32 section: the native rules' numbers pass unless ia32 has a
 * timed call there too; every other number stops.
 */
static void emit_ia32(struct prog *p)
{
	unsigned int left = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		left += !ia32_timed(rules[i].nr);
	emit(p, LOAD(offsetof(struct seccomp_data, nr)));
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		if (ia32_timed(rules[i].nr))
			continue;
		/* a match jumps over the other tests and the TRACE */
		emit(p, JEQ(rules[i].nr, left, 0));
		left--;
	}
	emit(p, RET(SECCOMP_RET_TRACE));
	emit(p, RET(SECCOMP_RET_ALLOW));
}

/* Stop when the 64-bit pointer argument arg is not NULL. */
static void emit_ptr_block(struct prog *p, int arg)
{
	emit(p, LOAD(ARG_LO(arg)));
	emit(p, JEQ(0, 0, 3));		/* low half set: stop */
	emit(p, LOAD(ARG_HI(arg)));
	emit(p, JEQ(0, 0, 1));		/* high half set: stop */
	emit(p, RET(SECCOMP_RET_ALLOW));
	emit(p, RET(SECCOMP_RET_TRACE));
}

/* Emits the block for one rule; every path through it returns. */
static void emit_block(struct prog *p, const struct rule *r)
{
	unsigned int i, n = ARRAY_SIZE(futex_waits);

	switch (r->kind) {
	case STOP_ALWAYS:
		emit(p, RET(SECCOMP_RET_TRACE));
		break;
	case STOP_IF_PTR:
		emit_ptr_block(p, r->arg);
		break;
	case STOP_IF_POSITIVE:
		emit(p, LOAD(ARG_LO(r->arg)));
		emit(p, JEQ(0, 2, 0));		/* 0: a poll, no wait */
		emit(p, JSET(0x80000000, 1, 0));	/* < 0: no timeout */
		emit(p, RET(SECCOMP_RET_TRACE));
		emit(p, RET(SECCOMP_RET_ALLOW));
		break;
	case STOP_IF_EIGHT:
		emit(p, LOAD(ARG_LO(r->arg)));
		emit(p, JEQ(8, 0, 3));
		emit(p, LOAD(ARG_HI(r->arg)));
		emit(p, JEQ(0, 0, 1));
		emit(p, RET(SECCOMP_RET_TRACE));
		emit(p, RET(SECCOMP_RET_ALLOW));
		break;
	case STOP_IF_FUTEX_WAIT:
		emit(p, LOAD(ARG_LO(1)));
		emit(p, AND(FUTEX_CMD_MASK));
		/* each match jumps over the rest of the list and the ALLOW */
		for (i = 0; i < n; i++)
			emit(p, JEQ(futex_waits[i], n - i, 0));
		emit(p, RET(SECCOMP_RET_ALLOW));
		emit_ptr_block(p, r->arg);
		break;
	}
}

/* Length of a rule's block, by emitting it into a scratch program. */
static unsigned int block_len(const struct rule *r)
{
	struct prog scratch = { .n = 0 };

	emit_block(&scratch, r);
	return scratch.n;
}

static int build(struct prog *p)
{
	struct prog ia32 = { .n = 0 };
	size_t i;

	emit_ia32(&ia32);
	if (ia32.n > 255)	/* a jump's offset is 8 bits */
		return -E2BIG;
	p->n = 0;
	emit(p, LOAD(offsetof(struct seccomp_data, arch)));
	/* native: over the ia32 section; the only other arch is ia32 */
	emit(p, JEQ(AUDIT_ARCH_X86_64, ia32.n, 0));
	for (i = 0; i < ia32.n; i++)
		emit(p, ia32.insn[i]);
	emit(p, LOAD(offsetof(struct seccomp_data, nr)));
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		/* not this syscall: skip its block; the accumulator keeps nr */
		emit(p, JEQ(rules[i].nr, 0, block_len(&rules[i])));
		emit_block(p, &rules[i]);
	}
	emit(p, JSET(FC_X32_SYSCALL_BIT, 0, 1));	/* x32: stop */
	emit(p, RET(SECCOMP_RET_TRACE));
	emit(p, RET(SECCOMP_RET_ALLOW));
	return p->n <= FC_FILTER_MAX_INSNS ? 0 : -E2BIG;
}

int fc_trace_filter_build(struct sock_filter *insn, unsigned int max)
{
	static struct prog p;
	int ret = build(&p);

	if (ret)
		return ret;
	if (p.n > max)
		return -E2BIG;
	memcpy(insn, p.insn, p.n * sizeof(*insn));
	return (int)p.n;
}

int fc_trace_filter_install(void)
{
	static struct prog p;
	struct sock_fprog prog;
	int ret;

	ret = build(&p);
	if (ret)
		return ret;
	prog.len = p.n;
	prog.filter = p.insn;

	/* root may install a filter without giving up setuid transitions */
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return -errno;
	return 0;
}
