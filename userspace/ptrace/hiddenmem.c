// SPDX-License-Identifier: GPL-2.0
/* A non-dumpable tracee's memory through its signal mask: see hiddenmem.h. */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "hiddenmem.h"

#define WIN 8				/* bytes per transfer: a sigset_t */
#define ALL_BLOCKED (~0UL)
#define SYSCALL_STOP (SIGTRAP | 0x80)
#define SECCOMP_STOP (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))
#define TRAP_STOP (SIGTRAP | (PTRACE_EVENT_STOP << 8))

/* The bits the kernel clears in a window: SIGKILL (9) and SIGSTOP (19). */
static unsigned char lossy(int pos)
{
	return pos == 1 ? 0x01 : pos == 2 ? 0x04 : 0;
}

static void set_mask(pid_t tid, unsigned long m)
{
	ptrace(PTRACE_SETSIGMASK, tid, sizeof(m), &m);
}

/*
 * Resumes tid with how and waits for the stop want. A trap of an earlier
 * PTRACE_INTERRUPT is passed over (the tracer would only resume it).
 * Anything else is left pending for the tracer's loop: -ESTALE.
 */
static int step(pid_t tid, int how, int want)
{
	int status;
	siginfo_t si;

	if (ptrace(how, tid, 0, 0))
		return -ESTALE;
	for (;;) {
		si.si_pid = 0;
		if (waitid(P_PID, tid, &si, WSTOPPED | WEXITED | __WALL | WNOWAIT)) {
			if (errno == EINTR)
				continue;
			return -ESTALE;
		}
		if (si.si_code != CLD_TRAPPED)
			return -ESTALE;
		if (si.si_status != want && si.si_status != TRAP_STOP)
			return -ESTALE;
		if (waitpid(tid, &status, __WALL) != tid)
			return -ESTALE;
		if (si.si_status == want)
			return 0;
		if (ptrace(how, tid, 0, 0))
			return -ESTALE;
	}
}

/* The tracee left the stop: give it back what it must resume with. */
static int lose(struct fc_hidden_stop *s, bool regs_back)
{
	if (regs_back)
		ptrace(PTRACE_SETREGS, s->tid, 0, &s->regs);
	set_mask(s->tid, s->mask);
	s->lost = true;
	return -ESTALE;
}

/*
 * Runs rt_sigprocmask(how, set, old, 8) in the tracee, which then is back
 * at its stop with its registers; s->got is the mask it left. Signals stay
 * blocked whenever the tracee could take one. Return: its result or -ESTALE.
 */
static long inject(struct fc_hidden_stop *s, int how, unsigned long set, unsigned long old)
{
	struct user_regs_struct r = s->regs;

	if (s->lost)
		return -ESTALE;
	r.rdi = (unsigned long)how;
	r.rsi = set;
	r.rdx = old;
	r.r10 = WIN;
	if (s->at_exit) {
		/* back to the syscall instruction, as a restart does */
		r.rip -= 2;
		r.rax = SYS_rt_sigprocmask;
		if (ptrace(PTRACE_SETREGS, s->tid, 0, &r) ||
		    step(s->tid, PTRACE_SYSCALL, SYSCALL_STOP))
			return lose(s, true);
	} else {
		/* the filter sees the new number: it lets this one run */
		r.orig_rax = SYS_rt_sigprocmask;
		if (ptrace(PTRACE_SETREGS, s->tid, 0, &r))
			return lose(s, false);
	}
	if (step(s->tid, PTRACE_SYSCALL, SYSCALL_STOP) ||
	    ptrace(PTRACE_GETREGS, s->tid, 0, &r) ||
	    ptrace(PTRACE_GETSIGMASK, s->tid, sizeof(s->got), &s->got))
		return lose(s, s->at_exit);
	set_mask(s->tid, ALL_BLOCKED);
	if (s->at_exit) {
		ptrace(PTRACE_SETREGS, s->tid, 0, &s->regs);
		return (long)r.rax;
	}
	/* the program's call again from its start: its seccomp stop */
	{
		struct user_regs_struct again = s->regs;

		again.rip -= 2;
		again.rax = again.orig_rax;
		if (ptrace(PTRACE_SETREGS, s->tid, 0, &again) ||
		    step(s->tid, PTRACE_CONT, SECCOMP_STOP))
			return lose(s, false);
	}
	return (long)r.rax;
}

