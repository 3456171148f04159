// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding and finishing the timed waits of ptrace mode (see trace_wait.h).
 *
 * The rule that keeps results exact: the kernel's own timer for a wait
 * must never expire before the virtual deadline does in host time. The
 * virtual offset only grows, so relative timeouts and absolute monotonic
 * deadlines already satisfy it (the kernel's expiry is at or after ours).
 * Absolute REALTIME/TAI deadlines do not when the clock was started in
 * the past, so those waits are turned into effectively endless ones by
 * changing registers only (never the program's memory): the supervisor
 * then ends them itself, at the right virtual moment.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "trace_wait.h"
#include "tracemem.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

static struct fc_time ts_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return fc_time_normalise(ts.tv_sec, ts.tv_nsec);
}

void fc_host_now(struct fc_host_now *now)
{
	now->mono = ts_now(CLOCK_MONOTONIC);
	now->boot = ts_now(CLOCK_BOOTTIME);
	now->real = ts_now(CLOCK_REALTIME);
	now->tai = ts_now(CLOCK_TAI);
}

static struct fc_time host_of(const struct fc_host_now *now, enum fc_clockid id)
{
	switch (id) {
	case FC_CLOCK_BOOTTIME:
		return now->boot;
	case FC_CLOCK_REALTIME:
		return now->real;
	case FC_CLOCK_TAI:
		return now->tai;
	default:
		return now->mono;
	}
}

/* Maps a clockid_t the kernel offsets for us; -1 for the others. */
static int clock_of(long id)
{
	switch (id) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
		return FC_CLOCK_MONOTONIC;
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return FC_CLOCK_BOOTTIME;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
		return FC_CLOCK_REALTIME;
	case CLOCK_TAI:
		return FC_CLOCK_TAI;
	default:
		return -1;
	}
}

int fc_wait_clockid(long id)
{
	return clock_of(id);
}

static const char *const clock_names[] = {
	[FC_CLOCK_MONOTONIC] = "CLOCK_MONOTONIC",
	[FC_CLOCK_BOOTTIME] = "CLOCK_BOOTTIME",
	[FC_CLOCK_REALTIME] = "CLOCK_REALTIME",
	[FC_CLOCK_TAI] = "CLOCK_TAI",
};

bool fc_wait_is_timeread(long nr)
{
	return nr == SYS_clock_gettime || nr == SYS_gettimeofday || nr == SYS_time;
}

const char *fc_syscall_name(long nr)
{
	switch (nr) {
	case SYS_nanosleep: return "nanosleep";
	case SYS_clock_nanosleep: return "clock_nanosleep";
	case SYS_poll: return "poll";
	case SYS_ppoll: return "ppoll";
	case SYS_select: return "select";
	case SYS_pselect6: return "pselect6";
	case SYS_epoll_wait: return "epoll_wait";
	case SYS_epoll_pwait: return "epoll_pwait";
	case SYS_epoll_pwait2: return "epoll_pwait2";
	case SYS_futex: return "futex";
	case SYS_futex_waitv: return "futex_waitv";
	case SYS_rt_sigtimedwait: return "rt_sigtimedwait";
	case SYS_semtimedop: return "semtimedop";
	case SYS_mq_timedsend: return "mq_timedsend";
	case SYS_mq_timedreceive: return "mq_timedreceive";
	case SYS_clock_gettime: return "clock_gettime";
	case SYS_gettimeofday: return "gettimeofday";
	case SYS_time: return "time";
	case SYS_restart_syscall: return "restart_syscall";
	default: return "?";
	}
}

