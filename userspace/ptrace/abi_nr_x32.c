// SPDX-License-Identifier: GPL-2.0
/* x32 syscall numbers (see abi_nr.h); nothing else may be included here. */

#include "abi_nr.h"

/* asm/unistd.h defines it for x32 builds only */
#define __X32_SYSCALL_BIT FC_X32_SYSCALL_BIT
#include <asm/unistd_x32.h>

/* The filter stops every x32 call; only the reads and timers are named. */
static const int timed[] = { -1 };

static const int settime[] = {
	__NR_settimeofday, __NR_clock_settime, __NR_adjtimex, __NR_clock_adjtime, -1
};

const struct fc_abi_nrs fc_nr_x32 = {
	.name = "x32",
	.time = __NR_time,
	.gettimeofday = __NR_gettimeofday,
	.clock_gettime = __NR_clock_gettime,
	.clock_gettime64 = -1,
	.alarm = __NR_alarm,
	.setitimer = __NR_setitimer,
	.timer_create = __NR_timer_create,
	.timer_settime = __NR_timer_settime,
	.timer_settime64 = -1,
	.timerfd_settime = __NR_timerfd_settime,
	.timerfd_settime64 = -1,
	.settime = settime,
	.stime = -1,
	.settimeofday = -1,
	.clock_settime = -1,
	.clock_settime64 = -1,
	.timed = timed,
};
