/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall numbers ptrace mode needs of the two other ABIs an x86-64
 * kernel runs: ia32 (int $0x80, 32-bit programs) and x32 (64-bit
 * registers, numbers with __X32_SYSCALL_BIT). They come from the system
 * headers (asm/unistd_32.h, asm/unistd_x32.h), each read in its own file,
 * since their macros share the names of the native ones.
 */
#ifndef _FC_ABI_NR_H
#define _FC_ABI_NR_H

#include <stddef.h>

#define FC_X32_SYSCALL_BIT 0x40000000

/* One ABI's numbers; -1 where the ABI has no such syscall. */
struct fc_abi_nrs {
	const char *name;		/* "ia32", "x32" */
	/* time reads */
	int time, gettimeofday, clock_gettime, clock_gettime64;
	/* calls that arm (or may later arm) a kernel timer */
	int alarm, setitimer, timer_create, timer_settime, timer_settime64,
	    timerfd_settime, timerfd_settime64;
	/* calls that set or steer the clock (stime, settimeofday, ...); ends with -1 */
	const int *settime;
	/* of those, the ones emulated in this ABI's layouts (-1: refused) */
	int stime, settimeofday, clock_settime, clock_settime64;
	/*
	 * Every call that can wait with a timeout, explicit or hidden (socket
	 * timeouts), read, set or steer the time, or arm a timer, and those
	 * that send a signal to one thread; ends with -1.
	 */
	const int *timed;
};

extern const struct fc_abi_nrs fc_nr_ia32, fc_nr_x32;

#endif /* _FC_ABI_NR_H */