/* A user timespec: 1 valid, 0 invalid (the kernel will say EINVAL). */
static int read_ts(pid_t tid, unsigned long addr, struct fc_time *t)
{
	struct timespec ts;

	if (fc_mem_read(tid, addr, &ts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || fc_time_from_ts(ts.tv_sec, ts.tv_nsec, t))
		return 0;
	return 1;
}

/*
 * select()'s timeval, taken as the kernel takes it: whole seconds of
 * tv_usec carry into tv_sec (2000000 us is 2 s more), and what is left
 * must make a valid timespec.
 */
static int read_tv(pid_t tid, unsigned long addr, struct fc_time *t)
{
	struct timeval tv;
	long long sec, nsec;

	if (fc_mem_read(tid, addr, &tv, sizeof(tv)))
		return -EFAULT;
	if (__builtin_add_overflow(tv.tv_sec, tv.tv_usec / 1000000, &sec))
		return 0;
	nsec = (tv.tv_usec % 1000000) * 1000;
	if (sec < 0 || nsec < 0)
		return 0;
	*t = fc_time_normalise(sec, nsec);
	return 1;
}

/*
 * An interrupted nanosleep writes its remaining time even when the
 * supervisor then turns it into a timeout, which leaves rem alone: keep
 * what the caller had there, to put it back.
 */
static void save_remain(pid_t tid, struct fc_wait *w)
{
	w->remain_saved = w->remain_addr &&
		!fc_mem_read(tid, w->remain_addr, &w->remain_before, sizeof(w->remain_before));
}

/*
 * Would the kernel's hrtimer for t never expire? Its expiry, a ktime,
 * saturates at KTIME_MAX (S64_MAX ns, some 292 years of uptime): host
 * now + t for a relative timeout, t itself for an absolute one.
 */
static bool past_ktime_max(const struct fc_host_now *now, struct fc_time t, bool abs)
{
	s64 ns, base = 0;

	if (fc_time_to_ns(t, &ns))
		return true;
	if (!abs)
		fc_time_to_ns(now->mono, &base);
	return fc_ns_add_sat(base, ns) == S64_MAX;
}

/* A relative timeout t from now, on the virtual monotonic base. */
static void set_relative(struct fc_wait *w, const struct fc_clock *clk,
			 const struct fc_host_now *now, struct fc_time t)
{
	struct fc_time vnow = fc_clock_to_virtual(clk, FC_CLOCK_MONOTONIC, now->mono);

	w->forever = past_ktime_max(now, t, false);
	w->absolute = false;
	w->deadline = fc_time_add(vnow, t);
}

static void set_absolute(struct fc_wait *w, const struct fc_clock *clk,
			 const struct fc_host_now *now, enum fc_clockid id,
			 struct fc_time v)
{
	w->absolute = true;
	w->forever = past_ktime_max(now, v, true);
	w->clock = id;
	w->deadline = fc_clock_deadline_mono(clk, id, v, now->mono, host_of(now, id));
}

/* A timeout in milliseconds; *t gets it as a time, for the description. */
static int decode_ms(struct fc_wait *w, const struct fc_clock *clk,
		     const struct fc_host_now *now, long ms, struct fc_time *t)
{
	if ((int)ms <= 0)
		return 0;
	*t = fc_time_normalise((int)ms / 1000, ((int)ms % 1000) * 1000000LL);
	set_relative(w, clk, now, *t);
	return 1;
}

/*
 * Would the kernel take this futex wait as it stands? A misaligned word
 * (EINVAL), an empty bitset (EINVAL) or FUTEX_CLOCK_REALTIME on plain
 * FUTEX_WAIT (ENOSYS) fail at once: such a wait is left to the kernel,
 * never ended early by a skip.
 */
static bool futex_wait_valid(const struct user_regs_struct *regs, int op, int cmd)
{
	if (regs->rdi % sizeof(unsigned int))
		return false;
	if (cmd == FUTEX_WAIT_BITSET)
		return (unsigned int)regs->r9 != 0;
	return !(op & FUTEX_CLOCK_REALTIME);
}

static int decode_futex(pid_t tid, struct user_regs_struct *regs,
			const struct fc_clock *clk, const struct fc_host_now *now,
			struct fc_wait *w, bool *changed, struct fc_time *timeout)
{
	int op = (int)regs->rsi, cmd = op & FUTEX_CMD_MASK;
	enum fc_clockid id = (op & FUTEX_CLOCK_REALTIME) ? FC_CLOCK_REALTIME : FC_CLOCK_MONOTONIC;
	struct fc_time t;
	int ret;

	w->timeout_ret = -ETIMEDOUT;
	ret = read_ts(tid, regs->r10, &t);
	*timeout = t;
	if (ret <= 0)
		return ret;
	if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) &&
	    futex_wait_valid(regs, op, cmd)) {
		w->futex_addr = regs->rdi;
		w->futex_val = (unsigned int)regs->rdx;
	}
	if (cmd == FUTEX_WAIT) {
		set_relative(w, clk, now, t);
		return 1;
	}
	if (cmd == FUTEX_LOCK_PI)
		id = FC_CLOCK_REALTIME;
	set_absolute(w, clk, now, id, t);
	if (id == FC_CLOCK_REALTIME) {
		regs->r10 = 0;	/* no kernel timeout: we end the wait */
		*changed = true;
	}
	return 1;
}

