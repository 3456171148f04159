/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An ia32 system call made from 64-bit code (int $0x80): the way a 64-bit
 * program reaches the 32-bit entries, for the programs that test them.
 */
#ifndef _PROG_IA32_H
#define _PROG_IA32_H

/* Arguments in ebx, ecx; int $0x80 clears r8-r11. */
static inline long ia32_call(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "0"(nr), "b"(a), "c"(b)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

#endif /* _PROG_IA32_H */