static int begin(struct fc_hidden_stop *s)
{
	if (s->lost)
		return -ESTALE;
	if (s->used)
		return 0;
	if (ptrace(PTRACE_GETSIGMASK, s->tid, sizeof(s->mask), &s->mask))
		return -EPERM;
	set_mask(s->tid, ALL_BLOCKED);
	s->used = true;
	return 0;
}

static int result(long ret)
{
	return ret == -ESTALE ? -ESTALE : ret ? -EFAULT : 0;
}

/*
 * 16 bytes (a timespec, a timeval) from windows at 0, 1, 7 and 8: each
 * bit a window loses, another holds. Longer or shorter: not supported.
 */
int fc_hidden_read(struct fc_hidden_stop *s, unsigned long addr, void *buf, size_t len)
{
	static const int offs[] = { 0, 1, 7, 8 };
	unsigned char val[16] = { 0 }, known[16] = { 0 }, w[WIN];
	unsigned int i;
	int err, p;

	if (len != sizeof(val))
		return -EPERM;
	err = begin(s);
	for (i = 0; !err && i < sizeof(offs) / sizeof(offs[0]); i++) {
		err = result(inject(s, SIG_SETMASK, addr + offs[i], 0));
		memcpy(w, &s->got, WIN);
		for (p = 0; !err && p < WIN; p++) {
			unsigned char m = (unsigned char)~lossy(p);

			val[offs[i] + p] |= w[p] & m;
			known[offs[i] + p] |= m;
		}
	}
	for (i = 0; !err && i < len; i++)
		if (known[i] != 0xff)
			err = -EPERM;
	if (!err)
		memcpy(buf, val, len);
	return err;
}

/* Writes want[o, o + 8) at addr + o. */
static int put(struct fc_hidden_stop *s, unsigned long addr, const unsigned char *want, size_t o)
{
	unsigned long m;

	memcpy(&m, want + o, WIN);
	set_mask(s->tid, m);
	return result(inject(s, SIG_BLOCK, 0, addr + o));
}

/* Does the window at o keep want's bytes whole (the lost bits are 0)? */
static bool whole(const unsigned char *want, size_t o)
{
	return !(want[o + 1] & lossy(1)) && !(want[o + 2] & lossy(2));
}

/*
 * len >= 8. Windows at 0, 8, 16, ... when each keeps its bytes whole
 * (zeros: a select's fd sets). Else first the last 8 bytes, then windows
 * at 0, 1, ..., k: each byte's last window has it whole, but for bytes
 * k+1 and k+2, which the window at k must keep whole itself. k is the
 * first that does and still covers what the first window lost.
 */
int fc_hidden_write(struct fc_hidden_stop *s, unsigned long addr, const void *buf, size_t len)
{
	const unsigned char *want = buf;
	bool aligned = len % WIN == 0;
	size_t k, o;
	int err;

	if (len < WIN)
		return -EPERM;
	for (o = 0; aligned && o < len; o += WIN)
		aligned = whole(want, o);
	err = begin(s);
	for (o = 0; aligned && !err && o < len; o += WIN)
		err = put(s, addr, want, o);
	if (aligned || err)
		return err;
	k = len > 13 ? len - 13 : 0;
	while (k <= len - WIN && !whole(want, k))
		k++;
	if (k > len - WIN)
		return -EPERM;
	if (k + WIN < len)
		err = put(s, addr, want, len - WIN);
	for (o = 0; !err && o <= k; o++)
		err = put(s, addr, want, o);
	return err;
}

bool fc_hidden_end(struct fc_hidden_stop *s)
{
	if (s->used && !s->lost)
		set_mask(s->tid, s->mask);
	s->used = false;
	return !s->lost;
}