int fc_wait_decode(pid_t tid, struct user_regs_struct *regs,
		   const struct fc_clock *clk, const struct fc_host_now *now,
		   struct fc_wait *w, bool *regs_changed)
{
	long nr = regs->orig_rax;
	struct fc_time t = { 0, 0 };
	int id, ret = 0;

	memset(w, 0, sizeof(*w));
	w->nr = nr;
	w->clock = FC_CLOCK_MONOTONIC;
	*regs_changed = false;

	switch (nr) {
	case SYS_nanosleep:
		ret = read_ts(tid, regs->rdi, &t);
		if (ret <= 0)
			return ret;
		w->pure_sleep = true;
		set_relative(w, clk, now, t);
		w->remain = regs->rsi ? FC_REMAIN_TIMESPEC : FC_REMAIN_NONE;
		w->remain_addr = regs->rsi;
		w->remain_on_eintr_only = true;
		save_remain(tid, w);
		break;
	case SYS_clock_nanosleep:
		/*
		 * Only the four clocks the kernel sleeps on with an hrtimer:
		 * it refuses RAW and COARSE (EOPNOTSUPP), and the alarm clocks
		 * need an RTC and CAP_WAKE_ALARM; those go to the kernel as
		 * they are, for its own answer.
		 */
		switch ((int)regs->rdi) {
		case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
		case CLOCK_REALTIME: case CLOCK_TAI:
			break;
		default:
			return 0;
		}
		id = clock_of((long)(int)regs->rdi);
		if (id < 0)
			return 0;
		ret = read_ts(tid, regs->rdx, &t);
		if (ret <= 0)
			return ret;
		w->pure_sleep = true;
		if (regs->rsi & TIMER_ABSTIME) {
			set_absolute(w, clk, now, id, t);
			if (id == FC_CLOCK_REALTIME || id == FC_CLOCK_TAI) {
				/* the absolute date read as a relative time: decades */
				regs->rsi &= ~(unsigned long)TIMER_ABSTIME;
				regs->r10 = 0;
				*regs_changed = true;
			}
		} else {
			w->clock = id;
			set_relative(w, clk, now, t);
			w->remain = regs->r10 ? FC_REMAIN_TIMESPEC : FC_REMAIN_NONE;
			w->remain_addr = regs->r10;
			w->remain_on_eintr_only = true;
			save_remain(tid, w);
		}
		break;
	case SYS_poll:
		ret = decode_ms(w, clk, now, (long)regs->rdx, &t);
		w->pure_sleep = regs->rsi == 0;
		break;
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		ret = decode_ms(w, clk, now, (long)regs->r10, &t);
		break;
	case SYS_ppoll:
		ret = read_ts(tid, regs->rdx, &t);
		if (ret <= 0 || (!t.sec && !t.nsec))
			return ret < 0 ? ret : 0;
		set_relative(w, clk, now, t);
		w->remain = FC_REMAIN_TIMESPEC;
		w->remain_addr = regs->rdx;
		break;
	case SYS_select:
	case SYS_pselect6:
		ret = nr == SYS_select ? read_tv(tid, regs->r8, &t) : read_ts(tid, regs->r8, &t);
		if (ret <= 0 || (!t.sec && !t.nsec))
			return ret < 0 ? ret : 0;
		set_relative(w, clk, now, t);
		w->remain = nr == SYS_select ? FC_REMAIN_TIMEVAL : FC_REMAIN_TIMESPEC;
		w->remain_addr = regs->r8;
		w->nfds = regs->rdi;
		w->fdsets[0] = regs->rsi;
		w->fdsets[1] = regs->rdx;
		w->fdsets[2] = regs->r10;
		/* nfds < 0 fails (EINVAL): not a sleep to end early */
		w->pure_sleep = nr == SYS_select && (int)regs->rdi >= 0 &&
			((int)regs->rdi == 0 || (!regs->rsi && !regs->rdx && !regs->r10));
		break;
	case SYS_epoll_pwait2:
		ret = read_ts(tid, regs->r10, &t);
		if (ret <= 0 || (!t.sec && !t.nsec))
			return ret < 0 ? ret : 0;
		set_relative(w, clk, now, t);
		break;
	case SYS_semtimedop:
		/* relative; a signal (or our interrupt) makes it -EINTR */
		ret = read_ts(tid, regs->r10, &t);
		if (ret <= 0 || (!t.sec && !t.nsec))
			return ret < 0 ? ret : 0;
		set_relative(w, clk, now, t);
		w->timeout_ret = -EAGAIN;
		break;
	case SYS_mq_timedsend:
	case SYS_mq_timedreceive:
		/* an absolute REALTIME deadline: made endless, we end it */
		ret = read_ts(tid, regs->r8, &t);
		if (ret <= 0)
			return ret;
		set_absolute(w, clk, now, FC_CLOCK_REALTIME, t);
		w->timeout_ret = -ETIMEDOUT;
		regs->r8 = 0;
		*regs_changed = true;
		break;
	case SYS_rt_sigtimedwait:
		ret = read_ts(tid, regs->rdx, &t);
		if (ret <= 0 || (!t.sec && !t.nsec))
			return ret < 0 ? ret : 0;
		set_relative(w, clk, now, t);
		w->timeout_ret = -EAGAIN;
		break;
	case SYS_futex:
		ret = decode_futex(tid, regs, clk, now, w, regs_changed, &t);
		break;
	case SYS_futex_waitv:
		id = (int)regs->r8 == CLOCK_REALTIME ? FC_CLOCK_REALTIME :
		     (int)regs->r8 == CLOCK_MONOTONIC ? FC_CLOCK_MONOTONIC : -1;
		if (id < 0)
			return 0;
		ret = read_ts(tid, regs->r10, &t);
		if (ret <= 0)
			return ret;
		set_absolute(w, clk, now, id, t);
		w->timeout_ret = -ETIMEDOUT;
		if (id == FC_CLOCK_REALTIME) {
			regs->r10 = 0;
			*regs_changed = true;
		}
		break;
	default:
		return 0;
	}
	if (ret <= 0)
		return ret;
	/* endless for the kernel too: no deadline, nothing to jump to */
	if (w->forever)
		return 0;

