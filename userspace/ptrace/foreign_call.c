// SPDX-License-Identifier: GPL-2.0
/*
 * An ia32 or x32 call of a 64-bit program (see foreign_call.h). x32 lays
 * its time values out as x86-64 does (64-bit seconds and fractions); ia32
 * has 32-bit ones except in clock_gettime64, and its seconds wrap in
 * 2038 as they do natively.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>

#include "foreign_call.h"
#include "trace_wait.h"

/* Is nr the call x (-1: none in this ABI)? */
static bool is(int nr, int x)
{
	return x >= 0 && nr == x;
}

static enum fc_foreign_kind kind_of(const struct fc_abi_nrs *a, int nr, unsigned long arg0)
{
	if (is(nr, a->time) || is(nr, a->gettimeofday) || is(nr, a->clock_gettime) ||
	    is(nr, a->clock_gettime64))
		return FC_FOREIGN_READ;
	if (is(nr, a->alarm))	/* alarm(0) only cancels */
		return arg0 ? FC_FOREIGN_ARM : FC_FOREIGN_HOLD;
	/* timer_create: a later native timer_settime of its id reaches the kernel */
	if (is(nr, a->setitimer) || is(nr, a->timer_create) || is(nr, a->timer_settime) ||
	    is(nr, a->timer_settime64) || is(nr, a->timerfd_settime) ||
	    is(nr, a->timerfd_settime64))
		return FC_FOREIGN_ARM;
	return FC_FOREIGN_HOLD;
}

void fc_foreign_enter(struct fc_foreign_call *c, const struct fc_abi_nrs *abi,
		      const struct user_regs_struct *regs)
{
	c->abi = abi;
	c->nr = (int)regs->orig_rax;
	if (abi == &fc_nr_ia32) {
		/* int $0x80 takes the low halves of ebx, ecx, edx, ... */
		c->args[0] = (uint32_t)regs->rbx;
		c->args[1] = (uint32_t)regs->rcx;
		c->args[2] = (uint32_t)regs->rdx;
	} else {
		c->args[0] = regs->rdi;
		c->args[1] = regs->rsi;
		c->args[2] = regs->rdx;
	}
	c->kind = kind_of(abi, c->nr, c->args[0]);
	snprintf(c->desc, sizeof(c->desc), "%s syscall %d", abi->name,
		 abi == &fc_nr_x32 ? c->nr & ~FC_X32_SYSCALL_BIT : c->nr);
}

bool fc_foreign_exit(pid_t tid, const struct fc_foreign_call *c,
		     struct user_regs_struct *regs, const struct fc_clock *clk, bool *armed)
{
	const struct fc_abi_nrs *a = c->abi;
	size_t size = a == &fc_nr_x32 ? 8 : 4;
	long ret = (long)regs->rax;
	int id;

	*armed = c->kind == FC_FOREIGN_ARM && ret >= 0;
	if (c->kind != FC_FOREIGN_READ)
		return false;
	if (is(c->nr, a->time)) {
		if (ret < 0 && ret >= -4095)	/* EFAULT */
			return false;
		fc_wait_patch_time(tid, c->args[0], size, regs, clk);
		return true;
	}
	if (ret != 0)
		return false;
	if (is(c->nr, a->gettimeofday)) {
		fc_wait_patch_pair(tid, c->args[0], size, 1000, FC_CLOCK_REALTIME, clk);
		return false;
	}
	id = fc_wait_clockid((long)(int)c->args[0]);
	if (id < 0)		/* CPU-time clocks stay real */
		return false;
	if (is(c->nr, a->clock_gettime64))
		size = 8;
	fc_wait_patch_pair(tid, c->args[1], size, 1, id, clk);
	return false;
}
