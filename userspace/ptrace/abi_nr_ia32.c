// SPDX-License-Identifier: GPL-2.0
/* ia32 syscall numbers (see abi_nr.h); nothing else may be included here. */

#include <asm/unistd_32.h>

#include "abi_nr.h"

static const int timed[] = {
	__NR_restart_syscall, __NR_time, __NR_gettimeofday, __NR_clock_gettime,
	__NR_clock_gettime64, __NR_nanosleep, __NR_clock_nanosleep,
	__NR_clock_nanosleep_time64, __NR_select, __NR__newselect, __NR_pselect6,
	__NR_pselect6_time64, __NR_poll, __NR_ppoll, __NR_ppoll_time64,
	__NR_epoll_wait, __NR_epoll_pwait, __NR_epoll_pwait2, __NR_futex,
	__NR_futex_time64, __NR_futex_waitv, __NR_rt_sigtimedwait,
	__NR_rt_sigtimedwait_time64, __NR_semtimedop_time64,
	__NR_ipc, __NR_mq_timedsend, __NR_mq_timedsend_time64,
	__NR_mq_timedreceive, __NR_mq_timedreceive_time64, __NR_io_getevents,
	__NR_io_pgetevents, __NR_io_pgetevents_time64, __NR_io_uring_enter,
	__NR_recvmmsg, __NR_recvmmsg_time64, __NR_socketcall, __NR_read,
	__NR_write, __NR_readv, __NR_writev, __NR_recvfrom, __NR_recvmsg,
	__NR_sendto, __NR_sendmsg, __NR_sendmmsg, __NR_accept4, __NR_connect,
	__NR_sendfile, __NR_sendfile64, __NR_splice, __NR_alarm, __NR_setitimer,
	__NR_timer_create, __NR_timer_settime, __NR_timer_settime64,
	__NR_timerfd_settime, __NR_timerfd_settime64,
	__NR_stime, __NR_settimeofday, __NR_clock_settime, __NR_clock_settime64,
	__NR_adjtimex, __NR_clock_adjtime, __NR_clock_adjtime64,
	/* not timed: signals for one thread (tracer.c's trusted sleepers) */
	__NR_tgkill, __NR_pidfd_send_signal,
	-1
};

static const int settime[] = {
	__NR_stime, __NR_settimeofday, __NR_clock_settime, __NR_clock_settime64,
	__NR_adjtimex, __NR_clock_adjtime, __NR_clock_adjtime64, -1
};

const struct fc_abi_nrs fc_nr_ia32 = {
	.name = "ia32",
	.time = __NR_time,
	.gettimeofday = __NR_gettimeofday,
	.clock_gettime = __NR_clock_gettime,
	.clock_gettime64 = __NR_clock_gettime64,
	.alarm = __NR_alarm,
	.setitimer = __NR_setitimer,
	.timer_create = __NR_timer_create,
	.timer_settime = __NR_timer_settime,
	.timer_settime64 = __NR_timer_settime64,
	.timerfd_settime = __NR_timerfd_settime,
	.timerfd_settime64 = __NR_timerfd_settime64,
	.settime = settime,
	.stime = __NR_stime,
	.settimeofday = __NR_settimeofday,
	.clock_settime = __NR_clock_settime,
	.clock_settime64 = __NR_clock_settime64,
	.timed = timed,
};