	snprintf(w->desc, sizeof(w->desc), "%s(%s%s %lld.%09u s)",
		 fc_syscall_name(nr), w->absolute ? "until " : "",
		 w->absolute ? clock_names[w->clock] : "for",
		 (long long)t.sec, t.nsec);
	return 1;
}

static void write_remaining(pid_t tid, const struct fc_wait *w, struct fc_time left)
{
	if (left.sec < 0)
		left = (struct fc_time){ 0, 0 };
	if (w->remain == FC_REMAIN_TIMESPEC) {
		struct timespec ts = { .tv_sec = left.sec, .tv_nsec = left.nsec };

		fc_mem_write(tid, w->remain_addr, &ts, sizeof(ts));
	} else if (w->remain == FC_REMAIN_TIMEVAL) {
		struct timeval tv = { .tv_sec = left.sec, .tv_usec = left.nsec / 1000 };

		fc_mem_write(tid, w->remain_addr, &tv, sizeof(tv));
	}
}

static bool interrupted(long ret)
{
	return ret == -EINTR || ret == -512 /* ERESTARTSYS */ ||
	       ret == -513 /* ERESTARTNOINTR */ || ret == -514 /* ERESTARTNOHAND */ ||
	       ret == -516 /* ERESTART_RESTARTBLOCK */;
}

bool fc_wait_rerun_fresh(const struct fc_wait *w)
{
	return w->nr == SYS_select || w->nr == SYS_pselect6 || w->nr == SYS_ppoll;
}

void fc_wait_keep_remaining(pid_t tid, struct fc_wait *w)
{
	if (w->remain_on_eintr_only)
		save_remain(tid, w);
}

void fc_wait_timed_out(pid_t tid, const struct fc_wait *w)
{
	static const unsigned char zeros[4096];
	size_t bytes = ((w->nfds + 63) / 64) * 8;
	int i;

	/* select and friends report 0 left; nanosleep leaves rem alone */
	if (!w->remain_on_eintr_only)
		write_remaining(tid, w, (struct fc_time){ 0, 0 });
	else if (w->remain_saved)
		fc_mem_write(tid, w->remain_addr, &w->remain_before,
			     sizeof(w->remain_before));
	/* a select that times out clears its fd sets */
	for (i = 0; i < 3 && bytes <= sizeof(zeros); i++)
		if (w->fdsets[i])
			fc_mem_write(tid, w->fdsets[i], zeros, bytes);
}

void fc_wait_finish(pid_t tid, struct user_regs_struct *regs,
		    const struct fc_wait *w, bool timed_out, struct fc_time vnow)
{
	long ret = (long)regs->rax;

	if (timed_out && interrupted(ret)) {
		regs->rax = (unsigned long)w->timeout_ret;
		fc_wait_timed_out(tid, w);
		return;
	}
	if (w->remain_on_eintr_only && !interrupted(ret))
		return;
	write_remaining(tid, w, fc_time_sub(w->deadline, vnow));
}

/* A signed integer of size 4 or 8 bytes, little-endian, at p. */
static int64_t get_int(const unsigned char *p, size_t size)
{
	int32_t i32;
	int64_t i64;

	if (size == 4) {
		memcpy(&i32, p, 4);
		return i32;
	}
	memcpy(&i64, p, 8);
	return i64;
}

/* Stores v in size bytes (4: wrapping, as the kernel's own truncation). */
static void put_int(unsigned char *p, size_t size, int64_t v)
{
	int32_t i32 = (int32_t)(uint32_t)(uint64_t)v;

	if (size == 4)
		memcpy(p, &i32, 4);
	else
		memcpy(p, &v, 8);
}

int fc_wait_patch_pair(pid_t tid, unsigned long addr, size_t size, long unit_ns,
		       enum fc_clockid id, const struct fc_clock *clk)
{
	unsigned char buf[16];
	struct fc_time t;
	int err;

	if (!addr)
		return 0;
	err = fc_mem_read(tid, addr, buf, 2 * size);
	if (err)
		return err;
	t = fc_time_normalise(get_int(buf, size), get_int(buf + size, size) * unit_ns);
	t = fc_time_add(t, fc_clock_offset(clk, id));
	put_int(buf, size, t.sec);
	put_int(buf + size, size, t.nsec / unit_ns);
	return fc_mem_write(tid, addr, buf, 2 * size);
}

int fc_wait_patch_time(pid_t tid, unsigned long addr, size_t size,
		       struct user_regs_struct *regs, const struct fc_clock *clk)
{
	unsigned char buf[8];
	struct fc_time t;

	t = fc_time_add(ts_now(CLOCK_REALTIME), fc_clock_offset(clk, FC_CLOCK_REALTIME));
	put_int(buf, size, t.sec);
	regs->rax = (unsigned long)get_int(buf, size);
	return addr ? fc_mem_write(tid, addr, buf, size) : 0;
}

int fc_wait_patch_timeread(pid_t tid, struct user_regs_struct *regs,
			   const struct user_regs_struct *saved,
			   const struct fc_clock *clk)
{
	int id;

	switch (saved->orig_rax) {
	case SYS_clock_gettime:
		id = clock_of((long)(int)saved->rdi);
		if ((long)regs->rax != 0 || id < 0)
			return 0;
		return fc_wait_patch_pair(tid, saved->rsi, 8, 1, id, clk);
	case SYS_gettimeofday:
		if ((long)regs->rax != 0)
			return 0;
		return fc_wait_patch_pair(tid, saved->rdi, 8, 1000, FC_CLOCK_REALTIME, clk);
	case SYS_time:
		if ((long)regs->rax < 0)
			return 0;
		return fc_wait_patch_time(tid, saved->rdi, 8, regs, clk);
	}
	return 0;
}

bool fc_wait_futex_would_block(pid_t tid, const struct fc_wait *w)
{
	unsigned int v;

	return w->futex_addr && !fc_mem_read(tid, w->futex_addr, &v, sizeof(v)) &&
	       v == w->futex_val;
}

bool fc_regs_args_equal(const struct user_regs_struct *a,
			const struct user_regs_struct *b)
{
	return a->rdi == b->rdi && a->rsi == b->rsi && a->rdx == b->rdx &&
	       a->r10 == b->r10 && a->r8 == b->r8 && a->r9 == b->r9;
}

void fc_regs_restore_args(struct user_regs_struct *regs,
			  const struct user_regs_struct *saved)
{
	regs->rdi = saved->rdi;
	regs->rsi = saved->rsi;
	regs->rdx = saved->rdx;
	regs->r10 = saved->r10;
	regs->r8 = saved->r8;
	regs->r9 = saved->r9;
}
